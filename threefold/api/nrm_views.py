"""National referral mechanism endpoints: record a case's referral and each decision through
``protect.nrm_services`` (the same rules as the case page), and list the jurisdictions whose rules Threefold
holds. Every answer to a change is the case's NRM status, as the case detail endpoint returns it."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold import nrm
from threefold.api.case_serializers import NrmSerializer
from threefold.api.errors import actor_of, service_call
from threefold.api.nrm_serializers import JurisdictionSerializer, NrmDecisionSerializer, NrmReferSerializer
from threefold.protect import case_access, nrm_services
from threefold.protect.case_access import OpenedCase


def _status(opened: OpenedCase) -> Response:
    status_now = case_access.nrm_status(opened, timezone.localdate())
    assert status_now is not None  # just recorded
    return Response(NrmSerializer.of(status_now), status=status.HTTP_201_CREATED)


class NrmReferView(APIView):
    @extend_schema(
        request=NrmReferSerializer,
        responses={201: NrmSerializer},
        summary="Record that a case was referred to a national referral mechanism",
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = NrmReferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = actor_of(request)
        opened = case_access.open_case(actor, reference, purpose="api: record an NRM referral")
        service_call(lambda: nrm_services.refer(actor, opened.case, **serializer.validated_data))
        return _status(opened)


class NrmDecisionView(APIView):
    @extend_schema(
        request=NrmDecisionSerializer,
        responses={201: NrmSerializer},
        summary="Record an identification decision (reasonable, then conclusive grounds)",
        description="Before the referral is recorded, or out of order, answers 400 naming `stage`.",
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = NrmDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = actor_of(request)
        opened = case_access.open_case(actor, reference, purpose="api: record an NRM decision")
        current = case_access.nrm_status(opened, timezone.localdate())
        # As on the case page, decisions come in order. Without a referral the service says so itself.
        if current is not None and (not current.open_stages or current.open_stages[0][0] != data["stage"]):
            expected = current.open_stages[0][0] if current.open_stages else None
            message = (
                f"the next decision to record is {expected}." if expected else "every decision is recorded."
            )
            raise ValidationError({"stage": [message]})
        service_call(lambda: nrm_services.record_decision(actor, opened.case, **data))
        return _status(opened)


class JurisdictionListView(APIView):
    @extend_schema(
        responses=JurisdictionSerializer(many=True),
        summary="Jurisdictions whose NRM rules Threefold holds, with their decision stages and outcome codes",
    )
    def get(self, request: Request) -> Response:
        # Shipped reference data, the same for everyone; still behind a token, like every endpoint.
        return Response([JurisdictionSerializer.of(jurisdiction) for jurisdiction in nrm.load_all()])
