"""Protected tables, raw tallies and privacy releases as CSV-ready rows and JSON. Pure Python.

One line per count, the fields it is counted by first: the long format every spreadsheet and statistics tool
reads. A suppressed count has no number, only its status, and totals are lines whose field reads ALL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from threefold.disclosure import Cell, Status
from threefold.insight.core.crosstab import Published, Tally
from threefold.insight.core.frame import MISSING

ALL = "(all)"
UNKNOWN = "(unknown)"  # how a missing value (suppressed, unknown, not recorded) is written in a file


def _key(value: str) -> str:
    return UNKNOWN if value == MISSING else value


def status_text(cell: Cell, k: int) -> str:
    if cell.status is Status.SHOWN:
        return "shown"
    return f"fewer than {k}" if cell.status is Status.PRIMARY else "suppressed to protect another cell"


def published_rows(published: Published) -> list[dict[str, Any]]:
    """Every cell and total of a protected table, one dict per count: the fields, count (None if hidden), status."""
    table = published.table
    single = not published.column_field
    rows: list[dict[str, Any]] = []

    def add(row_key: Sequence[str], column: str | None, cell: Cell) -> None:
        line: dict[str, Any] = dict(zip(published.row_fields, row_key, strict=True))
        if column is not None:
            line[published.column_field] = column
        line["count"] = cell.value
        line["status"] = status_text(cell, table.k)
        rows.append(line)

    all_row = tuple(ALL for _ in published.row_fields)
    for row_key, cells, total in zip(published.row_keys, table.cells, table.row_totals, strict=True):
        shown_key = tuple(_key(value) for value in row_key)
        if single:
            add(shown_key, None, total)
            continue
        for column, cell in zip(table.columns, cells, strict=True):
            add(shown_key, _key(column), cell)
        add(shown_key, ALL, total)
    if not single:
        for column, cell in zip(table.columns, table.column_totals, strict=True):
            add(all_row, _key(column), cell)
    add(all_row, None if single else ALL, table.grand_total)
    return rows


def tally_rows(counts: Tally) -> list[dict[str, Any]]:
    """True counts of every non-empty combination (raw output, for an explicitly allowed member only)."""
    return [
        {**{field: _key(value) for field, value in zip(counts.fields, key, strict=True)}, "count": count}
        for key, count in counts.nonzero()
    ]


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A value starting with = + - @ would be run as a formula by a spreadsheet: quote it as text.
        writer.writerow({key: _safe(value) for key, value in row.items()})
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_json(rows: Sequence[dict[str, Any]], **about: Any) -> str:
    return json.dumps({**about, "rows": list(rows)}, ensure_ascii=False, indent=2)
