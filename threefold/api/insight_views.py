"""Insight endpoints: the organisation's datasets, protected tables and the differential-privacy ledger, through
``insight.access`` and ``insight.services`` exactly as the statistics pages, so the same rules and audit.

Statistics are read by analysts, supervisors and org admins (others get 403); a dataset of another organisation
is a 404. A table is always protected by cell suppression: a hidden count is sent as its status, never its
value. A private release spends the dataset's budget in the analyst's name; one that does not fit answers 400
with the figures and records nothing (not 409: as for a missing consent in ``api.errors``, reading again and
retrying never helps; a smaller ε or a larger budget does).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.api.errors import actor_of
from threefold.api.insight_serializers import (
    TOO_DETAILED,
    BudgetRefusalSerializer,
    DatasetDetailSerializer,
    DatasetSerializer,
    PrivateReleaseRequestSerializer,
    PrivateReleaseSerializer,
    ProtectedTableSerializer,
    TableQuerySerializer,
)
from threefold.disclosure import CannotProtectError
from threefold.insight import access, prosecution_fields, releases, services
from threefold.insight.core import privacy
from threefold.insight.core.frame import Frame, FrameError
from threefold.insight.models import DatasetKind
from threefold.insight.views import ONE_FIELD_AT_A_TIME


def _reader(request: Request) -> Actor:
    """The actor, if they may read statistics at all: a refused role learns nothing more than 403."""
    actor = actor_of(request)
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return actor


def _fields(frame: Frame, table: str = "") -> list[str]:
    """The fields the pages offer for this frame (one table of a dataset of several), in the pages' order."""
    if table in prosecution_fields.FIELDS:
        return [name for name in prosecution_fields.FIELDS[table] if name in frame.columns]
    return list(releases.fields_of(frame))


def _unknown(names: list[str], available: list[str]) -> str:
    return f"No field {', '.join(names)} here: choose from {', '.join(available)}."


class DatasetListView(APIView):
    @extend_schema(
        responses=DatasetSerializer(many=True),
        summary="Your organisation's imported datasets (never their records)",
    )
    def get(self, request: Request) -> Response:
        actor = _reader(request)
        return Response(
            [DatasetSerializer.of(found, services.spent_of(found)) for found in access.datasets(actor)]
        )


class DatasetDetailView(APIView):
    @extend_schema(
        responses=DatasetDetailSerializer,
        summary="One dataset of your organisation and its import report (404 if not yours)",
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        found = access.dataset(_reader(request), dataset_id)
        detail = DatasetDetailSerializer.of_detail(found, services.spent_of(found))
        if found.kind == DatasetKind.PROSECUTIONS:
            # Lines refused, per file (a line number alone would not say which), and what was read as coded.
            detail["tables"] = found.report.get("tables", {})
            detail["notes"] = found.report.get("notes", {})
        return Response(detail)


class TableView(APIView):
    @extend_schema(
        parameters=[
            TableQuerySerializer,
            OpenApiParameter(
                "table",
                str,
                required=False,
                description=(
                    "For a dataset of linked tables (the US federal prosecutions): `cases` (the default), "
                    "`defendants` or `judges`. Any other value, or a table for a dataset of one, answers 400."
                ),
            ),
        ],
        responses={200: ProtectedTableSerializer, 400: OpenApiResponse(description="A refused parameter.")},
        summary="A protected table of a dataset or of your organisation's own cases",
        description=(
            "The counts the statistics page shows, as its CSV file has them: small counts, and any count from "
            "which one could be worked out, are hidden (`count` null, with their `status`). An unknown source "
            "answers 404; an unknown field, too many fields, a k below 3 or a table too detailed to protect, "
            "400 naming the parameter. Every table read is audited with the fields and k, never the counts."
        ),
    )
    def get(self, request: Request) -> Response:
        actor = _reader(request)
        query = TableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        source, by, k = (query.validated_data[name] for name in ("source", "by", "k"))
        table = request.query_params.get("table", "").strip()
        if source == access.OWN_CASES:
            if table:
                raise ValidationError(
                    {"table": ["Your organisation's cases are one table: leave out `table`."]}
                )
            title, frame, key = _("Your organisation's cases"), access.own_cases_frame(actor).frame, source
        else:
            found = access.dataset(actor, source)
            tables = list(access.tables_of(found)) if found.kind == DatasetKind.PROSECUTIONS else []
            if table and table not in tables:
                choices = f": choose from {', '.join(tables)}" if tables else ": this dataset is one table"
                raise ValidationError({"table": [f"No table {table} here{choices}."]})
            frame = access.frame_of(found, table)
            title, key = found.name, (f"{found.pk}/{table}" if table else str(found.pk))
        available = _fields(frame, table)
        unknown = [name for name in by if name not in available]
        if unknown:
            raise ValidationError({"by": [_unknown(unknown, available)]})
        if key == access.OWN_CASES and len(by) > 1:
            raise ValidationError({"by": [str(ONE_FIELD_AT_A_TIME)]})
        published = None
        if frame.size:  # nothing to count: the page shows no table either
            try:
                published = access.protected_table(actor, frame, by, k=k, source=key)
            except (FrameError, CannotProtectError):
                raise ValidationError({"by": [TOO_DETAILED]}) from None
        return Response(ProtectedTableSerializer.of(key, title, by, k, published))


class ReleaseListView(APIView):
    @extend_schema(
        responses=PrivateReleaseSerializer(many=True),
        summary="A dataset's ledger of differentially private releases, newest first",
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        actor = _reader(request)
        found = access.dataset(actor, dataset_id)
        return Response([PrivateReleaseSerializer.of(row) for row in access.ledger(actor, found)])

    @extend_schema(
        request=PrivateReleaseRequestSerializer,
        responses={
            201: PrivateReleaseSerializer,
            400: OpenApiResponse(
                response=BudgetRefusalSerializer,
                description=(
                    "Past the budget: the reason under `epsilon` with the budget, what is spent and what was "
                    "asked; nothing is released or recorded. Any other refused value answers 400 naming it."
                ),
            ),
        },
        summary="Release a differentially private histogram of one field, spending ε of the budget",
        description=(
            "For analysts. Counts each value of the field with noise drawn by OpenDP, exactly as the dataset's "
            "privacy page does, and records the release in the ledger and the audit trail."
        ),
    )
    def post(self, request: Request, dataset_id: int) -> Response:
        actor = _reader(request)
        found = access.dataset(actor, dataset_id)
        if not allowed(actor, "insight.release_private", found):
            raise PermissionDenied
        serializer = PrivateReleaseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field, epsilon = serializer.validated_data["field"], serializer.validated_data["epsilon"]
        frame = access.frame_of(found)
        fields = releases.fields_of(frame)
        if field not in fields:
            raise ValidationError({"field": [_unknown([field], _fields(frame))]})
        try:
            # The page's own construction: the plan (refusing unusable categories) before anything is spent.
            asked = releases.histogram(frame, fields, {"field": field, "epsilon": repr(epsilon)})
        except ValueError as problem:
            raise ValidationError({"field": [str(problem)]}) from None
        try:
            row = services.release(
                actor,
                found,
                kind=asked.kind,
                field=asked.field,
                epsilon=asked.epsilon,
                make=asked.make,
                query=asked.query,
            )
        except privacy.BudgetExceededError as refused:
            return Response(BudgetRefusalSerializer.of(refused), status=status.HTTP_400_BAD_REQUEST)
        return Response(PrivateReleaseSerializer.of(row), status=status.HTTP_201_CREATED)
