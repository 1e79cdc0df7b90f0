"""Data keys for organisations and the platform: create, unwrap (cached), re-wrap and destroy. Used by ``sealed``."""

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
        raise KeyDestroyed(f"Key {data_key.pk} was destroyed{when}: what it protected cannot be read.")
    return _unwrap_cached(_fingerprint(master_key()), bytes(data_key.wrapped), data_key.wrap_aad())


def owner(organisation_id: int | None) -> dict[str, object]:
    """Filter arguments for an organisation's keys, or for the platform's (which have no organisation)."""
    return {"organisation__isnull": True} if organisation_id is None else {"organisation_id": organisation_id}


def active_key(organisation_id: int | None, purpose: KeyPurpose) -> DataKey:
    """The newest live key of an organisation (or of the platform) for a purpose, created on first use."""
    key = (
        DataKey.objects.filter(
            **owner(organisation_id),
            purpose=purpose,
            retired_at__isnull=True,
            destroyed_at__isnull=True,
        )
        .order_by("-version")
        .first()
    )
    return key or _create(organisation_id, purpose)


def _create(organisation_id: int | None, purpose: KeyPurpose) -> DataKey:
    last = DataKey.objects.filter(**owner(organisation_id), purpose=purpose).order_by("-version").first()
    key = DataKey(organisation_id=organisation_id, purpose=purpose, version=(last.version + 1) if last else 1)
    key.wrapped = crypto.wrap_key(master_key(), crypto.new_key(), aad=key.wrap_aad())
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError:
        # Another process created this version at the same moment; theirs wins, so everyone uses one key.
        return DataKey.objects.get(**owner(organisation_id), purpose=purpose, version=key.version)
    return key


def rewrap_all(new_master: bytes) -> int:
    """Re-wrap every live key under a new master key. The data itself does not change."""
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
