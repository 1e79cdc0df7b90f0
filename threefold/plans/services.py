"""The only way to change a case's assistance plan: permission, validation, sealing, timeline and audit together.

Every write needs ``protect.change_case`` on the case (the plan is part of the case), runs in one transaction,
adds a note to the case's timeline and an audit entry. Edits compare-and-set on ``version``: if someone saved
the row since it was shown, nothing is written and ``ConflictError`` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation, User
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.plans import access as plan_access
from threefold.plans import domains, texts
from threefold.plans.models import (
    FollowUp,
    Goal,
    GoalStatus,
    Need,
    Outcome,
    PlannedService,
    PlanRow,
    Priority,
)
from threefold.plans.models import ServiceStatus as Status
from threefold.protect.case_services import record_event
from threefold.protect.models import Case, CaseEventKind, CaseStage
from threefold.protect.services import ConflictError

MAX_TEXT_CHARS = 2000
OPEN_SERVICE = (Status.PLANNED, Status.IN_PROGRESS)

Row = TypeVar("Row", bound=PlanRow)


class PlanError(ValueError):
    """A change the plan cannot take. ``field`` names the form field it is about ("" for the whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


# ---- checks shared by every write


def _may_change(actor: Actor, case: Case) -> None:
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    if case.stage == CaseStage.CLOSED:
        raise PlanError("", _("The case is closed: reopen it before changing its plan."))


def _of_case(case: Case, row: PlanRow) -> None:
    # Views load rows through the case already; this stops a caller mixing one case's row with another case.
    if row.case_id != case.pk:
        raise PermissionDenied


def _text(field: str, text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise PlanError(field, _("Write a few words; this cannot be empty."))
    if len(text) > MAX_TEXT_CHARS:
        raise PlanError(field, _("Write at most %(n)s characters.") % {"n": MAX_TEXT_CHARS})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise PlanError(field, _("Control characters are not allowed."))
    return text


def _not_future(field: str, day: date) -> date:
    if day > timezone.localdate():
        raise PlanError(field, _("The date cannot be in the future."))
    return day


def _not_before_case(field: str, case: Case, day: date) -> date:
    # Figures such as the time to the first service count from the case's opening: nothing comes before it.
    if day < timezone.localdate(case.opened_at):
        raise PlanError(field, _("The date cannot be before the case was opened."))
    return day


def _choice(field: str, value: str, allowed_values: Any) -> str:
    if value not in allowed_values:
        raise PlanError(field, _("Choose one of the options."))
    return value


# ---- writing


def _create(actor: Actor, case: Case, row: Row, sealed_texts: Mapping[str, str], summary: str) -> Row:
    row.case, row.organisation_id, row.recorded_by = case, case.organisation_id, actor.user
    for field, text in sealed_texts.items():
        texts.seal(row, field, text, subject=case.person.reference)
    with transaction.atomic():
        row.save()
        _record(actor, case, row, Action.CREATE, summary, sorted(sealed_texts))
    return row


def _update(
    actor: Actor,
    case: Case,
    row: Row,
    expected_version: int,
    summary: str,
    *,
    sealed_texts: Mapping[str, str] | None = None,
    **fields: Any,
) -> Row:
    """Compare-and-set on ``version``: if someone saved the row since it was shown, nothing is written."""
    for field, text in (sealed_texts or {}).items():
        texts.seal(row, field, text, subject=case.person.reference)
        fields[field] = getattr(row, field)
    with transaction.atomic():
        updated = (
            type(row)
            ._default_manager.filter(pk=row.pk, version=expected_version)
            .update(version=F("version") + 1, updated_at=timezone.now(), **fields)
        )
        if not updated:
            raise ConflictError
        row.refresh_from_db()
        _record(actor, case, row, Action.UPDATE, summary, sorted(fields))
    return row


def _record(actor: Actor, case: Case, row: PlanRow, action: Action, summary: str, fields: list[str]) -> None:
    # The timeline says what changed in a few words (in English: it is stored, not shown through a catalogue);
    # the texts themselves stay in the plan, sealed once. Last activity moves, the case's version does not:
    # adding to the plan must not make someone's edit of the case itself fail.
    record_event(case, actor, CaseEventKind.NOTE, text=f"Plan: {summary}")
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    audit.record(actor, action, row, details={"case": case.reference, "fields": fields})


def _domain_label(domain: str) -> str:
    return domains.DOMAINS[domain].split(":")[0]


# ---- needs


def _need_fields(domain: str, assessed_on: date, priority: str, description: str) -> dict[str, Any]:
    return {
        "domain": _choice("domain", domain, domains.DOMAINS),
        "assessed_on": _not_future("assessed_on", assessed_on),
        "priority": _choice("priority", priority, Priority.values),
        "description": _text("description", description, required=True),
    }


def add_need(
    actor: Actor, case: Case, *, domain: str, assessed_on: date, priority: str, description: str
) -> Need:
    _may_change(actor, case)
    fields = _need_fields(domain, assessed_on, priority, description)
    text = fields.pop("description")
    need = Need(**fields)
    summary = f"need recorded ({_domain_label(domain)}, {priority} priority)"
    return _create(actor, case, need, {"description": text}, summary)


def edit_need(
    actor: Actor,
    case: Case,
    need: Need,
    *,
    domain: str,
    assessed_on: date,
    priority: str,
    description: str,
    expected_version: int,
) -> Need:
    _may_change(actor, case)
    _of_case(case, need)
    fields = _need_fields(domain, assessed_on, priority, description)
    text = fields.pop("description")
    summary = f"need changed ({_domain_label(domain)}, {priority} priority)"
    return _update(actor, case, need, expected_version, summary, sealed_texts={"description": text}, **fields)


# ---- goals


def agreement_needed() -> str:
    """Why a goal without the survivor's agreement is refused (the goal forms show it before saving, too)."""
    return _(
        "A goal is set with the survivor, not for them. Talk it through with them and confirm they agreed "
        "before saving it."
    )


def _goal_fields(
    domain: str, description: str, agreed_with_survivor: bool, agreed_on: date | None
) -> dict[str, Any]:
    if not agreed_with_survivor:
        raise PlanError("agreed_with_survivor", agreement_needed())
    if agreed_on is None:
        raise PlanError("agreed_on", _("Give the date the survivor agreed to the goal."))
    return {
        "domain": _choice("domain", domain, domains.DOMAINS),
        "description": _text("description", description, required=True),
        "agreed_with_survivor": True,
        "agreed_on": _not_future("agreed_on", agreed_on),
    }


def add_goal(
    actor: Actor,
    case: Case,
    *,
    domain: str,
    description: str,
    agreed_with_survivor: bool,
    agreed_on: date | None,
) -> Goal:
    _may_change(actor, case)
    fields = _goal_fields(domain, description, agreed_with_survivor, agreed_on)
    text = fields.pop("description")
    return _create(actor, case, Goal(**fields), {"description": text}, f"goal set ({_domain_label(domain)})")


def edit_goal(
    actor: Actor,
    case: Case,
    goal: Goal,
    *,
    domain: str,
    description: str,
    agreed_with_survivor: bool,
    agreed_on: date | None,
    status: str,
    reason: str,
    expected_version: int,
) -> Goal:
    """Change a goal, or close it: achieved (a note is welcome) or dropped (the reason is required)."""
    _may_change(actor, case)
    _of_case(case, goal)
    fields = _goal_fields(domain, description, agreed_with_survivor, agreed_on)
    text = fields.pop("description")
    fields["status"] = _choice("status", status, GoalStatus.values)
    reason = _text("reason", reason, required=status == GoalStatus.DROPPED)
    if status == GoalStatus.OPEN:
        reason, fields["closed_on"] = "", None
    elif goal.status != status:
        fields["closed_on"] = timezone.localdate()
    summary = f"goal {'changed' if status == goal.status else status} ({_domain_label(domain)})"
    return _update(
        actor,
        case,
        goal,
        expected_version,
        summary,
        sealed_texts={"description": text, "status_reason": reason},
        **fields,
    )


# ---- services


def plan_service(
    actor: Actor,
    case: Case,
    *,
    service_type: str,
    planned_start: date,
    planned_end: date | None = None,
    goal: Goal | None = None,
    provider: Organisation | None = None,
    provider_name: str = "",
) -> PlannedService:
    """Plan a service; its domain is the one its type belongs to. Provided by the case's own organisation unless
    a provider organisation or the name of an outside provider is given (not both)."""
    _may_change(actor, case)
    try:
        domain = domains.domain_of(service_type)
    except KeyError:
        raise PlanError("service_type", _("Choose one of the services in the list.")) from None
    if planned_end is not None and planned_end < planned_start:
        raise PlanError("planned_end", _("The planned end must be on or after the planned start."))
    if goal is not None:
        _of_case(case, goal)
    provider_name = " ".join((provider_name or "").split())
    if provider is not None and provider_name:
        raise PlanError("provider_name", _("Choose an organisation or write a provider's name, not both."))
    if provider is not None and not plan_access.providers(actor).filter(pk=provider.pk).exists():
        raise PlanError("provider", _("Choose an organisation from the list."))
    if len(provider_name) > 200:
        raise PlanError("provider_name", _("Write at most %(n)s characters.") % {"n": 200})
    service = PlannedService(
        domain=domain,
        service_type=service_type,
        goal=goal,
        provider=provider,
        provider_name=provider_name,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    return _create(actor, case, service, {}, f"service planned ({domains.service_label(service_type)})")


def _still_open(service: PlannedService) -> None:
    if service.status not in OPEN_SERVICE:
        raise PlanError(
            "status", _("This service is already %(status)s.") % {"status": service.get_status_display()}
        )


def start_service(
    actor: Actor, case: Case, service: PlannedService, *, expected_version: int
) -> PlannedService:
    _may_change(actor, case)
    _of_case(case, service)
    if service.status != Status.PLANNED:
        raise PlanError("status", _("Only a planned service can start."))
    summary = f"service started ({domains.service_label(service.service_type)})"
    return _update(actor, case, service, expected_version, summary, status=Status.IN_PROGRESS)


def deliver_service(
    actor: Actor,
    case: Case,
    service: PlannedService,
    *,
    delivered_on: date,
    outcome: str,
    note: str = "",
    expected_version: int,
) -> PlannedService:
    """Record that a service was delivered (or offered and refused) and what came of it for the survivor."""
    _may_change(actor, case)
    _of_case(case, service)
    _still_open(service)
    _not_before_case("delivered_on", case, _not_future("delivered_on", delivered_on))
    _choice("outcome", outcome, Outcome.values)
    summary = f"service delivered ({domains.service_label(service.service_type)}: {outcome})"
    return _update(
        actor,
        case,
        service,
        expected_version,
        summary,
        sealed_texts={"outcome_note": _text("note", note, required=False)},
        status=Status.DELIVERED,
        delivered_on=delivered_on,
        outcome=outcome,
    )


def cancel_service(
    actor: Actor, case: Case, service: PlannedService, *, reason: str, expected_version: int
) -> PlannedService:
    _may_change(actor, case)
    _of_case(case, service)
    _still_open(service)
    summary = f"service cancelled ({domains.service_label(service.service_type)})"
    return _update(
        actor,
        case,
        service,
        expected_version,
        summary,
        sealed_texts={"cancel_reason": _text("reason", reason, required=True)},
        status=Status.CANCELLED,
    )


# ---- follow-ups


def schedule_follow_up(
    actor: Actor, case: Case, *, due_on: date, assigned_to: User | None = None, note: str = ""
) -> FollowUp:
    """Schedule a check-in. Whoever it is assigned to must be able to open the case: someone assigned to the
    person (the form offers them); by default, the person scheduling it."""
    _may_change(actor, case)
    if due_on < timezone.localdate():
        raise PlanError("due_on", _("The due date cannot be in the past."))
    assignee = assigned_to or actor.user
    if not case.person.assigned_to.filter(pk=assignee.pk).exists():
        raise PlanError("assigned_to", _("Choose someone who works on this person's case."))
    follow_up = FollowUp(due_on=due_on, assigned_to=assignee)
    return _create(
        actor,
        case,
        follow_up,
        {"note": _text("note", note, required=False)},
        f"follow-up scheduled for {due_on}",
    )


def complete_follow_up(
    actor: Actor, case: Case, follow_up: FollowUp, *, done_on: date, note: str = "", expected_version: int
) -> FollowUp:
    _may_change(actor, case)
    _of_case(case, follow_up)
    if follow_up.done_on is not None:
        raise PlanError("done_on", _("This follow-up is already done."))
    _not_before_case("done_on", case, _not_future("done_on", done_on))
    return _update(
        actor,
        case,
        follow_up,
        expected_version,
        f"follow-up done on {done_on}",
        sealed_texts={"done_note": _text("note", note, required=False)},
        done_on=done_on,
    )
