"""The content security policy forbids inline script: no template may carry an event handler attribute or a
javascript: URL (the browser would block it, and the feature would silently not work)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "threefold").rglob("templates/**/*.html"))
INLINE = re.compile(r"""\son[a-z]+\s*=|javascript:""", re.IGNORECASE)


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 50


def test_no_template_has_inline_script() -> None:
    offenders = [
        f"{path.relative_to(path.parents[3])}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert offenders == []
