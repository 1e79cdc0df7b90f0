"""Screening over the API: list instruments, fetch a definition, score answers, store and read screenings.

The instruments are the shipped library plus the acting organisation's own uploads (``identify.access``).
Scoring alone names no person and stores nothing, so it is not audited; storing a screening goes through
``identify.services`` (sealed, audited) and reading one through ``identify.access`` (audited), as on the web.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.identify import access, services
from threefold.identify.catalogue import Entry
from threefold.identify.core.answers import AnswerError
from threefold.identify.core.definition import Instrument
from threefold.identify.core.scoring import score
from threefold.identify.core.yaml_source import load_yaml
from threefold.identify.models import Screening


def _summary(entry: Entry) -> dict[str, Any]:
    instrument: Instrument = entry.instrument
    return {
        "id": instrument.id,
        "version": instrument.version,
        "languages": list(instrument.languages),
        "title": dict(instrument.title),
        "population": str(instrument.population),
        "mode": str(instrument.mode),
        "settings": list(instrument.settings),
        "audience": list(instrument.audience),
        "confidence": str(instrument.provenance.confidence),
        "validation_studies": len(instrument.validation),
        "shipped": entry.shipped,
    }


def _actor(request: Request) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


def _screener(request: Request) -> Actor:
    actor = _actor(request)
    if not allowed(actor, "identify.screen"):
        raise PermissionDenied
    return actor


def _answers(data: object) -> dict[str, object]:
    if not isinstance(data, dict):
        raise ValidationError({"answers": ["Send a JSON object of item id -> answer."]})
    return data


def _answer_problems(error: AnswerError) -> ValidationError:
    return ValidationError({"answers": [str(problem) for problem in error.problems]})


def _screening(screening: Screening, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": screening.reference,
        "instrument": screening.source.instrument_id,
        "instrument_version": screening.source.version,
        "setting": screening.setting,
        "channel": screening.channel,
        "completed_at": screening.completed_at,
        "outcome": screening.outcome,
        "result": result,
    }


class InstrumentListView(APIView):
    @extend_schema(
        operation_id="instruments_list",
        responses=OpenApiTypes.OBJECT,
        summary="Screening instruments: the shipped library and your organisation's own",
    )
    def get(self, request: Request) -> Response:
        return Response([_summary(entry) for entry in access.instruments(_actor(request))])


class InstrumentDetailView(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="One instrument's full definition (its YAML as JSON)"
    )
    def get(self, request: Request, instrument_id: str) -> Response:
        entry = access.instrument(_actor(request), instrument_id)
        return Response(load_yaml(entry.text))


class InstrumentScoreView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        summary="Score answers (an object of item id -> answer); nothing is stored",
    )
    def post(self, request: Request, instrument_id: str) -> Response:
        actor = _screener(request)
        instrument = access.instrument(actor, instrument_id).instrument
        try:
            result = score(instrument, _answers(request.data))
        except AnswerError as exc:
            raise _answer_problems(exc) from None
        return Response(result.to_dict())


class ScreeningCreateView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
        summary='Store a completed, anonymous screening: {"instrument", "setting", "answers", "language"}',
    )
    def post(self, request: Request) -> Response:
        actor = _screener(request)
        data = request.data if isinstance(request.data, dict) else {}
        entry = access.instrument(actor, str(data.get("instrument", "")))
        setting = str(data.get("setting", ""))
        if setting not in entry.instrument.settings:
            raise ValidationError({"setting": [f"one of {', '.join(entry.instrument.settings)}"]})
        language = str(data.get("language", "en"))
        if language not in entry.instrument.languages:
            raise ValidationError({"language": [f"one of {', '.join(entry.instrument.languages)}"]})
        try:
            screening = services.record_screening(
                actor, entry, setting=setting, answers=_answers(data.get("answers")), language=language
            )
        except AnswerError as exc:
            raise _answer_problems(exc) from None
        opened = access.open_screening(actor, screening.reference, purpose="API response")
        result = opened.result
        assert result is not None
        return Response(_screening(opened.screening, result.to_dict()), status=status.HTTP_201_CREATED)


class ScreeningDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One completed screening with its explained result")
    def get(self, request: Request, reference: str) -> Response:
        opened = access.open_screening(_actor(request), reference, purpose="API")
        result = opened.result
        if result is None:
            return Response(_screening(opened.screening, {}))
        return Response(_screening(opened.screening, result.to_dict()))
