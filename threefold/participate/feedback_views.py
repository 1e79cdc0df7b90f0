"""Service feedback for staff: results per service and provider (small counts suppressed), how many held answers
were destroyed unread after waiting too long for their batch, issuing single-use feedback links after a service,
and reading the comments on one service (shuffled, once k clients answered)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from threefold.accounts.rules import allowed
from threefold.participate import access, services
from threefold.participate.forms import FeedbackLinksForm
from threefold.participate.pages import permitted, save_form
from threefold.participate.views import cards
from threefold.referrals.models import Service


@require_GET
def feedback(request: HttpRequest) -> HttpResponse:
    actor = permitted(request, "participate.view_results")
    return render(
        request,
        "participate/feedback.html",
        {
            "results": access.feedback_results(actor),
            "k": access.FEEDBACK_K,
            "held_days": services.held_feedback_days(),
            "can_invite": allowed(actor, "participate.invite"),
            "can_manage": allowed(actor, "participate.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
def feedback_links(request: HttpRequest) -> HttpResponse:
    actor = permitted(request, "participate.invite")
    providers = access.providers(actor)
    form = FeedbackLinksForm(request.POST if request.method == "POST" else None, providers=providers)
    codes = save_form(
        request,
        form,
        lambda data: services.issue_feedback_links(
            actor, data["service"], form.providers.get(data["provider"]), data["count"]
        ),
    )
    return render(
        request,
        "participate/links.html",
        {
            "form": form,
            "title": None,
            "action": reverse("participate:feedback_links"),
            "back": reverse("participate:feedback"),
            "cards": cards(request, codes or []),
        },
        status=400 if request.method == "POST" and codes is None else 200,
    )


@require_GET
def feedback_comments(request: HttpRequest, service: str, provider: int) -> HttpResponse:
    actor = permitted(request, "participate.manage")
    if service not in Service.values:
        raise Http404
    texts = access.feedback_comments(actor, service, provider)
    return render(
        request,
        "participate/free_text.html",
        {"question": Service(service).label, "texts": texts, "back": reverse("participate:feedback")},
    )
