from __future__ import annotations

from typing import Any

import pyotp
from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts import demo
from threefold.accounts.models import Membership


class Command(BaseCommand):
    help = "Print the current two-factor code of a member of a demo organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if not any(u.email == email and u.with_totp for u in demo.USERS):
            raise CommandError(f"{email} is not a demo user with a preset authenticator.")
        # The demo secrets are derived from public data, so this only ever answers for demo organisations'
        # members: the demo command refuses to run outside demo mode, so production has no such users.
        if not Membership.objects.filter(user__email=email, organisation__is_demo=True).exists():
            raise CommandError(f"{email} is not a member of a demo organisation here; run `make run` first.")
        self.stdout.write(pyotp.TOTP(demo.totp_secret(email)).now())
