"""The only way to read participate's records for a user, and for the anonymous answer pages.

Scoped to the actor's organisation: another organisation's consultation or leader is a 404, never a 403.
Answers are never read one by one: results are counts protected by threefold.disclosure (``core.results``), and
free-text answers are read only as a shuffled list, once the consultation has at least k respondents, never
beside the other answers of the same person (there is no way to find them: ADR 0030). Reading free text and
reading a survivor leader's record are audited.

Nothing is shown while it moves one answer at a time, since reading it before and after one person answered
would tell that person's answers: a consultation's counts, means and free text appear once it is closed
(``results_released``), and service feedback only counts the answers released in groups of at least k
(``services.answer_feedback``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.participate import sealing
from threefold.participate.core import questions as question_core
from threefold.participate.core import results as results_core
from threefold.participate.core import tokens
from threefold.participate.core import totals as totals_core
from threefold.participate.models import (
    AnswerLink,
    Change,
    Consultation,
    FeedbackComment,
    FeedbackQuestion,
    FeedbackTally,
    Leader,
    LinkIssue,
    Question,
    State,
    Tally,
)
from threefold.referrals.models import PartnerService, Service

# Feedback comes from a service's clients, a small group like a consultation's respondents.
FEEDBACK_K = results_core.DEFAULT_K
YES_NO = ("yes", "no")


def may_use(actor: Actor | None) -> bool:
    """Those who work with consultations: managers, link issuers, results readers."""
    return (
        actor is not None
        and actor.membership is not None
        and (allowed(actor, "participate.view_results") or allowed(actor, "participate.manage"))
    )


def _org(actor: Actor) -> int:
    if not may_use(actor):
        raise Http404
    return actor.org_id


# --- consultations -------------------------------------------------------------------------------------------


def _consultations(actor: Actor) -> QuerySet[Consultation]:
    rows = Consultation.objects.filter(organisation_id=_org(actor))
    if not allowed(actor, "participate.manage"):
        rows = rows.exclude(state=State.DRAFT)  # a draft is the managers' work in progress
    return rows


def consultations(actor: Actor) -> list[Consultation]:
    return list(_consultations(actor))


def consultation(actor: Actor, reference: str) -> Consultation:
    found = _consultations(actor).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def questions(consultation: Consultation) -> list[Question]:
    return list(Question.objects.filter(consultation=consultation))


def question(consultation: Consultation, pk: int) -> Question:
    """One question of a consultation the caller loaded through ``consultation`` (else a 404)."""
    found = Question.objects.filter(consultation=consultation, pk=pk).first()
    if found is None:
        raise Http404
    return found


def changes(consultation: Consultation) -> list[Change]:
    return list(Change.objects.filter(consultation=consultation))


def change(consultation: Consultation, pk: int) -> Change:
    """One "you said, we did" entry of a consultation the caller loaded through ``consultation`` (else a 404)."""
    found = Change.objects.filter(consultation=consultation, pk=pk).first()
    if found is None:
        raise Http404
    return found


def results_released(consultation: Consultation) -> bool:
    """Counts, means and free text are shown once the consultation is closed, never while it is open: every answer
    changes them, so reading them before and after one person answered would tell that person's answers."""
    return consultation.state == State.CLOSED


def is_answerable(consultation: Consultation, today: dt.date) -> bool:
    return consultation.state == State.OPEN and consultation.opens_on <= today <= consultation.closes_on


def language_of(consultation: Consultation, wanted: str | None = None) -> str:
    """The language to show a consultation in: the one asked for, else the reader's, else the first offered."""
    for language in (wanted, (get_language() or "")[:2]):
        if language and language in consultation.languages:
            return language
    return consultation.first_language


def text_of(question: Question, language: str, consultation: Consultation) -> str:
    return question_core.localised(question.texts, language, consultation.languages)


def option_labels(question: Question, language: str, consultation: Consultation) -> list[str]:
    if question.kind == question_core.Kind.SCALE:
        return [str(value) for value in question_core.SCALE]
    return [question_core.localised(option, language, consultation.languages) for option in question.options]


@dataclass(frozen=True)
class Result:
    question: Question
    text: str
    kind: str
    result: results_core.QuestionResult | None  # None for a free-text question
    mean: float | None = None


def results(consultation: Consultation, language: str) -> list[Result] | None:
    """Every question's protected counts (the caller loaded the consultation through ``consultation`` or
    ``published``); None while the consultation is not closed (``results_released``)."""
    if not results_released(consultation):
        return None
    counts: dict[int, dict[str, int]] = {}
    for tally in Tally.objects.filter(question__consultation=consultation):
        counts.setdefault(tally.question_id, {})[tally.key] = tally.count
    found = []
    for question in questions(consultation):
        kind = question_core.Kind(question.kind)
        text = text_of(question, language, consultation)
        if kind is question_core.Kind.TEXT:
            found.append(Result(question, text, kind, None))
            continue
        labels = option_labels(question, language, consultation)
        keys = question_core.answer_keys(kind, len(question.options))
        given = [counts.get(question.pk, {}).get(key, 0) for key in keys]
        if kind is question_core.Kind.MULTIPLE:
            result = results_core.protect_choices(labels, given, question.respondents, consultation.k)
            found.append(Result(question, text, kind, result))
        else:
            result = results_core.protect_counts(labels, given, consultation.k)
            mean = None
            if kind is question_core.Kind.SCALE:
                mean = results_core.scale_mean(dict(zip(keys, given, strict=True)), consultation.k).mean
            found.append(Result(question, text, kind, result, mean))
    return found


def free_text(actor: Actor, consultation: Consultation, question: Question) -> list[str] | None:
    """A free-text question's answers in a random order, or None while the consultation is open or has fewer
    than k respondents. Audited: who read the answers to which question."""
    if not allowed(actor, "participate.change", consultation) or question.consultation_id != consultation.pk:
        raise Http404
    if not free_text_ready(consultation):
        return None
    rows = list(question.text_answers.all())
    keys = sealing.keys_for(rows, "text")
    texts = [sealing.open_text(row, "text", keys) for row in rows]
    random.SystemRandom().shuffle(texts)  # the stored order is the order of arrival
    audit.record(actor, Action.VIEW, consultation, details={"free_text_of_question": question.position})
    return texts


def free_text_ready(consultation: Consultation) -> bool:
    return results_released(consultation) and results_core.enough_for_free_text(
        consultation.responses, consultation.k
    )


def published(reference: str) -> Consultation:
    """A consultation for the public summary page: open or closed, never a draft."""
    found = Consultation.objects.filter(reference=reference).exclude(state=State.DRAFT).first()
    if found is None:
        raise Http404
    return found


def code_key() -> bytes:
    """The key of the codes' HMAC (``tokens.digest``), derived from the server secret: it is not in the database,
    so a copy of the database alone cannot be searched for codes. Changing SECRET_KEY makes the links issued
    before it open nothing (they last 30 days at most, or until their consultation closes)."""
    return hashlib.sha256(b"threefold-participate-codes:" + settings.SECRET_KEY.encode()).digest()


def code_hash(code: str) -> str:
    """The stored form of a (normalised) code."""
    return tokens.digest(code, code_key())


def link_for(code: str, today: dt.date | None = None) -> AnswerLink | None:
    """The unexpired link a code opens, for a consultation open today or a feedback survey; else None, whatever
    the reason (unknown, used, expired, consultation closed), so a page can answer them all alike."""
    code = tokens.normalise(code)
    if not tokens.is_well_formed(code):
        return None
    today = today or timezone.localdate()
    link = (
        AnswerLink.objects.filter(code_hash=code_hash(code), expires_on__gte=today)
        .select_related("consultation", "provider")
        .first()
    )
    if link is None or (link.consultation is not None and not is_answerable(link.consultation, today)):
        return None
    return link


def my_link_issues(actor: Actor) -> list[LinkIssue]:
    if not allowed(actor, "participate.invite"):
        return []
    rows = LinkIssue.objects.filter(organisation_id=actor.org_id, issued_by=actor.user)
    return list(rows.select_related("consultation", "provider")[:20])


# --- service feedback ------------------------------------------------------------------------------------------


def providers(actor: Actor) -> list[Organisation]:
    """Who a service can be given by: the organisation itself, and the organisations offering services to
    referrals on the platform (referrals.PartnerService)."""
    ids = set(PartnerService.objects.values_list("organisation_id", flat=True)) | {actor.org_id}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@dataclass(frozen=True)
class FeedbackResult:
    service: str
    service_label: str
    provider: Organisation
    respondents: results_core.QuestionResult
    questions: list[tuple[str, results_core.QuestionResult]]
    mean: float | None


def feedback_results(actor: Actor) -> list[FeedbackResult]:
    """Feedback of the organisation's clients per service and provider, small counts suppressed. Only answers
    already released are counted (``FeedbackTally``): those still held back, sealed, are neither counted nor
    said to exist, since "one more answer waiting" would itself tell that someone answered."""
    if not allowed(actor, "participate.view_results"):
        raise Http404
    grouped: dict[tuple[str, int], dict[tuple[str, str], int]] = {}
    for row in FeedbackTally.objects.filter(organisation_id=actor.org_id):
        grouped.setdefault((row.service, row.provider_id), {})[row.question, row.key] = row.count
    orgs = Organisation.objects.in_bulk({provider for _service, provider in grouped})
    found = []
    for (service, provider), counts in sorted(grouped.items()):
        scale = {str(v): counts.get((FeedbackQuestion.SATISFACTION, str(v)), 0) for v in question_core.SCALE}
        rows = [
            (
                str(FeedbackQuestion.SATISFACTION.label),
                results_core.protect_counts(list(scale), list(scale.values()), FEEDBACK_K),
            )
        ]
        for question in (FeedbackQuestion.FELT_SAFE, FeedbackQuestion.RESPECTED, FeedbackQuestion.RECOMMEND):
            given = [counts.get((question.value, key), 0) for key in YES_NO]
            rows.append((str(question.label), results_core.protect_counts(YES_NO, given, FEEDBACK_K)))
        respondents = results_core.protect_counts(("n",), (counts.get(("responses", "n"), 0),), FEEDBACK_K)
        found.append(
            FeedbackResult(
                service,
                str(Service(service).label),
                orgs[provider],
                respondents,
                rows,
                results_core.scale_mean(scale, FEEDBACK_K).mean,
            )
        )
    return found


def feedback_comments(actor: Actor, service: str, provider_id: int) -> list[str] | None:
    """Released comments on one service by one provider, shuffled; None while fewer than k answers were
    released. Audited."""
    if not allowed(actor, "participate.manage"):
        raise Http404
    respondents = FeedbackTally.objects.filter(
        organisation_id=actor.org_id, service=service, provider_id=provider_id, question="responses"
    ).first()
    if respondents is None or not results_core.enough_for_free_text(respondents.count, FEEDBACK_K):
        return None
    rows = list(
        FeedbackComment.objects.filter(organisation_id=actor.org_id, service=service, provider_id=provider_id)
    )
    keys = sealing.keys_for(rows, "text")
    texts = [sealing.open_text(row, "text", keys) for row in rows]
    random.SystemRandom().shuffle(texts)
    audit.record(
        actor, Action.VIEW, ("participate.feedback", service), details={"comments_of_provider": provider_id}
    )
    return texts


# Held feedback that never reached a batch of k is destroyed unread after a retention period
# (``services.expire_held_feedback``), with one platform audit entry per run naming this target.
HELD_EXPIRY_TARGET = ("participate.feedback", "held")


# --- survivor leaders -------------------------------------------------------------------------------------------


def leaders(actor: Actor) -> list[Leader]:
    if not allowed(actor, "participate.leaders"):
        raise Http404
    rows = list(Leader.objects.filter(organisation_id=actor.org_id))
    audit.record(actor, Action.LIST, ("participate.leaders", ""), details={"listed": len(rows)})
    return rows


def leader(actor: Actor, reference: str) -> Leader:
    """One leader of the organisation, audited as a read (another organisation's is a 404)."""
    found = Leader.objects.filter(reference=reference).first()
    if found is None or not allowed(actor, "participate.change_leader", found):
        raise Http404
    audit.record(actor, Action.VIEW, found)
    return found


def contact_notes(leader: Leader) -> str:
    return sealing.open_text(leader, "contact_notes")


@dataclass(frozen=True)
class LeaderRecord:
    activities: list
    supports: list
    payments: list
    years: list[totals_core.YearTotal]


def leader_record(leader: Leader) -> LeaderRecord:
    activities = list(leader.activities.all())
    payments = list(leader.payments.all())
    years = totals_core.by_year(
        [totals_core.Activity(a.on, a.hours) for a in activities],
        [totals_core.Payment(p.on, p.amount, p.currency, p.kind) for p in payments],
    )
    return LeaderRecord(activities, list(leader.supports.all()), payments, years)
