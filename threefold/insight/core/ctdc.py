"""Reader for CTDC (Counter Trafficking Data Collaborative) victim-data CSV files. Pure Python, no Django.

Two layouts are known, told apart by the header row alone:

- ``K_ANONYMISED``: the official "Global K-anonymised Dataset". ``;``-separated. Its first column is headed
  by a terms-of-use notice ("By using this data you agree to the Terms of Use: https://...") and is always
  empty; then 63 data columns, four of them ``*Concatenated`` text summaries of flag groups, and
  ``isSlaveryAndPractices``. A blank cell means suppressed by k-anonymisation or unknown.
- ``SURE_2018``: a 2018 download of the global victim dataset (exported from R by the sure2018 project).
  ``,``-separated, 58 columns: the k-anonymised columns minus the four ``*Concatenated`` ones and
  ``isSlaveryAndPractices``, in the same order.

The layout is decided by the set of column names, not by the delimiter: the delimiter is sniffed from the
header, so a ``;`` file with the 2018 columns is read as the 2018 layout. A header matching neither raises
CtdcFormatError before any data line is read.

Kinds of column (decided from the real files, see ``column_kind``):

- year (``yearOfRegistration``): a whole number from 1990 to 2100.
- flag (names starting ``is``, ``meansOfControl``, ``typeOfLabour``, ``typeOfSex``, ``recruiterRelation``,
  except ``*Concatenated``): ``0`` or ``1``. The 2018 file holds nothing else besides blanks.
- country (``citizenship``, ``CountryOfExploitation``): an ISO 3166 alpha-2 code, two capital letters A-Z.
  The shape is checked, not the assignment: user-assigned codes such as ``XK`` (Kosovo, used by IOM) pass,
  and checking that a code names a country is the job of the country reference table. ``NA`` here is
  Namibia, never a missing value. The 2018 file has 42 and 52 distinct codes, plus ``Unknown`` and
  ``Missing``; no ``00``, ``-99`` or ``XK``.
- category (everything else: ``Datasource``, ``gender``, ``ageBroad``, ``majorityStatus*``,
  ``RecruiterRelationship``, the ``*Concatenated`` columns): free text, stripped, at most 200 characters, no
  control characters. ``RecruiterRelationship`` holds ``;``-joined multiple values ("Friend; Other").

Missing values: the spellings in MISSING_SPELLINGS, compared without regard to case (the k-anonymised
sample has "Not Specified" in RecruiterRelationship but "Not specified" in meansOfControlConcatenated),
become None and are counted per column and original spelling. The 2018 file uses "" (1,667,367 cells of
valid records), "Unknown" (62,760) and "Missing" (11,894); it has no "NA", "Not Specified", "N/A", "NULL"
or "-99". Those last three are not treated as missing: a spelling nobody has seen should show up (as a
problem, or as a category of its own in a count) rather than silently vanish.

A defective data line never stops the reader: every problem of the line is collected, the line is left out
of ``records`` and listed in ``rejected_lines``, and the caller shows the report and decides whether to
import nothing or only the valid lines.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import compress, repeat
from operator import is_
from pathlib import Path

K_ANONYMISED_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    "typeOfExploitConcatenated",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
)
# The k-anonymised columns the 2018 download does not have (checked against both real headers).
NOT_IN_2018: frozenset[str] = frozenset(
    {
        "meansOfControlConcatenated",
        "typeOfExploitConcatenated",
        "typeOfLabourConcatenated",
        "typeOfSexConcatenated",
        "isSlaveryAndPractices",
    }
)
SURE_2018_COLUMNS: tuple[str, ...] = tuple(name for name in K_ANONYMISED_COLUMNS if name not in NOT_IN_2018)

# The name Problem.column gives the terms-of-use notice column, which is not among CtdcFile.columns.
NOTICE_COLUMN = "(terms-of-use notice)"
# Matched by its start only: the notice carries a URL that CTDC may change.
NOTICE_PREFIX = "by using this data"

MISSING_SPELLINGS: tuple[str, ...] = ("", "NA", "Unknown", "Missing", "Not Specified")
_MISSING_FOLDED = frozenset(spelling.casefold() for spelling in MISSING_SPELLINGS)

# Registration years: CTDC's contributors' case-management records start in 2002 in the real data, and the
# Palermo Protocol dates from 2000, so anything before 1990 is a typo or a stray number. (The 2018 file ends
# with 1667367 and 139912, which look like leaked totals: its valid records have exactly 1,667,367 empty
# cells and 139,911 cells holding "1".) A fixed upper bound rather than "this year" keeps a file's verdict the same
# whenever it is read, while still catching five-digit typos.
YEAR_MIN = 1990
YEAR_MAX = 2100
# Longest category value accepted: the longest real one has 33 characters ("Family/Relative; Intimate
# Partner"); the *Concatenated columns join several labels, so 200 leaves room without letting a pasted
# document in.
MAX_VALUE_LENGTH = 200
# The csv module's own bound on one field, so that an unclosed quote cannot swallow the rest of a file into
# memory. Far above MAX_VALUE_LENGTH so that a merely long value reaches the checks and gets a clear message.
CSV_FIELD_LIMIT = 64 * 1024
# Distinct valid values remembered per column (each is validated once): real columns have at most a few
# dozen, and the bound keeps a hostile file with millions of distinct values from growing memory.
_MEMO_LIMIT = 2000
# Distinct whole lines remembered (each is parsed and judged once): bounded for the same reason, and only
# lines of ordinary length are worth keeping.
_MEMO_LINES = 100_000
_MEMO_LINE_LENGTH = 2000
# How much of an offending value a Problem shows.
_SHOWN_LENGTH = 80
# Format characters that reorder or break displayed text (Trojan-source style): refused like control
# characters because values end up in reports and tables read by people.
_FORBIDDEN_FORMAT = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)
)


class CtdcFormatError(ValueError):
    """The file is not a CTDC file (its header is unknown or unreadable): no data line was read."""


class Layout(StrEnum):
    K_ANONYMISED = "k_anonymised"
    SURE_2018 = "2018"


LAYOUT_COLUMNS: dict[Layout, tuple[str, ...]] = {
    Layout.K_ANONYMISED: K_ANONYMISED_COLUMNS,
    Layout.SURE_2018: SURE_2018_COLUMNS,
}


class Kind(StrEnum):
    YEAR = "year"
    FLAG = "flag"
    COUNTRY = "country"
    CATEGORY = "category"


_FLAG_PREFIXES = ("is", "meansOfControl", "typeOfLabour", "typeOfSex", "recruiterRelation")
_COUNTRY_COLUMNS = frozenset({"citizenship", "CountryOfExploitation"})


def column_kind(name: str) -> Kind:
    if name == "yearOfRegistration":
        return Kind.YEAR
    if name in _COUNTRY_COLUMNS:
        return Kind.COUNTRY
    # Case matters: "RecruiterRelationship" (capital R) is the text column, "recruiterRelation..." the flags.
    if name.startswith(_FLAG_PREFIXES) and not name.endswith("Concatenated"):
        return Kind.FLAG
    return Kind.CATEGORY


COLUMN_KINDS: dict[str, Kind] = {name: column_kind(name) for name in K_ANONYMISED_COLUMNS}


@dataclass(frozen=True)
class Problem:
    line: int  # physical line in the file, the header being line 1
    column: str | None  # None when the problem is the whole line's
    value: str  # the offending value as shown to a person: control characters escaped, long values cut
    message: str


@dataclass(frozen=True)
class CtdcFile:
    layout: Layout
    columns: tuple[str, ...]  # canonical names in file order, without the terms-of-use notice column
    records: list[tuple[str | None, ...]]  # valid records only; None = missing (suppressed or unknown)
    record_lines: list[int]  # physical line of each record
    data_lines: int  # CSV rows read after the header, blank and rejected ones included
    problems: list[Problem]  # every problem of every rejected line, in line order
    rejected_lines: list[int]
    missing: dict[str, dict[str, int]]  # column -> original spelling -> count, over valid records
    notice: str | None  # the terms-of-use notice heading the k-anonymised layout's first column

    @property
    def clean(self) -> bool:
        return not self.rejected_lines

    def column(self, name: str) -> list[str | None]:
        """Every valid record's value of one column."""
        position = self.columns.index(name)
        return [record[position] for record in self.records]


def _shown(value: str) -> str:
    cut = value[:_SHOWN_LENGTH]
    if not cut.isprintable():
        cut = "".join(
            ch
            if ch.isprintable() or ch == " "
            else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
            for ch in cut
        )
    if len(value) > _SHOWN_LENGTH:
        cut += f"... ({len(value)} characters)"
    return cut


def _bad_character(text: str) -> str | None:
    """Why text cannot be kept as a value, if a character in it is unfit for a report."""
    # isprintable() is a fast C check that passes almost every real value; only the rest is looked at closely.
    if text.isprintable():
        return None
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            # Lone surrogates are what read_ctdc_path's errors="surrogateescape" makes of bytes that are not UTF-8.
            return "is not valid UTF-8 text"
        if category == "Cc" or ch in _FORBIDDEN_FORMAT:
            return f"holds the control character U+{ord(ch):04X}"
    return None


def _check(kind: Kind, raw: str) -> tuple[str | None, str | None]:
    """(normalised value, None) for a valid value, None meaning missing; (None, message) for a bad one."""
    if len(raw) > MAX_VALUE_LENGTH:
        return None, f"value of {len(raw)} characters is longer than the {MAX_VALUE_LENGTH} allowed"
    text = raw.strip()
    bad = _bad_character(text)
    if bad is not None:
        return None, f"value {bad}"
    # "NA" is Namibia's ISO code: in a country column it is a country, not R's missing value.
    if text.casefold() in _MISSING_FOLDED and not (kind is Kind.COUNTRY and text == "NA"):
        return None, None
    if kind is Kind.FLAG:
        if text in ("0", "1"):
            return text, None
        return None, f"flag {_shown(text)!r} is not 0 or 1"
    if kind is Kind.YEAR:
        if not (text.isascii() and text.isdigit()):
            return None, f"year {_shown(text)!r} is not a whole number"
        year = int(text)
        if not YEAR_MIN <= year <= YEAR_MAX:
            return None, f"impossible year {year}: not between {YEAR_MIN} and {YEAR_MAX}"
        return str(year), None
    if kind is Kind.COUNTRY:
        if len(text) == 2 and text.isascii() and text.isalpha() and text.isupper():
            return text, None
        return None, f"country {_shown(text)!r} is not an ISO 3166 alpha-2 code (two capital letters A-Z)"
    return text, None


# For the other readers of published files (threefold.insight.core.prosecutions): the same rules for what a
# value may hold and how an offending one is shown.
shown = _shown
bad_character = _bad_character


def _sniff_delimiter(header: str) -> str:
    semicolons, commas = header.count(";"), header.count(",")
    if semicolons == commas == 0:
        found = " (it looks tab-separated)" if "\t" in header else ""
        raise CtdcFormatError(
            f"not a CTDC file: the header has neither ';' nor ',' between column names{found}: "
            f"{_shown(header.rstrip())!r}"
        )
    return ";" if semicolons > commas else ","


def _listed(names: Iterable[str], limit: int = 12) -> str:
    names = sorted(names)
    shown = ", ".join(_shown(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _match_layout(names: list[str], delimiter: str) -> Layout:
    twice = [name for name, count in Counter(names).items() if count > 1]
    if twice:
        raise CtdcFormatError(f"not a CTDC file: column named more than once: {_listed(twice)}")
    seen = set(names)
    differences: list[tuple[int, Layout, set[str], set[str]]] = []
    for layout, expected in LAYOUT_COLUMNS.items():
        missing, unknown = set(expected) - seen, seen - set(expected)
        if not missing and not unknown:
            return layout
        differences.append((len(missing) + len(unknown), layout, missing, unknown))
    _, closest, missing, unknown = min(differences, key=lambda difference: difference[0])
    parts = [f"not a CTDC file: the header matches no known layout (closest: {closest.value}, "]
    parts.append(
        f"{len(LAYOUT_COLUMNS[closest])} columns; this header has {len(names)}, split on {delimiter!r})"
    )
    if missing:
        parts.append(f"; missing columns: {_listed(missing)}")
    if unknown:
        parts.append(f"; unknown columns: {_listed(unknown)}")
        folded = {name.casefold(): name for name in missing}
        hints = [
            f"{name} -> {folded[name.casefold()]}" for name in sorted(unknown) if name.casefold() in folded
        ]
        if hints:
            parts.append(f" (names differ only in case: {', '.join(hints)})")
    if len(names) == 1:
        parts.append("; the header has a single column: is the delimiter something else?")
    raise CtdcFormatError("".join(parts))


class _Feeder:
    """The csv reader's input: the line handed over, then (for a quoted field running on) the next ones.

    Feeding one line at a time lets a line already seen skip CSV parsing altogether; counting the lines the
    reader pulls on its own keeps problems on physical line numbers when a record spans several.
    """

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.pending: str | None = None
        self.pulled = 0  # continuation lines taken from source by the csv reader

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pending is not None:
            line, self.pending = self.pending, None
            return line
        line = next(self.source)
        self.pulled += 1
        return line


@dataclass(slots=True)
class _Outcome:
    """What a line's text amounts to, whatever its line number: identical lines share one."""

    values: tuple[str | None, ...] | None  # None when the line is rejected
    problems: tuple[tuple[str | None, str, str], ...]  # (column, value shown, message)
    fields: list[str]  # the raw values, notice column left out
    missing: tuple[int, ...]  # positions of the missing values (their spelling is in fields)
    uses: int = 0

    def count_missing(self, counts: Counter[tuple[int, str]], times: int) -> None:
        fields = self.fields
        for position in self.missing:
            counts[position, fields[position]] += times


def read_ctdc(
    lines: Iterable[str],
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> CtdcFile:
    """Read a CTDC CSV file given as lines (an open text file, ideally opened with newline="").

    Raises CtdcFormatError for an unknown header; never for a bad data line (see CtdcFile.problems). Line
    numbers count the items of ``lines``. ``progress`` gets the number of data lines read every
    ``progress_every`` lines and once at the end.
    """
    if isinstance(lines, str):
        # A str is an iterable of characters: every character would be read as a line.
        raise TypeError("read_ctdc takes lines (an open file or text.splitlines(keepends=True)), not one str")
    if progress_every < 1:
        raise ValueError(f"progress_every must be at least 1, not {progress_every}")
    source = iter(lines)
    first = next(source, None)
    if first is None:
        raise CtdcFormatError("not a CTDC file: the file is empty, with no header line")
    first = first.removeprefix("\ufeff")
    delimiter = _sniff_delimiter(first)

    # field_size_limit is process-wide: set for this read only and put back, whatever happens.
    saved_limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        feeder = _Feeder(source)
        reader = csv.reader(feeder, delimiter=delimiter)
        feeder.pending = first
        try:
            header = next(reader)
        except csv.Error as error:
            raise CtdcFormatError(
                f"not a CTDC file: the header line cannot be read as CSV: {error}"
            ) from None
        names = [name.strip() for name in header]
        notice: str | None = None
        if names and names[0].casefold().startswith(NOTICE_PREFIX):
            notice = names.pop(0)
        layout = _match_layout(names, delimiter)
        reading = _Reading(tuple(names), notice is not None, delimiter)
        return reading.run(feeder, reader, 1 + feeder.pulled, layout, notice, progress, progress_every)
    finally:
        csv.field_size_limit(saved_limit)


class _Reading:
    """The state of one read: per-column and per-line memos, so each distinct value and line is judged once."""

    def __init__(self, columns: tuple[str, ...], has_notice: bool, delimiter: str) -> None:
        self.columns = columns
        self.kinds = [COLUMN_KINDS[name] for name in columns]
        self.has_notice = has_notice
        self.width = len(columns) + has_notice
        self.delimiter = delimiter
        # Per column, each valid raw value seen -> its normalised value.
        self.memos: list[dict[str, str | None]] = [{} for _ in columns]
        # The 2018 file has 7,634 distinct lines among 47,106: most lines cost one dict lookup.
        self.outcomes: dict[str, _Outcome] = {}

    def run(
        self,
        feeder: _Feeder,
        reader: Iterator[list[str]],
        header_lines: int,
        layout: Layout,
        notice: str | None,
        progress: Callable[[int], None] | None,
        progress_every: int,
    ) -> CtdcFile:
        records: list[tuple[str | None, ...]] = []
        record_lines: list[int] = []
        problems: list[Problem] = []
        rejected_lines: list[int] = []
        # Missing values of lines not kept in self.outcomes; the others are added up at the end from their uses.
        missing_counts: Counter[tuple[int, str]] = Counter()
        outcomes = self.outcomes
        physical = header_lines
        data_lines = 0
        reported = 0

        for line in feeder.source:
            physical += 1
            start = physical
            data_lines += 1
            if progress is not None and data_lines % progress_every == 0:
                progress(data_lines)
                reported = data_lines
            outcome = outcomes.get(line)
            if outcome is None:
                feeder.pending = line
                pulled = feeder.pulled
                try:
                    row = next(reader, None)
                except csv.Error as error:
                    # The csv reader starts afresh on the next physical line: the file can be read past this.
                    physical += feeder.pulled - pulled
                    span = f"line {start}" if physical == start else f"lines {start}-{physical}"
                    rejected_lines.append(start)
                    problems.append(Problem(start, None, "", f"unreadable CSV ({span}): {error}"))
                    continue
                physical += feeder.pulled - pulled
                outcome = self.judge(row or [])
                if physical == start and len(line) <= _MEMO_LINE_LENGTH and len(outcomes) < _MEMO_LINES:
                    outcomes[line] = outcome
                elif outcome.values is not None:
                    outcome.count_missing(missing_counts, 1)
            outcome.uses += 1
            if outcome.values is None:
                rejected_lines.append(start)
                problems.extend(
                    Problem(start, column, value, message) for column, value, message in outcome.problems
                )
            else:
                records.append(outcome.values)
                record_lines.append(start)

        if progress is not None and (reported != data_lines or data_lines == 0):
            progress(data_lines)
        for outcome in outcomes.values():
            if outcome.values is not None:
                outcome.count_missing(missing_counts, outcome.uses)
        missing: dict[str, dict[str, int]] = {name: {} for name in self.columns}
        for (position, spelling), count in sorted(
            missing_counts.items(), key=lambda item: (item[0][0], -item[1])
        ):
            missing[self.columns[position]][spelling] = count
        return CtdcFile(
            layout=layout,
            columns=self.columns,
            records=records,
            record_lines=record_lines,
            data_lines=data_lines,
            problems=problems,
            rejected_lines=rejected_lines,
            missing=missing,
            notice=notice,
        )

    def judge(self, row: list[str]) -> _Outcome:
        """The outcome of one CSV row: its normalised values, or every problem it has."""
        if not any(row):
            return _Outcome(None, ((None, "", "blank line"),), row, ())
        if len(row) != self.width:
            message = f"{len(row)} field{'' if len(row) == 1 else 's'} where the header has {self.width}"
            return _Outcome(None, ((None, _shown(self.delimiter.join(row)), message),), row, ())
        line_problems: list[tuple[str | None, str, str]] = []
        fields = row
        if self.has_notice:
            if row[0].strip():
                line_problems.append(
                    (
                        NOTICE_COLUMN,
                        _shown(row[0]),
                        "the terms-of-use column, always empty, holds a value: the line is probably shifted",
                    )
                )
            fields = row[1:]
        try:
            values = [memo[raw] for memo, raw in zip(self.memos, fields, strict=True)]
        except KeyError:
            values = self.validate(fields, line_problems)
        if line_problems:
            return _Outcome(None, tuple(line_problems), fields, ())
        if values.count(None) == len(values) and not any(raw.strip() for raw in fields):
            return _Outcome(None, ((None, "", "blank line"),), fields, ())
        missing = tuple(compress(range(len(values)), map(is_, values, repeat(None))))
        return _Outcome(tuple(values), (), fields, missing)

    def validate(
        self, fields: list[str], line_problems: list[tuple[str | None, str, str]]
    ) -> list[str | None]:
        """Check each value not seen before in its column, remember the valid ones, collect every problem."""
        values: list[str | None] = []
        for position, raw in enumerate(fields):
            memo = self.memos[position]
            if raw in memo:
                values.append(memo[raw])
                continue
            value, error = _check(self.kinds[position], raw)
            if error is not None:
                line_problems.append((self.columns[position], _shown(raw), error))
            elif len(memo) < _MEMO_LIMIT:
                memo[raw] = value
            values.append(value)
        return values


def read_ctdc_path(
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> CtdcFile:
    """Read a CTDC file from disk. Bytes that are not UTF-8 make a problem on their line, not a crash."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return read_ctdc(handle, progress=progress, progress_every=progress_every)
