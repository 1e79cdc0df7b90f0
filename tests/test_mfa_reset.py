from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import has_totp
from threefold.accounts import services
from threefold.accounts.models import Membership
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


def test_admin_resets_a_lost_authenticator_and_the_member_must_enrol_again(
    org, make_member, client_for
) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    caseworker = make_member(org, Role.CASEWORKER)
    services.reset_mfa(admin, caseworker.membership)
    assert not has_totp(caseworker.user)
    assert AuditEntry.objects.filter(action=Action.MFA, details__event="reset_by_admin").exists()
    response = client_for(caseworker).get("/protect/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


def test_reset_refused_for_self_and_for_people_of_other_organisations(org, other_org, make_member) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    with pytest.raises(ValidationError, match="your own"):
        services.reset_mfa(admin, admin.membership)
    shared = make_member(org, Role.CASEWORKER)
    Membership.objects.create(user=shared.user, organisation=other_org, role=Role.CASEWORKER)
    with pytest.raises(ValidationError, match="platform admin"):
        services.reset_mfa(admin, shared.membership)
    assert has_totp(shared.user)
