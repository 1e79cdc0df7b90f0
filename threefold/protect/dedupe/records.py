"""One person record as de-duplication sees it, and its preparation into the columns the model compares.

Dates of birth in this field are often approximate: a survivor without papers is given 1 January of a guessed
year, or only a year, or an estimated age on the day it was estimated. ``BirthPrecision`` keeps that apart from a
real date, so that the comparison can treat "1 January 1990" and "14 June 1990" as compatible rather than as a
disagreement on day and month.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from threefold.vault import names

__all__ = [
    "ADDRESS_PARTS",
    "COLUMNS",
    "BirthPrecision",
    "DedupeRecord",
    "prepare",
    "prepare_all",
    "token_digest",
]


class BirthPrecision(StrEnum):
    EXACT = "exact"  # a real, full date of birth
    APPROXIMATE = "approximate"  # a full date known to be approximate, or 1 January (the usual placeholder)
    YEAR = "year"  # only the year is known
    ESTIMATED = "estimated"  # derived from an estimated age: the year is +-1 at best
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DedupeRecord:
    record_id: str
    given_names: str = ""
    family_names: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    date_of_birth_approximate: bool = False
    birth_year: int | None = None  # when only the year is known
    estimated_age: int | None = None  # when nothing better is known; needs ``age_estimated_on``
    age_estimated_on: date | None = None
    sex: str = ""
    citizenships: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    street: str = ""
    locality: str = ""
    postcode: str = ""
    region: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_names) if part)

    def birth(self) -> tuple[int | None, int | None, int | None, BirthPrecision]:
        """(year, month, day, precision); month and day are None unless a full date was recorded."""
        if self.date_of_birth is not None:
            dob = self.date_of_birth
            placeholder = (dob.month, dob.day) == (1, 1)
            precision = (
                BirthPrecision.APPROXIMATE
                if self.date_of_birth_approximate or placeholder
                else BirthPrecision.EXACT
            )
            return dob.year, dob.month, dob.day, precision
        if self.birth_year is not None:
            return self.birth_year, None, None, BirthPrecision.YEAR
        if self.estimated_age is not None and self.age_estimated_on is not None:
            return self.age_estimated_on.year - self.estimated_age, None, None, BirthPrecision.ESTIMATED
        return None, None, None, BirthPrecision.UNKNOWN


# Column name -> DuckDB type of the prepared table. Lists are VARCHAR[] (array comparisons and exploding blocking).
COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "name_sorted": "VARCHAR",  # sorted transliterated tokens of given + family names
    "name_phonetic": "VARCHAR",  # sorted Metaphone codes of the same
    "name_keys": "VARCHAR[]",  # name_sorted of the full name and of every alias
    # Every token, and every Metaphone code, of the full name and the aliases, as 64-bit digests: set tests on
    # integers cost DuckDB about half as much as on strings, and these are the model's most frequent tests.
    "name_tokens": "BIGINT[]",
    "phonetic_tokens": "BIGINT[]",
    "first_token": "VARCHAR",  # first and last token of name_sorted (order-independent)
    "last_token": "VARCHAR",
    "first_code": "VARCHAR",  # first and last of the sorted phonetic codes (order-independent)
    "last_code": "VARCHAR",
    "given_code": "VARCHAR",  # phonetic code of the first given name / first family name as recorded
    "family_code": "VARCHAR",
    "birth_year": "INTEGER",
    "birth_month": "INTEGER",
    "birth_day": "INTEGER",
    "dob": "VARCHAR",  # ISO date, only when a full date was recorded (exact or approximate)
    "dob_precision": "VARCHAR",
    "sex": "VARCHAR",
    "citizenships": "VARCHAR[]",
    "address": "VARCHAR",  # street, locality, postcode and region as ONE normalised string
    "street": "VARCHAR",  # and its parts, normalised, for "most parts the same" within the one comparison
    "locality": "VARCHAR",
    "postcode": "VARCHAR",
    "region": "VARCHAR",
}


ADDRESS_PARTS = ("street", "locality", "postcode", "region")


def token_digest(token: str) -> int:
    """A stable signed 64-bit digest of a token (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _or_none(value: str) -> str | None:
    return value or None


def prepare(record: DedupeRecord) -> dict[str, Any]:
    """The record as one row of ``COLUMNS``; empty values are None (the comparisons' null level)."""
    all_names = [record.full_name, *record.aliases]
    keys = sorted({key for key in (names.exact_name_key(name) for name in all_names) if key})
    tokens = sorted({token for name in all_names for token in names.name_tokens(name)})
    codes = sorted({names.phonetic_name_key(token) for token in tokens})
    main_tokens = names.name_tokens(record.full_name)
    main_codes = names.phonetic_name_key(record.full_name).split()
    given = names.normalise_text(record.given_names).split()
    family = names.normalise_text(record.family_names).split()
    year, month, day, precision = record.birth()
    parts = [
        names.normalise_text(p) for p in (record.street, record.locality, record.postcode, record.region)
    ]
    address = " ".join(part for part in parts if part)
    return {
        "record_id": record.record_id,
        "name_sorted": _or_none(" ".join(main_tokens)),
        "name_phonetic": _or_none(" ".join(main_codes)),
        "name_keys": keys or None,
        "name_tokens": [token_digest(token) for token in tokens] or None,
        "phonetic_tokens": [token_digest(code) for code in codes] or None,
        "first_token": main_tokens[0] if main_tokens else None,
        "last_token": main_tokens[-1] if main_tokens else None,
        "first_code": main_codes[0] if main_codes else None,
        "last_code": main_codes[-1] if main_codes else None,
        "given_code": names.phonetic_name_key(given[0]) if given else None,
        "family_code": names.phonetic_name_key(family[0]) if family else None,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "dob": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "dob_precision": precision.value,
        "sex": _or_none(record.sex.strip().casefold()),
        "citizenships": sorted({c.strip().upper() for c in record.citizenships if c.strip()}) or None,
        "address": _or_none(address),
        **{
            name: _or_none(part)
            for name, part in zip(("street", "locality", "postcode", "region"), parts, strict=True)
        },
    }


def prepare_all(records: list[DedupeRecord]) -> dict[str, list[Any]]:
    """Column-wise rows, ready for a pyarrow table; raises ValueError on a repeated record id."""
    ids = [record.record_id for record in records]
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    rows = [prepare(record) for record in records]
    return {column: [row[column] for row in rows] for column in COLUMNS}
