"""Estimate how many victims no list saw, by multiple systems estimation (SparseMSE's stepwise method):
``python manage.py mse FILE.csv [--pthresh 0.02] [--bootstrap 1000] [--seed 1234] [--format text|json]``.

FILE is a CSV file with a header: a ``count`` column (any letter case) and one column per list, each list
column 0 or 1 (is the case on that list?), one line per combination of lists, the number of cases with exactly
that combination in ``count``. Combinations not given count 0; a combination given twice is added up. All or
nothing: any malformed line (a value other than 0/1, a count that is not a whole number of 0 or more, a line
with too many or too few values, cases on no list) stops the command with every problem listed by line number.
The reader is ``threefold.insight.core.mse_input``, the same as the "Estimate the hidden number" page's (so a
file separated by tabs or semicolons, as a spreadsheet saves it, is read too).

The command reads the file only: it touches no database, so it needs no organisation and no user, and it
records nothing. Printed: the lists used and those removed as non-informative (empty, holding every case,
duplicating another list), the model chosen (pairs of lists, with the p-value of each step), the estimated
total, the model-conditional 95% and 80% intervals and, with ``--bootstrap N``, the BCa 95% and 80% intervals
from N replicates that choose the model again each time (progress on stderr). Prefer the bootstrap intervals:
the model-conditional ones assume the chosen model is right and are too narrow.

``--format json`` prints one object, with these keys (stable; a key may be added, none renamed or removed):

- ``method`` (text), ``file`` (the file's name), ``pthresh``;
- ``lists``: the names of the lists used, in the file's order; ``removed_lists``: ``[{"name", "reason"}]``
  with reason ``"empty"``, ``"every case"`` or ``"duplicate of NAME"``;
- ``cases_observed``: cases on the lists used; ``cases_only_on_removed_lists``: cases seen only on a removed
  list (counted as unseen by the lists used);
- ``model``: ``{"pairs": [{"lists": [A, B], "step", "p_value", "observed", "expected", "never_overlap"}],
  "aic", "deviance"}``, the pairs in the order added (``never_overlap`` marks an interaction of minus
  infinity: lists with no case in common);
- ``estimate``: ``{"total", "dark_figure"}`` (unrounded numbers of cases);
- ``model_conditional``: ``{"95%": [low, high], "80%": [low, high]}``;
- ``bootstrap``: ``null`` without ``--bootstrap``, else ``{"replicates", "seed", "failed", "acceleration",
  "bias_correction", "bca": {"95%": [low, high], "80%": [low, high]}, "percentile": {...same...}}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.insight.core.mse import DEFAULT_PTHRESH, Analysis, Lists, MseError, analyse
from threefold.insight.core.mse_bootstrap import DEFAULT_SEED, Bootstrap, bootstrap
from threefold.insight.core.mse_input import TableInputError, read_table
from threefold.insight.core.mse_report import LEVELS, METHOD, percent, result_json

BAR_WIDTH = 30


def read_lists(path: Path) -> Lists:
    """The file as a table of capture histories; CommandError listing every malformed line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return read_table(handle, path.name)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name} is not a UTF-8 text file.") from error
    except TableInputError as error:
        raise CommandError(str(error)) from error


def result_text(path: Path, analysis: Analysis, boot: Bootstrap | None) -> str:
    table = analysis.cleaned.table
    fitted = analysis.selection.fit
    estimate = analysis.estimate
    removed = ", ".join(f"{r.name} ({r.reason})" for r in analysis.cleaned.removed) or "none"
    seen = int((table.counts > 0).sum())
    lines = [
        f"Multiple systems estimation of {path.name}",
        f"Method: {METHOD}; p-value threshold {analysis.pthresh:g}.",
        f"Lists used ({table.size}): {', '.join(table.names)}",
        f"Lists removed as non-informative: {removed}",
        f"Cases observed: {table.observed:,} on {seen:,} combinations of lists",
    ]
    if analysis.cleaned.only_on_removed:
        lines.append(
            f"  ({analysis.cleaned.only_on_removed:,} more cases were only on removed lists: to the lists used "
            "they are unseen, part of the estimated dark figure)"
        )
    steps = analysis.selection.steps
    lines.append(
        f"Model: main effects of every list and {len(steps)} pair(s) of lists (AIC {fitted.aic:.2f}, "
        f"deviance {fitted.deviance:.2f})" + ("" if steps else ": no pair's overlap is unusual enough to add")
    )
    width = max((len(table.pair_label(step.pair)) for step in steps), default=0)
    for number, step in enumerate(steps, start=1):
        never = ", never overlap: minus-infinity effect" if step.pair in fitted.empty_pairs else ""
        lines.append(
            f"  step {number}: {table.pair_label(step.pair):<{width}}  p = {step.p_value:.3g} "
            f"(on both: {step.observed:,} observed, {step.expected:,.1f} expected{never})"
        )
    lines.append(
        f"Estimated total: {estimate.total:,.0f} ({table.observed:,} observed + {estimate.dark_figure:,.0f} on "
        "no list)"
    )
    lines.append(
        "Model-conditional intervals (they assume the chosen model is right, so they are too narrow):"
    )
    lines.extend(_interval_line(level, estimate.interval(level)) for level in LEVELS)
    if boot is not None:
        failed = f"; {boot.failed:,} replicate(s) without an estimate left out" if boot.failed else ""
        lines.append(
            f"Bootstrap BCa intervals ({len(boot.replicates):,} replicates, seed {boot.seed}, the model chosen "
            f"again in each{failed}):"
        )
        lines.extend(_interval_line(level, boot.bca_interval(level)) for level in LEVELS)
    return "\n".join(lines) + "\n"


def _interval_line(level: float, interval: tuple[float, float]) -> str:
    return f"  {percent(level)}: {interval[0]:,.0f} to {interval[1]:,.0f}"


class Command(BaseCommand):
    help = (
        "Estimate the number of victims no list saw (multiple systems estimation, SparseMSE stepwise method) "
        "from a CSV file with one 0/1 column per list and a 'count' column. Reads the file only: no "
        "database, so no organisation or user is needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="CSV: a header, one 0/1 column per list and a 'count' column."
        )
        parser.add_argument(
            "--pthresh",
            type=float,
            default=DEFAULT_PTHRESH,
            help=f"p-value below which a pair of lists enters the model (default {DEFAULT_PTHRESH}).",
        )
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=0,
            metavar="N",
            help="Also compute BCa intervals from N bootstrap replicates (1000 is usual; takes seconds).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Bootstrap random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        pthresh: float = options["pthresh"]
        nboot: int = options["bootstrap"]
        if not 0 <= pthresh <= 1:
            raise CommandError(f"--pthresh must be between 0 and 1, not {pthresh:g}.")
        if nboot < 0 or nboot == 1:
            raise CommandError(f"--bootstrap takes a number of replicates of at least 2, not {nboot}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        table = read_lists(path)
        boot: Bootstrap | None = None
        try:
            if nboot:
                boot = bootstrap(
                    table, nboot=nboot, pthresh=pthresh, seed=options["seed"], progress=self._bar
                )
            analysis = boot.analysis if boot is not None else analyse(table, pthresh)
        except MseError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "json":
            text = json.dumps(
                result_json(path, analysis, boot), ensure_ascii=False, indent=2, allow_nan=False
            )
            self.stdout.write(text)
        else:
            self.stdout.write(result_text(path, analysis, boot), ending="")

    def _bar(self, done: int, total: int) -> None:
        filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
        self.stderr.write(
            f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done:,} of {total:,} estimates", ending=""
        )
        if done >= total:
            self.stderr.write("")
        self.stderr.flush()
