from __future__ import annotations

import pytest

from threefold.accounts.roles import Role


@pytest.mark.django_db
def test_pages_with_personal_data_are_never_cached(org, make_member, make_person, client_for) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    response = client_for(caseworker).get(f"/protect/people/{person.reference}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
