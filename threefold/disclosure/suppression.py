"""Primary and complementary suppression of a two-way count table, checked by linear programming.

See the package docstring for the method in plain words; this module is its implementation. Vocabulary:

- The *grid* is the table with its totals, (R+1) x (C+1), as in `threefold.disclosure.intervals`.
- A *rectangle* is four suppressed entries at the corners of two grid rows and two grid columns. Adding ``d`` to
  two opposite corners and taking ``d`` from the other two (with the sign flipped on a totals row or column)
  changes no row or column sum, so every published number stays the same: a reader cannot tell the real table
  from the shifted one as long as all four corners stay inside the ranges their statuses announce. The largest
  shift up plus the largest shift down is the rectangle's *width*: a lower bound on how wide the reader's
  interval is for each of its corners.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from threefold.disclosure.intervals import Bounds, Entry, feasible_intervals, sign
from threefold.disclosure.table import Cell, CountTable, ProtectedTable, Status

DEFAULT_K = 11


class CannotProtectError(RuntimeError):
    """No suppression pattern found protects the table: publish none of it."""


def default_protection(k: int) -> int:
    """Half the "fewer than k" band, rounded down, at least 1: 5 for k = 11."""
    return max(1, (k - 1) // 2)


def suppress(
    table: CountTable,
    k: int = DEFAULT_K,
    *,
    protection: int | None = None,
    publish_zeros: bool = True,
) -> ProtectedTable:
    """Protect ``table`` for publication with its row, column and grand totals.

    Every count (cell or total) with ``0 < count < k`` is suppressed (primary); zeros too when
    ``publish_zeros`` is False. More counts are then suppressed (secondary) until, for every suppressed count,
    the whole numbers a reader cannot rule out from the published table span at least ``protection``
    (``highest - lowest >= protection``; default `default_protection`). The reader is assumed to know each
    count's status. If that cannot be reached with zeros shown, zeros are suppressed too and the result's
    ``publish_zeros`` is False. Raises `CannotProtectError` if no pattern protects the table (the caller must
    then publish nothing of it), and ValueError for rules under which "fewer than k" alone gives a count away.
    """
    if type(k) is not int or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    floor = 1 if publish_zeros else 0
    if protection is None:
        protection = default_protection(k)
    if type(protection) is not int or protection < 1:
        raise ValueError(f"protection must be a positive integer, got {protection!r}")
    band = k - 1 - floor  # width of what "fewer than k" already tells: [floor, k - 1]
    if band >= 0 and protection > band:
        if band == 0:
            raise ValueError(
                f"with k={k} and publish_zeros={publish_zeros}, 'fewer than {k}' can only mean {floor}: "
                "raise k or stop publishing zeros"
            )
        raise ValueError(f"protection={protection} is wider than the {floor}..{k - 1} band that k={k} leaves")

    # Published zeros make "fewer than k" mean "at least 1", which with a small total can pin a count (a total
    # "fewer than 3" over two "fewer than 3" cells: both are 1). Then zeros are suppressed too.
    if publish_zeros and _small_total_pins_counts(table, k, protection):
        publish_zeros, floor = False, 0
    try:
        grid, intervals = _protect(table, k, floor, protection)
    except CannotProtectError:
        if not publish_zeros:
            raise
        grid, intervals = _protect(table, k, 0, protection)
        publish_zeros = False
    return grid.protected(table, intervals, protection, publish_zeros)


def _small_total_pins_counts(table: CountTable, k: int, protection: int) -> bool:
    """Whether, with zeros shown, some total below k pins its counts whatever else is suppressed.

    A total below k over m non-zero counts: each count is "fewer than k" too, so at least 1, and they add up
    to the total, which is at most k - 1. Each count is then at most k - m, and the total at least m: both are
    known to within k - 1 - m. (Only a shortcut: without it the search finds the same thing, slowly.)
    """
    lines = [list(row) for row in table.cells] + [list(column) for column in zip(*table.cells, strict=True)]
    lines.append(list(table.row_totals))
    lines.append(list(table.column_totals))
    return any(0 < sum(line) < k and k - 1 - sum(1 for count in line if count) < protection for line in lines)


def _protect(table: CountTable, k: int, floor: int, protection: int) -> tuple[_Grid, dict[Entry, Bounds]]:
    grid = _Grid(table, k, floor)
    return grid, (_complement(grid, protection) if grid.suppressed() else {})


@dataclass(frozen=True)
class _Arrays:
    signs_x: np.ndarray
    signs_y: np.ndarray
    room_up: np.ndarray  # how far each entry can rise within what its status (or secondary, if new) tells
    room_down: np.ndarray  # and fall
    usable: np.ndarray  # suppressed, or may become secondary
    new: np.ndarray  # 1 where shown now and may become secondary
    new_total: np.ndarray  # 1 where that entry is a total
    new_value: np.ndarray  # its count where new


class _Grid:
    """True counts and current statuses of every grid entry; bounds are what each status tells a reader."""

    def __init__(self, table: CountTable, k: int, floor: int) -> None:
        self.n_rows, self.n_columns = len(table.rows), len(table.columns)
        self.k, self.floor = k, floor
        self.values = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
        self.values.append([*table.column_totals, table.grand_total])
        self.status = [
            [Status.PRIMARY if floor <= value < k else Status.SHOWN for value in row] for row in self.values
        ]
        self.signs_x = [sign(x, self.n_rows) for x in range(self.n_rows + 1)]
        self.signs_y = [sign(y, self.n_columns) for y in range(self.n_columns + 1)]
        self._arrays: _Arrays | None = None

    def entries(self) -> Iterator[Entry]:
        for x in range(self.n_rows + 1):
            for y in range(self.n_columns + 1):
                yield (x, y)

    def suppressed(self) -> list[Entry]:
        return [(x, y) for x, y in self.entries() if self.status[x][y] is not Status.SHOWN]

    def bounds(self, status: Status) -> tuple[int, float]:
        if status is Status.PRIMARY:
            return self.floor, self.k - 1
        return self.k, math.inf

    def set_secondary(self, entries: Iterable[Entry]) -> None:
        for x, y in entries:
            self.status[x][y] = Status.SECONDARY
        self._arrays = None

    def arrays(self) -> _Arrays:
        """What rectangle scoring needs, for every entry at once; rebuilt after each change of status."""
        if self._arrays is None:
            values = np.array(self.values, dtype=float)
            primary = np.array([[status is Status.PRIMARY for status in row] for row in self.status])
            shown = np.array([[status is Status.SHOWN for status in row] for row in self.status])
            # A shown count may become secondary when it is at least k: a published zero stays published.
            new = shown & (values >= self.k)
            low = np.where(primary, self.floor, self.k)
            high = np.where(primary, self.k - 1, math.inf)
            total = np.zeros_like(shown)
            total[self.n_rows, :] = True
            total[:, self.n_columns] = True
            self._arrays = _Arrays(
                signs_x=np.array(self.signs_x, dtype=float),
                signs_y=np.array(self.signs_y, dtype=float),
                room_up=high - values,
                room_down=values - low,
                usable=~shown | new,
                new=new.astype(int),
                new_total=(new & total).astype(int),
                new_value=np.where(new, values, 0.0),
            )
        return self._arrays

    def intervals(self) -> dict[Entry, Bounds]:
        shown = {(x, y): self.values[x][y] for x, y in self.entries() if self.status[x][y] is Status.SHOWN}
        suppressed: dict[Entry, Bounds] = {}
        for x, y in self.suppressed():
            low, high = self.bounds(self.status[x][y])
            suppressed[(x, y)] = (low, None if high == math.inf else int(high))
        truth = {entry: self.values[entry[0]][entry[1]] for entry in suppressed}
        return feasible_intervals(self.n_rows, self.n_columns, shown, suppressed, witness=truth)

    def protected(
        self, table: CountTable, intervals: dict[Entry, Bounds], protection: int, publish_zeros: bool
    ) -> ProtectedTable:

        def cell(x: int, y: int) -> Cell:
            status, value = self.status[x][y], self.values[x][y]
            if status is Status.SHOWN:
                return Cell(status, value, value, value)
            lowest, highest = intervals[(x, y)]
            return Cell(status, None, lowest, highest)

        rows = [tuple(cell(x, y) for y in range(self.n_columns + 1)) for x in range(self.n_rows + 1)]
        return ProtectedTable(
            rows=table.rows,
            columns=table.columns,
            cells=tuple(row[:-1] for row in rows[:-1]),
            row_totals=tuple(row[-1] for row in rows[:-1]),
            column_totals=rows[-1][:-1],
            grand_total=rows[-1][-1],
            k=self.k,
            protection=protection,
            publish_zeros=publish_zeros,
        )


def _choose(grid: _Grid, entry: Entry, protection: int, *, skip_if_covered: bool) -> tuple[Entry, ...]:
    """The corners to suppress so that ``entry`` gains the most protection for the least loss.

    Every rectangle with ``entry`` at a corner is scored at once (numpy arrays over the opposite corner).
    Preference: a rectangle wide enough on its own, of cells only, then one that needs a total; failing those,
    the widest rectangle (cells only first). Among equals, the smallest counts, then the fewest of them, then
    the first in reading order. With ``skip_if_covered``, nothing is added when already-suppressed corners
    form a wide enough rectangle.
    """
    x, y = entry
    arrays = grid.arrays()
    sx, sy = arrays.signs_x, arrays.signs_y
    # Direction of each corner when `entry` goes up: opposite corner (x2, y2), same row (x, y2), same column (x2, y).
    same_row = -sy * sy[y] > 0
    same_column = -sx * sx[x] > 0
    opposite = np.outer(sx, sy) * sx[x] * sy[y] > 0

    def rooms(goes_up: np.ndarray, up: np.ndarray, down: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(goes_up, up, down), np.where(goes_up, down, up)

    row_up, row_down = rooms(same_row, arrays.room_up[x, :], arrays.room_down[x, :])
    column_up, column_down = rooms(same_column, arrays.room_up[:, y], arrays.room_down[:, y])
    far_up, far_down = rooms(opposite, arrays.room_up, arrays.room_down)
    up = np.minimum(np.minimum(far_up, row_up[None, :]), np.minimum(column_up[:, None], arrays.room_up[x, y]))
    down = np.minimum(
        np.minimum(far_down, row_down[None, :]), np.minimum(column_down[:, None], arrays.room_down[x, y])
    )
    width = up + down

    usable = arrays.usable & arrays.usable[x, :][None, :] & arrays.usable[:, y][:, None]
    usable[x, :] = False
    usable[:, y] = False
    new_count = arrays.new + arrays.new[x, :][None, :] + arrays.new[:, y][:, None]
    new_totals = arrays.new_total + arrays.new_total[x, :][None, :] + arrays.new_total[:, y][:, None]
    new_sum = arrays.new_value + arrays.new_value[x, :][None, :] + arrays.new_value[:, y][:, None]
    enough = width >= protection

    if skip_if_covered and (usable & (new_count == 0) & enough).any():
        return ()
    candidates = (usable & (new_count > 0) & (enough | (width > 0))).ravel()
    if not candidates.any():
        return ()
    tier = np.where(enough, 0, 2) + (new_totals > 0)
    shortfall = np.where(enough, 0.0, -width)
    order = np.lexsort(
        (new_count.ravel(), new_sum.ravel(), new_totals.ravel(), shortfall.ravel(), tier.ravel())
    )
    best = int(order[candidates[order]][0])
    x2, y2 = divmod(best, grid.n_columns + 1)
    return tuple(corner for corner in ((x, y2), (x2, y), (x2, y2)) if arrays.new[corner])


def _complement(grid: _Grid, protection: int) -> dict[Entry, Bounds]:
    """Add secondary suppressions until linear programming finds every suppressed entry protected; return
    what a reader can deduce about each."""

    def add(corners: tuple[Entry, ...]) -> bool:
        grid.set_secondary(corners)
        return bool(corners)

    # First pass, cheap: give each primary entry one wide enough rectangle unless it already has one.
    for entry in grid.suppressed():
        add(_choose(grid, entry, protection, skip_if_covered=True))

    # Then check what a reader can really deduce, and widen whatever is still too narrow.
    fell_back = False
    while True:
        intervals = grid.intervals()
        narrow = [
            entry
            for entry, (lowest, highest) in intervals.items()
            if highest is not None and highest - lowest < protection
        ]
        if not narrow:
            return intervals
        added = False
        for entry in narrow:
            added |= add(_choose(grid, entry, protection, skip_if_covered=False))
        if added:
            continue
        if fell_back:
            raise CannotProtectError(
                f"{len(narrow)} suppressed counts stay narrower than {protection} even with every count suppressed"
            )
        # Last resort: suppress every count that may be suppressed.
        add(
            tuple(
                entry
                for entry in grid.entries()
                if grid.status[entry[0]][entry[1]] is Status.SHOWN
                and grid.values[entry[0]][entry[1]] >= grid.k
            )
        )
        fell_back = True
