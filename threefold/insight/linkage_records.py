"""What of a person is encoded for record linkage: their identity as a record of the encoding schema.

Both parties run the same Threefold code, so this mapping is part of the agreement just as the schema is: a field
one side filled from another source would make true matches disagree. Pure (no Django).

* names: the given and family names as recorded (any script: the encoder transliterates and sorts the tokens, so
  "Ольга Петрова" and "Petrova Olga" meet). Aliases are left out: the name someone was made to use while
  exploited is shared by others and would make strangers agree.
* date of birth: the recorded date; without one, the year worked out from an estimated age, marked as estimated
  (the encoder then encodes the year only, and the blocking tolerates a year either side).
* sex: from the recorded gender, feminine as "f" and masculine as "m"; any other value is left missing, so that
  it neither agrees nor disagrees (gender identity is not recorded the same way by every agency).
* place and country of birth: Threefold does not record them (a citizenship is not a country of birth), so they
  are missing for everyone, which costs nothing: missing values neither agree nor disagree.
"""

from __future__ import annotations

from typing import Final

from threefold.insight.core.pprl import DEFAULT_SCHEMA, DateOfBirth
from threefold.protect.identity import Identity, estimated_birth_year

__all__ = ["SCHEMA", "record_of"]

SCHEMA: Final = DEFAULT_SCHEMA
_SEX: Final = {"Feminine": "f", "Masculine": "m"}


def record_of(identity: Identity) -> dict[str, object]:
    """The record the encoder reads for one person (keys of ``SCHEMA.record_keys``)."""
    date: object = identity.date_of_birth
    if date is None:
        year = estimated_birth_year(identity)
        date = DateOfBirth(year, estimated=True) if year is not None else None
    return {
        "given_names": identity.given_names or None,
        "family_names": identity.family_names or None,
        "date_of_birth": date,
        "sex": _SEX.get(identity.gender),
    }
