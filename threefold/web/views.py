from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    role = actor.role if actor else None
    context = {
        "role": role,
        "can_add_person": bool(actor and allowed(actor, "protect.add_person")),
        "reads_identities": bool(actor and actor.reads_identities),
        "can_view_caseload": bool(actor and allowed(actor, "protect.view_caseload")),
        "waiting_for_module": role in {Role.TRAINER, Role.ANALYST},
    }
    return render(request, "web/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
