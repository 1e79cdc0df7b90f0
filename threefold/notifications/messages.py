"""Every message a notification can carry, by key. Stored as source text (marked for translation with
``gettext_noop``) and translated when shown, so each reader sees it in the language they use at that moment.

Placeholders are filled with references and organisation names only. A notification is also e-mailed, and
a mailbox is not a safe place for anything about a survivor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop

MESSAGES: Mapping[str, str] = {
    "referral.received": gettext_noop("Referral %(reference)s from %(organisation)s needs your answer."),
    "referral.overdue": gettext_noop(
        "Referral %(reference)s from %(organisation)s is overdue: it still needs your answer."
    ),
    "referral.accepted": gettext_noop("%(organisation)s accepted referral %(reference)s."),
    "referral.declined": gettext_noop("%(organisation)s declined referral %(reference)s."),
    "referral.revoked": gettext_noop("Referral %(reference)s was revoked; access to its data has ended."),
    "referral.expired": gettext_noop("Referral %(reference)s expired; access to its data has ended."),
}
UNKNOWN = gettext_noop("You have a notification.")


def render(key: str, params: Mapping[str, Any]) -> str:
    """The message in the active language. An unknown key (a message since removed) still says something."""
    source = MESSAGES.get(key)
    if source is None:
        return gettext(UNKNOWN)
    try:
        return gettext(source) % dict(params)
    except (KeyError, TypeError, ValueError):
        # A translation with a broken placeholder must not break the page: the source text still works.
        return source % dict(params)
