"""Screening instruments over the API: list, fetch a definition, score answers.

Instruments are shipped reference data, the same for every organisation, so any member may read them. Scoring
here names no person and stores nothing (saving a screening comes with the identify pages), so it is not audited;
only roles that screen may call it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.rules import allowed
from threefold.identify.core import library
from threefold.identify.core.answers import AnswerError
from threefold.identify.core.definition import Instrument
from threefold.identify.core.scoring import score


def _summary(instrument: Instrument) -> dict[str, Any]:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "languages": list(instrument.languages),
        "title": dict(instrument.title),
        "population": str(instrument.population),
        "mode": str(instrument.mode),
        "settings": list(instrument.settings),
        "validation_studies": len(instrument.validation),
    }


def _load(instrument_id: str) -> Instrument:
    try:
        return library.load(instrument_id)
    except LookupError:
        raise Http404 from None


class InstrumentListView(APIView):
    @extend_schema(
        operation_id="instruments_list",
        responses=OpenApiTypes.OBJECT,
        summary="Screening instruments shipped with Threefold",
    )
    def get(self, request: Request) -> Response:
        return Response([_summary(instrument) for instrument in library.load_all()])


class InstrumentDetailView(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="One instrument's full definition (its YAML as JSON)"
    )
    def get(self, request: Request, instrument_id: str) -> Response:
        _load(instrument_id)
        return Response(library.source_document(instrument_id))


class InstrumentScoreView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        summary="Score answers (an object of item id -> answer); nothing is stored",
    )
    def post(self, request: Request, instrument_id: str) -> Response:
        if not allowed(request.actor, "identify.screen"):  # type: ignore[attr-defined]
            raise PermissionDenied
        instrument = _load(instrument_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"answers": ["Send a JSON object of item id -> answer."]})
        try:
            result = score(instrument, request.data)
        except AnswerError as exc:
            raise ValidationError({"answers": [str(problem) for problem in exc.problems]}) from None
        return Response(result.to_dict())
