"""Four-persona rows for the screening API: store an anonymous screening, read one back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, check_persona, personas
from tests.test_personas_identify_screening import build_screening_world
from threefold.accounts.models import Organisation
from threefold.identify.models import Channel, Screening


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_screening_world(org, other_org, make_member)


def _api_screenings(w: World) -> object:
    return Screening.objects.filter(organisation=w.org, channel=Channel.API).count()


ROWS: tuple[Row, ...] = (
    Row(
        "api:screenings",
        "POST",
        lambda w: reverse("api:screenings"),
        other_org="other_caseworker",
        denied=("trainer", "admin", "deactivated"),
        authorised="screener",
        ok_status=201,
        data=lambda w: {
            "instrument": "quick_youth_indicators",
            "setting": "outreach",
            "answers": {"q_told_to_lie": "yes"},
        },
        shows=lambda w: '"outcome":"positive"',
        secret=lambda w: w.org.name,
        state=_api_screenings,
        api=True,
        # An outsider stores a screening in their own organisation; ours is untouched (checked by ``state``).
        other_org_status=(201,),
    ),
    Row(
        "api:screening",
        "GET",
        lambda w: reverse("api:screening", args=[w.extras["complete"].reference]),
        other_org="other_caseworker",
        denied=("unassigned_caseworker", "screener", "legal_officer", "trainer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: '"q_afraid_to_leave"',
        api=True,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
