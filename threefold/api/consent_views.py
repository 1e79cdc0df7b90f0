"""Consent endpoints: the same ``consent.access`` reads and ``consent.services`` writes as the consent pages,
so the same rules (only whoever may open the person, 404 otherwise) and the same audit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.api.consent_serializers import (
    ConsentHistorySerializer,
    ConsentRecordSerializer,
    ConsentSerializer,
)
from threefold.api.errors import actor_of, service_call
from threefold.consent import access, services
from threefold.protect.access import OpenedPerson


def _may(actor: Actor, permission: str, opened: OpenedPerson) -> None:
    # The pages refuse before calling the service; the service refuses too, but a 403 here says it plainly.
    if not allowed(actor, permission, opened.person):
        raise PermissionDenied


class ConsentListView(APIView):
    @extend_schema(
        responses=ConsentHistorySerializer,
        summary="A person's consents by purpose, and the overrides recorded when one was missing",
    )
    def get(self, request: Request, reference: str) -> Response:
        actor = actor_of(request)
        history = access.consents_for(actor, reference)
        person = history.opened.person
        return Response(
            ConsentHistorySerializer.of(
                history,
                can_record=allowed(actor, "consent.record", person),
                can_withdraw=allowed(actor, "consent.withdraw", person),
            )
        )

    @extend_schema(
        request=ConsentRecordSerializer,
        responses={201: ConsentSerializer},
        summary="Record a consent the person (or, for a child, a parent or guardian) gave",
    )
    def post(self, request: Request, reference: str) -> Response:
        actor = actor_of(request)
        opened = access.open_person(actor, reference)
        _may(actor, "consent.record", opened)
        serializer = ConsentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.record_arguments(access.recipient_organisations(opened.person))
        consent = service_call(
            lambda: services.record_consent(actor, opened.person, **arguments),
            fields={"recipient": "recipient_organisation"},
        )
        return Response(ConsentSerializer.of(consent), status=status.HTTP_201_CREATED)


class ConsentWithdrawView(APIView):
    @extend_schema(
        request=None,
        responses=ConsentSerializer,
        summary="Record that the person withdrew a consent (no reason asked); it stops counting at once",
        description="Referrals the consent allowed end with it. A consent already withdrawn answers 400.",
    )
    def post(self, request: Request, reference: str, consent_id: int) -> Response:
        actor = actor_of(request)
        found = access.open_consent(actor, reference, consent_id)
        _may(actor, "consent.withdraw", found.opened)
        consent = service_call(lambda: services.withdraw(actor, found.consent))
        return Response(ConsentSerializer.of(consent))
