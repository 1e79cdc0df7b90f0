"""Training services end to end: scoring, certificates, follow-ups and their reminders, personal links, sealing,
refusals that change nothing, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from tests.conftest import MakeMember
from tests.training_world import TrainingWorld, attend, make_world, right
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.accounts.services import token_hash
from threefold.audit.models import AuditEntry
from threefold.notifications.models import Notification
from threefold.training import access, reminders, sealing, services
from threefold.training.core.followup import add_months
from threefold.training.models import Attempt, Course, FollowUp, Kind, Participant, Question, Session
from threefold.training.services import ParticipantInput, TrainingError

NAME = "Ingrid Kowalczyk-Baptiste"
EMAIL = "ingrid.kb@police.example.org"


@pytest.fixture
def trainer(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.TRAINER)


@pytest.fixture
def world(trainer: Actor) -> TrainingWorld:
    return make_world(trainer)


def _add(trainer: Actor, world: TrainingWorld, **extra: str) -> tuple[Participant, str]:
    return services.add_participant(
        trainer, world.session, ParticipantInput("City police", "police", **extra)
    )


# ---- scoring


@pytest.mark.django_db
def test_scores_change_per_participant_question_and_module(trainer: Actor, world: TrainingWorld) -> None:
    first, _ = _add(trainer, world)
    second, _ = _add(trainer, world)
    late, _ = _add(trainer, world)
    services.submit_test(first, Kind.PRE, right(world, 0, 1, 2, 3))  # 0 of 4
    services.submit_test(first, Kind.POST, right(world, 3))  # 3 of 4
    services.submit_test(second, Kind.PRE, right(world, 2, 3))  # 2 of 4
    services.submit_test(second, Kind.POST, right(world, 3))  # 3 of 4
    services.submit_test(late, Kind.POST, right(world))  # post only: counted, not compared
    found = access.results(trainer, world.session)
    scores = found.scores
    assert (scores.paired, scores.pre_only, scores.post_only) == (2, 0, 1)
    by_key = {p.key: p for p in scores.participants}
    assert by_key[str(first.number)].change == pytest.approx(0.75)
    assert by_key[str(second.number)].change == pytest.approx(0.25)
    assert by_key[str(late.number)].change is None
    assert scores.mean_change == pytest.approx(0.5)
    last = scores.questions[3]
    assert (last.pre_rate, last.post_rate, last.weak) == (0.0, 0.0, True)
    referral = next(m for m in scores.modules if m.key == "Referral")
    assert (referral.pre_rate, referral.post_rate) == (0.0, 0.5)
    assert scores.weak_modules == ("Referral",)


@pytest.mark.django_db
def test_the_question_set_is_frozen_when_the_session_is_created(trainer: Actor, world: TrainingWorld) -> None:
    later = Question.objects.create(
        course=world.course,
        module=world.questions[0].module,
        text="Added later",
        options=["a", "b"],
        correct=0,
    )
    services.set_question_active(trainer, world.questions[0], False)
    assert access.frozen_questions(world.session) == world.questions  # retired stays, new one is not asked
    participant, _ = _add(trainer, world)
    with pytest.raises(TrainingError):
        services.submit_test(participant, Kind.PRE, {**right(world), later.pk: 0})
    assert not Attempt.objects.exists()


@pytest.mark.django_db
def test_each_test_is_taken_once_and_the_pre_test_not_after_the_post_test(
    trainer: Actor, world: TrainingWorld
) -> None:
    participant, _ = _add(trainer, world)
    services.submit_test(participant, Kind.POST, right(world))
    with pytest.raises(TrainingError):
        services.submit_test(participant, Kind.POST, right(world))
    with pytest.raises(TrainingError):
        services.submit_test(participant, Kind.PRE, right(world))
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_through_the_link_every_question_must_be_answered_on_paper_blanks_count_wrong(
    trainer: Actor, world: TrainingWorld
) -> None:
    participant, _ = _add(trainer, world)
    blank = {**right(world), world.questions[1].pk: None}
    with pytest.raises(TrainingError) as refused:
        services.submit_test(participant, Kind.PRE, blank)
    assert refused.value.field == f"q{world.questions[1].pk}"
    services.submit_test(participant, Kind.PRE, blank, actor=trainer)
    assert access.results(trainer, world.session).scores.participants[0].pre.correct == 3  # type: ignore[union-attr]


# ---- certificates


@pytest.mark.django_db
def test_certificates_only_for_who_attended_every_day_and_took_the_post_test(
    trainer: Actor, world: TrainingWorld
) -> None:
    absent, _ = _add(trainer, world)
    no_post, _ = _add(trainer, world)
    done, _ = _add(trainer, world)
    attend(trainer, world, absent, present=False)
    attend(trainer, world, no_post)
    attend(trainer, world, done)
    services.submit_test(absent, Kind.POST, right(world))
    services.submit_test(done, Kind.POST, right(world, 0, 1, 2))  # passing is not required
    for refused in (absent, no_post):
        with pytest.raises(TrainingError):
            services.issue_certificate(trainer, refused)
    code = services.issue_certificate(trainer, done)
    assert len(code) == 12
    assert services.issue_certificate(trainer, done) == code  # printed again: the same code
    assert access.by_certificate(code.lower()).pk == done.pk
    assert Participant.objects.exclude(certificate_code=None).count() == 1


# ---- follow-ups and reminders


@pytest.mark.django_db
def test_follow_ups_fall_due_at_3_and_6_months_and_are_reminded_once(
    trainer: Actor, world: TrainingWorld, org: Organisation, make_member: MakeMember
) -> None:
    quiet, _ = _add(trainer, world)
    wants, _ = _add(trainer, world, email=EMAIL)
    ends = world.session.ends_on
    assert sorted(FollowUp.objects.filter(participant=quiet).values_list("months", "due_on")) == [
        (3, add_months(ends, 3)),
        (6, add_months(ends, 6)),
    ]
    day_before = add_months(ends, 3) - dt.timedelta(days=1)
    assert reminders.send_due(day_before) == 0
    assert access.follow_ups_due(trainer, day_before) == []
    due_day = add_months(ends, 3)
    assert len(access.follow_ups_due(trainer, due_day)) == 2
    assert reminders.send_due(due_day) == 2
    assert reminders.send_due(due_day) == 0  # once
    assert reminders.send_due(due_day + dt.timedelta(days=1)) == 0
    assert Notification.objects.filter(user=trainer.user).count() == 1  # one per session and point
    # The participant who gave an e-mail address gets a one-use link to the follow-up; the other does not.
    assert FollowUp.objects.get(participant=wants, months=3).token_hash
    assert not FollowUp.objects.get(participant=quiet, months=3).token_hash
    other_trainer = make_member(org, Role.TRAINER)
    assert access.follow_ups_due(other_trainer, due_day) == []  # not their session
    assert reminders.send_due(add_months(ends, 6)) == 2
    assert Notification.objects.filter(user=trainer.user).count() == 2


@pytest.mark.django_db
def test_a_follow_up_is_answered_once_through_the_link_and_its_notes_sealed(
    trainer: Actor, org: Organisation
) -> None:
    world = make_world(trainer, ends_days_ago=100)  # the 3-month follow-up is open today
    participant, token = _add(trainer, world)
    row = access.participant_follow_up(access.by_token(token), 3)
    services.answer_follow_up(row, services.FollowUpInput(2, 1, "The indicator card helped a lot", ""))
    with pytest.raises(TrainingError):
        services.answer_follow_up(row, services.FollowUpInput(5, 5))
    with pytest.raises(Http404):
        access.participant_follow_up(participant, 3)
    row.refresh_from_db()
    assert (row.identified, row.referred) == (2, 1)
    assert sealing.open_notes(row).helped == "The indicator card helped a lot"
    assert b"indicator card" not in _everything_stored()
    outcome = access.results(trainer, world.session).outcomes[0]
    assert (outcome.months, outcome.answered, outcome.identified_any, outcome.referred_any) == (3, 1, 1, 1)
    entry = AuditEntry.objects.filter(object_type="training.followup").get()
    assert entry.actor_id is None
    assert entry.ip is None
    assert entry.actor_label == services.PARTICIPANT_LINK


@pytest.mark.django_db
def test_a_reminder_link_opens_its_follow_up_once(trainer: Actor) -> None:
    world = make_world(trainer, ends_days_ago=100)
    participant, _ = _add(trainer, world, email=EMAIL)
    row = FollowUp.objects.get(participant=participant, months=3)
    token = services.new_token()
    FollowUp.objects.filter(pk=row.pk).update(token_hash=token_hash(token))
    found = access.follow_up_by_token(token)
    services.answer_follow_up(found, services.FollowUpInput(0, 0))
    with pytest.raises(Http404):
        access.follow_up_by_token(token)


@pytest.mark.django_db
def test_bad_follow_up_counts_are_refused(trainer: Actor, world: TrainingWorld) -> None:
    _add(trainer, world)
    row = FollowUp.objects.first()
    assert row is not None
    for identified in (None, -1, 10_001):
        with pytest.raises(TrainingError):
            services.answer_follow_up(row, services.FollowUpInput(identified, 0), actor=trainer)
    assert FollowUp.objects.filter(answered_at__isnull=False).count() == 0


# ---- personal links and personal data


@pytest.mark.django_db
def test_tokens_are_stored_only_as_hashes_and_a_new_link_replaces_the_old(
    trainer: Actor, world: TrainingWorld
) -> None:
    participant, token = _add(trainer, world)
    participant.refresh_from_db()
    assert participant.token_hash == token_hash(token)
    assert token.encode() not in _everything_stored()
    assert access.by_token(token).pk == participant.pk
    renewed = services.new_link(trainer, participant)
    with pytest.raises(Http404):
        access.by_token(token)
    assert access.by_token(renewed).pk == participant.pk
    for bad in ("", "nope", token[:-1]):
        with pytest.raises(Http404):
            access.by_token(bad)


@pytest.mark.django_db
def test_links_expire_and_are_spent_when_nothing_is_left(trainer: Actor, world: TrainingWorld) -> None:
    participant, token = _add(trainer, world)
    services.submit_test(participant, Kind.POST, right(world))
    for row in FollowUp.objects.filter(participant=participant):
        services.answer_follow_up(row, services.FollowUpInput(0, 0), actor=trainer)
    with pytest.raises(Http404):
        access.by_token(token)
    _other, _other_token = _add(trainer, world)
    assert access.link_is_live(world.session)
    assert not access.link_is_live(
        world.session, world.session.ends_on + dt.timedelta(days=access.LINK_DAYS_AFTER_END + 1)
    )
    old = make_world(trainer, ends_days_ago=access.LINK_DAYS_AFTER_END + 1)
    _expired, expired_token = _add(trainer, old)
    with pytest.raises(Http404):
        access.by_token(expired_token)


def _everything_stored() -> bytes:
    with connection.cursor() as cursor:
        blobs = []
        for model in (Participant, FollowUp):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            for row in cursor.fetchall():
                blobs += [bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row]
        cursor.execute("SELECT details, purpose FROM audit_auditentry")
        blobs += [str(row).encode() for row in cursor.fetchall()]
    return b"\n".join(blobs)


@pytest.mark.django_db
def test_name_and_email_are_sealed_at_rest_and_shown_only_to_trainers(
    trainer: Actor, world: TrainingWorld, org: Organisation, make_member: MakeMember
) -> None:
    participant, _ = _add(trainer, world, name=NAME, email=EMAIL)
    stored = _everything_stored()
    assert NAME.encode() not in stored
    assert EMAIL.encode() not in stored
    assert b"Kowalczyk" not in stored
    assert sealing.open_identity(participant) == sealing.Identity(NAME, EMAIL)
    assert access.names(trainer, world.session, [participant])[participant.pk].name == NAME
    analyst = make_member(org, Role.ANALYST)
    assert access.names(analyst, world.session, [participant]) == {}
    services.forget_identity(trainer, participant)
    participant.refresh_from_db()
    assert participant.identity is None


# ---- refusals change nothing; permissions; audit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "field"),
    [
        (ParticipantInput("", "police"), "employer"),
        (ParticipantInput("City police", "astronaut"), "sector"),
        (ParticipantInput("City police", "police", email="not-an-address"), "email"),
        (ParticipantInput("City\npolice", "police"), "employer"),
    ],
)
def test_bad_participants_are_refused_with_the_field_named(
    trainer: Actor, world: TrainingWorld, given: ParticipantInput, field: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(TrainingError) as refused:
        services.add_participant(trainer, world.session, given)
    assert refused.value.field == field
    assert not Participant.objects.exists()
    assert not FollowUp.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_bad_questions_and_sessions_are_refused(trainer: Actor, world: TrainingWorld) -> None:
    module = world.questions[0].module
    for options, correct, field in (
        (["only one"], 0, "options"),
        (["same", "Same"], 0, "options"),
        (["a", "b"], 2, "correct"),
    ):
        with pytest.raises(TrainingError) as refused:
            services.add_question(
                trainer, world.course, services.QuestionInput(module.pk, "Q?", options, correct)
            )
        assert refused.value.field == field
    assert Question.objects.count() == len(world.questions)
    day = timezone.localdate()
    for given, field in (
        (services.SessionInput(day, day - dt.timedelta(days=1), "X", None, "en", "online"), "ends_on"),
        (services.SessionInput(day, day, "X", None, "fr", "online"), "language"),  # the course is in English
        (services.SessionInput(day, day, "", None, "en", "online"), "place"),
    ):
        with pytest.raises(TrainingError) as refused:
            services.create_session(trainer, world.course, given)
        assert refused.value.field == field
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_a_full_session_refuses_more_participants(trainer: Actor, world: TrainingWorld) -> None:
    Session.objects.filter(pk=world.session.pk).update(capacity=1)
    world.session.refresh_from_db()
    _add(trainer, world)
    with pytest.raises(TrainingError):
        _add(trainer, world)
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_other_roles_and_organisations_cannot_change_or_read(
    trainer: Actor, world: TrainingWorld, other_org: Organisation, org: Organisation, make_member: MakeMember
) -> None:
    outsider = make_member(other_org, Role.TRAINER)
    caseworker = make_member(org, Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.add_participant(outsider, world.session, ParticipantInput("X", "police"))
    with pytest.raises(PermissionDenied):
        services.create_course(caseworker, services.CourseInput("C", "health", ["en"]))
    with pytest.raises(Http404):
        access.session(outsider, world.session.reference)
    with pytest.raises(Http404):
        access.course(caseworker, world.course.reference)
    assert Course.objects.count() == 1


@pytest.mark.django_db
def test_every_change_is_audited(trainer: Actor, world: TrainingWorld) -> None:
    participant, _ = _add(trainer, world)
    attend(trainer, world, participant)
    services.submit_test(participant, Kind.POST, right(world), actor=trainer)
    services.issue_certificate(trainer, participant)
    types = set(AuditEntry.objects.values_list("object_type", "action"))
    for expected in (
        ("training.course", "create"),
        ("training.module", "create"),
        ("training.question", "create"),
        ("training.session", "create"),
        ("training.participant", "create"),
        ("training.session", "update"),
        ("training.attempt", "create"),
        ("training.participant", "export"),
    ):
        assert expected in types


@pytest.mark.django_db
def test_a_session_created_before_its_bank_freezes_later_once(trainer: Actor) -> None:
    course = services.create_course(trainer, services.CourseInput("Empty bank", "health", ["en"]))
    day = timezone.localdate()
    session = services.create_session(
        trainer, course, services.SessionInput(day, day, "Clinic", None, "en", "in_person")
    )
    with pytest.raises(TrainingError):
        services.freeze_questions(trainer, session)
    module = services.add_module(trainer, course, "Signs")
    services.add_question(trainer, course, services.QuestionInput(module.pk, "Q?", ["a", "b"], 0))
    assert services.freeze_questions(trainer, session) == 1
    with pytest.raises(TrainingError):
        services.freeze_questions(trainer, session)


@pytest.mark.django_db
def test_the_demo_shows_a_weak_module_and_loads_once(org: Organisation, make_member: MakeMember) -> None:
    from threefold.accounts import demo as accounts_demo
    from threefold.accounts.models import User
    from threefold.training import demo

    trainer = make_member(org, Role.TRAINER, email=demo.TRAINER)
    users = {demo.TRAINER: User.objects.get(pk=trainer.user.pk)}
    assert accounts_demo.DEMO_DOMAIN in demo.TRAINER
    first = demo.load({"shelter": org}, users)
    assert "15 participants" in first
    assert demo.load({"shelter": org}, users) == "Training: already loaded."
    assert Session.objects.count() == 2
    assert Participant.objects.count() == 15
    past = Session.objects.filter(ends_on__lt=timezone.localdate()).get()
    found = access.results(trainer, past)
    assert found.scores.weak_modules == ("Referring and protecting victims",)
    assert (found.scores.paired, found.scores.pre_only, found.scores.post_only) == (13, 1, 1)
    assert len(access.follow_ups_due(trainer, timezone.localdate())) > 0
