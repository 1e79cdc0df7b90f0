from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from threefold.accounts.models import Invitation, Organisation, User
from threefold.accounts.services import find_invitation

pytestmark = pytest.mark.django_db


def test_create_organisation_invites_its_first_admin() -> None:
    User.objects.create_superuser("platform@example.org", "a-long-platform-password")
    out = StringIO()
    call_command(
        "create_organisation",
        "Shelter North",
        "--type",
        "NGO",
        "--country",
        "fr",
        "--admin-email",
        "Boss@Example.org",
        stdout=out,
    )
    organisation = Organisation.objects.get(name="Shelter North")
    assert organisation.country == "FR"
    token = out.getvalue().split("/org/join/")[1].split("/")[0]
    invitation = find_invitation(token)
    assert invitation is not None
    assert invitation.organisation == organisation
    assert invitation.email == "boss@example.org"
    assert invitation.role == "org_admin"


@pytest.mark.parametrize("country", ["France", "F1", ""])
def test_create_organisation_rejects_bad_country_and_creates_nothing(country: str) -> None:
    User.objects.create_superuser("platform@example.org", "a-long-platform-password")
    with pytest.raises(CommandError, match="ISO 3166"):
        call_command(
            "create_organisation", "X", "--type", "NGO", "--country", country, "--admin-email", "a@b.org"
        )
    assert not Organisation.objects.exists()
    assert not Invitation.objects.exists()


def test_create_organisation_needs_a_platform_admin() -> None:
    with pytest.raises(CommandError, match="createsuperuser"):
        call_command(
            "create_organisation", "X", "--type", "NGO", "--country", "FR", "--admin-email", "a@b.org"
        )
