"""The only way to change training records: permission, validation, transaction and audit entry together.

Trainers and org admins of the organisation change its courses, sessions and participants
(``training.manage`` to create, ``training.change`` on the object), and open or close a session's
self-registration. Without an account, participants do exactly three things: register themselves through the join
link a trainer shows in the room, and, through their personal link, take their own tests and answer their own
follow-ups; those writes are audited without an actor and without an IP address.

Bad input raises ``TrainingError`` naming the form field it is about, and nothing is written. A refused import
raises ``ImportRefused`` with every problem of the file, each with its line, and nothing is written either.
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
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.services import token_hash
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError, require
from threefold.prevent import access as prevent_access
from threefold.training import access, sealing
from threefold.training.core import followup, joining, questionbank
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
MAX_OPTIONS = questionbank.MAX_OPTIONS
MAX_SESSION_DAYS = 31
MAX_COUNT = 10_000
PARTICIPANT_LINK = "training:participant-link"  # the audit label of writes made through a personal link
JOIN_LINK = "training:join-link"  # the audit label of self-registrations through a session's join link
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class TrainingError(FieldError):
    """A change the record cannot take. ``field`` names the form field it is about ("" for the whole form)."""


class ImportRefused(ValueError):
    """A file that was not imported, with every reason (each with its line number where it has one)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


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


def _course_values(given: CourseInput) -> dict[str, Any]:
    return {
        "title": check.line("title", given.title, required=True),
        "audience": check.choice("audience", given.audience, Audience.values),
        "languages": _languages("languages", given.languages),
        "description": check.text("description", given.description),
    }


def create_course(actor: Actor, given: CourseInput, *, is_demo: bool = False) -> Course:
    require(actor, "training.manage")
    course = Course(
        organisation_id=actor.org_id, **_course_values(given), created_by=actor.user, is_demo=is_demo
    )
    with transaction.atomic():
        course.save()
        audit.record(actor, Action.CREATE, course, details={"audience": course.audience})
    return course


def edit_course(actor: Actor, course: Course, given: CourseInput) -> list[str]:
    """Change a course's title, audience, languages and description; returns the names of the fields changed
    (none: nothing is written). Its sessions keep the language they were given in, even one the course drops."""
    require(actor, "training.change", course)
    values = _course_values(given)
    changed = [
        name
        for name, value in values.items()
        if (set(value) != set(course.languages) if name == "languages" else getattr(course, name) != value)
    ]
    if not changed:
        return []
    with transaction.atomic():
        Course.objects.filter(pk=course.pk).update(**{name: values[name] for name in changed})
        audit.record(actor, Action.UPDATE, course, details={"fields": changed})
    for name in changed:
        setattr(course, name, values[name])
    return changed


def delete_course(actor: Actor, course: Course) -> None:
    """Delete a course with its modules and question bank, only while it has no session: a session holds its
    participants' tests, whose questions must stay."""
    require(actor, "training.change", course)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        sessions = Session.objects.filter(course=locked).count()
        if sessions:
            raise TrainingError(
                "",
                ngettext(
                    "This course has %(n)s session, so it cannot be deleted. Delete the session first (only "
                    "possible while it has no participants).",
                    "This course has %(n)s sessions, so it cannot be deleted. Delete the sessions first (only "
                    "possible while they have no participants).",
                    sessions,
                )
                % {"n": sessions},
            )
        counts = {
            "modules": Module.objects.filter(course=locked).count(),
            "questions": Question.objects.filter(course=locked).count(),
        }
        audit.record(actor, Action.DELETE, locked, details=counts)
        try:
            # Questions first: a module cannot go while a question points at it.
            Question.objects.filter(course=locked).delete()
            locked.delete()
        except ProtectedError as error:  # a session was created meanwhile
            raise TrainingError(
                "", _("A session of this course was just created: it cannot be deleted.")
            ) from error


def _module_title(course: Course, title: str, module: Module | None = None) -> str:
    """A module title, different from the course's other modules' (results are grouped by module title)."""
    title = check.line("title", title, required=True)
    others = Module.objects.filter(course=course, title__iexact=title)
    if module is not None:
        others = others.exclude(pk=module.pk)
    if others.exists():
        raise TrainingError(
            "title", _("Another module of this course has this title: give each module its own title.")
        )
    return title


def _hold_course(course: Course) -> None:
    """Lock the course's row for the rest of the transaction (``delete_course`` takes it too), so nothing is
    added to a course being deleted; a course already gone is a clear refusal, not an integrity error."""
    if Course.objects.select_for_update().filter(pk=course.pk).first() is None:
        raise TrainingError("", _("This course no longer exists."))


def add_module(actor: Actor, course: Course, title: str, objective: str = "") -> Module:
    """A module at the end of the course."""
    require(actor, "training.change", course)
    title = _module_title(course, title)
    objective = check.text("objective", objective)
    with transaction.atomic():
        _hold_course(course)
        last = Module.objects.filter(course=course).aggregate(last=Max("position"))["last"] or 0
        module = Module.objects.create(course=course, position=last + 1, title=title, objective=objective)
        audit.record(actor, Action.CREATE, module, details={"course": course.reference})
    return module


def edit_module(actor: Actor, module: Module, title: str, objective: str = "") -> list[str]:
    """Change a module's title and learning objective; returns the names of the fields changed. Its questions,
    and the results of sessions that asked them, stay with it (results show the new title)."""
    require(actor, "training.change", module.course)
    values = {
        "title": _module_title(module.course, title, module),
        "objective": check.text("objective", objective),
    }
    changed = [name for name, value in values.items() if getattr(module, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        Module.objects.filter(pk=module.pk).update(**{name: values[name] for name in changed})
        audit.record(
            actor, Action.UPDATE, module, details={"course": module.course.reference, "fields": changed}
        )
    for name in changed:
        setattr(module, name, values[name])
    return changed


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
        _hold_course(course)
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


def file_too_large_text() -> str:
    """What a question file over the size limit gets, whether the upload stopped it or the reader did."""
    return _problem_text(questionbank.Problem(0, "too_large", {"kb": questionbank.MAX_BYTES // 1024}))


def _problem_text(problem: questionbank.Problem) -> str:
    """A problem of an imported question file, worded for the person who has to correct the file."""
    messages = {
        "too_large": _("The file is larger than %(kb)s KB: split it into smaller files."),
        "not_utf8": _("The file is not UTF-8 text: save it as “CSV UTF-8” and import it again."),
        "not_text": _("The file is not a CSV text file."),
        "empty": _("The file is empty: it needs the header line %(columns)s and one line per question."),
        "header": _(
            "This should be the header line %(columns)s (option_3 to option_6 may be left out); "
            "found “%(found)s”."
        ),
        "not_csv": _("This line cannot be read as CSV: check its quotation marks."),
        "too_many_rows": _("The file has more than %(n)s questions: split it into smaller files."),
        "no_rows": _("The file has no questions: add one line per question under the header."),
        "extra_cells": ngettext(
            "The line has %(n)s cell more than the header has columns.",
            "The line has %(n)s cells more than the header has columns.",
            int(problem.params.get("n", 0)),
        ),
        "module_empty": _("The module is empty: give the title of one of the course's modules."),
        "module_unknown": _("The course has no module called “%(module)s”."),
        "module_ambiguous": _("Two modules of the course are called “%(module)s”: rename one of them first."),
        "question_empty": _("The question is empty."),
        "question_long": _("The question is longer than %(n)s characters."),
        "control": _("%(column)s contains control or text-direction characters."),
        "option_gap": _(
            "%(column)s is empty but %(after)s is not: fill the answers from option_1 on, without gaps."
        ),
        "option_long": _("%(column)s is longer than %(n)s characters."),
        "option_multiline": _("%(column)s must be on one line."),
        "too_few_options": _("Give at least %(n)s answers (option_1 and option_2)."),
        "options_same": _("%(column)s is the same answer as %(other)s: make each answer different."),
        "correct_empty": _("There is no correct answer: put its number (1 to %(n)s) in the correct column."),
        "correct_not_number": _(
            "The correct column holds “%(found)s”: give the number of the correct answer, 1 to %(n)s."
        ),
        "correct_not_option": _(
            "The correct answer is number %(correct)s, but only %(n)s answers are given."
        ),
        "duplicate_existing": _("The course's question bank already has this question."),
        "duplicate_line": _("The same question is on line %(other)s."),
    }
    text = messages[problem.code] % dict(problem.params)
    if not problem.line:
        return text
    return _("Line %(line)s: %(problem)s") % {"line": problem.line, "problem": text}


def import_questions(actor: Actor, course: Course, data: bytes) -> int:
    """Add the questions of a CSV file (``threefold.training.core.questionbank``) to the course's bank, all or
    none: a file with any problem adds nothing and ``ImportRefused`` lists every problem with its line. Returns
    how many questions were added."""
    require(actor, "training.change", course)
    with transaction.atomic():
        # One import of a course at a time, so two imports of one file cannot both add its questions.
        locked = Course.objects.select_for_update().get(pk=course.pk)
        modules = dict(Module.objects.filter(course=locked).values_list("pk", "title"))
        if not modules:
            raise ImportRefused([_("Add a module first: every question belongs to one.")])
        existing = Question.objects.filter(course=locked).values_list("text", flat=True)
        parsed = questionbank.parse_questions(data, modules, existing)
        if parsed.problems:
            raise ImportRefused([_problem_text(problem) for problem in parsed.problems])
        Question.objects.bulk_create(
            Question(
                course=locked,
                module_id=row.module_id,
                text=row.text,
                options=list(row.options),
                correct=row.correct,
            )
            for row in parsed.rows
        )
        audit.record(
            actor,
            Action.CREATE,
            ("training.question", "import"),
            details={"course": locked.reference, "questions": len(parsed.rows)},
        )
    return len(parsed.rows)


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


# What a session's tests and results depend on besides its frozen questions: attendance is marked per day, a
# certificate needs every day, follow-ups fall due after the last day and personal links expire after it; a test
# is taken in the session's language. These stay as they are once anything is recorded for a participant.
FIXED_ONCE_RECORDED = ("starts_on", "ends_on", "language")


def _session_values(
    actor: Actor, course: Course, given: SessionInput, current: Session | None = None
) -> dict[str, Any]:
    """The checked values of a new session, or of ``current`` changed. What ``current`` already holds is kept
    even where it would no longer be chosen now (a trainer who left, an area or language dropped since)."""
    if given.ends_on < given.starts_on:
        raise TrainingError("ends_on", _("The session cannot end before it starts."))
    if (given.ends_on - given.starts_on).days >= MAX_SESSION_DAYS:
        raise TrainingError("ends_on", _("A session lasts at most %(n)s days.") % {"n": MAX_SESSION_DAYS})
    trainer_id = given.trainer.pk if given.trainer is not None else None
    kept = current is not None and trainer_id == current.trainer_id
    if trainer_id is not None and not kept and trainer_id not in {user.pk for user in access.trainers(actor)}:
        raise TrainingError("trainer", _("Choose a trainer of your organisation."))
    if given.capacity is not None and not 1 <= given.capacity <= 1000:
        raise TrainingError("capacity", _("Give a number of places from 1 to 1000, or leave it empty."))
    area_kept = current is not None and given.area_code == current.area_code
    if given.area_code and not area_kept and given.area_code not in prevent_access.area_codes(actor):
        raise TrainingError("area_code", _("Choose one of your organisation's areas."))
    languages = [*course.languages, *([current.language] if current is not None else [])]
    return {
        "starts_on": given.starts_on,
        "ends_on": given.ends_on,
        "place": check.line("place", given.place, required=True),
        "trainer": given.trainer,
        "language": check.choice("language", given.language, languages),
        "format": check.choice("format", given.format, Format.values),
        "capacity": given.capacity,
        "area_code": given.area_code,
    }


def create_session(actor: Actor, course: Course, given: SessionInput, *, is_demo: bool = False) -> Session:
    """A session of the course; its question set is frozen now if the bank has active questions."""
    require(actor, "training.change", course)
    session = Session(
        organisation_id=actor.org_id,
        course=course,
        **_session_values(actor, course, given),
        created_by=actor.user,
        is_demo=is_demo,
    )
    with transaction.atomic():
        _hold_course(course)
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


def edit_session(actor: Actor, session: Session, given: SessionInput) -> list[str]:
    """Change a session's details (every field of its form); returns the names of the fields changed (none:
    nothing is written).

    What may change when:

    * never here: its course and its frozen question set (the pre- and post-test ask exactly those questions,
      so scores compare; ``freeze_questions`` fixes them once for a session created with an empty bank);
    * always: the place, the trainer, the format, the area and the number of places (never fewer than the
      participants already registered);
    * the dates and the language (``FIXED_ONCE_RECORDED``) only while nothing is recorded for its participants:
      no test taken, no attendance marked, no follow-up answered or reminded, no certificate. Until then the
      participants' follow-ups move with the new last day, so they still fall due 3 and 6 months after it.
    """
    require(actor, "training.change", session)
    values = _session_values(actor, session.course, given, current=session)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        changed = [
            name
            for name, value in values.items()
            if (
                locked.trainer_id != (value.pk if value is not None else None)
                if name == "trainer"
                else getattr(locked, name) != value
            )
        ]
        if not changed:
            return []
        fixed = [name for name in changed if name in FIXED_ONCE_RECORDED]
        if fixed and access.has_records(locked):
            raise TrainingError(
                fixed[0],
                _(
                    "Tests, attendance or follow-ups are already recorded for this session, so its dates and "
                    "language can no longer change: they count in its results."
                ),
            )
        registered = Participant.objects.filter(session=locked).count()
        if "capacity" in changed and values["capacity"] is not None and values["capacity"] < registered:
            raise TrainingError(
                "capacity",
                ngettext(
                    "%(n)s participant is already registered: give at least that many places.",
                    "%(n)s participants are already registered: give at least that many places.",
                    registered,
                )
                % {"n": registered},
            )
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        details: dict[str, Any] = {"fields": changed}
        if "ends_on" in changed and registered:
            details["follow_ups_moved"] = sum(
                FollowUp.objects.filter(participant__session=locked, months=months).update(
                    due_on=followup.due_on(locked.ends_on, months)
                )
                for months in followup.MONTHS
            )
        audit.record(actor, Action.UPDATE, locked, details=details)
    for name in changed:
        setattr(session, name, getattr(locked, name))
    return changed


def delete_session(actor: Actor, session: Session) -> None:
    """Delete a session (and its frozen question set), only while it has no participants: once someone is
    registered, their tests, attendance, certificates and follow-ups belong to it."""
    require(actor, "training.change", session)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        registered = Participant.objects.filter(session=locked).count()
        if registered:
            raise TrainingError(
                "",
                ngettext(
                    "This session has %(n)s participant, so it cannot be deleted: their tests, attendance and "
                    "follow-ups belong to it.",
                    "This session has %(n)s participants, so it cannot be deleted: their tests, attendance and "
                    "follow-ups belong to it.",
                    registered,
                )
                % {"n": registered},
            )
        frozen = SessionQuestion.objects.filter(session=locked).count()
        audit.record(
            actor, Action.DELETE, locked, details={"course": locked.course.reference, "questions": frozen}
        )
        locked.delete()


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
    return _register(session, given, actor=actor)


def _register(
    session: Session, given: ParticipantInput, *, actor: Actor | None, join_hash: str = ""
) -> tuple[Participant, str]:
    """A new participant of the session, added by a trainer (``actor``) or registering themselves through the
    join link whose hash is ``join_hash`` (``actor`` None): the same checks, numbering and follow-ups either way.
    A self-registration is audited without an actor and without an IP address."""
    email = check.line("email", given.email, limit=254)
    if email and not _EMAIL.match(email):
        raise TrainingError("email", _("Give an e-mail address like name@example.org, or leave it empty."))
    identity = sealing.Identity(check.line("name", given.name, limit=200), email)
    employer = check.line("employer", given.employer, required=True)
    sector = check.choice("sector", given.sector, Sector.values)
    token = new_token()
    with transaction.atomic():
        locked = Session.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None:  # deleted meanwhile
            raise TrainingError("", _("Registration through this link is closed. Ask the trainer."))
        count = Participant.objects.filter(session=locked).count()
        if actor is None:
            _check_joinable(locked, join_hash, count)
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
            added_by=actor.user if actor else None,
        )
        sealing.seal_identity(participant, identity)
        participant.save()
        FollowUp.objects.bulk_create(
            FollowUp(
                organisation_id=session.organisation_id,
                participant=participant,
                months=months,
                due_on=followup.due_on(locked.ends_on, months),
            )
            for months in followup.MONTHS
        )
        details: dict[str, Any] = {
            "session": session.reference,
            "sector": sector,
            "named": bool(identity.name),
        }
        if actor is None:
            details["participants"] = count + 1
        audit.record(
            actor,
            Action.CREATE,
            participant,
            details=details,
            system_label="" if actor else JOIN_LINK,
            organisation_id=session.organisation_id,
        )
    return participant, token


# ---- self-registration through a session's join link


def join_refused_text(reason: str) -> str:
    """What a participant is told when the session takes no more registrations (``joining.refusal``)."""
    if reason == joining.ENDED:
        return _("This session has ended: registration is closed. Ask the trainer if you took part.")
    return _("This session is full: every place is taken. Ask the trainer.")


def _check_joinable(session: Session, join_hash: str, registered: int) -> None:
    live = joining.is_live(session.join_opened_at, timezone.now(), session.ends_on, timezone.localdate())
    if not join_hash or session.join_token_hash != join_hash or not live:
        raise TrainingError("", _("Registration through this link is closed. Ask the trainer."))
    reason = joining.refusal(timezone.localdate(), session.ends_on, session.capacity, registered)
    if reason is not None:
        raise TrainingError("", join_refused_text(reason))


def register_through_join_link(token: str, given: ParticipantInput) -> tuple[Participant, str]:
    """A participant registering themselves on their phone through the join link shown in the room: the same
    data, checks and numbering as ``add_participant``, while registration is open and the session has neither
    ended nor filled. Returns them and the token of their personal link (never stored)."""
    session = access.session_by_join_token(token)
    if session is None:
        raise TrainingError("", _("Registration through this link is closed. Ask the trainer."))
    return _register(session, given, actor=None, join_hash=access.join_token_hash(token))


def open_registration(actor: Actor, session: Session) -> str:
    """Open self-registration with a new join link, or replace the link of an open one (the old link stops
    working at once). Returns the link's code, grouped for reading: shown once, stored only as its hash."""
    require(actor, "training.change", session)
    if session.ends_on < timezone.localdate():
        raise TrainingError("", _("This session has ended: registration can no longer be opened."))
    code = joining.grouped(joining.new_code())
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        replaced = locked.join_token_hash is not None
        locked.join_token_hash = access.join_token_hash(code)
        locked.join_opened_at = timezone.now()
        locked.save(update_fields=["join_token_hash", "join_opened_at"])
        audit.record(
            actor, Action.UPDATE, locked, details={"join_link": "replaced" if replaced else "opened"}
        )
    session.join_token_hash, session.join_opened_at = locked.join_token_hash, locked.join_opened_at
    return code


def close_registration(actor: Actor, session: Session) -> bool:
    """Close self-registration: the join link stops working (an unknown link's 404). False if it was closed."""
    require(actor, "training.change", session)
    with transaction.atomic():
        closed = Session.objects.filter(pk=session.pk, join_token_hash__isnull=False).update(
            join_token_hash=None, join_opened_at=None
        )
        if closed:
            audit.record(actor, Action.UPDATE, session, details={"join_link": "closed"})
    session.join_token_hash = session.join_opened_at = None
    return bool(closed)


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


def _hold(session_id: int) -> None:
    """Lock the session's row for the rest of the transaction. Every write of a participant's record (a test,
    attendance, a certificate, a follow-up answer) takes it, as ``edit_session`` does before it checks that
    nothing is recorded: a session's dates and language then cannot change beside a record being written."""
    Session.objects.select_for_update().filter(pk=session_id).first()


def remove_participant(actor: Actor, participant: Participant) -> None:
    """Remove a participant registered by mistake (or through a join link shared beyond the room) while nothing
    is recorded for them; a participant with a test, attendance, follow-up or certificate stays, so that results
    and certificates keep their meaning (their name can still be erased)."""
    session = participant.session
    require(actor, "training.change", session)
    with transaction.atomic():
        _hold(session.pk)
        if access.has_records(session, participant):
            raise TrainingError(
                "",
                _(
                    "Something is already recorded for this participant (a test, attendance, a follow-up or a "
                    "certificate), so they stay in the session's results. Erase their name instead if they ask."
                ),
            )
        audit.record(
            actor,
            Action.DELETE,
            participant,
            details={"session": session.reference, "participant": participant.number},
        )
        participant.delete()


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
        _hold(session.pk)
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
            _hold(session.pk)
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
        _hold(session.pk)
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
        _hold(follow_up.participant.session_id)
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
