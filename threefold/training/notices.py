"""The notifications of training, added to the catalogue every app uses (threefold.notifications).

They name a session's reference and nothing else: notifications are e-mailed too.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_noop

from threefold.notifications import messages as notification_messages

# One message per follow-up point: a message takes a reference and nothing else (tests/test_notifications.py).
FOLLOW_UPS_DUE = {
    3: "training.follow_ups_due_3",
    6: "training.follow_ups_due_6",
}
MESSAGES = {
    FOLLOW_UPS_DUE[3]: gettext_noop("The 3-month follow-ups of training session %(reference)s are due."),
    FOLLOW_UPS_DUE[6]: gettext_noop("The 6-month follow-ups of training session %(reference)s are due."),
}


def register_messages() -> None:
    catalogue = cast(dict[str, str], notification_messages.MESSAGES)
    for key, text in MESSAGES.items():
        catalogue.setdefault(key, text)
