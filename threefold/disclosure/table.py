"""The tables that go in and come out of suppression: plain frozen dataclasses, no Django.

A `CountTable` holds true counts and must never reach a page. A `ProtectedTable` is what a page may show: it
keeps the value of a cell only when that cell is shown, so a template cannot leak a suppressed count by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """What a page does with one count (a cell, a row or column total, or the grand total)."""

    SHOWN = "shown"
    # Suppressed because the count itself is small (0 < count < k; also 0 when zeros are not published).
    # A page may say "fewer than k": the protection already assumes that the reader knows it.
    PRIMARY = "primary"
    # Suppressed, although the count is not small, so that the small ones cannot be worked out from the rest.
    # A page may say "suppressed to protect another cell": the reader then knows the count is at least k, and
    # the protection assumes that too.
    SECONDARY = "secondary"


@dataclass(frozen=True)
class CountTable:
    """A two-way table of true, non-negative integer counts: ``cells[i][j]`` is row ``rows[i]`` by column
    ``columns[j]``. Totals are computed, never given, so they always add up."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if not self.rows or not self.columns:
            raise ValueError("a count table needs at least one row and one column")
        for name, labels in (("row", self.rows), ("column", self.columns)):
            if len(set(labels)) != len(labels):
                raise ValueError(f"{name} labels must be unique: {labels!r}")
        if len(self.cells) != len(self.rows):
            raise ValueError(f"{len(self.rows)} rows labelled but {len(self.cells)} rows of cells given")
        for label, row in zip(self.rows, self.cells, strict=True):
            if len(row) != len(self.columns):
                raise ValueError(f"row {label!r} has {len(row)} cells, expected {len(self.columns)}")
            for count in row:
                # bool is an int subclass: True as a count is a bug upstream, not a 1.
                if type(count) is not int or count < 0:
                    raise ValueError(f"row {label!r}: counts must be non-negative integers, got {count!r}")

    @classmethod
    def from_counts(
        cls, rows: Iterable[str], columns: Iterable[str], counts: Mapping[tuple[str, str], int]
    ) -> CountTable:
        """Build a table from ``{(row, column): count}``, e.g. the result of a GROUP BY. Absent pairs count 0;
        a pair whose row or column is not listed is an error rather than being dropped silently."""
        row_labels, column_labels = tuple(rows), tuple(columns)
        unknown = [pair for pair in counts if pair[0] not in row_labels or pair[1] not in column_labels]
        if unknown:
            raise ValueError(f"counts for rows or columns not in the table: {sorted(unknown)!r}")
        cells = tuple(tuple(counts.get((r, c), 0) for c in column_labels) for r in row_labels)
        return cls(row_labels, column_labels, cells)

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.cells, strict=True))

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)


@dataclass(frozen=True)
class Cell:
    """One published count. ``value`` is the count when shown and None otherwise.

    ``lower`` and ``upper`` are what anyone can deduce about a suppressed count from everything published
    (shown counts, shown totals, the statuses, and that counts are whole and non-negative); ``upper`` is None
    when nothing caps it. They are computed from the published table alone, so showing them discloses nothing
    new; for a shown count both equal the value.
    """

    status: Status
    value: int | None
    lower: int
    upper: int | None

    @property
    def shown(self) -> bool:
        return self.status is Status.SHOWN

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.SHOWN


@dataclass(frozen=True)
class ProtectedTable:
    """What a page may publish: every cell and total with its status, and the rules it was protected under."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell
    k: int
    protection: int
    publish_zeros: bool
    _row_index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    _column_index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row_index", {label: i for i, label in enumerate(self.rows)})
        object.__setattr__(self, "_column_index", {label: j for j, label in enumerate(self.columns)})

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[self._row_index[row]][self._column_index[column]]

    def row_total(self, row: str) -> Cell:
        return self.row_totals[self._row_index[row]]

    def column_total(self, column: str) -> Cell:
        return self.column_totals[self._column_index[column]]

    def all_counts(self) -> Iterable[Cell]:
        """Every cell, then the row totals, the column totals and the grand total."""
        for row in self.cells:
            yield from row
        yield from self.row_totals
        yield from self.column_totals
        yield self.grand_total

    def count(self, status: Status) -> int:
        """How many cells and totals have this status."""
        return sum(1 for cell in self.all_counts() if cell.status is status)
