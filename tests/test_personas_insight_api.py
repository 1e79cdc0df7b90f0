"""Four-persona rows for the insight endpoints of the API (threefold/api/insight_views.py).

The world is the statistics pages' (tests/test_personas_insight.py: a dataset of ours, whose name is the
secret, and one of the other organisation's) with API tokens for its two analysts and one release already in
our ledger. As in the other API tables, callers use tokens, so the member without an organisation is replaced
by a deactivated member's token. Statistics are read by supervisors, analysts and org admins of the dataset's
organisation; only its analysts release.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import (
    OUTSIDER_TOKEN_NAME,
    Row,
    World,
    build_world,
    check_persona,
    personas,
)
from tests.test_personas_insight import OUR_DATASET, THEIR_DATASET, _dataset
from threefold.accounts import services as account_services
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight import access, services
from threefold.insight.core import privacy
from threefold.insight.models import Release

API_REFUSED = ("caseworker", "screener", "trainer", "deactivated")
RELEASED_FIELD = "gender"


def build_insight_api_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    for key in ("analyst", "other_analyst"):
        name = OUTSIDER_TOKEN_NAME if key.startswith("other_") else f"{key} token"
        _token, world.raw_tokens[key] = account_services.create_api_token(world.actors[key], name)
    ours = _dataset(org, OUR_DATASET)
    world.extras.update(ours=ours, theirs=_dataset(other_org, THEIR_DATASET))
    values = access.frame_of(ours).column(RELEASED_FIELD).values()
    world.extras["release"] = services.release(
        world.actors["analyst"],
        ours,
        kind="histogram",
        field=RELEASED_FIELD,
        epsilon=0.25,
        make=lambda: privacy.release_histogram(values, ["Female", "Male"], 0.25),
        query={"by": [RELEASED_FIELD]},
    )
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_insight_api_world(org, other_org, make_member)


def _on_ours(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.extras["ours"].pk])


def _our_releases(w: World) -> object:
    return Release.objects.filter(dataset=w.extras["ours"]).count()


ROWS: tuple[Row, ...] = (
    # Another organisation's supervisor gets their own list, which never names our dataset.
    Row(
        "api:insight_datasets",
        "GET",
        lambda w: reverse("api:insight_datasets"),
        other_org="other_supervisor",
        denied=API_REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        never_shown=lambda w: THEIR_DATASET,
        other_org_status=(200,),
        api=True,
    ),
    Row(
        "api:insight_dataset",
        "GET",
        _on_ours("api:insight_dataset"),
        other_org="other_supervisor",
        denied=API_REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        api=True,
    ),
    Row(
        "api:insight_table",
        "GET",
        lambda w: reverse("api:insight_table") + f"?source={w.extras['ours'].pk}&by=citizenship",
        other_org="other_analyst",
        denied=API_REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        # The two Myanmar records are fewer than 11: their count never leaves, for anyone.
        never_shown=lambda w: '"count":2,',
        api=True,
    ),
    Row(
        "api:insight_releases",
        "GET",
        _on_ours("api:insight_releases"),
        other_org="other_supervisor",
        denied=API_REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: w.extras["release"].mechanism,
        api=True,
    ),
    Row(
        "api:insight_releases",
        "POST",
        _on_ours("api:insight_releases"),
        other_org="other_analyst",
        # Supervisors and org admins read the ledger but never spend the budget.
        denied=(*API_REFUSED, "supervisor", "admin"),
        authorised="analyst",
        ok_status=201,
        data=lambda w: {"kind": "histogram", "field": "citizenship", "epsilon": 0.5},
        state=_our_releases,
        api=True,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    assert _our_releases(world) == 1
    assert world.extras["release"].released_by == world.user("analyst")
    assert world.extras["theirs"].organisation == world.other_org
    assert {"analyst", "other_analyst"} <= set(world.raw_tokens)
