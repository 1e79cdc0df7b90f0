"""Four-persona rows for the de-duplication review (threefold/protect/duplicate_views.py).

The world of tests/test_personas.py plus two records of one person (an open pair, likely) and two more already
merged (for the list of merges and undo), all of our organisation, and a running scan of ours. Reviewing
duplicates is a supervisor's job in their own organisation: every other role of ours is refused; the other
organisation's supervisor gets their own (empty) queue and list, and a 404 for anything of ours.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.protect import duplicate_services
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.models import DuplicatePair, DuplicateScan, PairStatus, Person, PersonMerge

FIRST = "Olena Kovalenko"
SECOND = "Олена Коваленко"
MERGED_GIVEN = "Amara"
REFUSED = ("caseworker", "unassigned_caseworker", "legal_officer", "screener", "trainer", "admin", "loner")


def _person(w: World, given: str, family: str, born: date) -> Person:
    return protect_services.create_person(
        w.actors["caseworker"], Identity(given, family, date_of_birth=born, gender="Feminine")
    )


def _pair(w: World, a: Person, b: Person) -> DuplicatePair:
    first, second = sorted((a, b), key=lambda p: p.pk)
    return DuplicatePair.objects.create(
        organisation=w.org, person_a=first, person_b=second, probability=0.987, band="likely"
    )


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    w = build_world(org, other_org, make_member)
    a = _person(w, "Olena", "Kovalenko", date(1990, 5, 14))
    b = _person(w, "Олена", "Коваленко", date(1990, 5, 14))
    c = _person(w, MERGED_GIVEN, "Obiageli", date(1987, 9, 2))
    d = _person(w, "Obiageli", MERGED_GIVEN, date(1987, 9, 2))
    merged_pair = _pair(w, c, d)
    merge = duplicate_services.merge(
        w.actors["supervisor"], merged_pair, keep=c.pk, versions={c.pk: c.version, d.pk: d.version}
    )
    # Running for two hours: its worker is gone, so it shows its progress but no longer blocks a new scan.
    scan = DuplicateScan.objects.create(
        organisation=org,
        started_by=w.user("supervisor"),
        seed=1,
        progress=37,
        started_at=timezone.now() - timedelta(hours=2),
    )
    w.extras.update(a=a, b=b, pair=_pair(w, a, b), merge=merge, scan=scan, kept=c, merged=d)
    return w


def _url(view: str, key: str) -> Any:
    return lambda w: reverse(view, args=[w.extras[key].pk])


def _our_scans(w: World) -> object:
    return DuplicateScan.objects.filter(organisation=w.org).count()


def _pair_status(w: World) -> object:
    return DuplicatePair.objects.get(pk=w.extras["pair"].pk).status


def _b_merged_into(w: World) -> object:
    return Person.objects.get(pk=w.extras["b"].pk).merged_into_id


def _merge_undone(w: World) -> object:
    return PersonMerge.objects.get(pk=w.extras["merge"].pk).undone_at is not None


def _merge_form(w: World) -> dict[str, Any]:
    a, b = Person.objects.get(pk=w.extras["a"].pk), Person.objects.get(pk=w.extras["b"].pk)
    first, second = sorted((a, b), key=lambda p: p.pk)
    return {"keep": a.pk, "version_a": first.version, "version_b": second.version}


ROWS: tuple[Row, ...] = (
    Row(
        "protect:duplicates",
        "GET",
        lambda w: reverse("protect:duplicates"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: FIRST,
        other_org_status=(200,),  # their own organisation's queue
    ),
    Row(
        "protect:start_duplicate_scan",
        "POST",
        lambda w: reverse("protect:start_duplicate_scan"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=302,
        state=_our_scans,
        data=lambda w: {},
        other_org_status=(302,),  # a scan of their own organisation; ours never moves
    ),
    Row(
        "protect:duplicate_scan_progress",
        "GET",
        _url("protect:duplicate_scan_progress", "scan"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "37% done",
    ),
    Row(
        "protect:merge_duplicates",
        "GET",
        _url("protect:merge_duplicates", "pair"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: SECOND,
    ),
    Row(
        "protect:merge_duplicates",
        "POST",
        _url("protect:merge_duplicates", "pair"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=302,
        data=_merge_form,
        state=_b_merged_into,
    ),
    Row(
        "protect:dismiss_duplicates",
        "POST",
        _url("protect:dismiss_duplicates", "pair"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=302,
        state=_pair_status,
    ),
    Row(
        "protect:merges",
        "GET",
        lambda w: reverse("protect:merges"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: w.extras["merged"].reference,
        never_shown=lambda w: MERGED_GIVEN,  # references only: the list reads no identity
        other_org_status=(200,),  # their own organisation's merges
    ),
    Row(
        "protect:undo_merge",
        "POST",
        _url("protect:undo_merge", "merge"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=302,
        state=_merge_undone,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    assert DuplicatePair.objects.get(pk=world.extras["pair"].pk).status == PairStatus.OPEN
    assert Person.objects.get(pk=world.extras["merged"].pk).merged_into_id == world.extras["kept"].pk
    assert DuplicateScan.objects.get(pk=world.extras["scan"].pk).status == "running"
