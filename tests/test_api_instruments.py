"""The instruments API: definitions for partner systems, scoring with clear errors for bad answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.identify.models import Screening

pytestmark = pytest.mark.django_db


def test_unknown_instrument_is_404(org, make_member, client_for) -> None:
    client = client_for(make_member(org, Role.SCREENER))
    assert client.get("/api/v1/instruments/no_such_tool/").status_code == 404
    assert (
        client.post(
            "/api/v1/instruments/no_such_tool/score/", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_bad_answers_get_400_naming_the_item(org, make_member, client_for) -> None:
    client = client_for(make_member(org, Role.SCREENER))
    url = "/api/v1/instruments/quick_youth_indicators/score/"
    response = client.post(
        url, {"q_unsafe_work": "perhaps", "q_made_up": "yes"}, content_type="application/json"
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "q_unsafe_work" in text
    assert "q_made_up" in text
    assert client.post(url, ["yes"], content_type="application/json").status_code == 400


def test_definition_lists_every_delphi_indicator(org, make_member, client_for) -> None:
    client = client_for(make_member(org, Role.CASEWORKER))
    definition = client.get("/api/v1/instruments/ilo_ec_delphi_adult_labour/").json()
    assert len(definition["indicators"]) == 67
    listing = client.get("/api/v1/instruments/").json()
    assert {i["id"] for i in listing} >= {"ilo_ec_delphi_adult_labour", "quick_youth_indicators"}


def test_a_screening_stored_over_the_api_is_sealed_audited_and_read_back(
    org, make_member, client_for
) -> None:
    client = client_for(make_member(org, Role.SCREENER))
    bad = client.post(
        reverse("api:screenings"),
        {
            "instrument": "quick_youth_indicators",
            "setting": "outreach",
            "answers": {"q_unsafe_work": "maybe"},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "q_unsafe_work" in bad.json()["answers"][0]
    wrong_setting = client.post(
        reverse("api:screenings"),
        {"instrument": "quick_youth_indicators", "setting": "hotel", "answers": {}},
        content_type="application/json",
    )
    assert wrong_setting.status_code == 400
    assert not Screening.objects.exists()

    created = client.post(
        reverse("api:screenings"),
        {"instrument": "quick_youth_indicators", "setting": "outreach", "answers": {"q_unsafe_work": "no"}},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["outcome"] == "inconclusive"  # three questions unanswered could each have been a yes
    screening = Screening.objects.get(reference=body["reference"])
    assert b"q_unsafe_work" not in bytes(screening.record or b"")
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(screening.pk)).exists()
    again = client.get(reverse("api:screening", args=[screening.reference]))
    assert again.json()["result"]["status"] == "inconclusive"
