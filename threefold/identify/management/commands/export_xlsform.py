"""Export a shipped instrument as an XLSForm (.xlsx) for ODK Collect, KoboToolbox and other XLSForm tools.

One file per language. Nothing about any person is read or written, so nothing is audited.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.identify.core import library
from threefold.identify.core.instrument import InstrumentError
from threefold.identify.core.xlsform import to_xlsform_rows, write_xlsx


class Command(BaseCommand):
    help = "Write a shipped instrument as an XLSForm .xlsx in one of its languages (skip logic kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument id, e.g. icls_2018_forced_labour")
        parser.add_argument("--lang", default="en", help="Language of the labels: en (default), fr or es")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError(
                f"{output}: the output must be an .xlsx file (XLSForm tools read it by its suffix)."
            )
        try:
            instrument = library.load(options["instrument"])
        except (LookupError, InstrumentError) as exc:
            raise CommandError(str(exc)) from None
        try:
            form = to_xlsform_rows(instrument, options["lang"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        # Built in memory first, so a path that cannot be written leaves no half-written file behind.
        buffer = BytesIO()
        write_xlsx(form, buffer)
        try:
            output.write_bytes(buffer.getvalue())
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written ({exc.strerror or exc}).") from None
        questions = len(instrument.items)
        gated = sum(1 for item in instrument.items if item.show_if is not None)
        self.stdout.write(
            f"Wrote {output}: XLSForm of {instrument.id} version {instrument.version} in {options['lang']} "
            f"({questions} questions, {gated} with skip logic)."
        )
