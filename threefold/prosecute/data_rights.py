"""What prosecution records hold about a survivor, for their data rights (``protect.subject_data``).

The copy holds the proceedings of the survivor's cases (stages, courts, charges and verdicts, sentences,
compensation), their protection as a witness, court dates, accompaniments, risk assessments and their own charges,
with every sealed note opened. Offenders' names are left out: they are other people's data (as staff names are),
and a survivor's copy is not the way to learn who a suspect is. Erasure deletes every row; the values sealed under
the survivor's key (offenders' names included) are unreadable anyway once that key is destroyed.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from threefold.prosecute import texts
from threefold.prosecute.access import open_entries
from threefold.prosecute.models import (
    Accompaniment,
    Charge,
    CompensationOrder,
    CompensationPayment,
    CourtDate,
    Offender,
    OwnCharge,
    Proceeding,
    ProtectionMeasure,
    RiskAssessment,
    Sentence,
    StageEvent,
)
from threefold.protect.models import Person

# Staff, ids and links: never in a survivor's copy (the proceeding's reference says which proceeding a row is on).
_LEFT_OUT = {
    "id",
    "uid",
    "organisation",
    "recorded_by",
    "proceeding",
    "case",
    "version",
    "offender",
    "order",
    "court_date",
    "accompanied_by",
    "review_reminded_at",
    "reminders_sent",
}
_ROWS: tuple[type[models.Model], ...] = (
    StageEvent,
    Charge,
    Sentence,
    CompensationOrder,
    CompensationPayment,
    ProtectionMeasure,
    CourtDate,
    Accompaniment,
    RiskAssessment,
)


def _plain(row: models.Model, values: dict[str, str]) -> dict[str, Any]:
    sealed_fields = set(texts.sealed_fields(type(row)))
    exported: dict[str, Any] = {"kind": row._meta.model_name}
    for model_field in row._meta.concrete_fields:
        name = model_field.name
        if name not in _LEFT_OUT and name not in sealed_fields:
            exported[name] = getattr(row, model_field.attname)
    return {**exported, **values}


def export_prosecution(person: Person) -> dict[str, Any]:
    proceedings = list(Proceeding.objects.filter(case__person=person).select_related("case").order_by("pk"))
    exported = []
    for entry in open_entries(proceedings):
        proceeding = entry.row
        rows: list[dict[str, Any]] = []
        for model in _ROWS:
            found = list(model._default_manager.filter(proceeding=proceeding).order_by("pk"))
            rows += [_plain(e.row, e.values) for e in open_entries(found)]
        exported.append(
            {
                "reference": proceeding.reference,
                "case": proceeding.case.reference,
                **_plain(proceeding, entry.values),
                "offenders": Offender.objects.filter(proceeding=proceeding).count(),
                "records": rows,
            }
        )
    own = open_entries(
        list(OwnCharge.objects.filter(case__person=person).select_related("case").order_by("pk"))
    )
    return {
        "proceedings": exported,
        "own_charges": [{"case": e.row.case.reference, **_plain(e.row, e.values)} for e in own],
    }


def erase_prosecution(person: Person) -> int:
    # The rows exist only for the person's cases; the cases themselves go right after (protect's erase_cases).
    deleted, _by_model = OwnCharge.objects.filter(case__person=person).delete()
    more, _by_model = Proceeding.objects.filter(case__person=person).delete()  # its rows cascade
    return deleted + more


def has_active_proceeding(person: Person) -> bool:
    """A survivor with a proceeding still going on is kept by the retention policy (they may be a witness)."""
    return Proceeding.objects.filter(case__person=person, closed_on__isnull=True).exists()
