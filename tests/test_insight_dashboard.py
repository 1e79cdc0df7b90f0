"""The dashboards (threefold/insight/dashboard.py): a page of protected charts for an imported dataset (with
filters) or for the organisation's own consenting cases (without), their CSV and SVG downloads, and the page
comparing own cases with a dataset as shares of each total. A small count is never printed, anywhere."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from tests.insight_datasets import dataset_of
from tests.test_insight import give_statistics_consent, open_case
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.disclosure import DEFAULT_K, Status
from threefold.insight.core.frame import Frame
from threefold.insight.dashboard import CHARTS
from threefold.insight.models import Dataset
from threefold.protect.models import Person

MakePerson = Callable[..., Person]
SVG = "{http://www.w3.org/2000/svg}"
FEWER = f"fewer than {DEFAULT_K}"

COLUMNS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "isSexualExploit",
    "isForcedLabour",
    "isOtherExploit",
)
# 114 records. The three Cambodian minors of 2021 are the small group: fewer than 11 by gender, age band,
# citizenship and type of exploitation. No shown count ends in 3, so that "3</td>" can only be theirs.
RECORDS = (
    [("2019", "Female", "18--20", "TH", "MY", "1", "0", "0")] * 40
    + [("2020", "Male", "30--38", "MM", "TH", "0", "1", "0")] * 25
    + [("2020", "Female", "18--20", "VN", "CN", "1", "0", "0")] * 30
    + [("2021", "Transgender", "9--17", "KH", "TH", "0", "0", "1")] * 3
    + [("2021", "Female", "21--23", "PH", "MY", "0", "1", "0")] * 16
)
TOTAL = len(RECORDS)
NAME = "Mekong shelters 2019-2021"


def make_dataset(organisation: Organisation, name: str = NAME) -> Dataset:
    frame = Frame.from_records(COLUMNS, RECORDS)
    return dataset_of(organisation, name, frame)


@pytest.fixture
def dataset(org: Organisation) -> Dataset:
    return make_dataset(org)


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


@pytest.fixture
def browser(analyst: Actor) -> Client:
    return login(Client(), analyst)


def dashboard(source: Dataset | str, query: str = "") -> str:
    key = source.pk if isinstance(source, Dataset) else source
    return reverse("insight:dashboard", args=[key]) + (f"?{query}" if query else "")


def compare(dataset: Dataset, query: str = "") -> str:
    return reverse("insight:compare", args=[dataset.pk]) + (f"?{query}" if query else "")


def text(response: Any) -> str:
    return response.content.decode()


def figures(response: Any) -> dict[str, dict[str, tuple[Status, int | None]]]:
    """Each chart's rows as the page was given them: {chart key: {label: (status, value)}}."""
    return {
        figure.spec.key: {label: (cell.status, cell.value) for label, cell in figure.rows}
        for figure, _svg in response.context["figures"]
    }


def totals(response: Any) -> dict[str, int | None]:
    return {
        figure.spec.key: figure.total.value
        for figure, _svg in response.context["figures"]
        if figure.total is not None
    }


def read_csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text(response))))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def inline_svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)


class Audit:
    """The audit entries written from now on."""

    def __init__(self) -> None:
        self.since = AuditEntry.objects.aggregate(seq=Max("seq"))["seq"] or 0

    def tables(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(seq__gt=self.since, action=Action.VIEW, object_type="insight.table")
        )

    def all(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(seq__gt=self.since))


CHART_FIELDS = [
    ["yearOfRegistration"],
    ["isSexualExploit"],
    ["isForcedLabour"],
    ["isOtherExploit"],
    ["gender"],
    ["ageBroad"],
    ["citizenship"],
    ["CountryOfExploitation"],
]


# --- a dataset's dashboard -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_shows_every_chart_and_never_a_small_count(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset))

    assert response.status_code == 200
    page = text(response)
    assert NAME in page
    for spec in CHARTS:
        assert f'<h2 id="{spec.key}-title">{spec.title}</h2>' in page
    assert [figure.spec.key for figure, _svg in response.context["figures"]] == [spec.key for spec in CHARTS]
    # The three Cambodian minors are never counted aloud: not in a table, not in a chart, not in a title.
    assert ">3<" not in page
    assert "3</td>" not in page
    assert ": 3<" not in page
    assert FEWER in page
    assert "hidden to protect another cell" in page
    # Each chart carries the rule it was protected under.
    assert f"Counts below {DEFAULT_K} are hidden; none had to be in this chart." in page
    assert "so that they cannot be worked out from the totals" in page or "so that it cannot" in page
    # The filters are offered, and each chart's downloads are linked.
    assert 'name="year_from"' in page
    assert 'name="exploitation"' in page
    assert '<option value="Transgender">Transgender</option>' in page
    assert "?chart=gender&amp;format=csv" in page
    assert "?chart=years&amp;format=svg&amp;download=1" in page
    # The charts are drawn in the page, each a well-formed SVG document.
    svgs = inline_svgs(page)
    assert len(svgs) == len(CHARTS)
    for svg in svgs:
        root = parse(svg)
        assert root.get("role") == "img"
        assert "<script" not in svg


@pytest.mark.django_db
def test_the_small_group_is_hidden_in_every_chart(browser: Client, dataset: Dataset) -> None:
    shown = figures(browser.get(dashboard(dataset)))

    assert shown["gender"]["Transgender"] == (Status.PRIMARY, None)
    assert shown["age"]["9--17"] == (Status.PRIMARY, None)
    assert shown["citizenship"]["Cambodia (KH)"] == (Status.PRIMARY, None)
    assert shown["exploitation"]["Other exploitation"] == (Status.PRIMARY, None)
    # And nothing beside it gives it away: the others shown add up to less than the total, by more than k.
    for key in ("gender", "age", "citizenship"):
        values = [value for status, value in shown[key].values() if status is Status.SHOWN]
        assert TOTAL - sum(values) > 3
    assert shown["years"] == {
        "2019": (Status.SHOWN, 40),
        "2020": (Status.SHOWN, 55),
        "2021": (Status.SHOWN, 19),
    }


@pytest.mark.django_db
def test_the_protection_note_counts_what_the_chart_hides(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "chart=age"))

    (figure, _svg), *_ = response.context["figures"]
    statuses = Counter(cell.status for _label, cell in figure.rows)
    assert (statuses[Status.PRIMARY], statuses[Status.SECONDARY]) == (1, 1)
    assert figure.note == (
        f"1 count below {DEFAULT_K} is hidden; 1 more is hidden so that it cannot be worked out from the totals."
    )


@pytest.mark.django_db
def test_every_id_in_the_page_is_unique(browser: Client, dataset: Dataset) -> None:
    page = text(browser.get(dashboard(dataset)))

    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("gender=Female", ["gender"], {"years": {"2019": 40, "2020": 30, "2021": 16}, "total": 86}),
        (
            "year_from=2020",
            ["yearOfRegistration"],
            # A year range shows only its years.
            {"years": {"2020": 55, "2021": 19}, "total": 74},
        ),
        ("year_to=2019", ["yearOfRegistration"], {"years": {"2019": 40}, "total": 40}),
        (
            "year_from=2020&year_to=2020",
            ["yearOfRegistration"],
            {"years": {"2020": 55}, "total": 55},
        ),
        (
            "exploitation=isForcedLabour",
            ["isForcedLabour"],
            {"years": {"2019": 0, "2020": 25, "2021": 16}, "total": 41},
        ),
        ("ageBroad=18--20", ["ageBroad"], {"years": {"2019": 40, "2020": 30, "2021": 0}, "total": 70}),
        (
            "gender=Female&year_from=2020",
            ["gender", "yearOfRegistration"],
            {"years": {"2020": 30, "2021": 16}, "total": 46},
        ),
    ],
)
def test_filters_narrow_the_counts(
    browser: Client, dataset: Dataset, query: str, filters: list[str], expected: dict[str, Any]
) -> None:
    unfiltered = browser.get(dashboard(dataset))
    audit = Audit()

    response = browser.get(dashboard(dataset, query))

    assert response.status_code == 200
    years = {label: value for label, (_status, value) in figures(response)["years"].items()}
    assert years == expected["years"]
    assert totals(response)["years"] == expected["total"]
    assert totals(unfiltered)["years"] == TOTAL
    assert totals(response)["years"] < totals(unfiltered)["years"]
    # Every chart of the page was counted with the filters, and the audit says by which fields.
    assert all(value == expected["total"] for value in totals(response).values())
    assert sorted(entry.details["by"] for entry in audit.tables()) == sorted(CHART_FIELDS)
    assert {tuple(entry.details["filters"]) for entry in audit.tables()} == {tuple(sorted(filters))}
    # The downloads linked from the page are of the filtered charts; the filters can be cleared.
    page = text(response)
    assert f"format=csv&amp;{response.context['query'].replace('&', '&amp;')}" in page
    assert "Clear the filters" in page


@pytest.mark.django_db
def test_a_filter_keeps_small_counts_hidden(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "year_from=2021"))

    assert response.status_code == 200
    page = text(response)
    assert ">3<" not in page
    assert "3</td>" not in page
    shown = figures(response)
    # 16 Filipino women and 3 others in 2021, 19 in all: the 16 would give the 3 away, so it is hidden too.
    assert totals(response)["gender"] == 19
    assert shown["gender"]["Transgender"] == (Status.PRIMARY, None)
    assert shown["gender"]["Female"] == (Status.SECONDARY, None)
    assert shown["age"]["9--17"] == (Status.PRIMARY, None)
    assert shown["age"]["21--23"] == (Status.SECONDARY, None)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["exploitation=isOtherExploit", "gender=Transgender", "ageBroad=9--17"])
def test_a_filter_down_to_the_small_group_shows_no_count_of_it(
    browser: Client, dataset: Dataset, query: str
) -> None:
    response = browser.get(dashboard(dataset, query))

    assert response.status_code == 200
    page = text(response)
    assert ">3<" not in page
    assert "3</td>" not in page
    assert all(value is None for value in totals(response).values())  # even the totals are fewer than 11
    for rows in figures(response).values():
        assert {value for _status, value in rows.values()} <= {0, None}
    for figure, _svg in response.context["figures"]:
        assert all(row["count"] in (0, None) for row in figure.csv_rows)


@pytest.mark.django_db
def test_a_filter_matching_nobody_shows_zeros(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "gender=Male&exploitation=isSexualExploit"))

    assert response.status_code == 200
    assert all(value == 0 for value in totals(response).values())
    for rows in figures(response).values():
        assert set(rows.values()) == {(Status.SHOWN, 0)}


@pytest.mark.django_db
def test_the_filter_form_keeps_what_was_chosen(browser: Client, dataset: Dataset) -> None:
    page = text(browser.get(dashboard(dataset, "year_from=2020&gender=Female&exploitation=isSexualExploit")))

    assert "<option selected>2020</option>" in page
    assert '<option value="Female" selected>Female</option>' in page
    assert '<option value="isSexualExploit" selected>Sexual exploitation</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ("year_from=1999", "Choose a year from the list.", []),
        ("year_to=abcd", "Choose a year from the list.", []),
        ("gender=Nonbinary", "Choose a value from the list.", []),
        ("ageBroad=99--100", "Choose a value from the list.", []),
        ("year_from=2021&year_to=2019", "The first year must not come after the last.", []),
        ("exploitation=isTrafficked", "Choose a type of exploitation from the list.", []),
        ("exploitation=gender", "Choose a type of exploitation from the list.", []),
        ("gender=Female&year_to=1999", "Choose a year from the list.", ["gender"]),
    ],
)
def test_an_invalid_filter_is_refused_and_never_counted_by(
    browser: Client, dataset: Dataset, query: str, message: str, kept: list[str]
) -> None:
    audit = Audit()

    response = browser.get(dashboard(dataset, query))

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'role="alert" id="filters-error"' in page
    assert 'aria-describedby="filters-error"' in page
    # The charts shown are those of the valid filters only: nothing was counted by the bad value.
    assert {tuple(entry.details["filters"]) for entry in audit.tables()} == {tuple(kept)}
    chosen = response.context["filters"]
    assert (chosen.year_from, chosen.year_to, chosen.exploitation) == ("", "", "")
    assert [field for field, _key in chosen.values] == kept
    if not kept:
        assert all(value == TOTAL for value in totals(response).values())
    assert ">3<" not in page


# --- downloads ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chart_downloads_as_its_protected_csv(browser: Client, dataset: Dataset) -> None:
    audit = Audit()

    response = browser.get(dashboard(dataset, "chart=gender&format=csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="threefold-{dataset.pk}-gender.csv"'
    rows = {row["gender"]: row for row in read_csv(response)}
    assert rows["Transgender"] == {"gender": "Transgender", "count": "", "status": FEWER}
    assert rows["Female"] == {"gender": "Female", "count": "86", "status": "shown"}
    assert rows["Male"]["status"] in ("shown", "suppressed to protect another cell")
    assert all(row["count"] != "3" for row in rows.values())
    assert "3" not in re.findall(r"\d+", text(response))
    # Only the chart asked for was counted.
    assert [entry.details["by"] for entry in audit.tables()] == [["gender"]]


@pytest.mark.django_db
def test_the_exploitation_chart_downloads_a_row_per_type(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "chart=exploitation&format=csv"))

    assert read_csv(response) == [
        {"exploitation": "isSexualExploit", "count": "70", "status": "shown"},
        {"exploitation": "isForcedLabour", "count": "41", "status": "shown"},
        {"exploitation": "isOtherExploit", "count": "", "status": FEWER},
    ]


@pytest.mark.django_db
def test_a_csv_download_follows_the_filters(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "chart=years&format=csv&gender=Female"))

    rows = {row["yearOfRegistration"]: row["count"] for row in read_csv(response)}
    assert rows == {"(unknown)": "0", "2019": "40", "2020": "30", "2021": "16", "(all)": "86"}


@pytest.mark.django_db
def test_a_chart_downloads_as_svg(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "chart=years&format=svg"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "Content-Disposition" not in response
    root = parse(text(response))
    assert root.get("role") == "img"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Records by year of registration" in texts  # a file carries its own heading
    assert any("none had to be in this chart" in (t or "") for t in texts)  # and its protection note

    download = browser.get(dashboard(dataset, "chart=years&format=svg&download=1"))
    assert download["Content-Type"].startswith("image/svg+xml")
    assert download["Content-Disposition"] == f'attachment; filename="threefold-{dataset.pk}-years.svg"'
    assert download.content == response.content


@pytest.mark.django_db
@pytest.mark.parametrize("chart", ["gender", "age", "citizenship", "exploited_in", "exploitation"])
def test_no_svg_download_prints_a_small_count(browser: Client, dataset: Dataset, chart: str) -> None:
    response = browser.get(dashboard(dataset, f"chart={chart}&format=svg"))

    assert response.status_code == 200
    svg = text(response)
    parse(svg)
    assert ">3<" not in svg
    assert ": 3<" not in svg


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["chart=nothing", "chart=nothing&format=csv", "chart=gender&format=pdf", "chart=GENDER&format=csv"],
)
def test_an_unknown_chart_or_format_is_not_found(browser: Client, dataset: Dataset, query: str) -> None:
    assert browser.get(dashboard(dataset, query)).status_code == 404


@pytest.mark.django_db
def test_one_chart_alone(browser: Client, dataset: Dataset) -> None:
    response = browser.get(dashboard(dataset, "chart=age"))

    assert response.status_code == 200
    assert list(figures(response)) == ["age"]


@pytest.mark.django_db
def test_the_dashboard_writes_an_audit_entry_per_table(
    browser: Client, dataset: Dataset, analyst: Actor, org: Organisation
) -> None:
    audit = Audit()

    browser.get(dashboard(dataset))

    entries = audit.tables()
    assert sorted(entry.details["by"] for entry in entries) == sorted(CHART_FIELDS)
    for entry in entries:
        assert (entry.actor_id, entry.organisation_id, entry.object_id) == (
            analyst.user.pk,
            org.pk,
            str(dataset.pk),
        )
        assert entry.purpose == "statistics"
        assert entry.details["k"] == DEFAULT_K
        assert entry.details["filters"] == []


# --- who may see a dashboard ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_organisations_dataset_is_not_found(
    browser: Client, other_org: Organisation, make_member: MakeMember
) -> None:
    theirs = make_dataset(other_org, "Their register")
    audit = Audit()

    for url in (
        dashboard(theirs),
        dashboard(theirs, "chart=gender&format=csv"),
        dashboard("999999"),
        dashboard("abc"),
        compare(theirs),
        compare(theirs, "field=gender&format=csv"),
    ):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "Their register" not in text(response)
    assert audit.tables() == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SCREENER, Role.TRAINER, Role.LEGAL_OFFICER])
def test_the_dashboards_are_not_for_every_role(
    dataset: Dataset, org: Organisation, make_member: MakeMember, role: Role
) -> None:
    member = login(Client(), make_member(org, role))
    audit = Audit()

    for url in (
        dashboard(dataset),
        dashboard("cases"),
        compare(dataset),
        dashboard(dataset, "chart=age&format=csv"),
    ):
        response = member.get(url)
        assert response.status_code in (403, 404), url
        assert NAME not in text(response)
    assert audit.tables() == []


@pytest.mark.django_db
def test_a_dashboard_is_read_only(browser: Client, dataset: Dataset) -> None:
    assert browser.post(dashboard(dataset)).status_code == 405
    assert browser.post(compare(dataset)).status_code == 405


# --- the organisation's own cases -------------------------------------------------------------------------------


@pytest.fixture
def own_cases(org: Organisation, make_member: MakeMember, make_person: MakePerson) -> int:
    """Twenty-two consenting cases (twenty women of Thailand, two men of Myanmar) and one that did not consent.

    Twenty, not twelve: every chart shows the same total, so the 2 must stay hidden with the total known, which
    hiding the women's count does only when it leaves the 2 anywhere from 1 to at least 6 (22 = 20 + 2; with 14 =
    12 + 2 the 2 would be pinned to 1-3 and the gender chart is withheld)."""
    caseworker = make_member(org, Role.CASEWORKER)
    people = [
        make_person(caseworker, f"Anna{i}", "Test", gender="Feminine", citizenships=("TH",))
        for i in range(20)
    ] + [
        make_person(caseworker, f"Bo{i}", "Test", gender="Masculine", citizenships=("MM",)) for i in range(2)
    ]
    for person in people:
        open_case(caseworker, person)
        give_statistics_consent(caseworker, person)
    open_case(caseworker, make_person(caseworker, "Never", "Counted", gender="Feminine"))
    return len(people)


@pytest.mark.django_db
def test_own_cases_have_fixed_charts_without_filters(browser: Client, own_cases: int) -> None:
    plain = browser.get(dashboard("cases"))
    audit = Audit()

    filtered = browser.get(dashboard("cases", "gender=Female&year_from=1999&exploitation=isSexualExploit"))

    assert plain.status_code == filtered.status_code == 200
    page = text(filtered)
    assert "There are no filters here" in page
    assert 'name="year_from"' not in page
    assert 'name="gender"' not in page
    assert "Choose a" not in page
    assert figures(filtered) == figures(plain)
    assert figures(plain)["gender"]["Male"] == (Status.PRIMARY, None)
    assert {tuple(entry.details["filters"]) for entry in audit.tables()} == {()}
    assert {entry.object_id for entry in audit.tables()} == {"cases"}
    assert ">2<" not in page
    assert not re.search(r"(?<![\d,.])2</td>", page)  # 22</td> is the total
    # The download links carry no filter either.
    assert "format=csv&amp;gender" not in page


@pytest.mark.django_db
def test_own_cases_download_ignores_filters_too(browser: Client, own_cases: int) -> None:
    plain = browser.get(dashboard("cases", "chart=gender&format=csv"))
    filtered = browser.get(dashboard("cases", "chart=gender&format=csv&gender=Female"))

    assert plain.status_code == 200
    assert plain["Content-Disposition"] == 'attachment; filename="threefold-cases-gender.csv"'
    assert filtered.content == plain.content
    assert {row["gender"]: row["status"] for row in read_csv(plain)}["Male"] == FEWER


@pytest.mark.django_db
def test_own_cases_dashboard_is_audited(browser: Client, own_cases: int, analyst: Actor) -> None:
    audit = Audit()

    browser.get(dashboard("cases"))

    listed = [entry for entry in audit.all() if entry.object_type == "insight.own_cases"]
    assert [(entry.action, entry.actor_id, entry.details) for entry in listed] == [
        (Action.LIST, analyst.user.pk, {"cases": own_cases})
    ]
    assert sorted(entry.details["by"] for entry in audit.tables()) == sorted(CHART_FIELDS)


@pytest.mark.django_db
def test_own_cases_without_consent_are_an_empty_state(
    browser: Client, org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    open_case(caseworker, make_person(caseworker, "Never", "Counted", gender="Feminine"))
    audit = Audit()

    response = browser.get(dashboard("cases"))

    assert response.status_code == 200
    assert response.context["figures"] == []
    assert "No case can be counted yet" in text(response)
    assert "<svg" not in text(response)
    assert audit.tables() == []
    assert browser.get(dashboard("cases", "chart=gender&format=csv")).status_code == 404


# --- comparing own cases with a dataset ---------------------------------------------------------------------


def comparison(response: Any) -> dict[str, Any]:
    return {row.label: row for row in response.context["rows"]}


@pytest.mark.django_db
def test_the_comparison_gives_shares_that_add_up(browser: Client, dataset: Dataset, own_cases: int) -> None:
    response = browser.get(compare(dataset, "field=yearOfRegistration"))

    assert response.status_code == 200
    rows = comparison(response)
    this_year = str(timezone.localdate().year)
    assert sum(row.their_share for row in rows.values() if row.their_share is not None) == pytest.approx(100)
    assert sum(row.our_share for row in rows.values() if row.our_share is not None) == pytest.approx(100)
    assert rows["2020"].their_share == pytest.approx(100 * 55 / TOTAL)
    assert rows[this_year].our_share == pytest.approx(100)
    assert rows[this_year].theirs is None  # the dataset has no record of this year
    assert rows["2020"].ours is None
    page = text(response)
    assert f"{100 * 55 / TOTAL:.1f}%" in page
    assert "100.0%" in page
    assert NAME in page


@pytest.mark.django_db
def test_a_hidden_count_has_no_share(browser: Client, dataset: Dataset, own_cases: int) -> None:
    response = browser.get(compare(dataset, "field=gender"))

    assert response.status_code == 200
    rows = comparison(response)
    assert rows["Transgender"].theirs.status is Status.PRIMARY
    assert rows["Transgender"].their_share is None
    assert rows["Male"].ours.status is Status.PRIMARY
    assert rows["Male"].our_share is None
    for row in rows.values():
        for cell, share in ((row.ours, row.our_share), (row.theirs, row.their_share)):
            if cell is not None and not cell.shown:
                assert share is None
    shown = [row.their_share for row in rows.values() if row.their_share is not None]
    assert 0 < sum(shown) < 100
    page = text(response)
    assert ">3<" not in page
    assert "3</td>" not in page
    assert ">2<" not in page
    assert not re.search(r"(?<![\d,.])2</td>", page)  # 22</td> is the total
    assert FEWER in page
    assert "—" in page


@pytest.mark.django_db
def test_the_comparison_downloads_as_csv_and_svg(browser: Client, dataset: Dataset, own_cases: int) -> None:
    response = browser.get(compare(dataset, "field=gender&format=csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"] == f'attachment; filename="threefold-compare-{dataset.pk}-gender.csv"'
    )
    rows = {row["gender"]: row for row in read_csv(response)}
    assert rows["Transgender"]["their_count"] == ""
    assert rows["Transgender"]["their_status"] == FEWER
    assert rows["Transgender"]["their_share_percent"] == ""
    assert rows["Male"]["our_count"] == ""
    assert rows["Male"]["our_status"] == FEWER
    assert rows["Female"]["their_count"] == "86"
    assert float(rows["Female"]["their_share_percent"]) == pytest.approx(100 * 86 / TOTAL, abs=0.05)
    for row in rows.values():
        assert "3" not in (row["their_count"], row["our_count"])
        assert "2" not in (row["their_count"], row["our_count"])

    svg = browser.get(compare(dataset, "field=gender&format=svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "Content-Disposition" not in svg
    root = parse(text(svg))
    assert root.get("role") == "img"
    assert NAME in (root.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
    assert ">3<" not in text(svg)

    download = browser.get(compare(dataset, "field=gender&format=svg&download=1"))
    assert (
        download["Content-Disposition"] == f'attachment; filename="threefold-compare-{dataset.pk}-gender.svg"'
    )


@pytest.mark.django_db
def test_the_comparison_is_audited_for_both_sources(
    browser: Client, dataset: Dataset, own_cases: int, analyst: Actor
) -> None:
    audit = Audit()

    browser.get(compare(dataset, "field=citizenship"))

    assert sorted((entry.object_id, entry.details["by"][0]) for entry in audit.tables()) == sorted(
        [("cases", "citizenship"), (str(dataset.pk), "citizenship")]
    )
    assert {entry.actor_id for entry in audit.tables()} == {analyst.user.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["nothing", "Datasource", "isTrafficked", "<script>"])
def test_an_unknown_comparison_field_is_refused(browser: Client, dataset: Dataset, field: str) -> None:
    audit = Audit()

    response = browser.get(compare(dataset, f"field={field}"))

    assert response.status_code == 400
    assert "Choose a field from the list." in text(response)
    assert "<script>" not in text(response)
    assert audit.tables() == []
    assert browser.get(compare(dataset, f"field={field}&format=csv")).status_code == 400


@pytest.mark.django_db
def test_the_comparison_without_own_cases_shows_the_dataset(browser: Client, dataset: Dataset) -> None:
    response = browser.get(compare(dataset))

    assert response.status_code == 200
    assert "None of your cases can be counted yet" in text(response)
    rows = comparison(response)
    assert rows  # the first field offered, year of registration
    assert all(row.ours is None and row.our_share is None for row in rows.values())
    assert browser.get(compare(dataset, "format=pdf")).status_code == 404


@pytest.mark.django_db
def test_the_comparison_of_own_cases_with_themselves_is_not_found(browser: Client) -> None:
    assert browser.get(reverse("insight:compare", args=["cases"])).status_code == 404


@pytest.mark.django_db
def test_hostile_names_and_values_are_escaped_in_pages_and_files(browser: Client, org: Organisation) -> None:
    hostile = "<img src=x onerror=alert(1)>\"&'"
    frame = Frame.from_records(
        ("gender", "citizenship", "yearOfRegistration"),
        [(hostile, "TH", "2019")] * 12 + [("Female", "MM", "2020")] * 12,
    )
    name = '<script>alert("name")</script>'
    found = dataset_of(org, name, frame)

    for url in (dashboard(found), compare(found, "field=gender")):
        page = text(browser.get(url))
        assert "<img src=x" not in page, url
        assert "<script>alert" not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url
    for url in (dashboard(found, "chart=gender&format=svg"), compare(found, "field=gender&format=svg")):
        svg = text(browser.get(url))
        assert "<img" not in svg
        assert "<script" not in svg
        root = parse(svg)
        assert any(hostile in (element.text or "") for element in root.iter())
    csv_rows = read_csv(browser.get(dashboard(found, "chart=gender&format=csv")))
    assert hostile in [row["gender"] for row in csv_rows]


def test_values_read_in_natural_order() -> None:
    from threefold.insight.dashboard import natural_order

    keys = ["48+", "18--20", "", "9--17", "0--8", "Adult", "30--38"]
    assert sorted(keys, key=natural_order) == ["", "0--8", "9--17", "18--20", "30--38", "48+", "Adult"]


@pytest.mark.django_db
def test_a_country_with_no_record_is_not_coloured_as_the_lowest_class(
    browser: Client, dataset: Dataset
) -> None:
    """Filtered to one gender, countries of the other have 0: drawn as having none, never with a count."""
    response = browser.get(dashboard(dataset, "chart=citizenship&format=svg&gender=Female"))
    svg = response.content.decode()
    assert response.status_code == 200
    assert ": 0<" not in svg
