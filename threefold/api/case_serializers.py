"""Shapes of the case endpoints. The victim context uses HTCDS 2.0 codes, as the pages store them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold.protect import htcds
from threefold.protect.case_access import CaseRow, OpenedCase, TimelineEntry
from threefold.protect.lifecycle import MIN_REASON_CHARS, Stage
from threefold.protect.models import Case
from threefold.protect.nrm_status import NrmStatus
from threefold.protect.victim_context import VictimContext


def _codes(picklist: dict[str, str] | Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=list(picklist)), default=list, max_length=30
    )


class JourneyEventSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=list(htcds.EVENT_TYPE))
    country = serializers.CharField(max_length=2, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    start = serializers.DateField(allow_null=True, default=None)
    end = serializers.DateField(allow_null=True, default=None)


class VictimContextSerializer(serializers.Serializer[Any]):
    trafficking_status = serializers.ChoiceField(
        choices=list(htcds.TRAFFICKING_STATUS), default="PossibleVictimOfTrafficking"
    )
    status_decided_by = serializers.ChoiceField(
        choices=["", *htcds.DECISION_MAKER], allow_blank=True, default=""
    )
    exploitation_types = _codes(htcds.TYPE_OF_EXPLOITATION)
    forced_labour_industries = _codes(htcds.FORCED_LABOUR_INDUSTRY)
    sex_exploitation_types = _codes(htcds.TYPE_OF_SEX_EXPLOITATION)
    recruitment_methods = _codes(htcds.METHOD_OF_RECRUITMENT)
    control_methods = _codes(htcds.METHODS_OF_CONTROL)
    relationship_to_trafficker = serializers.ChoiceField(
        choices=["", *htcds.RELATIONSHIP_TO_TRAFFICKER], allow_blank=True, default=""
    )
    journey = JourneyEventSerializer(many=True, default=list)

    @staticmethod
    def to_context(data: dict[str, Any]) -> VictimContext:
        return VictimContext.from_json(data)  # validated data has the stored shape (dates as dates)


class CaseSummarySerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    person = serializers.CharField(help_text="The person's reference.")
    name = serializers.CharField(help_text="The person's name, for callers who may read it.")
    stage = serializers.ChoiceField(choices=[s.value for s in Stage])
    pending_stage = serializers.CharField(help_text="A stage waiting for a supervisor's approval, or empty.")
    caseworker = serializers.EmailField(allow_null=True)
    opened_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    @staticmethod
    def of(case: Case, name: str) -> dict[str, Any]:
        return {
            "reference": case.reference,
            "person": case.person.reference,
            "name": name,
            "stage": case.stage,
            "pending_stage": case.pending_stage,
            "caseworker": case.caseworker.email if case.caseworker else None,
            "opened_at": case.opened_at,
            "updated_at": case.updated_at,
            "version": case.version,
        }

    @classmethod
    def from_row(cls, row: CaseRow) -> dict[str, Any]:
        return cls.of(row.case, row.identity.full_name)


class TimelineEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    from_stage = serializers.CharField(allow_blank=True)
    to_stage = serializers.CharField(allow_blank=True)
    by = serializers.EmailField(allow_null=True)
    text = serializers.CharField(allow_blank=True)
    screening = serializers.CharField(allow_null=True)

    @staticmethod
    def of(entry: TimelineEntry) -> dict[str, Any]:
        event = entry.event
        return {
            "at": entry.at,
            "kind": entry.kind,
            "from_stage": event.from_stage if event else "",
            "to_stage": event.to_stage if event else "",
            "by": event.by.email if event and event.by else None,
            "text": entry.text,
            "screening": entry.screening.reference if entry.screening else None,
        }


class NrmSerializer(serializers.Serializer[Any]):
    jurisdiction = serializers.CharField()
    referred_on = serializers.DateField()
    is_child = serializers.BooleanField()
    decisions = serializers.ListField(child=serializers.DictField())
    reasonable_grounds_due = serializers.DateField(allow_null=True)
    reflection_ends_on = serializers.DateField(allow_null=True)
    alerts = serializers.ListField(child=serializers.DictField())

    @staticmethod
    def of(status: NrmStatus) -> dict[str, Any]:
        return {
            "jurisdiction": status.jurisdiction.id,
            "referred_on": status.referral.referred_on,
            "is_child": status.referral.is_child,
            "decisions": [
                {"stage": d.stage, "outcome": d.outcome, "decided_on": d.decided_on, "authority": d.authority}
                for d, _ in status.decisions
            ],
            "reasonable_grounds_due": status.rg_due,
            "reflection_ends_on": status.reflection.minimum_ends_on if status.reflection else None,
            "alerts": [{"kind": a.kind.value, "due": a.due, "message": a.message()} for a in status.alerts],
        }


class CaseDetailSerializer(CaseSummarySerializer):
    # Not "context": DRF serializers use that name for their own context.
    victim_context = VictimContextSerializer()
    timeline = TimelineEntrySerializer(many=True)
    nrm = NrmSerializer(allow_null=True)

    @classmethod
    def from_opened(
        cls, opened: OpenedCase, timeline: list[TimelineEntry], nrm: NrmStatus | None
    ) -> dict[str, Any]:
        return {
            **cls.of(opened.case, opened.identity.full_name),
            "victim_context": opened.context.to_json(),
            "timeline": [TimelineEntrySerializer.of(entry) for entry in timeline],
            "nrm": NrmSerializer.of(nrm) if nrm else None,
        }


class CaseOpenSerializer(serializers.Serializer[Any]):
    person = serializers.CharField(max_length=12)
    reason = serializers.CharField(min_length=MIN_REASON_CHARS, max_length=2000)
    victim_context = VictimContextSerializer(required=False)


class CaseMoveSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=[s.value for s in Stage])
    reason = serializers.CharField(min_length=MIN_REASON_CHARS, max_length=2000)
    version = serializers.IntegerField(help_text="The version you read; a newer one answers 409.")


class CaseContextUpdateSerializer(VictimContextSerializer):
    version = serializers.IntegerField(help_text="The version you read; a newer one answers 409.")


class CaseNoteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=5000)
