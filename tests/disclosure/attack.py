"""A reader who sees only a published table and tries to recover every hidden count, by integer programming.

Written apart from `threefold.disclosure.intervals` on purpose, so that the tests do not check the library
against itself: one unknown per hidden count, the sums written out as a person would write them, and scipy's
mixed-integer solver (whole numbers required, not a relaxation) asked for the smallest and largest value of
each unknown. The reader uses everything a page shows: shown counts and totals, and each hidden count's status
("fewer than k" is ``[1, k-1]``, or ``[0, k-1]`` when zeros are hidden; "to protect another cell" is at least k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from threefold.disclosure import Cell, CountTable, ProtectedTable, Status

# Stands for "no limit": a count the reader can push this high is not capped by anything published.
CAP = 10**6

Name = tuple[str, ...]


@dataclass(frozen=True)
class Recovered:
    lowest: int
    highest: int

    @property
    def exact(self) -> bool:
        return self.lowest == self.highest

    @property
    def width(self) -> int:
        return self.highest - self.lowest


def named_counts(table: ProtectedTable) -> dict[Name, Cell]:
    counts: dict[Name, Cell] = {}
    for row, cells in zip(table.rows, table.cells, strict=True):
        for column, cell in zip(table.columns, cells, strict=True):
            counts[("cell", row, column)] = cell
    for row, cell in zip(table.rows, table.row_totals, strict=True):
        counts[("row", row)] = cell
    for column, cell in zip(table.columns, table.column_totals, strict=True):
        counts[("column", column)] = cell
    counts[("grand",)] = table.grand_total
    return counts


def true_counts(table: CountTable) -> dict[Name, int]:
    counts: dict[Name, int] = {}
    for row, values in zip(table.rows, table.cells, strict=True):
        for column, value in zip(table.columns, values, strict=True):
            counts[("cell", row, column)] = value
    for row, value in zip(table.rows, table.row_totals, strict=True):
        counts[("row", row)] = value
    for column, value in zip(table.columns, table.column_totals, strict=True):
        counts[("column", column)] = value
    counts[("grand",)] = table.grand_total
    return counts


def attack(published: ProtectedTable) -> dict[Name, Recovered]:
    """For every hidden count, the least and greatest whole value consistent with everything published."""
    counts = named_counts(published)
    unknowns = [name for name, cell in counts.items() if cell.suppressed]
    if not unknowns:
        return {}
    position = {name: i for i, name in enumerate(unknowns)}

    # Each sum: (the counts added, the total they make).
    sums: list[tuple[list[Name], Name]] = []
    for row in published.rows:
        sums.append(([("cell", row, column) for column in published.columns], ("row", row)))
    for column in published.columns:
        sums.append(([("cell", row, column) for row in published.rows], ("column", column)))
    sums.append(([("row", row) for row in published.rows], ("grand",)))
    sums.append(([("column", column) for column in published.columns], ("grand",)))

    matrix, right = [], []
    for parts, total in sums:
        coefficients = np.zeros(len(unknowns))
        known = 0
        for name, sign in [(part, 1) for part in parts] + [(total, -1)]:
            cell = counts[name]
            if cell.suppressed:
                coefficients[position[name]] += sign
            else:
                assert cell.value is not None
                known += sign * cell.value
        if coefficients.any():
            matrix.append(coefficients)
            right.append(-known)
        else:
            assert known == 0, "the published table does not add up"

    floor = 1 if published.publish_zeros else 0
    lower = [floor if counts[name].status is Status.PRIMARY else published.k for name in unknowns]
    upper = [published.k - 1 if counts[name].status is Status.PRIMARY else CAP for name in unknowns]
    constraints = [LinearConstraint(np.array(matrix), right, right)] if matrix else []
    bounds = Bounds(lower, upper)
    integrality = np.ones(len(unknowns))

    recovered: dict[Name, Recovered] = {}
    for name, i in position.items():
        objective = np.zeros(len(unknowns))
        objective[i] = 1.0
        low = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
        high = milp(-objective, constraints=constraints, bounds=bounds, integrality=integrality)
        assert low.status == 0, (name, low.message)
        assert high.status == 0, (name, high.message)
        recovered[name] = Recovered(round(low.fun), round(-high.fun))
    return recovered


def primary_only(table: CountTable, k: int) -> ProtectedTable:
    """The table as a page would show it after hiding the small counts and nothing else (zeros shown)."""

    def cell(value: int) -> Cell:
        if 0 < value < k:
            return Cell(Status.PRIMARY, None, 0, None)
        return Cell(Status.SHOWN, value, value, value)

    return ProtectedTable(
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(cell(value) for value in row) for row in table.cells),
        row_totals=tuple(cell(value) for value in table.row_totals),
        column_totals=tuple(cell(value) for value in table.column_totals),
        grand_total=cell(table.grand_total),
        k=k,
        protection=1,
        publish_zeros=True,
    )
