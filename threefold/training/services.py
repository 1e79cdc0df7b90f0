"""The only way to change training records: permission, validation, transaction and audit entry together.

Trainers and org admins of the organisation change its courses, sessions and participants
(``training.manage`` to create, ``training.change`` on the object). Participants change exactly two things,
through their personal link and without an account: their own tests and their own follow-ups; those writes are
audited without an actor and without an IP address.

Bad input raises ``TrainingError`` naming the form field it is about, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.services import token_hash
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError, require
from threefold.prevent import access as prevent_access
from threefold.training import access, sealing
from threefold.training.core import followup
from threefold.training.models import (
    Attempt,
    AttemptAnswer,
    Attendance,
    Audience,
    Course,
    FollowUp,
    Format,
    Kind,
    Module,
    Participant,
    Question,
    Sector,
    Session,
    SessionQuestion,
    new_certificate_code,
)

MAX_TEXT_CHARS = 4000
MAX_OPTIONS = 6
MAX_SESSION_DAYS = 31
MAX_COUNT = 10_000
PARTICIPANT_LINK = "training:participant-link"  # the audit label of writes made through a personal link
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class TrainingError(FieldError):
    """A change the record cannot take. ``field`` names the form field it is about ("" for the whole form)."""


# ---- checks shared by every write

check = Checks(TrainingError, text_limit=MAX_TEXT_CHARS)


def _languages(field: str, codes: Sequence[str]) -> list[str]:
    known = [code for code, _name in settings.LANGUAGES]
    chosen = list(dict.fromkeys(codes))
    for code in chosen:
        check.choice(field, code, known)
    if not chosen:
        raise TrainingError(field, _("Choose at least one language."))
    return chosen


def _count(field: str, value: int | None) -> int:
    if value is None or value < 0 or value > MAX_COUNT:
        raise TrainingError(field, _("Give a whole number from 0 to %(n)s.") % {"n": MAX_COUNT})
    return value


# ---- courses, modules, questions


@dataclass(frozen=True)
class CourseInput:
    title: str
    audience: str
    languages: Sequence[str]
    description: str = ""


def create_course(actor: Actor, given: CourseInput, *, is_demo: bool = False) -> Course:
    require(actor, "training.manage")
    course = Course(
        organisation_id=actor.org_id,
        title=check.line("title", given.title, required=True),
        audience=check.choice("audience", given.audience, Audience.values),
        languages=_languages("languages", given.languages),
        description=check.text("description", given.description),
        created_by=actor.user,
        is_demo=is_demo,
    )
    with transaction.atomic():
        course.save()
        audit.record(actor, Action.CREATE, course, details={"audience": course.audience})
    return course


def add_module(actor: Actor, course: Course, title: str, objective: str = "") -> Module:
    """A module at the end of the course."""
    require(actor, "training.change", course)
    title = check.line("title", title, required=True)
    objective = check.text("objective", objective)
    with transaction.atomic():
        last = Module.objects.filter(course=course).aggregate(last=Max("position"))["last"] or 0
        module = Module.objects.create(course=course, position=last + 1, title=title, objective=objective)
        audit.record(actor, Action.CREATE, module, details={"course": course.reference})
    return module


@dataclass(frozen=True)
class QuestionInput:
    module_id: int
    text: str
    options: Sequence[str]
    correct: int  # index into options


def _question_fields(course: Course, given: QuestionInput) -> dict[str, Any]:
    module = Module.objects.filter(course=course, pk=given.module_id).first()
    if module is None:
        raise TrainingError("module", _("Choose one of the course's modules."))
    options = [check.line("options", option, limit=300) for option in given.options]
    options = [option for option in options if option]
    if len(options) < 2 or len(options) > MAX_OPTIONS:
        raise TrainingError("options", _("Give from 2 to %(n)s answers.") % {"n": MAX_OPTIONS})
    if len({option.casefold() for option in options}) != len(options):
        raise TrainingError("options", _("Two answers are the same; make each one different."))
    if not 0 <= given.correct < len(options):
        raise TrainingError("correct", _("Say which of the answers given is the correct one."))
    return {
        "module": module,
        "text": check.text("text", given.text, required=True, limit=1000),
        "options": options,
        "correct": given.correct,
    }


def add_question(actor: Actor, course: Course, given: QuestionInput) -> Question:
    require(actor, "training.change", course)
    fields = _question_fields(course, given)
    with transaction.atomic():
        question = Question.objects.create(course=course, **fields)
        audit.record(actor, Action.CREATE, question, details={"course": course.reference})
    return question


def set_question_active(actor: Actor, question: Question, active: bool) -> Question:
    """Retire a question (it stays in the sessions that froze it, and in their results) or bring it back."""
    require(actor, "training.change", question.course)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(is_active=active)
        question.is_active = active
        audit.record(actor, Action.UPDATE, question, details={"is_active": active})
    return question


# ---- sessions


@dataclass(frozen=True)
class SessionInput:
    starts_on: dt.date
    ends_on: dt.date
    place: str
    trainer: User | None
    language: str
    format: str
    capacity: int | None = None
    area_code: str = ""


def create_session(actor: Actor, course: Course, given: SessionInput, *, is_demo: bool = False) -> Session:
    """A session of the course; its question set is frozen now if the bank has active questions."""
    require(actor, "training.change", course)
    if given.ends_on < given.starts_on:
        raise TrainingError("ends_on", _("The session cannot end before it starts."))
    if (given.ends_on - given.starts_on).days >= MAX_SESSION_DAYS:
        raise TrainingError("ends_on", _("A session lasts at most %(n)s days.") % {"n": MAX_SESSION_DAYS})
    if given.trainer is not None and given.trainer.pk not in {user.pk for user in access.trainers(actor)}:
        raise TrainingError("trainer", _("Choose a trainer of your organisation."))
    if given.capacity is not None and not 1 <= given.capacity <= 1000:
        raise TrainingError("capacity", _("Give a number of places from 1 to 1000, or leave it empty."))
    if given.area_code and given.area_code not in prevent_access.area_codes(actor):
        raise TrainingError("area_code", _("Choose one of your organisation's areas."))
    session = Session(
        organisation_id=actor.org_id,
        course=course,
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        place=check.line("place", given.place, required=True),
        trainer=given.trainer,
        language=check.choice("language", given.language, course.languages),
        format=check.choice("format", given.format, Format.values),
        capacity=given.capacity,
        area_code=given.area_code,
        created_by=actor.user,
        is_demo=is_demo,
    )
    with transaction.atomic():
        session.save()
        frozen = _freeze(session)
        audit.record(actor, Action.CREATE, session, details={"course": course.reference, "questions": frozen})
    return session


def _freeze(session: Session) -> int:
    active = list(
        Question.objects.filter(course=session.course, is_active=True).order_by("module__position", "pk")
    )
    if not active:
        return 0
    SessionQuestion.objects.bulk_create(
        SessionQuestion(session=session, question=q, position=n) for n, q in enumerate(active, start=1)
    )
    Session.objects.filter(pk=session.pk).update(questions_frozen_at=timezone.now())
    session.refresh_from_db()
    return len(active)


def freeze_questions(actor: Actor, session: Session) -> int:
    """Freeze the course's active questions as the session's test, for a session created before it had any."""
    require(actor, "training.change", session)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.questions_frozen_at is not None:
            raise TrainingError("", _("This session's questions are already fixed; they cannot change now."))
        frozen = _freeze(session)
        if not frozen:
            raise TrainingError(
                "", _("The course has no active question yet: add questions to its bank first.")
            )
        audit.record(actor, Action.UPDATE, session, details={"questions": frozen})
    return frozen


# ---- participants


@dataclass(frozen=True)
class ParticipantInput:
    employer: str
    sector: str
    name: str = ""
    email: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(24)


def add_participant(actor: Actor, session: Session, given: ParticipantInput) -> tuple[Participant, str]:
    """Register a participant; returns them and the token of their personal link (shown once, never stored)."""
    require(actor, "training.change", session)
    email = check.line("email", given.email, limit=254)
    if email and not _EMAIL.match(email):
        raise TrainingError("email", _("Give an e-mail address like name@example.org, or leave it empty."))
    identity = sealing.Identity(check.line("name", given.name, limit=200), email)
    employer = check.line("employer", given.employer, required=True)
    sector = check.choice("sector", given.sector, Sector.values)
    token = new_token()
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        count = Participant.objects.filter(session=locked).count()
        if locked.capacity is not None and count >= locked.capacity:
            raise TrainingError("", _("The session is full (%(n)s places).") % {"n": locked.capacity})
        last = Participant.objects.filter(session=locked).aggregate(last=Max("number"))["last"] or 0
        participant = Participant(
            organisation_id=session.organisation_id,
            session=session,
            number=last + 1,
            employer=employer,
            sector=sector,
            token_hash=token_hash(token),
            added_by=actor.user,
        )
        sealing.seal_identity(participant, identity)
        participant.save()
        FollowUp.objects.bulk_create(
            FollowUp(
                organisation_id=session.organisation_id,
                participant=participant,
                months=months,
                due_on=followup.due_on(session.ends_on, months),
            )
            for months in followup.MONTHS
        )
        audit.record(
            actor,
            Action.CREATE,
            participant,
            details={"session": session.reference, "sector": sector, "named": bool(identity.name)},
        )
    return participant, token


def new_link(actor: Actor, participant: Participant) -> str:
    """A new personal link for a participant who lost theirs; the old one stops working."""
    require(actor, "training.change", participant.session)
    token = new_token()
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(token_hash=token_hash(token))
        audit.record(actor, Action.UPDATE, participant, details={"link": "renewed"})
    return token


def forget_identity(actor: Actor, participant: Participant) -> None:
    """Erase a participant's name and e-mail (they asked, or no longer need a named certificate)."""
    require(actor, "training.change", participant.session)
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(identity=None)
        participant.identity = None
        audit.record(actor, Action.DELETE, participant, details={"fields": ["identity"]})


def record_attendance(actor: Actor, session: Session, present: Mapping[tuple[int, dt.date], bool]) -> int:
    """Present or absent, per participant (by id) and session day; returns how many marks changed."""
    require(actor, "training.change", session)
    days = set(access.days(session))
    ids = set(Participant.objects.filter(session=session).values_list("pk", flat=True))
    for participant_id, day in present:
        if participant_id not in ids or day not in days:
            raise TrainingError(
                "", _("Attendance can only be marked for this session's participants and days.")
            )
    existing = access.attendance(session)
    changed = {key: value for key, value in present.items() if existing.get(key) != value}
    with transaction.atomic():
        for (participant_id, day), value in changed.items():
            Attendance.objects.update_or_create(
                participant_id=participant_id, day=day, defaults={"present": value}
            )
        audit.record(actor, Action.UPDATE, session, details={"attendance_marks": len(changed)})
    return len(changed)


# ---- tests


def submit_test(
    participant: Participant,
    kind: str,
    answers: Mapping[int, int | None],
    *,
    actor: Actor | None = None,
) -> Attempt:
    """The participant's pre- or post-test, once each. Through the personal link (``actor`` None) every question
    must be answered; a trainer typing in a paper test (``actor``) may leave blanks, which count as wrong."""
    session = participant.session
    if actor is not None:
        require(actor, "training.change", session)
    kind = check.choice("kind", kind, Kind.values)
    frozen = {q.pk: q for q in access.frozen_questions(session)}
    if not frozen:
        raise TrainingError("", _("This session's test has no questions yet."))
    if set(answers) - set(frozen):
        raise TrainingError("", _("The test changed while it was open: reload the page and answer again."))
    for qid, chosen in answers.items():
        if chosen is not None and not 0 <= chosen < len(frozen[qid].options):
            raise TrainingError(f"q{qid}", _("Choose one of the answers."))
    if actor is None:
        missing = [qid for qid in frozen if answers.get(qid) is None]
        if missing:
            raise TrainingError(f"q{missing[0]}", _("Answer this question (choose one answer)."))
    if kind == Kind.PRE and Attempt.objects.filter(participant=participant, kind=Kind.POST).exists():
        raise TrainingError("", _("The post-test is already taken, so the pre-test can no longer be."))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                participant=participant, kind=kind, entered_by=actor.user if actor else None
            )
            AttemptAnswer.objects.bulk_create(
                AttemptAnswer(
                    attempt=attempt,
                    question_id=qid,
                    chosen=answers.get(qid),
                    correct=answers.get(qid) == question.correct,
                )
                for qid, question in frozen.items()
            )
            audit.record(
                actor,
                Action.CREATE,
                attempt,
                details={"session": session.reference, "participant": participant.number, "kind": kind},
                system_label="" if actor else PARTICIPANT_LINK,
                organisation_id=session.organisation_id,
            )
    except IntegrityError as error:
        raise TrainingError("", _("This test was already taken; it can be taken once.")) from error
    return attempt


# ---- certificates


def issue_certificate(actor: Actor, participant: Participant) -> str:
    """The certificate's verification code (made the first time); only for those who attended and took the
    post-test. Every printing is audited."""
    session = participant.session
    require(actor, "training.change", session)
    if not access.is_eligible(session, participant):
        raise TrainingError(
            "", _("A certificate needs attendance on every day of the session and the post-test taken.")
        )
    with transaction.atomic():
        if not participant.certificate_code:
            participant.certificate_code = new_certificate_code()
            participant.certificate_issued_at = timezone.now()
            Participant.objects.filter(pk=participant.pk, certificate_code__isnull=True).update(
                certificate_code=participant.certificate_code,
                certificate_issued_at=participant.certificate_issued_at,
            )
            participant.refresh_from_db()
        audit.record(actor, Action.EXPORT, participant, details={"certificate": participant.certificate_code})
    return str(participant.certificate_code)


# ---- follow-ups


@dataclass(frozen=True)
class FollowUpInput:
    identified: int | None
    referred: int | None
    helped: str = ""
    missing: str = ""


def answer_follow_up(follow_up: FollowUp, given: FollowUpInput, *, actor: Actor | None = None) -> FollowUp:
    """The answer to a follow-up, once: through a personal link (``actor`` None) or typed in by the trainer."""
    if actor is not None:
        require(actor, "training.change", follow_up.participant.session)
    identified = _count("identified", given.identified)
    referred = _count("referred", given.referred)
    notes = sealing.Notes(
        check.text("helped", given.helped, limit=2000), check.text("missing", given.missing, limit=2000)
    )
    sealing.seal_notes(follow_up, notes)
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=follow_up.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(),
            identified=identified,
            referred=referred,
            notes=follow_up.notes,
            entered_by=actor.user if actor else None,
            token_hash=None,  # a reminder's one-use link is spent
        )
        if not updated:
            raise TrainingError("", _("This follow-up was already answered."))
        follow_up.refresh_from_db()
        audit.record(
            actor,
            Action.UPDATE,
            follow_up,
            details={"months": follow_up.months, "identified": identified, "referred": referred},
            system_label="" if actor else PARTICIPANT_LINK,
            organisation_id=follow_up.organisation_id,
        )
    return follow_up
