"""Four-persona rows for a data steward's pages (threefold/insight/steward_views.py): importing a dataset,
deleting one, setting its privacy budget.

The world is that of tests/test_personas_insight.py: a dataset of our organisation (its name is the secret) and
one of the other organisation. Analysts and org admins import and delete; only org admins set a budget;
supervisors read statistics but do none of these; caseworkers, screeners, trainers and members of nobody are
refused everything.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.test_personas_insight import OUR_DATASET, REFUSED, THEIR_DATASET, _dataset
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.insight.models import Dataset

IMPORTED = "Imported by a persona 5d2e"


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    world.extras.update(ours=_dataset(org, OUR_DATASET), theirs=_dataset(other_org, THEIR_DATASET))
    return world


def _ctdc_file() -> SimpleUploadedFile:
    line = {"yearOfRegistration": "2016", "Datasource": "Hotline", "gender": "Female", "citizenship": "PH"}
    content = ",".join(SURE_2018_COLUMNS) + "\n" + ",".join(line.get(c, "") for c in SURE_2018_COLUMNS) + "\n"
    return SimpleUploadedFile("victims.csv", content.encode(), content_type="text/csv")


def _import_data(w: World) -> dict[str, Any]:
    return {"name": IMPORTED, "file": _ctdc_file()}


def _our_datasets(w: World) -> object:
    return sorted(Dataset.objects.filter(organisation=w.org).values_list("name", flat=True))


def _ours_exists(w: World) -> object:
    return Dataset.objects.filter(pk=w.extras["ours"].pk).exists()


def _our_budget(w: World) -> object:
    return (
        Dataset.objects.filter(pk=w.extras["ours"].pk).values_list("epsilon_budget", "delta_budget").first()
    )


def _ours(view: str) -> Any:
    return lambda w: reverse(view, args=[w.extras["ours"].pk])


ROWS: tuple[Row, ...] = (
    Row(
        "insight:import",
        "GET",
        lambda w: reverse("insight:import"),
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor"),
        authorised="admin",
        ok_status=200,
        other_org_status=(200,),  # their own organisation's import page, which names no dataset
        never_shown=lambda w: OUR_DATASET,
    ),
    Row(
        "insight:import",
        "POST",
        lambda w: reverse("insight:import"),
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor"),
        authorised="analyst",
        ok_status=302,
        data=_import_data,
        state=_our_datasets,  # an outsider's import goes to their own organisation: ours never moves
        other_org_status=(302,),
    ),
    Row(
        "insight:delete",
        "GET",
        _ours("insight:delete"),
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
    ),
    Row(
        "insight:delete",
        "POST",
        _ours("insight:delete"),
        other_org="other_admin",
        denied=(*REFUSED, "supervisor"),
        authorised="admin",
        ok_status=302,
        state=_ours_exists,
    ),
    Row(
        "insight:budget",
        "POST",
        _ours("insight:budget"),
        other_org="other_admin",
        denied=(*REFUSED, "supervisor", "analyst"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"epsilon": "2.5", "delta": "0"},
        state=_our_budget,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_an_outsider_import_lands_in_their_own_organisation(world: World) -> None:
    """What the import row's other_org 302 means: a dataset of theirs, none of ours."""
    row = next(row for row in ROWS if row.view == "insight:import" and row.method == "POST")
    check_persona(row, "other_org", row.other_org, world)

    assert Dataset.objects.get(name=IMPORTED).organisation == world.other_org
