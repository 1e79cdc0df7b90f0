"""Four-persona rows for a person's consent pages (threefold/consent/views.py).

The world adds to ``test_personas.build_world``: a consent to services given by the survivor's maternal aunt
(recorded by the assigned caseworker) and an override for statistics recorded by the supervisor, whose reason
only people who may open the person may read.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import SURVIVOR, Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.consent import services
from threefold.consent.models import Consent, Method, Purpose

RELATIONSHIP = "maternal aunt"
OVERRIDE_REASON = "Court ordered review of the witness file today"


def build_consent_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.extras["consent"] = services.record_consent(
        world.actors["caseworker"],
        world.person,
        Purpose.SERVICES,
        Method.GUARDIAN,
        timezone.now(),
        guardian_relationship=RELATIONSHIP,
    )
    world.extras["override"] = services.require(
        world.actors["supervisor"], world.person, Purpose.STATISTICS, override_reason=OVERRIDE_REASON
    ).override
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_consent_world(org, other_org, make_member)


def _url(name: str) -> Any:
    return lambda w: reverse(f"consent:{name}", args=[w.person.reference])


def _withdraw_url(w: World) -> str:
    return reverse("consent:withdraw", args=[w.person.reference, w.extras["consent"].pk])


def _consents(w: World) -> object:
    return Consent.objects.filter(person=w.person).count()


def _withdrawn(w: World) -> object:
    return Consent.objects.get(pk=w.extras["consent"].pk).withdrawn_at is not None


# The person is assigned to the caseworker and the legal officer. Everyone else of our organisation is refused:
# the supervisor too (not assigned: they break the glass to open the record, consent page included).
NOT_READERS = ("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "loner")
# The legal officer may read the record and its consents but not record or withdraw them.
NOT_CHANGERS = ("legal_officer", *NOT_READERS)

ROWS: tuple[Row, ...] = (
    Row(
        "consent:consents",
        "GET",
        _url("consents"),
        other_org="other_caseworker",
        denied=NOT_READERS,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: OVERRIDE_REASON,
    ),
    Row(
        "consent:record",
        "GET",
        _url("record"),
        other_org="other_caseworker",
        denied=NOT_CHANGERS,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: 'name="guardian_relationship"',
        secret=lambda w: SURVIVOR,
    ),
    Row(
        "consent:record",
        "POST",
        _url("record"),
        other_org="other_caseworker",
        denied=NOT_CHANGERS,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "purpose": Purpose.CONTACT,
            "method": Method.VERBAL,
            "given_at": timezone.localdate().isoformat(),
            "confirm": "on",
        },
        state=_consents,
    ),
    Row(
        "consent:withdraw",
        "GET",
        _withdraw_url,
        other_org="other_caseworker",
        denied=NOT_CHANGERS,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: RELATIONSHIP,
    ),
    Row(
        "consent:withdraw",
        "POST",
        _withdraw_url,
        other_org="other_caseworker",
        denied=NOT_CHANGERS,
        authorised="caseworker",
        ok_status=302,
        state=_withdrawn,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    assert world.extras["consent"].withdrawn_at is None
    assert world.extras["override"] is not None
    assert not world.person.assigned_to.filter(pk=world.user("supervisor").pk).exists()
