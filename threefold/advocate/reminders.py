"""Reminders of advocacy actions due for follow-up, through the notifications every app uses.

``send_due`` is run by ``manage.py advocate_reminders`` (daily, from cron) or the ``send_reminders`` task. On its
follow-up date an open action reminds its owner (or, without one, whoever recorded it) once; the reminder shows
on the person's home page as a new notification. Each reminder is claimed with a compare-and-set on the action
before anyone is told, so two runs at once never send it twice. The advocacy home page lists the follow-ups due
in the coming week whether or not the command runs.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from threefold.accounts.models import Membership
from threefold.advocate.access import ADVOCATE_ROLES
from threefold.advocate.models import ActionStatus, AdvocacyAction
from threefold.advocate.notices import FOLLOW_UP_DUE
from threefold.notifications.services import notify


def send_due(today: dt.date | None = None) -> int:
    """Remind the owners of open actions whose follow-up date has come; returns how many were reminded."""
    today = today or timezone.localdate()
    due = (
        AdvocacyAction.objects.filter(follow_up_on__isnull=False, follow_up_on__lte=today)
        .exclude(status=ActionStatus.CLOSED)
        .filter(Q(follow_up_reminded_on__isnull=True) | ~Q(follow_up_reminded_on=F("follow_up_on")))
        .select_related("owner", "created_by")
    )
    sent = 0
    for action in due:
        person = action.owner or action.created_by
        with transaction.atomic():
            claimed = (
                AdvocacyAction.objects.filter(pk=action.pk, follow_up_on=action.follow_up_on)
                .filter(Q(follow_up_reminded_on__isnull=True) | ~Q(follow_up_reminded_on=F("follow_up_on")))
                .update(follow_up_reminded_on=action.follow_up_on)
            )
            if not claimed or person is None or not _still_advocate(person.pk, action.organisation_id):
                continue
            notify([person], FOLLOW_UP_DUE, {"reference": action.reference}, _url(action))
            sent += 1
    return sent


def _still_advocate(user_id: int, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user_id=user_id, organisation_id=organisation_id, is_active=True, role__in=ADVOCATE_ROLES
    ).exists()


def _url(action: AdvocacyAction) -> str:
    return reverse("advocate:action", args=[action.reference])
