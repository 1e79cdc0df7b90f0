"""Envelope-encryption primitives for the vault.

Pure Python on top of ``cryptography`` (no Django) so the security-critical code can be
reviewed and tested on its own.

Token format (for data and for wrapped keys alike)::

    version (1 byte, 0x01) || nonce (12 bytes) || AES-256-GCM ciphertext || tag (16 bytes)

The version byte lets us change algorithm later without guessing what an old token is.
The ``aad`` (associated data) is authenticated but not stored: callers bind a token to its
context (e.g. table, column and row id) so a ciphertext copied into another row fails to decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "KEY_BYTES",
    "DecryptionError",
    "VaultError",
    "blind_index",
    "decrypt",
    "encrypt",
    "new_key",
    "unwrap_key",
    "wrap_key",
]

KEY_BYTES: Final = 32  # AES-256 and HMAC-SHA256 keys
_VERSION: Final = b"\x01"
_NONCE_BYTES: Final = 12  # the size GCM is designed for; random 96-bit nonces are safe per key
_TAG_BYTES: Final = 16
_MIN_TOKEN_BYTES: Final = len(_VERSION) + _NONCE_BYTES + _TAG_BYTES


class VaultError(Exception):
    """Base class for every error raised by the vault."""


class DecryptionError(VaultError):
    """A token could not be decrypted: malformed, wrong key, wrong aad or tampered with."""


def new_key() -> bytes:
    """Return a fresh random 256-bit key (data key, key-encryption key or index key)."""
    return os.urandom(KEY_BYTES)


def _check_key(key: bytes, name: str) -> None:
    # A short key is a programming error, not bad data: fail loudly rather than weaken AES.
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"{name} must be {KEY_BYTES} bytes")


def encrypt(key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` with AES-256-GCM under ``key``, authenticating ``aad``."""
    _check_key(key, "key")
    # A fresh random nonce per message: reusing a nonce under one GCM key leaks plaintext.
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, token: bytes, *, aad: bytes) -> bytes:
    """Decrypt a token made by :func:`encrypt`; raise :class:`DecryptionError` if it is not authentic."""
    _check_key(key, "key")
    if len(token) < _MIN_TOKEN_BYTES:
        raise DecryptionError(f"token too short: {len(token)} bytes, need at least {_MIN_TOKEN_BYTES}")
    if token[:1] != _VERSION:
        raise DecryptionError(f"unknown token version byte {token[0]:#04x}")
    nonce = token[1 : 1 + _NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, token[1 + _NONCE_BYTES :], aad)
    except InvalidTag:
        # GCM cannot tell these causes apart, and neither should an attacker.
        raise DecryptionError("authentication failed: wrong key, wrong aad or tampered token") from None


def wrap_key(kek: bytes, key: bytes, *, aad: bytes) -> bytes:
    """Encrypt data key ``key`` under key-encryption key ``kek`` (same token format as :func:`encrypt`)."""
    _check_key(kek, "kek")
    _check_key(key, "key to wrap")
    return encrypt(kek, key, aad=aad)


def unwrap_key(kek: bytes, wrapped: bytes, *, aad: bytes) -> bytes:
    """Decrypt a key made by :func:`wrap_key` and check it is a usable 256-bit key."""
    key = decrypt(kek, wrapped, aad=aad)
    # An authentic token of the wrong size means something else was encrypted under the KEK.
    if len(key) != KEY_BYTES:
        raise DecryptionError(f"unwrapped key is {len(key)} bytes, expected {KEY_BYTES}")
    return key


def blind_index(index_key: bytes, value: str, *, kind: str) -> str:
    """Return a keyed digest of ``value`` for equality search without storing the value.

    ``kind`` (e.g. ``"name_exact"``, ``"phone"``) is hashed in front of the value, separated by
    a NUL byte, so digests of different kinds can never be compared with each other by mistake.
    Normalise ``value`` first (see :mod:`threefold.vault.names`).
    """
    _check_key(index_key, "index_key")
    if not kind or "\x00" in kind:
        # A NUL inside kind would make the kind/value boundary ambiguous.
        raise ValueError("kind must be a non-empty string without NUL characters")
    if not value:
        # Every empty field would share one digest, which would link unrelated records.
        raise ValueError("cannot blind-index an empty value")
    message = kind.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()
