"""What plans hold about a person, for their data rights (``protect.subject_data``): a complete copy, and erasure."""

from __future__ import annotations

from typing import Any

from threefold.plans.access import Entry, open_entries
from threefold.plans.models import FollowUp, Goal, Need, PlannedService, PlanRow
from threefold.protect.models import Person

_MODELS: tuple[type[PlanRow], ...] = (Need, Goal, PlannedService, FollowUp)
# Staff (who recorded a row, who a follow-up is for) are other people's data: never in a survivor's copy.
_LEFT_OUT = {"id", "uid", "organisation", "recorded_by", "assigned_to", "case", "provider", "goal", "version"}


def _exported(entry: Entry[Any]) -> dict[str, Any]:
    row = entry.row
    values: dict[str, Any] = {"case": row.case.reference, "kind": row._meta.model_name}
    for model_field in row._meta.concrete_fields:
        name = model_field.name
        if name not in _LEFT_OUT and name not in entry.texts:
            values[name] = getattr(row, model_field.attname)
    if isinstance(row, PlannedService):
        values["provider"] = row.provider.name if row.provider else row.provider_name
    return {**values, **entry.texts}


def export_plans(person: Person) -> list[dict[str, Any]]:
    exported: list[dict[str, Any]] = []
    for model in _MODELS:
        related = ("case", "provider") if model is PlannedService else ("case",)
        rows = list(model._default_manager.filter(case__person=person).select_related(*related))
        exported += [_exported(entry) for entry in open_entries(rows)]
    return exported


def erase_plans(person: Person) -> int:
    # The rows exist only for the person's cases; the cases themselves go right after (protect's erase_cases).
    total = 0
    for model in reversed(_MODELS):  # services point at goals: delete them first
        deleted, _by_model = model._default_manager.filter(case__person=person).delete()
        total += deleted
    return total
