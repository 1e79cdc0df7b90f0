"""Checks on text that arrives in uploaded files: hostile strings are refused with a reason, never stored."""

from __future__ import annotations

import re

# C0 and C1 controls (tab, newline and carriage return have no place in a one-line field either), and the
# Unicode bidirectional overrides and isolates that can make a name read differently from what it is.
_HOSTILE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# A code names an area in files and URLs: letters, digits, dot, underscore and hyphen, starting alphanumerically.
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")


def problem_with_text(value: str, *, limit: int, required: bool = False) -> str | None:
    """Why ``value`` (already stripped) cannot be stored, or None when it can."""
    if required and not value:
        return "is empty"
    if len(value) > limit:
        return f"is longer than {limit} characters"
    if _HOSTILE.search(value):
        return "contains control or text-direction characters"
    return None


def problem_with_code(value: str) -> str | None:
    if not CODE.match(value):
        return "is not a code (letters, digits, '.', '_' or '-', at most 40, starting with a letter or digit)"
    return None
