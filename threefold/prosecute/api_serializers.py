"""Shapes of the prosecution endpoints (read only). Codes are the stored ones: stages, verdicts, HTCDS perpetrator
roles (per_RoleInProcess), offences as ``<jurisdiction>:<code>`` of reference/offences. Codes are plain strings
here, their values listed in each field's description, so the schema's enums stay those of the case endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold.prosecute.access import CaseProsecution, ProceedingFile, ProceedingLine
from threefold.prosecute.core import outcomes
from threefold.prosecute.models import (
    CourtDateKind,
    CourtDateStatus,
    Measure,
    MeasureStatus,
    NonPunishment,
    OwnChargeStatus,
    PerpetratorRole,
    RiskLevel,
    Stage,
    Verdict,
)


def _code(values: Any, help_text: str = "") -> serializers.CharField:
    listed = ", ".join(str(v) for v in values)
    return serializers.CharField(help_text=f"{help_text} One of: {listed}.".strip())


class ProceedingSummarySerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    case = serializers.CharField(help_text="The case's reference.")
    jurisdiction = serializers.CharField(help_text="A file of reference/offences, e.g. fr or gb-eaw.")
    court = serializers.CharField(allow_blank=True)
    opened_on = serializers.DateField(help_text="The day the investigation began.")
    stage = _code(Stage.values, "The furthest stage recorded.")
    point = _code([p.value for p in outcomes.POINTS], "How far it went, judged by the verdicts.")
    closed_on = serializers.DateField(allow_null=True)
    next_court_date = serializers.DateField(allow_null=True)

    @staticmethod
    def of(line: ProceedingLine, point: str) -> dict[str, Any]:
        p = line.proceeding
        return {
            "reference": p.reference,
            "case": p.case.reference,
            "jurisdiction": p.jurisdiction,
            "court": p.court,
            "opened_on": p.opened_on,
            "stage": p.stage,
            "point": point,
            "closed_on": p.closed_on,
            "next_court_date": line.next_court_date.on if line.next_court_date else None,
        }


class OwnChargeSerializer(serializers.Serializer[Any]):
    offence = serializers.CharField(help_text="The offence the survivor is suspected of or charged with.")
    jurisdiction = serializers.CharField()
    charged_on = serializers.DateField(allow_null=True)
    status = _code(OwnChargeStatus.values)
    non_punishment = _code(
        NonPunishment.values, "Whether the non-punishment principle was raised, and its outcome."
    )
    raised_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)


class CaseProceedingsSerializer(serializers.Serializer[Any]):
    case = serializers.CharField()
    proceedings = ProceedingSummarySerializer(many=True)
    own_charges = OwnChargeSerializer(many=True)

    @staticmethod
    def of(section: CaseProsecution, points: dict[int, str]) -> dict[str, Any]:
        return {
            "case": section.case.reference,
            "proceedings": [
                ProceedingSummarySerializer.of(line, points[line.proceeding.pk])
                for line in section.proceedings
            ],
            "own_charges": [
                {
                    "offence": e.values.get("offence", ""),
                    "jurisdiction": e.row.jurisdiction,
                    "charged_on": e.row.charged_on,
                    "status": e.row.status,
                    "non_punishment": e.row.non_punishment,
                    "raised_on": e.row.raised_on,
                    "notes": e.values.get("notes", ""),
                }
                for e in section.own_charges
            ],
        }


class StageEventSerializer(serializers.Serializer[Any]):
    stage = _code(Stage.values)
    on = serializers.DateField()
    court = serializers.CharField(allow_blank=True)
    jurisdiction = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class ChargeSerializer(serializers.Serializer[Any]):
    offence = serializers.CharField(help_text="<jurisdiction>:<code> of reference/offences.")
    offence_version = serializers.IntegerField(
        help_text="The version of the offences file it was recorded under."
    )
    offence_label = serializers.CharField()
    citation = serializers.CharField(
        allow_blank=True, help_text="Empty while the citation is to be completed."
    )
    verdict = _code(Verdict.values)
    verdict_on = serializers.DateField(allow_null=True)


class SentenceSerializer(serializers.Serializer[Any]):
    sentenced_on = serializers.DateField()
    custody_months = serializers.IntegerField(allow_null=True)
    suspended = serializers.BooleanField()
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_currency = serializers.CharField(allow_blank=True)


class OffenderSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="HTCDS per_RoleInProcess values: " + ", ".join(PerpetratorRole.values) + ".",
    )
    charges = ChargeSerializer(many=True)
    sentence = SentenceSerializer(allow_null=True)


class OrderSerializer(serializers.Serializer[Any]):
    kind = _code(["compensation", "restitution"])
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    ordered_on = serializers.DateField()
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    payments = serializers.ListField(child=serializers.DictField(), help_text="Each with amount and paid_on.")


class MeasureSerializer(serializers.Serializer[Any]):
    measure = _code(Measure.values)
    status = _code(MeasureStatus.values)
    requested_on = serializers.DateField()
    decided_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class CourtDateSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    time = serializers.TimeField(allow_null=True)
    court = serializers.CharField(allow_blank=True)
    kind = _code(CourtDateKind.values)
    status = _code(CourtDateStatus.values)
    survivor_attends = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class RiskSerializer(serializers.Serializer[Any]):
    level = _code(RiskLevel.values)
    assessed_on = serializers.DateField()
    review_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)


class ProceedingDetailSerializer(ProceedingSummarySerializer):
    court_reference = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    stages = StageEventSerializer(many=True)
    offenders = OffenderSerializer(many=True)
    compensation = OrderSerializer(many=True)
    protection_measures = MeasureSerializer(many=True)
    court_dates = CourtDateSerializer(many=True)
    risk_assessments = RiskSerializer(many=True)

    @staticmethod
    def from_file(file: ProceedingFile) -> dict[str, Any]:
        p = file.opened.proceeding
        upcoming = [e.row.on for e in file.court_dates if e.row.status == CourtDateStatus.SCHEDULED]
        return {
            "reference": p.reference,
            "case": file.opened.case.reference,
            "jurisdiction": p.jurisdiction,
            "court": p.court,
            "opened_on": p.opened_on,
            "stage": p.stage,
            "point": file.point.value,
            "closed_on": p.closed_on,
            "next_court_date": min(upcoming, default=None),
            "court_reference": file.opened.details.get("court_reference", ""),
            "notes": file.opened.details.get("notes", ""),
            "stages": [
                {
                    "stage": e.row.stage,
                    "on": e.row.on,
                    "court": e.row.court,
                    "jurisdiction": e.row.jurisdiction,
                    "note": e.text,
                }
                for e in file.events
            ],
            "offenders": [
                {
                    "name": o.name,
                    "roles": list(o.offender.roles),
                    "charges": [
                        {
                            "offence": c.charge.offence,
                            "offence_version": c.charge.offence_version,
                            "offence_label": c.label,
                            "citation": c.offence.citation if c.offence else "",
                            "verdict": c.charge.verdict,
                            "verdict_on": c.charge.verdict_on,
                        }
                        for c in o.charges
                    ],
                    "sentence": None
                    if o.sentence is None
                    else {
                        "sentenced_on": o.sentence.sentenced_on,
                        "custody_months": o.sentence.custody_months,
                        "suspended": o.sentence.suspended,
                        "fine_amount": o.sentence.fine_amount,
                        "fine_currency": o.sentence.fine_currency,
                    },
                }
                for o in file.offenders
            ],
            "compensation": [
                {
                    "kind": v.order.kind,
                    "amount": v.order.amount,
                    "currency": v.order.currency,
                    "ordered_on": v.order.ordered_on,
                    "paid": v.paid,
                    "payments": [
                        {"amount": str(pay.amount), "paid_on": pay.paid_on.isoformat()} for pay in v.payments
                    ],
                }
                for v in file.orders
            ],
            "protection_measures": [
                {
                    "measure": e.row.measure,
                    "status": e.row.status,
                    "requested_on": e.row.requested_on,
                    "decided_on": e.row.decided_on,
                    "note": e.text,
                }
                for e in file.measures
            ],
            "court_dates": [
                {
                    "on": e.row.on,
                    "time": e.row.time,
                    "court": e.row.court,
                    "kind": e.row.kind,
                    "status": e.row.status,
                    "survivor_attends": e.row.survivor_attends,
                    "note": e.text,
                }
                for e in file.court_dates
            ],
            "risk_assessments": [
                {
                    "level": e.row.level,
                    "assessed_on": e.row.assessed_on,
                    "review_on": e.row.review_on,
                    "note": e.text,
                }
                for e in file.risks
            ],
        }
