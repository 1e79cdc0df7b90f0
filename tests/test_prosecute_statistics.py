"""Prosecution statistics: small counts hidden as insight hides them, sub-population tables published only when
their size is already shown, differences between tables of the same field checked, consent respected, every
table audited, and the national GLOTIP figures beside the organisation's own (or a word that they are missing)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.countries import access as countries_access
from threefold.insight.core.frame import Frame
from threefold.prosecute import services
from threefold.prosecute import statistics as stats
from threefold.prosecute.core import outcomes
from threefold.protect import case_services
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.victim_context import VictimContext

K = stats.K


def _records(points: dict[str, int], **fields: Any) -> list[dict[str, str]]:
    """Synthetic case records: ``points`` cases at each point; other fields set by a function of the index."""
    found = []
    for point, count in points.items():
        for i in range(count):
            record = dict.fromkeys(outcomes.FIELDS, "")
            record["point"] = point
            for flag in outcomes.FLAGS:
                record[flag] = "0"
            if point != "none":
                record["year_investigated"] = "2024"
            for name, make in fields.items():
                record[name] = make(point, i)
            found.append(record)
    return found


def _counted(
    records: list[dict[str, str]], amounts: dict[str, list[tuple[Decimal, Decimal]]] | None = None
) -> stats.Counted:
    frame = Frame.from_records(outcomes.FIELDS, [tuple(r[f] for f in outcomes.FIELDS) for r in records])
    return stats.Counted(frame, tuple(records), amounts or {})


def _result(actor: Actor, records: list[dict[str, str]], **kwargs: Any) -> stats.Statistics:
    return stats._statistics(actor, _counted(records, **kwargs), stats.National("FR", "France", loaded=False))


def _shown(cells: Iterable[Any]) -> list[int]:
    return [cell.value for cell in cells if cell.shown]


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


POINTS = {"none": 13, "investigation": 11, "prosecution": 4, "trial": 3, "not_convicted": 5, "convicted": 12}


@pytest.mark.django_db
def test_small_counts_are_hidden_and_the_funnel_shows_only_what_can_be_worked_out(analyst: Actor) -> None:
    result = _result(analyst, _records(POINTS))
    points = result.figure("points")
    assert points is not None
    assert _shown(cell for _label, cell in points.rows) == [13, 11, 12]
    for _label, cell in points.rows:
        assert cell.shown or cell.value is None  # a hidden count carries no number at all
    funnel = {step.key: step.cell for step in result.funnel}
    assert funnel["identified"].value == 48
    assert funnel["investigated"].value == 35  # 48 - 13
    assert funnel["prosecuted"].value == 24  # 48 - 13 - 11: the three hidden ones together
    assert not funnel["tried"].shown  # needs "charges brought, no trial yet" alone: hidden
    assert not funnel["verdict"].shown
    assert funnel["convicted"].value == 12
    # A table of cases with a verdict would reveal their number, which the main table hides.
    time_to_verdict = result.figure("time_to_verdict")
    assert time_to_verdict is not None
    assert not time_to_verdict.published
    assert "hidden in the main table" in time_to_verdict.withheld
    assert result.figure("convicted_by_year").published  # type: ignore[union-attr]


@pytest.mark.django_db
def test_every_table_is_audited_with_its_field_never_its_counts(analyst: Actor) -> None:
    _result(analyst, _records(POINTS))
    tables = AuditEntry.objects.filter(action=Action.VIEW, object_type="insight.table", object_id="prosecute")
    fields = [entry.details["by"] for entry in tables]
    assert ["point"] in fields
    assert ["year_convicted"] in fields
    for entry in tables:
        assert set(entry.details) == {"by", "k", "filters"}
        assert entry.details["k"] == K


@pytest.mark.django_db
def test_a_table_whose_total_is_known_is_withheld_if_that_would_pin_a_count(analyst: Actor) -> None:
    """11 convictions with a prison term of 1 to 3 years and 1 under a year: the sentence table hides the 1 and
    its own total, but the main table shows that there are 12 convictions: 12 - 11 = 1."""
    records = _records(
        POINTS,
        sentence=lambda point, i: ("12to35" if i < 11 else "lt12") if point == "convicted" else "",
    )
    sentences = _result(analyst, records).figure("sentences")
    assert sentences is not None
    assert not sentences.published
    assert "would reveal a small count" in sentences.withheld


@pytest.mark.django_db
def test_forms_of_exploitation_are_withheld_when_a_difference_would_be_small(analyst: Actor) -> None:
    # Sexual exploitation: 14 of all cases, 11 of those investigated, so 3 without a proceeding: withheld.
    # Forced labour: 0 without a proceeding, and differences of 0 or at least k: published.
    def sexual(point: str, i: int) -> str:
        return "1" if (point == "none" and i < 3) or (point == "investigation" and i < 11) else "0"

    def labour(point: str, i: int) -> str:
        return "1" if point == "convicted" else "0"

    result = _result(analyst, _records(POINTS, isSexualExploit=sexual, isForcedLabour=labour))
    investigated = result.figure("forms_investigated")
    assert investigated is not None
    labels = [label for label, _cell in investigated.rows]
    assert "Sexual exploitation" not in labels
    assert "Sexual exploitation" in investigated.note
    assert "Forced labour" in labels
    convicted = result.figure("forms_convicted")
    assert convicted is not None
    assert dict(convicted.rows)["Forced labour"].value == 12


@pytest.mark.django_db
def test_sums_of_compensation_need_enough_cases_and_no_dominant_one(analyst: Actor) -> None:
    even = [(Decimal(3000), Decimal(1000))] * 12
    result = _result(analyst, _records(POINTS), amounts={"EUR": even, "GBP": even[:4]})
    by_currency = {amount.currency: amount for amount in result.amounts}
    assert by_currency["EUR"].ordered == Decimal(36000)
    assert by_currency["EUR"].paid == Decimal(12000)
    assert round(by_currency["EUR"].paid_share or 0) == 33
    assert by_currency["GBP"].ordered is None
    assert by_currency["GBP"].why == "threshold"


def _survivor(actor: Actor, name: str, *, consents: bool, exploitation: str = "ForcedLabour") -> Any:
    given, family = name.split()
    person = protect_services.create_person(actor, Identity(given, family))
    case = case_services.open_case(
        actor,
        person,
        reason="Referred by the outreach team",
        context=VictimContext(exploitation_types=(exploitation,)),
    )
    if consents:
        consent_services.record_consent(
            actor, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )
    return case


@pytest.mark.django_db
def test_only_consenting_cases_are_counted_and_the_reading_is_audited(
    org: Organisation, analyst: Actor, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    counted = _survivor(caseworker, "Ana Lupu", consents=True)
    _survivor(caseworker, "Ioana Rusu", consents=False)
    services.open_proceeding(
        caseworker, counted, jurisdiction="fr", opened_on=date.today() - timedelta(days=30)
    )
    result = stats.counted_cases(analyst)
    assert [record["point"] for record in result.records] == ["investigation"]
    assert result.records[0]["isForcedLabour"] == "1"
    entry = AuditEntry.objects.get(object_type="prosecute.own_cases")
    assert entry.details == {"cases": 1}
    with pytest.raises(PermissionDenied):
        stats.statistics(caseworker)


@pytest.mark.django_db
def test_the_page_and_its_files_show_no_small_count(
    org: Organisation, analyst: Actor, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    for name in ("Ana Lupu", "Elena Stan", "Maria Popa"):
        case = _survivor(caseworker, name, consents=True)
        services.open_proceeding(
            caseworker, case, jurisdiction="fr", opened_on=date.today() - timedelta(days=30)
        )
    client = login(Client(), analyst)
    page = client.get(reverse("prosecute:statistics")).content.decode()
    assert "fewer than 11" in page
    assert "Lupu" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("prosecute:statistics") + "?table=points&format=csv").content.decode()
            )
        )
    )
    assert rows
    assert all(row["count"] in ("", "0") for row in rows)  # 3 cases: nothing but zeros can be shown
    assert {row["status"] for row in rows} >= {"fewer than 11"}
    assert client.get(reverse("prosecute:statistics") + "?table=nothing&format=csv").status_code == 404
    assert client.get(reverse("prosecute:statistics") + "?table=points&format=xlsx").status_code == 404


@pytest.mark.django_db
def test_without_glotip_data_the_page_says_so(analyst: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats.countries, "source", lambda kind: None)
    national = stats.national_figures(analyst)
    assert not national.loaded
    client = login(Client(), analyst)
    assert "figures are not loaded" in client.get(reverse("prosecute:statistics")).content.decode()


@pytest.mark.django_db
def test_the_national_figures_stand_beside_the_organisations_own(
    analyst: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = countries_access.SourceInfo(
        "glotip", "glotip.xlsx", "0" * 64, timezone.now(), "UNODC GLOTIP", ""
    )
    series = {
        "Persons prosecuted": [countries_access.GlotipPoint(2024, 1773, None, 10)],
        "Persons convicted": [countries_access.GlotipPoint(2024, None, 5, 11)],
    }
    monkeypatch.setattr(stats.countries, "source", lambda kind: source)
    monkeypatch.setattr(
        stats.countries,
        "glotip_series",
        lambda alpha3, indicator: series[str(indicator)] if alpha3 == "FRA" else [],
    )
    national = stats.national_figures(analyst)
    assert national.loaded
    assert national.name == "France"
    result = _result(
        analyst, _records(POINTS, year_convicted=lambda point, i: "2024" if point == "convicted" else "")
    )
    rows = {row.year: row for row in stats.with_own(national, result).rows}
    assert rows[2024].prosecuted == "1,773"
    assert rows[2024].convicted == "<5"  # kept as UNODC published it, never as a number
    assert rows[2024].own_convicted == "12"
