"""Plan pages: a case's plan by domain of assistance, small pages to add and change its parts, and the task list.

Thin views: ``access`` reads (through the opened case, so another organisation's case is a 404), ``services``
writes. Changing needs ``protect.change_case``: whoever may only read the case (the assigned legal officer) gets
the plan without forms, and a 403 on the form pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.plans import access, services
from threefold.plans.forms import (
    CancelForm,
    DeliverForm,
    DoneForm,
    FollowUpForm,
    GoalEditForm,
    GoalForm,
    NeedEditForm,
    NeedForm,
    ServiceForm,
)
from threefold.plans.models import FollowUp, Goal, Need, PlannedService, ServiceStatus
from threefold.plans.services import PlanError
from threefold.protect.case_access import OpenedCase, open_case
from threefold.protect.services import ConflictError

Save = Callable[[dict[str, Any]], object]


def _conflict() -> str:
    return _(
        "Someone else saved this while you were working on it. Nothing was overwritten: go back to the plan "
        "to see their changes, then make yours again."
    )


@require_GET
def plan(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = open_case(actor, reference, purpose="assistance plan")
    return render(
        request,
        "plans/plan.html",
        {
            "opened": opened,
            "plan": access.plan(actor, opened),
            "can_change": allowed(actor, "protect.change_case", opened.case),
            "today": timezone.localdate(),
        },
    )


def _changing(request: HttpRequest, reference: str, purpose: str) -> tuple[Actor, OpenedCase]:
    """The actor and the case they are about to change: 404 if they may not open it, 403 if only read it."""
    actor = acting_member(request)
    opened = open_case(actor, reference, purpose=purpose)
    if not allowed(actor, "protect.change_case", opened.case):
        raise PermissionDenied
    return actor, opened


def _form_page(
    request: HttpRequest,
    opened: OpenedCase,
    form: Form,
    save: Save,
    *,
    title: str,
    done: str,
    submit: str,
    about: str = "",
) -> HttpResponse:
    """Show a plan form; on a valid POST, save through the service, putting its refusal next to its field."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ConflictError:
            form.add_error(None, _conflict())
        except PlanError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, done)
            return redirect("plans:plan", reference=opened.case.reference)
    return render(
        request,
        "plans/form.html",
        {"opened": opened, "form": form, "title": title, "submit": submit, "about": about},
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# ---- needs


@require_http_methods(["GET", "POST"])
def add_need(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _changing(request, reference, "add a need")
    return _form_page(
        request,
        opened,
        NeedForm(_data(request)),
        lambda data: services.add_need(actor, opened.case, **data),
        title=_("Add a need"),
        done=_("Need added."),
        submit=_("Add the need"),
    )


@require_http_methods(["GET", "POST"])
def edit_need(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _changing(request, reference, "change a need")
    entry = access.row_of(actor, opened, Need, pk)
    need = entry.row
    initial = {
        "domain": need.domain,
        "priority": need.priority,
        "assessed_on": need.assessed_on,
        "description": entry.texts["description"],
        "version": need.version,
    }
    return _form_page(
        request,
        opened,
        NeedEditForm(_data(request), initial=initial),
        lambda data: services.edit_need(actor, opened.case, need, **_versioned(data)),
        title=_("Change a need"),
        done=_("Changes saved."),
        submit=_("Save"),
    )


def _versioned(data: dict[str, Any]) -> dict[str, Any]:
    """A versioned form's data as service arguments: ``version`` is the version the row was shown at."""
    values = dict(data)
    values["expected_version"] = values.pop("version")
    return values


# ---- goals


@require_http_methods(["GET", "POST"])
def add_goal(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _changing(request, reference, "add a goal")
    return _form_page(
        request,
        opened,
        GoalForm(_data(request)),
        lambda data: services.add_goal(actor, opened.case, **data),
        title=_("Add a goal"),
        done=_("Goal added."),
        submit=_("Add the goal"),
        about=_(
            "A goal is set with the survivor, in a conversation with them: it is theirs, not the plan's."
        ),
    )


@require_http_methods(["GET", "POST"])
def edit_goal(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _changing(request, reference, "change a goal")
    entry = access.row_of(actor, opened, Goal, pk)
    goal = entry.row
    initial = {
        "domain": goal.domain,
        "description": entry.texts["description"],
        "agreed_with_survivor": goal.agreed_with_survivor,
        "agreed_on": goal.agreed_on,
        "status": goal.status,
        "reason": entry.texts["status_reason"],
        "version": goal.version,
    }
    return _form_page(
        request,
        opened,
        GoalEditForm(_data(request), initial=initial),
        lambda data: services.edit_goal(actor, opened.case, goal, **_versioned(data)),
        title=_("Change a goal"),
        done=_("Changes saved."),
        submit=_("Save"),
    )


# ---- services


@require_http_methods(["GET", "POST"])
def add_service(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _changing(request, reference, "plan a service")
    goals = access.open_goals(actor, opened)
    goals_by_pk = {entry.row.pk: entry.row for entry in goals}

    def save(data: dict[str, Any]) -> object:
        return services.plan_service(actor, opened.case, **{**data, "goal": goals_by_pk.get(data["goal"])})

    return _form_page(
        request,
        opened,
        ServiceForm(_data(request), goals=goals, providers=access.providers(actor)),
        save,
        title=_("Plan a service"),
        done=_("Service planned."),
        submit=_("Plan the service"),
    )


@require_POST
def start_service(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _changing(request, reference, "start a service")
    service = access.row_of(actor, opened, PlannedService, pk).row
    try:
        services.start_service(
            actor, opened.case, service, expected_version=int(request.POST.get("version") or 0)
        )
    except ConflictError:
        messages.error(request, _conflict())
    except PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Service started."))
    return redirect("plans:plan", reference=reference)


def _service_page(
    request: HttpRequest,
    reference: str,
    pk: int,
    form_class: type[Form],
    act: Callable[..., object],
    **text: str,
) -> HttpResponse:
    """The small page that closes a service (delivered or cancelled), for the service still open."""
    actor, opened = _changing(request, reference, "close a service")
    service = access.row_of(actor, opened, PlannedService, pk).row
    if service.status not in (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS):
        messages.info(
            request, _("This service is already %(status)s.") % {"status": service.get_status_display()}
        )
        return redirect("plans:plan", reference=reference)
    return _form_page(
        request,
        opened,
        form_class(_data(request), initial={"version": service.version}),
        lambda data: act(actor, opened.case, service, **_versioned(data)),
        about=service.service_label,
        **text,
    )


@require_http_methods(["GET", "POST"])
def deliver_service(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _service_page(
        request,
        reference,
        pk,
        DeliverForm,
        services.deliver_service,
        title=_("Record a delivered service"),
        done=_("Service recorded as delivered."),
        submit=_("Record the delivery"),
    )


@require_http_methods(["GET", "POST"])
def cancel_service(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _service_page(
        request,
        reference,
        pk,
        CancelForm,
        services.cancel_service,
        title=_("Cancel a service"),
        done=_("Service cancelled."),
        submit=_("Cancel the service"),
    )


# ---- follow-ups


@require_http_methods(["GET", "POST"])
def add_follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _changing(request, reference, "schedule a follow-up")
    return _form_page(
        request,
        opened,
        FollowUpForm(
            _data(request), assignees=access.assignees(opened), initial={"assigned_to": actor.user.pk}
        ),
        lambda data: services.schedule_follow_up(actor, opened.case, **data),
        title=_("Schedule a follow-up"),
        done=_("Follow-up scheduled."),
        submit=_("Schedule"),
    )


@require_http_methods(["GET", "POST"])
def follow_up_done(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _changing(request, reference, "complete a follow-up")
    entry = access.row_of(actor, opened, FollowUp, pk)
    if entry.row.done_on is not None:
        messages.info(request, _("This follow-up is already done."))
        return redirect("plans:plan", reference=reference)
    return _form_page(
        request,
        opened,
        DoneForm(_data(request), initial={"version": entry.row.version}),
        lambda data: services.complete_follow_up(actor, opened.case, entry.row, **_versioned(data)),
        title=_("Mark a follow-up done"),
        done=_("Follow-up marked done."),
        submit=_("Mark done"),
        about=entry.texts["note"],
    )


# ---- across cases


@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not actor.reads_identities:
        raise PermissionDenied
    today = timezone.localdate()
    found = access.tasks(actor, today)
    return render(
        request,
        "plans/tasks.html",
        {
            "overdue": [task for task in found if task.overdue],
            "due": [task for task in found if not task.overdue],
            "today": today,
            "soon_days": access.DUE_SOON_DAYS,
        },
    )
