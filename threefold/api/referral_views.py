"""Referral endpoints through ``referrals.access`` and ``referrals.services``, as the referral pages.

The sending side works from a case it may change; the receiving side answers with a caseworker's or
supervisor's token of the receiving organisation. Anyone on neither side gets a 404, a side that may not do
the action a 403. Sending without the person's consent answers 400 naming ``consent`` (see ``api.errors``)
and creates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.api.errors import actor_of, service_call
from threefold.api.referral_serializers import (
    PacketSerializer,
    ReasonSerializer,
    ReferralDetailSerializer,
    ReferralListSerializer,
    ReferralSendSerializer,
    ReferralSummarySerializer,
)
from threefold.referrals import access, services
from threefold.referrals.models import Referral, Status
from threefold.referrals.packet import available_groups

# As many as the referral list page shows of each side.
LIST_LIMIT = 200


def _detail(actor: Actor, reference: str, code: int = status.HTTP_200_OK) -> Response:
    """The referral as the actor's side may see it: the packet is opened (and audited) only for the receiving
    organisation while its grant is active."""
    view = access.open_referral(actor, reference)
    referral = view.referral
    return Response(
        ReferralDetailSerializer.from_view(
            view,
            can_respond=referral.status == Status.SENT and allowed(actor, "referrals.respond", referral),
            can_revoke=referral.is_open and allowed(actor, "referrals.revoke", referral),
        ),
        status=code,
    )


class ReferralListView(APIView):
    @extend_schema(
        operation_id="v1_referrals_list",  # one object holding two lists: spectacular would call it a retrieve
        responses=ReferralListSerializer,
        summary="Referrals your organisation sent (for people you may open) and received (for you to answer)",
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not (actor.reads_identities or allowed(actor, "referrals.view_incoming")):
            raise PermissionDenied
        return Response(
            {
                "outgoing": [
                    ReferralSummarySerializer.of(r, sent=True) for r in access.outgoing(actor)[:LIST_LIMIT]
                ],
                "incoming": [
                    ReferralSummarySerializer.of(r, sent=False) for r in access.incoming(actor)[:LIST_LIMIT]
                ],
            }
        )


class ReferralSendView(APIView):
    @extend_schema(
        request=ReferralSendSerializer,
        responses={201: ReferralDetailSerializer},
        summary="Refer a case to a partner organisation",
        description=(
            "Needs the person's consent to be referred to that organisation. Without it the answer is 400 with "
            "the reason under `consent` and nothing is created (not 409: reading again would not help; "
            "recording the consent, or an override by a supervisor or legal officer with `override_reason`, "
            "would). A refused override answers 400 under `override_reason`."
        ),
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = ReferralSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor = actor_of(request)
        opened = access.case_to_refer(actor, reference)
        # The choices the send page offers, and no others: organisations of the directory that accept
        # referrals, and the groups of data this person has something in.
        to_org = access.recipients(actor, opened).filter(pk=data.pop("to_organisation")).first()
        if to_org is None:
            raise ValidationError({"to_organisation": ["Choose an organisation of the partner directory."]})
        missing = set(data["fields"]) - set(available_groups(opened.identity, opened.context))
        if missing:
            raise ValidationError({"fields": [f"Nothing to share in: {', '.join(sorted(missing))}."]})
        referral = service_call(
            lambda: services.send(actor, opened.case, to_org, **data), fields={"to_org": "to_organisation"}
        )
        return _detail(actor, referral.reference, status.HTTP_201_CREATED)


class ReferralDetailView(APIView):
    @extend_schema(
        responses=ReferralDetailSerializer,
        summary="One referral, as your side may see it",
        description="The packet is there only for the receiving organisation, while its grant is active.",
    )
    def get(self, request: Request, reference: str) -> Response:
        return _detail(actor_of(request), reference)


class ReferralPacketView(APIView):
    @extend_schema(
        responses=PacketSerializer,
        summary="What a referral shared, for the receiving organisation while its grant is active",
        description="404 otherwise: not yet accepted, declined, revoked and expired all look the same.",
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(PacketSerializer.of(access.open_packet(actor_of(request), reference)))


def _act(
    request: Request, reference: str, permission: str, action: Callable[[Actor, Referral], Any]
) -> Response:
    actor = actor_of(request)
    found = access.referral_for_action(actor, reference, permission)
    service_call(lambda: action(actor, found))
    return _detail(actor, reference)


def _reason(request: Request) -> str:
    serializer = ReasonSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return str(serializer.validated_data["reason"])


class ReferralAcceptView(APIView):
    @extend_schema(
        request=None,
        responses=ReferralDetailSerializer,
        summary="Accept a referral sent to your organisation: its packet becomes readable for its access days",
    )
    def post(self, request: Request, reference: str) -> Response:
        return _act(request, reference, "referrals.respond", services.accept)


class ReferralDeclineView(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses=ReferralDetailSerializer,
        summary="Decline a referral sent to your organisation; its packet is erased",
    )
    def post(self, request: Request, reference: str) -> Response:
        reason = _reason(request)
        return _act(request, reference, "referrals.respond", lambda a, r: services.decline(a, r, reason))


class ReferralRevokeView(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses=ReferralDetailSerializer,
        summary="Revoke a referral your organisation sent: the receiver's access ends at once",
    )
    def post(self, request: Request, reference: str) -> Response:
        reason = _reason(request)
        return _act(request, reference, "referrals.revoke", lambda a, r: services.revoke(a, r, reason))
