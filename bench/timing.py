"""Timing shared by the bench scripts (imported as ``timing``: a script's own folder is first on its path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

MIN_RUN = 0.2  # seconds: fast steps are looped until one timed run lasts at least this long


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) seconds per call over ``repeat`` runs, after one untimed call."""
    started = time.perf_counter()
    function()
    once = time.perf_counter() - started
    number = max(1, int(MIN_RUN / once)) if once < MIN_RUN else 1
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        runs.append((time.perf_counter() - started) / number)
    return min(runs), statistics.median(runs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"
