"""Template tags of the advocacy pages: a status as a badge (symbol, words and colour, never colour alone)."""

from __future__ import annotations

from typing import Any

from django import template

from threefold.advocate.core.status import Status
from threefold.advocate.tracker import SYMBOLS, status_label

register = template.Library()


@register.inclusion_tag("advocate/_status.html")
def status_badge(status: Any) -> dict[str, Any]:
    value = Status(str(status))
    return {"status": value.value, "label": status_label(value), "symbol": SYMBOLS[value]}
