"""A data steward's pages (threefold/insight/steward_views.py): importing a CTDC file from the browser (all or
nothing, with the report of every rejected line), deleting a dataset, setting its privacy budget; and the
differentially private mean of a numeric field, on the private-release page and with ``manage.py stats``."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember, login
from tests.insight_datasets import dataset_of
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.insight import access, releases, services
from threefold.insight.core import privacy
from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset, Release

pytestmark = pytest.mark.django_db

HEADER = ",".join(SURE_2018_COLUMNS) + "\n"


def victim(**values: str) -> str:
    values = {"yearOfRegistration": "2016", "Datasource": "Hotline", "citizenship": "PH"} | values
    fields = [values.pop(name, "") for name in SURE_2018_COLUMNS]
    assert not values, f"not columns: {values}"
    return ",".join(fields) + "\n"


GOOD = HEADER + victim(gender="Female") * 5 + victim(gender="Male", yearOfRegistration="2012") * 3
# Line 3 (the header is line 1) has an impossible year.
ONE_BAD = HEADER + victim(gender="Female") + victim(yearOfRegistration="139912") + victim(gender="Male") * 2


def upload(content: str | bytes, name: str = "victims.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post_import(client: Client, content: str | bytes, **fields: object) -> Any:
    data: dict[str, object] = {"name": "CTDC test", "file": upload(content)} | fields
    return client.post(reverse("insight:import"), data)


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


@pytest.fixture
def admin(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ORG_ADMIN)


@pytest.fixture
def analyst_client(analyst: Actor) -> Client:
    return login(Client(), analyst)


@pytest.fixture
def admin_client(admin: Actor) -> Client:
    return login(Client(), admin)


def text(response: Any) -> str:
    return response.content.decode()


# --- importing ---------------------------------------------------------------------------------------------------


def test_the_import_page_offers_the_form(analyst_client: Client) -> None:
    response = analyst_client.get(reverse("insight:import"))

    assert response.status_code == 200
    page = text(response)
    assert 'type="file"' in page
    assert 'accept=".csv,text/csv"' in page
    assert 'enctype="multipart/form-data"' in page
    checkbox = re.search(r'<input type="checkbox"[^>]*name="accept_valid"[^>]*>', page)
    assert checkbox is not None
    assert "checked" not in checkbox.group(0)
    assert "at most 50.0\xa0MB" in page


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASEWORKER, Role.SCREENER])
def test_the_import_page_is_refused_without_the_role(
    org: Organisation, make_member: MakeMember, role: Role
) -> None:
    client = login(Client(), make_member(org, role))

    assert client.get(reverse("insight:import")).status_code == 403
    assert post_import(client, GOOD).status_code == 403
    assert not Dataset.objects.exists()


def test_a_valid_file_becomes_a_dataset_with_its_audit_entry(
    analyst_client: Client, analyst: Actor, org: Organisation
) -> None:
    response = post_import(analyst_client, GOOD, source="Sent by the regional office")

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:table", args=[dataset.pk])
    assert (dataset.organisation, dataset.name, dataset.row_count, dataset.rejected_lines) == (
        org,
        "CTDC test",
        8,
        0,
    )
    assert dataset.imported_by == analyst.user
    assert dataset.source == "Sent by the regional office"
    assert dataset.file_name == "victims.csv"
    assert dataset.file_sha256 == services.sha256_of(GOOD.encode())
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="insight.dataset")
    assert (entry.actor_id, entry.organisation_id, entry.object_id) == (
        analyst.user.pk,
        org.pk,
        str(dataset.pk),
    )
    shown = text(analyst_client.get(response["Location"]))
    assert "Imported “CTDC test”: 8 records." in shown
    assert "left out" not in shown


def test_a_file_with_a_bom_or_in_a_temporary_file_imports_the_same(
    analyst_client: Client, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # GOOD is larger: Django streams it to a temporary file
    assert len(GOOD.encode()) > 1024

    post_import(analyst_client, "\ufeff" + GOOD)

    dataset = Dataset.objects.get()
    assert dataset.row_count == 8
    assert access.frame_of(dataset).column("yearOfRegistration").levels == ("2012", "2016")


def test_a_rejected_line_imports_nothing_and_the_page_lists_it(analyst_client: Client) -> None:
    response = post_import(analyst_client, ONE_BAD)

    assert response.status_code == 400
    assert not Dataset.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.dataset").exists()
    page = text(response)
    assert "Nothing was imported" in page
    assert "4 lines were read after the header: 1 rejected, 3 valid." in page
    row = re.search(r"<tr><td data-label=\"Line\">(\d+)</td>\s*<td[^>]*>([^<]*)</td>", page)
    assert row is not None
    assert row.groups() == ("3", "yearOfRegistration")
    assert "impossible year 139912" in page
    assert "<code>139912</code>" in page
    assert "tick “Import only the valid lines”" in page
    assert "not kept on the server" in page
    checkbox = re.search(r'<input type="checkbox"[^>]*name="accept_valid"[^>]*>', page)
    assert checkbox is not None
    assert "checked" not in checkbox.group(0)  # the user ticks it, knowingly
    assert 'value="CTDC test"' in page  # the name is kept; the file has to be chosen again


def test_the_valid_lines_only_when_asked(analyst_client: Client) -> None:
    response = post_import(analyst_client, ONE_BAD, accept_valid="on")

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert (dataset.row_count, dataset.data_lines, dataset.rejected_lines) == (3, 4, 1)
    assert dataset.report["rejected_lines"] == [3]
    assert dataset.report["accepted_valid_only"] is True
    shown = text(analyst_client.get(response["Location"]))
    assert "Imported “CTDC test”: 3 records. 1 line with problems was left out." in shown


def test_only_the_first_200_problems_are_listed(analyst_client: Client) -> None:
    content = HEADER + victim(gender="Female") + victim(yearOfRegistration="1890") * 250

    page = text(post_import(analyst_client, content))

    assert page.count('<td data-label="Line">') == 200
    assert "… and 50 more problems, not listed." in page
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,age\nOlga,34\n", "This is not a CTDC victim-data file, so nothing was imported."),
        ((HEADER + victim(gender="Fémale")).encode("latin-1"), "The file is not UTF-8 text (line 2 is not)"),
        (b"", "The file is empty"),
        (HEADER + victim(yearOfRegistration="1890"), "The file holds no valid record"),
    ],
    ids=["not-ctdc", "not-utf8", "empty", "no-valid-line"],
)
def test_a_file_that_cannot_be_imported_says_why_and_creates_nothing(
    analyst_client: Client, content: str | bytes, message: str
) -> None:
    response = post_import(analyst_client, content, accept_valid="on")

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'aria-describedby="id_file_helptext id_file_error"' in page  # the message is tied to the field
    assert not Dataset.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.dataset").exists()


def test_an_oversized_file_is_refused_naming_the_limit(analyst_client: Client, settings: Any) -> None:
    settings.THREEFOLD_MAX_DATASET_UPLOAD = 2048
    content = HEADER + victim() * 100
    assert len(content.encode()) > 2048

    response = post_import(analyst_client, content)

    assert response.status_code == 400
    assert "The file is larger than 2.0\xa0KB, the most this page accepts" in text(response)
    assert "This field is required" not in text(response)
    assert not Dataset.objects.exists()
    # Up to the limit is fine.
    settings.THREEFOLD_MAX_DATASET_UPLOAD = len(GOOD.encode())
    assert post_import(analyst_client, GOOD).status_code == 302


@pytest.mark.parametrize("name", ["", "   "])
def test_a_dataset_needs_a_name(analyst_client: Client, name: str) -> None:
    response = post_import(analyst_client, GOOD, name=name)

    assert response.status_code == 400
    assert "Give the dataset a name." in text(response)
    assert not Dataset.objects.exists()


def test_a_name_too_long_is_refused(analyst_client: Client) -> None:
    response = post_import(analyst_client, GOOD, name="x" * 121)

    assert response.status_code == 400
    assert "at most 120 characters" in text(response)
    assert not Dataset.objects.exists()


def test_a_name_already_used_is_refused(analyst_client: Client, other_org: Organisation) -> None:
    post_import(analyst_client, GOOD)
    # Another organisation's dataset of that name is no obstacle, and is not what is refused.
    services.import_ctdc(
        services.Importer(other_org, system_label="system:test"),
        [HEADER, victim()],
        name="Other",
        file_name="f.csv",
        file_sha256="0" * 64,
    )

    response = post_import(analyst_client, GOOD)

    assert response.status_code == 400
    assert "Your organisation already has a dataset named “CTDC test”." in text(response)
    assert Dataset.objects.filter(name="CTDC test").count() == 1
    assert post_import(analyst_client, GOOD, name="Other").status_code == 302


def test_the_upload_is_protected_against_cross_site_requests(analyst: Actor) -> None:
    client = login(Client(enforce_csrf_checks=True), analyst)

    response = post_import(client, GOOD)

    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_the_home_page_links_the_import_page_for_those_who_may_import(
    analyst_client: Client, org: Organisation, make_member: MakeMember
) -> None:
    link = f'href="{reverse("insight:import")}"'
    assert link in text(analyst_client.get(reverse("insight:home")))
    supervisor = login(Client(), make_member(org, Role.SUPERVISOR).user)
    page = text(supervisor.get(reverse("insight:home")))
    assert link not in page
    assert "import_ctdc command" in page


# --- deleting and the budget -------------------------------------------------------------------------------------


def make_dataset(organisation: Organisation, name: str = "Synthetic", *, sha256: str = "") -> Dataset:
    lines = [HEADER] + [victim(gender="Female", yearOfRegistration=str(2010 + i % 10)) for i in range(40)]
    lines += [victim(gender="Male", yearOfRegistration="Unknown")] * 5
    dataset, _ = services.import_ctdc(
        services.Importer(organisation, system_label="system:test"),
        lines,
        name=name,
        file_name="f.csv",
        file_sha256=sha256 or name.encode().hex()[:64].ljust(64, "0"),
    )
    return dataset


def spend(actor: Actor, dataset: Dataset, epsilon: float) -> Release:
    values = access.frame_of(dataset).column("gender").values()
    return services.release(
        actor,
        dataset,
        kind="histogram",
        field="gender",
        epsilon=epsilon,
        make=lambda: privacy.release_histogram(values, ["Female", "Male"], epsilon),
        query={"by": ["gender"]},
    )


@pytest.fixture
def dataset(org: Organisation) -> Dataset:
    return make_dataset(org)


def test_deleting_asks_first_then_deletes_and_keeps_the_ledger(
    analyst_client: Client, analyst: Actor, dataset: Dataset
) -> None:
    spend(analyst, dataset, 0.3)
    url = reverse("insight:delete", args=[dataset.pk])

    page = text(analyst_client.get(url))
    assert "Delete “Synthetic”?" in page
    assert "1, spending ε = 0.30" in page
    assert Dataset.objects.filter(pk=dataset.pk).exists()

    response = analyst_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("insight:home")
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    assert Release.objects.get().dataset is None
    assert AuditEntry.objects.filter(action=Action.DELETE, object_type="insight.dataset").exists()
    assert "The dataset “Synthetic” was deleted. Its ledger of releases is kept" in text(
        analyst_client.get(response["Location"])
    )


def test_the_private_page_links_to_delete_and_offers_the_budget_by_role(
    org: Organisation, make_member: MakeMember, dataset: Dataset
) -> None:
    url = reverse("insight:private_release", args=[dataset.pk])
    delete, budget = (
        reverse("insight:delete", args=[dataset.pk]),
        reverse("insight:budget", args=[dataset.pk]),
    )
    pages = {
        role: text(login(Client(), make_member(org, role)).get(url))
        for role in (Role.ANALYST, Role.ORG_ADMIN, Role.SUPERVISOR)
    }

    assert delete in pages[Role.ANALYST]
    assert delete in pages[Role.ORG_ADMIN]
    assert delete not in pages[Role.SUPERVISOR]
    assert budget in pages[Role.ORG_ADMIN]
    assert budget not in pages[Role.ANALYST]
    assert budget not in pages[Role.SUPERVISOR]


def test_the_admin_sets_the_budget(admin_client: Client, dataset: Dataset) -> None:
    response = admin_client.post(
        reverse("insight:budget", args=[dataset.pk]), {"epsilon": "2.5", "delta": "0"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("insight:private_release", args=[dataset.pk])
    dataset.refresh_from_db()
    assert (dataset.epsilon_budget, dataset.delta_budget) == (2.5, 0.0)
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="insight.dataset").count() == 1
    assert "The privacy budget is now ε = 2.5, δ = 0." in text(admin_client.get(response["Location"]))


def test_a_budget_below_what_was_spent_is_refused(
    admin_client: Client, analyst: Actor, dataset: Dataset
) -> None:
    spend(analyst, dataset, 0.6)

    response = admin_client.post(
        reverse("insight:budget", args=[dataset.pk]), {"epsilon": "0.5", "delta": "0"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Releases have already spent ε = 0.60 (δ = 0): the budget cannot be set below that." in page
    assert 'aria-describedby="budget-epsilon-hint budget-error"' in page
    assert 'value="0.5"' in page  # what was typed, to correct
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0
    assert not AuditEntry.objects.filter(action=Action.UPDATE, object_type="insight.dataset").exists()


@pytest.mark.parametrize(
    "posted", [{"epsilon": "lots"}, {"epsilon": "0"}, {"epsilon": "-1"}, {"epsilon": "1", "delta": "1"}, {}]
)
def test_a_malformed_budget_is_refused(
    admin_client: Client, dataset: Dataset, posted: dict[str, str]
) -> None:
    response = admin_client.post(reverse("insight:budget", args=[dataset.pk]), posted)

    assert response.status_code == 400
    assert "Give ε as a number above 0" in text(response)
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0


def test_the_budget_is_for_the_organisation_admin_only(analyst_client: Client, dataset: Dataset) -> None:
    response = analyst_client.post(reverse("insight:budget", args=[dataset.pk]), {"epsilon": "5"})

    assert response.status_code == 403
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0


# --- the mean ----------------------------------------------------------------------------------------------------

MEAN = {"mean_field": "yearOfRegistration", "lower": "2000", "upper": "2025", "mean_epsilon": "0.5"}


def mean_select(page: str) -> str:
    found = re.search(r'<select id="mean-field" name="mean_field"[^>]*>.*?</select>', page, re.S)
    assert found is not None
    return found.group(0)


def test_numeric_fields_are_those_whose_every_known_value_is_a_number() -> None:
    frame = Frame.from_columns(
        {
            "year": ["2016", None, "2012"],
            "share": ["0.5", "1", "-2"],
            "flag": ["0", "1", ""],
            "gender": ["Female", "Male", None],
            "mixed": ["2016", "Unknown year", None],
            "nothing": [None, None, None],
            "nan": ["nan", "1", "2"],
        }
    )
    numeric = {name for name, column in frame.columns.items() if releases.numeric_levels(column)}
    assert numeric == {"year", "share", "flag"}
    assert releases.numeric_values(frame.column("year"))[0::2] == [2016.0, 2012.0]
    assert str(releases.numeric_values(frame.column("year"))[1]) == "nan"
    with pytest.raises(ValueError, match="not a numeric field"):
        releases.numeric_values(frame.column("gender"))


def test_the_mean_form_lists_numeric_fields_and_explains_clamping(
    analyst_client: Client, dataset: Dataset
) -> None:
    page = text(analyst_client.get(reverse("insight:private_release", args=[dataset.pk])))

    select = mean_select(page)
    assert 'value="yearOfRegistration"' in select
    assert 'value="gender"' not in select
    assert "they are clamped" in page
    assert '<label for="mean-lower">' in page
    assert '<label for="mean-epsilon">' in page


def test_the_mean_plan_is_shown_before_anything_is_spent(analyst_client: Client, dataset: Dataset) -> None:
    response = analyst_client.get(reverse("insight:private_release", args=[dataset.pk]), MEAN)

    assert response.status_code == 200
    page = text(response)
    plan = privacy.plan_mean(2000, 2025, 0.5)
    assert "Expected error of the mean" in page
    assert f"The number of known values will be within ±{plan.count_error:.0f} of the true number" in page
    assert (
        f"±{plan.mean_error(1000):.2f} of the true mean of the clamped values, if 1,000 values are known"
        in page
    )
    assert "Release the mean and spend this ε" in page
    assert not Release.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.release").exists()


def test_a_mean_is_released_and_shown_in_the_ledger(
    analyst_client: Client, analyst: Actor, dataset: Dataset
) -> None:
    response = analyst_client.post(reverse("insight:private_release", args=[dataset.pk]), MEAN)

    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.kind, release.epsilon, release.released_by) == ("mean", 0.5, analyst.user)
    assert release.query == {"field": "yearOfRegistration", "lower": 2000.0, "upper": 2025.0}
    assert 2000 <= release.result["display"]["mean"] <= 2025
    # 40 known years averaging 2014.5; the noise at ε = 0.5 is far below 10 years at this size (p < 1e-6).
    assert abs(release.result["values"]["mean"] - 2014.5) < 10
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="insight.release")
    assert entry.details == {"dataset": dataset.pk, "epsilon": 0.5, "kind": "mean"}
    page = text(analyst_client.get(response["Location"]))
    assert "Mean of Year of registration, values clamped to 2000 to 2025" in page
    assert f"Mean: {release.result['display']['mean']:.2f}" in page
    assert f"Known values (noisy): {release.result['display']['count']}" in page


def test_a_mean_past_the_budget_is_refused_and_spends_nothing(
    analyst_client: Client, analyst: Actor, dataset: Dataset
) -> None:
    spend(analyst, dataset, 0.8)

    response = analyst_client.post(reverse("insight:private_release", args=[dataset.pk]), MEAN)

    assert response.status_code == 400
    page = text(response)
    assert (
        "Refused: this release needs ε = 0.50 but only ε = 0.20 of this dataset&#x27;s budget of 1.00" in page
    )
    assert 'id="mean-error"' in page
    assert Release.objects.count() == 1
    assert not Release.objects.filter(kind="mean").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mean_field": "gender"}, "Choose a numeric field from the list."),
        ({"mean_field": "nothing"}, "Choose a numeric field from the list."),
        ({"lower": "2025", "upper": "2000"}, "The lower bound must be below the upper bound"),
        ({"lower": "two thousand"}, "Give the lower and upper bounds as numbers"),
        ({"upper": "inf"}, "The lower bound must be below the upper bound"),
        ({"mean_epsilon": "a lot"}, "Give ε as a number, for example 0.5."),
    ],
)
def test_a_bad_mean_is_refused_and_records_nothing(
    analyst_client: Client, dataset: Dataset, changes: dict[str, str], message: str
) -> None:
    response = analyst_client.post(reverse("insight:private_release", args=[dataset.pk]), MEAN | changes)

    assert response.status_code == 400
    assert message in text(response)
    assert not Release.objects.exists()


def test_a_dataset_without_numeric_fields_says_so(analyst_client: Client, org: Organisation) -> None:
    frame = Frame.from_records(("gender", "citizenship"), [("Female", "TH")] * 5)
    dataset = dataset_of(org, "No numbers", frame)

    page = text(analyst_client.get(reverse("insight:private_release", args=[dataset.pk])))

    assert "This dataset has no numeric field" in page
    assert 'name="mean_field"' not in page


def test_the_histogram_release_still_works_beside_the_mean(analyst_client: Client, dataset: Dataset) -> None:
    url = reverse("insight:private_release", args=[dataset.pk])
    assert "Each count will be within ±" in text(
        analyst_client.get(url, {"field": "gender", "epsilon": "0.5"})
    )

    response = analyst_client.post(url, {"field": "gender", "epsilon": "0.5"})

    assert response.status_code == 302
    assert Release.objects.get().kind == "histogram"
    assert "Count by Gender" in text(analyst_client.get(url))


# --- manage.py stats --mean ---------------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    return str(raised.value)


def test_stats_releases_a_mean(dataset: Dataset, analyst: Actor) -> None:
    printed, warned = run(
        "Synthetic",
        "--mean",
        "yearOfRegistration",
        "--bounds",
        "2000,2025",
        "--epsilon",
        "0.5",
        "--user",
        analyst.user.email,
        "--format",
        "json",
    )

    release = Release.objects.get()
    assert (release.kind, release.epsilon, release.released_by) == ("mean", 0.5, analyst.user)
    assert release.query == {"field": "yearOfRegistration", "lower": 2000.0, "upper": 2025.0, "where": {}}
    published = json.loads(printed)
    assert published["release"] == release.pk
    assert published["bounds"] == [2000.0, 2025.0]
    assert published["rows"] == [
        {
            "field": "yearOfRegistration",
            "noisy_mean": release.result["display"]["mean"],
            "noisy_count": release.result["display"]["count"],
        }
    ]
    assert "The number of known values will be within ±" in warned
    assert "over 1,000 values" in warned


def test_stats_mean_respects_a_filter(dataset: Dataset, analyst: Actor) -> None:
    run(
        "Synthetic",
        "--mean",
        "yearOfRegistration",
        "--bounds=2000,2025",
        "--where",
        "gender=Male",
        "--epsilon",
        "1",
        "--user",
        analyst.user.email,
    )

    release = Release.objects.get()
    assert release.query["where"] == {"gender": ["Male"]}
    # The 5 male records have no known year: only noise is counted (within ±30 at ε/2 = 0.5, p < 1e-6).
    assert abs(release.result["values"]["count"]) < 30


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mean", "gender", "--bounds", "0,1", "--epsilon", "0.5"], "gender is not a numeric field"),
        (["--mean", "sex", "--bounds", "0,1", "--epsilon", "0.5"], "no column 'sex'"),
        (["--mean", "yearOfRegistration", "--bounds", "2025,2000", "--epsilon", "0.5"], "LOWER below UPPER"),
        (["--mean", "yearOfRegistration", "--bounds", "2000", "--epsilon", "0.5"], "not '2000'"),
        (
            ["--mean", "yearOfRegistration", "--bounds", "a,b", "--epsilon", "0.5"],
            "--bounds takes two numbers",
        ),
        (
            ["--mean", "yearOfRegistration", "--bounds", "0,inf", "--epsilon", "0.5"],
            "--bounds takes two numbers",
        ),
        (["--mean", "yearOfRegistration", "--epsilon", "0.5"], "--mean needs --bounds LOWER,UPPER"),
        (["--mean", "yearOfRegistration", "--bounds", "2000,2025"], "give --epsilon"),
        (["--mean", "yearOfRegistration", "--by", "gender", "--epsilon", "0.5"], "not both"),
        (["--by", "gender", "--bounds", "2000,2025"], "--bounds goes with --mean"),
        ([], "--by FIELD"),
    ],
)
def test_stats_mean_refuses_bad_input(
    dataset: Dataset, analyst: Actor, args: list[str], message: str
) -> None:
    assert message in refused("Synthetic", *args, "--user", analyst.user.email)
    assert not Release.objects.exists()


def test_stats_mean_past_the_budget_is_refused(dataset: Dataset, analyst: Actor) -> None:
    spend(analyst, dataset, 0.8)

    message = refused(
        "Synthetic",
        "--mean",
        "yearOfRegistration",
        "--bounds",
        "2000,2025",
        "--epsilon",
        "0.5",
        "--user",
        analyst.user.email,
    )

    assert message.startswith("Refused: This release needs ε = 0.50 but only ε = 0.20")
    assert not Release.objects.filter(kind="mean").exists()


def test_stats_mean_needs_an_analyst(dataset: Dataset, org: Organisation, make_member: MakeMember) -> None:
    supervisor = make_member(org, Role.SUPERVISOR)

    message = refused(
        "Synthetic",
        "--mean",
        "yearOfRegistration",
        "--bounds",
        "2000,2025",
        "--epsilon",
        "0.5",
        "--user",
        supervisor.user.email,
    )

    assert "may not do that" in message
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_deleting_and_importing_the_same_file_again_does_not_refill_the_budget(
    analyst: Actor, admin: Actor, org: Organisation
) -> None:
    """The ledger belongs to the file: delete-and-import is not a way round the privacy budget."""
    dataset = make_dataset(org, "First import")
    frame = access.frame_of(dataset)
    asked = releases.histogram(frame, releases.fields_of(frame), {"field": "gender", "epsilon": "0.7"})
    services.release(
        analyst, dataset, kind=asked.kind, field=asked.field, epsilon=0.7, make=asked.make, query=asked.query
    )
    sha = dataset.file_sha256
    services.delete_dataset(admin, dataset)
    assert Release.objects.filter(file_sha256=sha, dataset__isnull=True).count() == 1

    again = make_dataset(org, "Second import", sha256=sha)  # the same file, under another name
    assert services.spent_of(again).epsilon == pytest.approx(0.7)
    assert [r.epsilon for r in access.ledger(analyst, again)] == [0.7]
    with pytest.raises(privacy.BudgetExceededError):
        services.release(
            analyst,
            again,
            kind=asked.kind,
            field=asked.field,
            epsilon=0.5,
            make=asked.make,
            query=asked.query,
        )
    assert Release.objects.filter(file_sha256=sha).count() == 1
