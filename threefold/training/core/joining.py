"""Self-registration through a session's join link: its code, and when registration refuses.

Pure Python (no Django). The trainer projects one link in the room; each participant opens it on their phone and
registers. Its code is the credential: 28 characters of an alphabet without look-alikes (140 bits, like a personal
link's 192 far beyond guessing), shown in groups of four so it can be read from a screen and typed if need be.
It is the alphabet, normalisation and grouping of participate's printed answer codes, only longer.
"""

from __future__ import annotations

import datetime as dt
import secrets

from threefold.participate.core import tokens

LENGTH = 28  # x 5 bits = 140 bits
# Without a number of places, a join link still stops at the most participants a session may have places for.
MAX_PARTICIPANTS = 1000

# A join link is for the room: it stops working this long after it was opened (a photo of the projected link
# shared beyond the room then stops adding people); the trainer opens a new one for the next day.
OPEN_HOURS = 12

ENDED = "ended"
FULL = "full"


def new_code() -> str:
    return "".join(secrets.choice(tokens.ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """The code a link or a typed text stands for: without spaces and dashes, in upper case."""
    return tokens.normalise(typed)


def grouped(code: str) -> str:
    """ABCD-EFGH-...: how the code is shown, and how it reads in the link."""
    return tokens.grouped(code)


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in tokens.ALPHABET for ch in code)


def is_live(opened_at: dt.datetime | None, now: dt.datetime, ends_on: dt.date, today: dt.date) -> bool:
    """Whether a join link opened at ``opened_at`` still opens anything: within OPEN_HOURS, and never after the
    session's last day (an old link then shows nothing of the session, as an unknown one)."""
    return opened_at is not None and now - opened_at <= dt.timedelta(hours=OPEN_HOURS) and today <= ends_on


def refusal(today: dt.date, ends_on: dt.date, capacity: int | None, registered: int) -> str | None:
    """Why a session takes no more self-registrations (``ENDED``, ``FULL``), or None while it does. A session
    may be joined before it starts and on each of its days, never after its last."""
    if today > ends_on:
        return ENDED
    if registered >= (capacity if capacity is not None else MAX_PARTICIPANTS):
        return FULL
    return None
