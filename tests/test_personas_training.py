"""Four-persona rows for the training pages (threefold/training).

Trainers and org admins manage courses, sessions and participants (``training.manage``, ``training.change``);
supervisors and analysts read courses, sessions and results, never names (``training.view_results``); every other
member gets a 403. Another organisation's course, session or participant answers 404; the pages that hold no
record of ours (home, follow-ups, new course) serve the other organisation's trainer their own, never ours.

The participant's pages (personal link, reminder link, certificate check) need no account: the token or code in
the address is the credential. Their rows are listed here so every view has one, but they are checked by
``test_public_pages`` below: a valid link opens for anybody, an invalid, used or expired one is a 404.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.training_world import COURSE, attend, make_world, right
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.training import services
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

NAME = "Svetlana Okonkwo-Lind"
EMPLOYER = "Harbour police 9d2f"
NOT_TRAINERS = ("caseworker", "screener", "legal_officer", "loner")
NOT_READERS = ("caseworker", "screener", "legal_officer", "loner")


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_trainer=make_member(other_org, Role.TRAINER)
    )
    trainer = world.actors["trainer"]
    training = make_world(trainer, ends_days_ago=100)  # the 3-month follow-ups are due
    done, token = services.add_participant(
        trainer, training.session, services.ParticipantInput(EMPLOYER, "police", name=NAME)
    )
    attend(trainer, training, done)
    services.submit_test(done, Kind.PRE, right(training, 0, 1))
    services.submit_test(done, Kind.POST, right(training))
    fresh, fresh_token = services.add_participant(
        trainer, training.session, services.ParticipantInput("Port authority", "border")
    )
    # A session created while its course's bank was empty; questions were added since, so it can be frozen.
    empty = services.create_course(trainer, services.CourseInput("Empty bank", "health", ["en"]))
    unfrozen = services.create_session(
        trainer, empty, services.SessionInput(*[training.session.ends_on] * 2, "Clinic", None, "en", "online")
    )
    module = services.add_module(trainer, empty, "Signs")
    services.add_question(trainer, empty, services.QuestionInput(module.pk, "Seen?", ["Yes", "No"], 0))
    world.extras.update(
        unfrozen=unfrozen,
        course=training.course,
        session=training.session,
        done=done,
        fresh=fresh,
        token=token,
        fresh_token=fresh_token,
        question=training.questions[0],
        follow_up=FollowUp.objects.get(participant=fresh, months=3),
        training=training,
    )
    return world


def _session(w: World) -> str:
    return w.extras["session"].reference


def _course(w: World) -> str:
    return w.extras["course"].reference


def _p(key: str, view: str, *more: str) -> Any:
    return lambda w: reverse(f"training:{view}", args=[_session(w), w.extras[key].uid, *more])


def _count(model: Any, **lookup: Any) -> Any:
    return lambda w: model.objects.filter(**lookup).count()


def _token_hash(w: World) -> object:
    return Participant.objects.get(pk=w.extras["fresh"].pk).token_hash


def _identity(w: World) -> object:
    return Participant.objects.get(pk=w.extras["done"].pk).identity is None


def _active(w: World) -> object:
    return Question.objects.get(pk=w.extras["question"].pk).is_active


def _certificate(w: World) -> object:
    return Participant.objects.get(pk=w.extras["done"].pk).certificate_code


def _follow_up_answered(w: World) -> object:
    return FollowUp.objects.get(pk=w.extras["follow_up"].pk).answered_at


def _test_form(w: World) -> dict[str, Any]:
    return {f"q{q.pk}": q.correct for q in w.extras["training"].questions}


def _attendance_form(w: World) -> dict[str, Any]:
    session = w.extras["session"]
    day = session.starts_on.isoformat()
    return {f"p{w.extras['fresh'].pk}-{day}": "on", f"p{w.extras['done'].pk}-{day}": "on"}


def _course_form(w: World) -> dict[str, Any]:
    return {"title": "Hotel staff course", "audience": "hospitality", "languages": ["en"], "description": ""}


def _question_form(w: World) -> dict[str, Any]:
    module = Module.objects.filter(course=w.extras["course"]).first()
    assert module is not None
    return {"module": module.pk, "text": "A new question?", "option_0": "Yes", "option_1": "No", "correct": 0}


def _session_form(w: World) -> dict[str, Any]:
    return {
        "starts_on": "2030-05-01",
        "ends_on": "2030-05-02",
        "place": "Town hall",
        "trainer": w.user("trainer").pk,
        "language": "en",
        "format": "blended",
        "capacity": "",
    }


def _other_session(w: World) -> str:
    """A session of the other organisation: its trainer's own, which our members never reach."""
    return reverse("training:session", args=[_session(w)])


ROWS: tuple[Row, ...] = (
    Row(
        "training:home",
        "GET",
        lambda w: reverse("training:home"),
        other_org="other_trainer",
        denied=NOT_READERS,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: COURSE,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "training:follow_ups",
        "GET",
        lambda w: reverse("training:follow_ups"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Port authority",
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "training:add_course",
        "GET",
        lambda w: reverse("training:add_course"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="title"',
        secret=lambda w: COURSE,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "training:add_course",
        "POST",
        lambda w: reverse("training:add_course"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="trainer",
        ok_status=302,
        data=_course_form,
        state=lambda w: Course.objects.filter(organisation=w.org).count(),
        other_org_status=(302,),  # a course of their own organisation; ours unchanged
        denied_status=(403,),
    ),
    Row(
        "training:course",
        "GET",
        lambda w: reverse("training:course", args=[_course(w)]),
        other_org="other_trainer",
        denied=NOT_READERS,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "Where do you refer a presumed victim?",
    ),
    Row(
        "training:add_module",
        "GET",
        lambda w: reverse("training:add_module", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: COURSE,
    ),
    Row(
        "training:add_module",
        "POST",
        lambda w: reverse("training:add_module", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=302,
        data=lambda w: {"title": "Court", "objective": ""},
        state=_count(Module),
    ),
    Row(
        "training:add_question",
        "GET",
        lambda w: reverse("training:add_question", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: "The definition",
    ),
    Row(
        "training:add_question",
        "POST",
        lambda w: reverse("training:add_question", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="trainer",
        ok_status=302,
        data=_question_form,
        state=_count(Question),
    ),
    Row(
        "training:retire_question",
        "POST",
        lambda w: reverse("training:retire_question", args=[_course(w), w.extras["question"].pk]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=302,
        state=_active,
    ),
    Row(
        "training:add_session",
        "GET",
        lambda w: reverse("training:add_session", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: COURSE,
    ),
    Row(
        "training:add_session",
        "POST",
        lambda w: reverse("training:add_session", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="admin",
        ok_status=302,
        data=_session_form,
        state=_count(Session),
    ),
    Row(
        "training:session",
        "GET",
        lambda w: reverse("training:session", args=[_session(w)]),
        other_org="other_trainer",
        denied=NOT_READERS,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: NAME,  # names: trainers and org admins only
    ),
    Row(
        "training:session",
        "GET",
        lambda w: reverse("training:session", args=[_session(w)]),
        other_org="other_admin",
        denied=NOT_READERS,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: EMPLOYER,
        never_shown=lambda w: NAME,
    ),
    Row(
        "training:freeze_questions",
        "POST",
        lambda w: reverse("training:freeze_questions", args=[w.extras["unfrozen"].reference]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=302,
        state=_count(SessionQuestion),
    ),
    Row(
        "training:attendance",
        "GET",
        lambda w: reverse("training:attendance", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: EMPLOYER,
    ),
    Row(
        "training:attendance",
        "POST",
        lambda w: reverse("training:attendance", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=302,
        data=_attendance_form,
        state=lambda w: Attendance.objects.filter(present=True).count(),
    ),
    Row(
        "training:results",
        "GET",
        lambda w: reverse("training:results", args=[_session(w)]),
        other_org="other_trainer",
        denied=NOT_READERS,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "Where do you refer a presumed victim?",
        never_shown=lambda w: NAME,
    ),
    Row(
        "training:add_participant",
        "GET",
        lambda w: reverse("training:add_participant", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: COURSE,
    ),
    Row(
        "training:add_participant",
        "POST",
        lambda w: reverse("training:add_participant", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,  # the page that shows the new personal link, once
        data=lambda w: {"employer": "Customs", "sector": "border", "name": "", "email": ""},
        state=_count(Participant),
        shows=lambda w: "/training/p/",
    ),
    Row(
        "training:enter_follow_up",
        "GET",
        lambda w: reverse("training:enter_follow_up", args=[_session(w), w.extras["follow_up"].uid]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Since the training",
    ),
    Row(
        "training:enter_follow_up",
        "POST",
        lambda w: reverse("training:enter_follow_up", args=[_session(w), w.extras["follow_up"].uid]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"identified": 1, "referred": 1, "helped": "", "missing": ""},
        state=_follow_up_answered,
    ),
    Row(
        "training:participant",
        "GET",
        _p("done", "participant"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: NAME,
    ),
    Row(
        "training:new_link",
        "POST",
        _p("fresh", "new_link"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        state=_token_hash,
        shows=lambda w: "/training/p/",
    ),
    Row(
        "training:forget_identity",
        "POST",
        _p("done", "forget_identity"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="admin",
        ok_status=302,
        state=_identity,
    ),
    Row(
        "training:enter_test",
        "GET",
        _p("fresh", "enter_test", "pre"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Which is an element of trafficking?",
    ),
    Row(
        "training:enter_test",
        "POST",
        _p("fresh", "enter_test", "post"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "analyst"),
        authorised="trainer",
        ok_status=302,
        data=_test_form,
        state=_count(Attempt),
    ),
    Row(
        "training:certificate",
        "GET",
        _p("done", "certificate"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: f'value="{NAME}"',
    ),
    Row(
        "training:certificate",
        "POST",
        _p("done", "certificate"),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="admin",
        ok_status=200,
        data=lambda w: {"name": "Typed At Printing"},
        state=_certificate,
        shows=lambda w: "Typed At Printing",
    ),
)

# The participant's pages: no account, the token or code is the credential (see ``test_public_pages``).
PUBLIC_ROWS: tuple[Row, ...] = (
    Row(
        "training:link_home",
        "GET",
        lambda w: reverse("training:link_home", args=[w.extras["fresh_token"]]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=200,
        shows=lambda w: "Take the pre-test",
    ),
    Row(
        "training:link_test",
        "POST",
        lambda w: reverse("training:link_test", args=[w.extras["fresh_token"], "pre"]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=200,
        data=_test_form,
        state=_count(Attempt),
    ),
    Row(
        "training:link_follow_up",
        "POST",
        lambda w: reverse("training:link_follow_up", args=[w.extras["fresh_token"], 3]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=200,
        data=lambda w: {"identified": 0, "referred": 0, "helped": "", "missing": ""},
        state=_follow_up_answered,
    ),
    Row(
        "training:answer_follow_up",
        "GET",
        lambda w: reverse("training:answer_follow_up", args=["not-a-reminder-token"]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=404,
    ),
    Row(
        "training:verify",
        "GET",
        lambda w: reverse("training:verify", args=["NOSUCHCODE12"]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=404,
    ),
)
ROWS = ROWS + PUBLIC_ROWS
STAFF_ROWS = tuple(row for row in ROWS if row not in PUBLIC_ROWS)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(STAFF_ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
@pytest.mark.parametrize("row", PUBLIC_ROWS, ids=[f"{r.view}-{r.method}" for r in PUBLIC_ROWS])
def test_public_pages(row: Row, world: World) -> None:
    """Anybody holding a valid link gets the page (no sign-in), the answer is saved once, and the same link
    answers 404 once spent; a made-up token or code is a 404. No page shows the participant's name."""
    client = Client()
    before = row.state(world) if row.state else None
    response = (
        client.post(row.url(world), row.data(world)) if row.method == "POST" else client.get(row.url(world))
    )
    assert response.status_code == row.ok_status
    assert NAME not in response.content.decode()
    if row.shows:
        assert row.shows(world) in response.content.decode()
    if row.state:
        assert row.state(world) != before
        again = client.post(row.url(world), row.data(world) if row.data else {})
        assert again.status_code == 404 or row.state(world) == row.state(world)
    bad = row.url(world).replace(world.extras["fresh_token"], "made-up-token")
    if bad != row.url(world):
        assert client.get(bad).status_code == 404


@pytest.mark.django_db
def test_a_spent_link_is_a_404(world: World) -> None:
    done = world.extras["done"]
    for row in FollowUp.objects.filter(participant=done):
        services.answer_follow_up(row, services.FollowUpInput(0, 0), actor=world.actors["trainer"])
    assert Client().get(reverse("training:link_home", args=[world.extras["token"]])).status_code == 404


@pytest.mark.django_db
def test_a_taken_test_is_not_offered_again(world: World) -> None:
    url = reverse("training:link_test", args=[world.extras["token"], "post"])
    assert Client().get(url).status_code == 404
    assert (
        Client().get(reverse("training:link_test", args=[world.extras["token"], "nope"])).status_code == 404
    )


@pytest.mark.django_db
def test_the_certificate_check_shows_no_name(world: World) -> None:
    code = services.issue_certificate(world.actors["trainer"], world.extras["done"])
    page = Client().get(reverse("training:verify", args=[code])).content.decode()
    assert code in page
    assert COURSE in page
    assert NAME not in page
