"""Opening a small UTF-8 CSV file and checking its header, shared by the treaty and tier readers."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from threefold.countries.loaders.results import BadFileError


def read_csv(path: Path, expected_header: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each non-blank data line, after checking the header is exactly right.

    The files are small (a few thousand lines), so the whole file is decoded first: a file that is not UTF-8
    (a renamed spreadsheet, a Latin-1 export) is refused as a whole instead of failing half-way.
    """
    try:
        # utf-8-sig: a file re-saved by a spreadsheet program starts with a byte-order mark.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFileError(f"{path.name}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    expected = list(expected_header)
    if header is None:
        raise BadFileError(f"{path.name}: empty file; expected a header line {expected}")
    if [cell.strip() for cell in header] != expected:
        raise BadFileError(f"{path.name}: line 1 should be the header {expected}, found {header}")
    for cells in reader:
        if any(cell.strip() for cell in cells):
            # splitlines() gives one record per line (none of these files quote a newline), so line_num is exact.
            yield reader.line_num, cells
