"""Load the public country reference files (any subset); each file all or nothing, replacing its kind.

    python manage.py load_country_data --glotip FILE --protocol FILE --untoc FILE --tip-tiers FILE [--accept-valid]

Every file given is read and reported (rows read, rows loaded, problems with their line numbers). A file with
problems is refused unless --accept-valid; the command then goes on with the other files and finally exits
with an error naming the refused ones, so a script or CI job sees the failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.countries import services
from threefold.countries.loaders.glotip import PROGRESS_EVERY
from threefold.countries.loaders.results import BadFileError
from threefold.countries.models import Treaty

# Option destinations, in the order the files are loaded.
OPTIONS = ("glotip", "protocol", "untoc", "tip_tiers")


class Command(BaseCommand):
    help = "Load UNODC GLOTIP figures, UN treaty status and US TIP tiers from their public files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--glotip", type=Path, help="UNODC GLOTIP country data export (.xlsx)")
        parser.add_argument(
            "--protocol", type=Path, help="UNTC status of the Trafficking in Persons Protocol (.csv)"
        )
        parser.add_argument("--untoc", type=Path, help="UNTC status of UNTOC (.csv)")
        parser.add_argument("--tip-tiers", type=Path, help="US TIP Report tiers by country and year (.csv)")
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="Load the valid rows of a file with problems instead of refusing the whole file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accept_valid: bool = options["accept_valid"]
        chosen = [(option, options[option]) for option in OPTIONS if options[option] is not None]
        if not chosen:
            raise CommandError(
                "Nothing to load: give at least one of --glotip, --protocol, --untoc, --tip-tiers."
            )
        refused: list[str] = []
        for option, path in chosen:
            if not path.is_file():
                self.stderr.write(f"{path}: no such file")
                refused.append(str(path))
                continue
            try:
                report = self._load(option, path, accept_valid)
            except BadFileError as exc:
                self.stderr.write(f"{exc} (nothing loaded)")
                refused.append(str(path))
                continue
            for line in report.lines():
                self.stdout.write(line)
            if not report.loaded:
                refused.append(str(path))
        if refused:
            hint = "" if accept_valid else " (fix the problems, or load the valid rows with --accept-valid)"
            raise CommandError(f"Refused, nothing loaded from: {', '.join(refused)}{hint}")

    def _load(self, option: str, path: Path, accept_valid: bool) -> services.LoadReport:
        if option == "glotip":
            self.stdout.write(
                f"Reading {path.name} (a large workbook: progress every {PROGRESS_EVERY:,} rows)"
            )
            return services.load_glotip(path, accept_valid=accept_valid, on_progress=self._progress)
        if option == "protocol":
            return services.load_treaty(path, Treaty.PALERMO_PROTOCOL, accept_valid=accept_valid)
        if option == "untoc":
            return services.load_treaty(path, Treaty.UNTOC, accept_valid=accept_valid)
        return services.load_tip_tiers(path, accept_valid=accept_valid)

    def _progress(self, rows_read: int) -> None:
        self.stdout.write(f"  ... {rows_read} rows read")
        self.stdout.flush()
