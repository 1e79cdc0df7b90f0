"""Case pages: the caseworker's caseload, a case with its timeline, and the supervisor's approvals.

Thin views: ``case_access`` reads, ``case_services`` writes; a refused service call is a 403, a missing or
invisible case a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts import access as accounts_access
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.protect import access, case_access, case_services
from threefold.protect.case_forms import (
    ApprovalStagesForm,
    ContextForm,
    DecisionForm,
    JourneyFormSet,
    MoveForm,
    NoteForm,
    NrmDecisionForm,
    NrmReferralForm,
    OpenCaseForm,
    context_from,
    journey_initial,
)
from threefold.protect.case_services import CaseError
from threefold.protect.models import CaseStage
from threefold.protect.services import ConflictError
from threefold.referrals import access as referral_access


def _conflict() -> str:
    return _(
        "Someone else saved this case while you were working on it. Nothing was overwritten: "
        "reload the page to see their changes, then make yours again."
    )


def form_errors(form: Form) -> str:
    """A refused form's messages in one line, for the pages where the form posts from a case page."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_http_methods(["GET"])
def my_cases(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not actor.reads_identities:
        raise PermissionDenied
    stage = request.GET.get("stage", "")
    if stage not in CaseStage.values:
        stage = ""
    rows = case_access.my_cases(actor, stage=stage)
    return render(
        request,
        "protect/cases.html",
        {
            "rows": rows,
            "stage": stage,
            "stages": CaseStage.choices,
            "deadlines": case_access.deadlines(actor, timezone.localdate()),
        },
    )


@require_http_methods(["GET", "POST"])
def open_case(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_person(actor, reference, purpose="open a case")
    if not allowed(actor, "protect.open_case", opened.person):
        raise PermissionDenied
    form = OpenCaseForm(request.POST or None)
    context_form = ContextForm(request.POST or None, prefix="ctx")
    if request.method == "POST" and form.is_valid() and context_form.is_valid():
        try:
            case = case_services.open_case(
                actor,
                opened.person,
                reason=form.cleaned_data["reason"],
                context=context_from(context_form),
            )
        except (CaseError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("protect:case", reference=case.reference)
    return render(
        request, "protect/case_open.html", {"opened": opened, "form": form, "context_form": context_form}
    )


@require_http_methods(["GET"])
def case(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="case work")
    current = opened.case
    can_change = allowed(actor, "protect.change_case", current)
    nrm = case_access.nrm_status(opened, timezone.localdate())
    return render(
        request,
        "protect/case.html",
        {
            "opened": opened,
            "timeline": case_access.timeline(opened),
            "can_change": can_change,
            "move_form": MoveForm(initial={"version": current.version}, current=current.stage)
            if can_change and not current.pending_stage
            else None,
            "note_form": NoteForm() if can_change else None,
            "nrm": nrm,
            "attachments": case_access.attachments_of(opened),
            "referrals": referral_access.referrals_of_case(actor, current.reference),
            "can_refer": allowed(actor, "referrals.send", current),
            "nrm_referral_form": NrmReferralForm() if can_change and nrm is None else None,
            "nrm_decision_form": NrmDecisionForm(stage=nrm.open_stages[0][0], outcomes=nrm.open_stages[0][1])
            if can_change and nrm and nrm.open_stages
            else None,
        },
    )


@require_POST
def move(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="change stage")
    form = MoveForm(request.POST, current=opened.case.stage)
    if form.is_valid():
        try:
            case = case_services.move(
                actor,
                opened.case,
                form.cleaned_data["stage"],
                form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            messages.error(request, _conflict())
        except CaseError as exc:
            messages.error(request, str(exc).split(": ", 1)[-1])
        else:
            if case.pending_stage:
                messages.info(request, _("The move waits for a supervisor's approval."))
            else:
                messages.success(request, _("Stage changed."))
    else:
        messages.error(request, form_errors(form))
    return redirect("protect:case", reference=reference)


@require_POST
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="add a note")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_services.add_note(actor, opened.case, form.cleaned_data["text"])
        except CaseError as exc:
            messages.error(request, str(exc).split(": ", 1)[-1])
        else:
            messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write a note of at most 5000 characters."))
    return redirect("protect:case", reference=reference)


@require_http_methods(["GET", "POST"])
def edit_context(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="edit the victim context")
    if not allowed(actor, "protect.change_case", opened.case):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ContextForm(data, initial=ContextForm.initial_from(opened.context))
    journey = JourneyFormSet(data, prefix="journey", initial=journey_initial(opened.context))
    if data is not None and form.is_valid() and journey.is_valid():
        try:
            case_services.update_context(
                actor,
                opened.case,
                context_from(form, journey),
                expected_version=int(request.POST.get("version") or 0),
            )
        except ConflictError:
            form.add_error(None, _conflict())
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("protect:case", reference=reference)
    return render(request, "protect/case_context.html", {"opened": opened, "form": form, "journey": journey})


@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    """The supervisor's view of the organisation's cases: moves waiting for approval, then every case by
    reference, stage and caseworker (no names), with assignment."""
    actor = acting_member(request)
    if not allowed(actor, "protect.view_caseload"):
        raise PermissionDenied
    waiting = [
        (case, case_access.pending_request(case))
        for case in case_access.supervised_cases(actor, pending_only=True)
    ]
    return render(
        request,
        "protect/approvals.html",
        {
            "waiting": waiting,
            "cases": case_access.supervised_cases(actor).order_by("-updated_at")[:500],
            "decision_form": DecisionForm(),
            "assignable": accounts_access.assignable_members(actor),
        },
    )


@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    case = case_access.case_for_supervision(actor, reference)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("protect:approvals")
    try:
        case_services.decide(
            actor,
            case,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except CaseError as exc:
        messages.error(request, str(exc).split(": ", 1)[-1])
    else:
        messages.success(request, _("Decision recorded on %(ref)s.") % {"ref": reference})
    return redirect("protect:approvals")


@require_POST
def assign_case(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    case = case_access.case_for_supervision(actor, reference)
    membership = (
        accounts_access.assignable_members(actor).filter(pk=request.POST.get("membership") or 0).first()
    )
    if membership is None:
        messages.error(request, _("Choose a caseworker, supervisor or legal officer of your organisation."))
    else:
        case_services.assign_caseworker(actor, case, membership.user)
        messages.success(
            request, _("%(ref)s assigned to %(who)s.") % {"ref": reference, "who": membership.user}
        )
    return redirect("protect:approvals")


@require_http_methods(["GET", "POST"])
def approval_settings(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "protect.configure_case_approvals"):
        raise PermissionDenied
    current = sorted(case_access.approval_stages(actor.org_id))
    form = ApprovalStagesForm(request.POST or None, initial={"stages": current})
    if request.method == "POST" and form.is_valid():
        case_services.set_approval_stages(actor, form.cleaned_data["stages"])
        messages.success(request, _("Changes saved."))
        return redirect("protect:approval_settings")
    labels = dict(CaseStage.choices)
    return render(
        request, "protect/approval_settings.html", {"form": form, "current": [labels[s] for s in current]}
    )
