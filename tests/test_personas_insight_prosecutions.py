"""Four-persona rows for the pages and endpoints of a US federal prosecutions dataset (threefold/insight/
prosecution_views.py, reached through the dashboard and count pages; the import page's second kind; the API's
tables of it).

The world is the statistics pages' (tests/test_personas_insight.py) with prosecution datasets instead: one of our
organisation (its name is the secret) and one of the other organisation, and API tokens for the two analysts.
Statistics are read by supervisors, analysts and org admins of the dataset's organisation; analysts and org
admins import; caseworkers, screeners, trainers and members of nobody are refused everything.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import prosecution_files as pf
from tests.conftest import MakeMember
from tests.test_personas import OUTSIDER_TOKEN_NAME, Row, World, build_world, check_persona, personas
from tests.test_personas_insight import REFUSED
from tests.test_personas_insight_api import API_REFUSED
from threefold.accounts import services as account_services
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight import services
from threefold.insight.models import Dataset

OUR_DATASET = "Federal prosecutions register 4c8d"
THEIR_DATASET = "Other prosecutions register 7e21"
IMPORTED = "Prosecutions imported by a persona 2b9f"


STATES = ["CA"] * 30 + ["NY"] * 7 + ["WA"] * 6


def _texts() -> tuple[str, str, str]:
    """30 cases in California, 7 in New York and 6 in Washington: the 7 and the 6 are fewer than 11 (and hide
    each other) in every table."""
    cases = [pf.case(405 + i, state=state) for i, state in enumerate(STATES)]
    defendants = [pf.defendant(1797 + i, 405 + i) for i in range(len(STATES))]
    judges = [pf.judge(i, 405 + i) for i in range(len(STATES))]
    return pf.texts(cases, defendants, judges)


def _dataset(organisation: Organisation, name: str) -> Dataset:
    texts = _texts()
    dataset, _parsed = services.import_prosecutions(
        services.Importer(organisation, system_label="system:test"),
        *(pf.lines(text) for text in texts),
        name=name,
        file_names=["cases.csv", "defendants.csv", "judges.csv"],
        file_sha256s=[services.sha256_of(f"{name}{i}".encode()) for i in range(3)],
    )
    return dataset


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    for key in ("analyst", "other_analyst"):
        name = OUTSIDER_TOKEN_NAME if key.startswith("other_") else f"{key} token"
        _token, world.raw_tokens[key] = account_services.create_api_token(world.actors[key], name)
    world.extras.update(ours=_dataset(org, OUR_DATASET), theirs=_dataset(other_org, THEIR_DATASET))
    return world


def _ours(view: str, query: str = "") -> Any:
    return lambda w: reverse(view, args=[w.extras["ours"].pk]) + query


def _import_data(w: World) -> dict[str, Any]:
    names = ("cases_file", "defendants_file", "judges_file")
    files = {
        name: SimpleUploadedFile(f"{name}.csv", content.encode(), content_type="text/csv")
        for name, content in zip(names, _texts(), strict=True)
    }
    return {"kind": "us_prosecutions", "name": IMPORTED, **files}


def _our_datasets(w: World) -> object:
    return sorted(Dataset.objects.filter(organisation=w.org).values_list("name", flat=True))


ROWS: tuple[Row, ...] = (
    Row(
        "insight:dashboard",
        "GET",
        _ours("insight:dashboard"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        # New York's seven cases, defendants and judges: never counted aloud, in any chart or table.
        never_shown=lambda w: ">7<",
    ),
    Row(
        "insight:dashboard",
        "GET",
        _ours("insight:dashboard", "?chart=states&format=csv"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "CA,30,shown",
        never_shown=lambda w: "NY,7,",
    ),
    Row(
        "insight:table",
        "GET",
        _ours("insight:table", "?table=defendants&rows=case_state"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        never_shown=lambda w: ">7<",
    ),
    Row(
        "insight:import",
        "GET",
        lambda w: reverse("insight:import") + "?kind=us_prosecutions",
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "Judges file",
        secret=lambda w: OUR_DATASET,  # the page names no dataset, for anyone
        other_org_status=(200,),  # their own organisation's import page
    ),
    Row(
        "insight:import",
        "POST",
        lambda w: reverse("insight:import"),
        other_org="other_analyst",
        denied=(*REFUSED, "supervisor"),
        authorised="admin",
        ok_status=302,
        data=_import_data,
        state=_our_datasets,  # an outsider's import goes to their own organisation: ours never moves
        other_org_status=(302,),
    ),
    Row(
        "api:insight_table",
        "GET",
        lambda w: reverse("api:insight_table") + f"?source={w.extras['ours'].pk}&by=case_state&table=judges",
        other_org="other_analyst",
        denied=API_REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        never_shown=lambda w: '"count":7,',
        api=True,
    ),
    Row(
        "api:insight_dataset",
        "GET",
        _ours("api:insight_dataset"),
        other_org="other_analyst",
        denied=API_REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_DATASET,
        api=True,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_an_outsider_import_lands_in_their_own_organisation(world: World) -> None:
    row = next(row for row in ROWS if row.view == "insight:import" and row.method == "POST")
    check_persona(row, "other_org", row.other_org, world)

    imported = Dataset.objects.get(name=IMPORTED)
    assert imported.organisation == world.other_org
    assert imported.table_sizes == {"cases": 43, "defendants": 43, "judges": 43}
