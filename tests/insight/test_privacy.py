"""Differential privacy on OpenDP and the budget check (threefold.insight.core.privacy).

The noise comes from OpenDP's own generator and cannot be seeded, so no test asserts a noisy value: the tests
assert statistical properties over many draws, with tolerances of at least four standard deviations (a false
failure is rarer than 1 in 10,000 runs), and structural facts that hold on every draw (whole numbers, clipping,
keys). The coverage a test expects is computed here from the discrete Laplace distribution, independently of
OpenDP's accuracy functions that the module uses.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.purity import imported_modules
from threefold.insight.core import privacy
from threefold.insight.core.privacy import (
    MAX_EPSILON,
    OTHER,
    Budget,
    BudgetExceededError,
    Spent,
    check_budget,
    plan_count,
    plan_histogram,
    plan_mean,
    release_count,
    release_histogram,
    release_mean,
)

MODULE = Path(privacy.__file__)


def discrete_laplace_coverage(scale: float, bound: float) -> float:
    """P(|X| <= bound) for X discrete Laplace with P(X = k) proportional to exp(-|k| / scale)."""
    m = math.floor(bound)
    return 1.0 - 2.0 * math.exp(-(m + 1) / scale) / (1.0 + math.exp(-1.0 / scale))


def share(hits: list[bool]) -> float:
    return sum(hits) / len(hits)


# --- purity --------------------------------------------------------------------------------------------------


def test_module_imports_no_django_and_draws_no_noise_of_its_own() -> None:
    names = {name.split(".")[0] for name in imported_modules(MODULE)}
    assert "django" not in names
    assert "opendp" in names
    assert not names & {"random", "secrets", "numpy", "scipy"}, "all noise must come from OpenDP"


def test_module_imports_and_releases_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from threefold.insight.core.privacy import release_count\n"
        "assert isinstance(release_count(5, 1.0).values['count'], int)\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=MODULE.parents[3])


# --- the budget ----------------------------------------------------------------------------------------------


def test_budget_message_says_what_is_asked_and_what_is_left() -> None:
    with pytest.raises(BudgetExceededError) as caught:
        check_budget(Budget(1.0), Spent(0.8, 0.0, 3), Budget(0.5))
    assert str(caught.value) == (
        "This release needs ε = 0.50 but only ε = 0.20 of this dataset's budget of 1.00 is left "
        "(0.80 spent in 3 releases)."
    )
    assert isinstance(caught.value, ValueError)
    assert caught.value.asked == Budget(0.5)
    assert caught.value.spent == Spent(0.8, 0.0, 3)
    assert caught.value.budget == Budget(1.0)


def test_budget_message_when_nothing_is_left_and_for_one_release() -> None:
    with pytest.raises(BudgetExceededError, match=r"none of this dataset's budget of ε = 1\.00 is left"):
        check_budget(Budget(1.0), Spent(1.0, 0.0, 10), Budget(0.1))
    with pytest.raises(BudgetExceededError, match=r"\(0\.90 spent in 1 release\)\.$"):
        check_budget(Budget(1.0), Spent(0.9, 0.0, 1), Budget(0.2))


def test_budget_message_shows_enough_decimals_to_tell_asked_from_left() -> None:
    with pytest.raises(BudgetExceededError, match=r"needs ε = 0\.204 but only ε = 0\.200 "):
        check_budget(Budget(1.0), Spent(0.8, 0.0, 2), Budget(0.204))


def test_ten_releases_of_a_tenth_fill_a_budget_of_one_and_the_eleventh_is_refused() -> None:
    budget, spent = Budget(1.0), Spent(0.0, 0.0, 0)
    for _ in range(10):
        check_budget(budget, spent, Budget(0.1))
        spent = Spent(spent.epsilon + 0.1, 0.0, spent.releases + 1)  # the ledger adds floats, drift included
    assert spent.releases == 10
    with pytest.raises(BudgetExceededError, match=r"\(1\.00 spent in 10 releases\)"):
        check_budget(budget, spent, Budget(0.1))
    with pytest.raises(BudgetExceededError):
        check_budget(budget, spent, Budget(1e-6))


def test_float_drift_above_the_budget_is_tolerated() -> None:
    assert 0.1 + 0.1 + 0.1 > 0.3  # the drift the tolerance is for
    check_budget(Budget(0.3), Spent(0.1 + 0.1, 0.0, 2), Budget(0.1))
    check_budget(Budget(0.3), Spent(0.1, 0.0, 1), Budget(0.2))


def test_budget_refuses_at_the_right_point() -> None:
    budget = Budget(1.0)
    check_budget(budget, Spent(0.6, 0.0, 2), Budget(0.4))
    check_budget(budget, Spent(0.0, 0.0, 0), Budget(1.0))
    with pytest.raises(BudgetExceededError):
        check_budget(budget, Spent(0.6, 0.0, 2), Budget(0.400001))
    with pytest.raises(BudgetExceededError):
        check_budget(budget, Spent(0.0, 0.0, 0), Budget(1.000001))
    check_budget(budget, Spent(1.0, 0.0, 4), Budget(0.0))  # a free release always fits


def test_budget_composes_delta_too() -> None:
    budget = Budget(1.0, 1e-6)
    check_budget(budget, Spent(0.1, 5e-7, 1), Budget(0.1, 5e-7))
    with pytest.raises(BudgetExceededError, match=r"needs δ = 1e-07 but none .* δ = 1e-06 is left"):
        check_budget(budget, Spent(0.1, 1e-6, 1), Budget(0.1, 1e-7))
    with pytest.raises(BudgetExceededError, match="δ"):
        check_budget(Budget(1.0), Spent(0.0, 0.0, 0), Budget(0.1, 1e-9))  # a pure budget has no δ to give


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Budget(-1.0), "epsilon must be a finite number, 0 or more"),
        (lambda: Budget(math.nan), "epsilon must be a finite number"),
        (lambda: Budget(math.inf), "epsilon must be a finite number"),
        (lambda: Budget(1.0, -1e-9), "delta must be a finite number, 0 or more"),
        (lambda: Budget(1.0, 2.0), "delta must be at most 1"),
        (lambda: Spent(0.5, 0.0, -1), "releases must be a whole number"),
        (lambda: Spent(0.5, 0.0, 1.5), "releases must be a whole number"),  # type: ignore[arg-type]
        (lambda: Spent(-0.5, 0.0, 1), "epsilon must be a finite number, 0 or more"),
    ],
)
def test_budget_and_spent_validate(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_plan_cost_is_what_check_budget_is_asked() -> None:
    plan = plan_count(0.5)
    assert plan.cost == Budget(0.5, 0.0)
    with pytest.raises(BudgetExceededError, match=r"needs ε = 0\.50 but only ε = 0\.10"):
        check_budget(Budget(1.0), Spent(0.9, 0.0, 9), plan.cost)


# --- validation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [0, 0.0, -1.0, math.nan, math.inf, True, "1", None])
def test_epsilon_must_be_a_finite_positive_number(epsilon: object) -> None:
    with pytest.raises(ValueError, match="epsilon must be a finite number above 0"):
        plan_count(epsilon)  # type: ignore[arg-type]


def test_epsilon_has_a_ceiling() -> None:
    assert plan_count(MAX_EPSILON).epsilon == MAX_EPSILON
    with pytest.raises(ValueError, match="epsilon must be at most 10 for one release"):
        release_count(10, 10.5)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1, math.nan, "0.95"])
def test_confidence_must_be_strictly_between_0_and_1(confidence: object) -> None:
    with pytest.raises(ValueError, match="confidence must be a number between 0 and 1"):
        plan_count(1.0, confidence=confidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lower", "upper", "message"),
    [
        (10.0, 10.0, "lower must be below upper"),
        (10.0, 0.0, "lower must be below upper"),
        (-math.inf, 0.0, "must be finite numbers"),
        (0.0, math.nan, "must be finite numbers"),
        ("0", 1.0, "must be finite numbers"),
    ],
)
def test_mean_bounds_are_checked(lower: object, upper: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_mean(lower, upper, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        release_mean([1.0], lower, upper, 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([], "categories must not be empty"),
        (["a", "b", "a"], "categories must be unique; repeated: 'a'"),
        ("abc", "not a single string"),
        (["a", " "], "each category must be a non-blank string"),
        (["a", 3], "each category must be a non-blank string"),
        (["a", OTHER], "is reserved for values outside the categories"),
    ],
)
def test_categories_are_checked(categories: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_histogram(categories, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        release_histogram(["a"], categories, 1.0)  # type: ignore[arg-type]


def test_values_of_the_wrong_type_are_refused_without_echoing_them() -> None:
    with pytest.raises(ValueError, match="item 1 is a int") as caught:
        release_histogram(["a", 12345], ["a"], 1.0)  # type: ignore[list-item]
    assert "12345" not in str(caught.value)
    with pytest.raises(ValueError, match="item 2 is a str"):
        release_mean([1.0, None, "secret"], 0.0, 10.0, 1.0)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="cannot be negative"):
        release_count(-1, 1.0)
    with pytest.raises(ValueError, match="collection of records or their number"):
        release_count(2.5, 1.0)  # type: ignore[arg-type]


# --- plans ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("epsilon", "scale", "error"), [(0.1, 10.0, 30.0), (1.0, 1.0, 3.0), (5.0, 0.2, 0.0)])
def test_count_plan_expected_error(epsilon: float, scale: float, error: float) -> None:
    plan = plan_count(epsilon)
    assert (plan.kind, plan.epsilon, plan.delta, plan.confidence) == ("count", epsilon, 0.0, 0.95)
    assert plan.scale == pytest.approx(scale)
    assert plan.expected_error == error
    # the tightest whole bound that holds at least 95% of the time
    assert discrete_laplace_coverage(plan.scale, error) >= 0.95
    assert error == 0 or discrete_laplace_coverage(plan.scale, error - 1) < 0.95
    assert plan.privacy_unit == privacy.PRIVACY_UNIT
    assert "one record" in plan.privacy_unit


def test_histogram_plan_is_per_category_and_costs_epsilon_once() -> None:
    plan = plan_histogram(["a", "b", "c", "d"], 1.0)
    assert (plan.kind, plan.epsilon, plan.scale, plan.expected_error) == ("histogram", 1.0, 1.0, 3.0)
    assert plan.categories == ("a", "b", "c", "d")
    assert plan_histogram(["a", "b"], 1.0).expected_error == plan.expected_error


def test_higher_confidence_means_wider_error() -> None:
    assert plan_count(1.0, confidence=0.99).expected_error > plan_count(1.0).expected_error
    assert plan_count(1.0, confidence=0.5).expected_error < plan_count(1.0).expected_error


def test_mean_plan_gives_the_error_of_each_half_and_of_the_mean_for_n_records() -> None:
    plan = plan_mean(18.0, 100.0, 1.0)
    assert (plan.kind, plan.lower, plan.upper, plan.epsilon) == ("mean", 18.0, 100.0, 1.0)
    assert plan.scale == pytest.approx(82.0 / 0.5, rel=1e-6)  # sum sensitivity upper - lower at ε/2
    assert plan.count_scale == pytest.approx(2.0)  # count sensitivity 1 at ε/2
    assert plan.expected_error == pytest.approx(plan.scale * math.log(20), rel=1e-6)  # Laplace 95% bound
    assert plan.count_error == 6.0
    errors = [plan.mean_error(n) for n in (0, 5, 50, 500, 5000)]
    assert errors[0] == errors[1] == 82.0  # too few records: no better than the width of the range
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.2
    with pytest.raises(ValueError, match="mean_error is for a plan of kind 'mean'"):
        plan_count(1.0).mean_error(100)
    with pytest.raises(ValueError, match="records must be a whole number"):
        plan.mean_error(-1)


def test_release_uses_the_plans_scale() -> None:
    assert release_count(7, 0.3).plan == plan_count(0.3)
    assert release_histogram(["a"], ["a", "b"], 0.3).plan == plan_histogram(["a", "b"], 0.3)
    assert release_mean([1.0], 0.0, 5.0, 0.3).plan == plan_mean(0.0, 5.0, 0.3)
    assert release_count(7, 0.3, confidence=0.9).plan == plan_count(0.3, confidence=0.9)


# --- counts --------------------------------------------------------------------------------------------------


def test_count_noise_is_whole_and_within_the_planned_error_95_percent_of_the_time() -> None:
    plan = plan_count(0.1)  # ±30 covers 95.3% here: the discrete bound is close to 95%
    noise = [release_count(5, 0.1).values["count"] - 5 for _ in range(3000)]
    assert all(isinstance(value, int) for value in noise)
    assert 0.93 <= share([abs(value) <= plan.expected_error for value in noise]) <= 0.97
    assert abs(sum(noise) / len(noise)) < 1.5  # centred on the true count (standard error 0.26)


def test_count_coverage_matches_the_discrete_laplace_at_epsilon_1() -> None:
    plan = plan_count(1.0)
    expected = discrete_laplace_coverage(plan.scale, plan.expected_error)  # 97.3%: at least the 95% promised
    records = ["record"] * 4
    noisy = [release_count(records, 1.0).values["count"] for _ in range(1500)]
    assert abs(share([abs(value - 4) <= plan.expected_error for value in noisy]) - expected) < 0.02


def test_count_release_fields_and_display_clipped_at_zero() -> None:
    released = release_count([], 0.1)
    assert (released.kind, released.epsilon, released.delta) == ("count", 0.1, 0.0)
    assert "discrete Laplace" in released.mechanism
    assert "make_count >> then_laplace" in released.mechanism
    assert released.privacy_unit == privacy.PRIVACY_UNIT
    draws = [release_count(0, 0.1) for _ in range(200)]
    assert any(draw.values["count"] < 0 for draw in draws)  # the raw noisy value is kept
    assert all(draw.display["count"] == max(draw.values["count"], 0) for draw in draws)


# --- histograms ----------------------------------------------------------------------------------------------


def test_histogram_counts_every_category_and_puts_the_rest_in_other() -> None:
    values = ["a", "a", "b", None, "z", "", "a"]
    draws = [release_histogram(values, ["a", "b", "c"], 10.0) for _ in range(21)]
    for draw in draws:
        assert list(draw.values) == ["a", "b", "c", OTHER]
        assert list(draw.display) == list(draw.values)
        assert all(isinstance(count, int) for count in draw.values.values())
    modes = {key: Counter(draw.values[key] for draw in draws).most_common(1)[0][0] for key in draws[0].values}
    assert modes == {"a": 3, "b": 1, "c": 0, OTHER: 3}  # at ε = 10 a count is exact 99.99% of the time
    assert draws[0].kind == "histogram"
    assert "make_count_by_categories >> then_laplace" in draws[0].mechanism


def test_histogram_coverage_and_clipping() -> None:
    plan = plan_histogram(["a", "b"], 1.0)
    expected = discrete_laplace_coverage(plan.scale, plan.expected_error)
    truth = {"a": 2, "b": 0, OTHER: 1}
    hits, clipped = [], []
    for _ in range(600):
        draw = release_histogram(["a", "a", None], ["a", "b"], 1.0)
        hits += [abs(draw.values[key] - truth[key]) <= plan.expected_error for key in truth]
        clipped += [draw.display[key] == max(draw.values[key], 0) for key in truth]
    assert abs(share(hits) - expected) < 0.02
    assert all(clipped)


# --- means ---------------------------------------------------------------------------------------------------


def test_mean_display_stays_within_the_bounds() -> None:
    draws = [release_mean([20.0, 95.0, 150.0], 18.0, 100.0, 0.1) for _ in range(300)]
    assert all(18.0 <= draw.display["mean"] <= 100.0 for draw in draws)
    assert any(not 18.0 <= draw.values["mean"] <= 100.0 for draw in draws)  # the raw estimate can stray
    assert all(draw.display["count"] == max(draw.values["count"], 0) for draw in draws)
    assert all(isinstance(draw.values["count"], int) for draw in draws)


def test_mean_sum_and_count_halves_match_their_planned_errors() -> None:
    values = [20.0, 95.0, 150.0, None, math.nan, 40.0]  # None and NaN are unknown; 150 is clamped to 100
    plan = plan_mean(18.0, 100.0, 1.0)
    centred_sum = (20.0 - 59.0) + (95.0 - 59.0) + (100.0 - 59.0) + (40.0 - 59.0)
    assert plan.count_error is not None
    assert plan.count_scale is not None
    sums, counts = [], []
    for _ in range(2500):
        draw = release_mean(values, 18.0, 100.0, 1.0)
        sums.append(abs(draw.values["sum_about_midpoint"] - centred_sum) <= plan.expected_error)
        counts.append(abs(draw.values["count"] - 4) <= plan.count_error)
    assert 0.93 <= share(sums) <= 0.97  # continuous Laplace: 95% exactly
    assert abs(share(counts) - discrete_laplace_coverage(plan.count_scale, plan.count_error)) < 0.02


def test_mean_is_accurate_with_many_records_and_clamps_outliers() -> None:
    values = [18.0 + (i * 37 % 83) for i in range(1000)]
    truth = sum(min(value, 100.0) for value in values) / len(values)
    plan = plan_mean(18.0, 100.0, 5.0)
    bound = plan.mean_error(1000)
    assert bound < 0.5
    hits = [abs(release_mean(values, 18.0, 100.0, 5.0).display["mean"] - truth) <= bound for _ in range(100)]
    assert share(hits) >= 0.9  # the bound is conservative: it holds at least 95% of the time
    outliers = [release_mean([1000.0] * 200, 0.0, 10.0, 10.0).values["mean"] for _ in range(20)]
    assert all(abs(mean - 10.0) < 0.5 for mean in outliers)


def test_mean_leaves_out_unknown_values_and_takes_booleans_as_proportions() -> None:
    draws = [release_mean([1.0, None, math.nan, 3.0, None], 0.0, 4.0, 10.0) for _ in range(21)]
    assert Counter(draw.values["count"] for draw in draws).most_common(1)[0][0] == 2
    proportion = release_mean([True] * 300 + [False] * 100, 0.0, 1.0, 10.0)
    assert proportion.display["mean"] == pytest.approx(0.75, abs=0.05)
    assert proportion.kind == "mean"
    assert "make_clamp >> make_sum >> then_laplace" in proportion.mechanism
    assert "make_composition" in proportion.mechanism
