"""The case API: what a client gets back when a change is refused, stale or wrong, and the round trip of the
HTCDS victim context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import bearer
from threefold.accounts import services as account_services
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.protect.models import Case, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(
    org: Organisation, make_member: MakeMember, make_person: Callable[..., Person]
) -> tuple[Client, Person]:
    caseworker = make_member(org, Role.CASEWORKER)
    _token, raw = account_services.create_api_token(caseworker, "field laptop")
    return Client(**bearer(raw)), make_person(caseworker)


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def _open(client: Client, person: Person, **extra: Any) -> Any:
    return _post(
        client, reverse("api:cases"), {"person": person.reference, "reason": "Asked for help", **extra}
    )


def test_a_case_opens_with_its_context_and_reads_back(api: tuple[Client, Person]) -> None:
    client, person = api
    context = {
        "exploitation_types": ["ForcedLabour"],
        "forced_labour_industries": ["F_Construction"],
        "journey": [{"type": "Exploitation", "country": "PL", "start": "2025-03-01"}],
    }
    created = _open(client, person, victim_context=context)
    assert created.status_code == 201, created.content
    detail = client.get(reverse("api:case", args=[created.json()["reference"]])).json()
    assert detail["victim_context"]["forced_labour_industries"] == ["F_Construction"]
    assert detail["victim_context"]["journey"][0]["country"] == "PL"
    assert [entry["kind"] for entry in detail["timeline"]] == ["opened"]
    assert detail["nrm"] is None


def test_wrong_values_answer_400_naming_the_field_and_change_nothing(api: tuple[Client, Person]) -> None:
    client, person = api
    refused = _open(client, person, victim_context={"forced_labour_industries": ["F_Construction"]})
    assert refused.status_code == 400
    assert "forced_labour_industries" in refused.json()
    assert _open(client, person, reason="short").status_code == 400
    assert not Case.objects.filter(person=person).exists()

    reference = _open(client, person).json()["reference"]
    jump = _post(
        client,
        reverse("api:case_stage", args=[reference]),
        {"stage": "services", "reason": "Skipping two stages", "version": 1},
    )
    assert jump.status_code == 400
    assert "stage" in jump.json()
    assert Case.objects.get(reference=reference).stage == "open"


def test_a_stale_version_answers_409_and_writes_nothing(api: tuple[Client, Person]) -> None:
    client, person = api
    reference = _open(client, person).json()["reference"]
    stage_url = reverse("api:case_stage", args=[reference])
    moved = _post(client, stage_url, {"stage": "assessment", "reason": "First meeting held", "version": 1})
    assert moved.status_code == 200
    assert moved.json()["version"] == 2
    stale = client.put(
        reverse("api:case_context", args=[reference]),
        {"version": 1, "control_methods": ["DebtBondage"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert client.get(reverse("api:case", args=[reference])).json()["victim_context"]["control_methods"] == []


def test_the_schema_documents_the_case_endpoints(api: tuple[Client, Person]) -> None:
    client, _person = api
    schema = client.get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).content.decode()
    for path in ("/api/v1/cases/", "/api/v1/cases/{reference}/stage/", "/api/v1/cases/{reference}/context/"):
        assert path in schema
