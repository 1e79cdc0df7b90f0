"""Assistance plan endpoints: a case's plan and the caller's tasks through ``plans.access``, changes through
``plans.services``, exactly as the plan pages. Reading follows the case (404 for whoever may not open it);
changing needs ``protect.change_case`` as well (403 for whoever may only read it, such as the assigned legal
officer). Closing a service or a follow-up sends the ``version`` read: a newer one answers 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.api.errors import actor_of, service_call
from threefold.api.plan_serializers import (
    FollowUpAddSerializer,
    FollowUpDoneSerializer,
    FollowUpSerializer,
    GoalAddSerializer,
    GoalSerializer,
    NeedAddSerializer,
    NeedSerializer,
    PlanSerializer,
    ServiceAddSerializer,
    ServiceDeliveredSerializer,
    ServiceSerializer,
    TaskSerializer,
)
from threefold.plans import access, services
from threefold.plans.access import Entry
from threefold.plans.models import FollowUp, PlannedService, PlanRow
from threefold.protect.case_access import OpenedCase, open_case

R = TypeVar("R", bound=PlanRow)


def _changing(request: Request, reference: str, purpose: str) -> tuple[Actor, OpenedCase]:
    """The actor and the case they are about to change: 404 if they may not open it, 403 if only read it."""
    actor = actor_of(request)
    opened = open_case(actor, reference, purpose=f"api: {purpose}")
    if not allowed(actor, "protect.change_case", opened.case):
        raise PermissionDenied
    return actor, opened


def _validated(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _versioned(data: dict[str, Any]) -> dict[str, Any]:
    """Request data as service arguments: ``version`` is the version the client read the row at."""
    data["expected_version"] = data.pop("version")
    return data


def _answer(of: Callable[[Entry[R]], dict[str, Any]], row: R, code: int = status.HTTP_200_OK) -> Response:
    # The row as the plan endpoint shows it, its texts opened by the same access function.
    return Response(of(access.open_entries([row])[0]), status=code)


class PlanView(APIView):
    @extend_schema(
        responses=PlanSerializer,
        summary="A case's assistance plan: needs, goals and services by domain, and its follow-ups",
    )
    def get(self, request: Request, reference: str) -> Response:
        actor = actor_of(request)
        opened = open_case(actor, reference, purpose="api: assistance plan")
        return Response(
            PlanSerializer.of(
                opened.case.reference,
                access.plan(actor, opened),
                can_change=allowed(actor, "protect.change_case", opened.case),
            )
        )


class NeedAddView(APIView):
    @extend_schema(request=NeedAddSerializer, responses={201: NeedSerializer}, summary="Add a need to a plan")
    def post(self, request: Request, reference: str) -> Response:
        data = _validated(NeedAddSerializer, request)
        actor, opened = _changing(request, reference, "add a need")
        need = service_call(lambda: services.add_need(actor, opened.case, **data))
        return _answer(NeedSerializer.of, need, status.HTTP_201_CREATED)


class GoalAddView(APIView):
    @extend_schema(
        request=GoalAddSerializer,
        responses={201: GoalSerializer},
        summary="Add a goal agreed with the survivor",
        description="Without `agreed_with_survivor: true` answers 400 naming that field, and saves nothing.",
    )
    def post(self, request: Request, reference: str) -> Response:
        data = _validated(GoalAddSerializer, request)
        actor, opened = _changing(request, reference, "add a goal")
        goal = service_call(lambda: services.add_goal(actor, opened.case, **data))
        return _answer(GoalSerializer.of, goal, status.HTTP_201_CREATED)


class ServiceAddView(APIView):
    @extend_schema(request=ServiceAddSerializer, responses={201: ServiceSerializer}, summary="Plan a service")
    def post(self, request: Request, reference: str) -> Response:
        data = _validated(ServiceAddSerializer, request)
        actor, opened = _changing(request, reference, "plan a service")
        if data["goal"] is not None:
            # The goals the page offers: the case's open ones.
            goals = {entry.row.pk: entry.row for entry in access.open_goals(actor, opened)}
            if data["goal"] not in goals:
                raise ValidationError({"goal": ["Choose one of the case's open goals."]})
            data["goal"] = goals[data["goal"]]
        if data["provider"] is not None:
            # The organisations the page offers; the service refuses any other, naming "provider".
            provider = access.providers(actor).filter(pk=data["provider"]).first()
            if provider is None:
                raise ValidationError(
                    {"provider": ["Choose your organisation or one in the partner directory."]}
                )
            data["provider"] = provider
        service = service_call(lambda: services.plan_service(actor, opened.case, **data))
        return _answer(ServiceSerializer.of, service, status.HTTP_201_CREATED)


class ServiceDeliveredView(APIView):
    @extend_schema(
        request=ServiceDeliveredSerializer,
        responses={200: ServiceSerializer, 409: None},
        summary="Record that a planned service was delivered (or refused) and what came of it",
    )
    def post(self, request: Request, reference: str, pk: int) -> Response:
        data = _versioned(_validated(ServiceDeliveredSerializer, request))
        actor, opened = _changing(request, reference, "close a service")
        service = access.row_of(actor, opened, PlannedService, pk).row
        delivered = service_call(lambda: services.deliver_service(actor, opened.case, service, **data))
        return _answer(ServiceSerializer.of, delivered)


class FollowUpAddView(APIView):
    @extend_schema(
        request=FollowUpAddSerializer, responses={201: FollowUpSerializer}, summary="Schedule a follow-up"
    )
    def post(self, request: Request, reference: str) -> Response:
        data = _validated(FollowUpAddSerializer, request)
        actor, opened = _changing(request, reference, "schedule a follow-up")
        if data["assigned_to"] is not None:
            # Whoever the page offers: the people assigned to the case's person.
            assignee = access.assignees(opened).filter(email__iexact=data["assigned_to"]).first()
            if assignee is None:
                raise ValidationError({"assigned_to": ["Choose someone who works on this person's case."]})
            data["assigned_to"] = assignee
        follow_up = service_call(lambda: services.schedule_follow_up(actor, opened.case, **data))
        return _answer(FollowUpSerializer.of, follow_up, status.HTTP_201_CREATED)


class FollowUpDoneView(APIView):
    @extend_schema(
        request=FollowUpDoneSerializer,
        responses={200: FollowUpSerializer, 409: None},
        summary="Mark a follow-up done",
    )
    def post(self, request: Request, reference: str, pk: int) -> Response:
        data = _versioned(_validated(FollowUpDoneSerializer, request))
        actor, opened = _changing(request, reference, "complete a follow-up")
        follow_up = access.row_of(actor, opened, FollowUp, pk).row
        done = service_call(lambda: services.complete_follow_up(actor, opened.case, follow_up, **data))
        return _answer(FollowUpSerializer.of, done)


class TaskListView(APIView):
    @extend_schema(
        responses=TaskSerializer(many=True),
        summary="The caller's tasks: follow-ups and services due soon or overdue, overdue first",
        description="References and dates only: the texts are on each case's plan.",
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not actor.reads_identities:
            raise PermissionDenied
        return Response([TaskSerializer.of(task) for task in access.tasks(actor, timezone.localdate())])
