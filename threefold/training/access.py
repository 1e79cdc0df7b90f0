"""The only way to read training records for a user, and for the holder of a participant's personal link.

Everything is scoped to the actor's organisation: another organisation's course, session or participant is a
404. Trainers and org admins (``training.manage``) read everything of their organisation, names included; the
readers of results (``training.view_results``: also analysts and supervisors) read courses, sessions and results,
never names. Opening names is audited (who saw the names of which session).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.accounts.services import token_hash
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.training import sealing
from threefold.training.core import certificate, followup, joining, scoring
from threefold.training.models import (
    Attempt,
    Attendance,
    Course,
    FollowUp,
    Kind,
    Module,
    Participant,
    Question,
    Session,
    SessionQuestion,
)

TRAINER_ROLES = (Role.TRAINER.value, Role.ORG_ADMIN.value)
# A personal link opens until this long after the session ended (the 6-month follow-up plus its open window).
LINK_DAYS_AFTER_END = 6 * 31 + followup.OPEN_DAYS


def may_read(actor: Actor) -> bool:
    return allowed(actor, "training.manage") or allowed(actor, "training.view_results")


def _org(actor: Actor) -> int:
    if not may_read(actor):
        raise Http404
    return actor.org_id


# ---- courses, modules, questions


def courses(actor: Actor) -> list[Course]:
    return list(Course.objects.filter(organisation_id=_org(actor)))


def course(actor: Actor, reference: str) -> Course:
    found = Course.objects.filter(organisation_id=_org(actor), reference=reference).first()
    if found is None:
        raise Http404
    return found


def modules(course: Course) -> list[Module]:
    return list(Module.objects.filter(course=course))


def module(course: Course, module_id: int) -> Module:
    found = Module.objects.filter(course=course, pk=module_id).select_related("course").first()
    if found is None:
        raise Http404
    return found


def questions(course: Course, *, active_only: bool = False) -> list[Question]:
    rows = Question.objects.filter(course=course).select_related("module")
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows)


def question(course: Course, question_id: int) -> Question:
    found = Question.objects.filter(course=course, pk=question_id).first()
    if found is None:
        raise Http404
    return found


# ---- sessions


def sessions(actor: Actor, course: Course | None = None) -> list[Session]:
    rows = Session.objects.filter(organisation_id=_org(actor)).select_related("course", "trainer")
    if course is not None:
        rows = rows.filter(course=course)
    return list(rows)


def session_counts_by_area(actor: Actor) -> dict[str, int]:
    """How many training sessions the actor's organisation held in each of its areas: counts without names,
    for the vulnerability map, which every member of the organisation reads (prevent.view)."""
    counts = (
        Session.objects.filter(organisation_id=actor.org_id)
        .exclude(area_code="")
        .values_list("area_code")
        .annotate(n=Count("pk"))
    )
    return {code: n for code, n in counts}


def upcoming_sessions(actor: Actor, today: dt.date) -> list[Session]:
    rows = Session.objects.filter(organisation_id=_org(actor), ends_on__gte=today).select_related("course")
    return list(rows.order_by("starts_on", "pk"))


def session(actor: Actor, reference: str) -> Session:
    found = (
        Session.objects.filter(organisation_id=_org(actor), reference=reference)
        .select_related("course", "trainer")
        .first()
    )
    if found is None:
        raise Http404
    return found


def frozen_questions(session: Session) -> list[Question]:
    rows = SessionQuestion.objects.filter(session=session).select_related("question__module")
    return [row.question for row in rows]


def has_records(session: Session, participant: Participant | None = None) -> bool:
    """Something is recorded for the session's participants, or for the one ``participant`` (a test, an
    attendance mark, a follow-up answered or reminded, a certificate): from then on the session's dates and
    language stay as they are (services.edit_session), and the participant cannot be removed."""
    who = Q(participant__session=session) if participant is None else Q(participant=participant)
    people = Participant.objects.filter(session=session)
    return (
        Attempt.objects.filter(who).exists()
        or Attendance.objects.filter(who).exists()
        or FollowUp.objects.filter(who)
        .filter(Q(answered_at__isnull=False) | Q(reminded_on__isnull=False) | Q(token_hash__isnull=False))
        .exists()
        or (people if participant is None else people.filter(pk=participant.pk))
        .filter(certificate_code__isnull=False)
        .exists()
    )


def days(session: Session) -> list[dt.date]:
    return certificate.session_days(session.starts_on, session.ends_on)


# ---- participants


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(text))
    except ValueError as error:
        raise Http404 from error


def participants(session: Session) -> list[Participant]:
    return list(
        Participant.objects.filter(session=session).prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.only("participant_id", "kind")),
            "attendance",
        )
    )


def participant(session: Session, uid: str) -> Participant:
    found = Participant.objects.filter(session=session, uid=_uuid(uid)).first()
    if found is None:
        raise Http404
    return found


def names(actor: Actor, session: Session, rows: Iterable[Participant]) -> dict[int, sealing.Identity]:
    """Names and e-mails of participants, for trainers and org admins only (audited); {} for anyone else."""
    listed = list(rows)
    if not allowed(actor, "training.change", session) or not any(p.identity for p in listed):
        return {}
    keys = sealing.keys_for(p.identity for p in listed)
    opened = {p.pk: sealing.open_identity(p, keys) for p in listed if p.identity}
    audit.record(actor, Action.VIEW, session, details={"participant_names": len(opened)})
    return opened


def kinds_taken(participant: Participant) -> set[str]:
    return {attempt.kind for attempt in participant.attempts.all()}


def present_days(participant: Participant) -> set[dt.date]:
    return {row.day for row in participant.attendance.all() if row.present}


def attendance(session: Session) -> dict[tuple[int, dt.date], bool]:
    rows = Attendance.objects.filter(participant__session=session)
    return {(row.participant_id, row.day): row.present for row in rows}


def is_eligible(session: Session, participant: Participant) -> bool:
    return certificate.eligible(
        days(session), present_days(participant), Kind.POST in kinds_taken(participant)
    )


# ---- results


@dataclass(frozen=True)
class SessionResults:
    scores: scoring.Results
    questions: list[Question]
    registered: int
    attended: int  # present on every day
    outcomes: tuple[followup.Outcome, ...]


@dataclass(frozen=True)
class CourseResults(SessionResults):
    """Every session of a course: ``scores`` pools each question and module over the sessions that asked it."""

    sessions: list[Session]
    pooled: scoring.Pooled

    @property
    def untested(self) -> list[Session]:
        """Sessions whose test was never fixed: counted in attendance and follow-ups, not in scores."""
        tested = {key for found in self.pooled.sets for key in found.sittings}
        return [s for s in self.sessions if s.reference not in tested]


def _may_read_results(actor: Actor, organisation_id: int) -> None:
    if not allowed(actor, "training.view_results") or organisation_id != actor.org_id:
        raise Http404


def _answers(sessions: list[Session], kind: str) -> dict[int, dict[str, dict[int, bool]]]:
    """Per session id, each participant's (by number) answers to one test: question id -> correct."""
    found: dict[int, dict[str, dict[int, bool]]] = {}
    attempts = Attempt.objects.filter(participant__session__in=sessions, kind=kind).prefetch_related(
        "answers"
    )
    for attempt in attempts.select_related("participant"):
        by_number = found.setdefault(attempt.participant.session_id, {})
        by_number[str(attempt.participant.number)] = {a.question_id: a.correct for a in attempt.answers.all()}
    return found


@dataclass(frozen=True)
class _Gathered:
    """What a results page shows of some sessions of one course, before scoring."""

    questions: list[Question]
    sittings: list[scoring.Sitting]
    registered: int
    attended: int
    outcomes: tuple[followup.Outcome, ...]

    @property
    def refs(self) -> list[scoring.QuestionRef]:
        return [scoring.QuestionRef(q.id, q.module.title) for q in self.questions]


def _gather(sessions: list[Session], *, pooled: bool) -> _Gathered:
    """The sessions' frozen questions (one session's in its order; several in the order of the course's modules),
    the sittings of their tests (one session's participants keyed by number alone, several by session reference
    and number), attendance and follow-up outcomes."""
    rows = SessionQuestion.objects.filter(session__in=sessions).select_related("question__module")
    asked: dict[int, list[int]] = {}
    by_id: dict[int, Question] = {}
    for row in rows.order_by("session_id", "position"):
        asked.setdefault(row.session_id, []).append(row.question_id)
        by_id[row.question_id] = row.question
    questions = list(by_id.values())
    if pooled:
        questions.sort(key=lambda q: (q.module.position, q.pk))
    pre, post = _answers(sessions, Kind.PRE), _answers(sessions, Kind.POST)
    listed = list(Participant.objects.filter(session__in=sessions).prefetch_related("attendance"))
    needed = {s.pk: set(days(s)) for s in sessions}
    answers = FollowUp.objects.filter(participant__session__in=sessions, answered_at__isnull=False)
    return _Gathered(
        questions=questions,
        sittings=[
            scoring.Sitting(
                s.reference if pooled else "",
                tuple(asked.get(s.pk, ())),
                pre.get(s.pk, {}),
                post.get(s.pk, {}),
            )
            for s in sessions
        ],
        registered=len(listed),
        attended=sum(1 for p in listed if needed[p.session_id] <= present_days(p)),
        outcomes=followup.outcomes(
            followup.Answer(row.months, row.identified or 0, row.referred or 0) for row in answers
        ),
    )


def results(actor: Actor, session: Session) -> SessionResults:
    """Scores, attendance and follow-up outcomes of a session, without names (``training.view_results``)."""
    _may_read_results(actor, session.organisation_id)
    found = _gather([session], pooled=False)
    return SessionResults(
        scoring.summarise_sittings(found.refs, found.sittings),
        found.questions,
        found.registered,
        found.attended,
        found.outcomes,
    )


def course_results(actor: Actor, course: Course) -> CourseResults:
    """The results of every session of a course, without names (``training.view_results``): sessions that froze
    the same questions compare as one session does; over all of them, each question and module pools the
    sessions that asked it (``threefold.training.core.scoring.pool``)."""
    _may_read_results(actor, course.organisation_id)
    listed = list(Session.objects.filter(course=course).order_by("starts_on", "pk"))
    found = _gather(listed, pooled=True)
    pooled = scoring.pool(found.refs, found.sittings)
    return CourseResults(
        pooled.results, found.questions, found.registered, found.attended, found.outcomes, listed, pooled
    )


# ---- follow-ups


def follow_ups(session: Session) -> list[FollowUp]:
    return list(FollowUp.objects.filter(participant__session=session).select_related("participant"))


def follow_up(session: Session, uid: str) -> FollowUp:
    found = (
        FollowUp.objects.filter(participant__session=session, uid=_uuid(uid))
        .select_related("participant")
        .first()
    )
    if found is None:
        raise Http404
    return found


def follow_ups_due(actor: Actor, today: dt.date) -> list[FollowUp]:
    """Open, unanswered follow-ups of the sessions the actor trains (all of the organisation for an org admin)."""
    if not allowed(actor, "training.manage"):
        return []
    rows = FollowUp.objects.filter(
        organisation_id=actor.org_id,
        answered_at__isnull=True,
        due_on__lte=today,
        due_on__gt=today - dt.timedelta(days=followup.OPEN_DAYS),
    ).select_related("participant__session__course")
    if not actor.has_role(Role.ORG_ADMIN):
        rows = rows.filter(participant__session__trainer=actor.user)
    return list(rows.order_by("due_on", "participant__session_id", "participant__number"))


# ---- the organisation


def trainers(actor: Actor) -> list[User]:
    ids = Membership.objects.filter(
        organisation_id=actor.org_id, is_active=True, role__in=TRAINER_ROLES
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "email"))


# ---- personal links (no account)


def link_is_live(session: Session, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return today <= session.ends_on + dt.timedelta(days=LINK_DAYS_AFTER_END)


def by_token(token: str) -> Participant:
    """The participant whose personal link this is; an unknown, expired or spent link is a 404."""
    found = (
        Participant.objects.filter(token_hash=token_hash(token or ""))
        .select_related("session__course", "organisation")
        .first()
    )
    if found is None or not link_is_live(found.session) or is_spent(found):
        raise Http404
    return found


def is_spent(participant: Participant) -> bool:
    """Nothing is left to answer: the post-test and both follow-ups are done."""
    answered = FollowUp.objects.filter(participant=participant, answered_at__isnull=False).count()
    took_post = Attempt.objects.filter(participant=participant, kind=Kind.POST).exists()
    return took_post and answered >= len(followup.MONTHS)


def open_follow_ups(participant: Participant, today: dt.date | None = None) -> list[FollowUp]:
    today = today or timezone.localdate()
    rows = FollowUp.objects.filter(participant=participant, answered_at__isnull=True, due_on__lte=today)
    return [row for row in rows if followup.is_open(row.due_on, today)]


def follow_up_by_token(token: str) -> FollowUp:
    """The follow-up a reminder's one-use link opens; unknown, answered or closed is a 404."""
    found = (
        FollowUp.objects.filter(token_hash=token_hash(token or ""), answered_at__isnull=True)
        .select_related("participant__session__course", "organisation")
        .first()
    )
    if found is None or not followup.is_open(found.due_on, timezone.localdate()):
        raise Http404
    return found


def participant_follow_up(participant: Participant, months: int) -> FollowUp:
    found = next((row for row in open_follow_ups(participant) if row.months == months), None)
    if found is None:
        raise Http404
    return found


# ---- join links (self-registration, no account)


def join_token_hash(token: str) -> str:
    """The stored form of a join link's code, however it was typed (dashes, spaces, lower case)."""
    return token_hash(joining.normalise(token or ""))


def session_by_join_token(token: str) -> Session | None:
    """The session whose registration this join link opens; None for an unknown, replaced, closed or expired
    link, or one of a session that has ended (one answer for all, so codes cannot be probed and an old link shows
    nothing of its session)."""
    if not joining.is_well_formed(joining.normalise(token or "")):
        return None
    found = (
        Session.objects.filter(join_token_hash=join_token_hash(token))
        .select_related("course", "organisation")
        .first()
    )
    if found is None or not joining.is_live(
        found.join_opened_at, timezone.now(), found.ends_on, timezone.localdate()
    ):
        return None
    return found


def join_refusal(session: Session, today: dt.date | None = None) -> str | None:
    """Why the session takes no more self-registrations (``joining.ENDED``, ``joining.FULL``), or None."""
    registered = Participant.objects.filter(session=session).count()
    return joining.refusal(today or timezone.localdate(), session.ends_on, session.capacity, registered)


def by_certificate(code: str) -> Participant:
    found = (
        Participant.objects.filter(certificate_code=(code or "").strip().upper())
        .exclude(certificate_code__isnull=True)
        .select_related("session__course", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found
