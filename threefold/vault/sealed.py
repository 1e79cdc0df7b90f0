"""Seal and open identifying values with the owning organisation's data key; compute blind indexes.

A sealed value is ``key id (8 bytes) + AES-GCM token``. The additional authenticated data binds it to its
organisation, the column it lives in and (for registered columns) the row's stable reference, so a ciphertext
copied into another row, another organisation or another column fails to open instead of leaking.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from threefold.vault import crypto
from threefold.vault.keyring import _create, active_key, owner, unwrap
from threefold.vault.models import DataKey, KeyPurpose

_KEY_ID = struct.Struct(">Q")


def _aad(organisation_id: int | None, context: str) -> bytes:
    return f"org:{organisation_id or 0}|{context}".encode()


def seal(
    plaintext: bytes, *, organisation_id: int | None, context: str, purpose: KeyPurpose = KeyPurpose.DATA
) -> bytes:
    key = active_key(organisation_id, purpose)
    return _KEY_ID.pack(key.pk) + crypto.encrypt(unwrap(key), plaintext, aad=_aad(organisation_id, context))


def _split(blob: bytes) -> tuple[int, bytes]:
    if len(blob) <= _KEY_ID.size:
        raise crypto.DecryptionError("The sealed value is too short to hold a key id and a ciphertext.")
    return _KEY_ID.unpack(blob[: _KEY_ID.size])[0], blob[_KEY_ID.size :]


def unseal(
    blob: bytes, *, organisation_id: int | None, context: str, keys: dict[int, DataKey] | None = None
) -> bytes:
    key_id, token = _split(bytes(blob))
    key = (keys or {}).get(key_id) or DataKey.objects.filter(pk=key_id, **owner(organisation_id)).first()
    if key is None or key.organisation_id != organisation_id:
        raise crypto.DecryptionError("The key that sealed this value does not belong to its organisation.")
    return crypto.decrypt(unwrap(key), token, aad=_aad(organisation_id, context))


def keys_for(blobs: Iterable[bytes]) -> dict[int, DataKey]:
    """Load, in one query, the keys that a list of sealed values needs (so list pages make no N+1 queries)."""
    ids = {_split(bytes(blob))[0] for blob in blobs if blob}
    return {key.pk: key for key in DataKey.objects.filter(pk__in=ids)}


def seal_json(value: dict[str, Any], *, organisation_id: int | None, context: str) -> bytes:
    return seal(
        json.dumps(value, ensure_ascii=False).encode(), organisation_id=organisation_id, context=context
    )


def unseal_json(
    blob: bytes, *, organisation_id: int | None, context: str, keys: dict[int, DataKey] | None = None
) -> dict[str, Any]:
    value = json.loads(unseal(blob, organisation_id=organisation_id, context=context, keys=keys))
    assert isinstance(value, dict)
    return value


def _blind_key() -> bytes:
    # The oldest live blind-index key, always: rotating it would orphan every stored digest.
    key = (
        DataKey.objects.filter(
            organisation__isnull=True, purpose=KeyPurpose.BLIND_INDEX, destroyed_at__isnull=True
        )
        .order_by("version")
        .first()
    )
    return unwrap(key or _create(None, KeyPurpose.BLIND_INDEX))


def blind(value: str, *, kind: str) -> str:
    return crypto.blind_index(_blind_key(), value, kind=kind)


@dataclass(frozen=True)
class SealedColumn:
    """A column holding sealed values, registered so key rotation can re-encrypt it.

    ``row_field`` names a stable, unique field set before the row is first saved (such as a public reference):
    it goes into each value's authenticated data, so one person's sealed identity pasted into another
    person's row fails to open.
    """

    model: type[models.Model]
    field: str
    organisation_field: str
    context: str
    row_field: str

    def row_context(self, row: models.Model) -> str:
        return row_context(self.context, str(getattr(row, self.row_field)))


SEALED_COLUMNS: list[SealedColumn] = []


def row_context(column_context: str, row_key: str) -> str:
    return f"{column_context}#{row_key}"


def register(
    model: type[models.Model], field: str, *, row_field: str, organisation_field: str = "organisation_id"
) -> str:
    context = f"{model._meta.label_lower}.{field}"
    SEALED_COLUMNS.append(SealedColumn(model, field, organisation_field, context, row_field))
    return context


def rotate_organisation(organisation_id: int, *, progress: Callable[[int], None] | None = None) -> int:
    """Give an organisation a new data key and re-encrypt every sealed value it owns with it.

    The old key is retired, not destroyed, so an operator can check the result first; ``rotate_keys
    --destroy-retired`` then shreds it. Backups keep their own copy of the wrapped keys: to make old backups
    unreadable, re-wrap under a new master key and destroy the old master key as well.
    """
    count = 0
    with transaction.atomic():
        old_keys = list(
            DataKey.objects.select_for_update().filter(
                organisation_id=organisation_id, purpose=KeyPurpose.DATA, retired_at__isnull=True
            )
        )
        for key in old_keys:
            key.retired_at = timezone.now()
            key.save(update_fields=["retired_at"])
        new_key = _create(organisation_id, KeyPurpose.DATA)
        all_keys = {k.pk: k for k in DataKey.objects.filter(organisation_id=organisation_id)}
        for column in SEALED_COLUMNS:
            rows = column.model._default_manager.filter(
                **{column.organisation_field: organisation_id}
            ).exclude(**{f"{column.field}__isnull": True})
            for row in rows.iterator(chunk_size=500):
                blob = getattr(row, column.field)
                if not blob:
                    continue
                plain = unseal(
                    blob, organisation_id=organisation_id, context=column.row_context(row), keys=all_keys
                )
                resealed = _KEY_ID.pack(new_key.pk) + crypto.encrypt(
                    unwrap(new_key), plain, aad=_aad(organisation_id, column.row_context(row))
                )
                column.model._default_manager.filter(pk=row.pk).update(**{column.field: resealed})
                count += 1
                if progress:
                    progress(count)
    return count
