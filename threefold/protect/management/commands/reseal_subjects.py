"""Move values about a person that are still sealed under their organisation's key onto that person's own key.

Run once after upgrading to per-person keys (ADR 0015), and again whenever in doubt: it is idempotent, skipping
values already under their person's key. Until it has run, older values keep opening as before (the key id is
in each value), but erasing a person would have to rely on each app deleting their rows.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from threefold.accounts.actor import system_actor_label
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.vault import sealed

LABEL = system_actor_label("reseal_subjects")


class Command(BaseCommand):
    help = "Re-seal values about a person under that person's key (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, help="Only this organisation (by id).")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(n: int) -> None:
            if n % 1000 == 0:
                self.stdout.write(f"  {n} values re-sealed…")

        moved = sealed.reseal_subjects(organisation_id=options["organisation"], progress=progress)
        if moved:
            audit.record(
                None,
                Action.KEYS,
                ("vault.datakey", ""),
                system_label=LABEL,
                organisation_id=options["organisation"],
                details={"resealed_under_subject_keys": moved},
            )
        self.stdout.write(self.style.SUCCESS(f"{moved} values re-sealed under their person's key."))
