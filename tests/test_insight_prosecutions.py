"""The US federal prosecutions dataset in insight: importing its three files (service, command, web page), all or
nothing; what is stored of them (no name, case name, docket number or summary anywhere in the database); and
its statistics (dashboard, count page, ``stats``, the API), protected as every imported dataset's."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests import prosecution_files as pf
from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import ApiToken, Organisation
from threefold.accounts.roles import Role
from threefold.accounts.services import create_api_token
from threefold.audit.models import Action, AuditEntry
from threefold.insight import access, services
from threefold.insight.core import prosecutions as p
from threefold.insight.core.frame import tables_from_bytes
from threefold.insight.models import Dataset, DatasetKind

pytestmark = pytest.mark.django_db

REAL = [p.PUBLISHED_FILE_NAMES[table] for table in p.TABLES]


def real_paths() -> list[Path]:
    folder = Path(settings.SHARED_DATA_DIR)
    paths = [folder / name for name in REAL]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        pytest.skip(f"real data files {', '.join(missing)} not found in {folder} (set THREEFOLD_SHARED_DATA)")
    return paths


def big_world() -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """43 cases: 24 in CA in 2012 (each with a defendant who pleaded guilty, 120 months, restitution), 12 in TX
    in 2013 (tried and convicted, 300 months, no restitution), 4 in NY in 2014 (acquitted) and 3 in WA in 2015
    (charges dismissed): two small groups, which hide each other, so that the large counts are all shown."""
    cases, defendants, judges = [], [], []
    plan = [("CA", "2012")] * 24 + [("TX", "2013")] * 12 + [("NY", "2014")] * 4 + [("WA", "2015")] * 3
    for i, (state, year) in enumerate(plan):
        case_id = 405 + i
        cases.append(pf.case(case_id, state=state, year=year))
        values: dict[str, str] = {}
        if state == "CA":
            values = {"restitution": str(1000 * (i + 1))}
        elif state == "TX":
            values = {
                "statute_plea_guilty": "['0', '0']",
                "statute_trial_guilty": "['1', '1']",
                "total_months_sentenced": "300",
                "restitution": "0",
            }
        elif state == "NY":
            values = {
                "statute_plea_guilty": "['0', '0']",
                "statute_plea_dismissed": "['0', '0']",
                "statute_trial_ng": "['1', '1']",
                "total_months_sentenced": "0",
                "restitution": "0",
            }
        else:
            values = {
                "statute_plea_guilty": "['0', '0']",
                "statute_plea_dismissed": "['1', '1']",
                "total_months_sentenced": "0",
                "restitution": "",
            }
        defendants.append(pf.defendant(1797 + i, case_id, **values))
        judges.append(pf.judge(i, case_id, appointed_by="Democrat" if i % 2 else "Republican"))
    return cases, defendants, judges


def import_texts(
    org: Organisation, texts: tuple[str, str, str], name: str = "Prosecutions", **kw: Any
) -> Dataset:
    dataset, _parsed = services.import_prosecutions(
        services.Importer(org, system_label="system:test"),
        *(pf.lines(text) for text in texts),
        name=name,
        file_names=["cases.csv", "defendants.csv", "judges.csv"],
        file_sha256s=[services.sha256_of(text.encode()) for text in texts],
        **kw,
    )
    return dataset


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


@pytest.fixture
def browser(analyst: Actor) -> Client:
    return login(Client(), analyst)


@pytest.fixture
def dataset(org: Organisation) -> Dataset:
    return import_texts(org, pf.texts(*big_world()))


def text(response: Any) -> str:
    return response.content.decode()


def stored_text(organisation: Organisation) -> str:
    """Everything the database holds of the organisation's datasets and of the audit trail, as one text: every
    field of every dataset row, the levels of every column of every stored table, and every audit entry."""
    parts = []
    for row in Dataset.objects.filter(organisation=organisation).values():
        frame = bytes(row.pop("frame"))
        parts.append(json.dumps(row, default=str, ensure_ascii=False))
        for table in tables_from_bytes(frame).values():
            for column in table.columns.values():
                parts.append(" | ".join(column.levels))
    for entry in AuditEntry.objects.all().values():
        parts.append(json.dumps(entry, default=str, ensure_ascii=False))
    return "\n".join(parts)


# --- importing ---------------------------------------------------------------------------------------------------


def test_the_three_files_become_one_dataset_of_three_tables(org: Organisation) -> None:
    dataset = import_texts(org, pf.texts(*big_world()))

    assert dataset.kind == DatasetKind.PROSECUTIONS
    assert dataset.table_sizes == {"cases": 43, "defendants": 43, "judges": 43}
    assert dataset.row_count == 43
    assert dataset.file_name == "cases.csv + defendants.csv + judges.csv"
    assert dataset.source.startswith("US federal human-trafficking prosecutions")
    tables = access.tables_of(dataset)
    assert list(tables) == list(p.TABLES)
    assert access.frame_of(dataset) is tables["cases"]
    assert access.frame_of(dataset, "judges").size == 43
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="insight.dataset")
    assert entry.details["records"] == {"cases": 43, "defendants": 43, "judges": 43}


def test_a_bad_line_anywhere_imports_nothing(org: Organisation) -> None:
    cases, defendants, judges = pf.world(3)
    defendants.append(pf.defendant(9000, 999))  # line 5 of the defendants file: no such case
    with pytest.raises(services.ImportRefusedError) as refused:
        import_texts(org, pf.texts(cases, defendants, judges))

    assert (refused.value.data_lines, refused.value.rejected, refused.value.valid) == (10, 1, 9)
    problem = refused.value.parsed.problems[0]
    assert (problem.table, problem.line, problem.column) == ("defendants", 5, "case_id")
    assert not Dataset.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.dataset").exists()


def test_only_the_valid_lines_when_asked_and_the_report_keeps_no_value(org: Organisation) -> None:
    cases, defendants, judges = pf.world(3)
    cases[1]["year"] = "Quillfeather"  # as if a name had slipped into the year
    dataset = import_texts(org, pf.texts(cases, defendants, judges), accept_valid=True)

    assert dataset.table_sizes == {"cases": 2, "defendants": 2, "judges": 2}
    assert dataset.rejected_lines == 3
    assert dataset.report["tables"]["cases"]["rejected_lines"] == [4]
    assert dataset.report["problems"][0] == {
        "table": "cases",
        "line": 4,
        "column": "year",
        "value": "",
        "message": "not a year (a whole number such as 2012)",
    }
    assert "Quillfeather" not in stored_text(org)


def test_a_swapped_file_is_refused_before_anything_is_stored(org: Organisation) -> None:
    texts = pf.texts(*pf.world(2))
    with pytest.raises(p.ProsecutionFormatError, match=r"defendants file: .* it looks like the judges file"):
        import_texts(org, (texts[0], texts[2], texts[1]))
    assert not Dataset.objects.exists()


# --- data minimisation ---------------------------------------------------------------------------------------


def test_no_name_case_name_docket_or_summary_is_stored(org: Organisation) -> None:
    import_texts(org, pf.texts(*big_world()))
    stored = stored_text(org)

    for secret in (
        pf.DEFENDANT_NAME,
        pf.JUDGE_NAME,
        "Quillfeather",
        pf.CASE_NAME,
        pf.DOCKET,
        pf.SUMMARY_WORD,
    ):
        assert secret not in stored
    # Nor the exact dates, ages or bail.
    for detail in ("2011-05-02", "2011-04-15", "Surety", "25000"):
        assert detail not in stored


@pytest.mark.realdata
def test_the_real_files_import_with_their_row_counts_and_no_name_is_stored(org: Organisation) -> None:
    paths = real_paths()
    out = io.StringIO()
    call_command(
        "import_prosecutions",
        *map(str, paths),
        "--name",
        "US prosecutions",
        "--organisation",
        str(org.pk),
        stdout=out,
    )
    dataset = Dataset.objects.get(name="US prosecutions")

    assert dataset.table_sizes == {"cases": 674, "defendants": 1762, "judges": 675}
    assert "Cases: 674 lines read, 674 valid, 0 rejected." in out.getvalue()
    assert "Judges: 675 lines read, 675 valid, 0 rejected." in out.getvalue()
    assert "674 cases, 1,762 defendants and 675 judges" in out.getvalue()
    stored = stored_text(org)
    rows = {}
    for table, path in zip(p.TABLES, paths, strict=True):
        with path.open(encoding="utf-8", newline="") as handle:
            rows[table] = list(csv.DictReader(handle))
    names = {row["name"] for row in rows["defendants"] + rows["judges"]}
    names |= {row[column] for row in rows["cases"] for column in ("name", "number", "summary")}
    names.discard("")
    assert len(names) > 2000
    found = sorted(name for name in names if name in stored)
    assert found == []


# --- statistics ------------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_stats_counts_the_real_cases_by_year_and_state_as_the_csv_module_does(org: Organisation) -> None:
    paths = real_paths()
    call_command(
        "import_prosecutions",
        *map(str, paths),
        "--name",
        "US",
        "--organisation",
        str(org.pk),
        stdout=io.StringIO(),
    )
    with paths[0].open(encoding="utf-8", newline="") as handle:
        expected = Counter((row["year"], row["state"]) for row in csv.DictReader(handle))
    out = io.StringIO()
    call_command("stats", "US", "--by", "state", "--where", "year=2013", "--format", "json", stdout=out)
    rows = {row["state"]: row for row in json.loads(out.getvalue())["rows"]}

    assert rows["CA"]["count"] == expected["2013", "CA"] == 21
    assert rows["(all)"]["count"] == sum(n for (year, _state), n in expected.items() if year == "2013") == 100
    # A small count is never printed: Texas's 8 cases of 2013.
    assert expected["2013", "TX"] == 8
    assert rows["TX"]["count"] is None
    assert rows["TX"]["status"] == "fewer than 11"
    # The cross-tab by year and state prints no count below 11 either. (Most of its cells are: at k = 11 the
    # protection hides nearly all of it, which is why the dashboard counts by year and by state apart.)
    out = io.StringIO()
    call_command("stats", "US", "--by", "year,state", "--format", "json", stdout=out)
    counts = [row["count"] for row in json.loads(out.getvalue())["rows"]]
    assert len(counts) > 900
    assert all(count is None or count == 0 or count >= 11 for count in counts)


@pytest.mark.realdata
def test_the_real_dashboard_gives_the_restitution_the_csv_module_gives(
    org: Organisation, browser: Client
) -> None:
    paths = real_paths()
    call_command(
        "import_prosecutions",
        *map(str, paths),
        "--name",
        "US",
        "--organisation",
        str(org.pk),
        stdout=io.StringIO(),
    )
    dataset = Dataset.objects.get(name="US")
    with paths[1].open(encoding="utf-8", newline="") as handle:
        amounts = [int(row["restitution"]) for row in csv.DictReader(handle) if row["restitution"]]
    ordered = [amount for amount in amounts if amount > 0]

    page = text(browser.get(reverse("insight:dashboard", args=[dataset.pk])))
    assert f"{sum(ordered):,} US dollars in all, to {len(ordered)} defendants" in page
    assert f"median {statistics.median(ordered):,.0f} US dollars" in page
    assert "674 cases, 1762 defendants and 675 judges" in page


def test_stats_on_another_table(dataset: Dataset) -> None:
    out = io.StringIO()
    call_command("stats", dataset.name, "--table", "defendants", "--by", "outcome", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    counts = {row["outcome"]: (row["count"], row["status"]) for row in rows}

    assert counts["pleaded_guilty"] == ("24", "shown")
    assert counts["convicted_at_trial"] == ("12", "shown")
    assert counts["acquitted"] == ("", "fewer than 11")
    with pytest.raises(CommandError, match="this dataset has cases, defendants, judges"):
        call_command("stats", dataset.name, "--table", "victims", "--by", "gender")
    with pytest.raises(CommandError, match="from the cases table only"):
        call_command("stats", dataset.name, "--table", "judges", "--by", "gender", "--epsilon", "1")


def test_the_dashboard_shows_every_chart_and_hides_small_counts(browser: Client, dataset: Dataset) -> None:
    response = browser.get(reverse("insight:dashboard", args=[dataset.pk]))
    page = text(response)

    assert response.status_code == 200
    for title in (
        "Cases by year",
        "Cases by state",
        "Cases by number of defendants",
        "Defendants by outcome",
        "Defendants by prison sentence",
        "Defendants by years from charge to the end of the case",
        "Defendants ordered to pay restitution",
        "Judges by the party of the president who appointed them",
    ):
        assert title in page
    assert "Pleaded guilty" in page
    assert "61 to 120 months" in page
    # New York's 4 cases (2014), its 4 acquittals, Washington's 3: fewer than 11 everywhere, never in a cell.
    assert "fewer than 11" in page
    assert ">4<" not in page
    assert ">3<" not in page
    # 24 restitution orders of 1,000 to 24,000 dollars: 300,000 in all, median 12,500.
    assert "300,000 US dollars in all, to 24 defendants; median 12,500 US dollars" in page
    assert "Defendants per case, on average" in page
    assert "The names of defendants and judges" in page


def test_a_filter_narrows_every_chart(browser: Client, dataset: Dataset) -> None:
    response = browser.get(reverse("insight:dashboard", args=[dataset.pk]) + "?state=CA")
    page = text(response)
    assert response.status_code == 200
    assert "TX" not in page.split("Cases by state", 1)[1].split("</figure>", 1)[0]
    # Only California's restitution orders, which are all of them.
    assert "300,000 US dollars in all, to 24 defendants" in page
    texas = text(browser.get(reverse("insight:dashboard", args=[dataset.pk]) + "?state=TX"))
    assert "not shown: fewer than 11 defendants were ordered to pay" in texas


def test_a_chart_that_cannot_be_protected_is_named_and_the_others_stay(
    browser: Client, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One chart with no safe suppression pattern no longer blanks the whole page (as on the CTDC dashboard)."""
    from threefold.disclosure import CannotProtectError
    from threefold.insight import prosecution_views

    drawn = prosecution_views._figure

    def refuse_states(actor: Any, found: Any, spec: Any, where: Any) -> Any:
        if spec.key == "states":
            raise CannotProtectError("no pattern")
        return drawn(actor, found, spec, where)

    monkeypatch.setattr(prosecution_views, "_figure", refuse_states)
    page = text(browser.get(reverse("insight:dashboard", args=[dataset.pk])))
    assert "Not shown, because no choice of hidden counts" in page
    assert "<li>Cases by state</li>" in page
    assert 'id="years-title"' in page
    assert 'id="states-title"' not in page
    assert "cannot be published safely with these filters" not in page


def test_a_bad_filter_is_refused(browser: Client, dataset: Dataset) -> None:
    response = browser.get(reverse("insight:dashboard", args=[dataset.pk]) + "?state=ZZ&year_from=1999")
    assert response.status_code == 400
    assert "Choose a state from the list." in text(response)
    assert "Choose a year from the list." in text(response)


def test_a_chart_downloads_as_csv_and_svg(browser: Client, dataset: Dataset) -> None:
    url = reverse("insight:dashboard", args=[dataset.pk])
    response = browser.get(url + "?chart=outcomes&format=csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert {row["outcome"]: row["count"] for row in rows}["pleaded_guilty"] == "24"
    assert {row["outcome"]: row["status"] for row in rows}["acquitted"] == "fewer than 11"
    svg = browser.get(url + "?chart=years&format=svg&download=1")
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert ">4<" not in text(svg)
    assert browser.get(url + "?chart=nothing").status_code == 404
    assert browser.get(url + "?chart=years&format=pdf").status_code == 404


def test_the_dashboard_is_audited_per_table(browser: Client, dataset: Dataset) -> None:
    browser.get(reverse("insight:dashboard", args=[dataset.pk]))
    sources = Counter(
        AuditEntry.objects.filter(action=Action.VIEW, object_type="insight.table").values_list(
            "object_id", flat=True
        )
    )
    assert sources == {f"{dataset.pk}/cases": 3, f"{dataset.pk}/defendants": 6, f"{dataset.pk}/judges": 1}


def test_the_count_page_counts_each_table(browser: Client, dataset: Dataset) -> None:
    url = reverse("insight:table", args=[dataset.pk])
    page = text(browser.get(url))
    assert "Year of the case" in page
    assert 'aria-current="page">Cases' in page

    response = browser.get(url + "?table=defendants&rows=outcome&columns=case_state")
    page = text(response)
    assert response.status_code == 200
    assert "Pleaded guilty" in page
    assert 'aria-current="page">Defendants' in page
    csv_response = browser.get(url + "?table=judges&rows=appointed_by&format=csv")
    assert "appointed_by,count,status" in text(csv_response)
    assert browser.get(url + "?table=victims").status_code == 404
    assert "Choose fields from the lists." in text(browser.get(url + "?table=judges&rows=name"))


def test_compare_is_for_victim_datasets_only(browser: Client, dataset: Dataset) -> None:
    assert browser.get(reverse("insight:compare", args=[dataset.pk])).status_code == 404


def test_the_private_page_offers_the_case_fields(browser: Client, dataset: Dataset) -> None:
    page = text(browser.get(reverse("insight:private_release", args=[dataset.pk])))
    assert "Year of the case" in page
    assert "Federal district" in page


def test_the_home_page_lists_the_tables(browser: Client, dataset: Dataset) -> None:
    page = text(browser.get(reverse("insight:home")))
    assert "43 cases, 43 defendants, 43 judges" in page


def test_the_api_counts_a_table_of_the_dataset(analyst: Actor, dataset: Dataset) -> None:
    _token, raw = create_api_token(analyst, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("api:insight_table")

    response = client.get(url, {"source": dataset.pk, "by": "outcome", "table": "defendants"})
    assert response.status_code == 200
    rows = {row["outcome"]: row for row in response.json()["rows"]}
    assert rows["pleaded_guilty"]["count"] == 24
    assert rows["acquitted"]["count"] is None
    cases = client.get(url, {"source": dataset.pk, "by": "year"})
    assert cases.status_code == 200
    assert client.get(url, {"source": dataset.pk, "by": "outcome", "table": "victims"}).status_code == 400
    assert client.get(url, {"source": dataset.pk, "by": "name", "table": "judges"}).status_code == 400
    detail = client.get(reverse("api:insight_dataset", args=[dataset.pk])).json()
    assert detail["kind"] == "us_prosecutions"
    assert detail["tables"]["defendants"]["valid"] == 43
    assert ApiToken.objects.count() == 1


# --- the import page -------------------------------------------------------------------------------------------


def uploads(texts: tuple[str, str, str]) -> dict[str, SimpleUploadedFile]:
    names = ("cases_file", "defendants_file", "judges_file")
    return {
        name: SimpleUploadedFile(f"{name}.csv", content.encode(), content_type="text/csv")
        for name, content in zip(names, texts, strict=True)
    }


def post(client: Client, texts: tuple[str, str, str], **fields: Any) -> Any:
    data = {"kind": "us_prosecutions", "name": "US prosecutions", **uploads(texts), **fields}
    return client.post(reverse("insight:import"), data)


def test_the_import_page_offers_the_kind(browser: Client) -> None:
    page = text(browser.get(reverse("insight:import")))
    assert 'href="?kind=us_prosecutions"' in page
    assert "US federal human-trafficking prosecutions" in page

    page = text(browser.get(reverse("insight:import") + "?kind=us_prosecutions"))
    assert page.count('type="file"') == 3
    assert 'name="kind" value="us_prosecutions"' in page
    assert "are not imported" in page
    assert "at most 50.0\xa0MB" in page
    assert "import_prosecutions CASES.csv DEFENDANTS.csv JUDGES.csv" in page


def test_the_three_files_import_from_the_page(browser: Client) -> None:
    response = post(browser, pf.texts(*big_world()))

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:dashboard", args=[dataset.pk])
    assert dataset.imported_by is not None
    messages = text(browser.get(response["Location"]))
    assert "Imported “US prosecutions”: 43 cases, 43 defendants and 43 judges." in messages


def test_a_refused_import_lists_each_problem_with_its_file_and_line(browser: Client) -> None:
    cases, defendants, judges = pf.world(3)
    cases[0]["year"] = "twenty"
    judges.append(pf.judge(99, 777))
    response = post(browser, pf.texts(cases, defendants, judges))
    page = text(response)

    assert response.status_code == 400
    assert not Dataset.objects.exists()
    # The defendant and the judge of the refused case go with it.
    assert "10 lines were read after the header: 4 rejected, 6 valid." in page
    assert "Cases: 3 lines, 1 rejected, 2 valid." in page
    assert "Defendants: 3 lines, 1 rejected, 2 valid." in page
    assert "Judges: 4 lines, 2 rejected, 2 valid." in page
    assert '<td data-label="File">Judges</td><td data-label="Line">5</td>' in page
    assert "case 777 is not in the cases file" in page
    assert "choose the files again" in page

    response = post(browser, pf.texts(cases, defendants, judges), accept_valid="on")
    assert response.status_code == 302
    assert Dataset.objects.get().table_sizes == {"cases": 2, "defendants": 2, "judges": 2}


def test_a_file_in_the_wrong_place_is_named(browser: Client) -> None:
    texts = pf.texts(*pf.world(1))
    response = post(browser, (texts[0], texts[2], texts[1]))
    page = text(response)
    assert response.status_code == 400
    assert "This is not the Defendants file of the dataset" in page
    assert "it looks like the judges file" in page
    assert not Dataset.objects.exists()


def test_a_missing_or_oversized_file_is_refused(browser: Client, settings: Any) -> None:
    texts = pf.texts(*pf.world(1))
    data = {"kind": "us_prosecutions", "name": "US", **uploads(texts)}
    del data["judges_file"]
    response = browser.post(reverse("insight:import"), data)
    assert response.status_code == 400
    assert "Choose the judges file to import." in text(response)

    settings.THREEFOLD_MAX_DATASET_UPLOAD = 1000
    big = pf.texts(*pf.world(10))  # the defendants file is over 1,000 bytes
    assert len(big[1].encode()) > 1000
    response = post(browser, big)
    assert response.status_code == 400
    assert "The file is larger than 1000\xa0bytes" in text(response)
    assert not Dataset.objects.exists()


def test_a_file_that_is_not_utf8_names_its_field(browser: Client) -> None:
    texts = pf.texts(*pf.world(1))
    data = {"kind": "us_prosecutions", "name": "US", **uploads(texts)}
    data["judges_file"] = SimpleUploadedFile(
        "judges.csv", texts[2].replace("Republican", "R\xe9publicain").encode("latin-1")
    )
    response = browser.post(reverse("insight:import"), data)
    assert response.status_code == 400
    assert "The file is not UTF-8 text (line 2 is not)" in text(response)
    assert 'id="id_judges_file_error"' in text(response)
    assert not Dataset.objects.exists()


def test_an_unknown_kind_is_the_ctdc_form(browser: Client) -> None:
    page = text(browser.get(reverse("insight:import") + "?kind=other"))
    assert page.count('type="file"') == 1
    assert 'name="kind" value="ctdc"' in page
