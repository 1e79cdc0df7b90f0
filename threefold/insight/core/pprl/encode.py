"""Keyed Bloom-filter encodings of records (cryptographic long-term keys, "CLK"), built on HMAC-SHA256.

A record (a mapping of record key -> value, see `Schema`) becomes one Bloom filter of ``filter_bits`` bits:
every element of every field (`features`: padded q-grams, tokens, phonetic codes, date parts and year bands)
sets ``k`` bits, k being the field's weight. Two encodings are then compared by their Dice coefficient
(`compare`), which approximates the share of elements the two records have in common.

**Keyed hashing.** Each field has its own key, derived from the linkage secret (`LinkageKey.derive`), so the
same q-gram in two fields sets unrelated bits and nobody without the secret can compute the bits of a guessed
name (a dictionary attack on unkeyed filters takes seconds).

**Independent positions, not double hashing.** The k positions of an element are k independent 16-bit values
read from ``HMAC-SHA256(field key, block || tag || element)`` (16 per 32-byte digest, a second block for k > 16),
reduced modulo the power-of-two filter length without bias. Double hashing (position_i = h1 + i * h2 mod m),
even keyed, puts every element's bits in an arithmetic progression: Kroll and Steinmetzer (2015) and
Niedermeyer et al. (2014) used exactly that structure to find which bit sets belong to one q-gram and decode
names from filters. Independent positions ("random hashing", Schnell 2016) leave no such structure, and cost no
more: one HMAC per element either way (double hashing needs two hash values too). Bit masks are cached per
element, per token and per field value, so a list of thousands of records costs one HMAC per distinct q-gram,
token, code or date part (about 10,000 records a second on one core, bench/pprl_febrl4.py).

**Hardening against frequency attacks, decided.** Bloom-filter encodings remain open to frequency attacks
(Christen et al. 2017-2018: frequent bit patterns align with frequent q-grams when an attacker has the
encodings of a large population and a list of common names). What we do:
  * the key is the real protection: encodings are personal data, exchanged only between parties holding the
    secret, never published, and files expire (`files`);
  * several fields share one filter (names, date, sex, place), so a bit is set by elements of different
    fields, which blurs the frequency of any single q-gram;
  * independent positions (above) remove the structural attack on double hashing;
  * balanced filters (Schnell 2016: the filter concatenated with its complement and permuted by a keyed
    permutation, ``Schema.balanced``) are available: every encoding then has exactly half its bits set, which
    hides how many elements (the length of a name) a record has. Dice on balanced filters is the simple
    matching coefficient of the plain filters, so thresholds differ (a plain threshold t is about
    1 - 2 (1 - t) f on balanced filters, f the share of bits set). On FEBRL4 they link as well (F1 0.9989
    against 0.9992 at equivalent thresholds, bench/pprl_febrl4.py) for twice the file size and twice the
    Dice work. Off by default, because the default threshold is for plain filters and the length leak is
    small next to what the key protects; a deployment that exchanges files with a party it trusts less can
    turn it on (a new schema version).
  * Not done: XOR-folding and random bit flipping (BLIP) cost linkage quality for a gain that the literature
    measures as partial; a record-independent salt is what the per-field key already is, and a
    record-*dependent* salt (e.g. the year of birth) would stop approximate dates and typos from matching.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
from cryptography.hazmat.primitives import hashes, hmac

from threefold.insight.core.pprl.blocking import YearBlocker, YearBlocks
from threefold.insight.core.pprl.features import TOKEN_KINDS, elements, parse_date, token_elements, tokens
from threefold.insight.core.pprl.keys import LinkageKey
from threefold.insight.core.pprl.schema import FieldSpec, Schema

__all__ = ["Encoder", "Encodings", "SchemaMismatchError", "keyed_permutation"]

_POSITIONS_PER_DIGEST: Final = 16  # 32-byte digest = sixteen 16-bit positions
_CACHE_LIMIT: Final = 1 << 18  # distinct elements cached per field (q-grams are few; tokens are not)
_CHUNK_RECORDS: Final = 8192  # records balanced at once: 8192 x 2048 booleans = 16 MB


class SchemaMismatchError(ValueError):
    """Two sets of encodings (or a file) were made with a different schema or linkage secret."""


@dataclass(frozen=True, eq=False)
class Encodings:
    """n encodings of one schema and secret: ``words`` (n, bits // 64) uint64 and optional year blocks.

    Bit i of an encoding is bit i % 64 of word i // 64. Rows are in the order of the records given to the
    encoder; results refer to records by that position, and the holder of the records keeps the mapping.
    """

    fingerprint: str
    bits: int
    words: np.ndarray
    blocks: YearBlocks | None = None

    def __post_init__(self) -> None:
        words = np.ascontiguousarray(
            self.words, dtype=np.uint64
        ).view()  # a view: the caller's array stays writable
        if words.ndim != 2 or words.shape[1] * 64 != self.bits:
            raise ValueError(
                f"encodings of {self.bits} bits need shape (n, {self.bits // 64}), got {words.shape}"
            )
        if self.blocks is not None and len(self.blocks) != len(words):
            raise ValueError(f"{len(words)} encodings but {len(self.blocks)} blocking rows")
        words.flags.writeable = False
        object.__setattr__(self, "words", words)

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def popcounts(self) -> np.ndarray:
        """Set bits of each encoding, (n,) int32."""
        return np.bitwise_count(self.words).sum(axis=1, dtype=np.int32)

    def check_compatible(self, other: Encodings) -> None:
        if other.fingerprint != self.fingerprint or other.bits != self.bits:
            raise SchemaMismatchError(
                "these encodings were made with a different schema or linkage secret "
                f"(fingerprint {self.fingerprint[:12]} vs {other.fingerprint[:12]}): they cannot be compared"
            )

    def take(self, rows: Sequence[int] | np.ndarray) -> Encodings:
        index = np.asarray(rows, dtype=np.int64)
        blocks = None if self.blocks is None else self.blocks.take(index)
        return Encodings(self.fingerprint, self.bits, self.words[index], blocks)

    @staticmethod
    def concatenate(parts: Sequence[Encodings]) -> Encodings:
        """One set from several lists of the same schema and secret (for clustering across lists)."""
        if not parts:
            raise ValueError("nothing to concatenate")
        first = parts[0]
        for part in parts[1:]:
            first.check_compatible(part)
        with_blocks = [part.blocks for part in parts if part.blocks is not None]
        if with_blocks and len(with_blocks) != len(parts):
            raise ValueError("some encodings have year blocks and some do not")
        blocks = YearBlocks.concatenate(with_blocks) if with_blocks else None
        return Encodings(first.fingerprint, first.bits, np.concatenate([p.words for p in parts]), blocks)


def keyed_permutation(key: bytes, n: int) -> np.ndarray:
    """A permutation of range(n) determined by ``key``: Fisher-Yates on an HMAC-SHA256 counter stream.

    Written out (rather than numpy's generator) so that two deployments with different numpy versions derive
    the same permutation; rejection sampling keeps every choice uniform.
    """
    base = hmac.HMAC(key, hashes.SHA256())
    counter = 0
    pool: list[int] = []

    def next_u32() -> int:
        nonlocal counter
        if not pool:
            h = base.copy()
            h.update(counter.to_bytes(8, "big"))
            counter += 1
            pool.extend(value for (value,) in struct.iter_unpack(">I", h.finalize()))
        return pool.pop()

    order = list(range(n))
    for i in range(n - 1, 0, -1):
        bound = i + 1
        limit = (1 << 32) - (1 << 32) % bound
        while (value := next_u32()) >= limit:
            pass
        j = value % bound
        order[i], order[j] = order[j], order[i]
    return np.asarray(order, dtype=np.int64)


class _Field:
    """One field's keyed HMAC and its caches of bit masks: by element, by token, by source values."""

    __slots__ = ("base", "elements", "spec", "tokens", "values")

    def __init__(self, spec: FieldSpec, key: bytes) -> None:
        self.spec = spec
        self.base = hmac.HMAC(key, hashes.SHA256())
        self.elements: dict[bytes, int] = {}
        self.tokens: dict[str, int] = {}
        self.values: dict[tuple[object, ...], int] = {}


class Encoder:
    """Encodes records with one schema and one linkage secret (see the module docstring).

    A filter is built as a Python integer (bit i = position i): each element's positions are OR-ed into a mask
    once, each distinct field value's mask once, and a record is the OR of its fields' masks. The caches hold
    keyed hash results of this encoder only, in memory, for its lifetime.
    """

    def __init__(self, schema: Schema, key: LinkageKey) -> None:
        self.schema = schema
        self.fingerprint = schema.fingerprint(key)
        self._fields = [_Field(spec, key.derive(f"field/{spec.name}")) for spec in schema.fields]
        self._record_keys = schema.record_keys
        self._position_mask = schema.filter_bits - 1  # a power of two: reducing a 16-bit value is unbiased
        self._year_blocker: YearBlocker | None = None
        self._year_source: str | None = None
        if schema.blocking_field is not None:
            self._year_blocker = YearBlocker(key.derive("blocking/year-of-birth"), schema.blocking_tolerance)
            (self._year_source,) = schema.spec(schema.blocking_field).sources
        self._permutation = (
            keyed_permutation(key.derive("balanced-permutation"), schema.encoded_bits)
            if schema.balanced
            else None
        )

    def element_positions(self, field: str, element: bytes) -> tuple[int, ...]:
        """The k positions (with repeats) of one element of ``field``: independent 16-bit values of its HMAC."""
        return self._positions(next(state for state in self._fields if state.spec.name == field), element)

    def _positions(self, state: _Field, element: bytes) -> tuple[int, ...]:
        k = state.spec.k
        digest = b""
        for block in range((k + _POSITIONS_PER_DIGEST - 1) // _POSITIONS_PER_DIGEST):
            h = state.base.copy()
            h.update(bytes((block,)) + element)
            digest += h.finalize()
        values = struct.unpack(f">{len(digest) // 2}H", digest)[:k]
        return tuple(value & self._position_mask for value in values)

    def _element_mask(self, state: _Field, element: bytes) -> int:
        mask = 0
        for position in self._positions(state, element):
            mask |= 1 << position
        if len(state.elements) < _CACHE_LIMIT:
            state.elements[element] = mask
        return mask

    def _elements_mask(self, state: _Field, found: Iterable[bytes]) -> int:
        mask = 0
        known = state.elements
        for element in found:
            element_mask = known.get(element)
            mask |= self._element_mask(state, element) if element_mask is None else element_mask
        return mask

    def _field_mask(self, state: _Field, values: tuple[object, ...]) -> int:
        try:
            mask = state.values.get(values)
        except TypeError:
            raise TypeError(
                f"field {state.spec.name!r}: values must be text, dates or years, got {values!r}"
            ) from None
        if mask is None:
            kind, q = state.spec.kind, self.schema.q
            if kind in TOKEN_KINDS:
                # Token by token, each token's mask cached: names and places repeat their words.
                mask = 0
                for token in tokens(kind, values):
                    token_mask = state.tokens.get(token)
                    if token_mask is None:
                        token_mask = self._elements_mask(state, token_elements(kind, token, q))
                        if len(state.tokens) < _CACHE_LIMIT:
                            state.tokens[token] = token_mask
                    mask |= token_mask
            else:
                mask = self._elements_mask(state, elements(kind, values, q))
            if len(state.values) < _CACHE_LIMIT:
                state.values[values] = mask
        return mask

    def _check_keys(self, record: Mapping[str, object]) -> None:
        if not self._record_keys.issuperset(record):
            unknown = sorted(set(record) - self._record_keys)
            raise ValueError(
                f"record keys {unknown} are not read by schema {self.schema.describe()} "
                f"(it reads {sorted(self._record_keys)}): misspelt?"
            )

    def filter_of(self, record: Mapping[str, object]) -> int:
        """The record's plain filter (before balancing) as an integer: bit i set = position i set."""
        self._check_keys(record)
        bits = 0
        for state in self._fields:
            bits |= self._field_mask(state, tuple(record.get(source) for source in state.spec.sources))
        return bits

    def positions(self, record: Mapping[str, object]) -> list[int]:
        """The set positions of the record's plain filter, increasing."""
        bits = self.filter_of(record)
        return [i for i in range(self.schema.filter_bits) if bits >> i & 1]

    def _year(self, record: Mapping[str, object]) -> int | None:
        assert self._year_source is not None
        date = parse_date(record.get(self._year_source))
        return None if date is None else date.year

    def encode(self, record: Mapping[str, object]) -> Encodings:
        """One record's encoding (an `Encodings` of one row)."""
        return self.encode_many([record])

    def encode_many(self, records: Iterable[Mapping[str, object]]) -> Encodings:
        """The encodings of ``records``, in order."""
        size = self.schema.filter_bits // 8
        filters: list[bytes] = []
        years: list[int | None] = []
        for record in records:
            filters.append(self.filter_of(record).to_bytes(size, "little"))
            if self._year_blocker is not None:
                years.append(self._year(record))
        plain = (
            np.frombuffer(b"".join(filters), dtype="<u8").reshape(len(filters), size // 8).astype(np.uint64)
        )
        words = plain if self._permutation is None else self._balance(plain)
        blocks = self._year_blocker.blocks(years) if self._year_blocker is not None else None
        return Encodings(self.fingerprint, self.schema.encoded_bits, words, blocks)

    def _balance(self, plain: np.ndarray) -> np.ndarray:
        """Each filter followed by its complement, then the keyed permutation of the positions."""
        assert self._permutation is not None
        out = np.empty((len(plain), self.schema.words), dtype=np.uint64)
        for start in range(0, len(plain), _CHUNK_RECORDS):
            chunk = plain[start : start + _CHUNK_RECORDS].astype("<u8").view(np.uint8)
            bits = np.unpackbits(chunk, axis=1, bitorder="little").astype(bool)
            balanced = np.concatenate([bits, ~bits], axis=1)[:, self._permutation]
            packed = np.packbits(balanced, axis=1, bitorder="little")
            out[start : start + len(chunk)] = np.ascontiguousarray(packed).view("<u8")
        return out
