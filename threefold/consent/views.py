"""Thin views of a person's consent page: read through ``access``, write through ``services``, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.consent import access, services
from threefold.consent.forms import ConsentForm


@require_GET
def consents(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    history = access.consents_for(actor, reference)
    person = history.opened.person
    return render(
        request,
        "consent/consents.html",
        {
            "history": history,
            "opened": history.opened,
            "can_record": allowed(actor, "consent.record", person),
            "can_withdraw": allowed(actor, "consent.withdraw", person),
        },
    )


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_person(actor, reference)
    if not allowed(actor, "consent.record", opened.person):
        raise PermissionDenied
    form = ConsentForm(
        request.POST or None,
        recipients=access.recipient_organisations(opened.person),
        initial={"given_at": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.record_consent(actor, opened.person, **form.record_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Consent recorded: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
            )
            return redirect("consent:consents", reference=reference)
    return render(request, "consent/record.html", {"form": form, "opened": opened})


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str, consent_id: int) -> HttpResponse:
    """GET asks for confirmation; POST records the withdrawal, which takes effect at once."""
    actor = acting_member(request)
    found = access.open_consent(actor, reference, consent_id)
    if not allowed(actor, "consent.withdraw", found.opened.person):
        raise PermissionDenied
    if found.consent.withdrawn_at is not None:
        messages.warning(request, _("This consent was already withdrawn."))
        return redirect("consent:consents", reference=reference)
    if request.method == "POST":
        try:
            services.withdraw(actor, found.consent)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent withdrawn. From now on, nothing can rely on it."))
        return redirect("consent:consents", reference=reference)
    return render(request, "consent/withdraw.html", {"opened": found.opened, "consent": found.consent})
