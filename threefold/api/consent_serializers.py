"""Shapes of the consent endpoints: a person's consents by purpose and the overrides, as the consent page shows
them, and the request to record one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from threefold.accounts.models import Organisation
from threefold.consent.access import ConsentHistory, OpenedOverride
from threefold.consent.models import Consent, Method, Purpose, Status


class ConsentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Purpose.values)
    recipient_organisation = serializers.IntegerField(allow_null=True)
    recipient_organisation_name = serializers.CharField(allow_null=True)
    method = serializers.ChoiceField(choices=Method.values)
    guardian_relationship = serializers.CharField(allow_blank=True)
    given_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.values, help_text="Whether it counts now.")
    recorded_by = serializers.EmailField()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = serializers.EmailField(allow_null=True)

    @staticmethod
    def of(consent: Consent) -> dict[str, Any]:
        recipient = consent.recipient_organisation
        return {
            "id": consent.pk,
            "purpose": consent.purpose,
            "recipient_organisation": recipient.pk if recipient else None,
            "recipient_organisation_name": recipient.name if recipient else None,
            "method": consent.method,
            "guardian_relationship": consent.guardian_relationship,
            "given_at": consent.given_at,
            "expires_at": consent.expires_at,
            "status": consent.status(),
            "recorded_by": consent.recorded_by.email,
            "recorded_at": consent.recorded_at,
            "withdrawn_at": consent.withdrawn_at,
            "withdrawn_by": consent.withdrawn_by.email if consent.withdrawn_by else None,
        }


class PurposeSerializer(serializers.Serializer[Any]):
    purpose = serializers.ChoiceField(choices=Purpose.values)
    in_force = serializers.BooleanField(help_text="Some consent for this purpose counts now.")
    consents = ConsentSerializer(many=True, help_text="Newest first, withdrawn and expired ones included.")


class OverrideSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Purpose.values)
    recipient_organisation = serializers.IntegerField(allow_null=True)
    recipient_organisation_name = serializers.CharField(allow_null=True)
    by = serializers.EmailField()
    role = serializers.CharField(help_text="The role they held when they overrode the missing consent.")
    at = serializers.DateTimeField()
    reason = serializers.CharField()

    @staticmethod
    def of(opened: OpenedOverride) -> dict[str, Any]:
        override = opened.override
        recipient = override.recipient_organisation
        return {
            "id": override.pk,
            "purpose": override.purpose,
            "recipient_organisation": recipient.pk if recipient else None,
            "recipient_organisation_name": recipient.name if recipient else None,
            "by": override.by.email,
            "role": override.role,
            "at": override.at,
            "reason": opened.reason,
        }


class ConsentHistorySerializer(serializers.Serializer[Any]):
    person = serializers.CharField(help_text="The person's reference.")
    purposes = PurposeSerializer(many=True, help_text="Every purpose, even those never asked.")
    overrides = OverrideSerializer(many=True)
    can_record = serializers.BooleanField()
    can_withdraw = serializers.BooleanField()

    @staticmethod
    def of(history: ConsentHistory, *, can_record: bool, can_withdraw: bool) -> dict[str, Any]:
        return {
            "person": history.opened.person.reference,
            "purposes": [
                {
                    "purpose": entry.purpose.value,
                    "in_force": bool(entry.in_force),
                    "consents": [ConsentSerializer.of(consent) for consent in entry.consents],
                }
                for entry in history.purposes
            ],
            "overrides": [OverrideSerializer.of(opened) for opened in history.overrides],
            "can_record": can_record,
            "can_withdraw": can_withdraw,
        }


class ConsentRecordSerializer(serializers.Serializer[Any]):
    """Types only; which purpose names an organisation, what a guardian's consent needs and the dates are checked
    by ``consent.services.record_consent``, whose refusals come back as 400s on these field names."""

    purpose = serializers.ChoiceField(choices=Purpose.values)
    method = serializers.ChoiceField(choices=Method.values)
    given_at = serializers.DateTimeField(
        help_text="When the person (or their guardian) gave it; not later than now."
    )
    recipient_organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Organisation id. Required for a referral, allowed for data sharing (empty: any partner), "
        "refused otherwise.",
    )
    guardian_relationship = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="For consent by a parent or guardian: how they are related to the child (no names).",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def record_arguments(self, recipients: QuerySet[Organisation]) -> dict[str, Any]:
        """The validated request as keyword arguments of ``consent.services.record_consent``. ``recipients`` are
        the organisations the consent page offers (any but the person's own): another id is a 400."""
        data = dict(self.validated_data)
        wanted = data.pop("recipient_organisation")
        data["recipient"] = None if wanted is None else recipients.filter(pk=wanted).first()
        if wanted is not None and data["recipient"] is None:
            raise serializers.ValidationError({"recipient_organisation": ["Choose another organisation."]})
        return data
