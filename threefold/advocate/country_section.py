"""The tracker's "status on every ask" on the country pages and printable briefs (threefold/countries/hooks.py).

Registered at start-up (``AdvocateConfig.ready``). For the organisation the reader acts for: each ask's status
with the evidence or reference data behind it and its source, and links to the organisation's legislation
reviews and advocacy actions on the country. Drafts never appear here: only approved evidence.
"""

from __future__ import annotations

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.advocate import access, tracker
from threefold.countries import access as country_access
from threefold.countries import hooks

TEMPLATE = "advocate/_ask_status.html"


def ask_status(actor: Actor, alpha3: str) -> hooks.Section | None:
    if not isinstance(actor, Actor) or not allowed(actor, "advocate.view"):
        return None
    info = country_access.country(alpha3)
    if info is None:
        return None
    return hooks.Section(
        TEMPLATE,
        {
            "tracker": tracker.country_tracker(actor, info),
            "reviews": access.reviews(actor, info.alpha3),
            "actions": access.actions(actor, info.alpha3),
            "can_enter": allowed(actor, "advocate.enter"),
        },
    )
