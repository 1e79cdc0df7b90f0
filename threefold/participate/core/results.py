"""Published results of anonymous answers: every count goes through threefold.disclosure, so no small group of
respondents can be picked out or worked out from the rest.

Each question is its own one-field table (options by one column), protected with its total shown: the total of
respondents to a question is printed beside every table of the page, so hiding it in one table would protect
nothing (``total_published_elsewhere``). A multiple-choice question is one small table per option (chosen / not
chosen), since one respondent may count under several options.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from threefold.disclosure import CannotProtectError, Cell, CountTable, Status, suppress

# The project's floor for a protected table (threefold.insight.access.MIN_K): below it "fewer than k" hides
# (almost) nothing. Consultations are small groups, so k is chosen per consultation, never below this.
MIN_K = 3
# One shelter's residents or one service's clients: k = 11, used for national statistics, would publish nothing
# at all. Five is the usual floor of staff and client surveys; an organisation may choose more.
DEFAULT_K = 5
_HIDDEN = Cell(Status.PRIMARY, None, 0, None)


@dataclass(frozen=True)
class Bar:
    label: str
    cell: Cell


@dataclass(frozen=True)
class QuestionResult:
    bars: tuple[Bar, ...]
    total: Cell  # respondents who answered the question
    withheld: bool = False  # the table could not be protected: nothing of it is shown

    @property
    def suppressed(self) -> int:
        return sum(1 for bar in self.bars if bar.cell.suppressed)


def protect_counts(labels: Sequence[str], counts: Sequence[int], k: int) -> QuestionResult:
    """One question answered with one option each (single choice, a scale)."""
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}")
    keys = tuple(str(index) for index in range(len(labels)))
    table = CountTable(keys, ("n",), tuple((int(count),) for count in counts))
    try:
        # Zeros hidden too: in a group this small, "everyone who answered chose 4" (the other options shown as 0)
        # would tell each respondent's answer to anyone who knows they answered.
        published = suppress(table, k, publish_zeros=False, total_published_elsewhere=True)
    except CannotProtectError:
        return QuestionResult(tuple(Bar(label, _HIDDEN) for label in labels), _HIDDEN, withheld=True)
    bars = tuple(Bar(label, published.cell(key, "n")) for label, key in zip(labels, keys, strict=True))
    return QuestionResult(bars, published.grand_total)


def protect_choices(labels: Sequence[str], chosen: Sequence[int], respondents: int, k: int) -> QuestionResult:
    """A multiple-choice question: each option protected as chosen / not chosen among the question's
    respondents (the count shown is "chosen")."""
    bars = []
    total = _HIDDEN
    for label, count in zip(labels, chosen, strict=True):
        if count > respondents:
            raise ValueError("an option was chosen more often than the question was answered")
        result = protect_counts(("chosen", "not chosen"), (count, respondents - count), k)
        bars.append(Bar(label, result.bars[0].cell))
        total = result.total
    if not labels:
        total = protect_counts(("n",), (respondents,), k).total
    return QuestionResult(tuple(bars), total)


def enough_for_free_text(responses: int, k: int) -> bool:
    """Free-text answers are read only once k people have answered: before that, a handful of answers could be
    matched to the handful of people who were given a link."""
    return responses >= k


def ready_to_release(held: int, k: int) -> bool:
    """Service feedback is held back, sealed, until k answers on the same service and provider are waiting; they
    are then released together, so that a count or comment that changes between two readings is the work of at
    least k people, never of the one person a caseworker just gave a link to."""
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}")
    return held >= k


@dataclass(frozen=True)
class ScaleSummary:
    """The mean of a 1-5 scale, published only when every count of the question is."""

    mean: float | None


def scale_mean(counts: Mapping[str, int], k: int) -> ScaleSummary:
    """The mean of a scale question, or None when any of its counts is hidden.

    A mean with its total is one more equation on the hidden counts: with counts 0, 0, 0, 1, 6 (k = 5) the total 7
    and the mean 4.9 force the hidden cells to be one 4 and six 5s. So the mean is published only when the
    question's table, protected as it is published (``protect_counts``), hides nothing at all."""
    keys = list(counts)
    result = protect_counts(keys, [int(counts[key]) for key in keys], k)
    if result.withheld or not result.total.shown or any(bar.cell.suppressed for bar in result.bars):
        return ScaleSummary(None)
    n = sum(counts.values())
    return ScaleSummary(round(sum(int(value) * count for value, count in counts.items()) / n, 1))


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week: the only time kept of an anonymous answer, so that the order of answers and the
    day a link was used cannot be matched."""
    return day - dt.timedelta(days=day.weekday())
