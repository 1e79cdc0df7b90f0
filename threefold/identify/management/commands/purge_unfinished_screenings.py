"""Delete screenings nobody finished, after a while: run daily from cron or a systemd timer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts.actor import system_actor_label
from threefold.identify.services import purge_unfinished


class Command(BaseCommand):
    help = (
        "Delete screenings left unfinished for more than --days days (default 30); audited per organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=30, help="age after which an unfinished screening goes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = purge_unfinished(
            older_than=timedelta(days=days), label=system_actor_label("purge_unfinished_screenings")
        )
        self.stdout.write(f"{deleted} unfinished screening(s) older than {days} days deleted.")
