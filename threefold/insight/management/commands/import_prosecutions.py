"""Import the US federal human-trafficking prosecutions dataset (three linked CSV files) as one dataset:
``python manage.py import_prosecutions CASES.csv DEFENDANTS.csv JUDGES.csv --name NAME``.

All or nothing, as ``import_ctdc``: a problem on any line of any file imports nothing, and the report lists every
problem by file and line number, unless ``--accept-valid`` is given after reading that report. Only the fields
the statistics use are kept: no names of defendants or judges, case names, docket numbers or case summaries
(threefold.insight.core.prosecutions, ADR 0027).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts.actor import system_actor_label
from threefold.insight import services
from threefold.insight.core.prosecutions import TABLES, ProsecutionFiles, ProsecutionFormatError
from threefold.insight.management.commands.import_ctdc import organisation_from


class Command(BaseCommand):
    help = (
        "Import the US federal human-trafficking prosecutions dataset (cases, defendants and judges files) as a "
        "dataset; names, case names, docket numbers and summaries are not kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cases", type=Path, help="htprosecution_case_data.csv")
        parser.add_argument("defendants", type=Path, help="htprosecution_defendant_data.csv")
        parser.add_argument("judges", type=Path, help="htprosecution_judge_data.csv")
        parser.add_argument("--name", required=True, help="The dataset's name, unique in its organisation.")
        parser.add_argument(
            "--organisation", type=int, help="Organisation id (needed when there are several)."
        )
        parser.add_argument("--source", default="", help="Where the files come from (kept with the dataset).")
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="Import the valid lines even though some were rejected (read the report first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = [options[table] for table in TABLES]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
        organisation = organisation_from(options["organisation"])
        importer = services.Importer(organisation, system_label=system_actor_label("import_prosecutions"))
        handles = [path.open(encoding="utf-8-sig", errors="replace", newline="") for path in paths]
        try:
            dataset, parsed = services.import_prosecutions(
                importer,
                *handles,
                name=options["name"],
                file_names=[path.name for path in paths],
                file_sha256s=[services.sha256_of(str(path)) for path in paths],
                accept_valid=options["accept_valid"],
                source=options["source"],
            )
        except ProsecutionFormatError as error:
            raise CommandError(f"{paths[TABLES.index(error.table)].name}: {error}") from error
        except services.ImportRefusedError as refused:
            if isinstance(refused.parsed, ProsecutionFiles):
                self._report(refused.parsed)
            raise CommandError(f"{refused} To do that, run again with --accept-valid.") from refused
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            for handle in handles:
                handle.close()
        self._report(parsed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported dataset {dataset.pk} “{dataset.name}”: {parsed.cases.valid:,} cases, "
                f"{parsed.defendants.valid:,} defendants and {parsed.judges.valid:,} judges "
                f"for organisation {organisation.pk}."
            )
        )

    def _report(self, parsed: ProsecutionFiles) -> None:
        write = self.stdout.write
        for table in parsed.tables:
            write(
                f"{table.name.capitalize()}: {table.data_lines:,} lines read, {table.valid:,} valid, "
                f"{table.rejected:,} rejected."
            )
        for problem in parsed.problems:
            where = f" column {problem.column}" if problem.column else ""
            value = f" ({problem.value})" if problem.value else ""
            write(f"  {problem.table} line {problem.line}{where}{value}: {problem.message}")
        notes = {
            "months_sentenced_999": "sentences of 999 months read as unknown (the file's code)",
            "months_sentenced_above_life": "sentences above 1,200 months (the file's life) counted as life",
            "terminated_before_charged": "defendants whose case ended before the year they were charged: "
            "time to the end left unknown",
            "cases_with_several_judges": "cases with more than one judge line",
        }
        for key, count in parsed.notes.items():
            write(f"Note: {count:,} {notes.get(key, key)}.")
