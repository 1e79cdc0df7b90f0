"""Data keys for organisations, their subjects and the platform: create, unwrap (cached), re-wrap and destroy.

Used by ``sealed``. A subject key (``KeyPurpose.SUBJECT``) holds one person's values within one organisation, so
that destroying it erases that person alone (ADR 0015).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from threefold.vault import crypto
from threefold.vault.models import DataKey, KeyPurpose


class VaultUnavailable(crypto.VaultError):
    """No master key is configured, so nothing identifying can be read or written."""


class KeyDestroyed(crypto.VaultError):
    """The key that protected this value was destroyed: the value is gone for good."""


class SubjectErased(KeyDestroyed):
    """The person this value was about was erased: their key is destroyed and no new one may be made."""


def master_key() -> bytes:
    key: bytes | None = settings.THREEFOLD_MASTER_KEY
    if not key:
        raise VaultUnavailable(
            "No master key: set THREEFOLD_MASTER_KEY or THREEFOLD_MASTER_KEY_FILE (make run creates var/master.key)."
        )
    return key


@lru_cache(maxsize=1024)
def _unwrap_cached(master_fingerprint: str, wrapped: bytes, aad: bytes) -> bytes:
    # Keyed by the wrapped bytes and the master key's fingerprint: a rotation or a destruction changes one of
    # them, so a stale plaintext key is never served from the cache.
    return crypto.unwrap_key(master_key(), wrapped, aad=aad)


def _fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"threefold-master-fingerprint" + key).hexdigest()


def unwrap(data_key: DataKey) -> bytes:
    if data_key.destroyed_at is not None or not data_key.wrapped:
        when = f" on {data_key.destroyed_at:%Y-%m-%d}" if data_key.destroyed_at else ""
        if data_key.subject:
            raise SubjectErased(
                f"The data of {data_key.subject} was erased{when}: its key {data_key.pk} is destroyed "
                "and this value can never be read."
            )
        raise KeyDestroyed(f"Key {data_key.pk} was destroyed{when}: what it protected cannot be read.")
    return _unwrap_cached(_fingerprint(master_key()), bytes(data_key.wrapped), data_key.wrap_aad())


def owner(organisation_id: int | None) -> dict[str, object]:
    """Filter arguments for an organisation's keys, or for the platform's (which have no organisation)."""
    return {"organisation__isnull": True} if organisation_id is None else {"organisation_id": organisation_id}


def active_key(organisation_id: int | None, purpose: KeyPurpose, subject: str = "") -> DataKey:
    """The newest live key of an organisation (or of the platform) for a purpose, created on first use.

    ``subject`` (a person's reference) only with ``KeyPurpose.SUBJECT``. Raises :class:`SubjectErased` for a
    subject whose key was shredded: a fresh key would quietly start a new file about an erased person.
    """
    if bool(subject) != (purpose == KeyPurpose.SUBJECT):
        raise ValueError("a subject is required with, and only with, KeyPurpose.SUBJECT")
    key = (
        DataKey.objects.filter(
            **owner(organisation_id),
            purpose=purpose,
            subject=subject,
            retired_at__isnull=True,
            destroyed_at__isnull=True,
        )
        .order_by("-version")
        .first()
    )
    if key is None and subject and is_shredded(subject):
        raise SubjectErased(f"The data of {subject} was erased: nothing more can be sealed for them.")
    return key or _create(organisation_id, purpose, subject)


def is_shredded(subject: str) -> bool:
    """Whether a subject's key was destroyed while live, which only erasure does (``shred``).

    Rotation retires keys before ``rotate_keys --destroy-retired`` destroys them, so a destroyed key that was
    never retired marks an erasure. References are unique across the deployment, so any organisation counts.
    """
    return DataKey.objects.filter(
        purpose=KeyPurpose.SUBJECT, subject=subject, destroyed_at__isnull=False, retired_at__isnull=True
    ).exists()


def _create(organisation_id: int | None, purpose: KeyPurpose, subject: str = "") -> DataKey:
    mine = DataKey.objects.filter(**owner(organisation_id), purpose=purpose, subject=subject)
    last = mine.order_by("-version").first()
    key = DataKey(
        organisation_id=organisation_id,
        purpose=purpose,
        subject=subject,
        version=(last.version + 1) if last else 1,
    )
    key.wrapped = crypto.wrap_key(master_key(), crypto.new_key(), aad=key.wrap_aad())
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError:
        # Another process created this version at the same moment; theirs wins, so everyone uses one key.
        return mine.get(version=key.version)
    return key


def rewrap_all(new_master: bytes) -> int:
    """Re-wrap every live key (organisations', subjects', the platform's) under a new master key.

    The data itself does not change. Destroyed keys have nothing left to re-wrap.
    """
    old = master_key()
    count = 0
    with transaction.atomic():
        for key in DataKey.objects.select_for_update().filter(destroyed_at__isnull=True):
            plain = crypto.unwrap_key(old, bytes(key.wrapped), aad=key.wrap_aad())
            key.wrapped = crypto.wrap_key(new_master, plain, aad=key.wrap_aad())
            key.save(update_fields=["wrapped"])
            count += 1
    _unwrap_cached.cache_clear()
    return count


def destroy(key: DataKey) -> None:
    """Crypto-shredding: overwrite the wrapped key. What it encrypted can never be decrypted again."""
    key.wrapped = b""
    key.destroyed_at = timezone.now()
    key.save(update_fields=["wrapped", "destroyed_at"])
    _unwrap_cached.cache_clear()


def shred(organisation_id: int, subject: str) -> int:
    """Destroy every key of ``subject`` in an organisation, live or retired: each value sealed under one of them,
    in whatever table, can never be opened again. Returns how many keys were destroyed.

    A subject that never had a key there gets one that is born destroyed: it marks the subject as erased, so
    that no later write can make a new key for them (``active_key``).
    """
    keys = list(
        DataKey.objects.select_for_update().filter(
            organisation_id=organisation_id,
            purpose=KeyPurpose.SUBJECT,
            subject=subject,
            destroyed_at__isnull=True,
        )
    )
    for key in keys:
        destroy(key)
    if not any(key.retired_at is None for key in keys):
        # No live key was destroyed (none existed, or only retired ones): leave a key born destroyed, which is what
        # ``is_shredded`` looks for.
        last = (
            DataKey.objects.filter(
                organisation_id=organisation_id, purpose=KeyPurpose.SUBJECT, subject=subject
            )
            .order_by("-version")
            .first()
        )
        DataKey.objects.create(
            organisation_id=organisation_id,
            purpose=KeyPurpose.SUBJECT,
            subject=subject,
            version=(last.version + 1) if last else 1,
            wrapped=b"",
            destroyed_at=timezone.now(),
        )
    return len(keys)
