"""Reading an uploaded CSV file: size limit, UTF-8, a header naming known columns, one dict per data line with
its line number. Problems are reported as ``threefold.countries.loaders`` reports them (``Problem``, ``Parsed``,
``BadFileError``), so every import of the project reads the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from threefold.countries.loaders.results import BadFileError

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the record starts (a quoted value may run over several lines)
    values: dict[str, str]  # column -> stripped value ("" when the line is short)
    extra_cells: int  # cells past the header's columns: a problem of the row, not of the file


def read_csv(data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> Iterator[CsvRow]:
    """Yield each non-blank data row with its line number.

    Raises ``BadFileError`` before any row for a file that is too large, not UTF-8, or whose header is not the
    expected columns (any order, any case; optional ones may be missing), and part-way for a line the csv
    module cannot read or past ``MAX_DATA_ROWS`` rows: the caller stores nothing then.
    """
    if len(data) > MAX_CSV_BYTES:
        raise BadFileError(f"the file is larger than {MAX_CSV_BYTES // 1024} KB")
    try:
        # utf-8-sig: a file re-saved by a spreadsheet program starts with a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFileError(f"not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    if "\x00" in text:
        raise BadFileError("not a text file (it contains NUL bytes)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BadFileError(f"line 1: {exc}") from None
    expected = [*required, *optional]
    if header is None:
        raise BadFileError(f"empty file; expected a header line {','.join(required)}")
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in expected]
    missing = [name for name in required if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        raise BadFileError(
            f"line 1 should be the header {','.join(expected)} (the last {len(optional)} optional), "
            f"found {','.join(names)[:200]}"
        )
    rows = 0
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadFileError(f"line {reader.line_num}: {exc}") from None
        # A quoted value may span lines: the record starts on the line after the previous one ended.
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_DATA_ROWS:
            raise BadFileError(f"more than {MAX_DATA_ROWS} data rows; split the file")
        if any(len(cell) > MAX_FIELD_CHARS for cell in cells):
            raise BadFileError(f"line {start}: a value is longer than {MAX_FIELD_CHARS} characters")
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        yield CsvRow(start, values, max(0, len(cells) - len(names)))
