"""Remind the people working on a case of its court dates (a week and a day before) and of witness risk
assessments due for review. Run it daily or hourly (cron or a systemd timer); it never sends a reminder twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.prosecute.reminders import send_due


class Command(BaseCommand):
    help = "Send due reminders of court dates and of witness risk reviews, once each."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        self.stdout.write(
            f"{sent.court_dates} court date reminder(s) and {sent.risk_reviews} risk review reminder(s) sent."
        )
