"""The instruments API: definitions for partner systems, scoring with clear errors for bad answers."""

from __future__ import annotations

import pytest

from threefold.accounts.roles import Role

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
