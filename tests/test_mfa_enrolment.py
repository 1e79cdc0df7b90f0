"""Forced two-factor set-up right after signing in asks for the password once, not twice."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from threefold.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_set_up_follows_sign_in_without_a_second_password(org, make_member) -> None:
    actor = make_member(org, Role.CASEWORKER, mfa=False)
    client = Client()
    client.post("/accounts/login/", {"login": actor.user.email, "password": PASSWORD})
    response = client.get("/protect/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_an_old_sign_in_still_needs_reauthentication(org, make_member) -> None:
    from freezegun import freeze_time

    actor = make_member(org, Role.CASEWORKER, mfa=False)
    client = Client()
    with freeze_time("2026-11-28 10:00:00"):
        client.post("/accounts/login/", {"login": actor.user.email, "password": PASSWORD})
    with freeze_time("2026-11-28 10:10:00"):
        response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
