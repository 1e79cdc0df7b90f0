"""Remind the owners of advocacy actions whose follow-up date has come (run it daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.advocate.reminders import send_due


class Command(BaseCommand):
    help = "Send the follow-up reminders of advocacy actions that are due (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        self.stdout.write(f"Advocacy follow-up reminders sent: {sent}.")
