"""django-allauth adapters: no open sign-up, TOTP secrets encrypted by the vault, MFA compulsory to keep."""

from __future__ import annotations

import base64
import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from threefold.accounts.roles import requires_mfa
from threefold.vault import sealed
from threefold.vault.models import KeyPurpose

_MFA_CONTEXT = "allauth.mfa.secret"


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Setting up two-factor authentication straight after signing in (which the MFA middleware forces)
        # must not ask for the password a second time: a sign-in within the re-authentication window counts.
        if app == "allauth.mfa":
            request = context.request
            records = get_authentication_records(request, request.user) if request and request.user else []
            if records and time.time() - float(records[-1]["at"]) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join an organisation by invitation only (see accounts.views.accept_invitation).
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        # allauth passes the address as ``email``; django-axes reads the user name from the ``login`` key
        # (AXES_USERNAME_FORM_FIELD, the login form's field). Without it every failure was recorded under no
        # user name, so five failures locked out everyone behind the same IP and a success reset nothing.
        email = credentials.get("email")
        if isinstance(email, str) and "login" not in credentials:
            credentials["login"] = email.strip().lower()
        return super().authenticate(request, **credentials)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        # allauth stores TOTP seeds and recovery-code seeds as given; without this a database copy would let
        # anyone generate valid codes.
        blob = sealed.seal(
            text.encode(), organisation_id=None, context=_MFA_CONTEXT, purpose=KeyPurpose.PLATFORM
        )
        return base64.b64encode(blob).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        return sealed.unseal(
            base64.b64decode(encrypted_text), organisation_id=None, context=_MFA_CONTEXT
        ).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Someone whose role needs MFA cannot switch it off; they can only replace it.
        user = authenticator.user
        if user.is_superuser:
            # Platform admins must keep MFA too (MFARequiredMiddleware forces them to enrol).
            return False
        roles = user.memberships.filter(is_active=True).values_list("role", flat=True)
        return not any(requires_mfa(role) for role in roles)
