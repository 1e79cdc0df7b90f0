"""Advocacy action pages: the list (filtered by country and status), recording one, reading one, changing one.

Every member reads the organisation's actions; analysts and org admins record and change them (403 for others).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from threefold.accounts.rules import allowed
from threefold.advocate import access, services
from threefold.advocate.forms import ActionEditForm, ActionForm
from threefold.advocate.models import ActionStatus, AdvocacyAction
from threefold.advocate.services import ActionInput
from threefold.advocate.views import enterer, reader, save_form
from threefold.countries import access as country_access


def _input(form: ActionForm, data: dict[str, Any]) -> ActionInput:
    return ActionInput(
        kind=data["kind"],
        title=data["title"],
        on=data["on"],
        target_body=data["target_body"],
        asks=data["asks"],
        target_role=data["target_role"],
        target_name=data["target_name"],
        status=data["status"],
        outcome=data["outcome"],
        outcome_note=data["outcome_note"],
        documents=data["documents"],
        follow_up_on=data["follow_up_on"],
        owner=form.owner_user(),
        note=data["note"],
    )


@require_GET
def actions(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    code = request.GET.get("country", "").strip().upper()
    status = request.GET.get("status", "")
    if status not in ActionStatus.values:
        status = ""
    found = access.actions(actor, code or None, status=status)
    return render(
        request,
        "advocate/actions.html",
        {
            "rows": [(item, _name(item.country_alpha3)) for item in found],
            "country": country_access.country(code) if code else None,
            "status": status,
            "statuses": ActionStatus.choices,
            "today": timezone.localdate(),
            "can_enter": allowed(actor, "advocate.enter"),
        },
    )


def _name(code: str) -> str:
    info = country_access.country(code)
    return info.name if info else code


@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest) -> HttpResponse:
    actor = enterer(request)
    initial = {"country": request.GET.get("country", ""), "owner": actor.user.pk}
    if request.GET.get("ask"):
        initial["asks"] = [request.GET["ask"]]
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial=initial, owners=access.advocates(actor)
    )
    saved = save_form(
        request, form, lambda data: services.record_action(actor, data["country"], _input(form, data))
    )
    if saved is not None:
        messages.success(request, _("Action %(reference)s recorded.") % {"reference": saved.reference})
        return redirect("advocate:action", saved.reference)
    return render(
        request,
        "advocate/action_form.html",
        {
            "form": form,
            "title": _("Record an advocacy action"),
            "submit": _("Record the action"),
            "back": reverse("advocate:actions"),
            "back_label": _("Advocacy actions"),
        },
    )


@require_GET
def action(request: HttpRequest, reference: str) -> HttpResponse:
    actor = reader(request)
    found = access.action(actor, reference)
    framework = access.framework()
    return render(
        request,
        "advocate/action.html",
        {
            "item": found,
            "info": country_access.country(found.country_alpha3),
            "asks": [framework.ask(ask_id) for ask_id in found.asks if framework.ask(ask_id)],
            "can_change": allowed(actor, "advocate.change", found),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_action(request: HttpRequest, reference: str) -> HttpResponse:
    actor = enterer(request)
    found: AdvocacyAction = access.action(actor, reference)
    if not allowed(actor, "advocate.change", found):
        raise PermissionDenied
    initial = {
        "version": found.version,
        "country": found.country_alpha3,
        "asks": found.asks,
        "kind": found.kind,
        "title": found.title,
        "on": found.on,
        "target_body": found.target_body,
        "target_role": found.target_role,
        "target_name": found.target_name,
        "status": found.status,
        "outcome": found.outcome,
        "outcome_note": found.outcome_note,
        "documents": services.documents_text(found.documents),
        "follow_up_on": found.follow_up_on,
        "owner": found.owner_id,
        "note": found.note,
    }
    form = ActionEditForm(
        request.POST if request.method == "POST" else None, initial=initial, owners=access.advocates(actor)
    )
    saved = save_form(
        request,
        form,
        lambda data: services.edit_action(actor, found, _input(form, data), expected_version=data["version"]),
    )
    if saved is not None:
        messages.success(request, _("Action %(reference)s saved.") % {"reference": found.reference})
        return redirect("advocate:action", found.reference)
    return render(
        request,
        "advocate/action_form.html",
        {
            "form": form,
            "title": _("Change the action"),
            "submit": _("Save the action"),
            "back": reverse("advocate:action", args=[found.reference]),
            "back_label": _("Back to the action"),
            "reference": found.reference,
            "info": country_access.country(found.country_alpha3),
        },
    )
