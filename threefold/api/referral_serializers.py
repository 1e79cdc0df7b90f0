"""Shapes of the referral endpoints. A summary identifies nobody (reference, services, dates, the partner
organisation); only the sending side sees the case it came from and the reason it ended, and only the
receiving side, while its grant is active, the packet."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold.referrals.access import ReferralView
from threefold.referrals.models import (
    DEFAULT_ACCESS_DAYS,
    MAX_ACCESS_DAYS,
    Referral,
    Service,
    SharedField,
    Status,
    Urgency,
)
from threefold.referrals.packet import Packet
from threefold.referrals.services import MAX_REASON_CHARS


class ReferralSummarySerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    direction = serializers.ChoiceField(choices=["sent", "received"])
    partner_organisation = serializers.IntegerField(help_text="The other side's organisation id.")
    partner_name = serializers.CharField()
    case = serializers.CharField(allow_null=True, help_text="The case referred: for the sending side only.")
    services = serializers.ListField(child=serializers.ChoiceField(choices=Service.values))
    # Named as the service's argument. Serializer.fields is typed for mypy only: the metaclass moves this away.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=SharedField.values), help_text="What of the person was shared."
    )
    urgency = serializers.ChoiceField(choices=Urgency.values)
    status = serializers.ChoiceField(choices=Status.values)
    overdue = serializers.BooleanField(help_text="Waiting for an answer past its answer-by date.")
    sent_at = serializers.DateTimeField()
    answer_by = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        help_text="While sent: when the offer lapses. Once accepted: when the receiver's access ends."
    )
    access_days = serializers.IntegerField()

    @staticmethod
    def of(referral: Referral, *, sent: bool) -> dict[str, Any]:
        partner = referral.to_organisation if sent else referral.from_organisation
        return {
            "reference": referral.reference,
            "direction": "sent" if sent else "received",
            "partner_organisation": partner.pk,
            "partner_name": partner.name,
            "case": referral.case.reference if sent else None,
            "services": referral.service_list,
            "fields": referral.field_list,
            "urgency": referral.urgency,
            "status": referral.status,
            "overdue": referral.is_overdue,
            "sent_at": referral.sent_at,
            "answer_by": referral.answer_by,
            "responded_at": referral.responded_at,
            "ended_at": referral.ended_at,
            "expires_at": referral.expires_at,
            "access_days": referral.access_days,
        }


class ReferralListSerializer(serializers.Serializer[Any]):
    outgoing = ReferralSummarySerializer(
        many=True, help_text="Sent by your organisation, for people you may open."
    )
    incoming = ReferralSummarySerializer(many=True, help_text="Sent to your organisation, for you to answer.")


class PacketSerializer(serializers.Serializer[Any]):
    groups = serializers.ListField(child=serializers.ChoiceField(choices=SharedField.values))
    identity = serializers.DictField(help_text="The identity values of the groups shared, and nothing else.")
    victim_context = serializers.DictField(allow_null=True)

    @staticmethod
    def of(packet: Packet) -> dict[str, Any]:
        identity = packet.identity.to_json()
        return {
            "groups": list(packet.groups),
            "identity": {key: identity[key] for key in packet.keys},
            "victim_context": packet.context.to_json() if packet.context else None,
        }


class ReferralDetailSerializer(ReferralSummarySerializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why it was declined or revoked: for the sending side only."
    )
    packet = PacketSerializer(
        allow_null=True,
        help_text="For the receiving side, only while its organisation holds an active grant.",
    )
    can_respond = serializers.BooleanField()
    can_revoke = serializers.BooleanField()

    @classmethod
    def from_view(cls, view: ReferralView, *, can_respond: bool, can_revoke: bool) -> dict[str, Any]:
        return {
            **cls.of(view.referral, sent=view.sent),
            "reason": view.reason,
            "packet": PacketSerializer.of(view.packet) if view.packet else None,
            "can_respond": can_respond,
            "can_revoke": can_revoke,
        }


class ReferralSendSerializer(serializers.Serializer[Any]):
    """Types only; the service checks the choices and the person's consent, and names the field it refuses."""

    to_organisation = serializers.IntegerField(
        help_text="An organisation of the partner directory that accepts referrals, not your own."
    )
    services = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=len(Service.values)
    )
    fields = serializers.ListField(  # type: ignore[assignment]  # as in ReferralSummarySerializer
        child=serializers.CharField(max_length=40),
        max_length=len(SharedField.values),
        help_text="What of the person to share: only groups the person has something in.",
    )
    urgency = serializers.ChoiceField(choices=Urgency.values, default=Urgency.ROUTINE)
    access_days = serializers.IntegerField(default=DEFAULT_ACCESS_DAYS, help_text=f"1 to {MAX_ACCESS_DAYS}.")
    override_reason = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only without the person's consent, and only for a supervisor or legal officer: why the "
        "referral cannot wait (at least 20 characters). Recorded and reviewed.",
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=MAX_REASON_CHARS,
        help_text="Briefly why, with no more detail about the person than needed.",
    )
