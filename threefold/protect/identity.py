"""The identity of a person as the application sees it once unsealed, and the blind-index terms it yields.

Pure Python: the vault's name normalisation and the digest function are passed in, so this is testable alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from threefold.vault import names


class IdentityError(ValueError):
    """A value of an identity is malformed; the message names the field."""


@dataclass(frozen=True)
class Identity:
    given_names: str
    family_names: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_names) if part)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        data["phones"] = list(self.phones)
        data["emails"] = list(self.emails)
        data["date_of_birth"] = self.date_of_birth.isoformat() if self.date_of_birth else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        dob = data.get("date_of_birth")
        return cls(
            given_names=data.get("given_names", ""),
            family_names=data.get("family_names", ""),
            aliases=tuple(data.get("aliases", ())),
            date_of_birth=date.fromisoformat(dob) if dob else None,
            phones=tuple(data.get("phones", ())),
            emails=tuple(data.get("emails", ())),
            extra=dict(data.get("extra", {})),
        )


MAX_TEXT = 200


def validate(identity: Identity, *, today: date) -> None:
    if not identity.given_names.strip() and not identity.family_names.strip() and not identity.aliases:
        raise IdentityError("given_names: a person needs at least a name or an alias.")
    for label, value in [("given_names", identity.given_names), ("family_names", identity.family_names)] + [
        ("aliases", a) for a in identity.aliases
    ]:
        if len(value) > MAX_TEXT:
            raise IdentityError(f"{label}: at most {MAX_TEXT} characters.")
        if any(ord(ch) < 32 for ch in value):
            raise IdentityError(f"{label}: control characters are not allowed.")
    if identity.date_of_birth and not (date(1900, 1, 1) <= identity.date_of_birth <= today):
        raise IdentityError("date_of_birth: must be between 1900-01-01 and today.")
    for phone in identity.phones:
        try:
            names.normalise_phone(phone)
        except ValueError as exc:
            raise IdentityError(f"phones: {exc}") from None
    for email in identity.emails:
        try:
            names.normalise_email(email)
        except ValueError as exc:
            raise IdentityError(f"emails: {exc}") from None


# Per-name-part digests are cut to 16 bits, so each one is shared by many unrelated people: a copy of the
# index cannot tell who shares a surname (the CipherSweet approach). Search decrypts the few candidates it
# finds among the records the user may open and keeps those that really match.
TOKEN_DIGEST_CHARS = 4


def name_part_codes(identity: Identity) -> set[str]:
    """Phonetic codes of every part of every name and alias: "Борис" and "Boris" give the same code."""
    return {
        names.phonetic_name_key(token)
        for name in [identity.full_name, *identity.aliases]
        for token in names.name_tokens(name)
    }


def index_terms(identity: Identity, digest: Callable[[str, str], str]) -> set[tuple[str, str]]:
    """(kind, digest) pairs for every name and alias (exact and phonetic, whole and by part), phone, e-mail and
    date of birth."""
    terms: set[tuple[str, str]] = set()
    for name in [identity.full_name, *identity.aliases]:
        if names.name_tokens(name):
            terms.add(("name", digest(names.exact_name_key(name), "name")))
            terms.add(("name_phonetic", digest(names.phonetic_name_key(name), "name_phonetic")))
    for code in name_part_codes(identity):
        terms.add(("name_part", digest(code, "name_part")[:TOKEN_DIGEST_CHARS]))
    for phone in identity.phones:
        # Digits only: "+65 3510 177803" and "653510177803" are the same number written two ways.
        terms.add(("phone", digest(names.normalise_phone(phone).lstrip("+"), "phone")))
    for email in identity.emails:
        terms.add(("email", digest(names.normalise_email(email), "email")))
    if identity.date_of_birth:
        terms.add(("dob", digest(identity.date_of_birth.isoformat(), "dob")))
    return terms
