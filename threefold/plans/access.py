"""The only way to read assistance plans for a user. A plan is as visible as its case: everything starts from an
``OpenedCase`` (``protect.case_access.open_case``: 404 for whoever may not open it) or, for lists across cases,
from ``case_access.visible_cases``. Opening sealed texts is audited; lists that open none are audited as lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Generic, TypeVar

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation, User
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.plans import domains, texts
from threefold.plans.models import (
    SEALED_TEXTS,
    FollowUp,
    Goal,
    GoalStatus,
    Need,
    PlannedService,
    PlanRow,
    ServiceStatus,
)
from threefold.protect import case_access
from threefold.protect.case_access import OpenedCase
from threefold.protect.models import Case, CaseStage
from threefold.referrals import access as referral_access

R = TypeVar("R", bound=PlanRow)

# How far ahead the task list looks: a follow-up next Tuesday is worth seeing on Friday.
DUE_SOON_DAYS = 7
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Entry(Generic[R]):
    """A plan row with its sealed texts opened, by column name (``texts["description"]``)."""

    row: R
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One domain of assistance on the plan page."""

    domain: str
    label: str
    needs: list[Entry[Need]]
    goals: list[Entry[Goal]]
    services: list[Entry[PlannedService]]

    @property
    def is_empty(self) -> bool:
        return not (self.needs or self.goals or self.services)


@dataclass(frozen=True)
class Plan:
    sections: list[Section]
    follow_ups: list[Entry[FollowUp]]


def open_entries(rows: list[R]) -> list[Entry[R]]:
    keys = texts.keys_for(rows)
    return [
        Entry(
            row, {f: texts.open_text(row, f, keys) for (model, f) in SEALED_TEXTS if isinstance(row, model)}
        )
        for row in rows
    ]


def _in_domain(entries: list[Entry[R]], domain: str) -> list[Entry[R]]:
    return [entry for entry in entries if getattr(entry.row, "domain", None) == domain]


def plan(actor: Actor, opened: OpenedCase) -> Plan:
    """The whole plan of an opened case, texts opened, grouped by domain (one query per table, one audit entry)."""
    case = opened.case
    needs = open_entries(list(Need.objects.filter(case=case)))
    # High priority first; the sort is stable, so by assessment date within a priority.
    needs.sort(key=lambda entry: _PRIORITY_ORDER.get(entry.row.priority, 9))
    goals = open_entries(list(Goal.objects.filter(case=case)))
    services = open_entries(list(PlannedService.objects.filter(case=case).select_related("provider")))
    follow_ups = open_entries(list(FollowUp.objects.filter(case=case).select_related("assigned_to")))
    audit.record(
        actor,
        Action.VIEW,
        case,
        purpose="assistance plan",
        details={
            "plan": {
                "needs": len(needs),
                "goals": len(goals),
                "services": len(services),
                "follow_ups": len(follow_ups),
            }
        },
    )
    sections = [
        Section(code, label, _in_domain(needs, code), _in_domain(goals, code), _in_domain(services, code))
        for code, label in domains.DOMAINS.items()
    ]
    return Plan(sections, follow_ups)


def row_of(actor: Actor, opened: OpenedCase, model: type[R], pk: int) -> Entry[R]:
    """One row of an opened case's plan, texts opened and the reading audited; another case's row is a 404."""
    row = model._default_manager.filter(case=opened.case, pk=pk).first()
    if row is None:
        raise Http404
    audit.record(actor, Action.VIEW, row, details={"case": opened.case.reference})
    return open_entries([row])[0]


def open_goals(actor: Actor, opened: OpenedCase) -> list[Entry[Goal]]:
    """The case's open goals, texts opened, for choosing the goal a service serves."""
    goals = list(Goal.objects.filter(case=opened.case, status=GoalStatus.OPEN))
    audit.record(
        actor, Action.LIST, ("plans.goal", ""), details={"case": opened.case.reference, "count": len(goals)}
    )
    return open_entries(goals)


def assignees(opened: OpenedCase) -> QuerySet[User]:
    """Who a follow-up can be given to: the people assigned to the case's person, who can all open the case."""
    return opened.case.person.assigned_to.order_by("email")


def providers(actor: Actor) -> QuerySet[Organisation]:
    """Organisations a service can be provided by: the actor's own and those in the partner directory."""
    listed = referral_access.directory(actor).values("organisation_id")
    return Organisation.objects.filter(Q(pk=actor.org_id) | Q(pk__in=listed)).order_by("name")


# ---- across cases


@dataclass(frozen=True)
class Task:
    """Something due on a case: a follow-up, or a service to start or to finish. No sealed text: the list shows
    references and dates, and the plan page the rest."""

    case: Case
    due: date
    overdue: bool
    follow_up: FollowUp | None = None
    service: PlannedService | None = None

    @property
    def is_start(self) -> bool:
        return self.service is not None and self.service.status == ServiceStatus.PLANNED


def tasks(actor: Actor, today: date) -> list[Task]:
    """Follow-ups and services due within ``DUE_SOON_DAYS`` or overdue, on the open cases the actor may open;
    overdue first, then soonest first. One query per table, whatever the number of cases."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    cases = case_access.visible_cases(actor).exclude(stage=CaseStage.CLOSED)
    follow_ups = (
        FollowUp.objects.filter(case__in=cases, done_on__isnull=True, due_on__lte=horizon)
        .select_related("case", "assigned_to")
        .defer(*_sealed_fields(FollowUp))
    )
    services = (
        PlannedService.objects.filter(case__in=cases)
        .filter(
            Q(status=ServiceStatus.PLANNED, planned_start__lte=horizon)
            | Q(status=ServiceStatus.IN_PROGRESS, planned_end__lte=horizon)
        )
        .select_related("case")
        .defer(*_sealed_fields(PlannedService))
    )
    found = [Task(f.case, f.due_on, f.due_on < today, follow_up=f) for f in follow_ups]
    for service in services:
        due = service.planned_start if service.status == ServiceStatus.PLANNED else service.planned_end
        assert due is not None  # the filter above only keeps rows with the date they are due by
        found.append(Task(service.case, due, due < today, service=service))
    audit.record(actor, Action.LIST, ("plans.task", ""), details={"count": len(found)})
    return sorted(found, key=lambda task: (not task.overdue, task.due, task.case.reference))


def _sealed_fields(model: type[PlanRow]) -> list[str]:
    # A list shows no sealed text, so it does not even load one.
    return [f for (m, f) in SEALED_TEXTS if m is model]


def time_to_first_service(organisation_id: int) -> dict[str, int]:
    """Per case of the organisation (by reference), the days from its opening to its first delivered service.

    For supervisors' dashboards: counts only, no identities, no texts. Cases without a delivered service yet are
    left out. The caller checks that its actor may see the organisation's caseload (``protect.view_caseload``).
    """
    rows = (
        PlannedService.objects.filter(organisation_id=organisation_id, status=ServiceStatus.DELIVERED)
        .values("case__reference", "case__opened_at")
        .annotate(first=Min("delivered_on"))
        .order_by("case__reference")
    )
    return {
        row["case__reference"]: (row["first"] - timezone.localdate(row["case__opened_at"])).days
        for row in rows
    }


def overdue_count(organisation_id: int, today: date) -> int:
    """How many follow-ups and services of the organisation's open cases are overdue (supervisor dashboard:
    a count only; the caller checks ``protect.view_caseload``)."""
    open_cases = Q(case__organisation_id=organisation_id) & ~Q(case__stage=CaseStage.CLOSED)
    follow_ups = FollowUp.objects.filter(open_cases, done_on__isnull=True, due_on__lt=today).count()
    services = (
        PlannedService.objects.filter(open_cases)
        .filter(
            Q(status=ServiceStatus.PLANNED, planned_start__lt=today)
            | Q(status=ServiceStatus.IN_PROGRESS, planned_end__lt=today)
        )
        .count()
    )
    return follow_ups + services
