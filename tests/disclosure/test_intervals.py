"""The maximum-flow intervals are the linear-programming intervals, on any pattern of shown and hidden counts.

`feasible_intervals` (one maximum flow per bound, many answered in one ``maximum_flow`` call) replaced
`lp_intervals` (one ``linprog`` per bound) because it is some fifty times faster on large tables. The module
docstring of `threefold.disclosure.intervals` proves that both compute the same numbers; these tests check it on
random tables and random patterns, far beyond the patterns `suppress` makes: any entry shown or hidden, bounds
from statuses or arbitrary (so that some problems have no matching table at all), with the true table as
witness, with no witness, and with a wrong one.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threefold.disclosure import intervals
from threefold.disclosure.intervals import (
    Bounds,
    Entry,
    InconsistentTableError,
    IntervalCheck,
    feasible_intervals,
    lp_intervals,
)

PROPERTY = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 40), st.integers(40, 200))

Problem = tuple[int, int, dict[Entry, int], dict[Entry, Bounds], dict[Entry, int]]


def grid_of(cells: list[list[int]]) -> dict[Entry, int]:
    """Every entry of the grid (cells, row totals, column totals, grand total) with its true value."""
    n_rows, n_columns = len(cells), len(cells[0])
    values = {(x, y): cells[x][y] for x in range(n_rows) for y in range(n_columns)}
    for x in range(n_rows):
        values[(x, n_columns)] = sum(cells[x])
    for y in range(n_columns):
        values[(n_rows, y)] = sum(cells[x][y] for x in range(n_rows))
    values[(n_rows, n_columns)] = sum(map(sum, cells))
    return values


@st.composite
def problems(draw: st.DrawFn, max_rows: int = 5, max_columns: int = 5, sound: bool = False) -> Problem:
    """A true table, which entries are hidden, and what the reader is told about each hidden one. Unless
    ``sound``, a bound may exclude the true value, and then possibly every table."""
    n_rows, n_columns = draw(st.integers(1, max_rows)), draw(st.integers(1, max_columns))
    cells = draw(
        st.lists(st.lists(COUNTS, min_size=n_columns, max_size=n_columns), min_size=n_rows, max_size=n_rows)
    )
    truth = grid_of(cells)
    k = draw(st.sampled_from([3, 5, 11]))
    floor = draw(st.sampled_from([0, 1]))
    hidden_share = draw(st.sampled_from([0.15, 0.3, 0.5, 0.9, 1.0]))
    # Most problems are sound (the true table matches); a third of the others have some arbitrary bounds.
    sound = sound or draw(st.sampled_from([True, True, False]))
    kinds = ["status", "status", "around"] if sound else ["status", "status", "around", "arbitrary"]
    shown: dict[Entry, int] = {}
    suppressed: dict[Entry, Bounds] = {}
    for entry, value in sorted(truth.items()):
        if draw(st.floats(0, 1)) >= hidden_share:
            shown[entry] = value
            continue
        kind = draw(st.sampled_from(kinds))
        if kind == "status":  # what `suppress` tells: "fewer than k" or "suppressed to protect another cell"
            suppressed[entry] = (min(floor, value), k - 1) if value < k else (k, None)
        elif kind == "around":
            below, above = draw(st.integers(0, value)), draw(st.one_of(st.none(), st.integers(0, 30)))
            suppressed[entry] = (value - below, None if above is None else value + above)
        else:
            low = draw(st.integers(0, 60))
            high = draw(st.one_of(st.none(), st.integers(low, 80)))
            suppressed[entry] = (low, high)
    return n_rows, n_columns, shown, suppressed, truth


@settings(PROPERTY, max_examples=250)
@given(problems())
def test_flow_intervals_equal_lp_intervals(problem: Problem) -> None:
    n_rows, n_columns, shown, suppressed, truth = problem
    hidden_truth = {entry: truth[entry] for entry in suppressed}
    wrong = dict(hidden_truth)
    if wrong:
        wrong[min(wrong)] += 1
    # No witness; the true table (which does not match when a bound excludes it, and is then ignored); a wrong one.
    witnesses = [None, hidden_truth, wrong]
    try:
        expected = lp_intervals(n_rows, n_columns, shown, suppressed)
    except InconsistentTableError:
        for witness in witnesses:
            with pytest.raises(InconsistentTableError):
                feasible_intervals(n_rows, n_columns, shown, suppressed, witness)
        return
    for witness in witnesses:
        assert feasible_intervals(n_rows, n_columns, shown, suppressed, witness) == expected


@settings(PROPERTY, max_examples=60)
@given(problems(max_rows=12, max_columns=8, sound=True))
def test_flow_intervals_equal_lp_intervals_on_bigger_tables(problem: Problem) -> None:
    n_rows, n_columns, shown, suppressed, truth = problem
    witness = {entry: truth[entry] for entry in suppressed}
    expected = lp_intervals(n_rows, n_columns, shown, suppressed)
    assert feasible_intervals(n_rows, n_columns, shown, suppressed, witness) == expected
    for lowest, highest in expected.values():
        assert highest is None or lowest <= highest


@settings(PROPERTY, max_examples=40)
@given(problems(sound=True), st.sampled_from([1, 7, 60]))
def test_questions_asked_in_small_batches_get_the_same_answers(problem: Problem, arcs: int) -> None:
    # One maximum_flow call per question, or a few per call: the copies of the network never interfere.
    n_rows, n_columns, shown, suppressed, truth = problem
    witness = {entry: truth[entry] for entry in suppressed}
    together = feasible_intervals(n_rows, n_columns, shown, suppressed, witness)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intervals, "_ARCS_PER_CALL", arcs)
        assert feasible_intervals(n_rows, n_columns, shown, suppressed, witness) == together


def split(truth: dict[Entry, int], hidden: dict[Entry, Bounds]) -> tuple[dict[Entry, int], dict[Entry, int]]:
    """(shown, witness): every entry not hidden is shown."""
    shown = {entry: value for entry, value in truth.items() if entry not in hidden}
    return shown, {entry: truth[entry] for entry in hidden}


def test_counts_too_large_for_32_bit_flows_go_to_linear_programming(monkeypatch: pytest.MonkeyPatch) -> None:
    truth = grid_of([[3, 40], [30, 50]])
    hidden: dict[Entry, Bounds] = {
        (0, 0): (1, 10),
        (0, 1): (11, None),
        (1, 0): (11, None),
        (1, 1): (11, None),
    }
    shown, witness = split(truth, hidden)
    expected = lp_intervals(2, 2, shown, hidden)
    assert expected == {(0, 0): (1, 10), (0, 1): (33, 42), (1, 0): (23, 32), (1, 1): (48, 57)}
    assert feasible_intervals(2, 2, shown, hidden, witness) == expected

    calls = []
    real_lp = intervals._lp

    def lp(*args: object) -> object:
        calls.append(args)
        return real_lp(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(intervals, "_lp", lp)
    monkeypatch.setattr(intervals, "_FLOW_LIMIT", 100)
    assert feasible_intervals(2, 2, shown, hidden, witness) == expected
    assert calls, "the linear programs answer when the counts are too large for maximum_flow"


def test_unlimited_entries_and_work() -> None:
    # A cell hidden with its row total, its column total and the grand total, all "to protect another cell":
    # adding the same to all four changes nothing published, so none of them has a highest value.
    truth = grid_of([[12, 20], [30, 40]])
    hidden: dict[Entry, Bounds] = {
        (0, 0): (11, None),
        (0, 2): (11, None),
        (2, 0): (11, None),
        (2, 2): (11, None),
    }
    shown, witness = split(truth, hidden)
    check = IntervalCheck(2, 2, shown, hidden, witness)
    # Four bounds to find (the lowest ones), each on a copy of 8 arcs (rooms up and down) between 4 nodes.
    assert check.work == 4 * (8 + 4)
    assert check.intervals() == {
        (0, 0): (11, None),
        (0, 2): (31, None),
        (2, 0): (41, None),
        (2, 2): (101, None),
    }
    assert check.intervals() == lp_intervals(2, 2, shown, hidden)


def test_a_table_matching_nothing_is_refused() -> None:
    # A hidden cell alone in its row, beside a shown 20 under a shown row total of 25, cannot be "at least 11".
    truth = grid_of([[5, 20], [30, 40]])
    hidden: dict[Entry, Bounds] = {(0, 0): (11, None), (1, 0): (11, None)}
    shown, _ = split(truth, hidden)
    with pytest.raises(InconsistentTableError):
        lp_intervals(2, 2, shown, hidden)
    with pytest.raises(InconsistentTableError):
        feasible_intervals(2, 2, shown, hidden)
    # Nor can a count whose bounds are the wrong way round.
    hidden[(0, 0)] = (6, 4)
    with pytest.raises(InconsistentTableError, match="at least 6 and at most 4"):
        feasible_intervals(2, 2, shown, hidden)
