"""Reading a table of list overlaps for multiple systems estimation: the one reader of ``manage.py mse`` and of the
"Estimate the hidden number" page. Pure Python: no Django.

The table is CSV text with a header: a ``count`` column (any letter case) and one column per list, each list
column 0 or 1 (is the case on that list?), one line per combination of lists, the number of cases with exactly
that combination in ``count``. Combinations not given count 0; a combination given twice is added up. A table
pasted from a spreadsheet is separated by tabs (or, in some locales, by semicolons): the header line says which.

All or nothing: any malformed line (a value other than 0/1, a count that is not a whole number of 0 or more, a
line with too many or too few values, cases on no list) refuses the whole table with every problem listed by
line number, in `TableInputError`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from threefold.insight.core.mse import Lists, ListsError

# What `TableInputError.kind` says went wrong, for a caller that words the message itself.
EMPTY: Final = "empty"  # no line at all
UNREADABLE: Final = "unreadable"  # not CSV (an unclosed quote, a NUL byte...)
HEADER: Final = "header"  # no 'count' column, or more than one
NO_COUNTS: Final = "no_counts"  # a header and nothing else
PROBLEMS: Final = "problems"  # malformed lines, each in ``problems``
_LINE: Final = re.compile(r"line (\d+)")


class TableInputError(ValueError):
    """The table was not used. ``kind`` is one of the constants above; ``line`` the header's line for HEADER;
    ``problems`` every malformed line ("line 5: ...") for PROBLEMS, in line order; ``reason`` the CSV error for
    UNREADABLE. The message names the table (``name``) the way ``manage.py mse`` prints it."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        problems: Sequence[str] = (),
        line: int | None = None,
        reason: str = "",
    ) -> None:
        self.kind = kind
        self.problems = tuple(problems)
        self.line = line
        self.reason = reason
        super().__init__(message)


def read_table(lines: Iterable[str], name: str) -> Lists:
    """The CSV text's table of capture histories (``lines`` as a file handle gives them, or ``text.splitlines(True)``);
    ``name`` names the table in messages ("uk_2013.csv"). Raises TableInputError, never a partial table.

    A UnicodeDecodeError of the handle's own decoding is left to the caller, which knows the file.
    """
    materialised = list(lines)
    try:
        numbered = _numbered(csv.reader(materialised, delimiter=_delimiter(materialised)))
    except csv.Error as error:
        raise TableInputError(
            f"{name} is not a readable CSV file: {error}.", kind=UNREADABLE, reason=str(error)
        ) from error
    return read_rows(numbered, name)


def read_text(text: str, name: str) -> Lists:
    """`read_table` of a whole text (a pasted table, a small upload already decoded)."""
    return read_table(text.splitlines(keepends=True), name)


def read_rows(lines: Sequence[tuple[int, Sequence[str]]], name: str) -> Lists:
    """The table from rows already split into cells, each with its line number: the header first, then one row
    per combination of lists. Blank rows should be left out by the caller (`read_table` does)."""
    if not lines:
        raise TableInputError(
            f"{name} is empty: it needs a header line and one line per combination of lists.", kind=EMPTY
        )
    header_line, header = lines[0]
    labels = [str(cell).strip() for cell in header]
    count_columns = [k for k, label in enumerate(labels) if label.lower() == "count"]
    if len(count_columns) != 1:
        found = "no" if not count_columns else "more than one"
        raise TableInputError(
            f"{name} line {header_line}: the header has {found} 'count' column; it needs exactly one "
            "'count' column and one column per list (0 or 1).",
            kind=HEADER,
            line=header_line,
        )
    position = count_columns[0]
    names = [label for k, label in enumerate(labels) if k != position]
    problems: list[str] = []
    rows: list[tuple[list[str], str]] = []
    row_labels: list[str] = []
    for number, row in lines[1:]:
        if len(row) != len(labels):
            problems.append(f"line {number}: {len(row)} values, but the header has {len(labels)} columns")
            continue
        rows.append(([str(cell) for k, cell in enumerate(row) if k != position], str(row[position])))
        row_labels.append(f"line {number}")
    if not rows and not problems:
        raise TableInputError(f"{name} has a header but no line of counts.", kind=NO_COUNTS)
    try:
        table = Lists.from_rows(names, rows, row_labels)
    except ListsError as error:
        problems.extend(
            problem if problem.startswith("line ") else f"line {header_line} (header): {problem}"
            for problem in error.problems
            if not (problems and problem == "no case is on any list")
        )
    if problems:
        problems.sort(key=_line_of)
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise TableInputError(
            f"{name} was not used: {len(problems)} problem(s), nothing estimated.\n{listed}",
            kind=PROBLEMS,
            problems=problems,
        )
    return table


def _delimiter(lines: Sequence[str]) -> str:
    """A comma, unless the header line has none and has tabs (a spreadsheet's copy) or semicolons."""
    header = next((line for line in lines if line.strip()), "")
    if "," not in header:
        if "\t" in header:
            return "\t"
        if ";" in header:
            return ";"
    return ","


def _numbered(reader: Any) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on (a quoted value may span lines)."""
    out = []
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            out.append((start, row))
        start = reader.line_num + 1
    return out


def _line_of(problem: str) -> int:
    found = _LINE.match(problem)
    return int(found.group(1)) if found else 0
