"""The notifications of the advocacy module, added to the catalogue every app uses (threefold.notifications).

They name a record's reference and nothing else: notifications are e-mailed too.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_noop

from threefold.notifications import messages as notification_messages

EVIDENCE_WAITING = "advocate.evidence_waiting"
EVIDENCE_APPROVED = "advocate.evidence_approved"
EVIDENCE_DECLINED = "advocate.evidence_declined"
FOLLOW_UP_DUE = "advocate.follow_up_due"
MESSAGES = {
    EVIDENCE_WAITING: gettext_noop("Evidence %(reference)s waits for your approval."),
    EVIDENCE_APPROVED: gettext_noop("Your evidence %(reference)s was approved."),
    EVIDENCE_DECLINED: gettext_noop("Your evidence %(reference)s was declined; the reason is on its page."),
    FOLLOW_UP_DUE: gettext_noop("Advocacy action %(reference)s is due for follow-up."),
}


def register_messages() -> None:
    """Add this app's messages to the notifications catalogue (at start-up, from ``AppConfig.ready``)."""
    catalogue = cast(dict[str, str], notification_messages.MESSAGES)
    for key, text in MESSAGES.items():
        catalogue.setdefault(key, text)
