"""Apply each organisation's retention policy: erase the people whose every case closed long enough ago.

Dry run by default: it prints, per organisation, the references it would erase and those it keeps (with what
keeps them), never a name. ``--apply`` erases them, each in its own transaction with its own audit entry
(``subject_data.erase_person``, category "retention"). Run it from cron or a systemd timer, after a dry run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from threefold.accounts.actor import system_actor_label
from threefold.accounts.models import Organisation
from threefold.protect import subject_data
from threefold.protect.models import ErasureCategory, Person

LABEL = system_actor_label("apply_retention")
PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Erase people past their organisation's retention period (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Erase for real (default: only print).")
        parser.add_argument("--organisation", type=int, help="Only this organisation (by id).")

    def handle(self, *args: Any, **options: Any) -> None:
        apply: bool = options["apply"]
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"] is not None:
            organisations = organisations.filter(pk=options["organisation"])
        today = timezone.localdate()
        total = 0
        for organisation in organisations:
            plan = subject_data.retention_plan(organisation.pk, today=today)
            verb = "erasing" if apply else "would erase"
            self.stdout.write(
                f"Organisation {organisation.pk} ({plan.months} months after closing): "
                f"{verb} {len(plan.due)}, keeping {len(plan.kept)}."
            )
            for person, keeper in plan.kept:
                self.stdout.write(f"  keep {person.reference}: still needed by {keeper}")
            for done, person in enumerate(plan.due, start=1):
                self.stdout.write(f"  {verb} {person.reference}")
                if apply:
                    self._erase(person, plan.months)
                    if done % PROGRESS_EVERY == 0:
                        self.stdout.write(f"  … {done}/{len(plan.due)} erased")
            total += len(plan.due)
        summary = (
            f"{total} people erased."
            if apply
            else f"Dry run: {total} people would be erased; nothing changed."
        )
        self.stdout.write(self.style.SUCCESS(summary))

    def _erase(self, person: Person, months: int) -> None:
        try:
            subject_data.erase_person(
                None,
                person,
                subject_data.retention_reason(months),
                category=ErasureCategory.RETENTION,
                system_label=LABEL,
            )
        except subject_data.ErasureError as exc:
            # Erased by someone else since the plan was made: nothing left to do for this one.
            self.stdout.write(f"  skipped {person.reference}: {exc}")
