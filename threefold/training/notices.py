"""The notifications of training, added to the catalogue every app uses (threefold.notifications).

They name a session's reference and nothing else: notifications are e-mailed too.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_noop

from threefold.notifications import messages as notification_messages

FOLLOW_UPS_DUE = "training.follow_ups_due"
MESSAGES = {
    FOLLOW_UPS_DUE: gettext_noop(
        "Follow-ups at %(months)s months of training session %(reference)s are due."
    ),
}


def register_messages() -> None:
    catalogue = cast(dict[str, str], notification_messages.MESSAGES)
    for key, text in MESSAGES.items():
        catalogue.setdefault(key, text)
