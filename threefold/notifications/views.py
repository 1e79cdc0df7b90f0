"""The user's notifications page and marking them read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from threefold.accounts.models import User
from threefold.notifications import access, services


def _user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware keeps anonymous visitors out; a signed-in user always has notifications of their own.
    assert isinstance(request.user, User)
    return request.user


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "notifications/inbox.html",
        {"notifications": access.my_notifications(user), "unread": access.unread_count(user)},
    )


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (``id``) or all of them (``all``); then go where it points, if asked."""
    raw = request.POST.get("id", "")
    if "all" in request.POST:
        services.mark_read(_user(request))
    elif raw.isdigit():
        services.mark_read(_user(request), int(raw))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")
