"""Load the training part of the demo world (called by ``manage.py demo``; idempotent)."""

from __future__ import annotations

from threefold.accounts.models import Organisation, User


def load(orgs: dict[str, Organisation], users: dict[str, User]) -> str:
    """Record what is not there yet; return one line saying what was added."""
    return "Training: nothing yet."
