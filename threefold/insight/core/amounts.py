"""Sums and medians of amounts (restitution ordered, years to an outcome) for publication. Pure Python.

A count below k is hidden because it could single someone out; a sum or a median of fewer than k values is
hidden for the same reason (with one or two values it is their amount), so the figures are published only
when at least k values go into them, and then with that number. A median of an odd number of values is one of
them: over k or more people it no longer says whose.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    count: int | None  # how many values went in; None when fewer than k (how many fewer is not said)
    total: float | None
    median: float | None
    k: int

    @property
    def shown(self) -> bool:
        return self.count is not None


def summarise(values: Iterable[float], k: int) -> Summary:
    """The number, sum and median of the finite values, or nothing of them when there are fewer than k."""
    kept = [value for value in values if math.isfinite(value)]
    if len(kept) < k:
        return Summary(None, None, None, k)
    return Summary(len(kept), math.fsum(kept), float(statistics.median(kept)), k)
