"""The four-persona access test for every view and API endpoint of Threefold (DESIGN.md section 6).

For each row of ``ROWS`` (one view, one HTTP method) four kinds of caller ask for the same URL:

* anonymous: a page redirects to the login page, an API endpoint answers 401/403;
* a member of another organisation: 404 for our objects, and never our data;
* members of this organisation whose role does not allow it: 403 or 404, never the data;
* the authorised member: 200/201/302, and the data is shown (or the change is made).

Writes are checked by a ``state`` snapshot: it must not move for any refused caller and must move for the
authorised one. Adding a view means adding a row; ``test_every_view_has_a_row`` fails until it is added.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.conftest import MakeMember, login
from threefold.accounts import services as account_services
from threefold.accounts.actor import Actor
from threefold.accounts.middleware import ACTIVE_ORG_KEY
from threefold.accounts.models import AccessGrant, ApiToken, Invitation, Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.models import Person

# --------------------------------------------------------------------------------------------------------------
# Helpers other test modules reuse.


def reauthenticate(client: Client, user: User) -> Client:
    """Record in the client's session a password reauthentication made just now, exactly as allauth does.

    ``reauthentication_required`` views look for a recent record with ``reauthenticated=True`` among the session's
    authentication records (allauth.account.internal.flows.reauthentication.did_recently_reauthenticate); allauth
    writes it with ``record_authentication`` when the reauthentication form is submitted.
    """
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    record_authentication(request, user, method="password", reauthenticated=True)
    session.save()
    return client


def bearer(raw_token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}


# --------------------------------------------------------------------------------------------------------------
# The world every row is tested in.

SURVIVOR = "Olga Petrova"
OUR_TOKEN_NAME = "caseworker laptop sync"
OUTSIDER_TOKEN_NAME = "other organisation sync"
PENDING_EMAIL = "pending.invitee@example.org"
NEW_PERSON = "Marta Kowalska"


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    actors: dict[str, Actor]
    person: Person
    invitation_token: str  # our org invites an existing user ("invitee") to join as a caseworker
    pending_invitation: Invitation
    caseworker_token: ApiToken
    raw_tokens: dict[str, str] = field(default_factory=dict)
    # Objects other modules' persona tables add to the world (see tests/test_personas_identify.py).
    extras: dict[str, Any] = field(default_factory=dict)

    def user(self, key: str) -> User:
        return self.actors[key].user

    def membership(self, key: str) -> Membership:
        membership = self.actors[key].membership
        assert membership is not None
        return membership


def build_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    actors = {
        "caseworker": make_member(org, Role.CASEWORKER),
        "unassigned_caseworker": make_member(org, Role.CASEWORKER),
        "supervisor": make_member(org, Role.SUPERVISOR),
        "legal_officer": make_member(org, Role.LEGAL_OFFICER),
        "screener": make_member(org, Role.SCREENER),
        "trainer": make_member(org, Role.TRAINER),
        "admin": make_member(org, Role.ORG_ADMIN),
        "deactivated": make_member(org, Role.CASEWORKER),
        "other_caseworker": make_member(other_org, Role.CASEWORKER),
        "other_supervisor": make_member(other_org, Role.SUPERVISOR),
        "other_admin": make_member(other_org, Role.ORG_ADMIN),
        "invitee": make_member(other_org, Role.TRAINER),
        "dual": make_member(other_org, Role.CASEWORKER),
    }
    # A member of both organisations, acting for the other one until they switch.
    Membership.objects.create(user=actors["dual"].user, organisation=org, role=Role.SUPERVISOR)
    loner = User.objects.create_user("loner@example.org", "x-" * 10)
    actors["loner"] = Actor(loner, None, ip="127.0.0.1")
    for key, actor in actors.items():
        # Neutral display names, so that finding an organisation's name on a page means the page shows it.
        User.objects.filter(pk=actor.user.pk).update(display_name=f"Persona {key}")

    person = protect_services.create_person(actors["caseworker"], _identity(SURVIVOR))
    protect_services.assign(actors["supervisor"], person, actors["legal_officer"].user)

    _invitation, invitation_token = account_services.invite(
        actors["admin"], actors["invitee"].user.email, Role.CASEWORKER
    )
    pending, _token = account_services.invite(actors["admin"], PENDING_EMAIL, Role.SCREENER)

    raw_tokens: dict[str, str] = {}
    for key, actor in actors.items():
        if actor.membership is not None:
            name = OUTSIDER_TOKEN_NAME if actor.organisation_id == other_org.pk else f"{key} token"
            if key == "caseworker":
                name = OUR_TOKEN_NAME
            _api_token, raw_tokens[key] = account_services.create_api_token(actor, name)
    caseworker_token = ApiToken.objects.get(user=actors["caseworker"].user)

    # A member who made a token and was then deactivated: signed in or not, they act for nobody.
    Membership.objects.filter(pk=actors["deactivated"].membership.pk).update(is_active=False)  # type: ignore[union-attr]
    actors["deactivated"] = Actor(actors["deactivated"].user, None, ip="127.0.0.1")

    return World(
        org, other_org, actors, person, invitation_token, pending, caseworker_token, raw_tokens=raw_tokens
    )


def _identity(full_name: str) -> Identity:
    given, family = full_name.split(" ", 1)
    return Identity(given_names=given, family_names=family, phones=("+44 20 7946 0958",))


# --------------------------------------------------------------------------------------------------------------
# The table.

Text = Callable[[World], str]
State = Callable[[World], object]


@dataclass(frozen=True)
class Row:
    view: str  # URL name, namespaced
    method: str
    url: Callable[[World], str]
    other_org: str  # the actor of another organisation (same role as the authorised one where it applies)
    denied: tuple[str, ...]  # members of this organisation whose role (or relation) does not allow it
    authorised: str
    ok_status: int
    shows: Text | None = None  # what the authorised caller sees; nobody else may see it
    secret: Text | None = None  # defaults to ``shows``
    data: Callable[[World], dict[str, Any]] | None = None
    state: State | None = None  # a write: unchanged for every refused caller, changed for the authorised one
    never_shown: Text | None = None  # not even to the authorised caller
    afterwards: Callable[[World, Client], bool] | None = None  # true once the authorised request is done
    api: bool = False
    reauth: bool = False  # decorated with allauth's reauthentication_required
    other_org_status: tuple[int, ...] = (404,)
    denied_status: tuple[int, ...] = (403, 404)
    write: bool = True  # a POST that changes something (needs ``state``); False for computations like scoring

    @property
    def id(self) -> str:
        return f"{self.view}-{self.method}"

    def hidden(self, world: World) -> str | None:
        if self.secret is not None:
            return self.secret(world)
        return self.shows(world) if self.shows else None


def _ref(w: World) -> str:
    return w.person.reference


def _survivor(w: World) -> str:
    return SURVIVOR


def _person_count(w: World) -> object:
    return Person.objects.filter(organisation=w.org).count()


def _person_version(w: World) -> object:
    return Person.objects.get(pk=w.person.pk).version


def _person_form(w: World) -> dict[str, Any]:
    return {"given_names": "Olga", "family_names": "Petrova-Ivanova", "version": w.person.version}


def _grants(w: World) -> object:
    return AccessGrant.objects.filter(object_id=str(w.person.pk), is_break_glass=True).count()


def _caseworker_role(w: World) -> object:
    return Membership.objects.get(pk=w.membership("caseworker").pk).role


def _caseworker_active(w: World) -> object:
    return Membership.objects.get(pk=w.membership("caseworker").pk).is_active


def _caseworker_authenticators(w: World) -> object:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=w.membership("caseworker").user).count()


def _unassigned_caseworker_assigned(w: World) -> object:
    return w.person.assigned_to.filter(pk=w.user("unassigned_caseworker").pk).exists()


def _our_searches(w: World) -> object:
    return AuditEntry.objects.filter(action=Action.SEARCH, organisation_id=w.org.pk).count()


def _pending_revoked(w: World) -> object:
    return Invitation.objects.get(pk=w.pending_invitation.pk).revoked_at is not None


def _our_invitations(w: World) -> object:
    return Invitation.objects.filter(organisation=w.org).count()


def _invitee_joined(w: World) -> object:
    return Membership.objects.filter(user=w.user("invitee"), organisation=w.org).exists()


def _token_count(w: World) -> object:
    return ApiToken.objects.filter(user=w.user("caseworker")).count()


def _token_revoked(w: World) -> object:
    return ApiToken.objects.get(pk=w.caseworker_token.pk).revoked_at is not None


def _audit_entries(w: World) -> object:
    # Every change is audited, so a refused request adds no entry and an accepted one adds at least one.
    return AuditEntry.objects.count()


def _acts_for_our_org(w: World, client: Client) -> bool:
    return f"You are working for {w.org.name}" in _text(client.get(reverse("web:home")))


def _email(key: str) -> Text:
    return lambda w: w.user(key).email


ROWS: tuple[Row, ...] = (
    # ---- web
    Row(
        "web:home",
        "GET",
        lambda w: reverse("web:home"),
        other_org="other_caseworker",
        denied=("loner", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: f"You are working for {w.org.name}",
        # The home page is for every signed-in user; outsiders and people without a membership see no org data.
        other_org_status=(200,),
        denied_status=(200,),
    ),
    Row(
        "web:switch_organisation",
        "POST",
        lambda w: reverse("web:switch_organisation"),
        other_org="other_caseworker",
        denied=("deactivated", "loner"),
        authorised="dual",
        ok_status=302,
        data=lambda w: {"organisation": w.org.pk},
        state=_audit_entries,
        afterwards=_acts_for_our_org,
    ),
    # ---- protect
    Row(
        "protect:home",
        "GET",
        lambda w: reverse("protect:home"),
        other_org="other_caseworker",
        denied=("trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=_survivor,
        other_org_status=(200,),
    ),
    Row(
        "protect:home",
        "POST",
        lambda w: reverse("protect:home"),
        other_org="other_caseworker",
        denied=("trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        # Typed differently from how it is stored, so finding SURVIVOR on the page means a result, not the echo.
        data=lambda w: {"q": "petrova OLGA"},
        shows=_survivor,
        state=_our_searches,
        other_org_status=(200,),
    ),
    Row(
        "protect:add_person",
        "GET",
        lambda w: reverse("protect:add_person"),
        other_org="other_caseworker",
        denied=("trainer", "legal_officer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: 'name="given_names"',
        other_org_status=(200,),
        secret=lambda w: SURVIVOR,
    ),
    Row(
        "protect:add_person",
        "POST",
        lambda w: reverse("protect:add_person"),
        other_org="other_caseworker",
        denied=("trainer", "legal_officer", "admin", "loner"),
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"given_names": "Marta", "family_names": "Kowalska"},
        state=_person_count,
        # An outsider records a person in their own organisation: ours is untouched (checked by ``state``).
        other_org_status=(302,),
    ),
    Row(
        "protect:caseload",
        "GET",
        lambda w: reverse("protect:caseload"),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "admin", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=_ref,
        other_org_status=(200,),
        never_shown=_survivor,  # the caseload lists references and assignments, never identities
    ),
    Row(
        "protect:person",
        "GET",
        lambda w: reverse("protect:person", args=[_ref(w)]),
        other_org="other_caseworker",
        denied=("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=_survivor,
    ),
    Row(
        "protect:edit_person",
        "GET",
        lambda w: reverse("protect:edit_person", args=[_ref(w)]),
        other_org="other_caseworker",
        # The legal officer is assigned and may read the record, but not change it.
        denied=("legal_officer", "unassigned_caseworker", "supervisor", "screener", "trainer", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: 'value="Petrova"',
    ),
    Row(
        "protect:edit_person",
        "POST",
        lambda w: reverse("protect:edit_person", args=[_ref(w)]),
        other_org="other_caseworker",
        denied=("legal_officer", "unassigned_caseworker", "supervisor", "screener", "trainer", "loner"),
        authorised="caseworker",
        ok_status=302,
        data=_person_form,
        state=_person_version,
        secret=lambda w: "Petrova",
    ),
    Row(
        "protect:assign",
        "POST",
        lambda w: reverse("protect:assign", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "admin", "loner"),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"membership": w.membership("unassigned_caseworker").pk},
        state=_unassigned_caseworker_assigned,
    ),
    Row(
        "protect:break_glass",
        "GET",
        lambda w: reverse("protect:break_glass", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "admin", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=_ref,
        secret=_survivor,
        reauth=True,
    ),
    Row(
        "protect:break_glass",
        "POST",
        lambda w: reverse("protect:break_glass", args=[_ref(w)]),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "admin", "loner"),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"reason": "Safety call from the shelter tonight"},
        state=_grants,
        secret=_survivor,
        reauth=True,
    ),
    # ---- accounts (organisation admin)
    Row(
        "accounts:members",
        "GET",
        lambda w: reverse("accounts:members"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=200,
        shows=_email("caseworker"),
        other_org_status=(200,),
    ),
    Row(
        "accounts:invite",
        "GET",
        lambda w: reverse("accounts:invite"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="email"',
        secret=_email("caseworker"),
        other_org_status=(200,),
        reauth=True,
    ),
    Row(
        "accounts:invite",
        "POST",
        lambda w: reverse("accounts:invite"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"email": "new.colleague@example.org", "role": Role.CASEWORKER.value},
        state=_our_invitations,
        other_org_status=(302,),
        reauth=True,
    ),
    Row(
        "accounts:change_role",
        "GET",
        lambda w: reverse("accounts:change_role", args=[w.membership("caseworker").pk]),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=200,
        shows=_email("caseworker"),
        reauth=True,
    ),
    Row(
        "accounts:change_role",
        "POST",
        lambda w: reverse("accounts:change_role", args=[w.membership("caseworker").pk]),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"role": Role.LEGAL_OFFICER.value},
        state=_caseworker_role,
        reauth=True,
    ),
    Row(
        "accounts:toggle_active",
        "POST",
        lambda w: reverse("accounts:toggle_active", args=[w.membership("caseworker").pk]),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        state=_caseworker_active,
        reauth=True,
    ),
    Row(
        "accounts:reset_mfa",
        "POST",
        lambda w: reverse("accounts:reset_mfa", args=[w.membership("caseworker").pk]),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        state=_caseworker_authenticators,
        reauth=True,
    ),
    Row(
        "accounts:revoke_invitation",
        "POST",
        lambda w: reverse("accounts:revoke_invitation", args=[w.pending_invitation.pk]),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        state=_pending_revoked,
    ),
    # The invitation goes to an address that already has an account: only its owner, signed in, may accept.
    # Anyone else holding the link is sent to sign in as that person (302), and nothing is accepted.
    Row(
        "accounts:accept_invitation",
        "GET",
        lambda w: reverse("accounts:accept_invitation", args=[w.invitation_token]),
        other_org="other_admin",
        denied=("admin", "caseworker", "loner"),
        authorised="invitee",
        ok_status=200,
        shows=lambda w: f"Join {w.org.name}",
        other_org_status=(302,),
        denied_status=(302,),
    ),
    Row(
        "accounts:accept_invitation",
        "POST",
        lambda w: reverse("accounts:accept_invitation", args=[w.invitation_token]),
        other_org="other_admin",
        denied=("admin", "caseworker", "loner"),
        authorised="invitee",
        ok_status=302,
        state=_invitee_joined,
        other_org_status=(302,),
        denied_status=(302,),
    ),
    # ---- audit
    Row(
        "audit:activity",
        "GET",
        lambda w: reverse("audit:activity"),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "trainer", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=_email("caseworker"),
        other_org_status=(200,),
    ),
    Row(
        "audit:object",
        "GET",
        lambda w: reverse("audit:object", args=["protect.person", w.person.pk]),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "trainer", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=_email("caseworker"),
    ),
    Row(
        "audit:user",
        "GET",
        lambda w: reverse("audit:user", args=[w.user("caseworker").pk]),
        other_org="other_supervisor",
        denied=("caseworker", "legal_officer", "trainer", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=_email("caseworker"),
    ),
    # ---- API token page (session, browser)
    Row(
        "api:tokens",
        "GET",
        lambda w: reverse("api:tokens"),
        other_org="other_caseworker",
        denied=("loner", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: OUR_TOKEN_NAME,
        other_org_status=(200,),
        reauth=True,
    ),
    Row(
        "api:tokens",
        "POST",
        lambda w: reverse("api:tokens"),
        other_org="other_caseworker",
        denied=("loner", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        data=lambda w: {"name": "second device"},
        state=_token_count,
        shows=lambda w: "Copy this token now",
        secret=lambda w: OUR_TOKEN_NAME,
        other_org_status=(200,),
        reauth=True,
    ),
    Row(
        "api:revoke_token",
        "POST",
        lambda w: reverse("api:revoke_token", args=[w.caseworker_token.pk]),
        other_org="other_caseworker",
        denied=("supervisor", "admin", "loner"),
        authorised="caseworker",
        ok_status=302,
        state=_token_revoked,
    ),
    # ---- REST API (Bearer tokens)
    Row(
        "api:me",
        "GET",
        lambda w: reverse("api:me"),
        other_org="other_caseworker",
        denied=("deactivated",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: w.org.name,
        api=True,
        other_org_status=(200,),
    ),
    # Instruments are shipped reference data, the same for every organisation: outsiders see them too, but
    # never anything of ours.
    Row(
        "api:instruments",
        "GET",
        lambda w: reverse("api:instruments"),
        other_org="other_caseworker",
        denied=("deactivated",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "ilo_ec_delphi_adult_labour",
        secret=lambda w: w.org.name,
        api=True,
        other_org_status=(200,),
    ),
    Row(
        "api:instrument",
        "GET",
        lambda w: reverse("api:instrument", args=["quick_youth_indicators"]),
        other_org="other_caseworker",
        denied=("deactivated",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "q_unsafe_work",
        secret=lambda w: w.org.name,
        api=True,
        other_org_status=(200,),
    ),
    Row(
        "api:instrument_score",
        "POST",
        lambda w: reverse("api:instrument_score", args=["quick_youth_indicators"]),
        other_org="other_caseworker",
        denied=("trainer", "admin", "deactivated"),
        authorised="screener",
        ok_status=200,
        data=lambda w: {"q_unsafe_work": "yes"},
        shows=lambda w: '"positive":true',
        secret=lambda w: w.org.name,
        api=True,
        other_org_status=(200,),
        write=False,
    ),
    Row(
        "api:persons",
        "GET",
        lambda w: reverse("api:persons"),
        other_org="other_caseworker",
        denied=("trainer", "screener", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "Petrova",
        api=True,
        other_org_status=(200,),
    ),
    Row(
        "api:persons",
        "POST",
        lambda w: reverse("api:persons"),
        other_org="other_caseworker",
        denied=("trainer", "legal_officer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=201,
        data=lambda w: {"given_names": "Marta", "family_names": "Kowalska"},
        state=_person_count,
        api=True,
        other_org_status=(201,),
    ),
    Row(
        "api:person",
        "GET",
        lambda w: reverse("api:person", args=[_ref(w)]),
        other_org="other_caseworker",
        denied=("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "Petrova",
        api=True,
    ),
)

# Views that need no row: allauth's own pages (sign-in, MFA, password reset: tested in test_accounts_flows and
# test_url_guard) and public endpoints holding no data (checked by test_url_guard).
NOT_PERSONA_TESTED = {"web:healthz", "api:schema", "api:docs", "set_language"}


# --------------------------------------------------------------------------------------------------------------
# Running a row.


def _client(world: World, key: str | None, row: Row) -> Client:
    client = Client()
    if key is None:
        return client
    user = world.user(key)
    if row.api:
        return Client(**bearer(world.raw_tokens[key]))
    login(client, user)
    actor = world.actors[key]
    if actor.organisation_id is not None:
        # Each persona acts for the organisation of its Actor (the member of two acts for the other one).
        session = client.session
        session[ACTIVE_ORG_KEY] = actor.organisation_id
        session.save()
    if row.reauth:
        reauthenticate(client, user)
    return client


def _send(client: Client, row: Row, world: World) -> Any:
    url = row.url(world)
    data = row.data(world) if row.data else {}
    if row.method == "GET":
        return client.get(url)
    if row.method == "PUT":
        return client.put(url, data, content_type="application/json")
    if row.api:
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


def _text(response: Any) -> str:
    return response.content.decode(errors="replace")


def _run(row: Row, world: World, key: str | None) -> tuple[Any, object, object, Client]:
    client = _client(world, key, row)
    before = row.state(world) if row.state else None
    response = _send(client, row, world)
    after = row.state(world) if row.state else None
    return response, before, after, client


def _assert_refused(row: Row, world: World, response: Any, before: object, after: object) -> None:
    hidden = row.hidden(world)
    if hidden is not None:
        assert hidden not in _text(response), f"{row.id} leaked {hidden!r}"
    if row.state:
        assert before == after, f"{row.id} changed {before!r} -> {after!r} for a caller it should refuse"


def personas(rows: tuple[Row, ...]) -> list[Any]:
    """One test case per row and persona, for ``pytest.mark.parametrize(("row", "persona", "key"), ...)``."""
    params = []
    for row in rows:
        params.append(pytest.param(row, "anonymous", None, id=f"{row.id}-anonymous"))
        params.append(pytest.param(row, "other_org", row.other_org, id=f"{row.id}-other_org-{row.other_org}"))
        params.extend(pytest.param(row, "denied", key, id=f"{row.id}-denied-{key}") for key in row.denied)
        params.append(pytest.param(row, "authorised", row.authorised, id=f"{row.id}-authorised"))
    return params


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_world(org, other_org, make_member)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


def check_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    """The four-persona assertions for one row and one caller; other modules' tables run them too."""
    response, before, after, client = _run(row, world, key)
    status = response.status_code

    if persona == "anonymous":
        if row.api:
            assert status in (401, 403), f"{row.id}: anonymous API call answered {status}"
        else:
            assert status == 302, f"{row.id}: anonymous answered {status}"
            assert response["Location"].startswith(reverse("account_login") + "?next=")
        _assert_refused(row, world, response, before, after)
        return

    if persona == "other_org":
        assert status in row.other_org_status, f"{row.id}: other organisation answered {status}"
        _assert_refused(row, world, response, before, after)
        # Whatever an outsider is shown, it never names our organisation or our members.
        assert world.org.name not in _text(response)
        assert world.user("caseworker").email not in _text(response)
        return

    if persona == "denied":
        assert status in row.denied_status, f"{row.id}: {key} answered {status}"
        _assert_refused(row, world, response, before, after)
        if status == 200:
            # Only pages open to every signed-in user answer 200 here; they must not show our organisation.
            assert world.org.name not in _text(response)
        return

    assert status == row.ok_status, f"{row.id}: authorised {key} answered {status}: {_text(response)[:500]}"
    if row.shows:
        assert row.shows(world) in _text(response), f"{row.id}: authorised {key} did not see the data"
    if row.state:
        assert before != after, f"{row.id}: the authorised change did not happen"
    if row.never_shown:
        assert row.never_shown(world) not in _text(response), f"{row.id} shows what it never should"
    if row.afterwards:
        assert row.afterwards(world, client), f"{row.id}: the authorised request had no effect"


def all_rows() -> tuple[Row, ...]:
    """This table and every ``tests/test_personas_*.py`` module's ``ROWS`` (imported here, not at the top,
    because those modules import this one)."""
    rows = list(ROWS)
    for path in sorted(Path(__file__).parent.glob("test_personas_*.py")):
        rows.extend(importlib.import_module(f"tests.{path.stem}").ROWS)
    return tuple(rows)


REAUTH_ROWS = [pytest.param(row, id=row.id) for row in ROWS if row.reauth]


@pytest.mark.django_db
@pytest.mark.parametrize("row", REAUTH_ROWS)
def test_sensitive_views_ask_for_reauthentication(row: Row, world: World) -> None:
    """Without a recent reauthentication the authorised member is sent to confirm their password first."""
    client = login(Client(), world.user(row.authorised))
    before = row.state(world) if row.state else None
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    hidden = row.hidden(world)
    if hidden:
        assert hidden not in _text(response)
    if row.state:
        assert row.state(world) == before
    # A reauthentication older than ACCOUNT_REAUTHENTICATION_TIMEOUT is not enough either.
    reauthenticate(client, world.user(row.authorised))
    session = client.session
    records = session["account_authentication_methods"]
    records[-1]["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session["account_authentication_methods"] = records
    session.save()
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def _all_view_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: tuple[str, ...]) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, (*namespace, pattern.namespace) if pattern.namespace else namespace)
            else:
                names.add(":".join((*namespace, pattern.name or f"<unnamed {pattern.pattern}>")))

    walk(get_resolver(), ())
    return names


def test_every_view_has_a_row() -> None:
    project_views = {
        name
        for name in _all_view_names()
        if not name.startswith(("account_", "mfa_"))  # allauth's own views
    }
    covered = {row.view for row in all_rows()} | NOT_PERSONA_TESTED
    missing = sorted(project_views - covered)
    assert not missing, f"views without a four-persona row: {missing}"
    stale = sorted(covered - project_views)
    assert not stale, f"rows for views that no longer exist: {stale}"


def test_each_persona_slot_is_meaningful() -> None:
    """Guard the table itself: the authorised actor is never also listed as refused, and each row refuses someone."""
    for row in all_rows():
        assert row.authorised not in row.denied, row.id
        assert row.other_org.startswith("other_"), row.id
        assert row.denied, row.id
        if row.method == "POST" and row.write:
            assert row.state is not None, f"{row.id}: a write needs a state snapshot"


@pytest.mark.django_db
def test_world_audit_and_tokens_are_as_the_table_assumes(world: World) -> None:
    """The fixtures the rows rely on: the person is assigned as described and tokens are stored hashed."""
    assert set(world.person.assigned_to.values_list("email", flat=True)) == {
        world.user("caseworker").email,
        world.user("legal_officer").email,
    }
    raw = world.raw_tokens["caseworker"]
    assert world.caseworker_token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(world.person.pk)).exists()


@pytest.mark.django_db
def test_the_member_of_two_organisations_starts_acting_for_the_other_one(world: World) -> None:
    """Otherwise the switch row's ``afterwards`` check would pass without any switch."""
    row = next(row for row in ROWS if row.view == "web:switch_organisation")
    client = _client(world, "dual", row)
    assert not _acts_for_our_org(world, client)
    assert f"You are working for {world.other_org.name}" in _text(client.get(reverse("web:home")))
