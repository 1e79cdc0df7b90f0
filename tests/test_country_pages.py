"""The country pages (threefold/countries/views.py) on the data shipped with Threefold: what a member reads about a
country, in the brief, on the world map and in a comparison, and that every figure names its source."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember, login
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.countries import hooks, services
from threefold.countries.access import CriminalisationYear
from threefold.countries.models import CriminalisationLevel, GlotipFigure
from threefold.countries.views import criminalisation_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(org: Organisation, make_member: MakeMember) -> Client:
    services.load_shipped()
    return login(Client(), make_member(org, Role.TRAINER).user)


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_thailand_page_shows_every_kind_with_its_source(member: Client) -> None:
    response = member.get(reverse("countries:country", args=["tha"]))
    assert response.status_code == 200
    page = text(response)
    assert "Thailand" in page
    assert "17 Oct 2013" in page  # became a party to the Palermo Protocol (UNTC, January 2014)
    assert "18 Dec 2001" in page  # signed it
    assert "South-eastern Asia (035)" in page
    assert "fully criminalised between 2001 and 2014" in page
    assert "Tier 2 Watch List" in page
    assert "per 1,000 people" in page
    assert "Detected victims of trafficking" in page
    # Every kind is cited, with its date, in the numbered sources at the end.
    for anchor in ("source-palermo_protocol", "source-glotip", "source-tip_tiers", "source-walk_free"):
        assert f'id="{anchor}"' in page
        assert f'href="#{anchor}"' in page
    assert "as of 2014-01" in page
    assert "Printable advocacy brief" in page


def test_a_suppressed_count_is_shown_as_censored_never_as_zero(member: Client) -> None:
    censored = GlotipFigure.objects.filter(published_value="<5").order_by("country_alpha3").first()
    assert censored is not None
    page = text(member.get(reverse("countries:country", args=[censored.country_alpha3])))
    assert "&lt;5" in page
    assert "suppressed by UNODC" in page
    # In its chart: a hatched stub marked <5, not a column of height 0.
    assert 'fill="url(#page-' in page
    assert 'font-size="10">&lt;5</text>' in page


def test_united_states_ratification_date(member: Client) -> None:
    page = text(member.get(reverse("countries:country", args=["USA"])))
    assert "3 Nov 2005" in page
    assert "13 Dec 2000" in page


def test_every_treaty_links_to_its_depositary_for_the_status_today(member: Client) -> None:
    """The shipped UN lists are from January 2014 (Japan's 2017 acceptance is not in them): each row links to the
    depositary's current list, and the ask says the old list cannot rule out a later ratification."""
    page = text(member.get(reverse("countries:country", args=["JPN"])))
    assert "mtdsg_no=XVIII-12-a&amp;chapter=18" in page  # the Protocol at the UN Treaty Collection
    assert "mtdsg_no=XVIII-12&amp;chapter=18" in page  # UNTOC
    assert "treatynum=197" in page
    assert page.count("status today<span") == 4
    assert "too old to rule out a later ratification" in page


def test_an_incomplete_regional_list_says_so(member: Client) -> None:
    page = text(member.get(reverse("countries:country", args=["THA"])))
    assert "Not in Threefold&#x27;s list, which is incomplete" in page
    assert "(incomplete list)" in page or "This list is incomplete" in page
    viet_nam = text(member.get(reverse("countries:country", args=["VNM"])))
    assert "5 Jan 2017" in viet_nam  # ACTIP, with the page it was read from
    assert "https://asean.org/" in viet_nam


def test_unknown_country_is_404(member: Client) -> None:
    assert member.get(reverse("countries:country", args=["ATL"])).status_code == 404
    assert member.get(reverse("countries:brief", args=["XX"])).status_code == 404


def test_a_country_page_works_before_any_data_is_loaded(org: Organisation, make_member: MakeMember) -> None:
    client = login(Client(), make_member(org, Role.SCREENER).user)
    page = text(client.get(reverse("countries:country", args=["FRA"])))
    assert "France" in page
    assert "No data loaded." in page
    index = text(client.get(reverse("countries:index")))
    assert "No reference data is loaded yet" in index


def test_brief_is_printable_dated_and_lists_its_sources(member: Client) -> None:
    response = member.get(reverse("countries:brief", args=["THA"]))
    assert response.status_code == 200
    page = text(response)
    assert "Advocacy brief" in page
    assert "Generated on" in page
    assert "countries/countries.css" in page  # its A4 print styles
    assert page.index("Key facts") < page.index('id="sources-title"')  # sources at the end
    assert "17 Oct 2013" in page
    assert "data-print" in page


@pytest.fixture
def ask_provider() -> Iterator[None]:
    def provider(actor: object, alpha3: str) -> hooks.Section:
        return hooks.Section("countries/_test_ask.html", {"alpha3": alpha3})

    hooks.register_ask_status(provider)  # type: ignore[arg-type]
    yield
    hooks.unregister_ask_status(provider)  # type: ignore[arg-type]


def test_the_advocate_app_can_add_status_on_every_ask(
    member: Client, ask_provider: None, settings: object
) -> None:
    from django.template import engines

    engine = engines["django"].engine
    loader_backup = engine.template_loaders
    from django.template.loaders.locmem import Loader

    engine.template_loaders = [
        Loader(engine, {"countries/_test_ask.html": "<p>ASKS FOR {{ data.alpha3 }}</p>"}),
        *loader_backup,
    ]
    try:
        assert "ASKS FOR THA" in text(member.get(reverse("countries:country", args=["THA"])))
        assert "ASKS FOR THA" in text(member.get(reverse("countries:brief", args=["THA"])))
    finally:
        engine.template_loaders = loader_backup


def test_index_lists_searches_and_maps(member: Client) -> None:
    page = text(member.get(reverse("countries:index") + "?q=thai"))
    assert ">Thailand</a>" in page
    assert ">Viet Nam</a>" not in page  # in the list; the map draws every country
    region = text(member.get(reverse("countries:index") + "?region=South-eastern+Asia&indicator=prevalence"))
    assert ">Viet Nam</a>" in region
    assert ">France</a>" not in region
    assert "<svg" in region
    assert "Estimated prevalence of modern slavery" in region
    tiers = text(member.get(reverse("countries:index") + "?indicator=tier"))
    assert "Tier 2 Watch List" in tiers
    assert member.get(reverse("countries:index") + "?indicator=nope").status_code == 404


def test_map_downloads_as_svg(member: Client) -> None:
    for key in ("victims", "palermo", "prevalence"):
        response = member.get(reverse("countries:index") + f"?indicator={key}&format=svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "attachment" in response["Content-Disposition"]
        ET.fromstring(response.content)  # noqa: S314 - our own output


def test_ranking_with_chart_table_and_csv(member: Client) -> None:
    url = reverse("countries:compare") + "?indicator=prevalence&region=South-eastern+Asia"
    page = text(member.get(url))
    assert "Thailand" in page
    assert "<svg" in page
    response = member.get(url + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["alpha3"] for row in rows} >= {"THA", "VNM", "KHM"}
    assert all(row["m49_region"] == "Asia" for row in rows)
    assert all("Walk Free" in row["source"] for row in rows)
    values = [float(row["value"]) for row in rows]
    assert values == sorted(values, reverse=True)
    svg = member.get(url + "&format=svg")
    assert svg["Content-Type"].startswith("image/svg+xml")


def test_suppressed_counts_rank_last_and_are_never_zero_in_the_csv(member: Client) -> None:
    response = member.get(reverse("countries:compare") + "?indicator=convicted&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    censored = [row for row in rows if row["censored_below"]]
    assert censored
    assert all(row["value"] == "" and row["text"] == "<5" for row in censored)
    assert rows[-len(censored) :] == censored


def test_side_by_side(member: Client) -> None:
    url = reverse("countries:compare") + "?indicator=victims&c=THA&c=VNM&c=ZZZ"
    page = text(member.get(url))
    assert "Side by side" in page
    assert "Not a country code: ZZZ" in page
    assert "Viet Nam" in page
    response = member.get(url + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["alpha3"] for row in rows} == {"THA", "VNM"}
    palermo = {row["alpha3"]: row["text"] for row in rows if row["indicator"] == "palermo"}
    assert palermo["THA"] == "party since 2013"


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ([(2001, "full"), (2014, "full")], "fully criminalised by 2001"),
        ([(2001, "partial"), (2014, "full")], "fully criminalised between 2001 and 2014"),
        ([(2001, "none"), (2014, "partial")], "not fully criminalised by 2014"),
    ],
)
def test_criminalisation_is_never_given_a_year_the_source_does_not_give(
    years: list[tuple[int, str]], expected: str
) -> None:
    summary = criminalisation_summary(
        [CriminalisationYear(y, CriminalisationLevel(level)) for y, level in years]
    )
    assert expected in summary
