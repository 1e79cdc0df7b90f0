"""Template helpers for instruments, whose texts come per language from their YAML files, not from gettext."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from threefold.identify.core.localtext import text_in

register = template.Library()


def current_language() -> str:
    return (get_language() or "en").split("-")[0]


@register.filter
def local(text: Mapping[str, str] | None) -> str:
    """An instrument text in the page's language, in English when the instrument lacks that language."""
    if not text:
        return ""
    return text_in(text, current_language())


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.867 -> "86.7%" in English, "86,7 %" in French: number and sign placement follow the language."""
    if value is None:
        return ""
    # Translators: a percentage; %(number)s is already formatted for the language. French puts a space before %.
    # Rounded here: number_format truncates floats, which would show 26.25% as 26.2%.
    return _("%(number)s%%") % {"number": number_format(round(value * 100, digits), decimal_pos=digits)}
