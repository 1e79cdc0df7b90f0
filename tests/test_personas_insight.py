"""Four-persona rows for the statistics pages (threefold/insight/views.py).

The world adds to ``test_personas.build_world`` a dataset of our organisation (its name is the secret: another
organisation must not even learn it exists) and one of the other organisation. Statistics are read by
supervisors, analysts and org admins of the dataset's organisation; caseworkers, screeners and trainers are
refused.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.insight_datasets import dataset_of
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset, Release

OUR_DATASET = "Shelter intake register 7f3a"
THEIR_DATASET = "Other network register 91bc"
REFUSED = ("caseworker", "screener", "trainer", "loner")


def _dataset(organisation: Organisation, name: str) -> Dataset:
    frame = Frame.from_records(("gender", "citizenship"), [("Female", "TH")] * 30 + [("Male", "MM")] * 2)
    return dataset_of(organisation, name, frame)


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    world.extras.update(ours=_dataset(org, OUR_DATASET), theirs=_dataset(other_org, THEIR_DATASET))
    return world


def _table(w: World) -> str:
    return reverse("insight:table", args=[w.extras["ours"].pk]) + "?rows=citizenship"


ROWS: tuple[Row, ...] = (
    Row(
        "insight:home",
        "GET",
        lambda w: reverse("insight:home"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        other_org_status=(200,),
    ),
    Row(
        "insight:table",
        "GET",
        _table,
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        # The two Myanmar records are fewer than 11: their count is never on the page, for anyone.
        never_shown=lambda w: ">2<",
    ),
    Row(
        "insight:dashboard",
        "GET",
        lambda w: reverse("insight:dashboard", args=[w.extras["ours"].pk]),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        # The two Myanmar men are fewer than 11: neither chart nor table of the dashboard counts them aloud.
        never_shown=lambda w: ">2<",
    ),
    Row(
        "insight:compare",
        "GET",
        lambda w: reverse("insight:compare", args=[w.extras["ours"].pk]) + "?field=gender",
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        never_shown=lambda w: ">2<",
    ),
    Row(
        "insight:export_htcds",
        "GET",
        lambda w: reverse("insight:export_htcds") + "?format=json",
        other_org="other_supervisor",
        denied=(*REFUSED, "admin"),
        authorised="supervisor",
        ok_status=200,
        other_org_status=(200,),  # their own organisation's export
        never_shown=lambda w: "Petrova",  # never a name, whatever consent says
    ),
    Row(
        "insight:private_release",
        "GET",
        lambda w: (
            reverse("insight:private_release", args=[w.extras["ours"].pk]) + "?field=gender&epsilon=0.5"
        ),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
    ),
    Row(
        "insight:private_release",
        "POST",
        lambda w: reverse("insight:private_release", args=[w.extras["ours"].pk]),
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor", "admin"),
        authorised="analyst",
        ok_status=302,
        data=lambda w: {"field": "gender", "epsilon": "0.5"},
        state=lambda w: Release.objects.filter(dataset=w.extras["ours"]).count(),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
