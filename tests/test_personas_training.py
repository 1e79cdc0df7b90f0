"""Four-persona rows for the training pages (threefold/training).

Trainers and org admins manage courses, sessions and participants (``training.manage``, ``training.change``);
supervisors and analysts read courses, sessions and results, never names (``training.view_results``); every other
member gets a 403. Another organisation's course, session or participant answers 404; the pages that hold no
record of ours (home, follow-ups, new course) serve the other organisation's trainer their own, never ours.

The participant's pages (join link, personal link, reminder link, certificate check) need no account: the token or
code in the address is the credential. Their rows are listed here so every view has one, but they are checked by
``test_public_pages`` below: a valid link opens for anybody, an invalid, used or expired one is a 404.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.training_world import COURSE, attend, make_world, right
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import AuditEntry
from threefold.training import sealing, services
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
SPARE = "Spare course 5b1e"
IMPORTED = "Is this question imported from a file 8a3c?"
JOINABLE = "Joinable course 7e1a"


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
    ends = training.session.ends_on
    unfrozen = services.create_session(
        trainer, empty, services.SessionInput(ends, ends, "Clinic", None, "en", "online")
    )
    module = services.add_module(trainer, empty, "Signs")
    services.add_question(trainer, empty, services.QuestionInput(module.pk, "Seen?", ["Yes", "No"], 0))
    # A course without sessions, which may be deleted.
    spare = services.create_course(trainer, services.CourseInput(SPARE, "health", ["en"]))
    # A session of another course held today, whose registration through a join link is open.
    joinable_course = services.create_course(trainer, services.CourseInput(JOINABLE, "health", ["en"]))
    today = timezone.localdate()
    joinable = services.create_session(
        trainer,
        joinable_course,
        services.SessionInput(today, today, "Town hall", None, "en", "in_person", 20),
    )
    join_code = services.open_registration(trainer, joinable)
    world.extras.update(
        joinable=joinable,
        join_code=join_code,
        spare=spare,
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


def _module(w: World) -> Module:
    module = Module.objects.filter(course=w.extras["course"]).first()
    assert module is not None
    return module


def _course_fields(w: World) -> object:
    course = Course.objects.get(pk=w.extras["course"].pk)
    return (course.title, course.audience, course.languages, course.description)


def _module_fields(w: World) -> object:
    module = Module.objects.get(pk=_module(w).pk)
    return (module.title, module.objective)


def _session_fields(w: World) -> object:
    return Session.objects.filter(pk=w.extras["session"].pk).values_list("place", "format", "capacity").get()


def _edit_session_form(w: World) -> dict[str, Any]:
    session = w.extras["session"]  # tests are recorded: its dates and language are fixed, the rest may change
    return {
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "place": "Academy, room 7",
        "trainer": w.user("trainer").pk,
        "language": "en",
        "format": "blended",
        "capacity": "40",
    }


def _import_form(w: World) -> dict[str, Any]:
    data = f"module,question,correct,option_1,option_2\nThe definition,{IMPORTED},1,Yes,No\n".encode()
    return {"file": SimpleUploadedFile("questions.csv", data, content_type="text/csv")}


def _join_hash(w: World) -> object:
    return Session.objects.get(pk=w.extras["joinable"].pk).join_token_hash


def _join_form(w: World) -> dict[str, Any]:
    return {"employer": "Port police", "sector": "police", "name": "", "email": ""}


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
        "training:edit_course",
        "GET",
        lambda w: reverse("training:edit_course", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: f'value="{COURSE}"',
    ),
    Row(
        "training:edit_course",
        "POST",
        lambda w: reverse("training:edit_course", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=302,
        data=_course_form,
        state=_course_fields,
    ),
    Row(
        "training:delete_course",
        "POST",
        lambda w: reverse("training:delete_course", args=[w.extras["spare"].reference]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"confirm": "yes"},
        state=_count(Course),
    ),
    Row(
        "training:edit_module",
        "GET",
        lambda w: reverse("training:edit_module", args=[_course(w), _module(w).pk]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Name the three elements.",
    ),
    Row(
        "training:edit_module",
        "POST",
        lambda w: reverse("training:edit_module", args=[_course(w), _module(w).pk]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"title": "The three elements", "objective": "Name them."},
        state=_module_fields,
    ),
    Row(
        "training:import_questions",
        "GET",
        lambda w: reverse("training:import_questions", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Referral",  # the course's modules, which the file names
        secret=lambda w: COURSE,
    ),
    Row(
        "training:import_questions",
        "POST",
        lambda w: reverse("training:import_questions", args=[_course(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        data=_import_form,
        state=_count(Question),
    ),
    Row(
        "training:example",
        "GET",
        lambda w: reverse("training:example", args=["questions.csv"]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "module,question,correct,option_1",
        secret=lambda w: COURSE,  # an example holds no record: the other organisation's trainer gets it too
        other_org_status=(200,),
        denied_status=(403,),
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
        "training:edit_session",
        "GET",
        lambda w: reverse("training:edit_session", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,
        shows=lambda w: 'value="Academy, room 1"',
    ),
    Row(
        "training:edit_session",
        "POST",
        lambda w: reverse("training:edit_session", args=[_session(w)]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        data=_edit_session_form,
        state=_session_fields,
    ),
    Row(
        "training:delete_session",
        "POST",
        lambda w: reverse("training:delete_session", args=[w.extras["unfrozen"].reference]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=302,
        data=lambda w: {"confirm": "yes"},
        state=_count(Session),
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
        "training:course_results",
        "GET",
        lambda w: reverse("training:course_results", args=[_course(w)]),
        other_org="other_trainer",
        denied=NOT_READERS,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "Where do you refer a presumed victim?",
        never_shown=lambda w: NAME,
    ),
    Row(
        "training:course_results",
        "GET",
        lambda w: reverse("training:course_results", args=[_course(w)]),
        other_org="other_admin",
        denied=NOT_READERS,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: _session(w),  # the sessions it pools, each linked to its own results
        never_shown=lambda w: NAME,
    ),
    Row(
        "training:open_registration",
        "POST",
        lambda w: reverse("training:open_registration", args=[w.extras["joinable"].reference]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="trainer",
        ok_status=200,  # the page to project, with the new join link (the old one stops working)
        state=_join_hash,
        shows=lambda w: "/training/j/",
    ),
    Row(
        "training:close_registration",
        "POST",
        lambda w: reverse("training:close_registration", args=[w.extras["joinable"].reference]),
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        state=_join_hash,
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
        "training:remove_participant",
        "POST",
        _p("fresh", "remove_participant"),
        data=lambda w: {"confirm": "yes"},
        other_org="other_trainer",
        denied=(*NOT_TRAINERS, "supervisor"),
        authorised="trainer",
        ok_status=302,
        state=_count(Participant),
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
        "training:join",
        "GET",
        lambda w: reverse("training:join", args=[w.extras["join_code"]]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=200,
        shows=lambda w: JOINABLE,
    ),
    Row(
        "training:join",
        "POST",
        lambda w: reverse("training:join", args=[w.extras["join_code"]]),
        other_org="other_trainer",
        denied=("trainer",),
        authorised="loner",
        ok_status=302,  # to the new participant's personal link page
        data=_join_form,
        state=_count(Participant),
    ),
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
        client.post(row.url(world), row.data(world) if row.data else {})
        if row.method == "POST"
        else client.get(row.url(world))
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


# ---- editing, deleting and importing through the pages


def _as(world: World, key: str) -> Client:
    return login(Client(), world.user(key))


@pytest.mark.django_db
def test_links_to_change_a_course_or_session_show_only_to_those_who_may(world: World) -> None:
    course, session, unfrozen = world.extras["course"], world.extras["session"], world.extras["unfrozen"]
    module = _module(world)
    course_urls = [
        reverse("training:edit_course", args=[course.reference]),
        reverse("training:edit_module", args=[course.reference, module.pk]),
        reverse("training:import_questions", args=[course.reference]),
    ]
    page = _as(world, "trainer").get(reverse("training:course", args=[course.reference])).content.decode()
    assert all(url in page for url in course_urls)
    # Our course has a session: no delete button, a reason instead.
    assert reverse("training:delete_course", args=[course.reference]) not in page
    assert "A course can be deleted only while it has no sessions" in page
    spare = _as(world, "admin").get(reverse("training:course", args=[world.extras["spare"].reference]))
    assert reverse("training:delete_course", args=[world.extras["spare"].reference]) in spare.content.decode()
    page = _as(world, "trainer").get(reverse("training:session", args=[session.reference])).content.decode()
    assert reverse("training:edit_session", args=[session.reference]) in page
    assert reverse("training:delete_session", args=[session.reference]) not in page  # it has participants
    page = _as(world, "trainer").get(reverse("training:session", args=[unfrozen.reference])).content.decode()
    assert reverse("training:delete_session", args=[unfrozen.reference]) in page
    assert 'name="confirm" value="yes"' in page
    for reader in ("supervisor", "analyst"):
        client = _as(world, reader)
        page = client.get(reverse("training:course", args=[course.reference])).content.decode()
        assert not any(url in page for url in course_urls)
        assert "/delete/" not in page
        page = client.get(reverse("training:session", args=[unfrozen.reference])).content.decode()
        assert "/edit/" not in page
        assert "/delete/" not in page


@pytest.mark.django_db
def test_a_session_with_participants_is_not_deleted_and_the_page_says_why(world: World) -> None:
    session = world.extras["session"]
    client = _as(world, "trainer")
    response = client.post(reverse("training:delete_session", args=[session.reference]), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("training:session", args=[session.reference])
    page = client.get(response["Location"]).content.decode()
    assert "This session has 2 participants, so it cannot be deleted" in page
    assert Session.objects.filter(pk=session.pk).exists()
    assert not AuditEntry.objects.filter(action="delete", object_type="training.session").exists()


@pytest.mark.django_db
def test_a_course_with_sessions_is_not_deleted_and_the_page_says_why(world: World) -> None:
    course = world.extras["course"]
    client = _as(world, "admin")
    response = client.post(reverse("training:delete_course", args=[course.reference]), {"confirm": "yes"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This course has 1 session, so it cannot be deleted" in page
    assert Course.objects.filter(pk=course.pk).exists()


@pytest.mark.django_db
def test_a_deletion_needs_the_confirmation_of_its_form(world: World) -> None:
    client = _as(world, "trainer")
    unfrozen, spare = world.extras["unfrozen"], world.extras["spare"]
    assert client.post(reverse("training:delete_session", args=[unfrozen.reference])).status_code == 403
    assert (
        client.post(reverse("training:delete_course", args=[spare.reference]), {"confirm": "no"}).status_code
        == 403
    )
    assert client.get(reverse("training:delete_session", args=[unfrozen.reference])).status_code == 405
    assert Session.objects.filter(pk=unfrozen.pk).exists()
    assert Course.objects.filter(pk=spare.pk).exists()


@pytest.mark.django_db
def test_an_import_with_problems_lists_each_line_and_adds_nothing(world: World) -> None:
    url = reverse("training:import_questions", args=[_course(world)])
    data = (
        b"module,question,correct,option_1,option_2\n"
        b"Nowhere,A new question?,1,Yes,No\n"
        b"Referral,Another new question?,3,Yes,No\n"
    )
    before = Question.objects.count()
    response = _as(world, "trainer").post(url, {"file": SimpleUploadedFile("bank.csv", data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Line 2: The course has no module called “Nowhere”." in page
    assert "Line 3: The correct answer is number 3, but only 2 answers are given." in page
    assert Question.objects.count() == before
    response = _as(world, "trainer").post(url, {})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()  # no file chosen


@pytest.mark.django_db
def test_an_oversized_question_file_is_dropped_while_it_streams_in_and_said_so(world: World) -> None:
    url = reverse("training:import_questions", args=[_course(world)])
    big = b"module,question,correct,option_1,option_2\n" + b"#" * (1024 * 1024)
    before = Question.objects.count()
    response = _as(world, "trainer").post(url, {"file": SimpleUploadedFile("bank.csv", big)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file is larger than 1024 KB" in page
    assert "This field is required" not in page
    assert Question.objects.count() == before


@pytest.mark.django_db
def test_the_question_import_still_needs_its_csrf_token(world: World) -> None:
    """The view is exempt from the middleware only so that the size limit comes first; it checks the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.actors["trainer"].user)
    url = reverse("training:import_questions", args=[_course(world)])
    data = b"module,question,correct,option_1,option_2\nReferral,A new question?,1,Yes,No\n"
    before = Question.objects.count()
    assert client.post(url, {"file": SimpleUploadedFile("bank.csv", data)}).status_code == 403
    assert Question.objects.count() == before


@pytest.mark.django_db
def test_the_example_file_imports_once_its_modules_exist(world: World) -> None:
    client = _as(world, "trainer")
    example = client.get(reverse("training:example", args=["questions.csv"]))
    assert example["Content-Disposition"] == 'attachment; filename="example-questions.csv"'
    course = world.extras["spare"]
    for title in ("What trafficking is", "Referral"):
        services.add_module(world.actors["trainer"], course, title)
    url = reverse("training:import_questions", args=[course.reference])
    response = client.post(url, {"file": SimpleUploadedFile("example.csv", example.content)})
    assert response.status_code == 302
    assert Question.objects.filter(course=course).count() == 3
    assert client.get(reverse("training:example", args=["other.csv"])).status_code == 404


@pytest.mark.django_db
def test_the_session_form_keeps_dates_and_language_fixed_once_tests_are_recorded(world: World) -> None:
    session = world.extras["session"]
    client = _as(world, "trainer")
    page = client.get(reverse("training:edit_session", args=[session.reference])).content.decode()
    for name in ("starts_on", "ends_on", "language"):
        assert f'name="{name}"' in page
    assert page.count(" disabled") >= 3
    assert "Fixed: tests, attendance or follow-ups are already recorded" in page
    # A moved date sent anyway is ignored: the form keeps the stored one.
    form = {**_edit_session_form(world), "ends_on": "2031-01-01"}
    assert client.post(reverse("training:edit_session", args=[session.reference]), form).status_code == 302
    assert Session.objects.get(pk=session.pk).ends_on == session.ends_on
    # A session without records may move: its form does not fix the dates.
    unfrozen = world.extras["unfrozen"]
    page = client.get(reverse("training:edit_session", args=[unfrozen.reference])).content.decode()
    assert " disabled" not in page


# ---- self-registration through the join link shown in the room


def _join_url(code: str) -> str:
    return reverse("training:join", args=[code])


def _without_form_values(page: str) -> str:
    return re.sub(r'(name="(?:csrfmiddlewaretoken|next)"[^>]*value=")[^"]*"', r"\1", page)


@pytest.mark.django_db
def test_registering_through_the_join_link_lands_on_the_personal_link_page(world: World) -> None:
    client = Client()
    code = world.extras["join_code"]
    page = client.get(_join_url(code))
    assert page.status_code == 200
    text = page.content.decode()
    assert JOINABLE in text
    assert world.org.name in text  # course, dates and the organisation giving it
    assert 'name="employer"' in text
    assert 'autocomplete="name"' in text
    response = client.post(_join_url(code), {**_join_form(world), "name": NAME})
    assert response.status_code == 302
    assert response["Location"].startswith("/training/p/")
    assert response["Location"].endswith("/?registered=1")
    landed = client.get(response["Location"])
    assert landed.status_code == 200
    text = landed.content.decode()
    assert "Bookmark this page now" in text
    assert "You are registered as participant 1." in text
    assert NAME not in text
    added = Participant.objects.get(session=world.extras["joinable"])
    assert (added.employer, added.sector, added.added_by_id, added.identity is not None) == (
        "Port police",
        "police",
        None,
        True,
    )
    # No session was made for the visitor: only the CSRF cookie, as on the personal link's pages.
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert set(client.cookies) <= {settings.CSRF_COOKIE_NAME}


@pytest.mark.django_db
def test_the_join_code_may_be_typed_in_lower_case_and_without_dashes(world: World) -> None:
    typed = world.extras["join_code"].replace("-", "").lower()
    response = Client().post(_join_url(typed), _join_form(world))
    assert response.status_code == 302
    assert Participant.objects.filter(session=world.extras["joinable"]).count() == 1


@pytest.mark.django_db
def test_unknown_closed_and_replaced_join_links_get_the_same_404(world: World) -> None:
    trainer, joinable = world.actors["trainer"], world.extras["joinable"]
    old = world.extras["join_code"]
    unknown = Client().get(_join_url("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345"))
    garbage = Client().get(_join_url("nope"))
    new = services.open_registration(trainer, joinable)
    replaced = Client().get(_join_url(old))
    assert Client().get(_join_url(new)).status_code == 200
    services.close_registration(trainer, joinable)
    closed = Client().get(_join_url(new))
    posted = Client().post(_join_url(new), _join_form(world))
    pages = [unknown, garbage, replaced, closed, posted]
    assert {page.status_code for page in pages} == {404}
    # One page for all, but for the footer's language form (its CSRF token and the address to come back to).
    assert len({_without_form_values(page.content.decode()) for page in pages}) == 1
    assert "This registration link does not work" in unknown.content.decode()
    assert JOINABLE not in unknown.content.decode()
    assert not Participant.objects.filter(session=joinable).exists()


@pytest.mark.django_db
def test_a_full_or_ended_session_says_so_instead_of_the_form(world: World) -> None:
    joinable, code = world.extras["joinable"], world.extras["join_code"]
    Session.objects.filter(pk=joinable.pk).update(capacity=1)
    assert Client().post(_join_url(code), _join_form(world)).status_code == 302
    full = Client().post(_join_url(code), _join_form(world))
    assert full.status_code == 200
    assert "This session is full" in full.content.decode()
    assert 'name="employer"' not in full.content.decode()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Session.objects.filter(pk=joinable.pk).update(capacity=None, starts_on=yesterday, ends_on=yesterday)
    ended = Client().get(_join_url(code))
    unknown = Client().get(_join_url("ABCD" * 7))
    assert ended.status_code == unknown.status_code == 404  # an old link shows nothing of its session
    assert joinable.course.title not in ended.content.decode()
    assert 'name="employer"' not in ended.content.decode()
    assert Participant.objects.filter(session=joinable).count() == 1


@pytest.mark.django_db
def test_the_join_form_asks_no_e_mail_address(world: World) -> None:
    """Nobody checks that an address typed through a shared link is the typist's own: no reminder about an
    anti-trafficking course goes to an inbox somebody else typed in."""
    page = Client().get(_join_url(world.extras["join_code"])).content.decode()
    assert 'name="employer"' in page
    assert 'name="email"' not in page
    Client().post(_join_url(world.extras["join_code"]), {**_join_form(world), "email": "victim@example.org"})
    joined = Participant.objects.filter(session=world.extras["joinable"]).get()
    assert sealing.open_identity(joined).email == ""


@pytest.mark.django_db
def test_bad_registrations_are_refused_next_to_their_field(world: World) -> None:
    response = Client().post(
        _join_url(world.extras["join_code"]), {**_join_form(world), "sector": "astronaut"}
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Participant.objects.filter(session=world.extras["joinable"]).exists()


@pytest.mark.django_db
def test_the_session_page_opens_replaces_and_closes_registration(world: World) -> None:
    joinable = world.extras["joinable"]
    client = _as(world, "trainer")
    page = client.get(reverse("training:session", args=[joinable.reference])).content.decode()
    assert reverse("training:open_registration", args=[joinable.reference]) in page
    assert reverse("training:close_registration", args=[joinable.reference]) in page
    projected = client.post(reverse("training:open_registration", args=[joinable.reference]))
    text = projected.content.decode()
    assert "<svg" in text  # the QR code
    assert NAME not in text  # the page to project names nobody
    code = text.split("/training/j/")[1].split("/")[0]
    assert Client().get(_join_url(code)).status_code == 200
    assert Client().get(_join_url(world.extras["join_code"])).status_code == 404
    response = client.post(reverse("training:close_registration", args=[joinable.reference]))
    assert response.status_code == 302
    assert Client().get(_join_url(code)).status_code == 404
    page = client.get(reverse("training:session", args=[joinable.reference])).content.decode()
    assert reverse("training:close_registration", args=[joinable.reference]) not in page
    # An ended session cannot open registration; readers see no controls.
    ended = client.get(reverse("training:session", args=[_session(world)])).content.decode()
    assert reverse("training:open_registration", args=[_session(world)]) not in ended
    assert client.post(reverse("training:open_registration", args=[_session(world)])).status_code == 302
    assert Session.objects.get(pk=world.extras["session"].pk).join_token_hash is None
    for reader in ("supervisor", "analyst"):
        page = _as(world, reader).get(reverse("training:session", args=[joinable.reference])).content.decode()
        assert "/registration/" not in page


# ---- results across the sessions of a course


@pytest.mark.django_db
def test_the_course_page_links_its_results_for_those_who_may_read_them(world: World) -> None:
    url = reverse("training:course_results", args=[_course(world)])
    for key in ("trainer", "admin", "supervisor", "analyst"):
        page = _as(world, key).get(reverse("training:course", args=[_course(world)])).content.decode()
        assert url in page, key


@pytest.mark.django_db
def test_course_results_pool_sessions_that_asked_different_questions(world: World) -> None:
    trainer, training = world.actors["trainer"], world.extras["training"]
    retired = training.questions[3]
    services.set_question_active(trainer, retired, False)
    module = retired.module
    added = services.add_question(
        trainer,
        training.course,
        services.QuestionInput(module.pk, "Who decides on a referral 3f9b?", ["The victim", "The police"], 0),
    )
    ends = training.session.ends_on
    later = services.create_session(
        trainer, training.course, services.SessionInput(ends, ends, "Academy", None, "en", "in_person")
    )
    person, _token = services.add_participant(trainer, later, services.ParticipantInput("Customs", "border"))
    answers = {q.pk: q.correct for q in [*training.questions[:3], added]}
    services.submit_test(person, Kind.PRE, {**answers, added.pk: 1})
    services.submit_test(person, Kind.POST, answers)
    response = _as(world, "supervisor").get(reverse("training:course_results", args=[_course(world)]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "did not all ask the same questions" in page
    assert "Who decides on a referral 3f9b?" in page
    assert retired.text in page  # asked by the first session only
    assert later.reference in page
    assert "Asked in sessions" in page
    assert NAME not in page
