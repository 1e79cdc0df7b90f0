"""A person's identity as the de-duplication model sees it: ``Identity`` -> ``dedupe.DedupeRecord``.

Pure Python (no Django import). What maps to what, and why:

* Names and aliases as recorded (the model transliterates and reorders them itself).
* Date of birth: the recorded date. An estimated age recorded next to it means the date is doubtful (papers are
  often false, identity.py), so the date is marked approximate; 1 January is treated as a placeholder by the
  model itself. Without a date, the estimated age with the day it was estimated.
* A year of birth on its own has no field of ``Identity``; ``extra["birth_year"]`` is read if an import put one
  there.
* Sex: ``Identity`` records a gender (the HTCDS 2.0 picklist), which stands in for it: equal recorded genders
  agree. "Not specified or unknown" is left empty, so that it is the model's "no information" level, not a
  disagreement.
* Citizenships: ISO 3166-1 alpha-2 codes, as recorded.
* Address: ``Identity`` has no address fields (survivors' addresses are not recorded by Protect's forms); an
  ``extra["address"]`` mapping (street, locality, postcode, region), a one-line ``extra["address"]``, or the same
  keys at the top of ``extra`` are read if present, so that records imported with an address are compared on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from threefold.protect.dedupe import DedupeRecord
from threefold.protect.identity import Identity

UNKNOWN_GENDER = "NonSpecifiedUnknown"
ADDRESS_FIELDS = ("street", "locality", "postcode", "region")


def to_record(record_id: str, identity: Identity) -> DedupeRecord:
    """The record of ``identity`` under ``record_id`` (any string unique within one run)."""
    has_age = identity.estimated_age is not None and identity.age_estimated_on is not None
    address = _address(identity.extra)
    return DedupeRecord(
        record_id=record_id,
        given_names=identity.given_names,
        family_names=identity.family_names,
        aliases=tuple(identity.aliases),
        date_of_birth=identity.date_of_birth,
        date_of_birth_approximate=identity.date_of_birth is not None and has_age,
        birth_year=_birth_year(identity),
        estimated_age=identity.estimated_age if has_age else None,
        age_estimated_on=identity.age_estimated_on if has_age else None,
        sex="" if identity.gender == UNKNOWN_GENDER else identity.gender,
        citizenships=tuple(identity.citizenships),
        **address,
    )


def _birth_year(identity: Identity) -> int | None:
    if identity.date_of_birth is not None:
        return None  # the date says more
    value = identity.extra.get("birth_year")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _address(extra: Mapping[str, Any]) -> dict[str, str]:
    nested = extra.get("address")
    if isinstance(nested, str):
        return {"street": nested.strip(), "locality": "", "postcode": "", "region": ""}
    source: Mapping[str, Any] = nested if isinstance(nested, Mapping) else extra
    return {field: str(source.get(field) or "").strip() for field in ADDRESS_FIELDS}
