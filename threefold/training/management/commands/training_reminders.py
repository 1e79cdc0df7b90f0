"""Remind trainers (and participants who asked for it) of training follow-ups that have fallen due (daily, cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.training.reminders import send_due


class Command(BaseCommand):
    help = "Send the reminders of training follow-ups at 3 and 6 months that are due (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        self.stdout.write(f"Training follow-up reminders sent: {sent}.")
