"""The only way to change participate's records: permission, validation, transaction and audit entry together.

The anonymous answer (``answer_consultation``, ``answer_feedback``) is the exception to "everything audited":
an audit entry carries a precise time and a sequence number, and would date each answer to the second. Nothing
is audited when a link is used (ADR 0030); issuing links is (who, how many, for what).

Nothing an answer writes is shown while it moves one answer at a time: a consultation's counters are read once
it is closed (``close_consultation`` rewrites them all in its transaction, and re-inserts its free text in a
random order), and service feedback is held back, sealed, until k answers on the same service and provider can be
released together (``answer_feedback``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor, system_actor_label
from threefold.accounts.models import Organisation
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError, require
from threefold.participate import access, sealing
from threefold.participate.core import questions as question_core
from threefold.participate.core import results as results_core
from threefold.participate.core import retention, tokens
from threefold.participate.core.questions import Problem, QuestionDraft, QuestionProblem
from threefold.participate.models import (
    ActivityKind,
    AnswerLink,
    Change,
    Consultation,
    FeedbackComment,
    FeedbackHeld,
    FeedbackQuestion,
    FeedbackTally,
    Leader,
    LeaderActivity,
    LeaderPayment,
    LeaderSupport,
    LinkIssue,
    PaymentKind,
    Question,
    State,
    SupportKind,
    Tally,
    TextAnswer,
)
from threefold.referrals.models import Service

MAX_TEXT_CHARS = 4000
MAX_ANSWER_CHARS = 2000
MAX_LINKS = 30
MAX_QUESTIONS = 20
FEEDBACK_LINK_DAYS = 30


class ParticipateError(FieldError):
    """A change the record cannot take. ``field`` names the form field it is about ("" for the whole form)."""


class LinkUnusable(Exception):
    """The code opens nothing: unknown, used, expired, or its consultation is not open. Deliberately one
    exception for all, so that no page can tell them apart."""


# ---- checks shared by every write

check = Checks(ParticipateError)


# ---- consultations


@dataclass(frozen=True)
class ConsultationInput:
    title: str
    topic: str
    languages: Sequence[str]
    opens_on: dt.date
    closes_on: dt.date
    k: int = results_core.DEFAULT_K


def _languages(given: Sequence[str]) -> list[str]:
    offered = [code for code, _name in settings.LANGUAGES]
    languages = list(dict.fromkeys(given))
    if not languages:
        raise ParticipateError("languages", _("Choose at least one language."))
    for language in languages:
        check.choice("languages", language, offered)
    return languages


def _checked_consultation(given: ConsultationInput) -> dict[str, Any]:
    """The details of a consultation, checked: the fields of its creation form, by name."""
    if given.closes_on < given.opens_on:
        raise ParticipateError("closes_on", _("The consultation cannot close before it opens."))
    if given.k < results_core.MIN_K:
        raise ParticipateError(
            "k",
            _("Groups smaller than %(n)s would give people away: choose %(n)s or more.")
            % {"n": results_core.MIN_K},
        )
    return {
        "title": check.line("title", given.title, required=True),
        "topic": check.text("topic", given.topic, required=True),
        "languages": _languages(given.languages),
        "opens_on": given.opens_on,
        "closes_on": given.closes_on,
        "k": given.k,
    }


def create_consultation(actor: Actor, given: ConsultationInput, *, is_demo: bool = False) -> Consultation:
    require(actor, "participate.manage")
    consultation = Consultation(
        organisation_id=actor.org_id,
        **_checked_consultation(given),
        created_by=actor.user,
        is_demo=is_demo,
    )
    with transaction.atomic():
        consultation.save()
        audit.record(actor, Action.CREATE, consultation, details={"languages": consultation.languages})
    return consultation


def not_a_draft_message() -> str:
    """Why an open or closed consultation's details and questions no longer change (pages say it too)."""
    return _(
        "This consultation is no longer a draft: its details and questions cannot change any more, since the "
        "answers people give depend on them."
    )


def _lock_draft(consultation: Consultation) -> None:
    """In the caller's transaction: the consultation's row locked and still a draft, else refused. Opening waits
    for the change (and a change made while it opens finds it open), so no question changes under its counters."""
    if not Consultation.objects.select_for_update().filter(pk=consultation.pk, state=State.DRAFT).exists():
        raise ParticipateError("", not_a_draft_message())


def _own_question(consultation: Consultation, question: Question) -> None:
    if question.consultation_id != consultation.pk:
        raise PermissionDenied


def update_consultation(actor: Actor, consultation: Consultation, given: ConsultationInput) -> Consultation:
    """Change a draft's details (the fields of its creation form). Once it is open they stay as they are: people
    answered the consultation they read, in the languages offered, under its dates and its k.

    When the languages change, every question is checked again against them: a question must be written in the
    (new) first language, and what was written in a language no longer offered is dropped."""
    require(actor, "participate.change", consultation)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", not_a_draft_message())
    values = _checked_consultation(given)
    changed = sorted(name for name, value in values.items() if getattr(consultation, name) != value)
    if not changed:
        return consultation
    with transaction.atomic():
        _lock_draft(consultation)
        rewritten = _questions_in(consultation, values["languages"]) if "languages" in changed else []
        Consultation.objects.filter(pk=consultation.pk).update(**values)
        for question, clean in rewritten:
            Question.objects.filter(pk=question.pk).update(texts=clean.texts, options=clean.options)
        details: dict[str, Any] = {"details_changed": changed}
        if "languages" in changed:
            details["languages"] = values["languages"]
        audit.record(actor, Action.UPDATE, consultation, details=details)
    consultation.refresh_from_db()
    return consultation


def _questions_in(
    consultation: Consultation, languages: list[str]
) -> list[tuple[Question, question_core.CleanQuestion]]:
    """Every question of the consultation cleaned again for ``languages``; refused (on the languages field) when
    one is not written in the first of them."""
    found = []
    for question in access.questions(consultation):
        kept = {lang: text for lang, text in question.texts.items() if lang in languages}
        options = [
            {lang: label for lang, label in option.items() if lang in languages}
            for option in question.options
        ]
        draft = question_core.as_draft(question_core.Kind(question.kind), kept, options)
        try:
            found.append((question, question_core.clean(draft, languages)))
        except QuestionProblem as problem:
            raise ParticipateError(
                "languages",
                _(
                    "Question %(n)s is not written in %(language)s, the first language ticked: write it (and its "
                    "options) in that language first, or tick first a language it is written in."
                )
                % {
                    "n": question.position,
                    "language": dict(settings.LANGUAGES).get(languages[0], languages[0]),
                },
            ) from problem
    return found


def _question_message(problem: QuestionProblem) -> tuple[str, str]:
    field = f"text_{problem.language}" if problem.problem in (Problem.NO_TEXT,) else "options"
    if problem.problem is Problem.TOO_LONG:
        field = f"text_{problem.language}"
    messages = {
        Problem.NO_TEXT: _("Write the question in the consultation's first language."),
        Problem.TOO_LONG: _("The question or an option is too long: shorten it."),
        Problem.NO_OPTIONS: _("Give at least two options, one a line."),
        Problem.TOO_MANY_OPTIONS: _("Give at most %(n)s options.") % {"n": question_core.MAX_OPTIONS},
        Problem.OPTIONS_DIFFER: _(
            "Each language must list the same number of options, in the same order (or none: the first "
            "language's are shown)."
        ),
        Problem.DUPLICATE_OPTION: _("Two options are the same: each option must differ."),
        Problem.OPTIONS_NOT_ALLOWED: _(
            "Only questions with a list of answers have options: leave them empty."
        ),
        Problem.UNKNOWN_LANGUAGE: _("The consultation is not offered in that language."),
    }
    return field, messages[problem.problem]


def add_question(actor: Actor, consultation: Consultation, draft: QuestionDraft) -> Question:
    """A question at the end of a draft consultation (an open one's questions no longer change: its answers
    would not mean the same)."""
    require(actor, "participate.change", consultation)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", _("Questions are added while the consultation is a draft."))
    clean = _cleaned(consultation, draft)
    with transaction.atomic():
        _lock_draft(consultation)
        existing = Question.objects.filter(consultation=consultation).count()
        if existing >= MAX_QUESTIONS:
            raise ParticipateError(
                "", _("A consultation has at most %(n)s questions.") % {"n": MAX_QUESTIONS}
            )
        question = Question(
            consultation=consultation,
            position=existing + 1,
            kind=clean.kind.value,
            texts=clean.texts,
            options=clean.options,
        )
        question.save()
        audit.record(actor, Action.UPDATE, consultation, details={"question_added": question.position})
    return question


def _cleaned(consultation: Consultation, draft: QuestionDraft) -> question_core.CleanQuestion:
    try:
        return question_core.clean(draft, consultation.languages)
    except QuestionProblem as problem:
        raise ParticipateError(*_question_message(problem)) from problem


def update_question(
    actor: Actor, consultation: Consultation, question: Question, draft: QuestionDraft
) -> Question:
    """Rewrite a draft's question (its kind, texts and options). An open consultation's questions stay as they
    were: answers given to one wording would be counted with answers to another."""
    require(actor, "participate.change", consultation)
    _own_question(consultation, question)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", not_a_draft_message())
    clean = _cleaned(consultation, draft)
    with transaction.atomic():
        _lock_draft(consultation)
        position = _position(question)
        Question.objects.filter(pk=question.pk).update(
            kind=clean.kind.value, texts=clean.texts, options=clean.options
        )
        audit.record(actor, Action.UPDATE, consultation, details={"question_changed": position})
    question.refresh_from_db()
    return question


def _position(question: Question) -> int:
    """The question's place as stored now (the caller's copy may predate a move), in the caller's transaction."""
    position = Question.objects.filter(pk=question.pk).values_list("position", flat=True).first()
    if position is None:
        raise ParticipateError("", _("This question was deleted meanwhile."))
    return position


def _renumber(ordered: Sequence[Question]) -> None:
    """Positions 1, 2, 3... in the given order. Positions are unique per consultation, so the rows that move
    first step aside (past any position in use), then take their place."""
    moving = [
        (question, place) for place, question in enumerate(ordered, start=1) if question.position != place
    ]
    for question, _place in moving:
        Question.objects.filter(pk=question.pk).update(position=F("position") + _ASIDE)
    for question, place in moving:
        Question.objects.filter(pk=question.pk).update(position=place)
        question.position = place


_ASIDE = 1000  # above any position (MAX_QUESTIONS), below PositiveSmallIntegerField's limit


def delete_question(actor: Actor, consultation: Consultation, question: Question) -> None:
    """Remove a draft's question; the ones after it move up a place."""
    require(actor, "participate.change", consultation)
    _own_question(consultation, question)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", not_a_draft_message())
    with transaction.atomic():
        _lock_draft(consultation)
        position = _position(question)
        Question.objects.filter(pk=question.pk).delete()
        _renumber(list(Question.objects.filter(consultation=consultation).order_by("position")))
        audit.record(actor, Action.UPDATE, consultation, details={"question_deleted": position})


def move_question(actor: Actor, consultation: Consultation, question: Question, step: int) -> Question:
    """Move a draft's question one place up (``step`` -1) or down (1)."""
    require(actor, "participate.change", consultation)
    _own_question(consultation, question)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", not_a_draft_message())
    if step not in (-1, 1):
        raise ParticipateError("", _("A question moves one place up or down."))
    with transaction.atomic():
        _lock_draft(consultation)
        ordered = list(Question.objects.filter(consultation=consultation).order_by("position"))
        index = next((i for i, row in enumerate(ordered) if row.pk == question.pk), None)
        if index is None:
            raise ParticipateError("", _("This question was deleted meanwhile."))
        try:
            order = question_core.moved(ordered, index, step)
        except ValueError as error:
            message = (
                _("This is already the first question.")
                if step < 0
                else _("This is already the last question.")
            )
            raise ParticipateError("", message) from error
        before = ordered[index].position
        _renumber(order)
        after = ordered[index].position
        audit.record(actor, Action.UPDATE, consultation, details={"question_moved": before, "to": after})
    question.refresh_from_db()
    return question


def open_consultation(actor: Actor, consultation: Consultation) -> Consultation:
    """From draft to open. Every counter is created now, at zero, so their order says nothing about answers."""
    require(actor, "participate.change", consultation)
    if consultation.state != State.DRAFT:
        raise ParticipateError("", _("Only a draft can be opened."))
    with transaction.atomic():
        # Locked, so that no question is added, changed or removed between reading them and creating their
        # counters (the draft's editing services take the same lock).
        locked = (
            Consultation.objects.select_for_update().filter(pk=consultation.pk, state=State.DRAFT).first()
        )
        if locked is None:
            raise ParticipateError("", _("Only a draft can be opened."))
        found = access.questions(locked)
        if not found:
            raise ParticipateError("", _("Add at least one question before opening the consultation."))
        if locked.closes_on < timezone.localdate():
            raise ParticipateError(
                "", _("The closing date has passed: a consultation must be open for some days.")
            )
        Tally.objects.bulk_create(
            Tally(question=question, key=key)
            for question in found
            for key in question_core.answer_keys(question_core.Kind(question.kind), len(question.options))
        )
        Consultation.objects.filter(pk=consultation.pk).update(state=State.OPEN)
        audit.record(actor, Action.UPDATE, consultation, details={"state": State.OPEN.value})
    consultation.refresh_from_db()
    return consultation


def close_consultation(actor: Actor, consultation: Consultation) -> Consultation:
    """No more answers; unused links to it are deleted (they would open nothing anyway). Its results are shown
    from now on.

    Every counter and free-text row of the consultation is written once more in this transaction. On PostgreSQL
    a row version carries the id of the transaction that wrote it (``xmin``): without this, each counter would keep
    the id of the last person who chose it, and the free text that of its writer, so a copy of the database could
    still order and group answers. Counters are rewritten as they are (``count=F("count")``); free-text answers
    are opened, deleted and inserted again in a random order under new random keys, so their physical order no
    longer follows their arrival either. The old row versions stay on disk until autovacuum removes them."""
    require(actor, "participate.change", consultation)
    if consultation.state != State.OPEN:
        raise ParticipateError("", _("Only an open consultation can be closed."))
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(state=State.CLOSED)
        AnswerLink.objects.filter(consultation=consultation).delete()
        Tally.objects.filter(question__consultation=consultation).update(count=F("count"))
        Question.objects.filter(consultation=consultation).update(respondents=F("respondents"))
        _reshuffle_text_answers(consultation)
        audit.record(actor, Action.UPDATE, consultation, details={"state": State.CLOSED.value})
    consultation.refresh_from_db()
    return consultation


def _reshuffle_text_answers(consultation: Consultation) -> None:
    """Write the consultation's free-text answers again, in a random order, under new random keys."""
    rows = list(TextAnswer.objects.filter(question__consultation=consultation))
    if not rows:
        return
    keys = sealing.keys_for(rows, "text")
    opened = [(row.question_id, row.week, sealing.open_text(row, "text", keys)) for row in rows]
    random.SystemRandom().shuffle(opened)
    TextAnswer.objects.filter(pk__in=[row.pk for row in rows]).delete()
    for question_id, week, text in opened:
        row = TextAnswer(organisation_id=consultation.organisation_id, question_id=question_id, week=week)
        sealing.seal_text(row, "text", text)
        row.save(force_insert=True)


@dataclass(frozen=True)
class ChangeInput:
    on: dt.date
    you_said: str
    we_did: str


def _checked_change(given: ChangeInput) -> dict[str, Any]:
    return {
        "on": check.not_future("on", given.on),
        "you_said": check.text("you_said", given.you_said, required=True, limit=1000),
        "we_did": check.text("we_did", given.we_did, required=True, limit=2000),
    }


def record_change(actor: Actor, consultation: Consultation, given: ChangeInput) -> Change:
    """ "You said, we did": published with the results, for the respondents to see. Only once the consultation is
    closed: before, it would be drawn from a few answers, and a change published while the first answers come in
    could tell what the first respondents said."""
    require(actor, "participate.change", consultation)
    if consultation.state != State.CLOSED:
        raise ParticipateError(
            "", _("Record what you changed once the consultation is closed and its results can be read.")
        )
    change = Change(consultation=consultation, **_checked_change(given), created_by=actor.user)
    with transaction.atomic():
        change.save()
        audit.record(actor, Action.UPDATE, consultation, details={"change_recorded": change.pk})
    return change


def _own_change(consultation: Consultation, change: Change) -> None:
    if change.consultation_id != consultation.pk:
        raise PermissionDenied


def update_change(actor: Actor, consultation: Consultation, change: Change, given: ChangeInput) -> Change:
    """Correct a "you said, we did" entry (it is published as soon as it is saved). Audited by its id: the audit
    trail never holds what was typed."""
    require(actor, "participate.change", consultation)
    _own_change(consultation, change)
    values = _checked_change(given)
    with transaction.atomic():
        Change.objects.filter(pk=change.pk).update(**values)
        audit.record(actor, Action.UPDATE, consultation, details={"change_edited": change.pk})
    change.refresh_from_db()
    return change


def delete_change(actor: Actor, consultation: Consultation, change: Change) -> None:
    """Withdraw a "you said, we did" entry from the consultation and its public summary."""
    require(actor, "participate.change", consultation)
    _own_change(consultation, change)
    with transaction.atomic():
        audit.record(actor, Action.UPDATE, consultation, details={"change_deleted": change.pk})
        Change.objects.filter(pk=change.pk).delete()


# ---- links


def _count(field: str, count: int) -> int:
    if not 1 <= count <= MAX_LINKS:
        raise ParticipateError(field, _("Issue from 1 to %(n)s links at a time.") % {"n": MAX_LINKS})
    return count


def _new_links(actor: Actor, count: int, expires_on: dt.date, **purpose: Any) -> list[str]:
    codes = [tokens.new_code() for _ in range(count)]
    AnswerLink.objects.bulk_create(
        AnswerLink(
            organisation_id=actor.org_id, code_hash=access.code_hash(code), expires_on=expires_on, **purpose
        )
        for code in codes
    )
    LinkIssue.objects.create(
        organisation_id=actor.org_id,
        issued_by=actor.user,
        issued_on=timezone.localdate(),
        count=count,
        **purpose,
    )
    return codes


def issue_links(actor: Actor, consultation: Consultation, count: int) -> list[str]:
    """Single-use codes for an open consultation, valid until it closes. Returned once, never stored: only
    their hashes are kept, and nothing says to whom each is given."""
    require(actor, "participate.invite")
    if consultation.organisation_id != actor.org_id:
        raise PermissionDenied
    if not access.is_answerable(consultation, timezone.localdate()):
        raise ParticipateError("", _("Links are issued while the consultation is open."))
    count = _count("count", count)
    with transaction.atomic():
        codes = _new_links(actor, count, consultation.closes_on, consultation=consultation)
        audit.record(actor, Action.CREATE, consultation, details={"links_issued": count})
    return codes


FEEDBACK_KEYS: dict[str, tuple[str, ...]] = {
    "responses": ("n",),
    FeedbackQuestion.SATISFACTION.value: tuple(str(v) for v in question_core.SCALE),
    FeedbackQuestion.FELT_SAFE.value: access.YES_NO,
    FeedbackQuestion.RESPECTED.value: access.YES_NO,
    FeedbackQuestion.RECOMMEND.value: access.YES_NO,
}


def issue_feedback_links(actor: Actor, service: str, provider: Organisation | None, count: int) -> list[str]:
    """Single-use codes for the feedback survey on a service given by the organisation or a partner."""
    require(actor, "participate.invite")
    service = check.choice("service", service, Service.values)
    if provider is None or provider.pk not in {org.pk for org in access.providers(actor)}:
        raise ParticipateError("provider", _("Choose your organisation or a partner on the platform."))
    count = _count("count", count)
    expires = timezone.localdate() + dt.timedelta(days=FEEDBACK_LINK_DAYS)
    with transaction.atomic():
        # Every counter exists before the first answer, so their creation order says nothing about it.
        for question, keys in FEEDBACK_KEYS.items():
            for key in keys:
                FeedbackTally.objects.get_or_create(
                    organisation_id=actor.org_id,
                    service=service,
                    provider=provider,
                    question=question,
                    key=key,
                )
        codes = _new_links(actor, count, expires, service=service, provider=provider)
        audit.record(
            actor,
            Action.CREATE,
            ("participate.feedback", service),
            details={"links_issued": count, "provider": provider.pk},
        )
    return codes


def _use(code: str) -> AnswerLink:
    """The link the code opens, locked and deleted in the caller's transaction: a second use finds nothing."""
    link = access.link_for(code)
    if link is None:
        raise LinkUnusable
    if not AnswerLink.objects.select_for_update().filter(pk=link.pk).exists():
        raise LinkUnusable
    deleted, _counts = AnswerLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        raise LinkUnusable  # someone else used it a moment ago
    return link


# ---- anonymous answers


@dataclass(frozen=True)
class Answers:
    """What a respondent gave: chosen values by question id (option indexes, a scale value), text by id."""

    chosen: Mapping[int, Sequence[str]] = field(default_factory=dict)
    texts: Mapping[int, str] = field(default_factory=dict)


def _checked_answers(
    consultation: Consultation, given: Answers
) -> list[tuple[Question, tuple[str, ...], str]]:
    checked: list[tuple[Question, tuple[str, ...], str]] = []
    for question in access.questions(consultation):
        kind = question_core.Kind(question.kind)
        if kind is question_core.Kind.TEXT:
            text = check.text(f"q{question.pk}", given.texts.get(question.pk, ""), limit=MAX_ANSWER_CHARS)
            checked.append((question, (), text))
            continue
        try:
            keys = question_core.check_answer(kind, len(question.options), given.chosen.get(question.pk, ()))
        except ValueError as error:
            raise ParticipateError(f"q{question.pk}", _("Choose one of the options.")) from error
        checked.append((question, keys, ""))
    if not any(keys or text for _question, keys, text in checked):
        raise ParticipateError("", _("Answer at least one question before sending."))
    return checked


def check_consultation_answers(consultation: Consultation, given: Answers) -> None:
    """Validate without using the link, so that a mistake can be corrected and the link still works."""
    _checked_answers(consultation, given)


def answer_consultation(code: str, given: Answers) -> Consultation:
    """Store one respondent's answers and use up their link, in one transaction. Nothing written names the link,
    the respondent, their device or the time beyond the week; nothing is audited or logged."""
    week = results_core.week_of(timezone.localdate())
    with transaction.atomic():
        link = _use(code)
        consultation = link.consultation
        if consultation is None:
            raise LinkUnusable
        checked = _checked_answers(consultation, given)
        for question, keys, text in checked:
            if not keys and not text:
                continue
            Question.objects.filter(pk=question.pk).update(respondents=F("respondents") + 1)
            if keys:
                Tally.objects.filter(question=question, key__in=keys).update(count=F("count") + 1)
            if text:
                row = TextAnswer(organisation_id=consultation.organisation_id, question=question, week=week)
                sealing.seal_text(row, "text", text)
                row.save(force_insert=True)
        Consultation.objects.filter(pk=consultation.pk).update(responses=F("responses") + 1)
    return consultation


@dataclass(frozen=True)
class FeedbackAnswers:
    satisfaction: str = ""  # "1".."5"
    felt_safe: str = ""  # "yes" / "no" / ""
    respected: str = ""
    recommend: str = ""
    comment: str = ""


def _checked_feedback(given: FeedbackAnswers) -> dict[str, str]:
    answers = {
        FeedbackQuestion.SATISFACTION.value: given.satisfaction,
        FeedbackQuestion.FELT_SAFE.value: given.felt_safe,
        FeedbackQuestion.RESPECTED.value: given.respected,
        FeedbackQuestion.RECOMMEND.value: given.recommend,
    }
    for question, value in answers.items():
        if value and value not in FEEDBACK_KEYS[question]:
            raise ParticipateError(question, _("Choose one of the options."))
    if not any(answers.values()) and not given.comment.strip():
        raise ParticipateError("", _("Answer at least one question before sending."))
    return {question: value for question, value in answers.items() if value}


def check_feedback(given: FeedbackAnswers) -> None:
    _checked_feedback(given)
    check.text("comment", given.comment, limit=MAX_ANSWER_CHARS)


def answer_feedback(code: str, given: FeedbackAnswers) -> None:
    """One client's feedback on a service: held back, sealed, with no time finer than the week and no reference
    to the link, until k answers on the same service and provider are waiting; then all are released together
    (``_release_feedback``). Not audited."""
    answers = _checked_feedback(given)
    comment = check.text("comment", given.comment, limit=MAX_ANSWER_CHARS)
    with transaction.atomic():
        link = _use(code)
        if link.consultation is not None or link.provider_id is None:
            raise LinkUnusable
        scope = {
            "organisation_id": link.organisation_id,
            "service": link.service,
            "provider_id": link.provider_id,
        }
        held = FeedbackHeld(**scope, week=results_core.week_of(timezone.localdate()))
        sealing.seal_data(held, "answers", {"answers": answers, "comment": comment})
        held.save(force_insert=True)
        _release_feedback(scope)


def _release_feedback(scope: dict[str, Any]) -> int:
    """When at least k answers on one service and provider are held, move them all into the counters and the
    comments, in a random order, and delete them, in the caller's transaction. Returns how many were released.

    The held rows are locked first, so that two answers arriving together cannot both release (or count) the same
    rows: the second waits, then finds only what the first left."""
    # An answer held longer than the retention period is never released, even before the daily expiry destroys it.
    cutoff = retention.held_expiry_cutoff(timezone.localdate(), held_feedback_days())
    rows = list(FeedbackHeld.objects.select_for_update().filter(**scope, week__gte=cutoff))
    if not results_core.ready_to_release(len(rows), access.FEEDBACK_K):
        return 0
    keys = sealing.keys_for(rows, "answers")
    opened = [sealing.open_data(row, "answers", keys) for row in rows]
    random.SystemRandom().shuffle(opened)
    added: Counter[tuple[str, str]] = Counter()
    for answer in opened:
        added["responses", "n"] += 1
        for question, key in answer.get("answers", {}).items():
            added[question, key] += 1
    for (question, key), count in sorted(added.items()):
        FeedbackTally.objects.filter(**scope, question=question, key=key).update(count=F("count") + count)
    # Every counter of the pair written in this one transaction, chosen in this batch or not (see
    # close_consultation on PostgreSQL's xmin).
    FeedbackTally.objects.filter(**scope).update(count=F("count"))
    week = results_core.week_of(timezone.localdate())  # the week of the release, the same for the whole batch
    for answer in opened:
        if answer.get("comment"):
            row = FeedbackComment(**scope, week=week)
            sealing.seal_text(row, "text", answer["comment"])
            row.save(force_insert=True)
    FeedbackHeld.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


# ---- expiry of held feedback


HELD_EXPIRY_TARGET = access.HELD_EXPIRY_TARGET


def held_feedback_days() -> int:
    """How long a held answer waits for its batch: ``retention.HELD_FEEDBACK_DAYS`` (180) unless the setting
    ``PARTICIPATE_HELD_FEEDBACK_DAYS`` says otherwise."""
    days = getattr(settings, "PARTICIPATE_HELD_FEEDBACK_DAYS", retention.HELD_FEEDBACK_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ImproperlyConfigured(
            "PARTICIPATE_HELD_FEEDBACK_DAYS must be a whole number of days, 1 or more."
        )
    return days


def expire_held_feedback(today: dt.date | None = None, *, label: str = "") -> int:
    """Destroy held feedback that never reached a batch of k within the retention period (``held_feedback_days``),
    unread: the rows are deleted without being opened, so neither their ratings nor their comments are ever
    counted or read. Run daily (``manage.py expire_held_feedback``). Returns how many were destroyed, for tests;
    nothing records that number. One platform audit entry per run, whether or not anything was destroyed, with
    the period only: a count, or an entry only on the days something went, would tell a caseworker who gave
    one client a link that week's answer existed (ADR 0030)."""
    today = today or timezone.localdate()
    days = held_feedback_days()
    cutoff = retention.held_expiry_cutoff(today, days)
    with transaction.atomic():
        # Locked like a release locks them (``_release_feedback``): a batch being released is not destroyed too.
        stale = list(
            FeedbackHeld.objects.select_for_update().filter(week__lt=cutoff).values_list("pk", flat=True)
        )
        FeedbackHeld.objects.filter(pk__in=stale).delete()
        audit.record(
            None,
            Action.DELETE,
            HELD_EXPIRY_TARGET,
            system_label=label or system_actor_label("expire_held_feedback"),
            details={"older_than_days": days},
        )
    return len(stale)


# ---- survivor leaders


@dataclass(frozen=True)
class LeaderInput:
    pseudonym: str
    consent_on: dt.date
    consent_scope: str
    contact_notes: str = ""


def create_leader(actor: Actor, given: LeaderInput, *, is_demo: bool = False) -> Leader:
    require(actor, "participate.leaders")
    leader = Leader(
        organisation_id=actor.org_id,
        pseudonym=check.line("pseudonym", given.pseudonym, required=True, limit=80),
        consent_on=check.not_future("consent_on", given.consent_on),
        consent_scope=check.text("consent_scope", given.consent_scope, required=True, limit=1000),
        created_by=actor.user,
        is_demo=is_demo,
    )
    sealing.seal_text(leader, "contact_notes", check.text("contact_notes", given.contact_notes, limit=1000))
    with transaction.atomic():
        leader.save()
        audit.record(actor, Action.CREATE, leader)
    return leader


def _active(actor: Actor, leader: Leader) -> None:
    require(actor, "participate.change_leader", leader)
    if not leader.consent_active:
        raise ParticipateError("", _("Consent was withdrawn: nothing more is recorded for this leader."))


@dataclass(frozen=True)
class ActivityInput:
    kind: str
    on: dt.date
    topic: str
    hours: Decimal


def add_activity(actor: Actor, leader: Leader, given: ActivityInput) -> LeaderActivity:
    _active(actor, leader)
    if not Decimal(0) < given.hours <= Decimal(24):
        raise ParticipateError("hours", _("Give the hours of that day's work, from 0.5 to 24."))
    row = LeaderActivity(
        leader=leader,
        kind=check.choice("kind", given.kind, ActivityKind.values),
        on=check.not_future("on", given.on),
        topic=check.line("topic", given.topic, required=True),
        hours=given.hours,
    )
    with transaction.atomic():
        row.save()
        audit.record(actor, Action.UPDATE, leader, details={"activity_added": row.kind})
    return row


@dataclass(frozen=True)
class SupportInput:
    kind: str
    on: dt.date
    detail: str = ""


def add_support(actor: Actor, leader: Leader, given: SupportInput) -> LeaderSupport:
    _active(actor, leader)
    row = LeaderSupport(
        leader=leader,
        kind=check.choice("kind", given.kind, SupportKind.values),
        on=check.not_future("on", given.on),
        detail=check.line("detail", given.detail),
    )
    with transaction.atomic():
        row.save()
        audit.record(actor, Action.UPDATE, leader, details={"support_added": row.kind})
    return row


@dataclass(frozen=True)
class PaymentInput:
    kind: str
    on: dt.date
    amount: Decimal
    currency: str


def add_payment(actor: Actor, leader: Leader, given: PaymentInput) -> LeaderPayment:
    _active(actor, leader)
    currency = (given.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ParticipateError("currency", _("Give the currency as its three-letter code, such as EUR."))
    if given.amount <= 0:
        raise ParticipateError("amount", _("Give an amount above zero."))
    row = LeaderPayment(
        leader=leader,
        kind=check.choice("kind", given.kind, PaymentKind.values),
        on=check.not_future("on", given.on),
        amount=given.amount,
        currency=currency,
    )
    with transaction.atomic():
        row.save()
        audit.record(actor, Action.UPDATE, leader, details={"payment_added": row.kind})
    return row


def withdraw_consent(actor: Actor, leader: Leader, on: dt.date) -> Leader:
    """The leader withdrew consent: the record stops being used (nothing more is added; it is offered for
    deletion)."""
    require(actor, "participate.change_leader", leader)
    if not leader.consent_active:
        raise ParticipateError("", _("Consent was already withdrawn."))
    on = check.not_future("on", on)
    with transaction.atomic():
        Leader.objects.filter(pk=leader.pk).update(consent_withdrawn_on=on)
        audit.record(actor, Action.UPDATE, leader, details={"consent_withdrawn": True})
    leader.refresh_from_db()
    return leader


def delete_leader(actor: Actor, leader: Leader) -> None:
    """Delete the record and everything recorded with it (activities, support, payments, sealed notes)."""
    require(actor, "participate.change_leader", leader)
    with transaction.atomic():
        audit.record(actor, Action.DELETE, leader)
        leader.delete()
