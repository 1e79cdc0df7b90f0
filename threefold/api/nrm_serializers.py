"""Shapes of the national referral mechanism endpoints. A case's NRM status itself is ``NrmSerializer`` of the
case endpoints, so a client reads it the same way after a change as in the case detail."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold import nrm
from threefold.protect.nrm_status import DECISION_STAGES, stage_outcomes


class NrmReferSerializer(serializers.Serializer[Any]):
    jurisdiction = serializers.CharField(
        max_length=40, help_text="A jurisdiction id from GET /api/v1/nrm/jurisdictions/, e.g. gb-eaw."
    )
    referred_on = serializers.DateField()
    is_child = serializers.BooleanField(default=False, help_text="The person was under 18 when referred.")
    guardian_appointed = serializers.BooleanField(default=False)


class NrmDecisionSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(
        choices=[stage.value for stage in DECISION_STAGES],
        help_text="Decisions come in order: only the first one not yet recorded is accepted.",
    )
    outcome = serializers.CharField(
        max_length=40, help_text="An outcome code of this stage under the case's jurisdiction."
    )
    decided_on = serializers.DateField()
    authority = serializers.CharField(max_length=200, help_text="The competent authority that decided.")


class OutcomeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    # Field.label types the class attribute for mypy only; the serializer's metaclass moves this field away.
    label = serializers.CharField()  # type: ignore[assignment]
    positive = serializers.BooleanField()


class JurisdictionStageSerializer(serializers.Serializer[Any]):
    stage = serializers.CharField()
    name = serializers.CharField(allow_blank=True, help_text="Empty where the data holds no such stage.")
    outcomes = OutcomeSerializer(many=True)


class JurisdictionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    as_of = serializers.DateField(help_text="The date its rules are known to hold.")
    confidence = serializers.CharField()
    stages = JurisdictionStageSerializer(
        many=True, help_text="The decisions a case can record under it, with the outcome codes each accepts."
    )

    @staticmethod
    def of(jurisdiction: nrm.Jurisdiction) -> dict[str, Any]:
        stages = []
        for stage in DECISION_STAGES:
            # The codes the decision endpoint accepts: where the data holds only a reflection period, the
            # generic reasonable-grounds outcomes still start it (nrm_status.stage_outcomes).
            outcomes = stage_outcomes(jurisdiction.id, stage)
            if not outcomes:
                continue
            found = jurisdiction.stage(stage)
            stages.append(
                {
                    "stage": stage.value,
                    "name": found.name if found else "",
                    "outcomes": [
                        {"code": o.code, "label": o.label, "positive": o.positive} for o in outcomes
                    ],
                }
            )
        return {
            "id": jurisdiction.id,
            "name": jurisdiction.name,
            "kind": jurisdiction.kind,
            "as_of": jurisdiction.as_of,
            "confidence": jurisdiction.confidence.value,
            "stages": stages,
        }
