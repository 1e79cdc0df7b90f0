"""Grants give exactly what they say: break-the-glass is view-only and only while acting for the owner."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from threefold.accounts.models import Membership
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.protect import access, services
from threefold.protect.identity import Identity

pytestmark = pytest.mark.django_db


def test_break_the_glass_opens_but_does_not_allow_editing(org, make_member, make_person) -> None:
    person = make_person(make_member(org, Role.CASEWORKER))
    supervisor = make_member(org, Role.SUPERVISOR)
    services.break_glass(supervisor, person, "Safety concern reported by the hotline tonight")
    assert access.open_person(supervisor, person.reference).identity.full_name == "Olga Petrova"
    assert not allowed(supervisor, "protect.change_person", person)
    with pytest.raises(PermissionDenied):
        services.update_identity(supervisor, person, Identity("Changed"), expected_version=person.version)


def test_a_personal_grant_counts_only_while_acting_for_the_owning_organisation(
    org, other_org, make_member, make_person
) -> None:
    person = make_person(make_member(org, Role.CASEWORKER))
    supervisor = make_member(org, Role.SUPERVISOR)
    services.break_glass(supervisor, person, "Safety concern reported by the hotline tonight")
    elsewhere = Membership.objects.create(user=supervisor.user, organisation=other_org, role=Role.SUPERVISOR)
    acting_elsewhere = type(supervisor)(supervisor.user, elsewhere)
    with pytest.raises(Http404):
        access.open_person(acting_elsewhere, person.reference)
    assert person.reference not in [o.person.reference for o in access.my_persons(acting_elsewhere)]
