"""Texts given per language. Kept apart so that rules.py and definition.py can both use it without a cycle."""

from __future__ import annotations

from collections.abc import Mapping

# One text per language code; "en" is always present (the schema requires it).
LocalText = Mapping[str, str]


def text_in(text: LocalText, lang: str) -> str:
    """The text in ``lang``, falling back to English so a missing translation never hides a prompt."""
    return text.get(lang) or text["en"]
