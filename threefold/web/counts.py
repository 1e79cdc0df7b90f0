"""What a page shows of a protected count table (threefold.disclosure): labels resolved, only published cells,
and a bar chart of the published cells. Shared by every page that shows counts about people."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from threefold.disclosure import Cell, ProtectedTable, Status

# Each bar of a chart is drawn in a 0..100 box stretched to the width of the page.
BAR_BOX = 100
# Colours with at least 4.5:1 contrast on white, in column order when a page gives none of its own.
PALETTE = ("#0b4f8a", "#a4001d", "#8a5300", "#2e6b30", "#5a2d82", "#505a5f")


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    cells: tuple[tuple[str, Cell], ...]  # (column label, cell)
    total: Cell


@dataclass(frozen=True)
class CountsTable:
    columns: tuple[tuple[str, str], ...]  # (column key, label)
    rows: tuple[CountRow, ...]
    column_totals: tuple[tuple[str, Cell], ...]  # (column label, total)
    grand_total: Cell
    k: int
    primary: int  # how many counts read "fewer than k"
    secondary: int  # how many are hidden to protect another
    publish_zeros: bool

    @property
    def single(self) -> bool:
        """One column: its cells are the row totals, so a page shows them once."""
        return len(self.columns) == 1


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    cell: Cell
    x: float  # where the bar starts in the 0..BAR_BOX box: 0, or the far end for right-to-left pages
    width: float
    colour: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: tuple[Bar, ...]


def present(
    protected: ProtectedTable, *, row_label: Callable[[str], str], column_labels: Mapping[str, str]
) -> CountsTable:
    labels = tuple(str(column_labels[column]) for column in protected.columns)
    return CountsTable(
        columns=tuple(zip(protected.columns, labels, strict=True)),
        rows=tuple(
            CountRow(row, row_label(row), tuple(zip(labels, cells, strict=True)), total)
            for row, cells, total in zip(protected.rows, protected.cells, protected.row_totals, strict=True)
        ),
        column_totals=tuple(zip(labels, protected.column_totals, strict=True)),
        grand_total=protected.grand_total,
        k=protected.k,
        primary=protected.count(Status.PRIMARY),
        secondary=protected.count(Status.SECONDARY),
        publish_zeros=protected.publish_zeros,
    )


def chart(table: CountsTable, *, rtl: bool, colours: Mapping[str, str] | None = None) -> tuple[BarGroup, ...]:
    """Bars for the published cells only, scaled to the largest published cell; a hidden cell has no bar."""
    largest = max(
        (cell.value or 0 for row in table.rows for _label, cell in row.cells if cell.shown), default=0
    )
    palette = {
        key: (colours or {}).get(key, PALETTE[i % len(PALETTE)]) for i, (key, _) in enumerate(table.columns)
    }
    if not largest:
        return ()  # every count is hidden or zero: a chart of empty bars would say nothing
    groups = []
    for row in table.rows:
        bars = []
        for (key, label), (_label, cell) in zip(table.columns, row.cells, strict=True):
            width = round(BAR_BOX * (cell.value or 0) / largest, 2) if cell.shown and largest else 0.0
            bars.append(Bar(key, label, cell, BAR_BOX - width if rtl else 0.0, width, palette[key]))
        groups.append(BarGroup(row.label, tuple(bars)))
    return tuple(groups)
