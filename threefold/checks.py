"""Checks of the values a service is given, shared by the apps' ``services`` modules.

Each app raises its own error class (``AdvocateError``, ``TrainingError``...), a ``FieldError`` naming the form
field the message belongs to, so a view shows it beside that field and a caller can catch one app's refusals.
``Checks(AppError)`` gives the common checks raising that class; a module binds them once:

    check = Checks(TrainingError)
    title = check.line("title", title, required=True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed


class FieldError(ValueError):
    """A change the record cannot take. ``field`` names the form field it is about ("" for the whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def require(actor: Actor, permission: str, obj: Any = None) -> None:
    """Refuse (403, which views turn into their own answer) unless the rule allows it."""
    if not allowed(actor, permission, obj):
        raise PermissionDenied


class Checks:
    def __init__(self, error: type[FieldError], *, text_limit: int = 4000, line_limit: int = 200) -> None:
        self.error = error
        self.text_limit = text_limit
        self.line_limit = line_limit

    def text(self, field: str, text: str | None, *, required: bool = False, limit: int | None = None) -> str:
        """Free text, trimmed: within the limit and without control characters (a pasted NUL or escape code
        breaks exports and terminals), line breaks and tabs allowed."""
        text = (text or "").strip()
        limit = self.text_limit if limit is None else limit
        if required and not text:
            raise self.error(field, _("Write a few words; this cannot be empty."))
        if len(text) > limit:
            raise self.error(field, _("Write at most %(n)s characters.") % {"n": limit})
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
            raise self.error(field, _("Control characters are not allowed."))
        return text

    def line(self, field: str, text: str | None, *, required: bool = False, limit: int | None = None) -> str:
        """Text on one line: a title, a name, a citation."""
        text = self.text(field, text, required=required, limit=self.line_limit if limit is None else limit)
        if "\n" in text or "\r" in text:
            raise self.error(field, _("Write this on one line."))
        return text

    def choice(self, field: str, value: str, values: Iterable[str]) -> str:
        if value not in set(values):
            raise self.error(field, _("Choose one of the options."))
        return value

    def not_future(self, field: str, day: dt.date) -> dt.date:
        if day > timezone.localdate():
            raise self.error(field, _("The date cannot be in the future."))
        return day
