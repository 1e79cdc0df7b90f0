from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from threefold.accounts.actor import Actor
from threefold.audit import access


def _actor(request: HttpRequest) -> Actor:
    actor: Actor | None = request.actor  # type: ignore[attr-defined]
    if actor is None or actor.membership is None:
        raise PermissionDenied
    return actor


@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    return render(
        request, "audit/entries.html", {"entries": access.recent(_actor(request)), "scope": "organisation"}
    )


@require_GET
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    entries = access.object_history(_actor(request), object_type, object_id)
    return render(
        request, "audit/entries.html", {"entries": entries, "scope": "object", "object_id": object_id}
    )


@require_GET
def user_activity(request: HttpRequest, user_id: int) -> HttpResponse:
    subject, entries = access.user_activity(_actor(request), user_id)
    return render(request, "audit/entries.html", {"entries": entries, "scope": "user", "subject": subject})
