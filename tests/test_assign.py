from __future__ import annotations

import pytest

from threefold.accounts.roles import Role
from threefold.protect import access, services
from threefold.protect.identity import IdentityError

pytestmark = pytest.mark.django_db


def test_supervisor_assigns_a_screeners_record_to_a_caseworker(
    org, make_member, make_person, client_for
) -> None:
    screener = make_member(org, Role.SCREENER)
    person = make_person(screener)  # a screener records but cannot open it
    caseworker = make_member(org, Role.CASEWORKER)
    assert access.my_persons(caseworker) == []
    supervisor = client_for(make_member(org, Role.SUPERVISOR))
    response = supervisor.post(
        f"/protect/people/{person.reference}/assign/", {"membership": caseworker.membership.pk}
    )
    assert response.status_code == 302
    assert [o.person.reference for o in access.my_persons(caseworker)] == [person.reference]


def test_assigning_to_a_role_that_cannot_read_identities_is_refused(
    org, make_member, make_person, client_for
) -> None:
    person = make_person(make_member(org, Role.CASEWORKER))
    trainer = make_member(org, Role.TRAINER)
    supervisor = client_for(make_member(org, Role.SUPERVISOR))
    response = supervisor.post(
        f"/protect/people/{person.reference}/assign/", {"membership": trainer.membership.pk}
    )
    assert response.status_code == 302
    assert not person.assigned_to.filter(pk=trainer.user.pk).exists()
    assert "Choose a caseworker" in supervisor.get("/protect/caseload/").content.decode()


def test_a_supervisor_cannot_assign_a_record_to_themself(org, make_member, make_person, client_for) -> None:
    person = make_person(make_member(org, Role.CASEWORKER))
    supervisor = make_member(org, Role.SUPERVISOR)
    client = client_for(supervisor)
    client.post(f"/protect/people/{person.reference}/assign/", {"membership": supervisor.membership.pk})
    assert not person.assigned_to.filter(pk=supervisor.user.pk).exists()
    with pytest.raises(IdentityError, match="yourself"):
        services.assign(supervisor, person, supervisor.user)
