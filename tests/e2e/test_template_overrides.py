"""The project's templates for allauth pages (sign-in, MFA, password reset) must win over allauth's own.

allauth ships complete pages without ``lang``, landmarks or the quick-exit button; the project overrides its
layout (``allauth/layouts/base.html``), its form elements (``allauth/elements/*``) and the sign-in page under
``threefold/web/templates``. Django's app-directories loader searches apps in INSTALLED_APPS order, so
``threefold.web`` has to come before ``allauth`` (or its template folder has to be listed in TEMPLATES DIRS).
This test needs no browser, so it also runs in the whole suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import get_template

WEB_TEMPLATES = Path(__file__).resolve().parents[2] / "threefold" / "web" / "templates"

OVERRIDDEN = sorted(
    str(path.relative_to(WEB_TEMPLATES))
    for folder in ("account", "allauth", "mfa")
    for path in (WEB_TEMPLATES / folder).rglob("*.html")
)


def test_there_are_overrides() -> None:
    assert "allauth/layouts/base.html" in OVERRIDDEN
    assert "account/login.html" in OVERRIDDEN


@pytest.mark.parametrize("name", OVERRIDDEN)
def test_project_template_wins_over_allauth(name: str) -> None:
    origin = Path(get_template(name).origin.name)
    assert origin == WEB_TEMPLATES / name, (
        f"{name} is loaded from {origin}, not from the project. Put 'threefold.web' before 'allauth' in "
        "INSTALLED_APPS (threefold/settings/base.py) so the project's accessible sign-in and MFA pages are used."
    )
