"""Destroy held service feedback that never reached a batch of k within the retention period (ADR 0030). Run it
daily, from cron or a systemd timer, beside ``training_reminders``; a held answer past the period is never
released even on a day it does not run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.accounts.actor import system_actor_label
from threefold.participate.services import expire_held_feedback, held_feedback_days


class Command(BaseCommand):
    help = (
        "Destroy, unread, held feedback answers that waited longer than PARTICIPATE_HELD_FEEDBACK_DAYS "
        "(default 180) for k answers on the same service and provider; audited without a count."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # No count printed: cron mail and logs are read too, and a number that grew by one tells (ADR 0030).
        expire_held_feedback(label=system_actor_label("expire_held_feedback"))
        self.stdout.write(f"Held feedback answers older than {held_feedback_days()} days destroyed unread.")
