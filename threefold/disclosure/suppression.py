"""Primary and complementary suppression of a two-way count table, checked by maximum flows.

See the package docstring for the method in plain words; this module is its implementation. Vocabulary:

- The *grid* is the table with its totals, (R+1) x (C+1), as in `threefold.disclosure.intervals`.
- A *rectangle* is four suppressed entries at the corners of two grid rows and two grid columns. Adding ``d`` to
  two opposite corners and taking ``d`` from the other two (with the sign flipped on a totals row or column)
  changes no row or column sum, so every published number stays the same: a reader cannot tell the real table
  from the shifted one as long as all four corners stay inside the ranges their statuses announce. The largest
  shift up plus the largest shift down is the rectangle's *width*: a lower bound on how wide the reader's
  interval is for each of its corners.

Time goes to two places: choosing rectangles (`_choose`, numpy over the whole grid per suppressed entry, but
first over the already suppressed rows and columns only, which settles most entries of a large table) and the
check (`IntervalCheck`, whose cost is known before it runs and is bounded by `MAX_CHECK_WORK`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from threefold.disclosure.intervals import Bounds, Entry, IntervalCheck, sign
from threefold.disclosure.table import Cell, CountTable, ProtectedTable, Status

DEFAULT_K = 11


class CannotProtectError(RuntimeError):
    """No suppression pattern found protects the table: publish none of it."""


class TooDetailedError(CannotProtectError):
    """The table has so many small counts, so entangled, that checking a pattern would take too long (see
    `MAX_CHECK_WORK`): publish none of it, and count by fewer or coarser fields."""


# The most work the checks of one table may take, in the unit of `IntervalCheck.work`: the arcs and nodes of the
# maximum-flow graphs, summed over the bounds to find. The time of a check is proportional to it: 10 to 18 million
# units a second were measured (2 shared cores), on CTDC 2018 cross-tabs and on random tables of up to 5,000
# cells. So this is about two seconds of checking at the slowest rate measured; the tables measured just under it
# took 1.6 to 2.1 s in all. The work grows with the square of the number of hidden counts that share rows and
# columns: the CTDC citizenship x ageBroad x RecruiterRelationship table (153 x 16, 2,539 counts hidden in one
# piece) needs 8.8 million and is protected in about a second; with isForcedLabour added (245 x 16, 4,090
# hidden) it would need 21.7 million, and is refused after choosing its secondary suppressions (under a second).
# The primary suppressions alone give a lower bound: a table far over the limit is refused in hundredths of a
# second, before anything else is done.
MAX_CHECK_WORK = 20_000_000


def default_protection(k: int) -> int:
    """Half the "fewer than k" band, rounded down, at least 1: 5 for k = 11."""
    return max(1, (k - 1) // 2)


def suppress(
    table: CountTable,
    k: int = DEFAULT_K,
    *,
    protection: int | None = None,
    publish_zeros: bool = True,
    total_published_elsewhere: bool = False,
) -> ProtectedTable:
    """Protect ``table`` for publication with its row, column and grand totals.

    Every count (cell or total) with ``0 < count < k`` is suppressed (primary); zeros too when
    ``publish_zeros`` is False. More counts are then suppressed (secondary) until, for every suppressed count,
    the whole numbers a reader cannot rule out from the published table span at least ``protection``
    (``highest - lowest >= protection``; default `default_protection`). The reader is assumed to know each
    count's status. If that cannot be reached with zeros shown, zeros are suppressed too and the result's
    ``publish_zeros`` is False. Raises `CannotProtectError` if no pattern protects the table (the caller must
    then publish nothing of it), its subclass `TooDetailedError` if checking the table would take more than
    `MAX_CHECK_WORK`, and ValueError for rules under which "fewer than k" alone gives a count away.

    ``total_published_elsewhere``: another table of the same records shows the grand total (a page of several
    one-field tables, say), so hiding it here protects nothing. It is then never suppressed to protect a cell
    (only when it is itself below k, which hides it in every table alike); a table that cannot be protected
    with its grand total shown raises `CannotProtectError`. Without it, [0, 11, 1] is published with its total
    12 hidden, and the total shown beside another table gives the 1 away.
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
    budget = _Budget(MAX_CHECK_WORK)  # for both tries: with zeros shown, then maybe hidden
    try:
        grid, intervals = _protect(table, k, floor, protection, budget, total_published_elsewhere)
    except TooDetailedError:
        raise  # hiding zeros too would only hide more
    except CannotProtectError:
        if not publish_zeros:
            raise
        grid, intervals = _protect(table, k, 0, protection, budget, total_published_elsewhere)
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


def _protect(
    table: CountTable, k: int, floor: int, protection: int, budget: _Budget, keep_total: bool
) -> tuple[_Grid, dict[Entry, Bounds]]:
    grid = _Grid(table, k, floor, keep_total=keep_total)
    if not grid.suppressed():
        return grid, {}
    # Refuse at once a table whose primary suppressions alone make the check too long: complementary
    # suppression only adds to that work (more bounds to find, on larger pieces of the network).
    budget.refuse_beyond(grid.check())
    return grid, _complement(grid, protection, budget)


class _Budget:
    """The work left for the checks of one table (`MAX_CHECK_WORK` at first)."""

    def __init__(self, work: int) -> None:
        self.left = work

    def refuse_beyond(self, check: IntervalCheck) -> IntervalCheck:
        """``check``, if there is work enough left to run it; else `TooDetailedError`."""
        if check.work > self.left:
            raise TooDetailedError(
                f"checking this table would take too long (work {check.work:,}, more than the {self.left:,} "
                f"left of the limit of {MAX_CHECK_WORK:,}): it has too many small counts; count by fewer or "
                "coarser fields"
            )
        return check

    def spend(self, check: IntervalCheck) -> IntervalCheck:
        """``check``, its work taken from what is left; `TooDetailedError` if there is not enough."""
        self.refuse_beyond(check)
        self.left -= check.work
        return check


@dataclass
class _Arrays:
    signs_x: np.ndarray
    signs_y: np.ndarray
    room_up: np.ndarray  # how far each entry can rise within what its status (or secondary, if new) tells
    room_down: np.ndarray  # and fall
    usable: np.ndarray  # suppressed, or may become secondary
    hidden: np.ndarray  # suppressed
    new: np.ndarray  # 1 where shown now and may become secondary
    new_total: np.ndarray  # 1 where that entry is a total
    new_value: np.ndarray  # its count where new


class _Grid:
    """True counts and current statuses of every grid entry; bounds are what each status tells a reader."""

    def __init__(self, table: CountTable, k: int, floor: int, *, keep_total: bool = False) -> None:
        self.n_rows, self.n_columns = len(table.rows), len(table.columns)
        self.k, self.floor = k, floor
        # Entries that may never become secondary: the grand total, when it is published elsewhere.
        self.kept: frozenset[Entry] = frozenset({(self.n_rows, self.n_columns)} if keep_total else ())
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
        arrays = self._arrays
        for x, y in entries:
            self.status[x][y] = Status.SECONDARY
            if (
                arrays is not None
            ):  # kept up to date in place: rebuilding them per rectangle was most of the time
                arrays.room_up[x, y] = math.inf
                arrays.room_down[x, y] = self.values[x][y] - self.k
                arrays.usable[x, y] = arrays.hidden[x, y] = True
                arrays.new[x, y] = arrays.new_total[x, y] = 0
                arrays.new_value[x, y] = 0.0

    def arrays(self) -> _Arrays:
        """What rectangle scoring needs, for every entry at once; built once, then updated by `set_secondary`."""
        if self._arrays is None:
            values = np.array(self.values, dtype=float)
            primary = np.array([[status is Status.PRIMARY for status in row] for row in self.status])
            shown = np.array([[status is Status.SHOWN for status in row] for row in self.status])
            # A shown count may become secondary when it is at least k: a published zero stays published, and so
            # does a kept entry.
            kept = np.zeros_like(shown)
            for x, y in self.kept:
                kept[x, y] = True
            new = shown & (values >= self.k) & ~kept
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
                hidden=~shown,
                new=new.astype(int),
                new_total=(new & total).astype(int),
                new_value=np.where(new, values, 0.0),
            )
        return self._arrays

    def check(self) -> IntervalCheck:
        """The check of the current pattern, set up: its `work` is known before it runs."""
        shown = {(x, y): self.values[x][y] for x, y in self.entries() if self.status[x][y] is Status.SHOWN}
        suppressed: dict[Entry, Bounds] = {}
        for x, y in self.suppressed():
            low, high = self.bounds(self.status[x][y])
            suppressed[(x, y)] = (low, None if high == math.inf else int(high))
        truth = {entry: self.values[entry[0]][entry[1]] for entry in suppressed}
        return IntervalCheck(self.n_rows, self.n_columns, shown, suppressed, witness=truth)

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


def _shifts(
    arrays: _Arrays, entry: Entry, rows: np.ndarray | slice, columns: np.ndarray | slice
) -> tuple[np.ndarray, np.ndarray]:
    """For each rectangle with ``entry`` at one corner and its opposite corner in ``rows`` x ``columns``: how far
    ``entry`` can go up, and down, with the three other corners shifted the opposite ways, each within its room."""
    x, y = entry
    sx, sy = arrays.signs_x, arrays.signs_y
    # Direction of each corner when `entry` goes up: opposite corner (x2, y2), same row (x, y2), same column (x2, y).
    same_row = -sy[columns] * sy[y] > 0
    same_column = -sx[rows] * sx[x] > 0
    opposite = np.outer(sx[rows], sy[columns]) * sx[x] * sy[y] > 0

    def rooms(goes_up: np.ndarray, up: np.ndarray, down: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(goes_up, up, down), np.where(goes_up, down, up)

    row_up, row_down = rooms(same_row, arrays.room_up[x, columns], arrays.room_down[x, columns])
    column_up, column_down = rooms(same_column, arrays.room_up[rows, y], arrays.room_down[rows, y])
    far_up, far_down = rooms(opposite, arrays.room_up[rows][:, columns], arrays.room_down[rows][:, columns])
    up = np.minimum(np.minimum(far_up, row_up[None, :]), np.minimum(column_up[:, None], arrays.room_up[x, y]))
    down = np.minimum(
        np.minimum(far_down, row_down[None, :]), np.minimum(column_down[:, None], arrays.room_down[x, y])
    )
    return up, down


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
    if skip_if_covered:
        # Only rectangles of suppressed corners can cover: score those alone first (a few rows and columns
        # rather than the whole grid), which spares the full scoring for most entries of a large table.
        rows = np.flatnonzero(arrays.hidden[:, y])
        columns = np.flatnonzero(arrays.hidden[x, :])
        rows, columns = rows[rows != x], columns[columns != y]
        if rows.size and columns.size:
            up, down = _shifts(arrays, entry, rows, columns)
            if ((up + down >= protection) & arrays.hidden[np.ix_(rows, columns)]).any():
                return ()
    everything = slice(None)
    up, down = _shifts(arrays, entry, everything, everything)
    width = up + down

    usable = arrays.usable & arrays.usable[x, :][None, :] & arrays.usable[:, y][:, None]
    usable[x, :] = False
    usable[:, y] = False
    new_count = arrays.new + arrays.new[x, :][None, :] + arrays.new[:, y][:, None]
    new_totals = arrays.new_total + arrays.new_total[x, :][None, :] + arrays.new_total[:, y][:, None]
    new_sum = arrays.new_value + arrays.new_value[x, :][None, :] + arrays.new_value[:, y][:, None]
    enough = width >= protection

    candidates = np.flatnonzero(usable & (new_count > 0) & (enough | (width > 0)))
    if not candidates.size:
        return ()
    tier = np.where(enough, 0, 2) + (new_totals > 0)
    shortfall = np.where(enough, 0.0, -width)
    # The first candidate in order of tier, shortfall, new totals, new sum, new count, then reading order:
    # keep the candidates tied on each key in turn (a lexicographic minimum without sorting the whole grid).
    for key in (tier, shortfall, new_totals, new_sum, new_count):
        values = key.ravel()[candidates]
        candidates = candidates[values == values.min()]
    best = int(candidates[0])
    x2, y2 = divmod(best, grid.n_columns + 1)
    return tuple(corner for corner in ((x, y2), (x2, y), (x2, y2)) if arrays.new[corner])


def _complement(grid: _Grid, protection: int, budget: _Budget) -> dict[Entry, Bounds]:
    """Add secondary suppressions until the check (`threefold.disclosure.intervals`) finds every suppressed
    entry protected; return what a reader can deduce about each. Each check is paid for from ``budget``."""

    def add(corners: tuple[Entry, ...]) -> bool:
        grid.set_secondary(corners)
        return bool(corners)

    # First pass, cheap: give each primary entry one wide enough rectangle unless it already has one.
    for entry in grid.suppressed():
        add(_choose(grid, entry, protection, skip_if_covered=True))

    # Then check what a reader can really deduce, and widen whatever is still too narrow.
    fell_back = False
    while True:
        intervals = budget.spend(grid.check()).intervals()
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
                and entry not in grid.kept
            )
        )
        fell_back = True
