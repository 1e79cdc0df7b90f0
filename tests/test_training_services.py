"""Training services end to end: scoring, certificates, follow-ups and their reminders, personal links, sealing,
refusals that change nothing, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import MakeMember
from tests.training_world import COURSE as COURSE_TITLE
from tests.training_world import TrainingWorld, attend, make_world, right
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.accounts.services import token_hash
from threefold.audit.models import AuditEntry
from threefold.notifications.models import Notification
from threefold.training import access, reminders, sealing, services
from threefold.training.core import joining
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


# ---- editing courses, modules and sessions


def _last_entry(object_type: str, action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(object_type=object_type, action=action).order_by("-seq").first()
    assert entry is not None, f"no {action} entry for {object_type}"
    return entry


@pytest.mark.django_db
def test_editing_a_course_changes_its_values_and_audits_the_field_names(
    trainer: Actor, world: TrainingWorld
) -> None:
    given = services.CourseInput(
        "Indicators for labour inspectors", "labour_inspectors", ["en", "fr"], "Two days"
    )
    changed = services.edit_course(trainer, world.course, given)
    assert sorted(changed) == ["audience", "description", "languages", "title"]
    stored = Course.objects.get(pk=world.course.pk)
    assert (stored.title, stored.audience, stored.languages, stored.description) == (
        "Indicators for labour inspectors",
        "labour_inspectors",
        ["en", "fr"],
        "Two days",
    )
    entry = _last_entry("training.course", "update")
    assert sorted(entry.details["fields"]) == sorted(changed)
    assert "labour inspectors" not in str(entry.details)  # names of fields, never what was typed
    entries = AuditEntry.objects.count()
    assert services.edit_course(trainer, stored, given) == []  # the same values: nothing written
    reordered = services.CourseInput(given.title, given.audience, ["fr", "en"], given.description)
    assert services.edit_course(trainer, stored, reordered) == []
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "field"),
    [
        (services.CourseInput("", "health", ["en"]), "title"),
        (services.CourseInput("Two\nlines", "health", ["en"]), "title"),
        (services.CourseInput("Title", "astronauts", ["en"]), "audience"),
        (services.CourseInput("Title", "health", []), "languages"),
        (services.CourseInput("Title", "health", ["xx"]), "languages"),
        (services.CourseInput("Title", "health", ["en"], "bad \x00 text"), "description"),
    ],
)
def test_bad_course_edits_are_refused_and_change_nothing(
    trainer: Actor, world: TrainingWorld, given: services.CourseInput, field: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(TrainingError) as refused:
        services.edit_course(trainer, world.course, given)
    assert refused.value.field == field
    stored = Course.objects.get(pk=world.course.pk)
    assert (stored.title, stored.audience, stored.languages) == (
        world.course.title,
        "law_enforcement",
        ["en"],
    )
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_editing_a_module_changes_title_and_objective_never_to_another_modules_title(
    trainer: Actor, world: TrainingWorld
) -> None:
    first, second = access.modules(world.course)
    assert services.edit_module(trainer, first, "The definition", "Name the three elements.") == []
    assert services.edit_module(trainer, first, "Elements", "Tell them apart.") == ["title", "objective"]
    first.refresh_from_db()
    assert (first.title, first.objective) == ("Elements", "Tell them apart.")
    entry = _last_entry("training.module", "update")
    assert entry.details == {"course": world.course.reference, "fields": ["title", "objective"]}
    entries = AuditEntry.objects.count()
    for title, objective, field in (
        ("", "", "title"),
        (" ELEMENTS", "", "title"),  # results are grouped by module title: two modules, two titles
        ("Fine", "x" * (services.MAX_TEXT_CHARS + 1), "objective"),
    ):
        with pytest.raises(TrainingError) as refused:
            services.edit_module(trainer, second, title, objective)
        assert refused.value.field == field
    second.refresh_from_db()
    assert (second.title, second.objective) == ("Referral", "Refer a presumed victim.")
    with pytest.raises(TrainingError):
        services.add_module(trainer, world.course, "elements")
    assert AuditEntry.objects.count() == entries
    # The session's results follow the module's new title; its questions stay with it.
    assert [m.key for m in access.results(trainer, world.session).scores.modules] == ["Elements", "Referral"]


def _session_input(session: Session, **change: object) -> services.SessionInput:
    values: dict[str, object] = {
        "starts_on": session.starts_on,
        "ends_on": session.ends_on,
        "place": session.place,
        "trainer": session.trainer,
        "language": session.language,
        "format": session.format,
        "capacity": session.capacity,
        "area_code": session.area_code,
    }
    values.update(change)
    return services.SessionInput(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_editing_a_session_changes_every_field_and_audits_their_names(
    trainer: Actor, org: Organisation, make_member: MakeMember
) -> None:
    world = make_world(trainer, ends_days_ago=-30)  # a month from now
    services.edit_course(
        trainer, world.course, services.CourseInput(COURSE_TITLE, "law_enforcement", ["en", "fr"])
    )
    colleague = make_member(org, Role.ORG_ADMIN)
    session = world.session
    frozen = access.frozen_questions(session)
    starts = session.starts_on + dt.timedelta(days=7)
    given = _session_input(
        session,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=1),
        place="Town hall, room 2",
        trainer=colleague.user,
        language="fr",
        format="blended",
        capacity=12,
    )
    changed = services.edit_session(trainer, session, given)
    assert changed == ["starts_on", "ends_on", "place", "trainer", "language", "format", "capacity"]
    stored = Session.objects.get(pk=session.pk)
    assert (stored.starts_on, stored.ends_on, stored.place, stored.trainer_id) == (
        starts,
        starts + dt.timedelta(days=1),
        "Town hall, room 2",
        colleague.user.pk,
    )
    assert (stored.language, stored.format, stored.capacity) == ("fr", "blended", 12)
    assert access.frozen_questions(stored) == frozen  # the test never changes
    assert stored.questions_frozen_at == session.questions_frozen_at
    entry = _last_entry("training.session", "update")
    assert entry.details["fields"] == changed
    assert "Town hall" not in str(entry.details)
    entries = AuditEntry.objects.count()
    assert services.edit_session(trainer, stored, given) == []
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_bad_session_edits_are_refused_and_change_nothing(
    trainer: Actor, world: TrainingWorld, other_org: Organisation, make_member: MakeMember
) -> None:
    session = world.session
    _add(trainer, world)
    _add(trainer, world)
    outsider = make_member(other_org, Role.TRAINER)
    day = session.starts_on
    for change, field in (
        ({"ends_on": day - dt.timedelta(days=1)}, "ends_on"),
        ({"ends_on": day + dt.timedelta(days=services.MAX_SESSION_DAYS)}, "ends_on"),
        ({"place": ""}, "place"),
        ({"place": "Two\nlines"}, "place"),
        ({"language": "fr"}, "language"),  # the course is given in English only
        ({"format": "by_pigeon"}, "format"),
        ({"trainer": outsider.user}, "trainer"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 1}, "capacity"),  # two participants are registered already
        ({"area_code": "NOWHERE"}, "area_code"),
    ):
        entries = AuditEntry.objects.count()
        with pytest.raises(TrainingError) as refused:
            services.edit_session(trainer, session, _session_input(session, **change))
        assert refused.value.field == field, change
        assert AuditEntry.objects.count() == entries
    stored = Session.objects.get(pk=session.pk)
    assert (stored.ends_on, stored.place, stored.language, stored.capacity) == (
        day,
        "Academy, room 1",
        "en",
        30,
    )
    assert services.edit_session(trainer, session, _session_input(session, capacity=2)) == ["capacity"]


@pytest.mark.django_db
def test_dates_and_language_are_fixed_once_anything_is_recorded_the_rest_is_not(
    trainer: Actor, world: TrainingWorld
) -> None:
    session = world.session
    services.edit_course(
        trainer, world.course, services.CourseInput(COURSE_TITLE, "law_enforcement", ["en", "fr"])
    )
    participant, _ = _add(trainer, world)
    # Registered but nothing recorded: the dates may move, and the follow-ups move with the last day.
    later = session.ends_on + dt.timedelta(days=10)
    assert services.edit_session(
        trainer, session, _session_input(session, starts_on=later, ends_on=later)
    ) == [
        "starts_on",
        "ends_on",
    ]
    assert _last_entry("training.session", "update").details == {
        "fields": ["starts_on", "ends_on"],
        "follow_ups_moved": 2,
        "reference": session.reference,
    }
    assert sorted(FollowUp.objects.filter(participant=participant).values_list("months", "due_on")) == [
        (3, add_months(later, 3)),
        (6, add_months(later, 6)),
    ]
    services.submit_test(participant, Kind.PRE, right(world))
    assert access.has_records(session)
    entries = AuditEntry.objects.count()
    for change, field in (
        ({"starts_on": later - dt.timedelta(days=1)}, "starts_on"),
        ({"ends_on": later + dt.timedelta(days=1)}, "ends_on"),
        ({"language": "fr"}, "language"),
    ):
        with pytest.raises(TrainingError) as refused:
            services.edit_session(trainer, session, _session_input(session, **change))
        assert refused.value.field == field
    assert AuditEntry.objects.count() == entries
    stored = Session.objects.get(pk=session.pk)
    assert (stored.starts_on, stored.ends_on, stored.language) == (later, later, "en")
    assert services.edit_session(
        trainer, session, _session_input(session, place="Annex", format="online")
    ) == [
        "place",
        "format",
    ]
    assert access.frozen_questions(session) == world.questions


@pytest.mark.django_db
def test_attendance_alone_fixes_the_dates(trainer: Actor, world: TrainingWorld) -> None:
    participant, _ = _add(trainer, world)
    attend(trainer, world, participant, present=False)
    with pytest.raises(TrainingError):
        services.edit_session(
            trainer,
            world.session,
            _session_input(world.session, ends_on=world.session.ends_on + dt.timedelta(1)),
        )
    assert Session.objects.get(pk=world.session.pk).ends_on == world.session.ends_on


# ---- deleting


@pytest.mark.django_db
def test_a_session_is_deleted_only_while_it_has_no_participants(trainer: Actor, world: TrainingWorld) -> None:
    participant, _ = _add(trainer, world)
    entries = AuditEntry.objects.count()
    with pytest.raises(TrainingError) as refused:
        services.delete_session(trainer, world.session)
    assert "1 participant" in refused.value.message
    assert Session.objects.filter(pk=world.session.pk).exists()
    assert access.frozen_questions(world.session) == world.questions
    assert AuditEntry.objects.count() == entries
    day = timezone.localdate()
    empty = services.create_session(
        trainer, world.course, services.SessionInput(day, day, "Annex", None, "en", "online")
    )
    services.delete_session(trainer, empty)
    assert not Session.objects.filter(pk=empty.pk).exists()
    assert Question.objects.count() == len(world.questions)  # the bank stays
    entry = _last_entry("training.session", "delete")
    assert entry.object_id == str(empty.pk)
    assert entry.details == {"course": world.course.reference, "questions": 4, "reference": empty.reference}
    assert Participant.objects.get(pk=participant.pk).session_id == world.session.pk


@pytest.mark.django_db
def test_a_course_is_deleted_only_while_it_has_no_sessions(trainer: Actor, world: TrainingWorld) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(TrainingError) as refused:
        services.delete_course(trainer, world.course)
    assert "1 session" in refused.value.message
    assert Course.objects.filter(pk=world.course.pk).exists()
    assert Question.objects.filter(course=world.course).count() == 4
    assert AuditEntry.objects.count() == entries
    services.delete_session(trainer, world.session)
    services.delete_course(trainer, world.course)
    assert not Course.objects.exists()
    assert not Question.objects.exists()
    entry = _last_entry("training.course", "delete")
    assert entry.details == {"modules": 2, "questions": 4, "reference": world.course.reference}


@pytest.mark.django_db
def test_only_the_courses_managers_edit_delete_or_import(
    trainer: Actor, world: TrainingWorld, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    module = access.modules(world.course)[0]
    entries = AuditEntry.objects.count()
    for actor in (make_member(other_org, Role.TRAINER), make_member(org, Role.SUPERVISOR)):
        for call in (
            lambda a: services.edit_course(a, world.course, services.CourseInput("X", "health", ["en"])),
            lambda a: services.edit_module(a, module, "X"),
            lambda a: services.edit_session(a, world.session, _session_input(world.session, place="X")),
            lambda a: services.delete_session(a, world.session),
            lambda a: services.delete_course(a, world.course),
            lambda a: services.import_questions(a, world.course, _csv("The definition,New?,1,A,B")),
        ):
            with pytest.raises(PermissionDenied):
                call(actor)
    admin = make_member(org, Role.ORG_ADMIN)
    assert services.edit_module(admin, module, "Elements", module.objective) == ["title"]
    assert AuditEntry.objects.count() == entries + 1


# ---- importing a question bank


def _csv(*lines: str, header: str = "module,question,correct,option_1,option_2,option_3") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.mark.django_db
def test_a_good_file_adds_every_question_with_one_audit_entry(trainer: Actor, world: TrainingWorld) -> None:
    data = _csv(
        "The definition,Is smuggling the same as trafficking?,2,Yes,No",
        'referral,"Who can refer, and to whom?",3,Nobody,Only the police,Anyone who meets them',
    )
    entries = AuditEntry.objects.count()
    assert services.import_questions(trainer, world.course, data) == 2
    added = Question.objects.filter(course=world.course).order_by("-pk")[:2]
    second, first = list(added)
    assert (first.module.title, first.text, first.options, first.correct) == (
        "The definition",
        "Is smuggling the same as trafficking?",
        ["Yes", "No"],
        1,
    )
    assert (second.module.title, second.options[2], second.correct, second.is_active) == (
        "Referral",
        "Anyone who meets them",
        2,
        True,
    )
    assert AuditEntry.objects.count() == entries + 1
    entry = _last_entry("training.question", "create")
    assert entry.object_id == "import"
    assert entry.details == {"course": world.course.reference, "questions": 2}
    # The same file again: every question is already in the bank, so nothing is added.
    with pytest.raises(services.ImportRefused) as refused:
        services.import_questions(trainer, world.course, data)
    assert refused.value.problems == (
        "Line 2: The course's question bank already has this question.",
        "Line 3: The course's question bank already has this question.",
    )
    # New questions are not in sessions already created (their test is frozen); a new session asks them.
    assert access.frozen_questions(world.session) == world.questions


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("Nowhere,Q?,1,A,B", "Line 3: The course has no module called “Nowhere”."),
        ("Referral,Q?,,A,B", "Line 3: There is no correct answer"),
        ("Referral,Q?,3,A,B", "Line 3: The correct answer is number 3, but only 2 answers are given."),
        ("Referral,Q?,1,A", "Line 3: Give at least 2 answers"),
        ("Referral,,1,A,B", "Line 3: The question is empty."),
        (
            "Referral,Which is an element of trafficking?,1,A,B",
            "Line 3: The course's question bank already has",
        ),
        ("Referral,Q?,1,A,A", "Line 3: option_2 is the same answer as option_1"),
        ("Referral,Fine?,1,A,B\nReferral,fine?,1,A,B", "Line 4: The same question is on line 3."),
    ],
)
def test_a_file_with_a_bad_line_adds_nothing_and_names_the_line(
    trainer: Actor, world: TrainingWorld, bad: str, problem: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(services.ImportRefused) as refused:
        services.import_questions(
            trainer, world.course, _csv("The definition,A good question?,1,Yes,No", bad)
        )
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems
    assert all(p.startswith(("Line 3:", "Line 4:")) for p in refused.value.problems)
    assert Question.objects.count() == len(world.questions)  # not even the good line
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("module,question,correct,option_1,option_2\nReferral,Café?,1,A,B\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b'{"questions": [{"text": "Q?"}]}', "Line 1: This should be the header line"),
        (
            b"module;question;correct;option_1;option_2\nReferral;Q?;1;A;B\n",
            "Line 1: This should be the header",
        ),
        (_csv('Referral,"Q?,1,A,B'), "Line 2: This line cannot be read as CSV"),
        (_csv("Referral,Q?,1,A,B") + b"#" * (1024 * 1024), "The file is larger than 1024 KB"),
        (
            _csv(*[f"Referral,Question {n}?,1,A,B" for n in range(2001)]),
            "Line 2002: The file has more than 2000",
        ),
        (b"", "The file is empty"),
        (_csv(), "The file has no questions"),
    ],
)
def test_a_file_that_is_not_a_question_bank_adds_nothing(
    trainer: Actor, world: TrainingWorld, data: bytes, problem: str
) -> None:
    with pytest.raises(services.ImportRefused) as refused:
        services.import_questions(trainer, world.course, data)
    assert problem in refused.value.problems[0], refused.value.problems
    assert Question.objects.count() == len(world.questions)


@pytest.mark.django_db
def test_every_problem_of_a_file_is_listed(trainer: Actor, world: TrainingWorld) -> None:
    with pytest.raises(services.ImportRefused) as refused:
        services.import_questions(
            trainer, world.course, _csv("Nowhere,Q1?,1,A,B", "Referral,Fine?,1,A,B", "Referral,,5,A")
        )
    assert [p.split(":")[0] for p in refused.value.problems] == ["Line 2", "Line 4", "Line 4", "Line 4"]


@pytest.mark.django_db
def test_a_course_without_modules_imports_nothing(trainer: Actor) -> None:
    course = services.create_course(trainer, services.CourseInput("Empty", "health", ["en"]))
    with pytest.raises(services.ImportRefused) as refused:
        services.import_questions(trainer, course, _csv("Signs,Q?,1,A,B"))
    assert refused.value.problems == ("Add a module first: every question belongs to one.",)
    assert not Question.objects.filter(course=course).exists()


# ---- self-registration through a session's join link


def _joinable(trainer: Actor, world: TrainingWorld, capacity: int | None = 30) -> Session:
    """The world's course, held today, with registration through a join link open."""
    today = timezone.localdate()
    return services.create_session(
        trainer,
        world.course,
        services.SessionInput(today, today, "Town hall", trainer.user, "en", "in_person", capacity),
    )


@pytest.mark.django_db
def test_registering_through_the_join_link_takes_the_path_of_a_trainer_adding_someone(
    trainer: Actor, world: TrainingWorld
) -> None:
    session = _joinable(trainer, world)
    code = services.open_registration(trainer, session)
    added, _token = services.add_participant(trainer, session, ParticipantInput("City police", "police"))
    joined, token = services.register_through_join_link(
        code, ParticipantInput("Port police", "border", name=NAME, email=EMAIL)
    )
    assert joined.number == added.number + 1
    assert (joined.employer, joined.sector, joined.added_by_id) == ("Port police", "border", None)
    assert sealing.open_identity(joined) == sealing.Identity(NAME, EMAIL)
    assert access.by_token(token).pk == joined.pk  # their personal link opens their page
    assert sorted(FollowUp.objects.filter(participant=joined).values_list("months", flat=True)) == [3, 6]
    assert FollowUp.objects.get(participant=joined, months=3).due_on == add_months(session.ends_on, 3)


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
def test_a_self_registration_is_checked_as_a_trainers_entry(
    trainer: Actor, world: TrainingWorld, given: ParticipantInput, field: str
) -> None:
    code = services.open_registration(trainer, _joinable(trainer, world))
    entries = AuditEntry.objects.count()
    with pytest.raises(TrainingError) as refused:
        services.register_through_join_link(code, given)
    assert refused.value.field == field
    assert not Participant.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_the_join_code_is_long_stored_only_hashed_and_read_however_typed(
    trainer: Actor, world: TrainingWorld
) -> None:
    session = _joinable(trainer, world)
    code = services.open_registration(trainer, session)
    plain = code.replace("-", "")
    assert len(plain) * 5 >= 128  # 32 letters: 5 bits each
    session.refresh_from_db()
    assert session.join_token_hash == token_hash(plain)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM training_session")
        stored = str(cursor.fetchall())
    assert plain not in stored
    assert code not in stored
    assert plain.encode() not in _everything_stored()
    for typed in (code, plain, code.lower(), " ".join(code.split("-"))):
        assert access.session_by_join_token(typed) == session


@pytest.mark.django_db
def test_replacing_the_join_link_stops_the_old_one_and_closing_stops_both(
    trainer: Actor, world: TrainingWorld
) -> None:
    session = _joinable(trainer, world)
    old = services.open_registration(trainer, session)
    new = services.open_registration(trainer, session)
    assert new != old
    assert access.session_by_join_token(old) is None
    with pytest.raises(TrainingError):
        services.register_through_join_link(old, ParticipantInput("City police", "police"))
    services.register_through_join_link(new, ParticipantInput("City police", "police"))
    assert services.close_registration(trainer, session) is True
    assert services.close_registration(trainer, session) is False  # already closed: nothing written
    assert access.session_by_join_token(new) is None
    with pytest.raises(TrainingError):
        services.register_through_join_link(new, ParticipantInput("City police", "police"))
    for unknown in ("", "nope", new[:-1], "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345"):
        assert access.session_by_join_token(unknown) is None
        with pytest.raises(TrainingError):
            services.register_through_join_link(unknown, ParticipantInput("City police", "police"))
    assert Participant.objects.count() == 1
    links = AuditEntry.objects.filter(object_type="training.session", action="update")
    assert [entry.details["join_link"] for entry in links.order_by("seq")] == ["opened", "replaced", "closed"]


@pytest.mark.django_db
def test_a_full_session_refuses_self_registration(trainer: Actor, world: TrainingWorld) -> None:
    session = _joinable(trainer, world, capacity=2)
    code = services.open_registration(trainer, session)
    services.add_participant(trainer, session, ParticipantInput("City police", "police"))
    services.register_through_join_link(code, ParticipantInput("City police", "police"))
    assert access.join_refusal(session) == joining.FULL
    with pytest.raises(TrainingError) as refused:
        services.register_through_join_link(code, ParticipantInput("City police", "police"))
    assert "full" in refused.value.message
    assert Participant.objects.filter(session=session).count() == 2


@pytest.mark.django_db
def test_an_ended_session_refuses_self_registration_and_cannot_open_it(
    trainer: Actor, world: TrainingWorld
) -> None:
    session = _joinable(trainer, world)
    code = services.open_registration(trainer, session)
    assert access.join_refusal(session) is None
    assert access.join_refusal(session, session.ends_on + dt.timedelta(days=1)) == joining.ENDED
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(starts_on=yesterday, ends_on=yesterday)
    assert (
        access.session_by_join_token(code) is None
    )  # an ended session's link opens nothing, as an unknown one
    with pytest.raises(TrainingError) as refused:
        services.register_through_join_link(code, ParticipantInput("City police", "police"))
    assert "closed" in refused.value.message
    with pytest.raises(TrainingError):
        services.open_registration(trainer, world.session)  # the world's session ended yesterday
    assert world.session.join_token_hash is None
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_join_link_stops_working_hours_after_it_was_opened(trainer: Actor, world: TrainingWorld) -> None:
    """A photo of the projected link shared beyond the room stops adding people once the day's registration is
    over; the trainer opens a new link for the next day."""
    session = _joinable(trainer, world)
    Session.objects.filter(pk=session.pk).update(ends_on=timezone.localdate() + dt.timedelta(days=5))
    code = services.open_registration(trainer, session)
    opened = Session.objects.get(pk=session.pk).join_opened_at
    assert opened is not None
    later = opened + dt.timedelta(hours=joining.OPEN_HOURS, minutes=1)
    with freeze_time(later - dt.timedelta(minutes=2)):
        assert access.session_by_join_token(code) is not None
    with freeze_time(later):
        assert access.session_by_join_token(code) is None
        with pytest.raises(TrainingError, match="closed"):
            services.register_through_join_link(code, ParticipantInput("City police", "police"))
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_self_registration_is_audited_with_its_session_and_count_never_an_ip_or_a_name(
    trainer: Actor, world: TrainingWorld, org: Organisation
) -> None:
    session = _joinable(trainer, world)
    code = services.open_registration(trainer, session)
    services.register_through_join_link(code, ParticipantInput("City police", "police", name=NAME))
    services.register_through_join_link(code, ParticipantInput("Port police", "border", email=EMAIL))
    entries = AuditEntry.objects.filter(object_type="training.participant", action="create").order_by("seq")
    assert [entry.details["participants"] for entry in entries] == [1, 2]
    for entry in entries:
        assert entry.actor_id is None
        assert entry.actor_label == services.JOIN_LINK
        assert entry.ip is None
        assert entry.organisation_id == org.pk
        assert entry.details["session"] == session.reference
        assert NAME not in str(entry.details)
        assert EMAIL not in str(entry.details)
    stored = _everything_stored()
    for secret in (NAME, EMAIL, code, code.replace("-", "")):
        assert secret.encode() not in stored
    # The trainer who opened it did so from their desk, signed in: that entry has their actor and address.
    opened = AuditEntry.objects.get(object_type="training.session", details__join_link="opened")
    assert (opened.actor_id, opened.ip) == (trainer.user.pk, trainer.ip)


@pytest.mark.django_db
def test_only_the_sessions_trainers_open_or_close_registration(
    trainer: Actor, world: TrainingWorld, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    session = _joinable(trainer, world)
    for outsider in (make_member(org, Role.ANALYST), make_member(other_org, Role.TRAINER)):
        with pytest.raises(PermissionDenied):
            services.open_registration(outsider, session)
        with pytest.raises(PermissionDenied):
            services.close_registration(outsider, session)
    session.refresh_from_db()
    assert session.join_token_hash is None


# ---- results across the sessions of a course


def _second_session(trainer: Actor, world: TrainingWorld) -> Session:
    ends = world.session.ends_on
    return services.create_session(
        trainer, world.course, services.SessionInput(ends, ends, "Academy", None, "en", "in_person")
    )


@pytest.mark.django_db
def test_course_results_pool_sessions_with_the_same_questions(trainer: Actor, world: TrainingWorld) -> None:
    second = _second_session(trainer, world)
    first_person, _ = _add(trainer, world)
    services.submit_test(first_person, Kind.PRE, right(world, 0, 1, 2, 3))  # 0 of 4
    services.submit_test(first_person, Kind.POST, right(world, 3))  # 3 of 4
    other, _ = services.add_participant(trainer, second, ParticipantInput("Customs", "border"))
    services.submit_test(other, Kind.PRE, right(world, 2, 3))  # 2 of 4
    services.submit_test(other, Kind.POST, right(world, 3))  # 3 of 4
    late, _ = services.add_participant(trainer, second, ParticipantInput("Customs", "border"))
    services.submit_test(late, Kind.POST, right(world))
    found = access.course_results(trainer, world.course)
    scores = found.scores
    assert [s.pk for s in found.sessions] == [world.session.pk, second.pk]
    assert found.pooled.same_questions
    (only,) = found.pooled.sets
    assert only.sittings == (world.session.reference, second.reference)
    assert (found.registered, scores.paired, scores.pre_only, scores.post_only) == (3, 2, 0, 1)
    assert scores.mean_change == pytest.approx(0.5)
    assert {p.key for p in scores.participants} == {
        f"{world.session.reference} 1",
        f"{second.reference} 1",
        f"{second.reference} 2",
    }
    # Pooling the two sessions is scoring them as one: the same rates as the session results of the pair.
    referral = next(m for m in scores.modules if m.key == "Referral")
    assert (referral.pre_rate, referral.post_rate, referral.paired) == (0.0, 0.5, 2)
    assert scores.weak_modules == ("Referral",)
    assert found.questions == world.questions
    assert found.pooled.asked_by == {q.pk: 2 for q in world.questions}
    assert found.untested == []


@pytest.mark.django_db
def test_course_results_count_each_question_over_the_sessions_that_asked_it(
    trainer: Actor, world: TrainingWorld
) -> None:
    retired = world.questions[3]
    services.set_question_active(trainer, retired, False)
    added = services.add_question(
        trainer, world.course, services.QuestionInput(retired.module_id, "New one?", ["Yes", "No"], 0)
    )
    second = _second_session(trainer, world)
    first_person, _ = _add(trainer, world)
    services.submit_test(first_person, Kind.PRE, right(world, 3))  # the retired one wrong
    services.submit_test(first_person, Kind.POST, right(world))
    other, _ = services.add_participant(trainer, second, ParticipantInput("Customs", "border"))
    asked = {q.pk: q.correct for q in access.frozen_questions(second)}
    assert set(asked) == {*(q.pk for q in world.questions[:3]), added.pk}
    services.submit_test(other, Kind.PRE, {**asked, added.pk: 1})  # the new one wrong
    services.submit_test(other, Kind.POST, asked)
    found = access.course_results(trainer, world.course)
    assert not found.pooled.same_questions
    assert [s.sittings for s in found.pooled.sets] == [(world.session.reference,), (second.reference,)]
    by_key = {item.key: item for item in found.scores.questions}
    assert (by_key[str(retired.pk)].paired, by_key[str(retired.pk)].pre_rate) == (1, 0.0)
    assert (by_key[str(added.pk)].paired, by_key[str(added.pk)].pre_rate) == (1, 0.0)
    assert (by_key[str(world.questions[0].pk)].paired, by_key[str(world.questions[0].pk)].pre_rate) == (
        2,
        1.0,
    )
    assert found.pooled.asked_by[retired.pk] == 1
    assert found.pooled.asked_by[world.questions[0].pk] == 2
    referral = next(m for m in found.scores.modules if m.key == "Referral")
    assert referral.pre_rate == pytest.approx(0.5)  # 2 of 4 answers: each person's own two Referral questions
    assert [q.pk for q in found.questions] == [*(q.pk for q in world.questions), added.pk]


@pytest.mark.django_db
def test_course_results_are_for_readers_of_results_of_the_organisation_only(
    trainer: Actor, world: TrainingWorld, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    for reader in (Role.SUPERVISOR, Role.ANALYST, Role.ORG_ADMIN):
        assert access.course_results(make_member(org, reader), world.course).sessions == [world.session]
    for outsider in (make_member(org, Role.CASEWORKER), make_member(other_org, Role.TRAINER)):
        with pytest.raises(Http404):
            access.course_results(outsider, world.course)
    unfrozen = services.create_session(
        trainer,
        services.create_course(trainer, services.CourseInput("Empty bank", "health", ["en"])),
        services.SessionInput(world.session.ends_on, world.session.ends_on, "Clinic", None, "en", "online"),
    )
    found = access.course_results(trainer, unfrozen.course)
    assert (found.pooled.sets, found.untested, found.questions) == ((), [unfrozen], [])


@pytest.mark.django_db
def test_a_participant_is_removed_only_while_nothing_is_recorded_for_them(
    trainer: Actor, world: TrainingWorld, make_member: MakeMember, org: Organisation
) -> None:
    session = _joinable(trainer, world)
    mistaken, _token = services.add_participant(trainer, session, ParticipantInput("Wrong unit", "police"))
    kept, _token = services.add_participant(trainer, session, ParticipantInput("City police", "police"))
    with pytest.raises(PermissionDenied):
        services.remove_participant(make_member(org, Role.SUPERVISOR), mistaken)
    services.remove_participant(trainer, mistaken)
    assert not Participant.objects.filter(pk=mistaken.pk).exists()
    assert not FollowUp.objects.filter(participant_id=mistaken.pk).exists()
    entry = AuditEntry.objects.filter(object_type="training.participant", action="delete").get()
    assert entry.details == {"session": session.reference, "participant": mistaken.number}

    Participant.objects.filter(pk=kept.pk).update(certificate_code="TC-KEEPS")
    kept.refresh_from_db()
    with pytest.raises(TrainingError, match="already recorded"):
        services.remove_participant(trainer, kept)
    assert Participant.objects.filter(pk=kept.pk).exists()
