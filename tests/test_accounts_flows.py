"""Sign-in with the real allauth forms (password, then TOTP), compulsory MFA enrolment, lockout after failed
attempts, session lifetimes, invitations and the password hasher."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD, TOTP_SECRET, MakeMember, has_totp, login, totp_now
from tests.test_personas import reauthenticate
from threefold.accounts import services
from threefold.accounts.middleware import LOGIN_AT_KEY
from threefold.accounts.models import Invitation, Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry

LOGIN = "/accounts/login/"
MFA_SETUP = "/accounts/2fa/totp/activate/"
MFA_CODE = "/accounts/2fa/authenticate/"
REAUTH = "/accounts/reauthenticate/"
PAGES = ["/", "/protect/", "/protect/people/new/", "/org/members/", "/audit/", "/api/tokens/"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth keeps its login rate limits and the TOTP codes already used in the cache; tests must not share them.
    cache.clear()


def sign_in(client: Client, email: str, password: str = PASSWORD) -> object:
    return client.post(LOGIN, {"login": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def wrong_code() -> str:
    """A six-digit code that is not valid in the current, previous or next 30-second window."""
    totp = pyotp.TOTP(TOTP_SECRET)
    now = time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if code not in valid)


# ---- MFA ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_caseworker_without_totp_must_enrol_before_anything_else(
    org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER, mfa=False)
    client = Client()
    response = sign_in(client, caseworker.user.email)
    assert response.status_code == 302
    assert is_signed_in(client)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == MFA_SETUP, page
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    # The enrolment page stays reachable, straight after signing in without asking for the password again.
    setup = client.get(MFA_SETUP)
    assert setup.status_code == 200
    assert not has_totp(caseworker.user)


def open_enrolment(client: Client) -> str:
    """Confirm the password on allauth's reauthentication form, open the TOTP page, return the offered secret."""
    response = client.post(f"{REAUTH}?next={MFA_SETUP}", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == MFA_SETUP
    page = client.get(MFA_SETUP)
    assert page.status_code == 200
    return str(page.context["form"].secret)


@pytest.mark.django_db
def test_enrolling_totp_lifts_the_block(
    org: Organisation, make_member: MakeMember, django_capture_on_commit_callbacks: Any
) -> None:
    caseworker = make_member(org, Role.CASEWORKER, mfa=False)
    client = Client()
    sign_in(client, caseworker.user.email)
    secret = open_enrolment(client)
    assert client.post(MFA_SETUP, {"code": wrong_code()}).status_code == 200
    assert not has_totp(caseworker.user)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals the change on commit
        response = client.post(MFA_SETUP, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content[:1000]
    assert has_totp(caseworker.user)
    assert client.get("/protect/").status_code == 200
    # TOTP and the recovery codes allauth generates with it are both recorded.
    events = AuditEntry.objects.filter(action=Action.MFA, actor_id=caseworker.user.pk)
    assert {"type": Authenticator.Type.TOTP, "event": "added"} in [e.details for e in events]


@pytest.mark.django_db
def test_user_with_totp_is_asked_for_the_code_and_a_wrong_code_is_refused(
    org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    client = Client()
    response = sign_in(client, caseworker.user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_CODE
    assert not is_signed_in(client), "the password alone must not sign a caseworker in"
    assert client.get("/protect/")["Location"].startswith(LOGIN)

    refused = client.post(MFA_CODE, {"code": wrong_code()})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not is_signed_in(client)

    accepted = client.post(MFA_CODE, {"code": totp_now()})
    assert accepted.status_code == 302
    assert is_signed_in(client)
    assert client.get("/protect/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.LOGIN, actor_id=caseworker.user.pk).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("steps_back", "accepted"), [(1, True), (2, False)])
def test_a_code_from_the_step_before_is_accepted_but_not_older(
    org: Organisation, make_member: MakeMember, steps_back: int, accepted: bool
) -> None:
    """A code typed at the end of its 30-second step arrives in the next one; two steps late is too old."""
    caseworker = make_member(org, Role.CASEWORKER)
    client = Client()
    sign_in(client, caseworker.user.email)
    code = pyotp.TOTP(TOTP_SECRET).at(time.time() - 30 * steps_back)
    # The same six digits in two steps (one chance in a million) leave nothing to tell apart.
    if code == totp_now():
        pytest.skip("the old code equals the current one")
    response = client.post(MFA_CODE, {"code": code})
    assert is_signed_in(client) is accepted
    assert response.status_code == (302 if accepted else 200)


@pytest.mark.django_db
def test_trainer_is_not_forced_to_enrol(org: Organisation, make_member: MakeMember) -> None:
    trainer = make_member(org, Role.TRAINER, mfa=False)
    client = Client()
    response = sign_in(client, trainer.user.email)
    assert response.status_code == 302
    assert response["Location"] != MFA_CODE
    assert is_signed_in(client)
    home = client.get("/")
    assert home.status_code == 200
    assert f"You are working for {org.name}" in home.content.decode()


@pytest.mark.django_db
def test_mfa_cannot_be_switched_off_by_roles_that_need_it(org: Organisation, make_member: MakeMember) -> None:
    adapter = get_mfa_adapter()
    caseworker = make_member(org, Role.CASEWORKER)
    trainer = make_member(org, Role.TRAINER)
    totp_of = {
        a.user.pk: Authenticator.objects.get(user=a.user, type=Authenticator.Type.TOTP)
        for a in (caseworker, trainer)
    }
    assert adapter.can_delete_authenticator(totp_of[caseworker.user.pk]) is False
    assert adapter.can_delete_authenticator(totp_of[trainer.user.pk]) is True

    # Through the real page too: the deactivation form refuses and the authenticator stays.
    client = reauthenticate(login(Client(), caseworker.user), caseworker.user)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert has_totp(caseworker.user)

    # A trainer who is also a caseworker elsewhere keeps MFA; a platform admin keeps it as well.
    other = Organisation.objects.create(name="Second NGO", type="NGO", country="GH")
    Membership.objects.create(user=trainer.user, organisation=other, role=Role.CASEWORKER)
    assert adapter.can_delete_authenticator(totp_of[trainer.user.pk]) is False
    admin = User.objects.create_superuser("root@example.org", PASSWORD)
    from allauth.mfa.totp.internal.auth import TOTP

    assert adapter.can_delete_authenticator(TOTP.activate(admin, TOTP_SECRET).instance) is False


# ---- lockout -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account(org: Organisation, make_member: MakeMember) -> None:
    victim = make_member(org, Role.TRAINER, mfa=False)
    colleague = make_member(org, Role.TRAINER, mfa=False)
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        assert sign_in(client, victim.user.email, "not-the-password").status_code in (200, 429)
    assert AccessAttempt.objects.get().username == victim.user.email  # recorded against the account
    # Forget allauth's own rate limit, so that what refuses the right password below is the axes lockout.
    cache.clear()
    locked = sign_in(client, victim.user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert not is_signed_in(client)
    # The lockout is for that account from that address, not for everyone behind the same address.
    assert sign_in(Client(), colleague.user.email).status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(org: Organisation, make_member: MakeMember) -> None:
    user = make_member(org, Role.TRAINER, mfa=False).user
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), user.email, "not-the-password")
    assert sign_in(Client(), user.email).status_code == 302
    # One more failure after the success starts a new count instead of reaching the limit.
    sign_in(Client(), user.email, "not-the-password")
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == 1
    cache.clear()  # allauth's own per-address rate limit is not what this test is about
    assert sign_in(Client(), user.email).status_code == 302


# ---- sessions ----------------------------------------------------------------------------------------------------


def test_idle_session_lifetime_is_fifteen_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_idle_session_ends_after_fifteen_minutes(org: Organisation, make_member: MakeMember) -> None:
    user = make_member(org, Role.CASEWORKER).user
    with freeze_time() as clock:
        client = login(Client(), user)
        clock.tick(timedelta(minutes=14))
        assert client.get("/").status_code == 200  # activity extends the session...
        clock.tick(timedelta(minutes=14))
        assert client.get("/").status_code == 200
        clock.tick(timedelta(minutes=16))  # ...but 16 idle minutes end it
        assert client.get("/")["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_absolute_session_lifetime_logs_out(org: Organisation, make_member: MakeMember) -> None:
    user = make_member(org, Role.CASEWORKER).user
    client = login(Client(), user)
    assert LOGIN_AT_KEY in client.session, "signing in must stamp the session"

    def age_session(hours: float) -> None:
        session = client.session
        session[LOGIN_AT_KEY] = time.time() - hours * 3600
        session.save()

    age_session(settings.SESSION_ABSOLUTE_HOURS - 1)
    assert client.get("/").status_code == 200
    age_session(settings.SESSION_ABSOLUTE_HOURS + 0.01)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)
    assert client.get("/")["Location"].startswith(LOGIN)
    assert AuditEntry.objects.filter(action=Action.LOGOUT, actor_id=user.pk).exists()


# ---- invitations -------------------------------------------------------------------------------------------------


def _join(client: Client, token: str, display_name: str = "New Colleague") -> object:
    return client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {
            "display_name": display_name,
            "password1": "a-Long-enough-passphrase-7",
            "password2": "a-Long-enough-passphrase-7",
        },
    )


@pytest.mark.django_db
def test_invited_person_joins_with_the_invited_role(org: Organisation, make_member: MakeMember) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    invitation, token = services.invite(admin, "New.Colleague@Example.org", Role.SUPERVISOR)
    assert invitation.token_hash != token
    assert token not in invitation.token_hash

    client = Client()
    page = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert page.status_code == 200
    assert "new.colleague@example.org" in page.content.decode()
    response = _join(client, token)
    assert response.status_code == 302
    assert response["Location"] == MFA_SETUP  # a supervisor must enrol before anything else

    user = User.objects.get(email="new.colleague@example.org")
    assert user.display_name == "New Colleague"
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.is_active) == (org, Role.SUPERVISOR, True)
    assert EmailAddress.objects.get(user=user).verified
    assert is_signed_in(client)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None

    # The link works once.
    used = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert used.status_code == 404
    assert _join(Client(), token, "Someone Else").status_code == 404
    assert User.objects.filter(display_name="Someone Else").count() == 0


@pytest.mark.django_db
def test_admin_invites_through_the_page_and_the_mailed_link_works(
    org: Organisation, make_member: MakeMember
) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    client = reauthenticate(login(Client(), admin.user), admin.user)
    response = client.post(
        reverse("accounts:invite"), {"email": "mailed@example.org", "role": Role.CASEWORKER.value}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/org/join/[^\s/]+/", mail.outbox[0].body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    assert _join(Client(), path.rstrip("/").rsplit("/", 1)[1]).status_code == 302
    assert Membership.objects.get(user__email="mailed@example.org").role == Role.CASEWORKER


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["expired", "revoked", "unknown"])
def test_invalid_invitation_links_give_a_404_page(
    how: str, org: Organisation, make_member: MakeMember
) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    invitation, token = services.invite(admin, "late@example.org", Role.CASEWORKER)
    if how == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "revoked":
        services.revoke_invitation(admin, invitation)
    else:
        token = token[:-4] + "AAAA"
    page = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert page.status_code == 404
    assert "This invitation is not valid" in page.content.decode()
    assert "late@example.org" not in page.content.decode()
    assert _join(Client(), token).status_code == 404
    assert not User.objects.filter(email="late@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASEWORKER, Role.TRAINER])
def test_only_an_org_admin_can_invite(role: Role, org: Organisation, make_member: MakeMember) -> None:
    member = make_member(org, role)
    with pytest.raises(PermissionDenied):
        services.invite(member, "friend@example.org", Role.ORG_ADMIN)
    client = reauthenticate(login(Client(), member.user), member.user)
    response = client.post(reverse("accounts:invite"), {"email": "friend@example.org", "role": "org_admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_admin_cannot_act_on_another_organisations_members(
    org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    """Services refuse on their own, whatever view calls them (defence behind the access layer)."""
    admin = make_member(org, Role.ORG_ADMIN)
    outsider_admin = make_member(other_org, Role.ORG_ADMIN)
    caseworker = make_member(org, Role.CASEWORKER)
    invitation, _token = services.invite(admin, "someone@example.org", Role.CASEWORKER)
    assert caseworker.membership is not None
    with pytest.raises(PermissionDenied):
        services.set_active(outsider_admin, caseworker.membership, False)
    with pytest.raises(PermissionDenied):
        services.change_role(outsider_admin, caseworker.membership, Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(outsider_admin, invitation)
    caseworker.membership.refresh_from_db()
    invitation.refresh_from_db()
    assert caseworker.membership.is_active
    assert caseworker.membership.role == Role.CASEWORKER
    assert invitation.is_pending


# ---- password hashing --------------------------------------------------------------------------------------------


def test_argon2_is_the_production_hasher() -> None:
    from threefold.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("a passphrase", hasher="argon2")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("a passphrase", encoded)
