"""Reminders of follow-ups that have fallen due, 3 and 6 months after a session.

``send_due`` is run by ``manage.py training_reminders`` (daily, from cron) or the ``send_reminders`` task. Each
follow-up is reminded once: it is claimed with a compare-and-set on ``reminded_on`` before anyone is told, so two
runs at once never send it twice. The session's trainer gets one notification per session and follow-up point.
A participant who gave an e-mail address for reminders gets an e-mail with a one-use link to that follow-up
(their personal link's token is not kept, so it cannot be sent again). The training home page lists the
follow-ups due whether or not the command runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from threefold.accounts.models import Membership
from threefold.accounts.services import token_hash
from threefold.notifications.services import notify
from threefold.training import sealing
from threefold.training.access import TRAINER_ROLES
from threefold.training.core import followup
from threefold.training.models import FollowUp, Session
from threefold.training.notices import FOLLOW_UPS_DUE
from threefold.training.services import new_token
from threefold.web.tasks import send_email_in_background


def send_due(today: dt.date | None = None) -> int:
    """Remind what is due and not reminded yet; returns how many follow-ups were reminded."""
    today = today or timezone.localdate()
    due = FollowUp.objects.filter(
        reminded_on__isnull=True,
        answered_at__isnull=True,
        due_on__lte=today,
        due_on__gt=today - dt.timedelta(days=followup.OPEN_DAYS),
    ).select_related("participant__session")
    reminded = 0
    told: set[tuple[int, int]] = set()
    for row in due:
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=row.pk, reminded_on__isnull=True).update(reminded_on=today)
            if not claimed:
                continue
            reminded += 1
            session = row.participant.session
            if (session.pk, row.months) not in told:
                told.add((session.pk, row.months))
                _tell_trainer(session, row.months)
            _email_participant(row)
    return reminded


def _tell_trainer(session: Session, months: int) -> None:
    trainer = session.trainer
    if (
        trainer is None
        or not Membership.objects.filter(
            user=trainer, organisation_id=session.organisation_id, is_active=True, role__in=TRAINER_ROLES
        ).exists()
    ):
        return
    notify(
        [trainer],
        FOLLOW_UPS_DUE[months],
        {"reference": session.reference},
        reverse("training:follow_ups"),
    )


def _email_participant(row: FollowUp) -> None:
    email = sealing.open_identity(row.participant).email
    if not email:
        return
    token = new_token()
    FollowUp.objects.filter(pk=row.pk).update(token_hash=token_hash(token))
    link = settings.THREEFOLD_SITE_URL.rstrip("/") + reverse("training:answer_follow_up", args=[token])
    with translation.override(row.participant.session.language or settings.LANGUAGE_CODE):
        subject = _("A short question about your anti-trafficking training")
        body = _(
            '%(months)s months ago you took part in the training "%(course)s". Have you identified or referred '
            "anyone who might be a victim of trafficking since? Two minutes, no account needed: %(link)s"
        ) % {"months": row.months, "course": row.participant.session.course.title, "link": link}
    transaction.on_commit(lambda: send_email_in_background(subject, body, [email]))
