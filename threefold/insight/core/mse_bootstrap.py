"""The bootstrap interval of multiple systems estimation that accounts for choosing the model (BCa).

A port of SparseMSE's ``estimatepopulation`` and ``bcaconfvalues`` (Chan, Silverman & Vincent, JASA 2021,
section 3.3; DiCiccio & Efron 1996):

1. the point estimate is `mse.analyse` on the data (stepwise model, total = observed + exp(a0));
2. each of ``nboot`` replicates draws the same number of cases again, multinomially over the observed
   histories with probabilities proportional to their counts, and runs the *whole* analysis again, model
   selection included, so the interval carries the uncertainty of the choice of model;
3. the jackknife leaves out one case of each observed history h in turn (estimate N_(-h)), with residuals
   r_h = mean - N_(-h) weighted by the count n_h, giving the acceleration a = sum n_h r_h^3 / (6 (sum n_h r_h^2)^1.5);
4. the bias correction is z0 = Phi^-1(share of replicates below the point estimate), each level alpha maps to
   alpha' = Phi(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha))), and the limit is the alpha' quantile of the
   replicates by R's ``quantile(type = 8)``.

Differences from R, on purpose: the random numbers are numpy's (``default_rng(seed)``), not R's, so intervals
differ from SparseMSE's by sampling error only (the point estimate and the model are identical); every
replicate goes through `mse.remove_noninformative` first, as SparseMSE's simulation does with
``noninformativelist=TRUE`` (a list that happens to be empty in a replicate would otherwise block every pair);
a replicate with no estimate at all (for instance two lists left with no overlap) is counted in ``failed`` and
left out instead of giving R's meaningless number; and a share of replicates below the estimate of exactly 0 or
1 is moved half a replicate inwards, where R would return an infinite z0. Same seed, same data: same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from threefold.insight.core.mse import DEFAULT_PTHRESH, Analysis, Lists, MseError, analyse, stepwise_total

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

DEFAULT_NBOOT: Final = 1000
DEFAULT_SEED: Final = 1234
DEFAULT_ALPHAS: Final = (0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975)  # SparseMSE's default levels
_FUZZ: Final = 4 * np.finfo(np.float64).eps  # R's quantile() guard against rounding


def quantile_type8(values: npt.ArrayLike, probs: Sequence[float]) -> FloatArray:
    """R's ``quantile(values, probs, type = 8)`` (median-unbiased, Hyndman & Fan 1996), written as R does it."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0:
        raise ValueError("no values to take quantiles of")
    p = np.asarray(probs, dtype=np.float64)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must be between 0 and 1")
    third = 1.0 / 3.0
    position = third + p * (n + 1 - 2 * third)
    j = np.floor(position + _FUZZ).astype(np.int64)
    h = position - j
    h[np.abs(h) < _FUZZ] = 0.0
    padded = np.concatenate([[x[0], x[0]], x, [x[-1], x[-1]]])
    below = padded[j + 1]  # R: x[j + 2] with 1-based indices on the doubly padded vector
    above = padded[j + 2]
    return np.where(h == 0, below, np.where(h >= 1, above, (1 - h) * below + h * above))


@dataclass(frozen=True, eq=False)
class Bootstrap:
    analysis: Analysis  # the point estimate and model on the data itself
    replicates: FloatArray  # the total of each replicate, NaN where it had no estimate
    jackknife: FloatArray  # the total leaving out one case of each observed history
    acceleration: float
    bias_correction: float  # z0
    bca: dict[float, float]  # level alpha -> BCa limit
    percentile: dict[float, float]  # level alpha -> plain percentile limit
    seed: int
    pthresh: float

    @property
    def point(self) -> float:
        return self.analysis.total

    @property
    def failed(self) -> int:
        return int(np.isnan(self.replicates).sum())

    def _finite(self) -> FloatArray:
        return self.replicates[~np.isnan(self.replicates)]

    def bca_limits(self, alphas: Sequence[float]) -> FloatArray:
        return bca_limits(self._finite(), self.point, self.acceleration, alphas)

    def bca_interval(self, level: float) -> tuple[float, float]:
        tail = (1 - level) / 2
        low, high = self.bca_limits((tail, 1 - tail))
        return float(low), float(high)

    def percentile_interval(self, level: float) -> tuple[float, float]:
        tail = (1 - level) / 2
        low, high = quantile_type8(self._finite(), (tail, 1 - tail))
        return float(low), float(high)


def bias_correction(replicates: FloatArray, point: float) -> float:
    """z0 = Phi^-1(share of replicates below the point estimate), that share kept within half a replicate of 0, 1."""
    half = 0.5 / len(replicates)
    share = min(max(float(np.mean(replicates < point)), half), 1 - half)
    return float(norm.ppf(share))


def bca_limits(
    replicates: FloatArray, point: float, acceleration: float, alphas: Sequence[float]
) -> FloatArray:
    """SparseMSE's ``bcaconfvalues``: the BCa limit for each level."""
    z0 = bias_correction(replicates, point)
    shifted = norm.ppf(np.asarray(alphas, dtype=np.float64)) + z0
    adjusted = norm.cdf(z0 + shifted / (1 - acceleration * shifted))
    return quantile_type8(replicates, adjusted)


def acceleration(counts: npt.ArrayLike, jackknife: FloatArray) -> float:
    """a = sum n_h r_h^3 / (6 (sum n_h r_h^2)^1.5) with r_h = weighted mean - N_(-h); 0 if all N_(-h) agree."""
    weights = np.asarray(counts, dtype=np.float64)
    residuals = float(weights @ jackknife) / float(weights.sum()) - jackknife
    spread = float(weights @ residuals**2)
    if spread <= 0:
        return 0.0
    return float(weights @ residuals**3) / (6 * spread**1.5)


def bootstrap(
    table: Lists,
    nboot: int = DEFAULT_NBOOT,
    pthresh: float = DEFAULT_PTHRESH,
    seed: int = DEFAULT_SEED,
    alphas: Sequence[float] = DEFAULT_ALPHAS,
    progress: Progress | None = None,
) -> Bootstrap:
    """SparseMSE's ``estimatepopulation``: BCa limits at ``alphas`` from ``nboot`` replicates of the analysis.

    ``progress(done, total)`` is called after each replicate and each jackknife estimate. MseError if the data
    themselves have no estimate or if leaving out one case leaves none (the acceleration needs every one).
    """
    if nboot < 2:
        raise ValueError(f"the bootstrap needs at least 2 replicates, not {nboot}")
    analysis = analyse(table, pthresh)
    base = analysis.cleaned.table
    observed = base.counts > 0
    total_work = nboot + int(observed.sum())
    known: dict[bytes, float] = {}

    def total_of(counts: npt.NDArray[np.int64]) -> float:
        key = counts.tobytes()
        if key not in known:
            known[key] = stepwise_total(base.with_counts(counts), pthresh)
        return known[key]

    rng = np.random.default_rng(seed)
    replicates = np.empty(nboot)
    for b in range(nboot):
        counts = rng.multinomial(base.observed, base.counts / base.observed).astype(np.int64)
        try:
            replicates[b] = total_of(counts)
        except MseError:
            replicates[b] = math.nan
        if progress is not None:
            progress(b + 1, total_work)
    rows = np.flatnonzero(observed)
    jackknife = np.empty(len(rows))
    for k, row in enumerate(rows):
        counts = base.counts.copy()
        counts[row] -= 1
        try:
            jackknife[k] = total_of(counts)
        except MseError as error:
            raise MseError(
                "Leaving out a single case changes the data so much that there is no estimate without it, so the "
                f"bootstrap interval cannot be computed ({error})"
            ) from error
        if progress is not None:
            progress(nboot + k + 1, total_work)
    finite = replicates[~np.isnan(replicates)]
    if len(finite) < 2:
        raise MseError(
            "Almost no bootstrap replicate has an estimate: the data are too thin for an interval."
        )
    accel = acceleration(base.counts[rows], jackknife)
    alpha_list = [float(a) for a in alphas]
    return Bootstrap(
        analysis=analysis,
        replicates=replicates,
        jackknife=jackknife,
        acceleration=accel,
        bias_correction=bias_correction(finite, analysis.total),
        bca=dict(
            zip(alpha_list, map(float, bca_limits(finite, analysis.total, accel, alpha_list)), strict=True)
        ),
        percentile=dict(zip(alpha_list, map(float, quantile_type8(finite, alpha_list)), strict=True)),
        seed=seed,
        pthresh=pthresh,
    )
