"""Indicators computed from country reference data (threefold/advocate/core/indicators.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from threefold.advocate.core.indicators import (
    Count,
    Level,
    Snapshot,
    Tier,
    TierTrend,
    TreatyFacts,
    TreatyState,
    Trend,
    Wording,
    count_trend,
    criminalisation_result,
    is_stale,
    tier_trend,
    treaty_result,
)
from threefold.advocate.core.status import Status

# --- treaties


def test_a_country_that_ratified_has_the_ask_met_with_the_date() -> None:
    result = treaty_result(
        TreatyFacts(
            loaded=True, complete=True, signed_on=dt.date(2000, 12, 13), ratified_on=dt.date(2005, 11, 3)
        )
    )
    assert (result.state, result.status, result.ratified_on) == (
        TreatyState.PARTY,
        Status.MET,
        dt.date(2005, 11, 3),
    )


def test_signed_only_is_not_met_in_a_complete_list_and_unknown_in_an_incomplete_one() -> None:
    signed = dt.date(2001, 1, 1)
    assert treaty_result(TreatyFacts(True, True, signed_on=signed)).status == Status.NOT_MET
    assert treaty_result(TreatyFacts(True, False, signed_on=signed)).status == Status.UNKNOWN
    assert treaty_result(TreatyFacts(True, True, signed_on=signed)).state == TreatyState.SIGNED


def test_a_stale_list_says_unknown_for_the_absent_and_met_for_parties() -> None:
    signed, ratified = dt.date(2001, 1, 1), dt.date(2003, 1, 1)
    assert treaty_result(TreatyFacts(True, True, signed_on=signed, stale=True)).status == Status.UNKNOWN
    assert treaty_result(TreatyFacts(True, True, stale=True)).status == Status.UNKNOWN
    assert treaty_result(TreatyFacts(True, True, signed, ratified, stale=True)).status == Status.MET


def test_a_list_goes_stale_after_three_years() -> None:
    as_of = dt.date(2014, 1, 1)
    assert not is_stale(as_of, as_of + dt.timedelta(days=3 * 365))
    assert is_stale(as_of, as_of + dt.timedelta(days=3 * 365 + 1))
    assert not is_stale(None, as_of)


def test_absent_from_a_list_is_not_met_only_if_the_list_is_complete() -> None:
    assert treaty_result(TreatyFacts(True, True)).status == Status.NOT_MET
    assert treaty_result(TreatyFacts(True, False)).status == Status.UNKNOWN
    assert treaty_result(TreatyFacts(False, False)).state == TreatyState.NO_DATA


# --- criminalisation: snapshots, never a year of a law


def test_fully_criminalised_in_the_first_snapshot_is_met_by_that_year() -> None:
    result = criminalisation_result([Snapshot(2001, Level.FULL), Snapshot(2014, Level.FULL)])
    assert result is not None
    assert (result.status, result.wording, result.end) == (Status.MET, Wording.BY, 2001)


def test_fully_criminalised_later_is_met_between_the_two_snapshots() -> None:
    result = criminalisation_result([Snapshot(2001, Level.NONE), Snapshot(2014, Level.FULL)])
    assert result is not None
    assert (result.status, result.wording, result.start, result.end) == (
        Status.MET,
        Wording.BETWEEN,
        2001,
        2014,
    )


def test_partial_is_partly_met_and_none_is_not_met() -> None:
    partial = criminalisation_result([Snapshot(2001, Level.NONE), Snapshot(2014, Level.PARTIAL)])
    none = criminalisation_result([Snapshot(2001, Level.NONE), Snapshot(2014, Level.NONE)])
    assert partial is not None
    assert none is not None
    assert (partial.status, partial.wording, partial.end) == (Status.PARTLY_MET, Wording.NOT_FULLY_BY, 2014)
    assert none.status == Status.NOT_MET


def test_full_then_less_is_a_regression() -> None:
    result = criminalisation_result([Snapshot(2014, Level.PARTIAL), Snapshot(2001, Level.FULL)])
    assert result is not None
    assert (result.status, result.wording, result.start, result.end) == (
        Status.REGRESSED,
        Wording.FULL_THEN_LESS,
        2001,
        2014,
    )


def test_no_snapshot_says_nothing() -> None:
    assert criminalisation_result([]) is None


# --- trends of counts, "<5" kept honest


def _series(*values: int | None, start: int = 2015) -> list[Count]:
    return [Count(start + n, value, 5 if value is None else None) for n, value in enumerate(values)]


def test_clear_rises_and_falls_are_named() -> None:
    assert count_trend(_series(10, 12, 30, 40)).trend == Trend.RISING
    assert count_trend(_series(40, 30, 12, 10)).trend == Trend.FALLING
    assert count_trend(_series(20, 22, 19, 21)).trend == Trend.STEADY


def test_a_censored_convictions_series_is_not_called_a_decline() -> None:
    # Read as 0, the "<5" would make this a fall from 5.5 to 0; but they may be 4, and 5.5 to 4 is no decline.
    result = count_trend(_series(6, 5, None, None))
    assert result.trend == Trend.UNCLEAR
    assert result.censored == 2
    assert count_trend(_series(None, None, None, None)).trend == Trend.UNCLEAR


def test_a_fall_that_holds_whatever_the_suppressed_counts_is_a_fall() -> None:
    # From 40 and 30 to at most 4 each: lower whatever the suppressed counts are.
    assert count_trend(_series(40, 30, None, None)).trend == Trend.FALLING


def test_too_few_years_in_the_window_tell_no_trend() -> None:
    # Ghana's convictions in the shipped GLOTIP totals: 5 in 2010, <5 in 2017: one figure in the latest six years.
    result = count_trend([Count(2010, 5), Count(2017, None, 5)])
    assert result.trend == Trend.TOO_FEW
    assert result.last == Count(2017, None, 5)


def test_a_repeated_year_counts_once_with_its_last_value() -> None:
    result = count_trend([Count(2018, 10), Count(2018, 50), Count(2019, 52), Count(2020, 55)])
    assert [p.value for p in result.points] == [50, 52, 55]


def test_no_figure_is_no_data() -> None:
    assert count_trend([]).trend == Trend.NO_DATA


@given(
    st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=60)), min_size=3, max_size=8),
    st.data(),
)
def test_a_trend_named_with_suppressed_counts_holds_for_every_value_they_could_have(
    values: list[int | None], data: st.DataObject
) -> None:
    censored = count_trend(_series(*values))
    if censored.trend not in (Trend.RISING, Trend.FALLING):
        return
    filled = [v if v is not None else data.draw(st.integers(min_value=0, max_value=4)) for v in values]
    assert count_trend(_series(*filled)).trend == censored.trend


# --- TIP tiers


def test_tier_trends() -> None:
    def tiers(*ranks: int | None) -> list[Tier]:
        return [Tier(2010 + n, rank, f"r{rank}") for n, rank in enumerate(ranks)]

    assert tier_trend(tiers(2, 2, 1, 1, 1, 1)).trend == TierTrend.IMPROVED
    assert tier_trend(tiers(1, 1, 1, 1, 1, 2)).trend == TierTrend.WORSENED
    assert tier_trend(tiers(1, 1, 1)).trend == TierTrend.UNCHANGED
    assert tier_trend(tiers(1)).trend == TierTrend.TOO_FEW
    assert tier_trend(tiers(None)).trend == TierTrend.NO_DATA
    # The window: the latest ranked tier against the earliest within five report years before it.
    result = tier_trend(tiers(3, 3, 2, 1, 1, 1, 1, 1))
    assert result.first is not None
    assert result.first.year == 2012
