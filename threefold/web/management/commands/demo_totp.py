from __future__ import annotations

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts import demo


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Only in demo mode (THREEFOLD_DEMO=1).")
        email = options["email"].strip().lower()
        if not any(u.email == email and u.with_totp for u in demo.USERS):
            raise CommandError(f"{email} is not a demo user with a preset authenticator.")
        self.stdout.write(pyotp.TOTP(demo.totp_secret(email)).now())
