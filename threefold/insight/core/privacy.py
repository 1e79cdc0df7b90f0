"""Differential privacy for insight's statistics on OpenDP 0.16, and the budget check behind the ledger.

A data steward may release a count, a histogram (a count per category) or a bounded mean with differential
privacy instead of cell suppression. Each dataset has a privacy budget (ε, δ); each release spends part of it.
This module is the pure logic: the Django side keeps the ledger and calls, in this order,

1. ``plan_count`` / ``plan_histogram`` / ``plan_mean``: the expected error, shown *before* anything is released
   ("each count will be within ±3 of the true count at least 95% of the time");
2. `check_budget` with the dataset's `Budget`, what is already `Spent` and ``plan.cost``: raises
   `BudgetExceededError` (with a message a page can show) if the release does not fit;
3. ``release_count`` / ``release_histogram`` / ``release_mean``, then records ``released.epsilon`` in the ledger
   and stores the `Released` values. Showing a stored release again costs nothing; running the release again
   spends the budget again, so never re-release to redraw the noise.

**Privacy unit.** One record: one person's registration. Each record counts at most once, so two neighbouring
datasets differ by adding or removing one record (OpenDP: symmetric distance 1, ``d_in = 1``). If one person
could appear in k records of the dataset (a duplicate registration), that person is protected at k·ε only:
deduplicate before releasing. The same text is on every `Plan` and `Released` (``privacy_unit``).

**Public parameters.** Histogram categories and the mean's bounds must be fixed without looking at the data
(the form's list of choices, the plausible range of the variable): categories or bounds taken from the values
themselves leak them, and nothing here can check that.

All noise is drawn by OpenDP's own samplers (discrete Laplace for counts, OpenDP's Laplace on a fine grid for
the float sum); the noise scale for an ε is found by ``dp.binary_search_param`` on the very measurement that is
run, and OpenDP checks ``measurement.check(1, ε)`` holds. Every mechanism here is pure ε-DP: δ is 0.

Pure Python: no Django import (tests/insight/test_privacy.py checks it), so the module runs anywhere.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Final, Literal, NamedTuple

import opendp.prelude as dp

# "contrib" is needed by every constructor used here (make_count, make_count_by_categories, make_clamp, make_sum,
# then_laplace, make_composition): OpenDP marks with it the functions whose proofs have not finished its vetting
# process. That is the state of all of OpenDP's ordinary building blocks, so there is no alternative to it.
# "floating-point" (deprecated in 0.16 for its new name "idealized-numerics") is deliberately NOT enabled: it
# admits functions that are only private in idealised arithmetic and are open to floating-point attacks. The
# float chain used here (clamp >> sum >> Laplace) does not need it: its privacy map charges for IEEE-754 rounding
# (a float sum bounded by [0, 1] has sensitivity 1.0000000093, not 1.0) and the Laplace noise is sampled exactly
# on a grid. Counts are integers with discrete Laplace noise. Should a future change reach for such a function,
# OpenDP refuses to build the chain rather than silently weakening the guarantee.
dp.enable_features("contrib")

Kind = Literal["count", "histogram", "mean"]

OPENDP_VERSION: Final = version("opendp")

PRIVACY_UNIT: Final = (
    "one record (one person's registration): each record counts at most once, so the guarantee covers adding "
    "or removing any one record"
)

# The key of the histogram bucket for every value outside the categories and for unknown (None) values: OpenDP's
# make_count_by_categories counts them in an extra last entry (null_category=True). Releasing it costs nothing
# more (a record is in exactly one bucket) and keeps the totals honest. No category may use this label.
OTHER: Final = "(other or unknown)"

# The highest ε accepted for one release. ε bounds how much one person's record can change the odds of any
# result: by a factor e^ε. At ε = 10 that factor is about 22,000, which protects nobody in practice; a larger
# value is far more likely a typo (10 typed for 0.10, 100 for 1.00) than a decision, so it is refused.
MAX_EPSILON: Final = 10.0

# Relative tolerance of the budget check. Epsilons such as 0.1 are not exact in binary, so a ledger that adds
# them up drifts by about 1e-16 per addition (0.1 + 0.2 == 0.30000000000000004 exceeds a budget of 0.3).
# 1e-9 absorbs that drift for up to millions of releases, is far below any ε a steward can choose or read (two
# decimals are shown), and overspending by it changes the privacy guarantee by a factor e^(1e-9 ε): nothing.
BUDGET_TOLERANCE: Final = 1e-9

DEFAULT_CONFIDENCE: Final = 0.95


class BudgetExceededError(ValueError):
    """A release would spend more than what is left of the dataset's budget; nothing was released."""

    def __init__(self, message: str, *, budget: Budget, spent: Spent, asked: Budget) -> None:
        super().__init__(message)
        self.budget = budget
        self.spent = spent
        self.asked = asked


@dataclass(frozen=True)
class Budget:
    """A privacy loss (ε, δ): a dataset's whole budget, or what one release asks."""

    epsilon: float
    delta: float = 0.0

    def __post_init__(self) -> None:
        _check_loss("epsilon", self.epsilon, upper=None)
        _check_loss("delta", self.delta, upper=1.0)


@dataclass(frozen=True)
class Spent:
    """What the dataset's ledger has already spent: the sums over its releases, and how many there were."""

    epsilon: float
    delta: float
    releases: int

    def __post_init__(self) -> None:
        _check_loss("epsilon", self.epsilon, upper=None)
        _check_loss("delta", self.delta, upper=1.0)
        if type(self.releases) is not int or self.releases < 0:
            raise ValueError(f"releases must be a whole number, 0 or more, got {self.releases!r}")


def check_budget(budget: Budget, spent: Spent, asked: Budget) -> None:
    """Raise `BudgetExceededError` unless ``asked`` fits in what ``spent`` leaves of ``budget``.

    Sequential (basic) composition: the ε of the releases add up, and so do the δ. This is the right rule for
    independent releases on the same dataset, and it is never optimistic. A total within `BUDGET_TOLERANCE`
    (relative) of the budget fits, so that ten releases of ε = 0.1 fill a budget of 1.0 exactly.
    """
    for symbol, total, limit, needs, used in (
        ("ε", spent.epsilon + asked.epsilon, budget.epsilon, asked.epsilon, spent.epsilon),
        ("δ", spent.delta + asked.delta, budget.delta, asked.delta, spent.delta),
    ):
        if not _fits(total, limit):
            left = max(limit - used, 0.0)
            message = _budget_message(symbol, needs=needs, left=left, limit=limit, used=used, spent=spent)
            raise BudgetExceededError(message, budget=budget, spent=spent, asked=asked)


@dataclass(frozen=True)
class Plan:
    """What a release will cost and how far from the truth it will be, known before anything is released.

    ``expected_error`` is a half-width at ``confidence``: for "count" and "histogram", each count (each
    category's count, one at a time) is within ±``expected_error`` of the true count with probability at least
    ``confidence``; it is a whole number (the discrete noise makes any bound between two whole numbers as good
    as the lower one), and can be 0 at a high ε (then the count is exact at least that often).

    For "mean" the error on the mean depends on how many records there are, which is itself sensitive, so the
    plan gives the error of each half: ``expected_error`` for the noisy sum (of the values' distances from the
    middle of [lower, upper]) and ``count_error`` for the noisy number of records, each at ``confidence``; and
    `mean_error` gives the error on the mean for a given number of records. ``scale`` is the noise scale of
    the count (counts, histogram) or of the sum (mean); ``count_scale`` that of the mean's count.
    """

    kind: Kind
    epsilon: float
    delta: float
    scale: float
    expected_error: float
    confidence: float = DEFAULT_CONFIDENCE
    count_scale: float | None = None
    count_error: float | None = None
    lower: float | None = None
    upper: float | None = None
    categories: tuple[str, ...] = ()
    privacy_unit: str = PRIVACY_UNIT

    @property
    def cost(self) -> Budget:
        """What the release spends: pass it to `check_budget` as ``asked``."""
        return Budget(self.epsilon, self.delta)

    def mean_error(self, records: int) -> float:
        """For "mean": the released mean of ``records`` values is within ± this of their (clamped) true mean
        with probability at least ``confidence``.

        Each half is bounded at confidence 1 - (1 - confidence)/2, so both hold together at ``confidence``
        (union bound). With the sum's noise within ±S, the count's within ±C and n records, the estimate
        mid + (sum + noise)/(n + noise) is off by at most (S + C * (upper - lower)/2) / (n - C) when n > C;
        otherwise nothing better than the width of [lower, upper] holds (the mean is clipped into it). Before
        a release, use a public or hypothetical number of records (the true number is sensitive); after it,
        the released noisy count gives an estimate (free to use, being public, but then only approximate).
        """
        if self.kind != "mean" or self.lower is None or self.upper is None or self.count_scale is None:
            raise ValueError("mean_error is for a plan of kind 'mean'")
        if type(records) is not int or records < 0:
            raise ValueError(f"records must be a whole number, 0 or more, got {records!r}")
        width = self.upper - self.lower
        alpha = (1.0 - self.confidence) / 2.0
        sum_error = _continuous_error(self.scale, alpha)
        count_error = _integer_error(self.count_scale, alpha)
        if records <= count_error:
            return width
        return min(width, (sum_error + count_error * width / 2.0) / (records - count_error))


@dataclass(frozen=True)
class Released:
    """A differentially private release: what the ledger records and what a page shows.

    ``values`` are the noisy values as OpenDP drew them (a count may be negative; for a mean, the raw estimate
    may fall outside [lower, upper]). ``display`` is the same after post-processing for display: counts clipped
    at zero, the mean clipped into [lower, upper]. Post-processing a private result costs no budget.

    Keys: "count" for a count; each category and `OTHER` for a histogram; "mean", "count" (of the known values
    the mean is over) and "sum_about_midpoint" (their noisy sum, less the midpoint of [lower, upper] for each)
    for a mean, whose ``display`` has "mean" and "count".
    """

    kind: Kind
    epsilon: float
    delta: float
    values: dict[str, float | int]
    display: dict[str, float | int]
    plan: Plan
    mechanism: str
    privacy_unit: str = PRIVACY_UNIT


# --- plans ---------------------------------------------------------------------------------------------------


def plan_count(epsilon: float, *, confidence: float = DEFAULT_CONFIDENCE) -> Plan:
    """The plan of `release_count` at ``epsilon``: the error of the noisy number of records."""
    epsilon, confidence = _check_epsilon(epsilon), _check_confidence(confidence)
    scale = _count_mechanism(epsilon).scale
    return Plan("count", epsilon, 0.0, scale, _integer_error(scale, 1.0 - confidence), confidence)


def plan_histogram(
    categories: Sequence[str], epsilon: float, *, confidence: float = DEFAULT_CONFIDENCE
) -> Plan:
    """The plan of `release_histogram`: the error of each category's count (and of the `OTHER` bucket).

    The whole histogram costs ``epsilon``, not ``epsilon`` per category: a record falls in one bucket only.
    """
    names = _check_categories(categories)
    epsilon, confidence = _check_epsilon(epsilon), _check_confidence(confidence)
    scale = _histogram_mechanism(names, epsilon).scale
    error = _integer_error(scale, 1.0 - confidence)
    return Plan("histogram", epsilon, 0.0, scale, error, confidence, categories=names)


def plan_mean(lower: float, upper: float, epsilon: float, *, confidence: float = DEFAULT_CONFIDENCE) -> Plan:
    """The plan of `release_mean`: the errors of its noisy sum and noisy count (see `Plan`, `Plan.mean_error`).

    ``epsilon`` is split evenly: ε/2 for the sum, ε/2 for the count (see `release_mean` for why).
    """
    lower, upper = _check_bounds(lower, upper)
    epsilon, confidence = _check_epsilon(epsilon), _check_confidence(confidence)
    mechanism = _mean_mechanism((upper - lower) / 2.0, epsilon)
    assert mechanism.count_scale is not None
    alpha = 1.0 - confidence
    return Plan(
        "mean",
        epsilon,
        0.0,
        mechanism.scale,
        _continuous_error(mechanism.scale, alpha),
        confidence,
        count_scale=mechanism.count_scale,
        count_error=_integer_error(mechanism.count_scale, alpha),
        lower=lower,
        upper=upper,
    )


# --- releases ------------------------------------------------------------------------------------------------


def release_count(
    records: Sized | int, epsilon: float, *, confidence: float = DEFAULT_CONFIDENCE
) -> Released:
    """The number of records plus discrete Laplace noise (OpenDP make_count >> then_laplace).

    ``records`` is the records themselves (anything with a length) or their exact number (say, a query's
    count); either way OpenDP counts a vector of that many placeholders, so the same measurement draws the noise
    (about 1 s per million records).
    """
    plan = plan_count(epsilon, confidence=confidence)
    if isinstance(records, int) and not isinstance(records, bool):
        if records < 0:
            raise ValueError(f"a number of records cannot be negative, got {records}")
        size = records
    elif isinstance(records, Sized) and not isinstance(records, str | bytes):
        size = len(records)
    else:
        raise ValueError("records must be a collection of records or their number (an int)")
    noisy = int(_count_mechanism(plan.epsilon).measurement([True] * size))
    return Released(
        "count",
        plan.epsilon,
        plan.delta,
        {"count": noisy},
        {"count": max(noisy, 0)},
        plan,
        f"discrete Laplace (OpenDP {OPENDP_VERSION} make_count >> then_laplace)",
    )


def release_histogram(
    values: Iterable[str | None],
    categories: Sequence[str],
    epsilon: float,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Released:
    """A noisy count per category, plus the `OTHER` bucket for values outside ``categories`` and None.

    OpenDP make_count_by_categories (null_category=True) >> then_laplace: discrete Laplace noise on each count,
    ε for the whole histogram (adding or removing one record changes one bucket by one: L1 sensitivity 1).
    Every category gets a count, with noise, even one no record has: leaving out empty categories would tell.
    """
    plan = plan_histogram(categories, epsilon, confidence=confidence)
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError("values must be a list of strings (or None for unknown)")
    data: list[str] = []
    for position, value in enumerate(values):
        if value is None:
            data.append("")  # no category is "" (checked), so OpenDP counts it in the OTHER bucket
        elif isinstance(value, str):
            data.append(value)
        else:
            # the type only, never the value: it may be sensitive
            raise ValueError(f"values must be strings or None; item {position} is a {type(value).__name__}")
    noisy = [int(count) for count in _histogram_mechanism(plan.categories, plan.epsilon).measurement(data)]
    keys = (*plan.categories, OTHER)
    if len(noisy) != len(keys):  # pragma: no cover - OpenDP's documented output: one count per key
        raise RuntimeError(f"OpenDP returned {len(noisy)} counts for {len(keys)} buckets")
    raw: dict[str, float | int] = dict(zip(keys, noisy, strict=True))
    shown: dict[str, float | int] = {key: max(count, 0) for key, count in zip(keys, noisy, strict=True)}
    return Released(
        "histogram",
        plan.epsilon,
        plan.delta,
        raw,
        shown,
        plan,
        f"discrete Laplace (OpenDP {OPENDP_VERSION} make_count_by_categories >> then_laplace)",
    )


def release_mean(
    values: Iterable[float | None],
    lower: float,
    upper: float,
    epsilon: float,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Released:
    """The mean of ``values`` clamped into [lower, upper], from a noisy sum and a noisy count.

    None and NaN are unknown and left out (of the sum and of the count alike): the mean is over known values.
    True and False count as 1 and 0, so with bounds 0 and 1 the mean is a proportion.
    The number of records is sensitive, so OpenDP's mean with a public size does not apply (it would need the
    true size, or a resize that pads or drops records and biases the mean). Instead ε is split between two
    releases composed in one OpenDP measurement (make_composition, checked to cost at most ε):

    - the sum of the values' distances from the midpoint m of [lower, upper] (clamped by OpenDP into
      [-(upper - lower)/2, (upper - lower)/2]), with Laplace noise;
    - the number of known values, with discrete Laplace noise.

    The mean is m + noisy sum / noisy count (a count below 1 is taken as 1), then clipped into [lower, upper]
    for display. Centring on m: the count's noise then moves the estimate by at most (upper - lower)/2 per unit
    instead of up to max(|lower|, |upper|). (OpenDP's float-sum proof charges upper - lower for one record
    either way, rounding included.) The even split: with the sum's sensitivity w = upper - lower and the count's
    1, the error on the mean is about (w/ε_sum + (w/2)/ε_count)·c/n, least at ε_sum ≈ 0.59 ε; the even split is
    within 3% of that, keeps the count as accurate as the sum, and is simple to explain.
    """
    plan = plan_mean(lower, upper, epsilon, confidence=confidence)
    assert plan.lower is not None
    assert plan.upper is not None
    low, high = plan.lower, plan.upper
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError("values must be a list of numbers (or None for unknown)")
    middle = low + (high - low) / 2.0
    data: list[float] = []
    for position, value in enumerate(values):
        if value is None:
            continue
        if not isinstance(value, numbers.Real):
            raise ValueError(f"values must be numbers or None; item {position} is a {type(value).__name__}")
        number = float(value)
        if not math.isnan(number):
            data.append(number - middle)  # a shift of each record: neighbours stay neighbours; OpenDP clamps
    noisy_count, noisy_sum = _mean_mechanism((high - low) / 2.0, plan.epsilon).measurement(data)
    count, total = int(noisy_count), float(noisy_sum)
    raw_mean = middle + total / max(count, 1)
    return Released(
        "mean",
        plan.epsilon,
        plan.delta,
        {"mean": raw_mean, "count": count, "sum_about_midpoint": total},
        {"mean": min(max(raw_mean, low), high), "count": max(count, 0)},
        plan,
        f"Laplace on the clamped sum and discrete Laplace on the count, ε split evenly (OpenDP {OPENDP_VERSION} "
        "make_clamp >> make_sum >> then_laplace, make_count >> then_laplace, make_composition)",
    )


# --- OpenDP measurements -------------------------------------------------------------------------------------


class _Mechanism(NamedTuple):
    measurement: dp.Measurement
    scale: float  # of the released statistic's noise (the sum's, for a mean)
    count_scale: float | None = None  # of the mean's count


def _calibrated(make: Callable[[float], dp.Measurement], epsilon: float) -> tuple[dp.Measurement, float]:
    """The measurement with the smallest noise scale that OpenDP proves ε-DP for one record added or removed."""
    scale = float(dp.binary_search_param(make, d_in=1, d_out=epsilon, T=float))
    measurement = make(scale)
    if not measurement.check(1, epsilon):  # pragma: no cover - binary_search_param returns a passing scale
        raise RuntimeError(f"OpenDP could not calibrate the noise for ε = {epsilon}")
    return measurement, scale


# Plans and releases get their scale from these cached functions, so a plan's expected error is always that of
# the measurement the release runs. The cache also spares the binary search (about 40 ms) on repeated releases.


@lru_cache(maxsize=128)
def _count_mechanism(epsilon: float) -> _Mechanism:
    space = dp.vector_domain(dp.atom_domain(T=bool)), dp.symmetric_distance()
    return _Mechanism(
        *_calibrated(lambda s: space >> dp.t.then_count() >> dp.m.then_laplace(scale=s), epsilon)
    )


@lru_cache(maxsize=128)
def _histogram_mechanism(categories: tuple[str, ...], epsilon: float) -> _Mechanism:
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    counts = space >> dp.t.then_count_by_categories(categories=list(categories), null_category=True)
    return _Mechanism(*_calibrated(lambda s: counts >> dp.m.then_laplace(scale=s), epsilon))


@lru_cache(maxsize=128)
def _mean_mechanism(half_width: float, epsilon: float) -> _Mechanism:
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
    clamped = space >> dp.t.then_clamp((-half_width, half_width))
    count, count_scale = _calibrated(
        lambda s: clamped >> dp.t.then_count() >> dp.m.then_laplace(scale=s), epsilon / 2
    )
    total, sum_scale = _calibrated(
        lambda s: clamped >> dp.t.then_sum() >> dp.m.then_laplace(scale=s), epsilon / 2
    )
    both = dp.c.make_composition([count, total])
    if not both.check(1, epsilon):  # pragma: no cover - two halves of ε add up to ε
        raise RuntimeError(f"OpenDP could not compose the mean's halves within ε = {epsilon}")
    return _Mechanism(both, sum_scale, count_scale)


@lru_cache(maxsize=512)
def _integer_error(scale: float, alpha: float) -> float:
    """The smallest whole n with P(|discrete Laplace(scale)| > n) <= alpha (OpenDP gives a real bound a with
    P(|noise| >= a) = alpha; the noise is whole, so |noise| <= floor(a) at least as often)."""
    return float(math.floor(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=alpha)))


@lru_cache(maxsize=512)
def _continuous_error(scale: float, alpha: float) -> float:
    return float(dp.laplacian_scale_to_accuracy(scale=scale, alpha=alpha))


# --- checks and messages -------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_epsilon(epsilon: float) -> float:
    if not _is_number(epsilon) or not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be a finite number above 0, got {epsilon!r}")
    if epsilon > MAX_EPSILON:
        raise ValueError(
            f"epsilon must be at most {MAX_EPSILON:g} for one release (got {epsilon!r}): beyond that the noise "
            "protects no one"
        )
    return float(epsilon)


def _check_confidence(confidence: float) -> float:
    if not _is_number(confidence) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number between 0 and 1 (exclusive), got {confidence!r}")
    return float(confidence)


def _check_bounds(lower: float, upper: float) -> tuple[float, float]:
    if not (_is_number(lower) and _is_number(upper) and math.isfinite(lower) and math.isfinite(upper)):
        raise ValueError(f"lower and upper must be finite numbers, got {lower!r} and {upper!r}")
    if not lower < upper:
        raise ValueError(f"lower must be below upper, got lower={lower!r} and upper={upper!r}")
    if not math.isfinite(float(upper) - float(lower)):
        raise ValueError("upper - lower is too large to compute")
    return float(lower), float(upper)


def _check_categories(categories: Sequence[str]) -> tuple[str, ...]:
    if isinstance(categories, str) or not isinstance(categories, Sequence):
        raise ValueError("categories must be a list of category names, not a single string")
    names = tuple(categories)
    if not names:
        raise ValueError("categories must not be empty")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"each category must be a non-blank string, got {name!r}")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"categories must be unique; repeated: {', '.join(map(repr, duplicates))}")
    if OTHER in names:
        raise ValueError(f"{OTHER!r} is reserved for values outside the categories")
    return names


def _check_loss(name: str, value: float, *, upper: float | None) -> None:
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number, 0 or more, got {value!r}")
    if upper is not None and value > upper:
        raise ValueError(f"{name} must be at most {upper:g}, got {value!r}")


def _fits(total: float, limit: float) -> bool:
    return total <= limit or math.isclose(total, limit, rel_tol=BUDGET_TOLERANCE, abs_tol=0.0)


def _budget_message(
    symbol: str, *, needs: float, left: float, limit: float, used: float, spent: Spent
) -> str:
    # two decimals for ε, more if needed to tell what is asked from what is left (0.204 against 0.200)
    decimals = 2
    while decimals < 6 and f"{needs:.{decimals}f}" == f"{left:.{decimals}f}":
        decimals += 1

    def shown(value: float) -> str:
        return f"{value:.3g}" if symbol == "δ" else f"{value:.{decimals}f}"

    releases = f"{spent.releases} release" + ("" if spent.releases == 1 else "s")
    if left <= 0.0:
        availability = f"none of this dataset's budget of {symbol} = {shown(limit)} is left"
    else:
        availability = f"only {symbol} = {shown(left)} of this dataset's budget of {shown(limit)} is left"
    return f"This release needs {symbol} = {shown(needs)} but {availability} ({shown(used)} spent in {releases})."
