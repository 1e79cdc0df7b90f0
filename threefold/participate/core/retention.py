"""How long held service feedback waits for its batch (ADR 0030). An answer is held back, sealed, until k answers
on the same service and provider can be released together; one that never reaches a batch must not wait for ever.
Held answers are dated to the Monday of their week only, so the rule is worded on weeks."""

from __future__ import annotations

import datetime as dt

# The default retention of a held answer, in days. A Django setting may override it (participate.services).
HELD_FEEDBACK_DAYS = 180
# The last day of a week is six days after its Monday.
_WEEK_TAIL = 6


def held_expiry_cutoff(today: dt.date, days: int) -> dt.date:
    """Held answers dated to a week (its Monday) before this day are older than ``days``, whichever day of their
    week they arrived: they are destroyed, never released. Answers of a later week wait on."""
    if days < 1:
        raise ValueError("held feedback is kept for at least one day")
    return today - dt.timedelta(days=days + _WEEK_TAIL)


def is_expired(week: dt.date, today: dt.date, days: int) -> bool:
    return week < held_expiry_cutoff(today, days)
