from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.audit.verify import verify_stored_chain


class Command(BaseCommand):
    help = "Verify the audit hash chain; exit non-zero and name the first bad entry if it was tampered with."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            help="A head hash recorded earlier outside the database (e.g. printed by a previous run); the "
            "chain must still contain it at the same position.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify_stored_chain()
        if not verdict.ok:
            raise CommandError(
                f"Audit chain broken at entry {verdict.bad_seq}: {verdict.reason}. "
                f"{verdict.count} entries before it verified."
            )
        expected = options.get("expect_head")
        if expected and expected != verdict.head_hash:
            from threefold.audit.models import AuditEntry

            if not AuditEntry.objects.filter(hash=expected).exists():
                raise CommandError(
                    f"The expected head {expected} is not in the chain: history was rewritten."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {verdict.count} entries; head {verdict.head_seq} {verdict.head_hash}"
            )
        )
