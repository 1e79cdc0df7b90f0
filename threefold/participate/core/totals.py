"""Totals of survivor leaders' work and payments, per leader and per year. Amounts in different currencies are
never added together."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Payment:
    on: dt.date
    amount: Decimal
    currency: str
    kind: str  # "fee" or "expenses"


@dataclass(frozen=True)
class Activity:
    on: dt.date
    hours: Decimal


@dataclass(frozen=True)
class YearTotal:
    year: int
    hours: Decimal
    activities: int
    paid: tuple[tuple[str, str, Decimal], ...]  # (currency, kind, amount), sorted


def by_year(activities: Iterable[Activity], payments: Iterable[Payment]) -> list[YearTotal]:
    """One line per year with any activity or payment, newest first."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    paid: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for activity in activities:
        hours[activity.on.year] += activity.hours
        counts[activity.on.year] += 1
    for payment in payments:
        if payment.amount < 0:
            raise ValueError("a payment cannot be negative")
        paid[payment.on.year][payment.currency, payment.kind] += payment.amount
    years = sorted(set(hours) | set(paid), reverse=True)
    return [
        YearTotal(
            year,
            hours.get(year, Decimal(0)),
            counts.get(year, 0),
            tuple((cur, kind, amount) for (cur, kind), amount in sorted(paid.get(year, {}).items())),
        )
        for year in years
    ]
