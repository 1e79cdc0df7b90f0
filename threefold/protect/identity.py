"""The identity of a person as the application sees it once unsealed, and the blind-index terms it yields.

Pure Python: the vault's name normalisation and the digest function are passed in, so this is testable alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pycountry

from threefold.protect.htcds import GENDER
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
    # Added after ``extra`` so that positional construction of older identities keeps its meaning.
    languages: tuple[str, ...] = ()  # ISO 639-1 or 639-3 codes, lower case, as given
    citizenships: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 codes, upper case; empty if unknown or stateless
    gender: str = ""  # a key of htcds.GENDER, or "" when not recorded
    estimated_age: int | None = None  # when the date of birth is unknown or doubtful (papers are often false)
    age_estimated_on: date | None = None  # an age means nothing without the day it was estimated

    def __post_init__(self) -> None:
        # One spelling per code, so that equality, JSON and comparisons do not depend on how it was typed.
        object.__setattr__(self, "languages", _codes(self.languages, str.lower))
        object.__setattr__(self, "citizenships", _codes(self.citizenships, str.upper))

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_names) if part)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        data["phones"] = list(self.phones)
        data["emails"] = list(self.emails)
        data["languages"] = list(self.languages)
        data["citizenships"] = list(self.citizenships)
        data["date_of_birth"] = _iso(self.date_of_birth)
        data["age_estimated_on"] = _iso(self.age_estimated_on)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        # Every key is optional: identities sealed before a field existed must still open.
        return cls(
            given_names=data.get("given_names", ""),
            family_names=data.get("family_names", ""),
            aliases=tuple(data.get("aliases", ())),
            date_of_birth=_from_iso(data.get("date_of_birth")),
            phones=tuple(data.get("phones", ())),
            emails=tuple(data.get("emails", ())),
            extra=dict(data.get("extra", {})),
            languages=tuple(data.get("languages", ())),
            citizenships=tuple(data.get("citizenships", ())),
            gender=data.get("gender", ""),
            estimated_age=data.get("estimated_age"),
            age_estimated_on=_from_iso(data.get("age_estimated_on")),
        )


def _codes(values: tuple[str, ...] | list[str], case: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(case(value.strip()) for value in values if value.strip()))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _from_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def estimated_birth_year(identity: Identity) -> int | None:
    """The year of birth, exact from a date of birth, otherwise from an estimated age (then it may be a year late:
    someone estimated at 30 in May was born in that year minus 30 or minus 31)."""
    if identity.date_of_birth:
        return identity.date_of_birth.year
    if identity.estimated_age is not None and identity.age_estimated_on:
        return identity.age_estimated_on.year - identity.estimated_age
    return None


MAX_TEXT = 200
MAX_CODES = 20
MAX_AGE = 120
EARLIEST_DATE = date(1900, 1, 1)


def validate(identity: Identity, *, today: date) -> None:
    _validate_names(identity)
    _validate_dates(identity, today)
    _validate_contacts(identity)
    _validate_languages(identity.languages)
    _validate_citizenships(identity.citizenships)
    if identity.gender and identity.gender not in GENDER:
        raise IdentityError(f"gender: {identity.gender!r} is not one of {', '.join(GENDER)}.")


def _validate_names(identity: Identity) -> None:
    if not identity.given_names.strip() and not identity.family_names.strip() and not identity.aliases:
        raise IdentityError("given_names: a person needs at least a name or an alias.")
    for label, value in [("given_names", identity.given_names), ("family_names", identity.family_names)] + [
        ("aliases", a) for a in identity.aliases
    ]:
        if len(value) > MAX_TEXT:
            raise IdentityError(f"{label}: at most {MAX_TEXT} characters.")
        if any(ord(ch) < 32 for ch in value):
            raise IdentityError(f"{label}: control characters are not allowed.")


def _validate_dates(identity: Identity, today: date) -> None:
    dates = {"date_of_birth": identity.date_of_birth, "age_estimated_on": identity.age_estimated_on}
    for label, value in dates.items():
        if value and not (EARLIEST_DATE <= value <= today):
            raise IdentityError(f"{label}: must be between {EARLIEST_DATE.isoformat()} and today.")
    age = identity.estimated_age
    if age is None:
        if identity.age_estimated_on:
            raise IdentityError("age_estimated_on: give it only together with an estimated age.")
        return
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise IdentityError(f"estimated_age: a whole number of years from 0 to {MAX_AGE}.")
    if not identity.age_estimated_on:
        raise IdentityError("age_estimated_on: say when the age was estimated.")


def _validate_contacts(identity: Identity) -> None:
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


def _validate_languages(codes: tuple[str, ...]) -> None:
    _check_count("languages", codes)
    for code in codes:
        # ISO 639-1 where a language has a two-letter code, ISO 639-3 for the thousands that have none (Rohingya
        # is "rhg"); 639-2/B codes such as "fre" are not 639-3 and are refused rather than guessed at.
        attribute = {2: "alpha_2", 3: "alpha_3"}.get(len(code))
        if attribute is None or not code.isascii() or not _known(pycountry.languages, attribute, code):
            raise IdentityError(f"languages: {code!r} is not an ISO 639-1 or ISO 639-3 language code.")


def _validate_citizenships(codes: tuple[str, ...]) -> None:
    _check_count("citizenships", codes)
    for code in codes:
        if len(code) != 2 or not code.isascii() or not _known(pycountry.countries, "alpha_2", code):
            raise IdentityError(f"citizenships: {code!r} is not an ISO 3166-1 alpha-2 country code.")


def _check_count(label: str, codes: tuple[str, ...]) -> None:
    if len(codes) > MAX_CODES:
        raise IdentityError(f"{label}: at most {MAX_CODES}.")


def _known(database: Any, attribute: str, code: str) -> bool:
    try:
        return database.get(**{attribute: code}) is not None
    except KeyError:  # older pycountry releases raise instead of returning None
        return False


# Per-name-part digests are cut to 16 bits, so each one is shared by many unrelated people: a copy of the
# index cannot tell who shares a surname (the CipherSweet approach). Search decrypts the few candidates it
# finds among the records the user may open and keeps those that really match.
TOKEN_DIGEST_CHARS = 4


def _all_names(identity: Identity) -> list[str]:
    return [identity.full_name, *identity.aliases]


def name_part_codes(identity: Identity) -> set[str]:
    """Phonetic codes of every part of every name and alias: "Борис" and "Boris" give the same code."""
    return {
        names.phonetic_name_key(token) for name in _all_names(identity) for token in names.name_tokens(name)
    }


Digest = Callable[[str, str], str]


def _whole_name_terms(name: str, digest: Digest) -> set[tuple[str, str]]:
    return {
        ("name", digest(names.exact_name_key(name), "name")),
        ("name_phonetic", digest(names.phonetic_name_key(name), "name_phonetic")),
    }


def _contact_terms(identity: Identity, digest: Digest) -> set[tuple[str, str]]:
    # Phones as digits only: "+65 3510 177803" and "653510177803" are the same number written two ways.
    return {
        ("phone", digest(names.normalise_phone(phone).lstrip("+"), "phone")) for phone in identity.phones
    } | {("email", digest(names.normalise_email(email), "email")) for email in identity.emails}


def index_terms(identity: Identity, digest: Digest) -> set[tuple[str, str]]:
    """(kind, digest) pairs for every name and alias (exact and phonetic, whole and by part), phone, e-mail and
    date of birth.

    No term for the year of birth or an estimated age: a year is shared by too many people to find anyone by,
    and next to the name-part digests it would only help a copy of the index link records. Ages are compared
    after decryption, on the few candidates the names, phones and e-mails found.
    """
    terms: set[tuple[str, str]] = set()
    for name in _all_names(identity):
        if names.name_tokens(name):
            terms |= _whole_name_terms(name, digest)
    for code in name_part_codes(identity):
        terms.add(("name_part", digest(code, "name_part")[:TOKEN_DIGEST_CHARS]))
    terms |= _contact_terms(identity, digest)
    if identity.date_of_birth:
        terms.add(("dob", digest(identity.date_of_birth.isoformat(), "dob")))
    return terms


# A whole name of one word ("Olga") is shared by too many people to say, on its own, that a record in another
# organisation may be the same person.
MIN_LINKING_NAME_WORDS = 2


def linkage_terms(identity: Identity, digest: Digest) -> set[tuple[str, str]]:
    """The index terms that, matched on their own, make a stored record a possible match without opening it:
    whole names (exact or phonetic) of at least two words, phones and e-mails."""
    terms: set[tuple[str, str]] = set()
    for name in _all_names(identity):
        if len(names.name_tokens(name)) >= MIN_LINKING_NAME_WORDS:
            terms |= _whole_name_terms(name, digest)
    return terms | _contact_terms(identity, digest)
