"""Audit sign-ins, sign-outs, failed sign-ins and changes to two-factor authentication."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from threefold.accounts.middleware import LOGIN_AT_KEY, build_actor, client_ip
from threefold.accounts.models import User
from threefold.audit import services as audit
from threefold.audit.models import Action


@receiver(auth_signals.user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        request.session[LOGIN_AT_KEY] = time.time()
        audit.record(build_actor(request, user), Action.LOGIN)


@receiver(auth_signals.user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is not None and isinstance(user, User):
        audit.record(build_actor(request, user), Action.LOGOUT)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The attempted e-mail is not recorded: a mistyped password pasted into the e-mail field would be kept.
    audit.record(
        None,
        Action.LOGIN_FAILED,
        system_label="anonymous",
        details={"ip": client_ip(request) if request else None},
    )


@receiver(mfa_signals.authenticator_added)
@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def on_mfa_change(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    event = {
        mfa_signals.authenticator_added: "added",
        mfa_signals.authenticator_removed: "removed",
        mfa_signals.authenticator_reset: "reset",
    }.get(kwargs.get("signal"), "changed")
    audit.record(build_actor(request, user), Action.MFA, details={"type": authenticator.type, "event": event})
