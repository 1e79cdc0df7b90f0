"""The encoding schema both parties must use, and its fingerprint.

A `Schema` says which fields are encoded, how (`features.Kind`), with what weight (k: bit positions set per
element of the field), the filter length, q, whether filters are balanced and which date field gives the
keyed blocking keys. Both parties must encode with the same schema *and* the same linkage secret, or their
encodings are not comparable; comparing them anyway would silently find nothing. So every set of encodings
carries the fingerprint ``SHA-256(canonical JSON of the schema + key check value)`` and the comparison and the
file import refuse encodings whose fingerprint differs. The fingerprint contains the key check value, never the
key. Changing anything in a schema means a new ``version``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final

from threefold.insight.core.pprl.features import KINDS, Kind
from threefold.insight.core.pprl.keys import LinkageKey

__all__ = ["DEFAULT_SCHEMA", "MAX_K", "FieldSpec", "Schema"]

MAX_K: Final = 64
MIN_FILTER_BITS: Final = 64
MAX_FILTER_BITS: Final = 1 << 16
MAX_BLOCKING_TOLERANCE: Final = 5
_MULTI_SOURCE_KINDS: Final = frozenset({"name", "text"})


@dataclass(frozen=True)
class FieldSpec:
    """One encoded field: its ``name``, ``kind``, weight ``k`` and the record keys it reads (``sources``).

    A name or text field may combine several record values (``sources=("given_names", "family_names")``), in
    which case their tokens are pooled: given and family names swapped between the two columns still agree.
    Other kinds read one value. ``sources`` defaults to the field's own name.
    """

    name: str
    kind: Kind
    k: int
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or self.name != self.name.strip():
            raise ValueError(
                f"field name must be non-empty text without surrounding spaces, got {self.name!r}"
            )
        if self.kind not in KINDS:
            raise ValueError(
                f"field {self.name!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}"
            )
        if type(self.k) is not int or not 1 <= self.k <= MAX_K:
            raise ValueError(
                f"field {self.name!r}: k must be a whole number from 1 to {MAX_K}, got {self.k!r}"
            )
        sources = tuple(self.sources) or (self.name,)
        object.__setattr__(self, "sources", sources)
        if len(set(sources)) != len(sources) or not all(isinstance(s, str) and s for s in sources):
            raise ValueError(
                f"field {self.name!r}: sources must be distinct non-empty names, got {sources!r}"
            )
        if len(sources) > 1 and self.kind not in _MULTI_SOURCE_KINDS:
            raise ValueError(f"field {self.name!r}: only name and text fields can combine several sources")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "k": self.k, "sources": list(self.sources)}


@dataclass(frozen=True)
class Schema:
    """A versioned encoding schema; see the module docstring. ``filter_bits`` is a power of two (64-65536)."""

    name: str
    version: int
    fields: tuple[FieldSpec, ...]
    filter_bits: int = 1024
    q: int = 2
    balanced: bool = False
    blocking_field: str | None = None
    blocking_tolerance: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("a schema needs a name")
        if type(self.version) is not int or self.version < 1:
            raise ValueError(f"schema version must be a whole number from 1, got {self.version!r}")
        object.__setattr__(self, "fields", tuple(self.fields))
        if not self.fields:
            raise ValueError("a schema needs at least one field")
        names = [spec.name for spec in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"field names must be distinct, got {names}")
        bits = self.filter_bits
        if type(bits) is not int or not MIN_FILTER_BITS <= bits <= MAX_FILTER_BITS or bits & (bits - 1):
            raise ValueError(
                f"filter_bits must be a power of two from {MIN_FILTER_BITS} to {MAX_FILTER_BITS}, got {bits!r}"
            )
        if type(self.q) is not int or not 1 <= self.q <= 4:
            raise ValueError(f"q must be 1 to 4, got {self.q!r}")
        if type(self.balanced) is not bool:
            raise ValueError(f"balanced must be True or False, got {self.balanced!r}")
        if self.blocking_field is not None:
            kinds = {spec.name: spec.kind for spec in self.fields}
            if kinds.get(self.blocking_field) != "date":
                raise ValueError(
                    f"blocking_field must name a date field of the schema, got {self.blocking_field!r}"
                )
        tolerance = self.blocking_tolerance
        if type(tolerance) is not int or not 0 <= tolerance <= MAX_BLOCKING_TOLERANCE:
            raise ValueError(
                f"blocking_tolerance must be 0 to {MAX_BLOCKING_TOLERANCE} years, got {tolerance!r}"
            )

    @property
    def encoded_bits(self) -> int:
        """Bits per encoding: ``filter_bits``, doubled for balanced filters."""
        return self.filter_bits * 2 if self.balanced else self.filter_bits

    @property
    def words(self) -> int:
        """64-bit words per encoding."""
        return self.encoded_bits // 64

    @property
    def record_keys(self) -> frozenset[str]:
        """The record keys the schema reads: a record with any other key is refused (a misspelt key)."""
        return frozenset(source for spec in self.fields for source in spec.sources)

    def spec(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "fields": [spec.to_dict() for spec in self.fields],
            "filter_bits": self.filter_bits,
            "q": self.q,
            "balanced": self.balanced,
            "blocking_field": self.blocking_field,
            "blocking_tolerance": self.blocking_tolerance,
        }

    def canonical(self) -> bytes:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    @property
    def digest(self) -> str:
        """SHA-256 of the schema alone (hex): tells a wrong schema from a wrong key in error messages."""
        return hashlib.sha256(b"threefold-pprl-schema\x00" + self.canonical()).hexdigest()

    def fingerprint(self, key: LinkageKey) -> str:
        """SHA-256 (hex) of the schema and the key check value: equal only for the same schema and secret."""
        payload = b"threefold-pprl-fingerprint\x00" + self.canonical() + b"\x00" + key.key_check.encode()
        return hashlib.sha256(payload).hexdigest()

    def describe(self) -> str:
        return f"{self.name} v{self.version}"


# The schema for people known to anti-trafficking agencies. Weights: names carry most of the evidence (their many
# q-grams, whole tokens and phonetic codes), the date of birth next (its elements are few, so each sets more
# bits), sex and places of birth confirm. A typical record (two or three names, a full date of birth, sex, a
# place and a country of birth) sets about 40 % of the bits, where the LSH blocking defaults work well.
# Address is deliberately absent: people who were trafficked move, and an address that differs must not count
# against a match. Blocking on the year of birth +-1 year (estimated ages).
DEFAULT_SCHEMA: Final = Schema(
    name="threefold-person",
    version=1,
    fields=(
        FieldSpec("names", "name", k=15, sources=("given_names", "family_names")),
        FieldSpec("date_of_birth", "date", k=20),
        FieldSpec("sex", "sex", k=15),
        FieldSpec("place_of_birth", "text", k=8),
        FieldSpec("country_of_birth", "category", k=15),
    ),
    filter_bits=1024,
    q=2,
    blocking_field="date_of_birth",
    blocking_tolerance=1,
)
