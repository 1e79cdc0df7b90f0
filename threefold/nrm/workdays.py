"""Working days in a jurisdiction's calendar: its weekend and the public holidays of the ``holidays`` package.

Holidays come from the package rather than from our own list because they move every year (Easter, substitute
days when Christmas falls on a weekend, one-off bank holidays) and differ within one state (Scotland's 2 January,
Northern Ireland's 12 July); the package is maintained for exactly this (see docs/adr on NRM rules as data).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from threefold.nrm.model import ONE_DAY, Calendar


@lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # One frozen set per country and year: cheap to keep, and nothing shared is mutated later (the package's own
    # objects fill in years lazily, which is not safe to share between threads).
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def is_holiday(calendar: Calendar, day: date) -> bool:
    if calendar.holidays_country is None:
        return False
    return day in _holiday_dates(calendar.holidays_country, calendar.holidays_subdivision, day.year)


def is_working_day(calendar: Calendar, day: date) -> bool:
    return day.weekday() not in calendar.weekend and not is_holiday(calendar, day)


def add_working_days(calendar: Calendar, start: date, count: int) -> date:
    """The ``count``-th working day after ``start``; ``start`` itself is day 0 and never counts.

    So a referral on a Friday with a 1-working-day target is due on Monday, and one made on a Saturday is due on
    the same Monday: the result is always after ``start`` and never earlier for a later ``start``.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    day = start
    remaining = count
    while remaining:
        day += ONE_DAY
        if is_working_day(calendar, day):
            remaining -= 1
    return day
