"""Shapes of the assistance plan endpoints. Rows carry their texts as ``plans.access`` opens them, and their
``version``, which a change sends back so that a concurrent save answers 409 instead of being overwritten."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from threefold.plans import domains
from threefold.plans.access import Entry, Plan, Task
from threefold.plans.models import FollowUp, Goal, GoalStatus, Need, Outcome, PlannedService, Priority
from threefold.plans.models import ServiceStatus as Status
from threefold.plans.services import MAX_TEXT_CHARS

DOMAINS = list(domains.DOMAINS)
SERVICE_TYPES = [code for services in domains.SERVICE_TYPES.values() for code in services]
VERSION_HELP = "The version you read; a newer one answers 409 and nothing is written."


def _text(*, required: bool = True) -> serializers.CharField:
    # The service trims and checks texts (and names the field when it refuses one); this only caps the size.
    if required:
        return serializers.CharField(max_length=MAX_TEXT_CHARS)
    return serializers.CharField(max_length=MAX_TEXT_CHARS, required=False, allow_blank=True, default="")


class _Row(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()


class NeedSerializer(_Row):
    domain = serializers.ChoiceField(choices=DOMAINS)
    assessed_on = serializers.DateField()
    priority = serializers.ChoiceField(choices=Priority.values)
    description = serializers.CharField()

    @staticmethod
    def of(entry: Entry[Need]) -> dict[str, Any]:
        need = entry.row
        return {
            **_row(need),
            "domain": need.domain,
            "assessed_on": need.assessed_on,
            "priority": need.priority,
            "description": entry.texts["description"],
        }


class GoalSerializer(_Row):
    domain = serializers.ChoiceField(choices=DOMAINS)
    description = serializers.CharField()
    agreed_with_survivor = serializers.BooleanField()
    agreed_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.values)
    status_reason = serializers.CharField(allow_blank=True)
    closed_on = serializers.DateField(allow_null=True)

    @staticmethod
    def of(entry: Entry[Goal]) -> dict[str, Any]:
        goal = entry.row
        return {
            **_row(goal),
            "domain": goal.domain,
            "description": entry.texts["description"],
            "agreed_with_survivor": goal.agreed_with_survivor,
            "agreed_on": goal.agreed_on,
            "status": goal.status,
            "status_reason": entry.texts["status_reason"],
            "closed_on": goal.closed_on,
        }


class ServiceSerializer(_Row):
    domain = serializers.ChoiceField(choices=DOMAINS)
    service_type = serializers.CharField()
    goal = serializers.IntegerField(allow_null=True)
    provider = serializers.IntegerField(allow_null=True, help_text="The providing organisation's id.")
    provider_name = serializers.CharField(allow_blank=True)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.values)
    delivered_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    outcome_note = serializers.CharField(allow_blank=True)
    cancel_reason = serializers.CharField(allow_blank=True)

    @staticmethod
    def of(entry: Entry[PlannedService]) -> dict[str, Any]:
        service = entry.row
        return {
            **_row(service),
            "domain": service.domain,
            "service_type": service.service_type,
            "goal": service.goal_id,
            "provider": service.provider_id,
            "provider_name": service.provider_name,
            "planned_start": service.planned_start,
            "planned_end": service.planned_end,
            "status": service.status,
            "delivered_on": service.delivered_on,
            "outcome": service.outcome,
            "outcome_note": entry.texts["outcome_note"],
            "cancel_reason": entry.texts["cancel_reason"],
        }


class FollowUpSerializer(_Row):
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    assigned_to = serializers.EmailField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    done_note = serializers.CharField(allow_blank=True)

    @staticmethod
    def of(entry: Entry[FollowUp]) -> dict[str, Any]:
        follow_up = entry.row
        return {
            **_row(follow_up),
            "due_on": follow_up.due_on,
            "done_on": follow_up.done_on,
            "assigned_to": follow_up.assigned_to.email if follow_up.assigned_to else None,
            "note": entry.texts["note"],
            "done_note": entry.texts["done_note"],
        }


def _row(row: Need | Goal | PlannedService | FollowUp) -> dict[str, Any]:
    return {"id": row.pk, "version": row.version, "recorded_at": row.recorded_at}


class DomainSerializer(serializers.Serializer[Any]):
    domain = serializers.ChoiceField(choices=DOMAINS)
    # Field.label types the class attribute for mypy only; the serializer's metaclass moves this field away.
    label = serializers.CharField()  # type: ignore[assignment]
    needs = NeedSerializer(many=True, help_text="High priority first.")
    goals = GoalSerializer(many=True)
    services = ServiceSerializer(many=True)


class PlanSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(help_text="The case's reference.")
    can_change = serializers.BooleanField(help_text="Whether the caller may change the plan.")
    domains = DomainSerializer(many=True, help_text="Every domain of assistance, in the plan page's order.")
    follow_ups = FollowUpSerializer(many=True)

    @staticmethod
    def of(case_reference: str, plan: Plan, *, can_change: bool) -> dict[str, Any]:
        return {
            "case": case_reference,
            "can_change": can_change,
            "domains": [
                {
                    "domain": section.domain,
                    "label": section.label,
                    "needs": [NeedSerializer.of(entry) for entry in section.needs],
                    "goals": [GoalSerializer.of(entry) for entry in section.goals],
                    "services": [ServiceSerializer.of(entry) for entry in section.services],
                }
                for section in plan.sections
            ],
            "follow_ups": [FollowUpSerializer.of(entry) for entry in plan.follow_ups],
        }


# ---- requests: types only; the rules (dates, the survivor's agreement) are the services', which name the field.


class NeedAddSerializer(serializers.Serializer[Any]):
    domain = serializers.ChoiceField(choices=DOMAINS)
    assessed_on = serializers.DateField(default=timezone.localdate)
    priority = serializers.ChoiceField(choices=Priority.values, default=Priority.MEDIUM)
    description = _text()


class GoalAddSerializer(serializers.Serializer[Any]):
    domain = serializers.ChoiceField(choices=DOMAINS)
    description = _text()
    # Not required: a missing agreement gets the service's explanation of why a goal needs it, not "required".
    agreed_with_survivor = serializers.BooleanField(
        default=False, help_text="Must be true: a goal is set with the survivor, never for them."
    )
    agreed_on = serializers.DateField(default=timezone.localdate)


class ServiceAddSerializer(serializers.Serializer[Any]):
    service_type = serializers.ChoiceField(
        choices=SERVICE_TYPES, help_text="Its domain of assistance follows from it."
    )
    planned_start = serializers.DateField(default=timezone.localdate)
    planned_end = serializers.DateField(required=False, allow_null=True, default=None)
    goal = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of an open goal of the case it serves.",
    )
    provider = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the providing organisation: your own or one in the partner directory.",
    )
    provider_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Or the name of a provider outside Threefold (never an address).",
    )


class ServiceDeliveredSerializer(serializers.Serializer[Any]):
    delivered_on = serializers.DateField(default=timezone.localdate)
    outcome = serializers.ChoiceField(choices=Outcome.values)
    note = _text(required=False)
    version = serializers.IntegerField(help_text=VERSION_HELP)


class FollowUpAddSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField()
    assigned_to = serializers.EmailField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Someone assigned to the person's case; by default, the caller.",
    )
    note = _text(required=False)


class FollowUpDoneSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField(default=timezone.localdate)
    note = _text(required=False)
    version = serializers.IntegerField(help_text=VERSION_HELP)


class TaskSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(help_text="The case's reference.")
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=["follow_up", "start_service", "finish_service"])
    follow_up = serializers.IntegerField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    service_type = serializers.CharField(allow_blank=True)

    @staticmethod
    def of(task: Task) -> dict[str, Any]:
        service = task.service
        kind = "follow_up" if service is None else "start_service" if task.is_start else "finish_service"
        return {
            "case": task.case.reference,
            "due": task.due,
            "overdue": task.overdue,
            "kind": kind,
            "follow_up": task.follow_up.pk if task.follow_up else None,
            "service": service.pk if service else None,
            "service_type": service.service_type if service else "",
        }
