"""The page where a member creates and revokes their personal API tokens."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts import access, services
from threefold.accounts.middleware import acting_member


@require_http_methods(["GET", "POST"])
@reauthentication_required
def tokens(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    new_token = None
    if request.method == "POST":
        _token, new_token = services.create_api_token(actor, request.POST.get("name", ""))
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": access.my_tokens(actor),
            "new_token": new_token,
            "heading": _("API tokens"),
        },
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = acting_member(request)
    services.revoke_api_token(actor, access.get_my_token(actor, token_id))
    return redirect("api:tokens")
