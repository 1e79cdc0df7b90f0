"""Reader for the US federal human-trafficking prosecutions dataset. Pure Python, no Django.

The dataset (humantraffickingdata.org, as scraped and published in three CSV files by github
cassiecorey/HumanTraffickingData) is three linked tables:

- cases (``htprosecution_case_data.csv``): one line per federal case, 674 in the published file. Its
  ``summary`` column holds a quoted, sometimes multi-line account of what the defendants did to the victims.
- defendants (``..._defendant_data.csv``): one line per defendant, 1,762, each with the ``case_id`` of its case.
- judges (``..._judge_data.csv``): one line per judge of a case, 675: every case has one, and case 815 lists
  the same judge twice (the name spelt with and without a final full stop, the other fields equal). The file
  is read as published, so that count is kept.

**What is kept (data minimisation, ADR 0027).** The files name defendants (``name``), judges (``name``) and cases
("USA v. ..."), give docket numbers (``number``), exact arrest and charge dates, ages and bail, and summarise the
victims' stories. Criminal-offence data of identifiable people and victims' accounts: the statistics need none
of it. The reader never puts a dropped column's value into a record or a problem: names, case names, docket
numbers, summaries, bail, fines, per-statute sentences and the publisher's row ids are read past, unchecked.
What it keeps (``CASE_COLUMNS``, ``DEFENDANT_COLUMNS``, ``JUDGE_COLUMNS``) is coarsened where statistics allow:
ages in bands, dates as years, charges as the set of statutes, per-statute counts added up per defendant.

**Checks.** All or nothing, with every problem by file and physical line (a quoted multi-line summary counts
its lines, so a line number is the one an editor shows): a header that is not the file's (a column the reader
needs is missing, or one it does not know is there; the other files' columns are named when a file was put in
the wrong place), a line with the wrong number of fields, a year or a number that is not one, a date that is
not a date, a case id given twice, and a defendant or judge whose ``case_id`` is not a case of the cases file
(or is one whose line was refused). A refused line is listed and left out; the caller imports nothing, or
only the valid lines when the user asks for that explicitly. What a problem shows of a line is the one value
at fault, never the whole line (which would carry names); and a value of a dropped column is never checked, so
it is never shown.

**Codes of the file.** Decided from the published file and said here so that nobody has to rediscover them:

- ``n_sentences`` is ``999`` for 199 defendants, most with no sentence: a code for unknown, kept as missing.
  ``total_months_sentenced`` is ``999`` three times; read the same way.
- ``total_months_sentenced`` of ``1200`` (100 years) is read as a life sentence. The file has no codebook; this
  is inferred from the values, not checked against court records: 23 defendants have exactly 1,200, no sentence
  but the 999 code lies between 720 and 1,200, and 100 years is a usual stand-in for life in sentencing data.
  Three values lie above it (12,000 twice in one case, 2,014 once, which looks like a year typed in the wrong
  field); the file cannot be corrected here, so they are counted with ``life`` (``LIFE_MONTHS`` or more) and the
  report counts them (``notes``).
- Four defendants end in a year before their charge year: their time from charge to termination is unknown
  rather than negative, and counted in ``notes``.
- Missing values are written as an empty cell, and ``Unknown`` in ``gender`` and ``forfeiture_sentence``;
  ``None`` in the list columns. All become missing.
- The per-statute columns (``statute_counts``, ``statute_plea_guilty``, ...) hold a number, or a Python list
  of quoted numbers and ``None`` ("['1', '2']", "[None, None]").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from threefold.insight.core.ctdc import bad_character, shown

CASES = "cases"
DEFENDANTS = "defendants"
JUDGES = "judges"
TABLES = (CASES, DEFENDANTS, JUDGES)
PUBLISHED_FILE_NAMES = {
    CASES: "htprosecution_case_data.csv",
    DEFENDANTS: "htprosecution_defendant_data.csv",
    JUDGES: "htprosecution_judge_data.csv",
}

# The published columns of each file: those read (kept, or used to work out what is kept) and those dropped
# unread. A header must have every column read; the dropped ones may be there or not; any other is refused.
CASE_READ = (
    "id",
    "n_defendants",
    "state",
    "federal_district",
    "year",
    "n_victims",
    "n_minors",
    "n_foreigners",
    "n_females",
    "n_males",
)
CASE_DROPPED = ("summary", "name", "number")
DEFENDANT_READ = (
    "case_id",
    "gender",
    "arrest_age",
    "race",
    "arrest_date",
    "charge_date",
    "statute_sentence",
    "statute_counts",
    "statute_plea_dismissed",
    "statute_plea_guilty",
    "statute_trial_guilty",
    "statute_trial_ng",
    "n_charges",
    "n_sentences",
    "year_terminated",
    "total_months_sentenced",
    "total_months_probation",
    "restitution",
    "forfeiture_charge",
    "forfeiture_sentence",
)
DEFENDANT_DROPPED = (
    "id",
    "name",
    "judge_id",  # written by later versions of the publisher's script
    "bail_type",
    "bail_amount",
    "statute_counts_np",
    "statute_fines",
    "statute_months_sentenced",
    "statute_months_probation",
)
JUDGE_READ = ("case_id", "race", "gender", "tenure", "appointed_by")
JUDGE_DROPPED = ("id", "name")

READ_COLUMNS = {CASES: CASE_READ, DEFENDANTS: DEFENDANT_READ, JUDGES: JUDGE_READ}
DROPPED_COLUMNS = {CASES: CASE_DROPPED, DEFENDANTS: DEFENDANT_DROPPED, JUDGES: JUDGE_DROPPED}

# What is kept, per table: the columns of the stored frames.
CASE_COLUMNS = (
    "case_id",
    "year",
    "state",
    "federal_district",
    "defendants",
    "defendants_band",
    "victims",
    "minors",
    "foreigners",
    "females",
    "males",
)
DEFENDANT_COLUMNS = (
    "case_id",
    "case_year",
    "case_state",
    "gender",
    "age_band",
    "race",
    "arrest_year",
    "charge_year",
    "statutes",
    "charges",
    "counts_charged",
    "counts_pleaded_guilty",
    "counts_dismissed",
    "counts_guilty_at_trial",
    "counts_not_guilty_at_trial",
    "outcome",
    "sentences",
    "year_terminated",
    "years_to_termination",
    "months_sentenced",
    "sentence_band",
    "months_probation",
    "restitution",
    "restitution_ordered",
    "forfeiture_charged",
    "forfeiture_sentenced",
)
# The year and state of the judge's case, as for defendants: so that every table follows the same filters.
JUDGE_COLUMNS = ("case_id", "case_year", "case_state", "gender", "race", "tenure", "appointed_by")
COLUMNS = {CASES: CASE_COLUMNS, DEFENDANTS: DEFENDANT_COLUMNS, JUDGES: JUDGE_COLUMNS}

# Outcomes of a defendant, from the counts of the charges (see ``outcome_of``).
PLEADED_GUILTY = "pleaded_guilty"
CONVICTED_AT_TRIAL = "convicted_at_trial"
ACQUITTED = "acquitted"
DISMISSED = "dismissed"
OUTCOMES = (PLEADED_GUILTY, CONVICTED_AT_TRIAL, ACQUITTED, DISMISSED)

UNKNOWN_CODE = 999  # n_sentences and total_months_sentenced: unknown
LIFE_MONTHS = 1200  # total_months_sentenced: life
LIFE = "life"
SENTENCE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 0, "0"),
    (1, 12, "1-12"),
    (13, 60, "13-60"),
    (61, 120, "61-120"),
    (121, 240, "121-240"),
    (241, LIFE_MONTHS - 1, "241+"),
)
SENTENCE_BAND_ORDER = (*(band for _low, _high, band in SENTENCE_BANDS), LIFE)
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 200, "65+"),
)
DEFENDANTS_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 0, "0"),
    (1, 1, "1"),
    (2, 2, "2"),
    (3, 3, "3"),
    (4, 5, "4-5"),
    (6, 10, "6-10"),
    (11, 20, "11-20"),
    (21, 10**9, "21+"),
)
YES, NO = "yes", "no"

# Years: the trafficking-related federal statutes are older than the Palermo Protocol (the Mann Act is of
# 1910), but nothing in this dataset is before 1970 (a judge's tenure); 1950 to 2100 still catches typos such
# as 201 or 20133. Fixed bounds keep a file's verdict the same whenever it is read.
YEAR_MIN = 1950
YEAR_MAX = 2100
AGE_MIN, AGE_MAX = 10, 100
# Counts of people, charges and months: far above anything real (798 victims in one case, 12,000 months).
MAX_COUNT = 1_000_000
MAX_AMOUNT = 10**12  # dollars of restitution
MAX_TEXT = 100  # a category such as a state, a race or a party
MISSING_SPELLINGS = frozenset({"", "unknown", "none"})
_WHOLE = re.compile(r"[0-9]+\Z")
_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_STATUTE = re.compile(r"[0-9]{1,5}[a-z]?(?:_to_[0-9]{1,5}[a-z]?)?\Z")
_LIST_ITEM = re.compile(r"""'([^']*)'|"([^"]*)"|([^\s,'"]+)""")


class ProsecutionFormatError(ValueError):
    """A file's header is not that of its part of the dataset: nothing was read past it."""

    def __init__(self, table: str, message: str) -> None:
        super().__init__(f"{table} file: {message}")
        self.table = table


@dataclass(frozen=True)
class Problem:
    table: str  # CASES, DEFENDANTS or JUDGES: which file
    line: int  # physical line in that file, the header being line 1
    column: str | None  # None when the problem is the whole line's
    value: str  # the offending value as shown to a person ("" for a whole line: it would carry names)
    message: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    records: list[tuple[str | None, ...]]  # valid records only; None = missing
    record_lines: list[int]
    data_lines: int  # records read after the header, refused ones included (a multi-line record counts once)
    rejected_lines: list[int]

    @property
    def valid(self) -> int:
        return len(self.records)

    @property
    def rejected(self) -> int:
        return len(self.rejected_lines)

    def column(self, name: str) -> list[str | None]:
        position = self.columns.index(name)
        return [record[position] for record in self.records]


@dataclass(frozen=True)
class ProsecutionFiles:
    cases: Table
    defendants: Table
    judges: Table
    problems: list[Problem]  # every problem of every refused line, file by file, in line order
    notes: dict[str, int] = field(
        default_factory=dict
    )  # oddities read without refusing a line (see the module)

    @property
    def tables(self) -> tuple[Table, Table, Table]:
        return (self.cases, self.defendants, self.judges)

    @property
    def clean(self) -> bool:
        return not any(table.rejected for table in self.tables)

    @property
    def data_lines(self) -> int:
        return sum(table.data_lines for table in self.tables)

    @property
    def rejected(self) -> int:
        return sum(table.rejected for table in self.tables)

    @property
    def valid(self) -> int:
        return sum(table.valid for table in self.tables)


_P = ParamSpec("_P")
_T = TypeVar("_T")


class _LineProblem(Exception):
    def __init__(self, column: str, value: str, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


def _text(column: str, raw: str) -> str | None:
    text = raw.strip()
    if text.casefold() in MISSING_SPELLINGS:
        return None
    if len(text) > MAX_TEXT:
        raise _LineProblem(
            column, shown(text), f"value of {len(text)} characters, more than the {MAX_TEXT} allowed"
        )
    bad = bad_character(text)
    if bad is not None:
        raise _LineProblem(column, shown(text), f"value {bad}")
    return text


def _whole(column: str, raw: str, *, required: bool = False, maximum: int = MAX_COUNT) -> int | None:
    text = raw.strip()
    if not text:
        if required:
            raise _LineProblem(column, "", "missing: every line needs it")
        return None
    if not (text.isascii() and _WHOLE.match(text)):
        raise _LineProblem(column, shown(text), "not a whole number")
    number = int(text)
    if number > maximum:
        raise _LineProblem(column, shown(text), f"{number:,} is more than the {maximum:,} allowed")
    return number


def _year(column: str, raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not (text.isascii() and _WHOLE.match(text)):
        raise _LineProblem(column, shown(text), "not a year (a whole number such as 2012)")
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise _LineProblem(
            column, shown(text), f"impossible year {year}: not between {YEAR_MIN} and {YEAR_MAX}"
        )
    return year


def _date_year(column: str, raw: str) -> int | None:
    """The year of an ISO date (YYYY-MM-DD): the day and month are not kept."""
    text = raw.strip()
    if not text:
        return None
    match = _DATE.match(text) if text.isascii() else None
    try:
        if match is None:
            raise ValueError(text)
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _LineProblem(column, shown(text), "not a date written YYYY-MM-DD") from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise _LineProblem(
            column, shown(text), f"impossible year {day.year}: not between {YEAR_MIN} and {YEAR_MAX}"
        )
    return day.year


def _amount(column: str, raw: str) -> str | None:
    """A sum of dollars, whole or with cents, as a number written plainly ("1500", "1500.5")."""
    text = raw.strip()
    if not text:
        return None
    match = _AMOUNT.match(text) if text.isascii() else None
    if match is None:
        raise _LineProblem(column, shown(text), "not an amount (a number such as 1500 or 1500.50)")
    whole, cents = int(match[1]), (match[2] or "").rstrip("0")
    if whole > MAX_AMOUNT:
        raise _LineProblem(column, shown(text), f"more than the {MAX_AMOUNT:,} allowed")
    return f"{whole}.{cents}" if cents else str(whole)


def _items(column: str, raw: str) -> list[str] | None:
    """The items of a per-statute cell: one value, or a Python list ("['1', '2']", "[None, None]", numpy's
    "['0' '0']"). None when the cell is empty; "None" items are kept as "None"."""
    text = raw.strip()
    if not text:
        return None
    if text.startswith("["):
        if not text.endswith("]"):
            raise _LineProblem(column, shown(text), "a list that does not end with ]")
        inner = text[1:-1]
        items = [next(g for g in match.groups() if g is not None) for match in _LIST_ITEM.finditer(inner)]
        leftover = _LIST_ITEM.sub("", inner).replace(",", "").strip()
        if leftover:
            raise _LineProblem(column, shown(text), "not a list of values")
        return items
    return [text]


def _counts(column: str, raw: str) -> int | None:
    """The sum of a per-statute list of whole numbers; None when empty or every item is None."""
    items = _items(column, raw)
    if items is None:
        return None
    total, known = 0, False
    for item in items:
        if item.casefold() in MISSING_SPELLINGS:
            continue
        if not (item.isascii() and _WHOLE.match(item)):
            raise _LineProblem(column, shown(raw.strip()), "not a whole number or a list of whole numbers")
        total += int(item)
        known = True
    if total > MAX_COUNT:
        raise _LineProblem(column, shown(raw.strip()), f"more than the {MAX_COUNT:,} allowed")
    return total if known else None


def _statutes(column: str, raw: str) -> str | None:
    """The sections of title 18 charged ("1591", "2421_to_2424"), sorted, each once, joined by "; "."""
    items = _items(column, raw)
    if items is None:
        return None
    sections = set()
    for item in items:
        if item.casefold() in MISSING_SPELLINGS:
            continue
        if not (item.isascii() and _STATUTE.match(item)):
            raise _LineProblem(
                column,
                shown(raw.strip()),
                "not a statute section (such as 1591 or 2421_to_2424) or a list of them",
            )
        sections.add(item)
    return "; ".join(sorted(sections, key=lambda s: (len(s.split("_", 1)[0]), s))) or None


def _band(number: int | None, bands: Sequence[tuple[int, int, str]]) -> str | None:
    if number is None:
        return None
    return next((band for low, high, band in bands if low <= number <= high), None)


def sentence_band(months: int | None) -> str | None:
    if months is None:
        return None
    return LIFE if months >= LIFE_MONTHS else _band(months, SENTENCE_BANDS)


def outcome_of(
    pleaded_guilty: int | None, dismissed: int | None, guilty_at_trial: int | None, not_guilty: int | None
) -> str | None:
    """A defendant's outcome from the counts of the charges: convicted at trial if any count was, else pleaded
    guilty if any count was, else acquitted if any count was found not guilty, else dismissed if any count was;
    unknown otherwise (pending, or not recorded). A plea to some counts with the rest dismissed is a guilty
    plea; a trial that convicts on one count and acquits on another is a conviction."""
    if guilty_at_trial:
        return CONVICTED_AT_TRIAL
    if pleaded_guilty:
        return PLEADED_GUILTY
    if not_guilty:
        return ACQUITTED
    if dismissed:
        return DISMISSED
    return None


def _str(number: int | None) -> str | None:
    return None if number is None else str(number)


def _check_header(table: str, names: list[str]) -> dict[str, int]:
    """The position of each column read; ProsecutionFormatError for a header that is not this file's."""
    read, dropped = READ_COLUMNS[table], DROPPED_COLUMNS[table]
    twice = sorted(name for name, count in Counter(names).items() if count > 1)
    if twice:
        raise ProsecutionFormatError(table, f"a column is named more than once: {', '.join(twice)}")
    missing = [name for name in read if name not in names]
    unknown = [name for name in names if name not in read and name not in dropped]
    if missing or unknown:
        parts = [f"the header is not that of the {table} file"]
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown columns: {', '.join(shown(name) for name in unknown[:12])}")
            if len(unknown) > 12:
                parts[-1] += f" and {len(unknown) - 12} more"
        guess = _which_file(names)
        if guess is not None and guess != table:
            parts.append(f"it looks like the {guess} file")
        raise ProsecutionFormatError(table, "; ".join(parts))
    return {name: names.index(name) for name in read}


def _which_file(names: list[str]) -> str | None:
    """The part of the dataset whose columns a header has, if one: to say that two files were swapped."""
    seen = set(names)
    for table in TABLES:
        if set(READ_COLUMNS[table]) <= seen <= set(READ_COLUMNS[table]) | set(DROPPED_COLUMNS[table]):
            return table
    return None


@dataclass
class _Read:
    """The rows of one file: each with its physical line, or the problem that made it unreadable."""

    width: int
    positions: dict[str, int]
    rows: list[tuple[int, list[str] | None, str]]  # (line, fields or None, CSV error)


def _read_file(table: str, lines: Iterable[str], progress: Callable[[int], None] | None) -> _Read:
    if isinstance(lines, str):
        raise TypeError(
            "give the file as lines (an open file or text.splitlines(keepends=True)), not one str"
        )
    source = iter(lines)
    first = next(source, None)
    if first is None or not first.strip():
        raise ProsecutionFormatError(table, "the file is empty, with no header line")

    def all_lines() -> Iterator[str]:
        yield first.removeprefix("\ufeff")
        yield from source

    reader = csv.reader(all_lines())
    try:
        header = next(reader)
    except csv.Error as error:
        raise ProsecutionFormatError(table, f"the header cannot be read as CSV: {error}") from None
    names = [name.strip() for name in header]
    positions = _check_header(table, names)
    rows: list[tuple[int, list[str] | None, str]] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            rows.append((start, None, str(error)))
            continue
        line = reader.line_num
        if not row:
            continue  # an empty line between records (or at the end) holds nothing to read
        rows.append((start, row, ""))
        if progress is not None and len(rows) % 1000 == 0:
            progress(len(rows))
    return _Read(len(names), positions, rows)


class _Failures(Exception):
    def __init__(self, problems: list[tuple[str | None, str, str]]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class _Collect:
    """Runs each check of a line, collecting every problem rather than stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str | None, str, str]] = []

    def __call__(self, check: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        try:
            return check(*args, **kwargs)
        except _LineProblem as problem:
            self.problems.append((problem.column, problem.value, problem.message))
            return None

    def add(self, column: str, value: str, message: str) -> None:
        self.problems.append((column, value, message))

    def done(self) -> None:
        if self.problems:
            raise _Failures(self.problems)


Cell = Callable[[str], str]
Judge = Callable[[Cell, int], tuple[str | None, ...]]


def _build(
    table: str, read: _Read, judge: Judge, refused: Callable[[int, list[str]], None] | None = None
) -> tuple[Table, list[Problem]]:
    """Judge each line of one file: its kept values, or every problem that refuses it."""
    records: list[tuple[str | None, ...]] = []
    record_lines: list[int] = []
    rejected_lines: list[int] = []
    problems: list[Problem] = []
    width, positions = read.width, read.positions
    for line, row, csv_error in read.rows:
        found: list[tuple[str | None, str, str]]
        if row is None:
            found = [(None, "", f"unreadable CSV: {csv_error}")]
        elif len(row) != width:
            found = [
                (None, "", f"{len(row)} field{'' if len(row) == 1 else 's'} where the header has {width}")
            ]
        elif not any(value.strip() for value in row):
            found = [(None, "", "blank line")]
        else:

            def cell(name: str, row: list[str] = row) -> str:
                return row[positions[name]]

            try:
                records.append(judge(cell, line))
            except _Failures as failures:
                found = failures.problems
            else:
                record_lines.append(line)
                continue
        if refused is not None and row is not None:
            refused(line, row)
        rejected_lines.append(line)
        problems.extend(Problem(table, line, column, value, message) for column, value, message in found)
    return Table(table, COLUMNS[table], records, record_lines, len(read.rows), rejected_lines), problems


@dataclass
class _CaseIndex:
    valid: dict[int, tuple[str | None, str | None]]  # case id -> (year, state) of each valid case
    refused: dict[int, int]  # case id -> first line of the cases file refused that gives it
    lines: dict[int, int]  # case id -> line of the valid case


def _cases(read: _Read) -> tuple[Table, list[Problem], _CaseIndex]:
    index = _CaseIndex({}, {}, {})

    def judge(cell: Cell, line: int) -> tuple[str | None, ...]:
        check = _Collect()
        case_id = check(_whole, "id", cell("id"), required=True)
        year = check(_year, "year", cell("year"))
        state = check(_text, "state", cell("state"))
        district = check(_text, "federal_district", cell("federal_district"))
        defendants = check(_whole, "n_defendants", cell("n_defendants"))
        victims = [
            check(_whole, name, cell(name))
            for name in ("n_victims", "n_minors", "n_foreigners", "n_females", "n_males")
        ]
        if case_id is not None and case_id in index.lines:
            check.add("id", str(case_id), f"case id given twice: already on line {index.lines[case_id]}")
        check.done()
        assert case_id is not None
        index.valid[case_id] = (_str(year), state)
        index.lines[case_id] = line
        return (
            str(case_id),
            _str(year),
            state,
            district,
            _str(defendants),
            _band(defendants, DEFENDANTS_BANDS),
            *(_str(number) for number in victims),
        )

    def refused(line: int, row: list[str]) -> None:
        case_id = _case_id_of(row, read.positions)
        if case_id is not None and case_id not in index.lines:
            index.refused.setdefault(case_id, line)

    table, problems = _build(CASES, read, judge, refused)
    # A case refused for its own problems after a valid line with the same id: the valid one stands.
    for case_id in index.valid:
        index.refused.pop(case_id, None)
    return table, problems, index


def _case_id_of(row: list[str], positions: dict[str, int]) -> int | None:
    """The case id a refused line gives, if it can be read (to say that its defendants' case was refused)."""
    text = row[positions["id"]].strip() if len(row) > positions["id"] else ""
    return int(text) if text.isascii() and _WHOLE.match(text) and len(text) < 12 else None


def _case_link(check: _Collect, cell: Cell, cases: _CaseIndex) -> tuple[int, str | None, str | None] | None:
    """(case id, year, state) of the case a defendant or judge line names, or a problem when it names none."""
    case_id = check(_whole, "case_id", cell("case_id"), required=True)
    if case_id is None:
        return None
    if case_id in cases.valid:
        return (case_id, *cases.valid[case_id])
    if case_id in cases.refused:
        check.add(
            "case_id", str(case_id), f"its case was refused (line {cases.refused[case_id]} of the cases file)"
        )
    else:
        check.add("case_id", str(case_id), f"case {case_id} is not in the cases file")
    return None


def _defendants(read: _Read, cases: _CaseIndex, notes: Counter[str]) -> tuple[Table, list[Problem]]:
    def judge(cell: Cell, line: int) -> tuple[str | None, ...]:
        check = _Collect()
        link = _case_link(check, cell, cases)
        gender = check(_text, "gender", cell("gender"))
        age = check(_whole, "arrest_age", cell("arrest_age"))
        if age is not None and not AGE_MIN <= age <= AGE_MAX:
            check.add("arrest_age", str(age), f"age {age:,} is not between {AGE_MIN} and {AGE_MAX}")
        race = check(_text, "race", cell("race"))
        arrest_year = check(_date_year, "arrest_date", cell("arrest_date"))
        charge_year = check(_date_year, "charge_date", cell("charge_date"))
        statutes = check(_statutes, "statute_sentence", cell("statute_sentence"))
        counts_charged = check(_counts, "statute_counts", cell("statute_counts"))
        dismissed = check(_counts, "statute_plea_dismissed", cell("statute_plea_dismissed"))
        pleaded = check(_counts, "statute_plea_guilty", cell("statute_plea_guilty"))
        guilty = check(_counts, "statute_trial_guilty", cell("statute_trial_guilty"))
        not_guilty = check(_counts, "statute_trial_ng", cell("statute_trial_ng"))
        charges = check(_whole, "n_charges", cell("n_charges"))
        sentences = check(_whole, "n_sentences", cell("n_sentences"))
        terminated = check(_year, "year_terminated", cell("year_terminated"))
        months = check(_whole, "total_months_sentenced", cell("total_months_sentenced"))
        probation = check(_whole, "total_months_probation", cell("total_months_probation"))
        restitution = check(_amount, "restitution", cell("restitution"))
        forfeiture_charged = check(_text, "forfeiture_charge", cell("forfeiture_charge"))
        forfeiture_sentenced = check(_text, "forfeiture_sentence", cell("forfeiture_sentence"))
        check.done()
        assert link is not None
        if sentences == UNKNOWN_CODE:
            sentences = None
        if months == UNKNOWN_CODE:
            months = None
            notes["months_sentenced_999"] += 1
        elif months is not None and months > LIFE_MONTHS:
            notes["months_sentenced_above_life"] += 1
        years = None
        if terminated is not None and charge_year is not None:
            if terminated >= charge_year:
                years = terminated - charge_year
            else:
                notes["terminated_before_charged"] += 1
        ordered = None if restitution is None else (YES if float(restitution) > 0 else NO)
        case_id, case_year, case_state = link
        return (
            str(case_id),
            case_year,
            case_state,
            gender,
            _band(age, AGE_BANDS),
            race,
            _str(arrest_year),
            _str(charge_year),
            statutes,
            _str(charges),
            _str(counts_charged),
            _str(pleaded),
            _str(dismissed),
            _str(guilty),
            _str(not_guilty),
            outcome_of(pleaded, dismissed, guilty, not_guilty),
            _str(sentences),
            _str(terminated),
            _str(years),
            _str(months),
            sentence_band(months),
            _str(probation),
            restitution,
            ordered,
            forfeiture_charged,
            forfeiture_sentenced,
        )

    return _build(DEFENDANTS, read, judge)


def _judges(read: _Read, cases: _CaseIndex, notes: Counter[str]) -> tuple[Table, list[Problem]]:
    per_case: Counter[int] = Counter()

    def judge(cell: Cell, line: int) -> tuple[str | None, ...]:
        check = _Collect()
        link = _case_link(check, cell, cases)
        race = check(_text, "race", cell("race"))
        gender = check(_text, "gender", cell("gender"))
        tenure = check(_year, "tenure", cell("tenure"))
        party = check(_text, "appointed_by", cell("appointed_by"))
        check.done()
        assert link is not None
        per_case[link[0]] += 1
        return (str(link[0]), link[1], link[2], gender, race, _str(tenure), party)

    table, problems = _build(JUDGES, read, judge)
    notes["cases_with_several_judges"] = sum(1 for count in per_case.values() if count > 1)
    return table, problems


def read_prosecutions(
    cases: Iterable[str],
    defendants: Iterable[str],
    judges: Iterable[str],
    *,
    progress: Callable[[str, int], None] | None = None,
) -> ProsecutionFiles:
    """Read the three files of the dataset, each given as lines (an open text file, ideally opened with
    newline="", or text.splitlines(keepends=True)).

    Raises ProsecutionFormatError for a header that is not the file's, before any data line of any file is
    judged; never for a bad data line (see ProsecutionFiles.problems). ``progress`` gets the table and the
    number of its records read, every 1,000 records.
    """

    def reporter(table: str) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(table, done))

    reads = {
        table: _read_file(table, lines, reporter(table))
        for table, lines in ((CASES, cases), (DEFENDANTS, defendants), (JUDGES, judges))
    }
    notes: Counter[str] = Counter()
    case_table, case_problems, index = _cases(reads[CASES])
    defendant_table, defendant_problems = _defendants(reads[DEFENDANTS], index, notes)
    judge_table, judge_problems = _judges(reads[JUDGES], index, notes)
    return ProsecutionFiles(
        case_table,
        defendant_table,
        judge_table,
        [*case_problems, *defendant_problems, *judge_problems],
        {key: count for key, count in sorted(notes.items()) if count},
    )


def read_prosecutions_paths(
    cases: str | Path,
    defendants: str | Path,
    judges: str | Path,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> ProsecutionFiles:
    """Read the three files from disk (UTF-8; a byte that is not makes a problem on its line's value)."""
    handles = [
        open(path, encoding="utf-8", errors="surrogateescape", newline="")  # noqa: SIM115 - closed below
        for path in (cases, defendants, judges)
    ]
    try:
        return read_prosecutions(*handles, progress=progress)
    finally:
        for handle in handles:
            handle.close()
