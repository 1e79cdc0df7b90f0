"""k-anonymity for record-level exports, in the manner of the CTDC k-anonymised global dataset. Pure Python.

A record-level file (one row per survivor) is only shared when every row looks like at least k - 1 others on
the *quasi-identifiers*: the fields someone could know from elsewhere and join on (citizenship, country of
exploitation, age band, year, gender). The records that share all of them form an *equivalence class*; the
file is k-anonymous when every class has at least k records. The default k is 11 (DEFAULT_K).

Method (greedy local suppression): quasi-identifiers are given from the one to give up first. While some
class has fewer than k records, the next quasi-identifier is blanked (None) in the records of those small
classes only, so common combinations keep all their detail. None is a value like any
other here ("suppressed or unknown": a blank in the CTDC file means either). Records still in a class smaller
than k once every quasi-identifier is blanked are withheld. The result says how many values were blanked per
field and how many records were withheld, never which: that would point at the rare people.

Published records are sorted by their content, not kept in input order: the row order of a case list
(usually by opening date) would itself be a quasi-identifier that no blanking touches.

What k-anonymity does NOT protect against:
- Attribute disclosure. If every record of a class has the same value of a sensitive field (all eleven
  Moldovan women aged 18--20 of 2016 have isSexualExploit = 1), anyone who knows a person is in the file and
  in that class learns the value without finding her row. l-diversity asks for several values of each
  sensitive field within every class; ``homogeneous_classes`` counts the classes that fail it, so an
  export can warn or ask for coarser quasi-identifiers.
- Background knowledge beyond the listed quasi-identifiers: a field that is not listed is never blanked, so
  a rare value in it (an unusual exploitation type) can still single a record out. List every field an
  outsider could know.
- Linking several releases: two k-anonymous exports of overlapping cases with different suppressions can be
  intersected. Publish one cut per period, or counts protected by threefold.disclosure instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Record = dict[str, str | None]
ClassKey = tuple[str | None, ...]
# CTDC's: in its 2018 global dataset every class on (citizenship, CountryOfExploitation, ageBroad,
# yearOfRegistration, gender) has 11 or more records, bar 4 malformed rows (tests/insight/test_anonymise.py).
DEFAULT_K = 11


@dataclass(frozen=True)
class Anonymised:
    """A k-anonymous set of records and what it cost: counts only, never which records or values."""

    records: tuple[Record, ...]
    # Per quasi-identifier, values of published records set to None (values that were None already not counted).
    blanked: dict[str, int]
    withheld: int  # records left out because no blanking put them in a class of k
    k: int


def _class_key(record: Mapping[str, str | None], quasi_identifiers: Sequence[str]) -> ClassKey:
    # A missing field and None are the same "blank", so records with and without the key group together.
    return tuple(record.get(field) for field in quasi_identifiers)


def _small_class_rows(records: Sequence[Record], quasi_identifiers: Sequence[str], k: int) -> list[int]:
    keys = [_class_key(record, quasi_identifiers) for record in records]
    sizes = Counter(keys)
    return [row for row, key in enumerate(keys) if sizes[key] < k]


def _content_order(record: Record) -> tuple[tuple[str, bool, str], ...]:
    # None sorts before every string, so blanks come first within a field.
    return tuple((name, value is not None, value or "") for name, value in sorted(record.items()))


def _check(quasi_identifiers: Sequence[str], k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k: a whole number of at least 1.")
    if isinstance(quasi_identifiers, str):
        raise TypeError("quasi_identifiers: a sequence of field names, not one string.")
    if len(set(quasi_identifiers)) != len(quasi_identifiers):
        raise ValueError("quasi_identifiers: each field once.")


def _suppress(rows: list[Record], quasi_identifiers: Sequence[str], k: int) -> list[list[str]]:
    """Blank, in place, the next quasi-identifier of the records in small classes until none is left or the
    fields run out; returns the fields blanked in each row."""
    blanked_in_row: list[list[str]] = [[] for _ in rows]
    for field in quasi_identifiers:
        small = _small_class_rows(rows, quasi_identifiers, k)
        if not small:
            break
        for row in small:
            if rows[row].get(field) is not None:
                rows[row][field] = None
                blanked_in_row[row].append(field)
    return blanked_in_row


def k_anonymise(
    records: Sequence[Mapping[str, str | None]], quasi_identifiers: Sequence[str], k: int = DEFAULT_K
) -> Anonymised:
    """Blank quasi-identifiers (first listed first) in small classes until every class has k records; withhold
    the records no blanking can hide. The input is not changed; the published records are new dicts."""
    _check(quasi_identifiers, k)
    rows: list[Record] = [dict(record) for record in records]
    blanked_in_row = _suppress(rows, quasi_identifiers, k)
    # A class of k or more stays so (blanking only merges small classes into others), so what is still small
    # now has every quasi-identifier blank: one class, too small to publish.
    withheld = set(_small_class_rows(rows, quasi_identifiers, k))
    kept = [row for row in range(len(rows)) if row not in withheld]
    # Blanks are counted in published records only: a withheld record's loss is counted once, in withheld.
    blanked = dict.fromkeys(quasi_identifiers, 0)
    for field in (field for row in kept for field in blanked_in_row[row]):
        blanked[field] += 1
    published = sorted((rows[row] for row in kept), key=_content_order)
    return Anonymised(records=tuple(published), blanked=blanked, withheld=len(withheld), k=k)


def equivalence_classes(
    records: Sequence[Mapping[str, str | None]], quasi_identifiers: Sequence[str]
) -> Counter[ClassKey]:
    """The size of every equivalence class (for checks and reports)."""
    return Counter(_class_key(record, quasi_identifiers) for record in records)


def homogeneous_classes(
    records: Sequence[Mapping[str, str | None]], quasi_identifiers: Sequence[str], sensitive: str
) -> int:
    """How many equivalence classes give away ``sensitive``: every record in them has the same, known value.

    A class blank throughout on the sensitive field discloses nothing and is not counted. A class of one
    record is always counted: on its own it is homogeneous (run this on the output of k_anonymise).
    """
    values: dict[ClassKey, set[str | None]] = {}
    for record in records:
        values.setdefault(_class_key(record, quasi_identifiers), set()).add(record.get(sensitive))
    return sum(1 for seen in values.values() if len(seen) == 1 and None not in seen)
