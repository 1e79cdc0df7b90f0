"""Delete expired encoding sets (personal data, kept 30 days by default and 90 at most): run daily from cron or a
systemd timer. Expired sets are already refused everywhere; this removes them from the database too. It also
fails the sets that waited more than an hour for a worker, erasing the linkage secret handed to it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.insight.linkage_services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete expired encoding sets of record linkage (and fail those no worker started within an hour, "
        "erasing their secret); audited per set."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired()
        self.stdout.write(f"{purged.deleted} expired encoding set(s) deleted.")
        if purged.stale:
            self.stdout.write(
                f"{purged.stale} encoding set(s) no worker started in time: failed, secret erased."
            )
