"""Read ODK Central and KoboToolbox submission exports of a form made from an instrument, and score them.

The form comes from ``xlsform.to_xlsform_rows``: every question is named by its item id, yes/no questions use
the choice names ``yes``, ``no``, ``dont_know``, ``refused``, and a blank question was not answered. So an
export can be read back without translating any value. Four shapes are understood:

* **ODK Central CSV** (``SubmissionDate``, ``meta-instanceID``, ``KEY``; question columns may carry their group
  path, ``group-item`` or ``group/item``);
* **KoboToolbox CSV** (``;`` or ``,`` between fields; ``_uuid``, ``_submission_time``; ``group/item``; a
  select_multiple as space-separated choice names and possibly one 0/1 column per choice, ``item/choice``);
* **ODK Central OData JSON** (``{"value": [...]}``, groups as nested objects, ``__id``,
  ``__system.submissionDate``);
* **KoboToolbox JSON** (``{"results": [...]}`` from the API, or a plain list; ``_uuid``, ``_submission_time``,
  keys ``group/item``).

Reading is all or nothing: every problem in the whole file is collected (each naming its line, or its record
in a JSON list, the column and the values allowed) and raised together as one ``SubmissionError``; nothing is
returned unless every submission can be scored. Columns that are not questions of the instrument (``start``,
``deviceid``, ``_validation_status``, the opening notes, ...) are ignored, but a file in which none of the
instrument's questions appears is refused: it is an export of another form.

The input is treated as untrusted: nothing in it is evaluated, formula-looking strings are kept as plain text,
and its size, its number of submissions and the length of a single field are bounded.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from threefold.identify.core.answers import STATE_WORDS, AnswerError, AnswerValue
from threefold.identify.core.definition import AnswerType, Instrument, Item
from threefold.identify.core.localtext import text_in
from threefold.identify.core.problems import Problem, render_problems
from threefold.identify.core.results import ScreeningResult
from threefold.identify.core.scoring import score
from threefold.identify.core.xlsform import YES_NO_CHOICES

DEFAULT_MAX_ROWS = 5000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# The csv module's own default limit; applied to JSON strings too, and checked even if someone raised the
# process-wide csv limit.
MAX_FIELD_CHARS = 131_072
MAX_ID_CHARS = 255
# Problems beyond this many are counted, not listed, in the error message (``SubmissionError.problems`` has all).
MAX_PROBLEMS_SHOWN = 200
# JSON nesting deeper than this is not a form export.
MAX_JSON_DEPTH = 32

FILE = "(file)"

# Where a submission's instance id can be, best first. "instanceID" is matched as the last part of a column
# name (meta-instanceID, meta/instanceID), the others as whole names. "uuid:" in front of an id is dropped,
# so ODK's "uuid:1234" and Kobo's _uuid "1234" name the same submission.
INSTANCE_ID_LEAF = "instanceID"
ID_COLUMNS: Mapping[str, int] = {"__id": 1, "KEY": 2, "_uuid": 3}
# Where the server's time of receipt is: ODK Central CSV, OData, KoboToolbox. Both servers keep UTC, and Kobo
# writes it without an offset, so a time without one is read as UTC.
TIME_COLUMNS: Mapping[str, int] = {"SubmissionDate": 0, "__system/submissionDate": 0, "_submission_time": 1}

# Group paths in column names: ODK Central CSV uses "-" (or "/"), Kobo "/" (or "." when so configured).
# Item and choice ids match ^[a-z][a-z0-9_]*$, so splitting on these never cuts one in two.
_SEPARATORS = re.compile(r"[/\-.]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CHOICE_TRUE = frozenset({"1", "true", "True", "TRUE"})
_CHOICE_FALSE = frozenset({"0", "false", "False", "FALSE"})
_DELIMITERS = (",", ";", "\t")


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class Submission:
    """One scored submission.

    ``line`` is the physical line where its CSV record starts (the header is line 1 when it is the first
    line), or its 1-based position in a JSON list; ``location`` says which ("line 3", "record 3").
    ``answers`` has every item of the instrument, in order, with the value ``scoring.score`` was given: "yes",
    "no", a state word, a choice id, a tuple of choice ids, a number or a text; None when the question was
    left blank (unanswered).
    """

    line: int
    location: str
    external_id: str
    submitted_at: datetime | None
    answers: Mapping[str, AnswerValue]
    result: ScreeningResult


@dataclass(frozen=True)
class SubmissionBatch:
    """Every submission of a file, all scored. ``missing_items`` are questions of the instrument that no
    column of the file holds (they count as unanswered: perhaps the form was an older version);
    ``ignored_columns`` are the columns that were not read."""

    instrument: str
    instrument_version: str
    format: ExportFormat
    submissions: tuple[Submission, ...]
    missing_items: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()


class SubmissionError(ValueError):
    """The file could not be imported; ``problems`` names every line at fault. Nothing was imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:MAX_PROBLEMS_SHOWN])
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            shown.append(Problem(FILE, f"... and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems"))
        super().__init__(
            render_problems(shown, heading="the submissions were not imported (nothing was), because:")
        )


def read_submissions(
    instrument: Instrument,
    data: bytes | str,
    *,
    filename: str | None = None,
    file_format: ExportFormat | Literal["csv", "json"] | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SubmissionBatch:
    """Read and score every submission in an ODK Central or KoboToolbox export (CSV or JSON).

    The format is ``file_format`` if given, else the extension of ``filename`` (.csv, .json), else guessed
    from the content (JSON starts with ``{`` or ``[``). Bytes are read as UTF-8 (with or without a BOM), or
    UTF-16 when they start with its BOM. Raises ``SubmissionError`` listing every problem; returns only when
    every submission could be scored.
    """
    if max_rows < 1 or max_bytes < 1:
        raise ValueError("max_rows and max_bytes must be positive")
    text = _decode(data, max_bytes)
    kind = _format(text, filename, file_format)
    # Problems in the file's structure (a row of the wrong length, a CSV that breaks off); the records read
    # are still checked, so that one upload reports everything there is to fix.
    problems: list[Problem] = []
    if kind is ExportFormat.CSV:
        records, columns = _csv_records(instrument, text, max_rows, problems)
    else:
        records, columns = _json_records(text, max_rows, problems)
    return _read(instrument, kind, records, columns, problems)


# --- decoding and format ---------------------------------------------------------------------------------


def _decode(data: bytes | str, max_bytes: int) -> str:
    # A character is at least one byte, so a long text is refused before it is encoded to be measured.
    size = (
        len(data)
        if not isinstance(data, str) or len(data) > max_bytes
        else len(data.encode("utf-8", "replace"))
    )
    if size > max_bytes:
        raise SubmissionError(
            [Problem(FILE, f"the file is {_size(size)}; the limit is {_size(max_bytes)}: split the export")]
        )
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        if data.startswith(b"PK\x03\x04"):
            raise SubmissionError(
                [Problem(FILE, "this is a spreadsheet or zip file, not CSV or JSON: export the data as CSV")]
            )
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        try:
            text = data.decode("utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            encoding = "UTF-16" if utf16 else "UTF-8"
            raise SubmissionError(
                [
                    Problem(
                        f"line {line}",
                        f"the file is not {encoding} text (byte {error.start + 1}): save it as UTF-8",
                    )
                ]
            ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SubmissionError(
            [Problem(f"line {line}", "the file holds binary data, not a CSV or JSON export")]
        )
    if not text.strip():
        raise SubmissionError([Problem(FILE, "the file is empty")])
    return text


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100_000 else f"{size} bytes"


def _format(text: str, filename: str | None, hint: ExportFormat | str | None) -> ExportFormat:
    if hint is not None:
        return ExportFormat(hint)
    if filename is not None:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension in ("csv", "json"):
            return ExportFormat(extension)
        if extension in ("xlsx", "xls", "zip", "ods"):
            raise SubmissionError(
                [Problem(FILE, f"{filename!r} is a spreadsheet or zip file: export the data as CSV or JSON")]
            )
    return ExportFormat.JSON if text.lstrip()[:1] in ("{", "[") else ExportFormat.CSV


# --- records: one submission's fields as (column, value) pairs, whatever the format ------------------------


@dataclass(frozen=True)
class _Record:
    line: int
    location: str
    fields: Sequence[tuple[str, object]]


def _csv_records(
    instrument: Instrument, text: str, max_rows: int, problems: list[Problem]
) -> tuple[list[_Record], list[str]]:
    header: list[str] | None = None
    records: list[_Record] = []
    rows = 0
    for line, row in _csv_rows(text, _delimiter(instrument, text), problems):
        if header is None:
            header = [name.strip().removeprefix("\ufeff") for name in row]
            header_problems = _header_problems(instrument, header, line)
            if header_problems:
                raise SubmissionError(header_problems)
            continue
        rows += 1
        if rows > max_rows:
            raise SubmissionError([_too_many(max_rows)])
        if len(row) != len(header):
            problems.append(
                Problem(f"line {line}", f"{len(row)} fields, but the header has {len(header)} columns")
            )
            continue
        fields = list(zip(header, row, strict=True))
        too_long = [name for name, value in fields if len(value) > MAX_FIELD_CHARS]
        if too_long:
            problems.append(_field_too_long(f"line {line}", too_long[0]))
            continue
        records.append(_Record(line, f"line {line}", fields))
    if header is None:
        raise SubmissionError(problems or [Problem(FILE, "the file is empty")])
    return records, header


def _csv_rows(text: str, delimiter: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the physical line each starts on; stops at the first row the csv module rejects.

    Lines end with LF, CRLF or CR; a quoted field may hold line breaks, so a row can span several lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    ended = 0
    while True:
        start = ended + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            end = reader.line_num
            where = f"line {start}" if end <= start else f"lines {start}-{end}"
            message = str(error)
            if "field larger than field limit" in message:
                message = f"a field is longer than {csv.field_size_limit()} characters"
            elif "unexpected end of data" in message:
                message = "a quoted field is never closed"
            problems.append(
                Problem(where, f"this is not valid CSV ({message}); the file was not read further")
            )
            return
        ended = reader.line_num
        if any(value.strip() for value in row):
            yield start, row


def _delimiter(instrument: Instrument, text: str) -> str:
    """The delimiter that splits the header into the most question columns (then into the most columns)."""
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")

    def fit(delimiter: str) -> tuple[int, int]:
        try:
            names = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            return (-1, -1)
        known = sum(_role(instrument, name.strip()).kind != "other" for name in names)
        return (known, len(names))

    return max(_DELIMITERS, key=fit)


def _header_problems(instrument: Instrument, header: list[str], line: int) -> list[Problem]:
    """Two columns that would hold the same thing; repeated columns that are not read do not matter."""
    problems = []
    names: set[str] = set()
    holders: dict[str, str] = {}
    for name in header:
        role = _role(instrument, name)
        if role.kind == "other":
            continue
        if name in names:
            problems.append(Problem(f"line {line}", f"column {name!r} appears twice in the header"))
            continue
        names.add(name)
        if role.kind == "item":
            if role.item in holders:
                problems.append(
                    Problem(
                        f"line {line}", f"columns {holders[role.item]!r} and {name!r} both answer {role.item}"
                    )
                )
            holders[role.item] = name
    return problems


def _json_records(text: str, max_rows: int, problems: list[Problem]) -> tuple[list[_Record], list[str]]:
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SubmissionError(
            [Problem(f"line {error.lineno}", f"this is not valid JSON (column {error.colno}): {error.msg}")]
        ) from None
    except (ValueError, RecursionError) as error:
        raise SubmissionError([Problem(FILE, f"this is not valid JSON: {error}")]) from None
    if isinstance(document, list):
        entries = document
    elif isinstance(document, dict) and isinstance(document.get("value"), list):
        entries = document["value"]  # ODK Central OData
    elif isinstance(document, dict) and isinstance(document.get("results"), list):
        entries = document["results"]  # KoboToolbox API
    else:
        raise SubmissionError(
            [
                Problem(
                    FILE,
                    'this JSON is not a list of submissions: expected {"value": [...]} (ODK Central OData), '
                    '{"results": [...]} (KoboToolbox) or a list of submissions',
                )
            ]
        )
    if len(entries) > max_rows:
        raise SubmissionError([_too_many(max_rows)])
    records: list[_Record] = []
    columns: dict[str, None] = {}
    for number, entry in enumerate(entries, start=1):
        location = f"record {number}"
        if not isinstance(entry, dict):
            problems.append(Problem(location, f"expected a submission (an object), found {_kind(entry)}"))
            continue
        fields: list[tuple[str, object]] = []
        try:
            _flatten(entry, "", fields, 0)
        except _TooDeepError:
            problems.append(Problem(location, f"nested more than {MAX_JSON_DEPTH} levels deep"))
            continue
        columns.update(dict.fromkeys(name for name, _ in fields))
        too_long = [name for name, value in fields if isinstance(value, str) and len(value) > MAX_FIELD_CHARS]
        if too_long:
            problems.append(_field_too_long(location, too_long[0]))
            continue
        records.append(_Record(number, location, fields))
    return records, list(columns)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


class _TooDeepError(Exception):
    pass


def _flatten(value: Mapping[str, object], prefix: str, out: list[tuple[str, object]], depth: int) -> None:
    """Nested group objects (OData) become ``group/item`` names, as Kobo writes them already."""
    if depth > MAX_JSON_DEPTH:
        raise _TooDeepError
    for key, inner in value.items():
        name = f"{prefix}{key}"
        if isinstance(inner, dict):
            _flatten(inner, f"{name}/", out, depth + 1)
        else:
            out.append((name, inner))


def _too_many(max_rows: int) -> Problem:
    return Problem(FILE, f"the file has more than {max_rows} submissions, the limit: split the export")


def _field_too_long(location: str, column: str) -> Problem:
    return Problem(location, f"column {column!r}: the value is longer than {MAX_FIELD_CHARS} characters")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "a text", list: "a list"}.get(
        type(value), "an object"
    )


# --- columns ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Role:
    kind: Literal["item", "choice", "id", "time", "other"]
    item: str = ""
    choice: str = ""
    rank: int = 0


_OTHER = _Role("other")

# A record read: its instance id, when the server received it, and its answers keyed by item id.
_Parsed = tuple[str, datetime | None, dict[str, AnswerValue]]


def _role(instrument: Instrument, name: str) -> _Role:
    """What a column holds, from its name."""
    if name in ID_COLUMNS:
        return _Role("id", rank=ID_COLUMNS[name])
    if name in TIME_COLUMNS:
        return _Role("time", rank=TIME_COLUMNS[name])
    parts = _SEPARATORS.split(name)
    leaf = parts[-1]
    if leaf == INSTANCE_ID_LEAF:
        return _Role("id", rank=0)
    if len(parts) >= 2:
        owner = instrument.items_by_id.get(parts[-2])
        if owner is not None and owner.answer_type is AnswerType.MULTI_CHOICE and leaf in owner.answer_values:
            return _Role("choice", item=owner.id, choice=leaf)
    if leaf in instrument.items_by_id:
        return _Role("item", item=leaf)
    return _OTHER


# --- reading records into scored submissions --------------------------------------------------------------


@dataclass
class _Fields:
    """One record's fields sorted by what they hold."""

    items: dict[str, tuple[str, object]] = field(default_factory=dict)
    choices: dict[str, list[tuple[str, str, object]]] = field(default_factory=dict)
    ids: list[tuple[int, str, object]] = field(default_factory=list)
    times: list[tuple[int, str, object]] = field(default_factory=list)


def _read(
    instrument: Instrument,
    kind: ExportFormat,
    records: list[_Record],
    columns: list[str],
    problems: list[Problem],
) -> SubmissionBatch:
    roles = {name: _role(instrument, name) for name in columns}
    answered = {role.item for role in roles.values() if role.kind in ("item", "choice")}
    if not answered:
        raise SubmissionError([_not_this_instrument(instrument, columns), *problems])
    if not records and not problems:
        raise SubmissionError([Problem(FILE, "the file has no submissions")])
    check_ids = any(role.kind == "id" for role in roles.values())
    if not check_ids:
        problems.append(
            Problem(FILE, "no instance id column (meta-instanceID, KEY, __id, meta/instanceID or _uuid)")
        )
    seen_ids: dict[str, str] = {}
    parsed = [
        (record, _parse_record(instrument, record, roles, problems, seen_ids if check_ids else None))
        for record in records
    ]
    if problems:
        raise SubmissionError(problems)
    return SubmissionBatch(
        instrument=instrument.id,
        instrument_version=instrument.version,
        format=kind,
        submissions=tuple(
            _score(instrument, record, fields) for record, fields in parsed if fields is not None
        ),
        missing_items=tuple(item.id for item in instrument.items if item.id not in answered),
        ignored_columns=tuple(name for name in columns if roles[name].kind == "other"),
    )


def _score(instrument: Instrument, record: _Record, parsed: _Parsed) -> Submission:
    external_id, submitted_at, answers = parsed
    try:
        result = score(instrument, answers)
    except AnswerError as error:  # the values were checked against the instrument already
        raise SubmissionError(
            [Problem(record.location, f"{problem.path}: {problem.message}") for problem in error.problems]
        ) from None
    return Submission(
        line=record.line,
        location=record.location,
        external_id=external_id,
        submitted_at=submitted_at,
        answers=MappingProxyType(answers),
        result=result,
    )


def _parse_record(
    instrument: Instrument,
    record: _Record,
    roles: Mapping[str, _Role],
    problems: list[Problem],
    seen_ids: dict[str, str] | None,
) -> _Parsed | None:
    """The id, time and answers of one record; None (and problems added) when anything is wrong."""
    before = len(problems)
    where = record.location
    fields = _Fields()
    for name, value in record.fields:
        role = roles.get(name) or _role(instrument, name)
        if role.kind == "item":
            if role.item in fields.items:
                other = fields.items[role.item][0]
                problems.append(Problem(where, f"columns {other!r} and {name!r} both answer {role.item}"))
            fields.items[role.item] = (name, value)
        elif role.kind == "choice":
            fields.choices.setdefault(role.item, []).append((name, role.choice, value))
        elif role.kind == "id":
            fields.ids.append((role.rank, name, value))
        elif role.kind == "time":
            fields.times.append((role.rank, name, value))

    # seen_ids is None when the file has no id column at all, which is reported once, not on every line.
    external_id = _external_id(fields.ids, where, problems) if seen_ids is not None else None
    if external_id is not None and seen_ids is not None:
        if external_id in seen_ids:
            problems.append(
                Problem(where, f"instance id {external_id!r} is already used by {seen_ids[external_id]}")
            )
        else:
            seen_ids[external_id] = where
    submitted_at = _submitted_at(fields.times, where, problems)

    answers: dict[str, AnswerValue] = {}
    for item in instrument.items:
        column, value = fields.items.get(item.id, ("", None))
        answer = _answer(item, column, value, where, problems) if column else None
        if item.id in fields.choices:
            answer = _from_choice_columns(item, column, answer, fields.choices[item.id], where, problems)
        answers[item.id] = answer
    if len(problems) > before or external_id is None:
        return None
    return external_id, submitted_at, answers


def _external_id(ids: list[tuple[int, str, object]], where: str, problems: list[Problem]) -> str | None:
    for _, name, value in sorted(ids, key=lambda entry: entry[0]):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            problems.append(Problem(where, f"column {name!r}: the instance id is {_kind(value)}, not a text"))
            return None
        text = str(value).strip()
        text = text[5:] if text[:5].lower() == "uuid:" else text
        if not text or len(text) > MAX_ID_CHARS:
            problems.append(Problem(where, f"column {name!r}: {_show(value)} is not an instance id"))
            return None
        return text
    names = ", ".join(name for _, name, _ in sorted(ids, key=lambda entry: entry[0]))
    problems.append(Problem(where, f"no instance id ({names or 'no id column'} is blank)"))
    return None


def _submitted_at(
    times: list[tuple[int, str, object]], where: str, problems: list[Problem]
) -> datetime | None:
    for _, name, value in sorted(times, key=lambda entry: entry[0]):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        moment = _parse_time(value)
        if moment is None:
            problems.append(
                Problem(where, f"column {name!r}: {_show(value)} is not a date and time (ISO 8601 expected)")
            )
        return moment
    return None


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    text = value.strip()
    # ODK writes milliseconds; some tools write more digits than datetime keeps: cut to microseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _answer(item: Item, column: str, value: object, where: str, problems: list[Problem]) -> AnswerValue:
    """The value ``scoring.score`` accepts for one question, or None with a problem added."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        if value.strip() in STATE_WORDS:
            return value.strip()
    match item.answer_type:
        case AnswerType.YES_NO | AnswerType.SINGLE_CHOICE:
            if isinstance(value, str) and value.strip() in item.answer_values:
                return value.strip()
        case AnswerType.MULTI_CHOICE:
            selected = _multi(item, value)
            if selected is not None:
                if len(set(selected)) != len(selected):
                    problems.append(Problem(where, f"column {column!r}: a choice is selected twice"))
                    return None
                order = [choice.id for choice in item.choices]
                return tuple(sorted(selected, key=order.index)) or None
        case AnswerType.NUMBER:
            number = _number(value)
            if number is not None:
                return number
        case AnswerType.TEXT:
            if isinstance(value, str):
                return value
    problems.append(Problem(where, f"column {column!r}: {_show(value)} is not allowed; {_allowed(item)}"))
    return None


def _multi(item: Item, value: object) -> list[str] | None:
    if isinstance(value, str):
        chosen = value.split()
    elif isinstance(value, list) and all(isinstance(entry, str) for entry in value):
        chosen = [entry.strip() for entry in value]
    else:
        return None
    return chosen if all(choice in item.answer_values for choice in chosen) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        return None
    return number if math.isfinite(number) else None


def _from_choice_columns(
    item: Item,
    column: str,
    answer: AnswerValue,
    columns: list[tuple[str, str, object]],
    where: str,
    problems: list[Problem],
) -> AnswerValue:
    """Kobo's one-column-per-choice form of a select_multiple: the answer when the item has no column of its
    own, else a check that the two agree."""
    marked: dict[str, bool] = {}
    for name, choice, value in columns:
        text = str(int(value)) if isinstance(value, bool | int) else value
        if text is None or (isinstance(text, str) and not text.strip()):
            continue
        if isinstance(text, str) and text.strip() in _CHOICE_TRUE | _CHOICE_FALSE:
            marked[choice] = text.strip() in _CHOICE_TRUE
        else:
            problems.append(
                Problem(where, f"column {name!r}: {_show(value)} is not allowed; expected 1, 0 or blank")
            )
    if not column:
        order = [choice.id for choice in item.choices]
        return tuple(sorted((c for c, on in marked.items() if on), key=order.index)) or None
    given = set(answer) if isinstance(answer, tuple) else set()
    disagree = sorted(choice for choice, on in marked.items() if on != (choice in given))
    if disagree:
        problems.append(
            Problem(
                where,
                f"column {column!r} ({_show(' '.join(answer) if isinstance(answer, tuple) else answer)}) "
                f"disagrees with the per-choice columns for {', '.join(disagree)}",
            )
        )
    return answer


def _allowed(item: Item) -> str:
    blank = "or blank (unanswered)"
    match item.answer_type:
        case AnswerType.YES_NO:
            return f"allowed: {', '.join(YES_NO_CHOICES)} {blank}"
        case AnswerType.SINGLE_CHOICE:
            return f"allowed: {', '.join(c.id for c in item.choices)}, refused, dont_know {blank}"
        case AnswerType.MULTI_CHOICE:
            return f"allowed: names among {', '.join(c.id for c in item.choices)} separated by spaces {blank}"
        case AnswerType.NUMBER:
            return f"allowed: a number such as 3 or 2.5 {blank}"
        case AnswerType.TEXT:
            return f"allowed: a text {blank}"


def _show(value: object) -> str:
    """A value quoted for a message: escaped, and cut short if long (the file is untrusted)."""
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _not_this_instrument(instrument: Instrument, columns: list[str]) -> Problem:
    ids = [item.id for item in instrument.items]
    wanted = ", ".join(ids[:5]) + (f", ... ({len(ids)} in all)" if len(ids) > 5 else "")
    seen = ", ".join(_show(name) for name in columns[:20]) + (" ..." if len(columns) > 20 else "")
    title = text_in(instrument.title, "en")
    return Problem(
        FILE,
        f"this file does not look like an export of instrument {instrument.id} ({title}): none of its "
        f"questions ({wanted}) was found; columns seen: {seen or '(none)'}",
    )
