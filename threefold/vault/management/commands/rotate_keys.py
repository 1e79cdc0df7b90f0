"""Rotate encryption keys without losing data.

* default: every organisation gets a new data key and all its sealed values are re-encrypted with it (values
  sealed under a person's key get a new key of that same person, ADR 0015); the old keys are retired (kept
  until you have checked the result, then shredded with ``--destroy-retired``).
* ``--new-master-key-file F``: re-wrap every key under a new master key (the data itself is unchanged); then
  point THREEFOLD_MASTER_KEY(_FILE) at the new key and restart.
* ``--destroy-retired``: crypto-shred retired keys. Backups hold their own wrapped copies: to make those
  unreadable too, re-wrap under a new master key and destroy the old master key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.env import ConfigError, env_key
from threefold.vault import keyring, sealed
from threefold.vault.models import DataKey, KeyPurpose

LABEL = "system:rotate_keys"


class Command(BaseCommand):
    help = "Rotate data keys (re-encrypting data), re-wrap under a new master key, or destroy retired keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, help="Only this organisation's data key (by id).")
        parser.add_argument("--new-master-key-file", help="File holding the new base64 master key.")
        parser.add_argument("--destroy-retired", action="store_true", help="Crypto-shred retired data keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_master_key_file"]:
            self._rewrap(options["new_master_key_file"])
        elif options["destroy_retired"]:
            self._destroy_retired()
        else:
            self._rotate(options["organisation"])

    def _rewrap(self, path: str) -> None:
        try:
            new_master = env_key("NEW_MASTER", required=True, environ={"NEW_MASTER_FILE": path})
        except ConfigError as exc:
            raise CommandError(str(exc).replace("NEW_MASTER_FILE", "--new-master-key-file")) from None
        assert new_master is not None
        with transaction.atomic():
            count = keyring.rewrap_all(new_master)
            audit.record(
                None, Action.KEYS, ("vault.datakey", ""), system_label=LABEL, details={"rewrapped": count}
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped {count} keys. Now set THREEFOLD_MASTER_KEY_FILE={path} and restart; keep the old master "
                "key until you have checked the application starts."
            )
        )

    def _rotate(self, only: int | None) -> None:
        org_ids = (
            DataKey.objects.filter(
                # An organisation whose values are all under its people's keys has no DATA key yet.
                purpose__in=[KeyPurpose.DATA, KeyPurpose.SUBJECT],
                organisation__isnull=False,
                destroyed_at__isnull=True,
            )
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        if only is not None:
            if only not in set(org_ids):
                raise CommandError(f"Organisation {only} has no data key to rotate.")
            org_ids = [only]  # type: ignore[assignment]
        for org_id in sorted(set(org_ids)):
            assert org_id is not None

            def progress(n: int, org_id: int = org_id) -> None:
                if n % 1000 == 0:
                    self.stdout.write(f"  organisation {org_id}: {n} values re-encrypted…")

            with transaction.atomic():
                count = sealed.rotate_organisation(org_id, progress=progress)
                audit.record(
                    None,
                    Action.KEYS,
                    ("accounts.organisation", str(org_id)),
                    system_label=LABEL,
                    organisation_id=org_id,
                    details={"reencrypted": count},
                )
            self.stdout.write(f"Organisation {org_id}: new data key, {count} values re-encrypted.")
        self.stdout.write(self.style.SUCCESS("Rotation complete."))

    def _destroy_retired(self) -> None:
        retired = DataKey.objects.filter(retired_at__isnull=False, destroyed_at__isnull=True)
        count = 0
        with transaction.atomic():
            for key in retired:
                keyring.destroy(key)
                audit.record(None, Action.SHRED, key, system_label=LABEL, organisation_id=key.organisation_id)
                count += 1
        self.stdout.write(self.style.SUCCESS(f"Destroyed {count} retired keys."))
