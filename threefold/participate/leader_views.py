"""Survivor leaders' pseudonymous records: the list, a new record, one record (activities, support, payments,
totals per year), adding to it, withdrawal of consent and deletion. Supervisors and org admins only; every read
and write is audited (``access``, ``services``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.participate import access, services
from threefold.participate.forms import ActivityForm, LeaderForm, PaymentForm, SupportForm, WithdrawForm
from threefold.participate.models import Leader
from threefold.participate.pages import permitted, save_form

ENTRY_FORMS: dict[str, type[Form]] = {
    "activity": ActivityForm,
    "support": SupportForm,
    "payment": PaymentForm,
}


@require_GET
def leaders(request: HttpRequest) -> HttpResponse:
    actor = permitted(request, "participate.leaders")
    return render(request, "participate/leaders.html", {"leaders": access.leaders(actor)})


@require_http_methods(["GET", "POST"])
def new_leader(request: HttpRequest) -> HttpResponse:
    actor = permitted(request, "participate.leaders")
    form = LeaderForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda data: services.create_leader(
            actor,
            services.LeaderInput(
                data["pseudonym"], data["consent_on"], data["consent_scope"], data["contact_notes"]
            ),
        ),
    )
    if saved is not None:
        messages.success(request, _("Record saved."))
        return redirect("participate:leader", saved.reference)
    return render(request, "participate/leader_form.html", {"form": form})


def _leader_context(found: Leader, **forms: Form) -> dict[str, Any]:
    return {
        "leader": found,
        "record": access.leader_record(found),
        "contact_notes": access.contact_notes(found),
        "forms": {
            name: forms.get(name) or form_class(prefix=name) for name, form_class in ENTRY_FORMS.items()
        },
        "withdraw_form": WithdrawForm(),
    }


@require_GET
def leader(request: HttpRequest, reference: str) -> HttpResponse:
    actor = permitted(request, "participate.leaders")
    return render(request, "participate/leader.html", _leader_context(access.leader(actor, reference)))


@require_POST
def add_entry(request: HttpRequest, reference: str, what: str) -> HttpResponse:
    """An activity, a support given or a payment made."""
    actor = permitted(request, "participate.leaders")
    if what not in ENTRY_FORMS:
        raise Http404
    found = access.leader(actor, reference)
    form = ENTRY_FORMS[what](request.POST, prefix=what)
    save = {
        "activity": lambda d: services.add_activity(
            actor, found, services.ActivityInput(d["kind"], d["on"], d["topic"], d["hours"])
        ),
        "support": lambda d: services.add_support(
            actor, found, services.SupportInput(d["kind"], d["on"], d["detail"])
        ),
        "payment": lambda d: services.add_payment(
            actor, found, services.PaymentInput(d["kind"], d["on"], d["amount"], d["currency"])
        ),
    }[what]
    if save_form(request, form, save) is not None:
        messages.success(request, _("Added."))
        return redirect("participate:leader", found.reference)
    return render(request, "participate/leader.html", _leader_context(found, **{what: form}), status=400)


@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    actor = permitted(request, "participate.leaders")
    found = access.leader(actor, reference)
    form = WithdrawForm(request.POST)
    if save_form(request, form, lambda data: services.withdraw_consent(actor, found, data["on"])) is not None:
        messages.success(
            request, _("Consent withdrawn: nothing more is recorded. Offer to delete the record.")
        )
        return redirect("participate:leader", found.reference)
    return render(
        request, "participate/leader.html", {**_leader_context(found), "withdraw_form": form}, status=400
    )


@require_POST
def delete(request: HttpRequest, reference: str) -> HttpResponse:
    actor = permitted(request, "participate.leaders")
    found = access.leader(actor, reference)
    if request.POST.get("confirm") != "yes":
        raise PermissionDenied
    services.delete_leader(actor, found)
    messages.success(request, _("The record and everything recorded with it were deleted."))
    return redirect("participate:leaders")
