"""The national referral mechanism section of a case: record the referral, then each decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from threefold.accounts.middleware import acting_member
from threefold.protect import case_access, nrm_services
from threefold.protect.case_forms import NrmDecisionForm, NrmReferralForm
from threefold.protect.case_services import CaseError
from threefold.protect.case_views import form_errors
from threefold.protect.nrm_status import stage_outcomes


@require_POST
def refer(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="record an NRM referral")
    form = NrmReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("protect:case", reference=reference)
    try:
        nrm_services.refer(actor, opened.case, **form.cleaned_data)
    except CaseError as exc:
        messages.error(request, str(exc).split(": ", 1)[-1])
    else:
        messages.success(request, _("Referral recorded; its deadlines are shown on the case."))
    return redirect("protect:case", reference=reference)


@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="record an NRM decision")
    status = case_access.nrm_status(opened, timezone.localdate())
    stage = request.POST.get("stage", "")
    # Decisions come in order: only the first one not yet recorded can be recorded now.
    if status is None or not status.open_stages or stage != status.open_stages[0][0]:
        messages.error(request, _("Record the referral first, then each decision once."))
        return redirect("protect:case", reference=reference)
    form = NrmDecisionForm(
        request.POST, stage=stage, outcomes=stage_outcomes(status.referral.jurisdiction, stage)
    )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("protect:case", reference=reference)
    data = form.cleaned_data
    try:
        nrm_services.record_decision(
            actor,
            opened.case,
            stage=stage,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            authority=data["authority"],
        )
    except CaseError as exc:
        messages.error(request, str(exc).split(": ", 1)[-1])
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("protect:case", reference=reference)
