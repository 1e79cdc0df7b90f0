"""Prosecution endpoints (read only): a case's proceedings and one proceeding's file. The same access functions as
the pages, so the same rules (an assigned legal officer or caseworker, a supervisor of the organisation), the same
404 for anything else, and the same audit entries."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.prosecute import access
from threefold.prosecute.api_serializers import CaseProceedingsSerializer, ProceedingDetailSerializer
from threefold.prosecute.core import outcomes


def _actor(request: Request) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class CaseProceedingsView(APIView):
    @extend_schema(
        responses=CaseProceedingsSerializer,
        summary="A case's criminal proceedings and the survivor's own charges (non-punishment)",
        tags=["prosecute"],
    )
    def get(self, request: Request, reference: str) -> Response:
        actor = _actor(request)
        case = access.case_for(actor, reference)
        section = access.case_prosecution(actor, case, timezone.localdate())
        points = {
            line.proceeding.pk: outcomes.point(access.facts_of(line.proceeding)).value
            for line in section.proceedings
        }
        return Response(CaseProceedingsSerializer.of(section, points))


class ProceedingDetailView(APIView):
    @extend_schema(
        responses=ProceedingDetailSerializer,
        summary="One criminal proceeding: stages, offenders, charges, verdicts, compensation, the witness",
        tags=["prosecute"],
    )
    def get(self, request: Request, reference: str) -> Response:
        actor = _actor(request)
        opened = access.open_proceeding(actor, reference, purpose="api")
        return Response(ProceedingDetailSerializer.from_file(access.proceeding_file(actor, opened)))
