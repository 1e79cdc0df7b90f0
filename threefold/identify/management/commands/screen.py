"""Score answers with a shipped instrument and print the explained result as JSON.

No person is named and nothing is stored, so nothing is audited: this is the engine, as a frontline tool or an
outside reviewer would check it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.identify.core import library
from threefold.identify.core.answers import AnswerError
from threefold.identify.core.instrument import InstrumentError
from threefold.identify.core.scoring import score

MAX_ANSWER_FILE_BYTES = 1_000_000


class Command(BaseCommand):
    help = "Score a JSON file of answers (keyed by item id) with an instrument; print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--instrument", required=True, help="Instrument id, e.g. ilo_ec_delphi_adult_labour"
        )
        parser.add_argument("--answers", required=True, help="JSON file: an object of item id -> answer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = library.load(options["instrument"])
        except (LookupError, InstrumentError) as exc:
            raise CommandError(str(exc)) from None
        answers = _read_answers(Path(options["answers"]))
        try:
            result = score(instrument, answers)
        except AnswerError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.to_json())


def _read_answers(path: Path) -> dict[str, object]:
    try:
        if path.stat().st_size > MAX_ANSWER_FILE_BYTES:
            raise CommandError(f"{path}: larger than {MAX_ANSWER_FILE_BYTES} bytes; an answer file is small.")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read ({exc}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
        ) from None
    if not isinstance(data, dict):
        raise CommandError(f"{path}: must be a JSON object of item id -> answer, not {type(data).__name__}.")
    return data
