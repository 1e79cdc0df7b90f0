"""Single-use answer codes. A code is 12 characters of an alphabet without look-alikes (60 bits): short enough to
type from a printed card, far too many to guess while each one works once and expires. Only its SHA-256 is
stored, so a copy of the database opens no link."""

from __future__ import annotations

import hashlib
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


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def grouped(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to read aloud and to copy."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
