from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from threefold.accounts.middleware import ACTIVE_ORG_KEY, build_actor
from threefold.accounts.models import User
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.notifications import access as notification_access
from threefold.referrals import access as referral_access


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    role = actor.role if actor else None
    can_answer_referrals = bool(actor and allowed(actor, "referrals.view_incoming"))
    context = {
        "role": role,
        "can_screen": bool(actor and allowed(actor, "identify.screen")),
        "can_review_screenings": bool(actor and allowed(actor, "identify.review_list")),
        "can_add_person": bool(actor and allowed(actor, "protect.add_person")),
        "reads_identities": bool(actor and actor.reads_identities),
        "can_view_caseload": bool(actor and allowed(actor, "protect.view_caseload")),
        "can_configure_case_approvals": bool(actor and allowed(actor, "protect.configure_case_approvals")),
        "can_answer_referrals": can_answer_referrals,
        "referrals_waiting": referral_access.waiting_count(actor) if can_answer_referrals else 0,
        "can_configure_retention": bool(actor and allowed(actor, "protect.configure_retention")),
        "can_manage_partners": bool(actor and allowed(actor, "referrals.manage_partners")),
        "unread_notifications": notification_access.unread_count(request.user) if actor else 0,  # type: ignore[arg-type]
        "can_train": bool(actor and allowed(actor, "training.manage")),
        "can_run_prevention": bool(actor and allowed(actor, "prevent.manage")),
        "can_consult": bool(actor and allowed(actor, "participate.view_results")),
        "can_view_statistics": bool(actor and allowed(actor, "insight.view_statistics")),
    }
    return render(request, "web/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Act for another organisation the user belongs to. Only active memberships count."""
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        return HttpResponseBadRequest("organisation must be a number")
    user = request.user
    if (
        not isinstance(user, User)
        or not user.memberships.filter(organisation_id=organisation_id, is_active=True).exists()
    ):
        raise Http404
    request.session[ACTIVE_ORG_KEY] = organisation_id
    actor = build_actor(request, user)
    audit.record(actor, Action.UPDATE, actor.membership, details={"acting_for_organisation": organisation_id})
    return redirect("web:home")
