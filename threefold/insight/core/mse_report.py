"""The result of a multiple systems estimation as plain JSON-ready data, shared by the ``mse`` command and the
background task of the estimates pages. Pure Python: no Django."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from threefold.insight.core.mse import Analysis
from threefold.insight.core.mse_bootstrap import Bootstrap

LEVELS = (0.95, 0.80)
METHOD = (
    "SparseMSE stepwise log-linear model (Chan, Silverman & Vincent 2021): forward selection of two-list "
    "effects by Poisson p-value, lists that never overlap as a minus-infinity effect"
)


def percent(level: float) -> str:
    return f"{level:.0%}"


def result_json(path: Path, analysis: Analysis, boot: Bootstrap | None) -> dict[str, Any]:
    table = analysis.cleaned.table
    fitted = analysis.selection.fit
    estimate = analysis.estimate
    return {
        "method": METHOD,
        "file": path.name,
        "pthresh": analysis.pthresh,
        "lists": list(table.names),
        "removed_lists": [{"name": r.name, "reason": r.reason} for r in analysis.cleaned.removed],
        "cases_observed": table.observed,
        "cases_only_on_removed_lists": analysis.cleaned.only_on_removed,
        "model": {
            "pairs": [
                {
                    "lists": [table.names[step.pair[0]], table.names[step.pair[1]]],
                    "step": number,
                    "p_value": step.p_value,
                    "observed": step.observed,
                    "expected": step.expected,
                    "never_overlap": step.pair in fitted.empty_pairs,
                }
                for number, step in enumerate(analysis.selection.steps, start=1)
            ],
            "aic": fitted.aic,
            "deviance": fitted.deviance,
        },
        "estimate": {"total": estimate.total, "dark_figure": estimate.dark_figure},
        "model_conditional": {percent(level): list(estimate.interval(level)) for level in LEVELS},
        "bootstrap": None
        if boot is None
        else {
            "replicates": len(boot.replicates),
            "seed": boot.seed,
            "failed": boot.failed,
            "acceleration": boot.acceleration,
            "bias_correction": boot.bias_correction,
            "bca": {percent(level): list(boot.bca_interval(level)) for level in LEVELS},
            "percentile": {percent(level): list(boot.percentile_interval(level)) for level in LEVELS},
        },
    }
