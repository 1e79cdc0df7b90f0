"""Follow-ups after a training: when they fall due, how long they stay open, and what they add up to.

Pure Python (no Django). A follow-up asks, 3 and 6 months after the session ended, whether the participant has
identified or referred anyone who might be a victim of trafficking since.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = (3, 6)
# A follow-up stays open this long after its due date; after that it is missed (memories of "since the training"
# blur, and the next one is due anyway).
OPEN_DAYS = 90


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month (31 Aug + 3 months = 30 Nov)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(session_ends: dt.date, months: int) -> dt.date:
    return add_months(session_ends, months)


def is_open(due: dt.date, today: dt.date) -> bool:
    return due <= today < due + dt.timedelta(days=OPEN_DAYS)


@dataclass(frozen=True)
class Answer:
    months: int
    identified: int
    referred: int


@dataclass(frozen=True)
class Outcome:
    months: int
    answered: int
    identified_any: int  # participants who identified at least one person
    referred_any: int
    identified_total: int
    referred_total: int

    @property
    def identified_share(self) -> float | None:
        return self.identified_any / self.answered if self.answered else None

    @property
    def referred_share(self) -> float | None:
        return self.referred_any / self.answered if self.answered else None


def outcomes(answers: Iterable[Answer]) -> tuple[Outcome, ...]:
    """One outcome per follow-up point (3 and 6 months), even when nobody answered yet."""
    listed = list(answers)
    result = []
    for months in MONTHS:
        at = [a for a in listed if a.months == months]
        result.append(
            Outcome(
                months,
                len(at),
                sum(1 for a in at if a.identified > 0),
                sum(1 for a in at if a.referred > 0),
                sum(a.identified for a in at),
                sum(a.referred for a in at),
            )
        )
    return tuple(result)
