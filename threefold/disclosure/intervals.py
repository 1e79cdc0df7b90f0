"""What a reader can deduce about each suppressed count of a published table, by linear programming.

The table is seen with its totals as one (R+1) x (C+1) grid: entry ``(x, y)`` is a cell when ``x < R`` and
``y < C``, row ``x``'s total when ``y == C``, column ``y``'s total when ``x == R``, and the grand total at
``(R, C)``. Every row of the grid adds up to its last entry, and so does every column. A reader knows the shown
entries, and for each suppressed one a range from its status (``[1, k-1]`` for "fewer than k", ``[k, ∞)`` for
"suppressed to protect another cell"). The smallest and largest value a suppressed entry can take in any grid
that agrees with all of that is what the reader can learn about it; this module computes both for every
suppressed entry with ``scipy.optimize.linprog``.

Whole numbers: a count is an integer, so a reader who finds the real interval [2.3, 2.9] knows nothing is
possible, and one who finds [2.2, 3.1] knows the count is 3. Here that cannot go wrong: the equations of a
two-way table with its totals are those of a flow around a circuit (grand total → row → cell → column →
grand total), whose matrix is totally unimodular, so with whole-number bounds and shown values every corner of
the feasible region is a whole-number table, and the linear-programming minimum and maximum are themselves
whole numbers, attained by real tables. They are still rounded inwards (up for a minimum, down for a maximum)
after a small tolerance: solver noise cannot make an interval look wider than it is, and the reported interval
is exactly the set of whole numbers a reader cannot rule out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog

Entry = tuple[int, int]
Bounds = tuple[int, int | None]

# Solver results are within ~1e-9 of the true whole-number optimum; anything beyond this is a real fraction.
_TOLERANCE = 1e-6


class InconsistentTableError(ValueError):
    """The shown values and the statuses contradict each other: no table of counts matches them."""


def sign(index: int, size: int) -> int:
    """+1 for a row (or column) of cells, -1 for the totals row (or column) at index ``size``."""
    return -1 if index == size else 1


def feasible_intervals(
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None = None,
) -> dict[Entry, Bounds]:
    """The whole-number interval ``(lowest, highest)`` that each suppressed entry can take, given the shown
    entries and each suppressed entry's bounds; ``highest`` is None when nothing caps it.

    Every entry of the ``(n_rows + 1) x (n_columns + 1)`` grid must be in exactly one of ``shown`` and
    ``suppressed``. The problem splits into independent pieces (suppressed entries linked through a shared
    row or column), each solved on its own. ``witness``, when given, is one table known to match (the true
    one): it only spares solves, and the result does not depend on it.
    """
    grid = {(x, y) for x in range(n_rows + 1) for y in range(n_columns + 1)}
    if set(shown) | set(suppressed) != grid or set(shown) & set(suppressed):
        raise ValueError("every entry of the grid must be either shown or suppressed, and not both")

    # Each grid row and column is one equation: sum of sign * entry == 0, with shown entries moved to the right.
    # An equation where everything is shown must already hold.
    for line in _lines(n_rows, n_columns):
        if all(entry in shown for entry in line) and _known_side(line, shown, n_rows, n_columns) != 0:
            raise InconsistentTableError(f"shown entries do not add up along {line}")

    intervals: dict[Entry, Bounds] = {}
    for component in _components(suppressed, n_rows, n_columns):
        intervals.update(_solve_component(component, n_rows, n_columns, shown, suppressed, witness))
    return intervals


def _lines(n_rows: int, n_columns: int) -> list[list[Entry]]:
    rows = [[(x, y) for y in range(n_columns + 1)] for x in range(n_rows + 1)]
    columns = [[(x, y) for x in range(n_rows + 1)] for y in range(n_columns + 1)]
    return rows + columns


def _coefficient(entry: Entry, n_rows: int, n_columns: int, along_row: bool) -> int:
    # Along a grid row the totals column carries -1; along a grid column the totals row does.
    return sign(entry[1], n_columns) if along_row else sign(entry[0], n_rows)


def _known_side(line: list[Entry], shown: Mapping[Entry, int], n_rows: int, n_columns: int) -> int:
    along_row = line[0][0] == line[-1][0]
    return sum(
        _coefficient(entry, n_rows, n_columns, along_row) * shown[entry] for entry in line if entry in shown
    )


def _components(suppressed: Mapping[Entry, Bounds], n_rows: int, n_columns: int) -> list[list[Entry]]:
    """Suppressed entries grouped so that no equation mixes two groups (union-find over rows and columns)."""
    parent = list(range(n_rows + 1 + n_columns + 1))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for x, y in suppressed:
        parent[find(x)] = find(n_rows + 1 + y)
    groups: dict[int, list[Entry]] = {}
    for entry in sorted(suppressed):
        groups.setdefault(find(entry[0]), []).append(entry)
    return list(groups.values())


def _solve_component(
    entries: list[Entry],
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None,
) -> dict[Entry, Bounds]:
    index = {entry: i for i, entry in enumerate(entries)}
    touched_rows = sorted({x for x, _ in entries})
    touched_columns = sorted({y for _, y in entries})
    lines = [[(x, y) for y in range(n_columns + 1)] for x in touched_rows]
    lines += [[(x, y) for x in range(n_rows + 1)] for y in touched_columns]

    a_eq = np.zeros((len(lines), len(entries)))
    b_eq = np.zeros(len(lines))
    for i, line in enumerate(lines):
        along_row = i < len(touched_rows)
        for entry in line:
            if entry in index:
                a_eq[i, index[entry]] = _coefficient(entry, n_rows, n_columns, along_row)
        b_eq[i] = -_known_side(line, shown, n_rows, n_columns)
    floors = [suppressed[entry][0] for entry in entries]
    ceilings = [suppressed[entry][1] for entry in entries]
    bounds = [
        (float(low), None if high is None else float(high))
        for low, high in zip(floors, ceilings, strict=True)
    ]
    unbounded = _unbounded_above(entries, suppressed, n_rows, n_columns)

    # Values seen in tables known to be feasible. A bound that such a table reaches needs no solve.
    seen_low: list[float] = [math.inf] * len(entries)
    seen_high: list[float] = [-math.inf] * len(entries)

    def see(values: Sequence[float]) -> None:
        for i, value in enumerate(values):
            seen_low[i] = min(seen_low[i], value)
            seen_high[i] = max(seen_high[i], value)

    def solve(objective: np.ndarray) -> Any:
        solution = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if solution.status == 0:
            see(solution.x)
        return solution

    if witness is not None:
        see([float(witness[entry]) for entry in entries])
    # Two aggregate solves first: pushing everything down (and everything capped up) at once puts many entries
    # on their bounds together, which spares most of the one-entry solves below.
    everything = np.ones(len(entries))
    if solve(everything).status != 0:
        raise InconsistentTableError("no table of counts matches what is published")
    capped = np.array([0.0 if high is None else -1.0 for high in ceilings])
    if capped.any():
        solve(capped)

    result: dict[Entry, Bounds] = {}
    objective = np.zeros(len(entries))
    for entry, i in index.items():
        if seen_low[i] - _TOLERANCE > floors[i]:
            objective[i] = 1.0
            low = solve(objective)
            objective[i] = 0.0
            if low.status != 0:
                raise InconsistentTableError(f"no table of counts matches what is published ({low.message})")
        ceiling = ceilings[i]
        if entry not in unbounded and (ceiling is None or seen_high[i] + _TOLERANCE < ceiling):
            objective[i] = -1.0
            high = solve(objective)
            objective[i] = 0.0
            if high.status != 0:
                raise InconsistentTableError(f"the maximum of {entry} could not be found ({high.message})")
        lowest = math.ceil(seen_low[i] - _TOLERANCE)
        highest = None if entry in unbounded else math.floor(seen_high[i] + _TOLERANCE)
        result[entry] = (lowest, highest)
    return result


def _unbounded_above(
    entries: list[Entry], suppressed: Mapping[Entry, Bounds], n_rows: int, n_columns: int
) -> set[Entry]:
    """Entries that can grow without limit, found without solving.

    Seen as a flow (grand total -> row total -> cell -> column total -> grand total), a change that keeps
    everything shown and can be repeated for ever must add to suppressed entries and take from none (every
    entry has a floor), and such a change is a sum of whole circuits: one cell, its row total, its column total
    and the grand total together. So an entry is unbounded above exactly when it is on such a circuit of four
    suppressed entries with no cap.
    """
    uncapped = {entry for entry in entries if suppressed[entry][1] is None}
    grand = (n_rows, n_columns)
    unbounded: set[Entry] = set()
    if grand not in uncapped:
        return unbounded
    for x, y in uncapped:
        if x < n_rows and y < n_columns:
            circuit = {(x, y), (x, n_columns), (n_rows, y), grand}
            if circuit <= uncapped:
                unbounded |= circuit
    return unbounded
