"""Counts and cross-tabs of a frame, and the protected tables made from them. Pure Python and numpy.

A cross-tab by n fields is counted in one pass (``numpy.bincount`` over combined codes). For publication it
is laid out as a two-way table: one row per combination of the first n - 1 fields that has any record, one
column per value of the last field, with row, column and grand totals. That table goes through
threefold.disclosure (primary suppression below k, complementary suppression checked by maximum flows), so no
hidden count can be worked out from what is shown beside it.

Left out rows: a combination of the first n - 1 fields with no record at all is not listed, which tells a
reader it is empty. That is the zero rule of threefold.disclosure (zeros are published by default) applied to
whole rows. When an empty combination is itself sensitive, count by fewer fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import prod

import numpy as np

from threefold.disclosure import DEFAULT_K, CountTable, ProtectedTable, suppress
from threefold.insight.core.frame import Frame, FrameError

# A published table of more cells than this is not read by anyone: the caller is asked to count by fewer fields
# or to filter. (How long protection may take is bounded apart, by threefold.disclosure: a table whose small
# counts are too many and too entangled to check in a page's time raises TooDetailedError, a CannotProtectError.)
MAX_PUBLISHED_CELLS = 5_000
# More fields than this make a table nobody can read and every cell small.
MAX_FIELDS = 6
ROW_KEY_SEPARATOR = " · "


@dataclass(frozen=True, eq=False)
class Tally:
    """True counts by every combination of the fields' keys (MISSING included): never to be shown as is."""

    fields: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]  # per field, every key (MISSING first)
    counts: np.ndarray  # shape (len(keys[0]), len(keys[1]), ...)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def count(self, *keys: str) -> int:
        index = tuple(field_keys.index(key) for field_keys, key in zip(self.keys, keys, strict=True))
        return int(self.counts[index])

    def nonzero(self) -> Iterable[tuple[tuple[str, ...], int]]:
        """Every combination with at least one record and its count, in key order."""
        for index in zip(*np.nonzero(self.counts), strict=True):
            yield tuple(keys[i] for keys, i in zip(self.keys, index, strict=True)), int(self.counts[index])


def tally(frame: Frame, by: Sequence[str], *, where: Mapping[str, Iterable[str]] | None = None) -> Tally:
    """Count the frame's records (those selected by ``where``) by every combination of ``by``."""
    if not by:
        raise FrameError("count by at least one field")
    if len(set(by)) != len(by):
        raise FrameError(f"a field is named twice: {list(by)!r}")
    if len(by) > MAX_FIELDS:
        raise FrameError(f"count by at most {MAX_FIELDS} fields at once, not {len(by)}")
    columns = [frame.column(name) for name in by]
    shape = tuple(len(column.levels) + 1 for column in columns)
    selected = frame.mask(where) if where else None
    codes = [column.codes if selected is None else column.codes[selected] for column in columns]
    flat = (
        np.ravel_multi_index([c.astype(np.int64) for c in codes], shape)
        if codes[0].size
        else np.array([], int)
    )
    counts = np.bincount(flat, minlength=prod(shape)).reshape(shape)
    return Tally(tuple(by), tuple(column.every_key() for column in columns), counts)


@dataclass(frozen=True)
class Published:
    """A protected two-way layout of a tally: the table a page or a file may show, and what its rows are."""

    fields: tuple[str, ...]
    row_fields: tuple[str, ...]  # the fields whose combinations make the rows
    # The field whose values make the columns; "" for a count by one field (one COUNT_COLUMN).
    row_keys: tuple[tuple[str, ...], ...]  # per row, its key in each row field
    column_field: str
    table: ProtectedTable


COUNT_COLUMN = "count"  # the only column of a count by one field, whose values make the rows


def layout(counts: Tally) -> tuple[CountTable, tuple[tuple[str, ...], ...]]:
    """The two-way table of a tally: rows = non-empty combinations of all but the last field, columns = every
    key of the last field. A count by one field is one column (COUNT_COLUMN) with a row per key, every key
    listed, so that it reads down a phone screen."""
    if len(counts.fields) == 1:
        keys = counts.keys[0]
        single: tuple[tuple[int, ...], ...] = tuple((int(count),) for count in counts.counts)
        return CountTable(tuple(keys), (COUNT_COLUMN,), single), tuple((key,) for key in keys)
    last = counts.counts.shape[-1]
    by_row = counts.counts.reshape(-1, last)
    row_fields = counts.keys[:-1]
    combinations = list(np.ndindex(*(len(keys) for keys in row_fields)))
    kept = [i for i in range(by_row.shape[0]) if by_row[i].any()] or [0]
    row_keys = tuple(
        tuple(keys[j] for keys, j in zip(row_fields, combinations[i], strict=True)) for i in kept
    )
    labels = tuple(ROW_KEY_SEPARATOR.join(key) for key in row_keys)
    if len(set(labels)) != len(labels):  # a key containing the separator: fall back to positions
        labels = tuple(f"row {i + 1}" for i in range(len(row_keys)))
    cells: tuple[tuple[int, ...], ...] = tuple(tuple(int(count) for count in by_row[i]) for i in kept)
    return CountTable(labels, counts.keys[-1], cells), row_keys


def protect(counts: Tally, k: int = DEFAULT_K, *, publish_zeros: bool = True) -> Published:
    """Suppress the tally's two-way layout for publication (threefold.disclosure.suppress)."""
    table, row_keys = layout(counts)
    cells = len(table.rows) * len(table.columns)
    if cells > MAX_PUBLISHED_CELLS:
        raise FrameError(
            f"this table would have {cells:,} cells ({len(table.rows):,} rows by {len(table.columns):,} columns);"
            f" at most {MAX_PUBLISHED_CELLS:,} can be published: count by fewer fields or filter"
        )
    single = len(counts.fields) == 1
    return Published(
        fields=counts.fields,
        row_fields=counts.fields if single else counts.fields[:-1],
        row_keys=row_keys,
        column_field="" if single else counts.fields[-1],
        # Every table of a source is published beside others of the same records (a dashboard, the count of
        # records on the dataset's page): their grand total is public, so it may never be hidden to protect a
        # cell here, or another table's total would give the cell away.
        table=suppress(table, k, publish_zeros=publish_zeros, total_published_elsewhere=True),
    )
