"""Single-use answer codes. A code is 12 characters of an alphabet without look-alikes (60 bits): short enough to
type from a printed card, far too many to guess while each one works once and expires. Only its HMAC-SHA256
under a server secret is stored (``digest``): 60 bits could be tried one by one against a plain hash taken from a
copy of the database, but not against a keyed one without the key, which is not in the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What a person typed, without the spaces and dashes and in upper case, as the code it stands for."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def digest(code: str, key: bytes) -> str:
    """The stored form of a code: HMAC-SHA256 under ``key`` (the caller derives it from a server secret)."""
    if len(key) < 16:
        raise ValueError("the key of the code digest must be at least 16 bytes")
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def grouped(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to read aloud and to copy."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
