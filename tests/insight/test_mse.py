"""Multiple systems estimation, SparseMSE's method (threefold.insight.core.mse and mse_bootstrap).

The published check is the UK 2013 data with five lists: SparseMSE's stepwise method gives 11,313 victims
(Chan, Silverman & Vincent, JASA 2021), inside the Home Office's published 10,000-13,000. The existence and
identifiability codes are checked against the examples of SparseMSE's own manual page for ``checkident``. The
fit is checked against what a maximum likelihood estimate must satisfy (fitted margins equal observed margins)
and against a general-purpose optimiser; the rest are properties any estimate must have (an empty list or the
order of the lists changes nothing). Real data are read from ../shared/data (tests marked realdata).
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.stats import poisson

from tests.purity import imported_modules
from threefold.insight.core import mse, mse_bootstrap
from threefold.insight.core.mse import (
    Lists,
    ListsError,
    MseError,
    all_pairs,
    analyse,
    check_identifiable,
    estimate,
    fit,
    histories,
    pair_p_values,
    remove_noninformative,
    stepwise,
)
from threefold.insight.core.mse_bootstrap import acceleration, bca_limits, bootstrap, quantile_type8

MSE_FILE = "mse_uk_lists.csv"
PUBLISHED_UKDAT_5 = 11_313  # SparseMSE stepwise estimate, UK 2013, five lists (JASA 2021)
ROOT = Path(__file__).resolve().parents[2]

SharedFile = Callable[[str], Path]


def dataset(shared_file: SharedFile, name: str) -> Lists:
    with shared_file(MSE_FILE).open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["dataset"] == name]
    assert rows, f"no dataset {name} in {MSE_FILE}"
    return Lists.from_patterns(rows[0]["lists"].split("|"), [(row["pattern"], row["count"]) for row in rows])


def table_of(counts: list[int], names: str = "ABCDEFGH") -> Lists:
    """A table whose counts are given for every history, in the order of `histories`."""
    size = int(math.log2(len(counts) + 1))
    return Lists.from_rows(list(names[:size]), zip(histories(size).tolist(), counts, strict=True))


def by_names(table: Lists, pairs: tuple[tuple[int, int], ...]) -> set[frozenset[str]]:
    return {frozenset((table.names[i], table.names[j])) for i, j in pairs}


# --- the published figures -----------------------------------------------------------------------------------


@pytest.mark.realdata
def test_ukdat_5_stepwise_gives_the_published_11313(shared_file: SharedFile) -> None:
    result = analyse(dataset(shared_file, "UKdat_5"))

    assert round(result.total) == PUBLISHED_UKDAT_5
    assert result.estimate.observed == 2744
    assert result.cleaned.removed == ()
    steps = [(result.cleaned.table.pair_label(step.pair), step.p_value) for step in result.selection.steps]
    assert [label for label, _ in steps] == [
        "LA & NG",
        "NG & GP",
        "PFNCA & GP",
        "LA & PFNCA",
        "GO & GP",
        "NG & GO",
    ]
    assert all(p < 0.02 for _, p in steps)
    assert [p for _, p in steps] == sorted(p for _, p in steps)  # here each step is less sure than the last
    assert steps[0][1] == pytest.approx(2.184491e-07, rel=1e-5)
    assert result.selection.fit.empty_pairs == ()
    low95, high95 = result.estimate.interval(0.95)
    low80, high80 = result.estimate.interval(0.80)
    assert 2744 < low95 < low80 < result.total < high80 < high95
    assert (round(low95), round(high95)) == (9884, 13027)
    assert (round(low80), round(high80)) == (10350, 12398)


@pytest.mark.realdata
def test_ukdat_with_six_lists_is_inside_the_home_office_range(shared_file: SharedFile) -> None:
    result = analyse(dataset(shared_file, "UKdat"))

    assert 10_000 <= result.total <= 13_000
    # Police and the National Crime Agency, merged into one list in UKdat_5, are linked when kept apart.
    assert frozenset(("PF", "NCA")) in by_names(result.cleaned.table, result.selection.pairs)
    assert frozenset(("LA", "NG")) in by_names(result.cleaned.table, result.selection.pairs)


@pytest.mark.realdata
def test_artificial_3_gives_the_codes_of_sparsemse_manual(shared_file: SharedFile) -> None:
    table = dataset(shared_file, "Artificial_3")
    every_pair = all_pairs(3)

    # checkident's manual: all pairs not identifiable; (A, B) alone has no estimate; (A, C), (B, C) passes.
    assert check_identifiable(table, every_pair) & mse.NOT_IDENTIFIABLE
    assert check_identifiable(table, [(0, 1)]) == mse.DOES_NOT_EXIST
    assert check_identifiable(table, [(0, 2), (1, 2)]) == 0
    result = analyse(table)
    assert math.isfinite(result.total)
    assert result.total > table.observed == 96
    assert result.selection.pairs == ()  # no overlap is unusual enough to add


# --- no estimate, said plainly --------------------------------------------------------------------------------


def test_every_pair_without_a_triangle_is_not_identifiable_and_says_why() -> None:
    # A and B never overlap, so no three lists all overlap each other.
    table = Lists.from_patterns(
        "ABC", [("100", 40), ("010", 30), ("001", 20), ("101", 6), ("011", 5), ("111", 0)]
    )

    with pytest.raises(MseError) as raised:
        estimate(table, all_pairs(3))

    message = str(raised.value)
    assert message.startswith("The estimate is not identifiable for this model (A & B, A & C, B & C)")
    assert "No three lists all overlap each other" in message
    assert "Lists A and B never overlap (no case is on both)" in message
    assert "Use fewer pairs" in message


def test_two_lists_that_never_overlap_have_no_estimate() -> None:
    table = Lists.from_patterns(["Police", "NGO"], [("10", 12), ("01", 30)])

    assert check_identifiable(table) == mse.DOES_NOT_EXIST
    with pytest.raises(MseError, match="does not exist") as raised:
        analyse(table)
    assert "Lists Police and NGO never overlap (no case is on both)" in str(raised.value)
    with pytest.raises(MseError):
        estimate(table)


def test_a_model_whose_estimate_does_not_exist_is_refused() -> None:
    table = Lists.from_patterns("ABC", [("100", 40), ("010", 30), ("001", 20), ("110", 6)])

    with pytest.raises(MseError, match=r"does not exist for this model \(A & B\)"):
        estimate(table, [(0, 1)])


def test_a_model_with_an_empty_overlap_is_fitted_as_minus_infinity() -> None:
    table = Lists.from_patterns("ABC", [("100", 40), ("010", 30), ("001", 20), ("110", 6), ("011", 4)])
    empty_pair = (0, 2)  # A and C never overlap

    result = estimate(table, [empty_pair, (1, 2)])
    without = fit(table, [(1, 2)])

    assert result.fit.empty_pairs == (empty_pair,)
    h = histories(3)
    deleted = (h[:, 0] & h[:, 2]) == 1
    assert np.all(result.fit.fitted[deleted] == 0)
    assert "A:C" not in result.fit.terms
    # AIC: one more parameter counted (+2) than the deviance alone explains.
    assert result.fit.aic - without.aic == pytest.approx(result.fit.deviance - without.deviance + 2, abs=1e-6)


# --- the table ------------------------------------------------------------------------------------------------


def test_histories_are_merged_and_missing_ones_count_zero() -> None:
    table = Lists.from_rows(["A", "B"], [((1, 0), 3), ((1, 0), "4"), ((1, 1), 2.0), (("0", "1"), 5)])

    assert table.rows() == [((1, 0), 7), ((0, 1), 5), ((1, 1), 2)]
    assert table.observed == 14
    assert table.overlap(0, 1) == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([((1, 2), 3)], "row 1: a list value must be 0 or 1 (B=2)"),
        ([((1, 0), 3), ((0, 1), -1)], "row 2: the count must be a whole number of 0 or more, not -1"),
        ([((1, 0), 2.5)], "row 1: the count must be a whole number of 0 or more, not 2.5"),
        ([((1, 0), "many")], "row 1: the count must be a whole number"),
        ([((1, 0), 3), ((0, 0), 4)], "row 2: 4 cases on no list at all"),
        ([((1, 0, 1), 3)], "row 1: 3 list values for 2 lists"),
        ([((1, 0), True)], "row 1: the count must be a whole number"),
        ([((1, 0), 0)], "no case is on any list"),
    ],
)
def test_malformed_rows_are_named(rows: list[tuple[tuple[object, ...], object]], expected: str) -> None:
    with pytest.raises(ListsError) as raised:
        Lists.from_rows(["A", "B"], rows)

    assert expected in str(raised.value)


def test_every_problem_is_reported_with_its_label() -> None:
    with pytest.raises(ListsError) as raised:
        Lists.from_rows(
            ["A", "B"], [((1, 0), 1), ((2, 0), 1), ((1, 1), -3)], labels=["line 2", "line 3", "line 4"]
        )

    assert [problem.split(":")[0] for problem in raised.value.problems] == ["line 3", "line 4"]


def test_an_all_zero_history_without_cases_is_harmless() -> None:
    assert Lists.from_rows(["A", "B"], [((0, 0), 0), ((1, 1), 1)]).observed == 1


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["A"], "at least two lists are needed"),
        (["A", "A"], "A appears more than once"),
        (["A", " "], "every list needs a name"),
        ([f"L{k}" for k in range(mse.MAX_LISTS + 1)], f"at most {mse.MAX_LISTS} lists"),
    ],
)
def test_the_lists_themselves_are_checked(names: list[str], expected: str) -> None:
    with pytest.raises(ListsError, match=expected):
        Lists.from_rows(names, [])


def test_non_informative_lists_are_removed_and_reported() -> None:
    # D is empty, E holds every case, F duplicates A.
    table = Lists.from_patterns(
        "ABCDEF",
        [("100011", 10), ("010010", 20), ("001010", 30), ("110011", 3), ("011010", 4), ("101011", 5)],
    )

    cleaned = remove_noninformative(table)

    assert cleaned.table.names == ("A", "B", "C")
    assert [(r.name, r.reason) for r in cleaned.removed] == [
        ("D", "empty"),
        ("E", "every case"),
        ("F", "duplicate of A"),
    ]
    assert cleaned.table.rows() == [
        ((1, 0, 0), 10),
        ((0, 1, 0), 20),
        ((1, 1, 0), 3),
        ((0, 0, 1), 30),
        ((1, 0, 1), 5),
        ((0, 1, 1), 4),
    ]
    assert cleaned.only_on_removed == 0


def test_cases_only_on_a_removed_list_are_counted_apart() -> None:
    table = Lists.from_patterns("ABC", [("100", 7), ("110", 10), ("101", 20), ("111", 3)])

    cleaned = remove_noninformative(table)

    assert [r.name for r in cleaned.removed] == ["A"]
    assert cleaned.only_on_removed == 7
    assert cleaned.table.observed == 33


def test_too_few_informative_lists_is_an_error() -> None:
    with pytest.raises(MseError, match="Only 1 informative list is left"):
        remove_noninformative(Lists.from_patterns("AB", [("10", 5), ("11", 5)]))


# --- the fit --------------------------------------------------------------------------------------------------


def design(table: Lists, pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    h = histories(table.size).astype(float)
    return np.column_stack([np.ones(len(h)), h, *(h[:, i] * h[:, j] for i, j in pairs)])


@st.composite
def tables(draw: st.DrawFn, sizes: tuple[int, ...] = (3, 4), top: int = 400) -> Lists:
    """Random tables whose counts all differ (so no two pairs of lists tie by symmetry)."""
    size = draw(st.sampled_from(sizes))
    cells = 2**size - 1
    counts = draw(st.lists(st.integers(0, top), min_size=cells, max_size=cells, unique=True))
    return table_of(counts)


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(table=tables(), data=st.data())
def test_the_fit_reproduces_the_sufficient_statistics(table: Lists, data: st.DataObject) -> None:
    pairs = tuple(data.draw(st.sets(st.sampled_from(all_pairs(table.size)), max_size=3)))
    assume(check_identifiable(table, pairs) == 0)

    result = fit(table, pairs)

    a = design(table, tuple(p for p in result.pairs if p not in result.empty_pairs))
    y = table.counts.astype(float)
    assert np.allclose(a.T @ result.fitted, a.T @ y, rtol=1e-8, atol=1e-7)


@pytest.mark.parametrize("pairs", [(), ((0, 1),), ((0, 1), (1, 2)), ((0, 1), (0, 2), (1, 2))])
def test_the_fit_agrees_with_a_general_optimiser(pairs: tuple[tuple[int, int], ...]) -> None:
    table = table_of([50, 41, 9, 33, 12, 7, 2])
    a = design(table, pairs)
    y = table.counts.astype(float)

    def negative_loglik(beta: np.ndarray) -> tuple[float, np.ndarray]:
        mu = np.exp(a @ beta)
        return float(mu.sum() - y @ (a @ beta)), a.T @ (mu - y)

    start = np.zeros(a.shape[1])
    start[0] = math.log(y.mean())
    optimum = minimize(negative_loglik, start, jac=True, method="BFGS", options={"gtol": 1e-10})

    result = fit(table, pairs)

    assert np.allclose(result.coefficients, optimum.x, atol=1e-5)
    # The Wald variance is the inverse Fisher information.
    mu = np.exp(a @ result.coefficients)
    assert np.allclose(result.covariance, np.linalg.inv(a.T @ (a * mu[:, None])), rtol=1e-8)


def test_the_p_value_is_one_sided_either_way_and_not_doubled() -> None:
    observed = np.array([0, 3, 3, 20])
    expected = np.array([2.5, 10.0, 1.0, 20.0])

    p = pair_p_values(observed, expected)

    assert p[0] == pytest.approx(math.exp(-2.5))
    assert p[1] == pytest.approx(poisson.cdf(3, 10.0))
    assert p[2] == pytest.approx(poisson.sf(2, 1.0))
    assert p[3] == pytest.approx(min(poisson.cdf(20, 20.0), poisson.sf(19, 20.0)))
    assert pair_p_values([0], [0.0])[0] == 1.0


def test_threshold_zero_keeps_main_effects_and_one_takes_every_pair() -> None:
    table = table_of([50, 41, 9, 33, 12, 7, 2])

    assert stepwise(table, 0).pairs == ()
    assert stepwise(table, 1).pairs == all_pairs(3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        stepwise(table, 1.5)


# --- properties -----------------------------------------------------------------------------------------------


def outcome(table: Lists) -> tuple[float, set[frozenset[str]]] | str:
    try:
        result = analyse(table)
    except MseError as error:
        return str(error).split(":")[0]
    return result.total, by_names(result.cleaned.table, result.selection.pairs)


@PROPERTY_SETTINGS
@given(table=tables(), where=st.integers(0, 4))
def test_an_empty_list_changes_nothing(table: Lists, where: int) -> None:
    where = min(where, table.size)
    names = [*table.names[:where], "EMPTY", *table.names[where:]]
    rows = [((*flags[:where], 0, *flags[where:]), count) for flags, count in table.rows()]

    with_empty = Lists.from_rows(names, rows)

    assert outcome(with_empty) == outcome(table)
    if not isinstance(outcome(table), str):
        assert [(r.name, r.reason) for r in analyse(with_empty).cleaned.removed] == [("EMPTY", "empty")]


@PROPERTY_SETTINGS
@given(table=tables(), data=st.data())
def test_the_order_of_the_lists_changes_nothing(table: Lists, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(table.size)))
    rows = [(tuple(flags[k] for k in order), count) for flags, count in table.rows()]

    permuted = Lists.from_rows([table.names[k] for k in order], rows)

    before, after = outcome(table), outcome(permuted)
    if isinstance(before, str):
        assert after == before
    else:
        assert not isinstance(after, str)
        assert after[0] == pytest.approx(before[0], rel=1e-6)
        assert after[1] == before[1]  # the same pairs of lists (counts all differ: no tie to break)


@PROPERTY_SETTINGS
@given(table=tables())
def test_ten_times_the_cases_still_gives_a_finite_estimate_above_the_observed(table: Lists) -> None:
    assume(not isinstance(outcome(table), str))

    scaled = analyse(table.with_counts(table.counts * 10))

    assert math.isfinite(scaled.total)
    assert scaled.total >= scaled.estimate.observed == 10 * table.observed


# --- the bootstrap --------------------------------------------------------------------------------------------


def test_type_8_quantiles_are_r_s() -> None:
    # R: quantile(1:10, c(0, 0.1, 0.5, 0.9, 1), type = 8)
    assert quantile_type8(np.arange(1, 11), [0, 0.1, 0.5, 0.9, 1]) == pytest.approx(
        [1, 1.366667, 5.5, 9.633333, 10], abs=1e-6
    )
    values = np.random.default_rng(5).normal(size=37)
    probs = np.linspace(0, 1, 41)
    assert quantile_type8(values, probs) == pytest.approx(
        np.quantile(values, probs, method="median_unbiased")
    )


def test_bca_without_bias_or_acceleration_is_the_percentile_interval() -> None:
    replicates = np.arange(1.0, 2001.0)  # half of them below the point estimate: z0 = 0

    limits = bca_limits(replicates, 1000.5, 0.0, [0.025, 0.975])

    assert limits == pytest.approx(quantile_type8(replicates, [0.025, 0.975]))


def test_bca_moves_the_limits_with_bias_and_acceleration() -> None:
    replicates = np.arange(1.0, 2002.0)
    plain = bca_limits(replicates, 1001.0, 0.0, [0.025, 0.975])

    assert np.all(bca_limits(replicates, 1200.0, 0.0, [0.025, 0.975]) > plain)  # most replicates below
    skewed = bca_limits(replicates, 1001.0, 0.1, [0.025, 0.975])
    assert skewed[0] > plain[0]
    assert skewed[1] > plain[1]


def test_acceleration_is_the_weighted_jackknife_skewness() -> None:
    counts = np.array([3, 1, 2])
    jackknife = np.array([10.0, 13.0, 11.0])
    mean = (3 * 10 + 13 + 2 * 11) / 6
    r = mean - jackknife
    expected = float(counts @ r**3) / (6 * float(counts @ r**2) ** 1.5)

    assert acceleration(counts, jackknife) == pytest.approx(expected)
    assert acceleration(counts, np.array([5.0, 5.0, 5.0])) == 0.0


def test_bootstrap_is_deterministic_for_a_seed_and_reports_progress() -> None:
    table = table_of([50, 41, 9, 33, 12, 7, 2])
    calls: list[tuple[int, int]] = []

    first = bootstrap(table, nboot=30, seed=7, progress=lambda done, total: calls.append((done, total)))
    again = bootstrap(table, nboot=30, seed=7)
    other = bootstrap(table, nboot=30, seed=8)

    assert np.array_equal(first.replicates, again.replicates)
    assert first.bca == again.bca
    assert not np.array_equal(first.replicates, other.replicates)
    assert calls[-1] == (30 + 7, 30 + 7)
    assert [done for done, _ in calls] == list(range(1, 38))
    assert first.point == analyse(table).total


@pytest.mark.realdata
def test_ukdat_5_bootstrap_interval_holds_the_estimate(shared_file: SharedFile) -> None:
    table = dataset(shared_file, "UKdat_5")

    result = bootstrap(table, nboot=200, seed=1234)
    again = bootstrap(table, nboot=200, seed=1234)

    assert np.array_equal(result.replicates, again.replicates)
    assert round(result.point) == PUBLISHED_UKDAT_5
    assert result.failed == 0
    low, high = result.bca_interval(0.95)
    low80, high80 = result.bca_interval(0.80)
    assert table.observed < low < low80 < result.point < high80 < high
    # Wide bands, not R's digits: the random numbers differ from R's.
    assert 8_000 < low < 11_000
    assert 12_000 < high < 20_000
    assert set(result.bca) == set(mse_bootstrap.DEFAULT_ALPHAS)
    assert len(result.jackknife) == 18


def test_bootstrap_needs_two_replicates() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        bootstrap(table_of([50, 41, 9, 33, 12, 7, 2]), nboot=1)


# --- purity ---------------------------------------------------------------------------------------------------


def test_the_modules_import_no_django_and_run_without_it() -> None:
    for module in (mse, mse_bootstrap):
        assert "django" not in {name.split(".")[0] for name in imported_modules(Path(str(module.__file__)))}
    code = (
        "import sys\n"
        "from threefold.insight.core import mse\n"
        "t = mse.Lists.from_patterns('AB', [('10', 30), ('01', 20), ('11', 6)])\n"
        "assert round(mse.analyse(t).total) == 156  # Lincoln-Petersen: 36 * 26 / 6\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
