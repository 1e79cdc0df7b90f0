"""Case endpoints: the same access functions and services as the case pages, so the same rules and audit.

A refused change answers 403, a case the caller may not see 404, a stale ``version`` 409 (nothing written),
and a value the rules refuse 400 naming its field.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.api.case_serializers import (
    CaseContextUpdateSerializer,
    CaseDetailSerializer,
    CaseMoveSerializer,
    CaseNoteSerializer,
    CaseOpenSerializer,
    CaseSummarySerializer,
    VictimContextSerializer,
)
from threefold.api.errors import service_call
from threefold.protect import access, case_access, case_services


def _actor(request: Request) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _detail(actor: Actor, reference: str) -> dict[str, Any]:
    opened = case_access.open_case(actor, reference, purpose="api")
    return CaseDetailSerializer.from_opened(
        opened, case_access.timeline(opened), case_access.nrm_status(opened, timezone.localdate())
    )


class CaseListView(APIView):
    @extend_schema(responses=CaseSummarySerializer(many=True), summary="Cases the caller may open")
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        if not actor.reads_identities:
            return Response({"detail": "Your role cannot read cases."}, status=status.HTTP_403_FORBIDDEN)
        return Response([CaseSummarySerializer.from_row(row) for row in case_access.my_cases(actor)])

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSummarySerializer}, summary="Open a case")
    def post(self, request: Request) -> Response:
        serializer = CaseOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = _actor(request)
        opened = access.open_person(actor, data["person"].upper(), purpose="api: open a case")
        context = (
            VictimContextSerializer.to_context(data["victim_context"]) if "victim_context" in data else None
        )
        case = service_call(
            lambda: case_services.open_case(actor, opened.person, reason=data["reason"], context=context)
        )
        return Response(
            CaseSummarySerializer.of(case, opened.identity.full_name), status=status.HTTP_201_CREATED
        )


class CaseDetailView(APIView):
    @extend_schema(
        responses=CaseDetailSerializer, summary="One case with its context, timeline and NRM status"
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(_detail(_actor(request), reference))


class CaseStageView(APIView):
    @extend_schema(
        request=CaseMoveSerializer,
        responses={200: CaseDetailSerializer, 409: None},
        summary="Move a case to another stage (or ask for approval where the organisation wants one)",
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = CaseMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = _actor(request)
        opened = case_access.open_case(actor, reference, purpose="api: change stage")
        service_call(
            lambda: case_services.move(
                actor, opened.case, data["stage"], data["reason"], expected_version=data["version"]
            )
        )
        return Response(_detail(actor, reference))


class CaseContextView(APIView):
    @extend_schema(
        request=CaseContextUpdateSerializer,
        responses={200: CaseDetailSerializer, 409: None},
        summary="Replace a case's victim context",
    )
    def put(self, request: Request, reference: str) -> Response:
        serializer = CaseContextUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        actor = _actor(request)
        opened = case_access.open_case(actor, reference, purpose="api: update context")
        context = VictimContextSerializer.to_context(data)
        service_call(
            lambda: case_services.update_context(actor, opened.case, context, expected_version=version)
        )
        return Response(_detail(actor, reference))


class CaseNoteView(APIView):
    @extend_schema(
        request=CaseNoteSerializer, responses={201: None}, summary="Add an encrypted note to a case"
    )
    def post(self, request: Request, reference: str) -> Response:
        serializer = CaseNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = _actor(request)
        opened = case_access.open_case(actor, reference, purpose="api: add a note")
        service_call(lambda: case_services.add_note(actor, opened.case, serializer.validated_data["text"]))
        return Response(status=status.HTTP_201_CREATED)
