"""Four-persona rows for the data-rights pages (threefold/protect/subject_views.py).

The world adds to ``test_personas.build_world`` a retention policy of our organisation (97 months), so that the
other organisation's admin, who sees the same page for their own organisation, can be shown not to see ours.
A copy of a person's data is for a supervisor or legal officer who may open the person (the assigned legal
officer here); erasure is for a supervisor of the person's organisation.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.test_personas import test_sensitive_views_ask_for_reauthentication as check_reauthentication
from threefold.accounts.models import Organisation
from threefold.protect.models import ErasureCategory, Person, RetentionPolicy

SURVIVOR = "Olga Petrova"
OUR_MONTHS = 97


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    RetentionPolicy.objects.create(organisation=org, close_to_erase_months=OUR_MONTHS)
    return world


def _ref(w: World) -> str:
    return w.person.reference


def _erased(w: World) -> object:
    return Person.objects.get(pk=w.person.pk).erased_at is not None


def _our_months(w: World) -> object:
    return RetentionPolicy.objects.get(organisation=w.org).close_to_erase_months


# Exporting needs a supervisor or legal officer who may open the person: the supervisor is not assigned.
CANNOT_EXPORT = ("caseworker", "unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "loner")
CANNOT_ERASE = ("caseworker", "legal_officer", "screener", "trainer", "admin", "loner")

ROWS: tuple[Row, ...] = (
    Row(
        "protect:subject_data",
        "GET",
        lambda w: reverse("protect:subject_data", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=CANNOT_EXPORT,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: "Petrova",
    ),
    Row(
        "protect:subject_data_json",
        "GET",
        lambda w: reverse("protect:subject_data_json", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=CANNOT_EXPORT,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: '"given_names": "Olga"',
        secret=lambda w: "Petrova",
    ),
    Row(
        "protect:erase_subject",
        "GET",
        lambda w: reverse("protect:erase_subject", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=CANNOT_ERASE,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: 'name="confirm_reference"',
        never_shown=lambda w: SURVIVOR,  # a supervisor erases by reference; the page shows no identity
        reauth=True,
    ),
    Row(
        "protect:erase_subject",
        "POST",
        lambda w: reverse("protect:erase_subject", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=CANNOT_ERASE,
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {
            "category": ErasureCategory.SURVIVOR_REQUEST,
            "reason": "She asked us in writing to erase her record",
            "confirm_reference": _ref(w),
        },
        state=_erased,
        reauth=True,
    ),
    Row(
        "protect:retention",
        "GET",
        lambda w: reverse("protect:retention"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="close_to_erase_months"',
        # The other admin sees the same form for their own organisation, with the default.
        secret=lambda w: f'value="{OUR_MONTHS}"',
        other_org_status=(200,),
    ),
    Row(
        "protect:retention",
        "POST",
        lambda w: reverse("protect:retention"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"close_to_erase_months": 60},
        state=_our_months,
        # The other organisation's admin sets their own organisation's policy: ours is untouched.
        other_org_status=(302,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
@pytest.mark.parametrize("row", [pytest.param(row, id=row.id) for row in ROWS if row.reauth])
def test_erasure_asks_for_reauthentication(row: Row, world: World) -> None:
    check_reauthentication(row, world)
