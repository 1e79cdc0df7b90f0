"""Background work of insight: an estimate of the hidden number (multiple systems estimation), run by a worker.

``run_estimate(pk)`` reads the table the user entered, then
1. chooses the model and estimates (SparseMSE's stepwise method at the estimate's p-value threshold);
2. estimates again under other models, to show how much the answer depends on the choice (the sensitivity
   table): main effects only, stepwise at p-value thresholds 0.001, 0.02, 0.05 and 0.1 (and the one chosen),
   and every pair of lists; each row has its model and estimate, or the plain reason it has none;
3. runs the bootstrap that chooses the model again in each replicate (BCa intervals), saving its progress to
   the row every 2% or so (never on every replicate: that would be a write per few milliseconds);
4. keeps the result, or the reason there is no estimate (an MseError's plain words) as the failure.

`compute` does steps 1-3 without the database. All writes go through threefold.insight.services.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import numpy as np
from django_tasks import task

from threefold.insight import services
from threefold.insight.core.mse import Analysis, Lists, MseError, all_pairs, analyse, estimate, stepwise
from threefold.insight.core.mse_bootstrap import bootstrap
from threefold.insight.core.mse_report import LEVELS, result_json

# The thresholds of the sensitivity table, with the chosen one added: 0.001 was SparseMSE's default before
# 2.0, 0.02 is today's (chosen by simulation, JASA 2021 section 4.3), 0.05 and 0.1 are looser.
SENSITIVITY_THRESHOLDS: Final = (0.001, 0.02, 0.05, 0.1)
PROGRESS_STEP: Final = 0.02  # save the progress every 2% of the work
UNEXPECTED: Final = (
    "The estimate stopped because of an unexpected error in the program, not because of your table. "
    "Try again; if it happens again, tell your administrator."
)
TOO_LARGE: Final = (
    "The estimate under this model is too large to be computed (its interval runs off to infinity): the model "
    "does not fit these data."
)
THIN_BOOTSTRAP: Final = (
    "A bootstrap replicate's estimate was too large to compute: the data are too thin for an interval."
)
Progress = Callable[[int, int], None]


class Throttled:
    """A progress callback that passes on only the start, every ``share`` of the work, and the end."""

    def __init__(self, save: Progress, share: float = PROGRESS_STEP) -> None:
        self.save = save
        self.share = share
        self.last = 0
        self.calls = 0

    def __call__(self, done: int, total: int) -> None:
        step = max(1, math.ceil(total * self.share))
        if done == 0 or done >= total or done - self.last >= step:
            self.save(done, total)
            self.last = done
            self.calls += 1


def compute(
    table: Lists, pthresh: float, nboot: int, seed: int, progress: Progress | None = None
) -> dict[str, Any]:
    """The whole result as stored (JSON-ready). MseError if the data have no estimate under the chosen method;
    a bootstrap that cannot be done (the data too thin) leaves the point estimate with ``bootstrap_error``."""
    analysis = analyse(table, pthresh)
    rows = sensitivity(analysis)
    boot = None
    boot_error = ""
    if nboot:
        if progress is not None:
            progress(0, nboot + int((analysis.cleaned.table.counts > 0).sum()))
        try:
            boot = bootstrap(table, nboot=nboot, pthresh=pthresh, seed=seed, progress=progress)
        except MseError as error:
            boot_error = str(error)
        except OverflowError:
            boot_error = THIN_BOOTSTRAP
    result = result_json(Path("table.csv"), boot.analysis if boot else analysis, boot)
    result.pop("file")
    result["cases_on_any_list"] = table.observed
    result["sensitivity"] = rows
    result["bootstrap_error"] = boot_error
    return finite(result)


def finite(value: Any) -> Any:
    """The result with any number that is not finite as None (JSON has no infinity; PostgreSQL refuses NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def sensitivity(analysis: Analysis) -> list[dict[str, Any]]:
    """The estimate under other models of the same (cleaned) table: each row its model and estimate, or why not."""
    table = analysis.cleaned.table
    rows = [_row(table, "main", None, lambda: ())]
    for threshold in sorted({*SENSITIVITY_THRESHOLDS, analysis.pthresh}):
        rows.append(
            _row(
                table,
                "stepwise",
                threshold,
                lambda p=threshold: stepwise(table, p).pairs,  # type: ignore[misc]
                chosen=threshold == analysis.pthresh,
            )
        )
    rows.append(_row(table, "all_pairs", None, lambda: all_pairs(table.size)))
    return rows


def _row(
    table: Lists,
    kind: str,
    pthresh: float | None,
    model: Callable[[], tuple[tuple[int, int], ...]],
    *,
    chosen: bool = False,
) -> dict[str, Any]:
    row: dict[str, Any] = {"kind": kind, "pthresh": pthresh, "chosen": chosen, "pairs": None, "total": None}
    try:
        pairs = model()
        row["pairs"] = [[table.names[i], table.names[j]] for i, j in pairs]
        found = estimate(table, pairs)
        intervals = {f"{level:.0%}": list(found.interval(level)) for level in LEVELS}
    except MseError as error:
        row["reason"] = str(error)
        return row
    except OverflowError:
        row["reason"] = TOO_LARGE
        return row
    row.update(
        total=found.total,
        dark_figure=found.dark_figure,
        never_overlap=[[table.names[i], table.names[j]] for i, j in found.fit.empty_pairs],
        model_conditional=intervals,
        reason="",
    )
    return row


@task()
def run_estimate(estimate_id: int) -> str:
    """Run an estimate queued by services.create_estimate; what it ended as ("done", "failed", "gone")."""
    found = services.start_estimate(estimate_id)
    if found is None:
        return "gone"
    progress = Throttled(lambda done, total: services.save_progress(estimate_id, done, total))
    try:
        with np.errstate(over="ignore"):  # a model that runs off to infinity is reported, not warned about
            result = compute(services.lists_of(found), found.pthresh, found.nboot, found.seed, progress)
    except MseError as error:
        services.fail_estimate(estimate_id, str(error))
        return "failed"
    except OverflowError:
        services.fail_estimate(estimate_id, TOO_LARGE.replace("under this model ", ""))
        return "failed"
    except Exception:
        services.fail_estimate(estimate_id, UNEXPECTED)
        raise
    return "done" if services.finish_estimate(estimate_id, result) else "gone"
