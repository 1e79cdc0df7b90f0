"""Multiple systems estimation (MSE) by the SparseMSE method: how many victims no list saw. numpy and scipy only.

Several organisations each keep a list of the victims they met (police, NGOs, local authorities...). Counting
how many people are on each combination of lists says something about how many people are on none: the "dark
figure". This module is a port of the R package SparseMSE 2.0.1 (Chan, Silverman & Vincent, JASA 2021), the
method behind the UK Home Office's 10,000-13,000 estimate for 2013:

- `Lists`: the capture histories (which lists a case is on, 0/1 per list) with their counts, validated;
- `remove_noninformative`: drops lists that are empty, hold every case, or duplicate another list;
- `fit`: the Poisson log-linear model log mu = a0 + sum a_i + sum a_ij over the chosen pairs (i, j), fitted by
  iteratively reweighted least squares. A pair of lists that never overlap gets a_ij = -inf (the extended
  maximum likelihood estimate): every history containing both lists is deleted before the fit, as SparseMSE's
  ``buildmodel`` does, and the AIC counts 2 for each such parameter;
- `check_identifiable`: SparseMSE's ``checkident`` (Fienberg & Rinaldo 2012): 0 if the estimate exists and is
  identifiable, 1 if it does not exist, 2 if it is not identifiable, 3 if both;
- `stepwise`: forward selection of pairs by one-sided Poisson tail p-values (not doubled), threshold 0.02,
  candidates that fail the check skipped, ties to the lowest pair index (SparseMSE's ``stepwisefit``);
- `estimate`: the total N = observed + exp(a0) and the model-conditional Wald interval on the log scale
  (``estimatepopulation.0``); `analyse` does removal, selection and estimate in one call.

The bootstrap that accounts for model selection (BCa) is in `mse_bootstrap`. Pairs are 0-based list indices
(i, j) with i < j, numbered in SparseMSE's order (0,1), (0,2), ..., (0,t-1), (1,2), ... Pure Python: no Django
import (tests/insight/test_pure.py checks it).

Read an estimate with its caveats: it assumes a closed population, that a case is matched across lists without
error, and that all dependence between lists is captured by the pairs in the model. The model-conditional
interval ignores the uncertainty of choosing the model and is too narrow; prefer the bootstrap interval.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.special import gammaln, pdtr, pdtrc
from scipy.stats import norm

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Pair = tuple[int, int]

DEFAULT_PTHRESH: Final = 0.02  # SparseMSE 2.0.x; it was 0.001 in 1.2.1 (JASA 2021 section 4.3 chose 0.02)
DEFAULT_QUANTILES: Final = (0.025, 0.1, 0.9, 0.975)  # the 95% and 80% intervals
# Each list doubles the number of capture histories (2^t - 1) and with it the work of every fit and check.
MAX_LISTS: Final = 12
# checkident tests the LP optimum with == 0; HiGHS works in floating point, so "0" is below this share of n.
LP_TOLERANCE: Final = 1e-9
DOES_NOT_EXIST: Final = 1
NOT_IDENTIFIABLE: Final = 2
_MAX_ITERATIONS: Final = 100
_CONVERGED: Final = 1e-12  # relative change of the deviance (R's glm stops at 1e-8)
_STEP_CONVERGED: Final = 1e-10  # or largest change of a fitted log-mean


class ListsError(ValueError):
    """The table of capture histories is malformed; ``problems`` names every bad row."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


class MseError(ValueError):
    """No estimate for these data and this model, with the reason in plain words."""


@lru_cache(maxsize=MAX_LISTS + 1)
def histories(size: int) -> IntArray:
    """Every observable capture history over ``size`` lists, row r being the bits of r + 1 (list i = bit i)."""
    masks = np.arange(1, 2**size, dtype=np.int64)
    rows = (masks[:, None] >> np.arange(size, dtype=np.int64)) & 1
    rows.flags.writeable = False
    return rows


@lru_cache(maxsize=MAX_LISTS + 1)
def all_pairs(size: int) -> tuple[Pair, ...]:
    return tuple((i, j) for i in range(size - 1) for j in range(i + 1, size))


@lru_cache(maxsize=MAX_LISTS + 1)
def pair_columns(size: int) -> IntArray:
    """Column k is 1 on the histories that contain both lists of ``all_pairs(size)[k]``."""
    h = histories(size)
    columns = np.column_stack([h[:, i] & h[:, j] for i, j in all_pairs(size)])
    columns.flags.writeable = False
    return columns


def _whole(value: object) -> int | None:
    """The non-negative whole number ``value`` holds (an int, a whole float, digits), else None."""
    number: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        number = int(value.strip())
    return number if number is not None and number >= 0 else None


@dataclass(frozen=True, eq=False)
class Lists:
    """Counts of cases by capture history: ``counts[r]`` cases are on exactly the lists of ``histories(t)[r]``.

    Build it with `from_rows` or `from_patterns`; histories not given count 0 and repeated ones are added up.
    """

    names: tuple[str, ...]
    counts: IntArray

    @classmethod
    def from_rows(
        cls,
        names: Sequence[str],
        rows: Iterable[tuple[Sequence[object], object]],
        labels: Sequence[str] | None = None,
    ) -> Lists:
        """Rows of (one 0/1 per list, count). ``labels`` name the rows in messages (default "row 1", ...)."""
        names = tuple(str(name).strip() for name in names)
        problems: list[str] = []
        if len(names) < 2:
            problems.append(f"at least two lists are needed, not {len(names)}")
        elif len(names) > MAX_LISTS:
            problems.append(f"at most {MAX_LISTS} lists can be used, not {len(names)}")
        if any(not name for name in names):
            problems.append("every list needs a name")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            problems.append(f"list names must differ: {', '.join(repeated)} appears more than once")
        if problems:
            raise ListsError(problems)
        counts = np.zeros(2 ** len(names) - 1, dtype=np.int64)
        for number, (flags, raw_count) in enumerate(rows):
            where = labels[number] if labels is not None else f"row {number + 1}"
            bits = [_whole(flag) for flag in flags]
            count = _whole(raw_count)
            if len(bits) != len(names):
                problems.append(f"{where}: {len(bits)} list values for {len(names)} lists")
                continue
            bad = [
                f"{name}={flag!r}"
                for name, flag, bit in zip(names, flags, bits, strict=True)
                if bit not in (0, 1)
            ]
            if bad:
                problems.append(f"{where}: a list value must be 0 or 1 ({', '.join(bad)})")
            if count is None:
                problems.append(f"{where}: the count must be a whole number of 0 or more, not {raw_count!r}")
            if bad or count is None:
                continue
            mask = sum(bit << i for i, bit in enumerate(bits) if bit)
            if mask == 0:
                if count:
                    problems.append(
                        f"{where}: {count} cases on no list at all: a case nobody saw cannot be counted "
                        "(that number is what the estimate is for)"
                    )
                continue
            counts[mask - 1] += count
        if not problems and counts.sum() == 0:
            problems.append("no case is on any list")
        if problems:
            raise ListsError(problems)
        counts.flags.writeable = False
        return cls(names, counts)

    @classmethod
    def from_patterns(cls, names: Sequence[str], patterns: Iterable[tuple[str, object]]) -> Lists:
        """Rows as bit strings over ``names`` ("10100": on lists 1 and 3) with their counts."""
        return cls.from_rows(names, ((tuple(pattern.strip()), count) for pattern, count in patterns))

    def with_counts(self, counts: IntArray) -> Lists:
        """The same lists with other counts, one per history (bootstrap and jackknife)."""
        fixed = np.asarray(counts, dtype=np.int64).copy()
        if fixed.shape != self.counts.shape or np.any(fixed < 0) or not fixed.any():
            raise ValueError(f"{len(self.counts)} counts of 0 or more are needed, not all 0")
        fixed.flags.writeable = False
        return Lists(self.names, fixed)

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def list_total(self, i: int) -> int:
        return int(self.counts[histories(self.size)[:, i] == 1].sum())

    def overlap(self, i: int, j: int) -> int:
        """Cases on both lists i and j, whatever other lists they are on (N*_ij)."""
        h = histories(self.size)
        return int(self.counts[(h[:, i] & h[:, j]) == 1].sum())

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """The observed histories (count > 0) with their counts."""
        h = histories(self.size)
        return [(tuple(int(b) for b in h[r]), int(c)) for r, c in enumerate(self.counts) if c > 0]

    def pair_label(self, pair: Pair) -> str:
        return f"{self.names[pair[0]]} & {self.names[pair[1]]}"


@dataclass(frozen=True)
class Removed:
    name: str
    reason: str  # "empty", "every case" or "duplicate of NAME"


@dataclass(frozen=True, eq=False)
class Cleaned:
    """A table without non-informative lists; ``only_on_removed`` cases were on removed lists only."""

    table: Lists
    removed: tuple[Removed, ...]
    only_on_removed: int


def remove_noninformative(table: Lists) -> Cleaned:
    """Drop lists that say nothing about the dark figure (SparseMSE's ``removenoninformativelists``).

    An empty list, a list holding every case observed, and a list holding exactly the same cases as an earlier
    list. Cases left on no list (seen only on a removed list holding every case) are dropped and counted in
    ``only_on_removed``: to the kept lists they are unseen, so the estimate includes them in its dark figure.
    """
    h = histories(table.size)
    seen = table.counts > 0
    removed: list[Removed] = []
    kept: list[int] = []
    for i, name in enumerate(table.names):
        total = table.list_total(i)
        if total == 0:
            removed.append(Removed(name, "empty"))
        elif total == table.observed:
            removed.append(Removed(name, "every case"))
        else:
            twin = next((k for k in kept if np.array_equal(h[seen, k], h[seen, i])), None)
            if twin is None:
                kept.append(i)
            else:
                removed.append(Removed(name, f"duplicate of {table.names[twin]}"))
    if not removed:
        return Cleaned(table, (), 0)
    if len(kept) < 2:
        gone = ", ".join(f"{r.name} ({r.reason})" for r in removed)
        raise MseError(
            f"Only {len(kept)} informative list is left after removing {gone}: an estimate needs at least two "
            "lists that each hold some but not all of the cases."
        )
    masks = h[:, kept] @ (1 << np.arange(len(kept), dtype=np.int64))
    counts = np.bincount(masks, weights=table.counts, minlength=2 ** len(kept)).astype(np.int64)
    reduced = Lists(tuple(table.names[i] for i in kept), counts[1:])
    reduced.counts.flags.writeable = False
    return Cleaned(reduced, tuple(removed), int(counts[0]))


def _pairs(table: Lists, pairs: Iterable[Sequence[int]]) -> tuple[Pair, ...]:
    """Pairs as sorted (i, j), i < j, each once, in SparseMSE's order; an unknown or repeated list raises."""
    out: set[Pair] = set()
    for pair in pairs:
        i, j = (int(x) for x in pair)
        if i == j or not (0 <= i < table.size and 0 <= j < table.size):
            raise ValueError(f"({i}, {j}) is not a pair of two different lists among 0..{table.size - 1}")
        out.add((min(i, j), max(i, j)))
    order = {p: k for k, p in enumerate(all_pairs(table.size))}
    return tuple(sorted(out, key=order.__getitem__))


def _design(
    table: Lists, pairs: tuple[Pair, ...]
) -> tuple[FloatArray, npt.NDArray[np.bool_], tuple[Pair, ...]]:
    """Design matrix over the retained histories, which histories are retained, and the empty pairs (-inf)."""
    h = histories(table.size)
    keep = np.ones(len(h), dtype=bool)
    empty = tuple(p for p in pairs if table.overlap(*p) == 0)
    for i, j in empty:
        keep &= (h[:, i] & h[:, j]) == 0
    kept_h = h[keep]
    columns = [np.ones(len(kept_h)), *kept_h.T] + [
        kept_h[:, i] * kept_h[:, j] for i, j in pairs if (i, j) not in empty
    ]
    return np.column_stack(columns).astype(np.float64), keep, empty


@dataclass(frozen=True, eq=False)
class Fit:
    """A fitted log-linear model. ``fitted`` has every history, 0 where a -inf pair deleted it."""

    pairs: tuple[Pair, ...]
    empty_pairs: tuple[Pair, ...]  # pairs of the model with no case in common: a_ij = -inf
    terms: tuple[str, ...]  # "(Intercept)", list names, then "A:B" for each finite pair
    coefficients: FloatArray
    covariance: FloatArray  # inverse Fisher information (R's cov.unscaled), same order as terms
    fitted: FloatArray
    deviance: float
    aic: float  # R's glm AIC plus 2 for each -inf parameter
    iterations: int

    @property
    def log_dark(self) -> float:
        return float(self.coefficients[0])

    @property
    def se_log_dark(self) -> float:
        return math.sqrt(float(self.covariance[0, 0]))


def fit(table: Lists, pairs: Iterable[Sequence[int]] = ()) -> Fit:
    """Fit the model by IRLS, without checking it first (see `check_identifiable`, or use `estimate`)."""
    model = _pairs(table, pairs)
    x, keep, empty = _design(table, model)
    y = table.counts[keep].astype(np.float64)
    mu = y + 0.1  # R's glm starting values for the Poisson family
    eta = np.log(mu)
    deviance_old = math.inf
    beta: FloatArray = np.zeros(x.shape[1])
    iteration = 0
    while iteration < _MAX_ITERATIONS:
        iteration += 1
        root = np.sqrt(mu)
        z = eta + (y - mu) / mu
        beta = np.asarray(np.linalg.lstsq(x * root[:, None], z * root, rcond=None)[0], dtype=np.float64)
        eta, eta_old = x @ beta, eta
        mu = np.exp(eta)
        deviance = _deviance(y, mu)
        # Newton's steps shrink quadratically: either test stops within a step or two of the exact optimum.
        if (
            abs(deviance - deviance_old) <= _CONVERGED * (abs(deviance) + 0.1)
            or np.max(np.abs(eta - eta_old)) <= _STEP_CONVERGED
        ):
            break
        deviance_old = deviance
    else:
        raise MseError("The model fit did not converge: the estimate for this model cannot be trusted.")
    information = x.T @ (x * mu[:, None])
    try:
        covariance = np.asarray(np.linalg.inv(information), dtype=np.float64)
    except np.linalg.LinAlgError:  # a model that fails check_identifiable; estimate() never gets here
        covariance = np.asarray(np.linalg.pinv(information), dtype=np.float64)
    fitted = np.zeros(len(keep))
    fitted[keep] = mu
    loglik = float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu - gammaln(y + 1)))
    names = table.names
    terms = ("(Intercept)", *names, *(f"{names[i]}:{names[j]}" for i, j in model if (i, j) not in empty))
    return Fit(
        pairs=model,
        empty_pairs=empty,
        terms=terms,
        coefficients=beta,
        covariance=covariance,
        fitted=fitted,
        deviance=deviance,
        aic=-2 * loglik + 2 * x.shape[1] + 2 * len(empty),
        iterations=iteration,
    )


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    ratio = np.where(y > 0, y / np.where(y > 0, mu, 1.0), 1.0)
    return float(2 * np.sum(y * np.log(ratio) - (y - mu)))


def check_identifiable(table: Lists, pairs: Iterable[Sequence[int]] = ()) -> int:
    """SparseMSE's ``checkident``: 0 if fine, +1 if the (extended) estimate does not exist, +2 if not identifiable.

    Existence is Fienberg and Rinaldo's linear program: maximise s subject to A'x = A'y, x >= s, x, s >= 0 over
    the retained histories; the estimate exists if and only if s* > 0 (some table with the data's sufficient
    statistics has every cell positive). Identifiability is the design matrix having full column rank.

    Both answers depend only on the model and on which histories have a count (Fienberg and Rinaldo: existence
    is a property of the support of the table), so they are remembered by that key: the bootstrap asks the same
    question of many resampled tables.
    """
    model = _pairs(table, pairs)
    key = (table.size, np.packbits(table.counts > 0).tobytes(), model)
    code = _CHECKS.get(key)
    if code is None:
        if len(_CHECKS) >= _MAX_CHECKS:
            _CHECKS.clear()
        code = _CHECKS[key] = _check(table, model)
    return code


_CHECKS: dict[tuple[int, bytes, tuple[Pair, ...]], int] = {}
_MAX_CHECKS: Final = 200_000


def _check(table: Lists, model: tuple[Pair, ...]) -> int:
    x, keep, _ = _design(table, model)
    y = table.counts[keep].astype(np.float64)
    rows, params = x.shape
    code = NOT_IDENTIFIABLE if np.linalg.matrix_rank(x) < params else 0
    objective = np.zeros(rows + 1)
    objective[-1] = -1.0  # linprog minimises: -s
    result = linprog(
        objective,
        A_ub=np.hstack([-np.eye(rows), np.ones((rows, 1))]),  # s - x_w <= 0
        b_ub=np.zeros(rows),
        A_eq=np.hstack([x.T, np.zeros((params, 1))]),
        b_eq=x.T @ y,
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        raise MseError(f"The existence check could not be solved ({result.message}).")
    if -result.fun <= LP_TOLERANCE * max(1.0, float(y.sum())):
        code += DOES_NOT_EXIST
    return code


def explain(table: Lists, pairs: Iterable[Sequence[int]], code: int) -> str:
    """The plain-language reason why `check_identifiable` gave ``code`` for this model."""
    model = _pairs(table, pairs)
    names = table.names
    what = f"this model ({', '.join(map(table.pair_label, model))})" if model else "the main-effects model"
    disjoint = [p for p in all_pairs(table.size) if table.overlap(*p) == 0]
    in_model = [p for p in disjoint if p in model]
    shown = in_model if model and in_model else disjoint
    facts = ""
    if shown:
        (i, j), *others = shown
        facts = f" Lists {names[i]} and {names[j]} never overlap (no case is on both)"
        facts += "".join(f", nor do {names[a]} and {names[b]}" for a, b in others) + "."
    parts = []
    if code & DOES_NOT_EXIST:
        if not model and len(disjoint) == len(all_pairs(table.size)):
            parts.append(
                "The estimate does not exist for the main-effects model: no case is on more than one list, so "
                "nothing links the lists and the number of cases none of them saw could be any size."
            )
        else:
            parts.append(
                f"The estimate does not exist for {what}: the cases that link the lists are all used up by the "
                "effects in the model, so the number of cases no list saw runs off to zero or infinity."
            )
    if code & NOT_IDENTIFIABLE:
        x, _, _ = _design(table, model)
        spare = x.shape[1] - int(np.linalg.matrix_rank(x))
        triangle = any(
            all(table.overlap(*p) for p in ((a, b), (a, c), (b, c)))
            for a in range(table.size)
            for b in range(a + 1, table.size)
            for c in range(b + 1, table.size)
        )
        note = (
            " No three lists all overlap each other, so a model with every pair cannot be fitted."
            if set(model) == set(all_pairs(table.size)) and not triangle
            else ""
        )
        parts.append(
            f"The estimate is not identifiable for {what}: the model has {spare} effect(s) more than the "
            f"data can tell apart.{note}"
        )
    advice = (
        " Use fewer pairs, or let the stepwise method choose the model."
        if model
        else " Lists that share cases are needed for any estimate."
    )
    return " ".join(parts) + facts + advice


def _checked(table: Lists, pairs: Iterable[Sequence[int]]) -> tuple[Pair, ...]:
    model = _pairs(table, pairs)
    code = check_identifiable(table, model)
    if code:
        raise MseError(explain(table, model, code))
    return model


@dataclass(frozen=True)
class Step:
    """One pair added by the stepwise method: its overlap (observed), the expected overlap and the p-value."""

    pair: Pair
    p_value: float
    observed: int
    expected: float


@dataclass(frozen=True, eq=False)
class Selection:
    pairs: tuple[Pair, ...]
    steps: tuple[Step, ...]
    fit: Fit
    skipped: tuple[Pair, ...] = field(default=())  # candidates below the threshold refused by the check


def pair_p_values(observed: npt.ArrayLike, expected: npt.ArrayLike) -> FloatArray:
    """min(P(X <= n), P(X >= n)) for X ~ Poisson(expected): one-sided either way, not doubled.

    R's ``min(ppois(n, lambda), ppois(n - 1, lambda, lower.tail = FALSE))``; P(X >= 0) is 1.
    """
    n = np.asarray(observed, dtype=np.float64)
    lam = np.asarray(expected, dtype=np.float64)
    safe = np.where(lam > 0, lam, 1.0)
    upper = np.where(n > 0, pdtrc(np.maximum(n - 1, 0), safe), 1.0)
    return np.where(lam > 0, np.minimum(pdtr(n, safe), upper), 1.0)


def stepwise(table: Lists, pthresh: float = DEFAULT_PTHRESH) -> Selection:
    """SparseMSE's ``stepwisefit``: add pairs one at a time from the main-effects model.

    At each step every pair not yet in the model gets the p-value of its overlap under the current model; the
    smallest below ``pthresh`` is added (ties: the lowest pair index) unless the model would then fail
    `check_identifiable`, in which case the next smallest is tried. ``pthresh`` 0 keeps main effects only; 1
    fits every pair when that model passes the check.
    """
    if not 0 <= pthresh <= 1:
        raise ValueError(f"the p-value threshold must be between 0 and 1, not {pthresh}")
    candidates = all_pairs(table.size)
    _checked(table, ())
    if pthresh == 1 and check_identifiable(table, candidates) == 0:
        return Selection(candidates, (), fit(table, candidates))
    current = fit(table, ())
    if pthresh == 0:
        return Selection((), (), current)
    both = pair_columns(table.size)
    overlaps = table.counts @ both
    model: list[Pair] = []
    steps: list[Step] = []
    skipped: list[Pair] = []
    while len(model) < len(candidates):
        expected = current.fitted @ both
        p_values = pair_p_values(overlaps, expected)
        # Sorting by (p, index) and taking the first that passes the check is R's rule (p set to 1 when the
        # check fails, then the lowest index among the smallest) with fewer linear programs.
        scored = sorted(
            (float(p_values[k]), k)
            for k, pair in enumerate(candidates)
            if pair not in model and p_values[k] < pthresh
        )
        chosen = None
        for p_value, index in scored:
            pair = candidates[index]
            if check_identifiable(table, [*model, pair]) == 0:
                chosen = Step(pair, p_value, int(overlaps[index]), float(expected[index]))
                break
            if pair not in skipped:
                skipped.append(pair)
        if chosen is None:
            break
        model.append(chosen.pair)
        steps.append(chosen)
        current = fit(table, model)
    return Selection(current.pairs, tuple(steps), current, tuple(skipped))


@dataclass(frozen=True, eq=False)
class Estimate:
    """N = observed + exp(a0), with the model-conditional Wald interval on the log scale."""

    table: Lists
    fit: Fit
    observed: int
    quantiles: dict[float, float]  # quantile -> total

    @property
    def dark_figure(self) -> float:
        return math.exp(self.fit.log_dark)

    @property
    def total(self) -> float:
        return self.observed + self.dark_figure

    def quantile(self, q: float) -> float:
        """observed + exp(a0 + z_q se(a0)): the total at quantile q, assuming the model is right."""
        return self.observed + math.exp(self.fit.log_dark + float(norm.ppf(q)) * self.fit.se_log_dark)

    def interval(self, level: float) -> tuple[float, float]:
        tail = (1 - level) / 2
        return self.quantile(tail), self.quantile(1 - tail)


def _estimate(table: Lists, model_fit: Fit, quantiles: Sequence[float]) -> Estimate:
    result = Estimate(table, model_fit, table.observed, {})
    result.quantiles.update({q: result.quantile(q) for q in quantiles})
    return result


def estimate(
    table: Lists, pairs: Iterable[Sequence[int]] = (), quantiles: Sequence[float] = DEFAULT_QUANTILES
) -> Estimate:
    """The estimate for a fixed model (``estimatepopulation.0(method="fixed")``); MseError if it has none."""
    model = _checked(table, pairs)
    return _estimate(table, fit(table, model), quantiles)


@dataclass(frozen=True, eq=False)
class Analysis:
    """What `analyse` found: the lists kept and removed, the model chosen and the estimate."""

    original: Lists
    cleaned: Cleaned
    selection: Selection
    estimate: Estimate
    pthresh: float

    @property
    def total(self) -> float:
        return self.estimate.total


def analyse(
    table: Lists, pthresh: float = DEFAULT_PTHRESH, quantiles: Sequence[float] = DEFAULT_QUANTILES
) -> Analysis:
    """Remove non-informative lists, choose the model stepwise and estimate (SparseMSE's default analysis)."""
    cleaned = remove_noninformative(table)
    selection = stepwise(cleaned.table, pthresh)
    return Analysis(table, cleaned, selection, _estimate(cleaned.table, selection.fit, quantiles), pthresh)


def stepwise_total(table: Lists, pthresh: float = DEFAULT_PTHRESH) -> float:
    """Just the total of `analyse` (what each bootstrap replicate needs)."""
    cleaned = remove_noninformative(table)
    selection = stepwise(cleaned.table, pthresh)
    return cleaned.table.observed + math.exp(selection.fit.log_dark)
