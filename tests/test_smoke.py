from __future__ import annotations

from django.test import Client

from tests.conftest import MakeMember
from threefold.accounts.roles import Role


def test_caseworker_records_and_opens_a_person(org, make_member: MakeMember, client_for) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    client: Client = client_for(caseworker)
    response = client.post("/protect/people/new/", {"given_names": "Olga", "family_names": "Petrova"})
    assert response.status_code == 302, response.content[:2000]
    page = client.get(response["Location"])
    assert "Olga Petrova" in page.content.decode()
