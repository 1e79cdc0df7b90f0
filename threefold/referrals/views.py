"""Referral pages: send from a case, the incoming and outgoing lists, a referral with its answer, and the
partner directory. Thin: ``access`` reads, ``services`` writes; a refused service call is a 403, a referral
the actor is not party to a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.prevent import access as prevent_access
from threefold.prevent import services as prevent_services
from threefold.referrals import access, services
from threefold.referrals.forms import PartnerServiceForm, ReasonForm, RecipientFilterForm, SendForm
from threefold.referrals.models import PartnerService, Service
from threefold.referrals.packet import available_groups


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, case_reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.case_to_refer(actor, case_reference)
    narrowing = RecipientFilterForm(request.GET or None)
    form = SendForm(
        request.POST or None,
        recipients=access.recipients(actor, opened, **narrowing.filters()),
        available=available_groups(opened.identity, opened.context),
        may_override=allowed(actor, "consent.override", opened.case.person),
        areas=prevent_access.area_choices(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.send(actor, opened.case, **form.send_arguments())
            if form.cleaned_data.get("area_code"):
                prevent_services.set_referral_area(actor, referral, form.cleaned_data["area_code"])
        except services.ConsentRequired as missing:
            form.add_error(None, missing.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral %(reference)s sent to %(organisation)s.")
                % {"reference": referral.reference, "organisation": referral.to_organisation.name},
            )
            return redirect("referrals:referral", reference=referral.reference)
    return render(request, "referrals/send.html", {"opened": opened, "form": form, "narrowing": narrowing})


def _add_errors(form: SendForm, error: ValidationError) -> None:
    """The service's errors next to their fields (its ``fields`` argument is the form's ``shared``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.message_dict.items():
        name = "shared" if key == "fields" else key
        form.add_error(name if name in form.fields else None, errors)


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not (actor.reads_identities or allowed(actor, "referrals.view_incoming")):
        raise PermissionDenied
    return render(
        request,
        "referrals/list.html",
        {"incoming": list(access.incoming(actor)[:200]), "outgoing": list(access.outgoing(actor)[:200])},
    )


def _detail(
    request: HttpRequest, reference: str, *, form: ReasonForm | None = None, status: int = 200
) -> HttpResponse:
    actor = acting_member(request)
    view = access.open_referral(actor, reference)
    referral = view.referral
    context: dict[str, Any] = {
        "view": view,
        "referral": referral,
        "can_respond": referral.status == "sent" and allowed(actor, "referrals.respond", referral),
        "can_revoke": referral.is_open and allowed(actor, "referrals.revoke", referral),
        "reason_form": form or ReasonForm(),
    }
    return render(request, "referrals/referral.html", context, status=status)


@require_GET
def referral(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, reference)


@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    found = access.referral_for_action(actor, reference, "referrals.respond")
    try:
        services.accept(actor, found)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("Referral accepted. You can now read what was shared."))
    return redirect("referrals:referral", reference=reference)


def _end(request: HttpRequest, reference: str, permission: str, action: Any, done: str) -> HttpResponse:
    actor = acting_member(request)
    found = access.referral_for_action(actor, reference, permission)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            action(actor, found, form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
                return _detail(request, reference, form=form, status=400)
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("referrals:referral", reference=reference)
    return _detail(request, reference, form=form, status=400)


@require_POST
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    return _end(request, reference, "referrals.respond", services.decline, _("Referral declined."))


@require_POST
def revoke(request: HttpRequest, reference: str) -> HttpResponse:
    return _end(
        request,
        reference,
        "referrals.revoke",
        services.revoke,
        _("Referral revoked: the partner's access ended."),
    )


# ---- partner directory


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    narrowing = RecipientFilterForm(request.GET or None)
    return render(
        request,
        "referrals/partners.html",
        {
            "entries": list(access.directory(actor, **narrowing.filters())),
            "narrowing": narrowing,
            "can_manage": allowed(actor, "referrals.manage_partners"),
            "services": Service.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def our_services(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    entries = list(access.my_partner_services(actor))
    form = PartnerServiceForm(request.POST or None, instance=PartnerService())
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner_service(actor, form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Service added to the partner directory."))
            return redirect("referrals:our_services")
    return render(request, "referrals/our_services.html", {"entries": entries, "form": form})


@require_http_methods(["GET", "POST"])
def edit_service(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = acting_member(request)
    entry = access.get_partner_service(actor, entry_id)
    form = PartnerServiceForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner_service(actor, form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Service updated."))
            return redirect("referrals:our_services")
    return render(request, "referrals/edit_service.html", {"entry": entry, "form": form})


@require_POST
def delete_service(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = acting_member(request)
    services.delete_partner_service(actor, access.get_partner_service(actor, entry_id))
    messages.success(request, _("Service removed from the partner directory."))
    return redirect("referrals:our_services")
