"""Four-persona rows for the country pages (threefold/countries/views.py).

Country reference data is public fact, but Threefold is for members: every signed-in member of an organisation
reads the pages, whatever their role and whichever organisation they act for (``countries.view``). So a member of
the other organisation is served too (200, and sees nothing of ours: there is nothing of ours on these pages), and
the refused callers are the signed-in users who act for no organisation: one who never had a membership and one
whose membership was deactivated. Anonymous callers are sent to the login page like everywhere else.

The world adds to ``test_personas.build_world`` the reference data shipped with Threefold.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import SURVIVOR, Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.countries import services

NO_ORGANISATION = ("loner", "deactivated")


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    services.load_shipped()
    return world


def _survivor(w: World) -> str:
    return SURVIVOR


ROWS: tuple[Row, ...] = (
    Row(
        "countries:index",
        "GET",
        lambda w: reverse("countries:index") + "?q=thai",
        other_org="other_caseworker",
        denied=NO_ORGANISATION,
        authorised="screener",
        ok_status=200,
        shows=lambda w: ">Thailand</a>",
        secret=_survivor,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "countries:country",
        "GET",
        lambda w: reverse("countries:country", args=["THA"]),
        other_org="other_supervisor",
        denied=NO_ORGANISATION,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "17 Oct 2013",  # Thailand became a party to the Palermo Protocol
        secret=_survivor,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "countries:brief",
        "GET",
        lambda w: reverse("countries:brief", args=["USA"]),
        other_org="other_admin",
        denied=NO_ORGANISATION,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: "3 Nov 2005",  # the United States became a party to the Palermo Protocol
        secret=_survivor,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "countries:compare",
        "GET",
        lambda w: reverse("countries:compare") + "?indicator=palermo&c=THA&c=USA",
        other_org="other_caseworker",
        denied=NO_ORGANISATION,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "party since 2013",
        secret=_survivor,
        other_org_status=(200,),
        denied_status=(403,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
