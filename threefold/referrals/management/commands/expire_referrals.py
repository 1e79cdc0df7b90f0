"""End referrals whose access or unanswered offer ran out; remind partners of overdue answers. Run it hourly
(cron or a systemd timer): access also stops by itself when a grant expires, this records it and tells people."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.referrals.services import expire_due


class Command(BaseCommand):
    help = "Mark expired referrals as expired (erasing their packets) and send overdue reminders once."

    def handle(self, *args: Any, **options: Any) -> None:
        result = expire_due()
        self.stdout.write(
            f"{result.expired} referral(s) expired; {result.overdue_reminders} overdue reminder(s) sent."
        )
