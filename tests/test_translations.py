"""French and Spanish are complete, and the compiled catalogues the app loads match the sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "threefold" / "locale"


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, without the header and obsolete entries."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {"msgid": "", "msgstr": ""}
        current, fuzzy = None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                parts[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                parts[current] += line.strip()[1:-1]
            elif line.startswith("#~"):
                current = None
        if parts["msgid"]:
            entries.append((parts["msgid"], parts["msgstr"], fuzzy))
    return entries


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_is_complete(language: str) -> None:
    entries = _entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 150
    assert [m for m, s, fuzzy in entries if not s or fuzzy] == []


@pytest.mark.parametrize(("language", "expected"), [("fr", "Sortie rapide"), ("es", "Salida rápida")])
def test_compiled_catalogue_is_loaded(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Quick exit") == expected
        assert translation.gettext("Assign") != "Assign"  # a recent string: the .mo was recompiled
