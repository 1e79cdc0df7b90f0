"""Allow (or revoke) one member to see raw, unprotected counts: ``manage.py allow_raw_counts EMAIL --reason``.

Nobody has raw counts by default, whatever their role. The allowance is explicit, reasoned, audited, and every
raw table read with it is audited again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from threefold.accounts.actor import system_actor_label
from threefold.accounts.models import Membership
from threefold.insight import services
from threefold.insight.management.commands.import_ctdc import organisation_from


class Command(BaseCommand):
    help = "Allow one member of an organisation raw counts (or revoke it with --revoke)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--organisation", type=int, help="Organisation id (needed when there are several)."
        )
        parser.add_argument(
            "--reason", default="", help="Why this member needs raw counts (required to allow)."
        )
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from(options["organisation"])
        membership = (
            Membership.objects.select_related("user")
            .filter(user__email__iexact=options["email"], organisation=organisation, is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(
                f"{options['email']} is not an active member of organisation {organisation.pk}."
            )
        label = system_actor_label("allow_raw_counts")
        if options["revoke"]:
            count = services.revoke_raw_counts(organisation, membership.user, revoked_by=label)
            self.stdout.write("Revoked." if count else "There was no allowance to revoke.")
            return
        try:
            services.allow_raw_counts(
                organisation, membership.user, reason=options["reason"], granted_by=label
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        except IntegrityError as error:
            raise CommandError("This member already has raw counts.") from error
        self.stdout.write(
            f"{membership.user.email} may now see raw counts in organisation {organisation.pk}."
        )
