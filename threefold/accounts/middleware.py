"""Per-request: who is acting (``request.actor``), absolute session lifetime, and compulsory MFA enrolment."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, User
from threefold.accounts.roles import requires_mfa

ACTIVE_ORG_KEY = "threefold_organisation_id"
LOGIN_AT_KEY = "threefold_login_at"


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by clients too. Behind a proxy, the proxy must rewrite it.
    return request.META.get("REMOTE_ADDR") or None


def build_actor(request: HttpRequest, user: User) -> Actor:
    memberships = [m for m in user.memberships.select_related("organisation") if m.is_active]
    chosen = request.session.get(ACTIVE_ORG_KEY) if hasattr(request, "session") else None
    membership = next((m for m in memberships if m.organisation_id == chosen), None) or (
        memberships[0] if memberships else None
    )
    return Actor(user=user, membership=membership, ip=client_ip(request))


def acting_member(request: HttpRequest) -> Actor:
    """The actor of a page that needs an organisation membership; anyone else gets 403."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        raise PermissionDenied
    return actor


class SessionLifetimeMiddleware:
    """Log out sessions older than SESSION_ABSOLUTE_HOURS, however active (idle expiry is the cookie's age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_AT_KEY)
            if started is None:
                request.session[LOGIN_AT_KEY] = time.time()
            elif time.time() - float(started) > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.actor = build_actor(request, user) if isinstance(user, User) else None  # type: ignore[attr-defined]
        return self.get_response(request)


def needs_mfa_enrolment(user: User) -> bool:
    roles = Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
    if not (user.is_superuser or any(requires_mfa(role) for role in roles)):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFARequiredMiddleware:
    """Anyone whose role touches survivor data must set up TOTP before doing anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")
    API_PREFIX = "/api/v1/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and needs_mfa_enrolment(user)
        ):
            # API clients get JSON; the token page under /api/tokens/ is a browser page and gets the redirect.
            if request.path.startswith(self.API_PREFIX):
                return JsonResponse(
                    {"detail": "Set up two-factor authentication before using the API."}, status=403
                )
            if not request.session.get("mfa_reason_shown"):
                request.session["mfa_reason_shown"] = True
                messages.info(
                    request,
                    _(
                        "Your role gives access to survivors' data, so your account needs two-factor "
                        "authentication. Set it up with an authenticator app to continue."
                    ),
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
