"""Seal and open identifying values with the owning organisation's data key; compute blind indexes.

A sealed value is ``key id (8 bytes) + AES-GCM token``. The additional authenticated data binds it to its
organisation, the column it lives in and (for registered columns) the row's stable reference, so a ciphertext
copied into another row, another organisation or another column fails to open instead of leaking.

Values about one person can be sealed under that person's own key (``subject=<person reference>``): erasing the
person destroys that key (``shred_subject``) and with it every such value, wherever it is stored, without
touching anyone else's (ADR 0015). Unsealing needs no subject: the key id in front of the value says which key.
Columns whose rows belong to a person say how to find that person's reference with ``link_subject`` (from the
owning app's ``AppConfig.ready``), so that ``reseal_subjects`` can move old values onto subject keys.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from threefold.vault import crypto, keyring
from threefold.vault.keyring import _create, active_key, owner, unwrap
from threefold.vault.models import DataKey, KeyPurpose

_KEY_ID = struct.Struct(">Q")


def _aad(organisation_id: int | None, context: str) -> bytes:
    return f"org:{organisation_id or 0}|{context}".encode()


def seal(
    plaintext: bytes,
    *,
    organisation_id: int | None,
    context: str,
    purpose: KeyPurpose = KeyPurpose.DATA,
    subject: str | None = None,
) -> bytes:
    """Seal under the organisation's key for ``purpose``, or, with ``subject`` (a person's reference), under that
    person's key in the organisation. Raises ``keyring.SubjectErased`` for a person who was erased."""
    key = (
        active_key(organisation_id, KeyPurpose.SUBJECT, subject)
        if subject
        else active_key(organisation_id, purpose)
    )
    return _seal_with(key, plaintext, organisation_id, context)


def _seal_with(key: DataKey, plaintext: bytes, organisation_id: int | None, context: str) -> bytes:
    return _KEY_ID.pack(key.pk) + crypto.encrypt(unwrap(key), plaintext, aad=_aad(organisation_id, context))


def key_id(blob: bytes) -> int:
    """The id of the key a sealed value was sealed under (it travels in clear in front of the value)."""
    return _split(bytes(blob))[0]


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


def seal_json(
    value: dict[str, Any], *, organisation_id: int | None, context: str, subject: str | None = None
) -> bytes:
    return seal(
        json.dumps(value, ensure_ascii=False).encode(),
        organisation_id=organisation_id,
        context=context,
        subject=subject,
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


def _column(model: type[models.Model], field: str) -> SealedColumn:
    for column in SEALED_COLUMNS:
        if column.model is model and column.field == field:
            return column
    raise LookupError(f"{model._meta.label_lower}.{field} is not a registered sealed column")


@dataclass(frozen=True)
class SubjectLink:
    """A sealed column whose rows are about one person: ``subject_path`` is the ORM path from a row to that
    person's reference ("reference" on the person, "person__reference" on a row pointing at one). Rows where
    the path gives NULL (an anonymous screening) are about nobody in particular and stay on the organisation key.
    """

    column: SealedColumn
    subject_path: str


SUBJECT_LINKS: list[SubjectLink] = []


def link_subject(model: type[models.Model], field: str, *, subject_path: str) -> None:
    """Declare that ``model.field`` (already ``register``ed) holds values about the person at ``subject_path``.

    Called from the owning app's ``AppConfig.ready``. New values are sealed with ``subject=`` by the app's own
    code; the link lets ``reseal_subjects`` move older values, and erasure catch any value an app forgot.
    """
    link = SubjectLink(_column(model, field), subject_path)
    if link not in SUBJECT_LINKS:  # ready() can run twice in tests; one link is enough
        SUBJECT_LINKS.append(link)


def _subject_key(organisation_id: int, subject: str, cache: dict[tuple[int, str], DataKey]) -> DataKey:
    if (organisation_id, subject) not in cache:
        cache[organisation_id, subject] = active_key(organisation_id, KeyPurpose.SUBJECT, subject)
    return cache[organisation_id, subject]


def move_to_subject(row: models.Model, field: str, *, subject: str) -> None:
    """Re-seal one row's value (in memory; the caller saves) under ``subject``'s key, e.g. when a screening
    that was anonymous is attached to a person. A value already under that key is left as it is."""
    column = _column(type(row), field)
    blob = getattr(row, field)
    if not blob:
        return
    organisation_id = getattr(row, column.organisation_field)
    context = column.row_context(row)
    target = active_key(organisation_id, KeyPurpose.SUBJECT, subject)
    if key_id(blob) != target.pk:
        plain = unseal(blob, organisation_id=organisation_id, context=context)
        setattr(row, field, _seal_with(target, plain, organisation_id, context))


def reseal_subjects(
    *,
    organisation_id: int | None = None,
    subject: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Move every value of a linked column that is still under an organisation key onto its person's key.

    For data sealed before subject keys existed (``manage.py reseal_subjects``) and, for one ``subject``, just
    before that person is erased. Idempotent: a value already under its subject's key is skipped, and so is a
    value whose key is destroyed (nothing can be done with it). Returns how many values were moved.
    """
    moved = 0
    keys: dict[int, DataKey] = {}
    targets: dict[tuple[int, str], DataKey] = {}
    for link in SUBJECT_LINKS:
        column = link.column
        rows = column.model._default_manager.exclude(**{f"{column.field}__isnull": True}).exclude(
            **{f"{link.subject_path}__isnull": True}
        )
        if organisation_id is not None:
            rows = rows.filter(**{column.organisation_field: organisation_id})
        if subject is not None:
            rows = rows.filter(**{link.subject_path: subject})
        values = rows.values_list(
            "pk", column.field, column.organisation_field, column.row_field, link.subject_path
        )
        for pk, blob, org_id, row_key, row_subject in values.iterator(chunk_size=500):
            if not blob:
                continue
            current_id = key_id(blob)
            if current_id not in keys:
                keys.update(keys_for([blob]))
            current = keys.get(current_id)
            if current is None or current.destroyed_at is not None:
                continue
            if current.purpose == KeyPurpose.SUBJECT and current.subject == row_subject:
                continue
            context = row_context(column.context, str(row_key))
            plain = unseal(blob, organisation_id=org_id, context=context, keys=keys)
            target = _subject_key(org_id, row_subject, targets)
            column.model._default_manager.filter(pk=pk).update(
                **{column.field: _seal_with(target, plain, org_id, context)}
            )
            moved += 1
            if progress:
                progress(moved)
    return moved


def subject_organisations(subject: str) -> set[int]:
    """The organisations holding a key of ``subject`` (theirs, or a partner's that was sent their data)."""
    return set(
        DataKey.objects.filter(purpose=KeyPurpose.SUBJECT, subject=subject)
        .exclude(organisation__isnull=True)
        .values_list("organisation_id", flat=True)
    )


def shred_subject(organisation_id: int, subject: str) -> int:
    """Crypto-shred ``subject`` in an organisation: destroy their keys, so that every value sealed for them, in any
    table, raises ``keyring.SubjectErased`` from then on, and no new value can be sealed for them.

    Old backups still hold the wrapped keys: see ADR 0015 and ``rotate_keys --new-master-key-file``.
    """
    return keyring.shred(organisation_id, subject)


def rotate_organisation(organisation_id: int, *, progress: Callable[[int], None] | None = None) -> int:
    """Give an organisation a new data key and re-encrypt every sealed value it owns with it.

    Values sealed under a person's key move to a new key of the same person, never to the organisation key, or
    erasing that person could no longer reach them (ADR 0015). Values under a destroyed key are left alone:
    nothing can read them, and nothing should. The old keys are retired, not destroyed, so an operator can check
    the result first; ``rotate_keys --destroy-retired`` then shreds them. Backups keep their own copy of the
    wrapped keys: to make old backups unreadable, re-wrap under a new master key and destroy the old one as well.
    """
    count = 0
    with transaction.atomic():
        old_keys = list(
            DataKey.objects.select_for_update().filter(
                organisation_id=organisation_id,
                purpose__in=[KeyPurpose.DATA, KeyPurpose.SUBJECT],
                retired_at__isnull=True,
                destroyed_at__isnull=True,
            )
        )
        for key in old_keys:
            key.retired_at = timezone.now()
            key.save(update_fields=["retired_at"])
        new_key = _create(organisation_id, KeyPurpose.DATA)
        new_subject_keys: dict[str, DataKey] = {}
        all_keys = {k.pk: k for k in DataKey.objects.filter(organisation_id=organisation_id)}
        for column in SEALED_COLUMNS:
            rows = column.model._default_manager.filter(
                **{column.organisation_field: organisation_id}
            ).exclude(**{f"{column.field}__isnull": True})
            for row in rows.iterator(chunk_size=500):
                blob = getattr(row, column.field)
                if not blob:
                    continue
                old = all_keys.get(key_id(blob))
                if old is not None and old.destroyed_at is not None:
                    continue
                plain = unseal(
                    blob, organisation_id=organisation_id, context=column.row_context(row), keys=all_keys
                )
                target = new_key
                if old is not None and old.purpose == KeyPurpose.SUBJECT:
                    if old.subject not in new_subject_keys:
                        new_subject_keys[old.subject] = _create(
                            organisation_id, KeyPurpose.SUBJECT, old.subject
                        )
                    target = new_subject_keys[old.subject]
                resealed = _seal_with(target, plain, organisation_id, column.row_context(row))
                column.model._default_manager.filter(pk=row.pk).update(**{column.field: resealed})
                count += 1
                if progress:
                    progress(count)
    return count
