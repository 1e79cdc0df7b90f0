"""Who may receive a certificate: pure rule, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def session_days(starts: dt.date, ends: dt.date) -> list[dt.date]:
    return [starts + dt.timedelta(days=n) for n in range((ends - starts).days + 1)]


def eligible(days: Iterable[dt.date], present_on: Iterable[dt.date], took_post_test: bool) -> bool:
    """Present on every day of the session, and the post-test taken (passing it is not required: the
    certificate says the training was followed, not a grade)."""
    needed = set(days)
    return took_post_test and bool(needed) and needed <= set(present_on)
