from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from threefold.accounts.rules import allowed
from threefold.web.modules import current_module, modules_for


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "nav_modules": modules_for(actor),
        # The app of the page, to mark its entry of the navigation (web/modules.py: a module may span apps).
        "current_module": current_module(
            actor, request.resolver_match.app_name if request.resolver_match else None
        ),
        "can_manage_members": bool(actor and allowed(actor, "accounts.manage_members")),
        "can_view_audit": bool(actor and allowed(actor, "audit.view_history")),
        "demo_mode": settings.DEMO_MODE,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "other_memberships": [
            m
            for m in actor.user.memberships.select_related("organisation")
            if m.is_active and m.pk != actor.membership.pk
        ]
        if actor and actor.membership
        else [],
    }
