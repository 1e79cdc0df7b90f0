"""The insight API: datasets without their records, protected tables equal to the statistics page's CSV (a small
count never leaves, not even in JSON), refused parameters, and differentially private releases that are
recorded and audited, or refused past the budget with nothing recorded."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.conftest import MakeMember, login
from tests.insight_datasets import dataset_of
from tests.test_insight import HEADER, give_statistics_consent, open_case, spend, victim
from tests.test_personas import bearer
from threefold.accounts import services as account_services
from threefold.accounts.actor import Actor
from threefold.accounts.middleware import ACTIVE_ORG_KEY
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.disclosure import CannotProtectError
from threefold.insight import services
from threefold.insight.core import crosstab, privacy
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset, Release
from threefold.protect.models import Person

pytestmark = pytest.mark.django_db

OURS = "Hotline register 2016"
THEIRS = "Other network register"
# 30 Thai women, 2 Burmese men (fewer than 11: never published), 12 of unknown gender; one line refused.
LINES = (
    [HEADER]
    + [victim(gender="Female", citizenship="TH")] * 30
    + [victim(gender="Male", citizenship="MM")] * 2
    + [victim(gender="Unknown")] * 12
    + [victim(yearOfRegistration="20x6")]
)
SMALL = 2
DATASET_KEYS = {
    "id",
    "name",
    "kind",
    "layout",
    "source",
    "terms",
    "imported_at",
    "row_count",
    "data_lines",
    "rejected_lines",
    "epsilon_budget",
    "delta_budget",
    "epsilon_spent",
}
INSIGHT_PATHS = (
    "/api/v1/insight/datasets/",
    "/api/v1/insight/datasets/{dataset_id}/",
    "/api/v1/insight/datasets/{dataset_id}/releases/",
    "/api/v1/insight/tables/",
)


def import_dataset(organisation: Organisation, name: str) -> Dataset:
    content = "".join(LINES).encode()
    dataset, _parsed = services.import_ctdc(
        services.Importer(organisation, system_label="system:test"),
        LINES,
        name=name,
        file_name="victims.csv",
        file_sha256=services.sha256_of(content + name.encode()),
        accept_valid=True,
    )
    return dataset


def frame_dataset(organisation: Organisation, name: str, frame: Frame) -> Dataset:
    return dataset_of(organisation, name, frame)


@dataclass
class World:
    org: Organisation
    actors: dict[str, Actor]
    tokens: dict[str, str]
    ours: Dataset
    theirs: Dataset

    def api(self, key: str) -> Client:
        return Client(**bearer(self.tokens[key]))

    def page(self, key: str) -> Client:
        """A signed-in browser of the member, acting for their organisation."""
        actor = self.actors[key]
        client = login(Client(), actor)
        session = client.session
        session[ACTIVE_ORG_KEY] = actor.organisation_id
        session.save()
        return client


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    actors = {
        "analyst": make_member(org, Role.ANALYST),
        "supervisor": make_member(org, Role.SUPERVISOR),
        "admin": make_member(org, Role.ORG_ADMIN),
        "caseworker": make_member(org, Role.CASEWORKER),
        "other_analyst": make_member(other_org, Role.ANALYST),
    }
    tokens = {
        key: account_services.create_api_token(actor, f"{key} token")[1] for key, actor in actors.items()
    }
    return World(org, actors, tokens, import_dataset(org, OURS), import_dataset(other_org, THEIRS))


def _table(client: Client, **params: Any) -> Any:
    return client.get(reverse("api:insight_table"), params)


def _releases(world: World, dataset: Dataset | None = None) -> str:
    return reverse("api:insight_releases", args=[(dataset or world.ours).pk])


def _release(client: Client, url: str, **body: Any) -> Any:
    return client.post(
        url, {"kind": "histogram", "field": "gender", "epsilon": 0.5, **body}, "application/json"
    )


def _page_csv(world: World, by: list[str], source: str | None = None) -> list[dict[str, str]]:
    columns = f"&columns={by[1]}" if len(by) > 1 else ""
    url = reverse("insight:table", args=[source or world.ours.pk]) + f"?rows={by[0]}{columns}&format=csv"
    response = world.page("analyst").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _as_csv(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """JSON rows as the CSV writes them: a hidden count is an empty cell."""
    return [{key: "" if value is None else str(value) for key, value in row.items()} for row in rows]


# ---- datasets ----------------------------------------------------------------------------------------------------


def test_the_list_is_our_datasets_without_their_records(world: World) -> None:
    spend(world.actors["analyst"], world.ours, 0.25)

    response = world.api("supervisor").get(reverse("api:insight_datasets"))

    assert response.status_code == 200
    [listed] = response.json()
    assert set(listed) == DATASET_KEYS  # never the frame, the file's name or hash, or who imported it
    assert listed["id"] == world.ours.pk
    assert listed["name"] == OURS
    assert (listed["kind"], listed["layout"]) == ("ctdc", world.ours.layout)
    assert (listed["row_count"], listed["data_lines"], listed["rejected_lines"]) == (44, 45, 1)
    assert (listed["epsilon_budget"], listed["delta_budget"], listed["epsilon_spent"]) == (1.0, 0.0, 0.25)
    assert listed["terms"] == world.ours.terms
    assert THEIRS not in response.content.decode()


def test_the_detail_has_the_import_report(world: World) -> None:
    response = world.api("admin").get(reverse("api:insight_dataset", args=[world.ours.pk]))

    assert response.status_code == 200
    detail = response.json()
    assert set(detail) == DATASET_KEYS | {"report"}
    assert detail["name"] == OURS
    report = detail["report"]
    assert report["missing"]["gender"] == {"Unknown": 12}
    assert report["rejected_lines"] == [46]
    assert report["problems"] == [
        {
            "line": 46,
            "column": "yearOfRegistration",
            "value": "20x6",
            "message": "year '20x6' is not a whole number",
        }
    ]
    assert (report["problem_count"], report["accepted_valid_only"]) == (1, True)


def test_another_organisations_dataset_is_a_404_everywhere(world: World) -> None:
    client = world.api("analyst")
    theirs = world.theirs.pk
    for url in (
        reverse("api:insight_dataset", args=[theirs]),
        reverse("api:insight_dataset", args=[999_999]),
        _releases(world, world.theirs),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert THEIRS not in response.content.decode()
    assert _table(client, source=theirs, by="gender").status_code == 404
    assert _release(client, _releases(world, world.theirs)).status_code == 404
    assert not Release.objects.exists()
    # And the other organisation's analyst sees theirs, never ours.
    listed = world.api("other_analyst").get(reverse("api:insight_datasets")).json()
    assert [item["name"] for item in listed] == [THEIRS]


def test_a_role_that_reads_no_statistics_is_refused_before_anything_is_read(world: World) -> None:
    client = world.api("caseworker")
    for response in (
        client.get(reverse("api:insight_datasets")),
        client.get(reverse("api:insight_dataset", args=[world.ours.pk])),
        _table(client, source=world.ours.pk, by="gender", k="not a number"),
        client.get(_releases(world)),
    ):
        assert response.status_code == 403
        assert OURS not in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="insight.table").exists()


# ---- tables ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", [["gender"], ["gender", "citizenship"], ["citizenship", "gender"]])
def test_a_table_is_the_pages_csv(world: World, by: list[str]) -> None:
    response = _table(world.api("analyst"), source=world.ours.pk, by=",".join(by))

    assert response.status_code == 200, response.content
    table = response.json()
    assert (table["source"], table["title"], table["fields"], table["k"]) == (
        str(world.ours.pk),
        OURS,
        by,
        crosstab.DEFAULT_K,
    )
    assert table["protection"] == 5
    assert _as_csv(table["rows"]) == _page_csv(world, by)
    statuses = {row["status"] for row in table["rows"]}
    assert {"shown", "fewer than 11"} <= statuses
    entry = AuditEntry.objects.filter(action=Action.VIEW, object_type="insight.table").latest("seq")
    assert (entry.actor_id, entry.object_id) == (world.actors["analyst"].user.pk, str(world.ours.pk))
    assert entry.details == {"by": by, "k": crosstab.DEFAULT_K, "filters": []}


@pytest.mark.parametrize(
    ("by", "k"), [("gender", None), ("gender,citizenship", None), ("citizenship", None), ("gender", 3)]
)
def test_a_small_count_never_leaves(world: World, by: str, k: int | None) -> None:
    params = {"source": world.ours.pk, "by": by} | ({"k": k} if k else {})

    response = _table(world.api("analyst"), **params)

    assert response.status_code == 200
    rows = response.json()["rows"]
    text = response.content.decode()
    assert '"count":null,' in text  # the compact form the next line looks for
    assert f'"count":{SMALL},' not in text
    assert all(row["count"] != SMALL for row in rows)
    # Every count of the two Burmese men (Male, MM, their totals), which are all 2 in truth; zeros are shown.
    small = [
        row
        for row in rows
        if {row.get("gender"), row.get("citizenship")} & {"Male", "MM"} and row["count"] != 0
    ]
    assert small
    assert all(row["count"] is None for row in small)
    assert {row["status"] for row in small} == {f"fewer than {k or crosstab.DEFAULT_K}"}
    hidden = [row for row in rows if row["count"] is None]
    assert all(row["status"] != "shown" for row in hidden)


def test_own_cases_are_counted_only_with_consent_and_protected(
    world: World, make_member: MakeMember, make_person: Callable[..., Person]
) -> None:
    caseworker = make_member(world.org, Role.CASEWORKER)
    person = make_person(caseworker, gender="Feminine", citizenships=("PH",))
    open_case(caseworker, person)
    client = world.api("analyst")

    empty = _table(client, source="cases", by="gender")
    assert empty.status_code == 200
    assert (empty.json()["title"], empty.json()["rows"]) == ("Your organisation's cases", [])

    give_statistics_consent(caseworker, person)
    response = _table(client, source="cases", by="citizenship")

    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows
    assert all(row["count"] in (None, 0) for row in rows)  # one case: every count of it is hidden
    assert '"count":1' not in response.content.decode()
    assert _as_csv(rows) == _page_csv(world, ["citizenship"], source="cases")

    # Own cases are counted by one field at a time (linked cross-tabs could be combined): refused, not counted.
    before = AuditEntry.objects.filter(object_type="insight.table").count()
    crossed = _table(client, source="cases", by="gender,citizenship")
    assert crossed.status_code == 400
    assert "counted by one field at a time" in crossed.json()["by"][0]
    assert AuditEntry.objects.filter(object_type="insight.table").count() == before


BAD_TABLES = [
    pytest.param({"by": "nationality"}, "by", "No field nationality here: choose from", id="unknown-field"),
    pytest.param({"by": "gender,ageBroad"}, "by", "No field ageBroad here", id="field-the-source-lacks"),
    pytest.param({"by": "gender,citizenship,Datasource"}, "by", "at most 2 fields", id="three-fields"),
    pytest.param({"by": "gender,gender"}, "by", "named twice", id="twice"),
    pytest.param({"by": "gender,"}, "by", "separated by commas", id="empty-name"),
    pytest.param({"by": ""}, "by", "may not be blank", id="blank"),
    pytest.param({}, "by", "required", id="no-fields"),
    pytest.param({"by": "gender", "k": 2}, "k", "k must be at least 3", id="k-2"),
    pytest.param({"by": "gender", "k": 0}, "k", "k must be at least 3", id="k-0"),
    pytest.param({"by": "gender", "k": "eleven"}, "k", "k must be a whole number", id="k-word"),
    pytest.param({"by": "gender", "k": "1.5"}, "k", "k must be a whole number", id="k-fraction"),
    pytest.param({"by": "gender", "k": 10**6}, "k", "k must be at most 1000", id="k-huge"),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD_TABLES)
def test_a_refused_parameter_is_a_400_naming_it(
    world: World, org: Organisation, params: dict[str, Any], field: str, message: str
) -> None:
    # A dataset with two of the page's fields only, so a field of the list can be missing from it.
    frame = Frame.from_records(("gender", "citizenship"), [("Female", "TH")] * 20)
    small = frame_dataset(org, "Two columns", frame)

    response = _table(world.api("analyst"), source=small.pk, **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not AuditEntry.objects.filter(object_type="insight.table").exists()


@pytest.mark.parametrize("source", ["999999", "nope", "-1", ""])
def test_an_unknown_source_is_a_404(world: World, source: str) -> None:
    response = _table(world.api("analyst"), source=source, by="gender")
    assert response.status_code == (400 if source == "" else 404)
    if source == "":
        assert "source" in response.json()


def test_a_table_too_detailed_to_protect_is_a_400(world: World, org: Organisation) -> None:
    # 100 nationalities by 100 countries: 10,100 cells, more than a table may publish.
    records = [(f"C{i:03}", f"X{i:03}") for i in range(100)]
    detailed = frame_dataset(
        org, "Detailed", Frame.from_records(("citizenship", "CountryOfExploitation"), records)
    )

    response = _table(world.api("analyst"), source=detailed.pk, by="citizenship,CountryOfExploitation")

    assert response.status_code == 400
    assert response.json() == {
        "by": ["This table is too detailed to publish safely: choose fewer or coarser fields."]
    }
    assert "10,100" not in response.content.decode()  # how many combinations exist is not said either


def test_a_table_no_pattern_protects_is_a_400(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise CannotProtectError("no suppression pattern protects this table")

    monkeypatch.setattr(crosstab, "protect", refuse)

    response = _table(world.api("analyst"), source=world.ours.pk, by="gender")

    assert response.status_code == 400
    assert "too detailed to publish safely" in response.json()["by"][0]


# ---- differentially private releases ---------------------------------------------------------------------------


def test_a_release_is_recorded_in_the_ledger_and_audited(world: World) -> None:
    analyst = world.actors["analyst"]

    response = _release(world.api("analyst"), _releases(world))

    assert response.status_code == 201, response.content
    released = response.json()
    row = Release.objects.get(dataset=world.ours)
    assert released["id"] == row.pk
    assert (released["kind"], released["epsilon"], released["delta"]) == ("histogram", 0.5, 0.0)
    assert released["query"] == {"field": "gender", "by": ["gender"]}
    assert released["released_by"] == analyst.user.email
    assert set(released["display"]) == {"(unknown)", "Female", "Male", privacy.OTHER}
    assert all(value >= 0 for value in released["display"].values())
    assert released["display"] == row.result["display"]
    assert released["expected_error"] == row.result["expected_error"]
    assert released["confidence"] == privacy.DEFAULT_CONFIDENCE
    assert "OpenDP" in released["mechanism"]
    assert "values" not in released  # the raw noisy values stay in the ledger's row
    audit = AuditEntry.objects.get(action=Action.EXPORT, object_type="insight.release")
    assert (audit.actor_id, audit.object_id) == (analyst.user.pk, str(row.pk))
    assert audit.details["epsilon"] == 0.5

    ledger = world.api("supervisor").get(_releases(world))
    assert ledger.status_code == 200
    assert ledger.json() == [released]
    detail = world.api("supervisor").get(reverse("api:insight_dataset", args=[world.ours.pk])).json()
    assert detail["epsilon_spent"] == 0.5


def test_a_release_past_the_budget_is_refused_with_the_figures_and_records_nothing(world: World) -> None:
    spend(world.actors["analyst"], world.ours, 0.25)
    services.set_budget(world.actors["admin"], world.ours, epsilon=0.5)
    before = (Release.objects.count(), AuditEntry.objects.count())

    response = _release(world.api("analyst"), _releases(world), epsilon=0.3)

    assert response.status_code == 400
    refused = response.json()
    assert refused["epsilon"] == [
        "This release needs ε = 0.30 but only ε = 0.25 of this dataset's budget of 0.50 is left "
        "(0.25 spent in 1 release)."
    ]
    assert refused["budget"] == {"epsilon": 0.5, "delta": 0.0}
    assert refused["spent"] == {"epsilon": 0.25, "delta": 0.0, "releases": 1}
    assert refused["asked"] == {"epsilon": 0.3, "delta": 0.0}
    assert (Release.objects.count(), AuditEntry.objects.count()) == before
    # What is left still fits.
    assert _release(world.api("analyst"), _releases(world), epsilon=0.25).status_code == 201


BAD_RELEASES = [
    pytest.param({"kind": "mean"}, "kind", "not a valid choice", id="mean"),
    pytest.param({"kind": None}, "kind", "may not be null", id="no-kind"),
    pytest.param({"field": "nationality"}, "field", "Choose a field from the list", id="unknown-field"),
    pytest.param({"field": "ageBroad"}, "field", "No field ageBroad here", id="field-the-dataset-lacks"),
    pytest.param({"epsilon": 0}, "epsilon", "above 0", id="epsilon-0"),
    pytest.param({"epsilon": -1}, "epsilon", "above 0", id="epsilon-negative"),
    pytest.param({"epsilon": 11}, "epsilon", "at most 10", id="epsilon-too-large"),
    pytest.param({"epsilon": "half"}, "epsilon", "Give ε as a number", id="epsilon-word"),
]


@pytest.mark.parametrize(("body", "field", "message"), BAD_RELEASES)
def test_a_refused_release_value_is_a_400_naming_it(
    world: World, org: Organisation, body: dict[str, Any], field: str, message: str
) -> None:
    small = frame_dataset(
        org, "Two columns", Frame.from_records(("gender", "citizenship"), [("Female", "TH")] * 20)
    )

    response = _release(world.api("analyst"), _releases(world, small), **body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not Release.objects.exists()


def test_only_an_analyst_releases(world: World) -> None:
    for key in ("supervisor", "admin"):
        response = _release(world.api(key), _releases(world))
        assert response.status_code == 403
    assert not Release.objects.exists()


# ---- schema ------------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_insight_endpoints(world: World) -> None:
    response = world.api("analyst").get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in INSIGHT_PATHS:
        assert path in paths
        for method, operation in paths[path].items():
            assert operation.get("summary"), f"{method} {path} has no summary"
    assert set(paths["/api/v1/insight/datasets/{dataset_id}/releases/"]) == {"get", "post"}
    post = paths["/api/v1/insight/datasets/{dataset_id}/releases/"]["post"]
    assert {"201", "400"} <= set(post["responses"])
    assert {p["name"] for p in paths["/api/v1/insight/tables/"]["get"]["parameters"]} == {
        "source",
        "by",
        "k",
        "table",  # a table of a dataset of several (the US prosecutions: cases, defendants, judges)
    }


def test_the_schema_builds_without_warnings_about_insight() -> None:
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
        problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    validate_schema(json.loads(json.dumps(schema, default=str)))
    # Enum names are shared by the whole schema: a collision anywhere renames other endpoints' enums too.
    mine = [message for message in problems if "insight" in message.lower() or "enum" in message.lower()]
    assert not mine, mine
    assert "KindEnum" in schema["components"]["schemas"], "a second 'kind' enum renamed the tasks' one"
