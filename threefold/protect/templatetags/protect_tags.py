"""Template filters that turn stored codes (HTCDS picklist values, ISO country codes) into words a reader knows,
in the language of the page."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from threefold.nrm.clock import MESSAGES, Alert
from threefold.protect import countries, htcds

register = template.Library()


@register.filter
def htcds_label(value: object, picklist: str) -> str:
    """``"ForcedLabour"|htcds_label:"TYPE_OF_EXPLOITATION"`` -> "Forced labour" (translated); lists are joined."""
    labels = getattr(htcds, picklist)
    values = value if isinstance(value, list | tuple) else [value] if value else []
    return ", ".join(_(labels.get(str(v), str(v))) for v in values)


@register.filter
def country_name(code: str) -> str:
    return countries.country_name(code)


@register.filter
def nrm_message(alert: Alert) -> str:
    """An NRM clock alert in the page's language, with the date in its format."""
    return _(MESSAGES[alert.message_key]).format(due=date_format(alert.due), days=abs(alert.days_left))
