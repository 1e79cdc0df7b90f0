"""The linkage secret the parties share, and the keys derived from it.

Every key used by the encodings comes from one secret (at least 32 random bytes, agreed between the parties out
of band, never stored beside the encodings) through HKDF-SHA256 with a label per use, so that no key serves two
purposes: one key per encoded field (the same q-gram in two fields sets unrelated bits), one for the blocking
keys, one for the permutation of balanced filters and one for the integrity check of encoding files. The
key check value is derived the same way: it shows that two parties hold the same secret without revealing it
(HKDF is one-way), so it can be written in a file header and a schema fingerprint.
"""

from __future__ import annotations

import os
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["MIN_SECRET_BYTES", "LinkageKey"]

MIN_SECRET_BYTES: Final = 32
_LABEL_PREFIX: Final = b"threefold-pprl/v1/"


class LinkageKey:
    """The shared secret. Its repr shows the key check value only, never the secret."""

    __slots__ = ("_key_check", "_secret")

    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, bytes | bytearray):
            raise TypeError(f"the linkage secret must be bytes, got {type(secret).__name__}")
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(
                f"the linkage secret must be at least {MIN_SECRET_BYTES} random bytes, got {len(secret)}: a short "
                "or guessable secret lets anyone holding encodings test guesses of names offline"
            )
        self._secret = bytes(secret)
        self._key_check = self.derive("key-check", 16).hex()

    @classmethod
    def generate(cls) -> LinkageKey:
        """A new random secret, to be shared with the other party over a secure channel."""
        return cls(os.urandom(MIN_SECRET_BYTES))

    @property
    def key_check(self) -> str:
        """Hex key check value: equal for equal secrets, and reveals nothing of the secret."""
        return self._key_check

    def derive(self, label: str, length: int = 32) -> bytes:
        """The key for one use, named by ``label`` ("field/<name>", "blocking", "file-mac"...)."""
        return HKDF(
            algorithm=hashes.SHA256(), length=length, salt=None, info=_LABEL_PREFIX + label.encode("utf-8")
        ).derive(self._secret)

    def __repr__(self) -> str:
        return f"LinkageKey(key_check={self._key_check[:8]}...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinkageKey) and other._key_check == self._key_check

    def __hash__(self) -> int:
        return hash(self._key_check)
