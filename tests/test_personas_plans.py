"""Four-persona rows for the assistance plan pages (threefold/plans/views.py).

The world adds to ``test_personas.build_world``: a case on our survivor opened by our caseworker, whose plan has
a need, a goal, a planned service and a follow-up due today, each with a sealed text nobody else may see.
Reading the plan follows the case (the assigned caseworker and legal officer); changing it needs
``protect.change_case`` (the caseworker, not the legal officer).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.test_personas_cases import CANNOT_CHANGE, NOT_ON_THE_CASE
from threefold.accounts.models import Organisation
from threefold.plans import services
from threefold.plans.models import FollowUp, Goal, Need, PlannedService
from threefold.protect import case_services

NEED = "Needs a safe room away from the old employer"
GOAL = "Get her residence papers in order"
FOLLOW_UP = "Check the hostel found her a bed"
TODAY = date.today()


def build_plan_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    caseworker = world.actors["caseworker"]
    case = case_services.open_case(caseworker, world.person, reason="Referred by the outreach team")
    need = services.add_need(
        caseworker, case, domain="physical", assessed_on=TODAY, priority="high", description=NEED
    )
    goal = services.add_goal(
        caseworker, case, domain="economic", description=GOAL, agreed_with_survivor=True, agreed_on=TODAY
    )
    service = services.plan_service(
        caseworker, case, service_type="legal_status", planned_start=TODAY, goal=goal
    )
    follow_up = services.schedule_follow_up(caseworker, case, due_on=TODAY, note=FOLLOW_UP)
    world.extras.update(case=case, need=need, goal=goal, service=service, follow_up=follow_up)
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_plan_world(org, other_org, make_member)


def _case(w: World) -> str:
    return str(w.extras["case"].reference)


def _url(name: str, row_key: str | None = None) -> Any:
    """The URL of a plan page of our case (and of one of its rows)."""
    if row_key is None:
        return lambda w: reverse(f"plans:{name}", args=[_case(w)])
    return lambda w: reverse(f"plans:{name}", args=[_case(w), w.extras[row_key].pk])


def _fresh(w: World, key: str) -> Any:
    row = w.extras[key]
    return type(row).objects.get(pk=row.pk)


def _count(model: type[Any]) -> Any:
    return lambda w: model.objects.filter(case=w.extras["case"]).count()


def _version(key: str) -> Any:
    return lambda w: _fresh(w, key).version


def _today() -> str:
    return TODAY.isoformat()


def _reader(view: str, url: Any, shows: Any) -> Row:
    """A page of the plan that only reads: everyone who may open the case."""
    return Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        shows=shows,
    )


def _form(view: str, url: Any, shows: Any) -> Row:
    """The GET of a form page: only those who may change the case."""
    return Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=200,
        shows=shows,
    )


def _write(view: str, url: Any, data: Any, state: Any) -> Row:
    return Row(
        view,
        "POST",
        url,
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=data,
        state=state,
        secret=lambda w: NEED,
    )


def _field(name: str) -> Any:
    return lambda w: f'name="{name}"'


ROWS: tuple[Row, ...] = (
    Row(
        "plans:tasks",
        "GET",
        lambda w: reverse("plans:tasks"),
        other_org="other_caseworker",
        denied=("screener", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=_case,
        other_org_status=(200,),
        never_shown=lambda w: FOLLOW_UP,  # the list opens no sealed text
    ),
    _reader("plans:plan", _url("plan"), lambda w: NEED),
    _form("plans:add_need", _url("add_need"), _field("description")),
    _write(
        "plans:add_need",
        _url("add_need"),
        lambda w: {
            "domain": "social",
            "priority": "low",
            "assessed_on": _today(),
            "description": "Wants to call her mother",
        },
        _count(Need),
    ),
    _form("plans:edit_need", _url("edit_need", "need"), lambda w: NEED),
    _write(
        "plans:edit_need",
        _url("edit_need", "need"),
        lambda w: {
            "domain": "physical",
            "priority": "medium",
            "assessed_on": _today(),
            "description": NEED,
            "version": _fresh(w, "need").version,
        },
        _version("need"),
    ),
    _form("plans:add_goal", _url("add_goal"), _field("agreed_with_survivor")),
    _write(
        "plans:add_goal",
        _url("add_goal"),
        lambda w: {
            "domain": "social",
            "description": "See her sister",
            "agreed_with_survivor": "on",
            "agreed_on": _today(),
        },
        _count(Goal),
    ),
    _form("plans:edit_goal", _url("edit_goal", "goal"), lambda w: GOAL),
    _write(
        "plans:edit_goal",
        _url("edit_goal", "goal"),
        lambda w: {
            "domain": "economic",
            "description": GOAL,
            "agreed_with_survivor": "on",
            "agreed_on": _today(),
            "status": "achieved",
            "reason": "",
            "version": _fresh(w, "goal").version,
        },
        _version("goal"),
    ),
    _form("plans:add_service", _url("add_service"), _field("service_type")),
    _write(
        "plans:add_service",
        _url("add_service"),
        lambda w: {
            "service_type": "counselling",
            "planned_start": _today(),
            "provider_name": "Riverside clinic",
        },
        _count(PlannedService),
    ),
    _write(
        "plans:start_service",
        _url("start_service", "service"),
        lambda w: {"version": _fresh(w, "service").version},
        lambda w: _fresh(w, "service").status,
    ),
    _form("plans:deliver_service", _url("deliver_service", "service"), _field("outcome")),
    _write(
        "plans:deliver_service",
        _url("deliver_service", "service"),
        lambda w: {"delivered_on": _today(), "outcome": "helped", "version": _fresh(w, "service").version},
        lambda w: _fresh(w, "service").status,
    ),
    _form("plans:cancel_service", _url("cancel_service", "service"), _field("reason")),
    _write(
        "plans:cancel_service",
        _url("cancel_service", "service"),
        lambda w: {"reason": "She found papers help elsewhere", "version": _fresh(w, "service").version},
        lambda w: _fresh(w, "service").status,
    ),
    _form("plans:add_follow_up", _url("add_follow_up"), _field("due_on")),
    _write(
        "plans:add_follow_up",
        _url("add_follow_up"),
        lambda w: {"due_on": _today(), "assigned_to": w.user("legal_officer").pk, "note": "Court date"},
        _count(FollowUp),
    ),
    _form("plans:follow_up_done", _url("follow_up_done", "follow_up"), lambda w: FOLLOW_UP),
    _write(
        "plans:follow_up_done",
        _url("follow_up_done", "follow_up"),
        lambda w: {"done_on": _today(), "note": "She has a bed", "version": _fresh(w, "follow_up").version},
        lambda w: _fresh(w, "follow_up").done_on,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_world_is_as_the_table_assumes(world: World) -> None:
    """The legal officer is assigned (so reads the plan) and the follow-up is due today (so it is a task)."""
    assert world.person.assigned_to.filter(pk=world.user("legal_officer").pk).exists()
    assert _fresh(world, "follow_up").due_on == TODAY
    assert _fresh(world, "service").status == "planned"
