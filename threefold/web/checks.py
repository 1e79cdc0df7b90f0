"""System checks for a safe deployment, run by ``manage.py check --deploy`` (and so by CI)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def threefold_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.THREEFOLD_MASTER_KEY:
        problems.append(
            Error(
                "No master key is configured: nothing identifying can be stored.",
                hint="Set THREEFOLD_MASTER_KEY or THREEFOLD_MASTER_KEY_FILE.",
                id="threefold.E001",
            )
        )
    if settings.DEMO_MODE:
        problems.append(Error("Demo mode is on.", hint="Unset THREEFOLD_DEMO.", id="threefold.E002"))
    if not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        problems.append(Warning("Argon2 is not the first password hasher.", id="threefold.W001"))
    if settings.SESSION_COOKIE_AGE > 3600:
        problems.append(
            Warning(
                "Sessions stay open for more than an hour without activity.",
                hint="Lower THREEFOLD_SESSION_IDLE_MINUTES.",
                id="threefold.W002",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "E-mail goes to the console: invitations will not reach anyone.",
                hint="Set THREEFOLD_EMAIL_BACKEND and THREEFOLD_EMAIL_HOST, _PORT, _USER, _PASSWORD, _TLS.",
                id="threefold.W003",
            )
        )
    return problems
