"""The only way to create notifications or mark them read. Creating one also e-mails its reader a pointer to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from threefold.accounts.models import User
from threefold.notifications.messages import MESSAGES, render
from threefold.notifications.models import Notification
from threefold.web.tasks import send_email_in_background


def notify(users: Iterable[User], key: str, params: Mapping[str, Any], url: str = "") -> list[Notification]:
    """One notification per user (duplicates and inactive accounts dropped), and one e-mail each once the
    caller's transaction commits: an action rolled back must not have told anyone it happened.

    ``params`` must hold references and organisation names only: they go into e-mails too.
    """
    if key not in MESSAGES:
        raise ValueError(f"unknown notification key {key!r}")
    readers = list({user.pk: user for user in users if user.is_active}.values())
    created = Notification.objects.bulk_create(
        [Notification(user=user, key=key, params=dict(params), url=url) for user in readers]
    )
    for user in readers:
        transaction.on_commit(lambda user=user: _email(user, key, params, url))  # type: ignore[misc]
    return created


def _email(user: User, key: str, params: Mapping[str, Any], url: str) -> None:
    # Users have no language of their own yet: the deployment's language, as for every e-mail it sends.
    with translation.override(settings.LANGUAGE_CODE):
        text = render(key, params)
        link = settings.THREEFOLD_SITE_URL.rstrip("/") + url if url else ""
        body = "\n\n".join(
            part
            for part in (
                text,
                gettext("Sign in to Threefold to see it: %(link)s") % {"link": link} if link else "",
                gettext("This e-mail never contains personal data. Do not reply with any."),
            )
            if part
        )
        send_email_in_background(f"Threefold: {text}", body, [user.email])


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; someone else's id changes nothing."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
