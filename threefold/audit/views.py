from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from threefold.accounts.middleware import acting_member
from threefold.audit import access


@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audit/entries.html",
        {"entries": access.recent(acting_member(request)), "scope": "organisation"},
    )


@require_GET
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    entries = access.object_history(acting_member(request), object_type, object_id)
    return render(
        request, "audit/entries.html", {"entries": entries, "scope": "object", "object_id": object_id}
    )


@require_GET
def user_activity(request: HttpRequest, user_id: int) -> HttpResponse:
    subject, entries = access.user_activity(acting_member(request), user_id)
    return render(request, "audit/entries.html", {"entries": entries, "scope": "user", "subject": subject})
