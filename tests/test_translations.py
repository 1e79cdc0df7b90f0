"""French and Spanish are complete, and the compiled catalogues the app loads match the sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "threefold" / "locale"


def _entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, every msgstr form, fuzzy) for each entry of a .po file, without the header and obsolete entries.

    A plural entry has ``msgstr[0]``, ``msgstr[1]``...; each form must be translated.
    """
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {}
        current, fuzzy = None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
                current, _, rest = line.partition(" ")
                parts[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                parts[current] += line.strip()[1:-1]
            elif line.startswith("#~"):
                current = None
        if parts.get("msgid"):
            forms = [text for key, text in parts.items() if key.startswith("msgstr")]
            entries.append((parts["msgid"], forms, fuzzy))
    return entries


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_is_complete(language: str) -> None:
    entries = _entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 150
    assert [m for m, forms, fuzzy in entries if not forms or not all(forms) or fuzzy] == []
    # Plural entries are read with all their forms (French has two, Spanish three), not skipped.
    plural = next(forms for m, forms, _ in entries if m == "%(n)s instrument")
    assert len(plural) >= 2


@pytest.mark.parametrize(("language", "expected"), [("fr", "Sortie rapide"), ("es", "Salida rápida")])
def test_compiled_catalogue_is_loaded(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Quick exit") == expected
        assert translation.gettext("Assign") != "Assign"  # a recent string: the .mo was recompiled
        assert translation.ngettext("%(n)s instrument", "%(n)s instruments", 3) != "%(n)s instruments"
