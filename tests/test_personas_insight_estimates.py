"""Four-persona rows for the estimates of the hidden number (threefold/insight/estimate_views.py).

The world of tests/test_personas_insight.py plus one finished estimate of our organisation (its name is the
secret: another organisation must not learn it exists) and one of the other organisation. Statistics readers
(supervisors, analysts, org admins) read estimates; analysts and supervisors make and delete them; org admins do
neither; caseworkers, screeners, trainers and members of nobody are refused everything.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.test_personas_insight import REFUSED
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight.models import ESTIMATE_STALLED_AFTER, Estimate, EstimateStatus

OUR_ESTIMATE = "Northern lists 2024 c41e"
THEIR_ESTIMATE = "Southern lists 2024 77d0"
NEW_ESTIMATE = "Made by a persona 3b9f"
TABLE = "Police,NGO,Health,count\n1,0,0,50\n0,1,0,41\n1,1,0,9\n0,0,1,33\n1,0,1,12\n0,1,1,7\n1,1,1,2\n"
RESULT = {
    "pthresh": 0.02,
    "lists": ["Police", "NGO"],
    "removed_lists": [],
    "cases_observed": 30,
    "cases_on_any_list": 30,
    "cases_only_on_removed_lists": 0,
    "model": {"pairs": [], "aic": 10.0, "deviance": 0.0},
    "estimate": {"total": 40.0, "dark_figure": 10.0},
    "model_conditional": {"95%": [33.0, 55.0], "80%": [35.0, 50.0]},
    "bootstrap": None,
    "bootstrap_error": "",
    "sensitivity": [],
}


def _estimate(organisation: Organisation, name: str) -> Estimate:
    return Estimate.objects.create(
        organisation=organisation,
        name=name,
        lists=["Police", "NGO"],
        table=[[1, 0, 10], [0, 1, 15], [1, 1, 5]],
        pthresh=0.02,
        nboot=0,
        seed=1234,
        status=EstimateStatus.DONE,
        result=RESULT,
    )


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    world.extras.update(ours=_estimate(org, OUR_ESTIMATE), theirs=_estimate(other_org, THEIR_ESTIMATE))
    # One whose worker stopped: only it can be started again.
    stalled = _estimate(org, "Stalled lists 2024 5e1a")
    long_ago = timezone.now() - ESTIMATE_STALLED_AFTER - timedelta(minutes=1)
    Estimate.objects.filter(pk=stalled.pk).update(
        status=EstimateStatus.RUNNING, result=None, progress_at=long_ago
    )
    world.extras["stalled"] = stalled
    return world


def _ours(view: str, *args: Any) -> Any:
    return lambda w: reverse(view, args=[w.extras["ours"].pk, *args])


def _our_estimates(w: World) -> object:
    return sorted(Estimate.objects.filter(organisation=w.org).values_list("name", flat=True))


def _ours_exists(w: World) -> object:
    return Estimate.objects.filter(pk=w.extras["ours"].pk).exists()


def _stalled_state(w: World) -> object:
    return list(Estimate.objects.filter(pk=w.extras["stalled"].pk).values_list("status", "progress_at"))


ROWS: tuple[Row, ...] = (
    Row(
        "insight:estimates",
        "GET",
        lambda w: reverse("insight:estimates"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_ESTIMATE,
        other_org_status=(200,),  # their own organisation's estimates
    ),
    Row(
        "insight:estimates",
        "POST",
        lambda w: reverse("insight:estimates"),
        other_org="other_analyst",
        denied=(*REFUSED, "admin"),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"name": NEW_ESTIMATE, "table": TABLE, "pthresh": "0.02", "nboot": "0"},
        state=_our_estimates,  # an outsider's estimate goes to their own organisation: ours never moves
        other_org_status=(302,),
    ),
    Row(
        "insight:estimate",
        "GET",
        _ours("insight:estimate"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_ESTIMATE,
    ),
    Row(
        "insight:estimate_progress",
        "GET",
        _ours("insight:estimate_progress"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "The estimate is ready.",
    ),
    Row(
        "insight:estimate_download",
        "GET",
        _ours("insight:estimate_download", "json"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_ESTIMATE,
    ),
    Row(
        "insight:estimate_restart",
        "POST",
        lambda w: reverse("insight:estimate_restart", args=[w.extras["stalled"].pk]),
        other_org="other_analyst",
        denied=(*REFUSED, "admin"),
        authorised="supervisor",
        ok_status=302,
        state=_stalled_state,
    ),
    Row(
        "insight:estimate_delete",
        "POST",
        _ours("insight:estimate_delete"),
        other_org="other_analyst",
        denied=(*REFUSED, "admin"),
        authorised="analyst",
        ok_status=302,
        state=_ours_exists,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_an_outsider_estimate_lands_in_their_own_organisation(world: World) -> None:
    """What the POST row's other_org 302 means: an estimate of theirs, none of ours."""
    row = next(row for row in ROWS if row.view == "insight:estimates" and row.method == "POST")
    check_persona(row, "other_org", row.other_org, world)

    assert Estimate.objects.get(name=NEW_ESTIMATE).organisation == world.other_org
