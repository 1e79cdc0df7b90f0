"""Load country reference data: the files shipped with Threefold, or newer published files (any subset); each
file all or nothing, replacing its kind.

    python manage.py load_country_data --shipped [--only-missing]
    python manage.py load_country_data --glotip FILE --protocol FILE --untoc FILE --tip-tiers FILE
        --walk-free FILE --criminalisation FILE --regions FILE --cets-197 FILE --actip FILE
        [--published DATE] [--accept-valid]

``--shipped`` loads reference/countries/ (see its README): what a fresh installation needs, with no published
file at hand. The other options import a published file of one kind, replacing what was loaded of that kind
(shipped or imported): ``--regions`` takes a UNODC GLOTIP export and reads the M49 regions from it;
``--cets-197`` and ``--actip`` take a list in the Threefold treaty layout (reference/countries/asean_actip.csv
is an example), each row naming the page it was read from. ``--published`` gives the date of the facts of the
UNTC and TIP files, which the files themselves do not carry.

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
OPTIONS = (
    "glotip",
    "regions",
    "protocol",
    "untoc",
    "cets_197",
    "actip",
    "tip_tiers",
    "criminalisation",
    "walk_free",
)


class Command(BaseCommand):
    help = "Load country reference data: the shipped files (--shipped) or published files of any kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--shipped", action="store_true", help="Load the reference data shipped in reference/countries/"
        )
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="With --shipped: leave alone every kind already loaded (an import is never replaced)",
        )
        parser.add_argument("--glotip", type=Path, help="UNODC GLOTIP country data export (.xlsx)")
        parser.add_argument(
            "--regions", type=Path, help="UN M49 regions, read from a UNODC GLOTIP export (.xlsx)"
        )
        parser.add_argument(
            "--protocol", type=Path, help="UNTC status of the Trafficking in Persons Protocol (.csv)"
        )
        parser.add_argument("--untoc", type=Path, help="UNTC status of UNTOC (.csv)")
        parser.add_argument(
            "--cets-197", type=Path, help="CETS 197 status in the Threefold treaty layout (.csv)"
        )
        parser.add_argument("--actip", type=Path, help="ACTIP status in the Threefold treaty layout (.csv)")
        parser.add_argument("--tip-tiers", type=Path, help="US TIP Report tiers by country and year (.csv)")
        parser.add_argument("--criminalisation", type=Path, help="Kelley's criminalisation snapshots (.csv)")
        parser.add_argument(
            "--walk-free", type=Path, help="Walk Free Global Slavery Index 2023 summary (.csv)"
        )
        parser.add_argument(
            "--published",
            default="",
            help="Date of the facts of the UNTC and TIP files given, e.g. 2024-04-20",
        )
        parser.add_argument(
            "--complete",
            action="store_true",
            help="With --cets-197/--actip: the file lists every participant (otherwise shown as incomplete)",
        )
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="Load the valid rows of a file with problems instead of refusing the whole file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accept_valid: bool = options["accept_valid"]
        chosen = [(option, options[option]) for option in OPTIONS if options[option] is not None]
        if not chosen and not options["shipped"]:
            raise CommandError(
                "Nothing to load: give --shipped, or at least one of "
                + ", ".join(f"--{option.replace('_', '-')}" for option in OPTIONS)
                + "."
            )
        refused: list[str] = []
        if options["shipped"]:
            try:
                reports = services.load_shipped(only_missing=options["only_missing"])
            except BadFileError as exc:
                raise CommandError(f"{exc} (nothing loaded)") from None
            for report in reports:
                self._write(report)
                if not report.loaded:
                    refused.append(report.file_name)
        for option, path in chosen:
            if not path.is_file():
                self.stderr.write(f"{path}: no such file")
                refused.append(str(path))
                continue
            try:
                report = self._load(option, path, accept_valid, options)
            except BadFileError as exc:
                self.stderr.write(f"{exc} (nothing loaded)")
                refused.append(str(path))
                continue
            self._write(report)
            if not report.loaded:
                refused.append(str(path))
        if refused:
            hint = "" if accept_valid else " (fix the problems, or load the valid rows with --accept-valid)"
            raise CommandError(f"Refused, nothing loaded from: {', '.join(refused)}{hint}")

    def _write(self, report: services.LoadReport) -> None:
        for line in report.lines():
            self.stdout.write(line)

    def _load(
        self, option: str, path: Path, accept_valid: bool, options: dict[str, Any]
    ) -> services.LoadReport:
        published: str = options["published"]
        if option in ("glotip", "regions"):
            self.stdout.write(
                f"Reading {path.name} (a large workbook: progress every {PROGRESS_EVERY:,} rows)"
            )
        if option == "glotip":
            return services.load_glotip(path, accept_valid=accept_valid, on_progress=self._progress)
        if option == "regions":
            return services.load_countries(path, accept_valid=accept_valid)
        if option == "protocol":
            return services.load_treaty(
                path, Treaty.PALERMO_PROTOCOL, accept_valid=accept_valid, published=published
            )
        if option == "untoc":
            return services.load_treaty(path, Treaty.UNTOC, accept_valid=accept_valid, published=published)
        if option in ("cets_197", "actip"):
            treaty = Treaty.CETS_197 if option == "cets_197" else Treaty.ACTIP
            return services.load_regional_treaty(
                path, treaty, accept_valid=accept_valid, complete=options["complete"]
            )
        if option == "criminalisation":
            return services.load_criminalisation(path, accept_valid=accept_valid)
        if option == "walk_free":
            return services.load_walk_free(path, accept_valid=accept_valid)
        return services.load_tip_tiers(path, accept_valid=accept_valid, published=published)

    def _progress(self, rows_read: int) -> None:
        self.stdout.write(f"  ... {rows_read} rows read")
        self.stdout.flush()
