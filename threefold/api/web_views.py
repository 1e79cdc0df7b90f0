"""The page where a member creates and revokes their personal API tokens."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts import services
from threefold.accounts.actor import Actor
from threefold.accounts.models import ApiToken


def _actor(request: HttpRequest) -> Actor:
    actor: Actor | None = request.actor  # type: ignore[attr-defined]
    if actor is None or actor.membership is None:
        raise PermissionDenied
    return actor


@require_http_methods(["GET", "POST"])
@reauthentication_required
def tokens(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    new_token = None
    if request.method == "POST":
        _token, new_token = services.create_api_token(actor, request.POST.get("name", ""))
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=actor.user, revoked_at__isnull=True),
            "new_token": new_token,
            "heading": _("API tokens"),
        },
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = _actor(request)
    token = ApiToken.objects.filter(pk=token_id, user=actor.user).first()
    if token is None:
        raise Http404
    services.revoke_api_token(actor, token)
    return redirect("api:tokens")
