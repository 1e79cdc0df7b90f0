from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from threefold.accounts.middleware import build_actor, needs_mfa_enrolment
from threefold.accounts.models import User
from threefold.accounts.rules import allowed


class IsMember(BasePermission):
    """Authenticated, a member of an organisation, and enrolled in MFA where the role needs it.

    Sets ``request.actor`` for the view: the middleware could not, because DRF authenticates tokens later.
    """

    message = "You must be a member of an organisation with two-factor authentication set up."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, User) or needs_mfa_enrolment(user):
            return False
        actor = build_actor(request._request, user)
        request.actor = actor  # type: ignore[attr-defined]
        return allowed(actor, "api.use")
