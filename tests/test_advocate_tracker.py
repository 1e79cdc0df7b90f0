"""The accountability tracker read from the shipped country reference data and the organisation's evidence, on
the advocacy pages and on the country pages and briefs (threefold/advocate/tracker.py, country_section.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.advocate import services, tracker
from threefold.advocate.core.indicators import Trend
from threefold.advocate.core.status import Basis, Status
from threefold.advocate.services import EvidenceInput, LawInput
from threefold.audit.models import Action, AuditEntry
from threefold.countries import access as country_access
from threefold.countries import services as country_services

pytestmark = pytest.mark.django_db

SOURCE = "Shadow report 4c1e to the CEDAW Committee"


@pytest.fixture
def shipped(db: None) -> None:
    country_services.load_shipped()


@pytest.fixture
def pair(org: Organisation, make_member: MakeMember) -> tuple[Actor, Actor]:
    return make_member(org, Role.ANALYST), make_member(org, Role.ORG_ADMIN)


def _tracker(actor: Actor, code: str) -> tracker.CountryTracker:
    info = country_access.country(code)
    assert info is not None
    return tracker.country_tracker(actor, info)


def _line(found: tracker.CountryTracker, ask: str) -> tracker.AskLine:
    line = found.line(ask)
    assert line is not None
    return line


def _approved(pair: tuple[Actor, Actor], code: str, **values: object) -> object:
    given = EvidenceInput(
        **{
            "ask": "ratify",
            "status": "partly_met",
            "as_of": dt.date(2024, 5, 1),
            "source_title": SOURCE,
            "source_url": "https://example.org/shadow.pdf",
            **values,
        }  # type: ignore[arg-type]
    )
    evidence = services.record_evidence(pair[0], code, given)
    return services.approve_evidence(pair[1], evidence, expected_version=evidence.version)


def test_a_country_that_ratified_has_ratify_met_with_its_date(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    line = _line(_tracker(pair[0], "USA"), "ratify")
    assert (line.status, line.basis) == (Status.MET, Basis.DATA)
    assert line.data_line is not None
    assert "3 Nov 2005" in line.data_line.text
    assert line.data_cited is not None
    assert line.data_cited.source.kind == "palermo_protocol"
    tha = _line(_tracker(pair[0], "THA"), "ratify")
    assert tha.point is not None
    assert tha.point.on == dt.date(2013, 10, 17)


def test_a_signature_in_a_stale_list_is_unknown_now_and_was_not_met_then(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    """Japan signed in 2002 and is not a party in the January 2014 list (it accepted the Protocol in 2017): twelve
    years on, the list cannot say "not met", so the status is unknown from 2017 and the history keeps 2002-2017."""
    line = _line(_tracker(pair[0], "JPN"), "ratify")
    assert line.status == Status.UNKNOWN
    assert [(p.on, p.status) for p in line.points] == [
        (dt.date(2002, 12, 9), Status.NOT_MET),
        (dt.date(2017, 1, 1), Status.UNKNOWN),
    ]
    assert line.data_line is not None
    assert "too old to rule out a later ratification" in line.data_line.text
    with freeze_time("2015-06-01"):
        assert _line(_tracker(pair[0], "JPN"), "ratify").status == Status.NOT_MET


def test_criminalisation_is_worded_by_snapshots_never_a_year_of_a_law(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    line = _line(_tracker(pair[0], "GHA"), "criminalise")
    assert line.status == Status.MET
    assert line.data_line is not None
    assert (
        line.data_line.text == "Trafficking was fully criminalised between 2001 and 2014 (not yet by 2001)."
    )
    # The timeline has both snapshots: not met in 2001, met by 2014.
    assert [(p.label, p.status) for p in line.points] == [("2001", Status.NOT_MET), ("2014", Status.MET)]


def test_a_censored_convictions_series_is_context_not_a_decline(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    line = _line(_tracker(pair[0], "GHA"), "prosecute")
    assert line.status == Status.UNKNOWN  # trends never give a status
    convictions = next(i for i in line.indicators if i.key == "convictions_trend")
    assert convictions.text.startswith("Too few years with a figure")
    assert "<5 in 2017" in convictions.text
    assert tracker.trend_of(
        country_access.glotip_series("GHA", tracker.TRENDS["convictions_trend"])
    ).trend == (Trend.TOO_FEW)


def test_newer_approved_evidence_gives_the_status_and_drafts_never_do(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    draft = services.record_evidence(
        pair[0],
        "USA",
        EvidenceInput("ratify", "not_met", dt.date(2025, 1, 1), "A draft", source_citation="somewhere"),
    )
    assert _line(_tracker(pair[0], "USA"), "ratify").basis == Basis.DATA
    evidence = _approved(pair, "USA")
    line = _line(_tracker(pair[0], "USA"), "ratify")
    assert (line.status, line.basis, line.evidence) == (Status.PARTLY_MET, Basis.EVIDENCE, evidence)
    assert draft.reference not in [p.reference for p in line.points]


def test_the_country_page_and_the_brief_show_the_status_on_every_ask_with_sources(
    shipped: None, pair: tuple[Actor, Actor], other_org: Organisation, make_member: MakeMember
) -> None:
    _approved(pair, "THA", ask="survivors")
    services.record_evidence(
        pair[0],
        "THA",
        EvidenceInput("identify", "met", dt.date(2025, 1, 1), "Draft title 9d2f", source_citation="x"),
    )
    member = login(Client(), make_member(pair[0].membership.organisation, Role.CASEWORKER))  # type: ignore[union-attr]
    for name in ("countries:country", "countries:brief"):
        page = member.get(reverse(name, args=["THA"])).content.decode()
        assert "Status on every ask" in page
        assert SOURCE in page  # the approved evidence, with its source
        assert "Draft title 9d2f" not in page  # drafts never
        assert "Party since 17 Oct 2013" in page  # the reference data, cited
        assert 'href="#source-palermo_protocol"' in page
    brief = member.get(reverse("countries:brief", args=["THA"])).content.decode()
    assert "https://example.org/shadow.pdf" in brief  # written out for paper
    outsider = login(Client(), make_member(other_org, Role.ANALYST))
    page = outsider.get(reverse("countries:country", args=["THA"])).content.decode()
    assert "Status on every ask" in page  # their own tracker...
    assert SOURCE not in page  # ...without our evidence


def test_the_overview_filters_and_downloads_a_csv_with_an_audit_entry(
    shipped: None, pair: tuple[Actor, Actor]
) -> None:
    _approved(pair, "GHA")
    services.create_review(pair[0], "NGA", LawInput("Act", dt.date(2015, 5, 26)))
    client = login(Client(), pair[0])
    page = client.get(reverse("advocate:tracker")).content.decode()  # followed countries by default
    assert ">Ghana</a>" in page
    assert ">Nigeria</a>" in page
    assert ">Thailand</a>" not in page
    assert "✓" in page
    assert "Partly met" in page
    page = client.get(reverse("advocate:tracker") + "?scope=all&status=regressed").content.decode()
    assert "No country matches these filters." in page
    page = client.get(reverse("advocate:tracker") + "?scope=all&q=thai").content.decode()
    assert ">Thailand</a>" in page
    response = client.get(reverse("advocate:tracker") + "?format=csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    ghana = {row["ask"]: row for row in rows if row["alpha3"] == "GHA"}
    assert ghana["ratify"]["status"] == "partly_met"
    assert ghana["ratify"]["basis"] == "evidence"
    assert ghana["ratify"]["source"] == "https://example.org/shadow.pdf"
    assert ghana["criminalise"]["status"] == "met"
    assert ghana["criminalise"]["basis"] == "data"
    assert ghana["criminalise"]["source"].startswith("Judith G. Kelley")
    assert ghana["prosecute"]["status"] == "unknown"
    assert len(rows) == 2 * 8
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_type="advocate.tracker").count() == 1


def test_the_ask_page_draws_the_timeline(shipped: None, pair: tuple[Actor, Actor]) -> None:
    _approved(pair, "GHA", ask="criminalise", status="regressed", as_of=dt.date(2024, 3, 1))
    client = login(Client(), pair[0])
    page = client.get(reverse("advocate:ask", args=["GHA", "criminalise"])).content.decode()
    assert "<svg" in page
    assert "status over time" in page
    assert "regression" in page
    assert "progress" in page
