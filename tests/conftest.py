"""Shared fixtures: organisations, members of every role with TOTP set up, and logged-in clients."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from hypothesis import settings as hypothesis_settings

from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, OrganisationType, User
from threefold.accounts.roles import Role
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.models import Person

# No property test is a timed test: hypothesis's default 200 ms deadline failed correct code on a loaded machine.
hypothesis_settings.register_profile("threefold", deadline=None)
hypothesis_settings.load_profile("threefold")

PASSWORD = "correct-horse-battery-staple-42"
TOTP_SECRET = base64.b32encode(b"threefold-test-totp!").decode()


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(name="Home NGO", type=OrganisationType.NGO, country="FR")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return Organisation.objects.create(name="Other NGO", type=OrganisationType.NGO, country="MX")


MakeMember = Callable[..., Actor]


@pytest.fixture
def make_member(db: None) -> MakeMember:
    counter = iter(range(10_000))

    def make(organisation: Organisation, role: Role, *, mfa: bool = True, email: str | None = None) -> Actor:
        email = email or f"{role.value}{next(counter)}@{organisation.pk}.example.org"
        user = User.objects.create_user(email, PASSWORD, display_name=f"{role.value} of {organisation.name}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        if mfa:
            TOTP.activate(user, TOTP_SECRET)
        return Actor(user, membership, ip="127.0.0.1")

    return make


def login(client: Client, actor_or_user: Actor | User) -> Client:
    """Log a client in as a user who already passed MFA (force_login skips allauth's code stage on purpose)."""
    user = actor_or_user.user if isinstance(actor_or_user, Actor) else actor_or_user
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.fixture
def client_for(client: Client) -> Callable[[Actor | User], Client]:
    def make(actor: Actor | User) -> Client:
        fresh = Client()
        return login(fresh, actor)

    return make


def totp_now() -> str:
    return pyotp.TOTP(TOTP_SECRET).now()


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@pytest.fixture
def make_person() -> Callable[..., Person]:
    def make(actor: Actor, given: str = "Olga", family: str = "Petrova", **extra: object) -> Person:
        return protect_services.create_person(
            actor, Identity(given_names=given, family_names=family, **extra)
        )  # type: ignore[arg-type]

    return make
