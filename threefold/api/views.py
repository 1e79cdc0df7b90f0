"""REST endpoints. Same rules as the web: reads through ``access``, writes through ``services``, all audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.api.serializers import (
    CreatedPersonSerializer,
    DuplicateConflictSerializer,
    DuplicateReportSerializer,
    MeSerializer,
    PersonCreateSerializer,
    PersonSerializer,
)
from threefold.protect import access, services
from threefold.protect.identity import IdentityError


def _actor(request: Request) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="Who am I acting as")
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        return Response(
            MeSerializer(
                {
                    "email": actor.user.email,
                    "display_name": actor.user.display_name,
                    "organisation": actor.organisation.name if actor.organisation else None,
                    "role": actor.role.value if actor.role else None,
                }
            ).data
        )


class PersonListView(APIView):
    @extend_schema(responses=PersonSerializer(many=True), summary="People the caller may open")
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        if not actor.reads_identities:
            # Same answer as the web: a role that never reads identities has no list to ask for.
            return Response({"detail": "Your role cannot read identities."}, status=status.HTTP_403_FORBIDDEN)
        people = access.my_persons(actor)
        return Response([PersonSerializer.from_opened(p) for p in people])

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: CreatedPersonSerializer, 409: DuplicateConflictSerializer},
        summary="Record a person",
        description=(
            "Answers 409 with the possible duplicates the caller may know about, and records nothing, unless "
            "`confirmed_new` is true."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = _actor(request)
        identity = serializer.to_identity()
        try:
            if not serializer.validated_data["confirmed_new"]:
                report = access.possible_duplicates(actor, identity)
                if report.found:
                    return _duplicates_conflict(report)
            person = services.create_person(actor, identity)
        except IdentityError as exc:
            field, _, message = str(exc).partition(": ")
            raise ValidationError({field: [message]}) from None
        except PermissionDenied:
            return Response({"detail": "Your role cannot record people."}, status=status.HTTP_403_FORBIDDEN)
        return Response({"reference": person.reference}, status=status.HTTP_201_CREATED)


def _duplicates_conflict(report: access.DuplicateReport) -> Response:
    return Response(
        {
            "detail": "Possible duplicates: check them, then send confirmed_new: true to record a new person.",
            "possible_duplicates": DuplicateReportSerializer.from_report(report),
        },
        status=status.HTTP_409_CONFLICT,
    )


class PersonDetailView(APIView):
    @extend_schema(responses=PersonSerializer, summary="One person, by reference (404 if not yours)")
    def get(self, request: Request, reference: str) -> Response:
        opened = access.open_person(_actor(request), reference, purpose="api")
        return Response(PersonSerializer.from_opened(opened))
