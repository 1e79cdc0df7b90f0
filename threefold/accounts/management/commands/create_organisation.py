"""Onboard an organisation: create it and invite its first admin (prints the one-time invitation link)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from threefold.accounts.models import Invitation, OrganisationType, User
from threefold.accounts.roles import Role
from threefold.accounts.services import INVITATION_DAYS, create_organisation, new_invitation_token, token_hash
from threefold.audit import services as audit
from threefold.audit.models import Action

LABEL = "system:create_organisation"


class Command(BaseCommand):
    help = "Create an organisation and invite its first organisation admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--type", required=True, choices=OrganisationType.values)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. FR")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where members open Threefold."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["admin_email"]).strip().lower()
        if "@" not in email:
            raise CommandError("--admin-email must be an e-mail address.")
        inviter = User.objects.filter(is_superuser=True).order_by("pk").first()
        if inviter is None:
            raise CommandError("Create a platform admin first: manage.py createsuperuser")
        try:
            with transaction.atomic():
                organisation = create_organisation(
                    options["name"], options["type"], options["country"], system_label=LABEL
                )
                token = new_invitation_token()
                invitation = Invitation.objects.create(
                    organisation=organisation,
                    email=email,
                    role=Role.ORG_ADMIN,
                    token_hash=token_hash(token),
                    invited_by=inviter,
                    expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
                )
                audit.record(
                    None,
                    Action.INVITE,
                    invitation,
                    system_label=LABEL,
                    organisation_id=organisation.pk,
                    details={"role": Role.ORG_ADMIN.value},
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        link = f"{options['base_url'].rstrip('/')}/org/join/{token}/"
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name} ({organisation.country})."))
        self.stdout.write(f"Send this one-time link to {email} (valid {INVITATION_DAYS} days):\n  {link}")
