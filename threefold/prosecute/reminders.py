"""Reminders of court dates and witness risk reviews, through the notifications every app uses.

``send_due`` is run by ``manage.py prosecute_reminders`` (daily or hourly, from cron) or the ``send_reminders``
task. A scheduled court date reminds the people working on the case a week before and again the day before; a
risk assessment whose review date has come reminds them once. Each reminder is claimed with a compare-and-set on
the row before anyone is told, so two runs at once never send it twice.

Notifications are also e-mailed: the message names the proceeding's reference and nothing else, never the date,
the court or the survivor (notifications.messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from threefold.accounts.models import Membership, User
from threefold.accounts.roles import Role
from threefold.notifications import messages as notification_messages
from threefold.notifications.services import notify
from threefold.prosecute.models import CourtDate, CourtDateStatus, Proceeding, RiskAssessment
from threefold.protect.models import Case

WEEK_BEFORE = 7
DAY_BEFORE = 1
COURT_DATE_WEEK = "prosecute.court_date_week"
COURT_DATE_DAY = "prosecute.court_date_day"
RISK_REVIEW_DUE = "prosecute.risk_review_due"
MESSAGES = {
    COURT_DATE_WEEK: gettext_noop("Proceeding %(reference)s has a date in court within a week."),
    COURT_DATE_DAY: gettext_noop("Proceeding %(reference)s has a date in court tomorrow or today."),
    RISK_REVIEW_DUE: gettext_noop(
        "The witness risk assessment of proceeding %(reference)s is due for review."
    ),
}
REMINDED_ROLES = (Role.CASEWORKER.value, Role.LEGAL_OFFICER.value)


def register_messages() -> None:
    """Add this app's messages to the notifications catalogue (at start-up, from ``AppConfig.ready``)."""
    catalogue = cast(dict[str, str], notification_messages.MESSAGES)
    for key, text in MESSAGES.items():
        catalogue.setdefault(key, text)


@dataclass(frozen=True)
class Sent:
    court_dates: int
    risk_reviews: int


def people_on(case: Case) -> list[User]:
    """Who is reminded about a case's proceedings: its caseworker and the caseworkers and legal officers assigned
    to its person, while they are active members of the case's organisation in one of those roles."""
    assigned = set(case.person.assigned_to.values_list("pk", flat=True))
    if case.caseworker_id:
        assigned.add(case.caseworker_id)
    active = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, role__in=REMINDED_ROLES, user_id__in=assigned
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=active, is_active=True).order_by("pk"))


def _url(proceeding: Proceeding) -> str:
    return reverse("prosecute:proceeding", args=[proceeding.reference])


def _tell(proceeding: Proceeding, key: str) -> None:
    case = Case.objects.select_related("person").get(pk=proceeding.case_id)
    notify(people_on(case), key, {"reference": proceeding.reference}, _url(proceeding))


def send_due(now: datetime | None = None) -> Sent:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Sent(_court_dates(today), _risk_reviews(today, now))


def _court_dates(today: date) -> int:
    sent = 0
    upcoming = CourtDate.objects.filter(
        status=CourtDateStatus.SCHEDULED,
        on__gte=today,
        on__lte=today + timedelta(days=WEEK_BEFORE),
        reminders_sent__lt=2,
        proceeding__case__person__erased_at__isnull=True,
    ).select_related("proceeding")
    for court_date in upcoming:
        tomorrow = court_date.on <= today + timedelta(days=DAY_BEFORE)
        if court_date.reminders_sent >= (2 if tomorrow else 1):
            continue
        key, to = (COURT_DATE_DAY, 2) if tomorrow else (COURT_DATE_WEEK, 1)
        with transaction.atomic():
            claimed = CourtDate.objects.filter(
                pk=court_date.pk, reminders_sent=court_date.reminders_sent
            ).update(reminders_sent=to)
            if claimed:
                _tell(court_date.proceeding, key)
                sent += 1
    return sent


def _risk_reviews(today: date, now: datetime) -> int:
    sent = 0
    due = RiskAssessment.objects.filter(
        review_on__lte=today,
        review_reminded_at__isnull=True,
        proceeding__closed_on__isnull=True,
        proceeding__case__person__erased_at__isnull=True,
    ).select_related("proceeding")
    for assessment in _latest_only(due):
        with transaction.atomic():
            claimed = RiskAssessment.objects.filter(pk=assessment.pk, review_reminded_at__isnull=True).update(
                review_reminded_at=now
            )
            if claimed:
                _tell(assessment.proceeding, RISK_REVIEW_DUE)
                sent += 1
    return sent


def _latest_only(assessments: Iterable[RiskAssessment]) -> list[RiskAssessment]:
    """Only an assessment no newer one of its proceeding replaced: an old review date is no longer due."""
    found = list(assessments)
    newer = set(
        RiskAssessment.objects.filter(proceeding_id__in={a.proceeding_id for a in found}).values_list(
            "proceeding_id", "assessed_on", "pk"
        )
    )
    latest: dict[int, tuple[date, int]] = {}
    for proceeding_id, assessed_on, pk in newer:
        if proceeding_id not in latest or (assessed_on, pk) > latest[proceeding_id]:
            latest[proceeding_id] = (assessed_on, pk)
    return [a for a in found if latest.get(a.proceeding_id, (a.assessed_on, a.pk))[1] == a.pk]
