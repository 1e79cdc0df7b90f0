"""Indicators of the asks computed from country reference data: treaty status, criminalisation snapshots, trends
of UNODC counts and of US TIP Report tiers.

Pure Python: no Django import, no words. Results are structured (a status, a kind of wording, years, counts); the
advocate app words them, so every sentence is translated and cites its source.

Two rules of honesty run through this module:

* A count UNODC suppressed ("<5") is a range, 0 to 4, never 0. A series is called rising or falling only if it
  is so whatever the suppressed counts are; where they could tip it either way the trend is UNCLEAR.
* The criminalisation source gives snapshot years (2001, 2014), not the year a law was passed: results say "by
  2001" or "between 2001 and 2014", never a year of criminalisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from threefold.advocate.core.status import Status

# --- Treaties ------------------------------------------------------------------------------------------------------


class TreatyState(StrEnum):
    PARTY = "party"
    SIGNED = "signed"  # signed, not a party
    NOT_LISTED = "not_listed"  # neither signed nor a party in the list
    NO_DATA = "no_data"  # no list of this treaty is loaded


@dataclass(frozen=True)
class TreatyFacts:
    loaded: bool  # a list of this treaty's participants is loaded
    complete: bool  # the list has every participant (a hand-kept regional list may not)
    signed_on: dt.date | None = None
    ratified_on: dt.date | None = None  # the date it became a party, however it did
    # The list is older than STALE_AFTER_YEARS: a state missing from it may have ratified since, so its absence
    # no longer says "not met" (the January 2014 UN list misses Japan's 2017 acceptance, for one).
    stale: bool = False


# How old a complete list of a treaty's participants may be before an absence from it stops counting as "not met".
STALE_AFTER_YEARS = 3


def is_stale(as_of: dt.date | None, today: dt.date) -> bool:
    return as_of is not None and (today - as_of).days > STALE_AFTER_YEARS * 365


@dataclass(frozen=True)
class TreatyResult:
    state: TreatyState
    status: Status
    signed_on: dt.date | None
    ratified_on: dt.date | None


def treaty_result(facts: TreatyFacts) -> TreatyResult:
    """Party: met, with the date. Signed only or absent from a complete, recent list: not met (as of the list's
    date, which the page gives). Absent from an incomplete or stale list, or no list: unknown."""
    if not facts.loaded:
        return TreatyResult(TreatyState.NO_DATA, Status.UNKNOWN, None, None)
    if facts.ratified_on is not None:
        return TreatyResult(TreatyState.PARTY, Status.MET, facts.signed_on, facts.ratified_on)
    state = TreatyState.SIGNED if facts.signed_on is not None else TreatyState.NOT_LISTED
    status = Status.NOT_MET if facts.complete and not facts.stale else Status.UNKNOWN
    return TreatyResult(state, status, facts.signed_on, None)


# --- Criminalisation -----------------------------------------------------------------------------------------------


class Level(StrEnum):
    # Values equal threefold.countries.models.CriminalisationLevel.
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True)
class Snapshot:
    year: int
    level: Level


class Wording(StrEnum):
    BY = "by"  # fully criminalised by <start>
    BETWEEN = "between"  # fully criminalised between <start> and <end> (not yet by <start>)
    NOT_FULLY_BY = "not_fully_by"  # not fully criminalised by <end> (<level>)
    FULL_THEN_LESS = "full_then_less"  # fully by <start>, but only <level> by <end>


@dataclass(frozen=True)
class CriminalisationResult:
    status: Status
    wording: Wording
    start: int | None
    end: int
    level: Level  # the latest snapshot's level


def criminalisation_result(snapshots: Sequence[Snapshot]) -> CriminalisationResult | None:
    """What the snapshots allow one to say; None without any."""
    if not snapshots:
        return None
    ordered = sorted(snapshots, key=lambda s: s.year)
    first, last = ordered[0], ordered[-1]
    full = [s.year for s in ordered if s.level == Level.FULL]
    if last.level == Level.FULL:
        earliest_full = min(full)
        if earliest_full == first.year:
            return CriminalisationResult(Status.MET, Wording.BY, earliest_full, earliest_full, last.level)
        before = max(s.year for s in ordered if s.year < earliest_full)
        return CriminalisationResult(Status.MET, Wording.BETWEEN, before, earliest_full, last.level)
    if full:
        return CriminalisationResult(
            Status.REGRESSED, Wording.FULL_THEN_LESS, max(full), last.year, last.level
        )
    status = Status.PARTLY_MET if last.level == Level.PARTIAL else Status.NOT_MET
    return CriminalisationResult(status, Wording.NOT_FULLY_BY, None, last.year, last.level)


def snapshot_status(level: Level, *, was_full: bool) -> Status:
    """The status one snapshot gives on its own, knowing whether an earlier one was full."""
    if level == Level.FULL:
        return Status.MET
    if was_full:
        return Status.REGRESSED
    return Status.PARTLY_MET if level == Level.PARTIAL else Status.NOT_MET


# --- Trends of counts (GLOTIP) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    year: int
    value: int | None  # None: suppressed, below ``censored_below``
    censored_below: int | None = None

    @property
    def censored(self) -> bool:
        return self.value is None

    @property
    def low(self) -> int:
        return self.value if self.value is not None else 0

    @property
    def high(self) -> int:
        if self.value is not None:
            return self.value
        return max((self.censored_below or 1) - 1, 0)


class Trend(StrEnum):
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"
    UNCLEAR = "unclear"  # suppressed counts could tip it either way
    TOO_FEW = "too_few"  # fewer than MIN_POINTS years with a figure in the window
    NO_DATA = "no_data"


WINDOW_YEARS = 6  # the trend looks at the latest six years of figures...
MIN_POINTS = 3  # ...and needs at least three of them
MARGIN = 0.25  # a change smaller than a quarter of the earlier level is "steady"
FLOOR = 3  # and so is a change of 3 or fewer, however small the counts


@dataclass(frozen=True)
class TrendResult:
    trend: Trend
    points: tuple[Count, ...]  # the figures the trend was read from, by year
    first: Count | None
    last: Count | None

    @property
    def censored(self) -> int:
        return sum(1 for point in self.points if point.censored)


def _per_year(points: Sequence[Count]) -> list[Count]:
    # Where the export repeats a year, the last row published for it counts (as the country pages' latest figure).
    by_year: dict[int, Count] = {}
    for point in points:
        by_year[point.year] = point
    return [by_year[year] for year in sorted(by_year)]


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def _beyond(higher: float, lower: float, reference: float) -> bool:
    """Whether ``higher`` exceeds ``lower`` by more than the margin of ``reference`` and the floor."""
    return higher - lower > max(MARGIN * reference, FLOOR)


def count_trend(
    points: Sequence[Count], *, window: int = WINDOW_YEARS, minimum: int = MIN_POINTS
) -> TrendResult:
    """The direction of a yearly count over its latest ``window`` years: the mean of the first half of the figures
    against the mean of the second half, each as a range where a count is suppressed."""
    yearly = _per_year(points)
    if not yearly:
        return TrendResult(Trend.NO_DATA, (), None, None)
    latest = yearly[-1].year
    used = tuple(point for point in yearly if point.year > latest - window)
    if len(used) < minimum:
        return TrendResult(Trend.TOO_FEW, used, used[0], used[-1])
    half = len(used) // 2  # with an odd number of years, the middle one is in neither half
    early, late = used[:half], used[-half:]
    early_low, early_high = _mean([p.low for p in early]), _mean([p.high for p in early])
    late_low, late_high = _mean([p.low for p in late]), _mean([p.high for p in late])
    if _beyond(late_low, early_high, early_high):
        trend = Trend.RISING
    elif _beyond(early_low, late_high, early_low):
        trend = Trend.FALLING
    elif any(p.censored for p in (*early, *late)) and (
        _beyond(late_high, early_low, early_low) or _beyond(early_high, late_low, early_high)
    ):
        trend = Trend.UNCLEAR
    else:
        trend = Trend.STEADY
    return TrendResult(trend, used, used[0], used[-1])


# --- Trend of TIP Report tiers ---------------------------------------------------------------------------------


class TierTrend(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    TOO_FEW = "too_few"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Tier:
    year: int
    rank: int | None  # 0 is the best tier (Tier 1); None: a special case, which has no rank
    label: str  # as the caller shows it


@dataclass(frozen=True)
class TierResult:
    trend: TierTrend
    first: Tier | None
    last: Tier | None


TIER_WINDOW = 5


def tier_trend(tiers: Sequence[Tier], *, window: int = TIER_WINDOW) -> TierResult:
    """The latest ranked tier against the earliest ranked tier of the ``window`` report years before it."""
    ranked = sorted((tier for tier in tiers if tier.rank is not None), key=lambda tier: tier.year)
    if not ranked:
        return TierResult(TierTrend.NO_DATA, None, None)
    last = ranked[-1]
    earlier = [tier for tier in ranked[:-1] if tier.year >= last.year - window]
    if not earlier:
        return TierResult(TierTrend.TOO_FEW, None, last)
    first = earlier[0]
    assert first.rank is not None
    assert last.rank is not None
    if last.rank < first.rank:
        return TierResult(TierTrend.IMPROVED, first, last)
    if last.rank > first.rank:
        return TierResult(TierTrend.WORSENED, first, last)
    return TierResult(TierTrend.UNCHANGED, first, last)
