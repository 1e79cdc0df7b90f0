"""Reads of notifications: each user sees their own, and nobody else's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from threefold.accounts.models import User
from threefold.notifications.messages import render
from threefold.notifications.models import Notification

PAGE_SIZE = 100


@dataclass(frozen=True)
class Shown:
    notification: Notification
    text: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def created_at(self) -> datetime:
        return self.notification.created_at


def my_notifications(user: User) -> list[Shown]:
    """The latest notifications of ``user``, translated now, in the language of this request."""
    rows = Notification.objects.filter(user=user)[:PAGE_SIZE]
    return [Shown(row, render(row.key, row.params)) for row in rows]


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
