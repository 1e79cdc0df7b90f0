from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from threefold.accounts.models import Organisation
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect.services import reindex_organisation


class Command(BaseCommand):
    help = "Rebuild the blind-index search terms of every person (needed after an upgrade that changes them)."

    def handle(self, *args: Any, **options: Any) -> None:
        for organisation in Organisation.objects.order_by("pk"):
            count = reindex_organisation(organisation.pk)
            audit.record(
                None,
                Action.UPDATE,
                organisation,
                system_label="system:reindex_people",
                organisation_id=organisation.pk,
                details={"reindexed": count},
            )
            self.stdout.write(f"{organisation.name}: {count} people re-indexed.")
