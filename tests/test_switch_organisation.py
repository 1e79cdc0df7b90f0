from __future__ import annotations

import pytest

from threefold.accounts.models import Membership
from threefold.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_member_of_two_organisations_switches_and_outsider_cannot(
    org, other_org, make_member, client_for
) -> None:
    actor = make_member(org, Role.CASEWORKER)
    Membership.objects.create(user=actor.user, organisation=other_org, role=Role.SUPERVISOR)
    client = client_for(actor)
    assert "Act for" in client.get("/").content.decode()
    response = client.post("/organisation/switch/", {"organisation": other_org.pk})
    assert response.status_code == 302
    assert "Other NGO" in client.get("/").content.decode().split("account-links")[1]

    outsider = client_for(make_member(org, Role.CASEWORKER))
    assert outsider.post("/organisation/switch/", {"organisation": other_org.pk}).status_code == 404
    assert outsider.post("/organisation/switch/", {"organisation": "x"}).status_code == 400
    assert client_for(actor).get("/organisation/switch/").status_code == 405
