"""Import a CTDC victim-data file as a dataset: ``python manage.py import_ctdc FILE --name NAME``.

The layout (official k-anonymised, or the 2018 download) is found from the header. All or nothing: a file with
any rejected line imports nothing and the report lists every problem by line number, unless ``--accept-valid``
is given after reading that report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts.actor import system_actor_label
from threefold.accounts.models import Organisation
from threefold.insight import services
from threefold.insight.core.ctdc import CtdcFile, CtdcFormatError

BAR_WIDTH = 30


def organisation_from(option: int | None) -> Organisation:
    """The organisation named by --organisation, or the only one there is."""
    if option is not None:
        found = Organisation.objects.filter(pk=option).first()
        if found is None:
            raise CommandError(f"There is no organisation {option}.")
        return found
    organisations = list(Organisation.objects.order_by("pk")[:2])
    if len(organisations) != 1:
        raise CommandError("Say which organisation the dataset belongs to: --organisation ID.")
    return organisations[0]


class Command(BaseCommand):
    help = "Import a CTDC victim-data CSV file (k-anonymised or 2018 layout) as a dataset."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True, help="The dataset's name, unique in its organisation.")
        parser.add_argument(
            "--organisation", type=int, help="Organisation id (needed when there are several)."
        )
        parser.add_argument("--source", default="", help="Where the file comes from (kept with the dataset).")
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="Import the valid lines even though some were rejected (read the report first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        organisation = organisation_from(options["organisation"])
        with path.open("rb") as counting:
            total_lines = max(1, sum(1 for _ in counting) - 1)
        importer = services.Importer(organisation, system_label=system_actor_label("import_ctdc"))
        try:
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
                dataset, parsed = services.import_ctdc(
                    importer,
                    handle,
                    name=options["name"],
                    file_name=path.name,
                    file_sha256=services.sha256_of(str(path)),
                    accept_valid=options["accept_valid"],
                    source=options["source"],
                    progress=lambda done: self._bar(done, total_lines),
                )
        except CtdcFormatError as error:
            raise CommandError(f"{path.name} is not a CTDC file: {error}") from error
        except services.ImportRefusedError as refused:
            if isinstance(refused.parsed, CtdcFile):
                self._report(refused.parsed)
            raise CommandError(f"{refused} To do that, run again with --accept-valid.") from refused
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._report(parsed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported dataset {dataset.pk} “{dataset.name}”: {dataset.row_count:,} records "
                f"({parsed.layout} layout) for organisation {organisation.pk}."
            )
        )

    def _bar(self, done: int, total: int) -> None:
        filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
        self.stderr.write(
            f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done:,} of about {total:,} lines", ending=""
        )
        if done >= total:
            self.stderr.write("")
        self.stderr.flush()

    def _report(self, parsed: CtdcFile) -> None:
        write = self.stdout.write
        write(
            f"Layout: {parsed.layout}. Data lines: {parsed.data_lines:,}. Valid records: {len(parsed.records):,}."
        )
        write(f"Rejected lines: {len(parsed.rejected_lines):,}.")
        for problem in parsed.problems:
            where = f" column {problem.column}" if problem.column else ""
            write(f"  line {problem.line}{where}: {problem.message}")
        spellings: dict[str, int] = {}
        for counts in parsed.missing.values():
            for spelling, count in counts.items():
                spellings[spelling] = spellings.get(spelling, 0) + count
        if spellings:
            shown = ", ".join(
                f"{spelling or '(blank)'} {count:,}" for spelling, count in sorted(spellings.items())
            )
            write(f"Missing values normalised (cells): {shown}.")
