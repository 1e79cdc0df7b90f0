"""Tallying prevention and identification by area and month, and the cost of reaching people.

Inputs are plain tuples read by ``threefold.prevent.access``; what may be published of the screening and
referral counts is decided afterwards by ``threefold.disclosure`` (these functions return true counts).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

Tally = dict[tuple[str, str], int]  # (area code, "YYYY-MM") -> count


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(today: dt.date, count: int) -> tuple[str, ...]:
    """The ``count`` months up to and including today's, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(months))


def tally(events: Iterable[tuple[str, dt.date, int]], areas: Iterable[str], months: Sequence[str]) -> Tally:
    """Sum ``(area, day, count)`` by area and month, keeping only the given areas and months."""
    wanted_areas, wanted_months = set(areas), set(months)
    counts: Tally = defaultdict(int)
    for area, day, count in events:
        month = month_of(day)
        if area in wanted_areas and month in wanted_months:
            counts[(area, month)] += count
    return dict(counts)


def by_area(counts: Tally) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for (area, _month), count in counts.items():
        totals[area] += count
    return dict(totals)


def by_month(counts: Tally) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for (_area, month), count in counts.items():
        totals[month] += count
    return dict(totals)


@dataclass(frozen=True)
class CostPerPerson:
    currency: str
    cost: Decimal
    people: int  # reached by the activities that cost something in this currency

    @property
    def per_person(self) -> Decimal | None:
        return (self.cost / self.people).quantize(Decimal("0.01")) if self.people else None


def cost_per_person(activities: Iterable[tuple[Decimal | None, str, int]]) -> tuple[CostPerPerson, ...]:
    """Cost per person reached, one line per currency: amounts in different currencies are never added (no
    exchange rate would be right for every date), and activities without a cost are left out of both sides,
    so a free radio spot does not make a costed event look cheap."""
    costs: dict[str, Decimal] = defaultdict(Decimal)
    people: dict[str, int] = defaultdict(int)
    for amount, currency, reached in activities:
        if amount is None or not currency:
            continue
        costs[currency] += amount
        people[currency] += reached
    return tuple(CostPerPerson(c, costs[c], people[c]) for c in sorted(costs))
