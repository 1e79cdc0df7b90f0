"""Blocking: which pairs of encodings are compared at all.

Comparing every record of one list with every record of the other stops being practical past ~200k records a
side, so pairs are first narrowed down by two rules, and a pair is compared when either rule proposes it:

1. **Keyed year-of-birth blocks**, computed by the data holder (they need the linkage secret). Each record has a
   *home* key ``HMAC(blocking key, year)`` (or of "unknown year") and *probe* keys: the homes of the years within
   ``blocking_tolerance`` of its own and the "unknown" home. Two records are compared when one's home is among
   the other's probes, so dates of birth up to ``blocking_tolerance`` years apart (estimated ages) meet. A record
   with no year is a wildcard: it is compared with every record. The relation is symmetric, and each pair is
   proposed by exactly one home block, so no pair is compared twice. Sex is deliberately not part of the key:
   it is recorded inconsistently between agencies (errors, sex or gender, people who transitioned), and a pair
   split by a blocking key can never be found again; sex still counts in the encoding itself. Address is never
   a blocking key: people who were trafficked move.
   What the keys reveal: which records share a year of birth (a partition into ~100 groups, whose sizes follow
   the age pyramid, so a guess of each group's year is possible). That is coarse, and far less than the
   encodings themselves reveal to a frequency attack.
2. **Locality-sensitive hashing of the encodings** (Hamming LSH, as in Durham's and Karapiperis' PPRL blocking),
   computed by whoever compares, from the encodings alone, so it reveals nothing more. Each of ``bands`` bands
   samples r = ``bits_per_band`` bit positions; records whose filters agree on all of a band's positions are
   compared. Two filters agreeing on a fraction s of all positions share a band with probability s^r, so with
   the defaults (r = 16, 100 bands) a pair with s = 0.85 (Dice ~0.75 at half the bits set) is proposed with
   probability 1 - (1 - 0.85^16)^100 = 0.9995, and an unrelated pair (s ~ 0.5-0.6) with probability 0.2-3 %.
   The defaults suit filters with 40-50 % of bits set (the schemas here); sparser filters agree more often
   by chance and want a larger r. It catches matches whose year of birth differs by more than the tolerance (a
   typo, a wrong estimate). Buckets that would propose more than ``max_bucket_pairs`` pairs (mostly
   near-empty filters) are skipped and counted.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
from cryptography.hazmat.primitives import hashes, hmac

__all__ = ["Lsh", "LshPairs", "YearBlocker", "YearBlocks", "lsh_pairs", "year_blocked"]

_UNKNOWN_YEAR: Final = b"year:?"


@dataclass(frozen=True, eq=False)
class YearBlocks:
    """Keyed year-of-birth blocks of n records: ``home`` (n,), ``probes`` (n, P) and ``wildcard`` (n,)."""

    home: np.ndarray
    probes: np.ndarray
    wildcard: np.ndarray

    def __post_init__(self) -> None:
        home = np.ascontiguousarray(self.home, dtype=np.uint64).view()
        probes = np.ascontiguousarray(self.probes, dtype=np.uint64).view()
        wildcard = np.ascontiguousarray(self.wildcard, dtype=bool).view()
        n = len(home)
        if home.ndim != 1 or probes.ndim != 2 or probes.shape[0] != n or wildcard.shape != (n,):
            raise ValueError(
                f"year blocks of inconsistent shapes {home.shape}, {probes.shape}, {wildcard.shape}"
            )
        for name, array in (("home", home), ("probes", probes), ("wildcard", wildcard)):
            array.flags.writeable = False
            object.__setattr__(self, name, array)

    def __len__(self) -> int:
        return len(self.home)

    def take(self, rows: np.ndarray) -> YearBlocks:
        return YearBlocks(self.home[rows], self.probes[rows], self.wildcard[rows])

    @staticmethod
    def concatenate(parts: Iterable[YearBlocks]) -> YearBlocks:
        parts = list(parts)
        widths = {part.probes.shape[1] for part in parts}
        if len(widths) != 1:
            raise ValueError("year blocks made with different tolerances cannot be combined")
        return YearBlocks(
            np.concatenate([p.home for p in parts]),
            np.concatenate([p.probes for p in parts]),
            np.concatenate([p.wildcard for p in parts]),
        )


class YearBlocker:
    """Makes the keyed home and probe keys from years of birth (None when unknown)."""

    def __init__(self, key: bytes, tolerance: int) -> None:
        self._base = hmac.HMAC(key, hashes.SHA256())
        self.tolerance = tolerance
        self._cache: dict[int | None, int] = {}

    def _key(self, year: int | None) -> int:
        cached = self._cache.get(year)
        if cached is None:
            h = self._base.copy()
            h.update(_UNKNOWN_YEAR if year is None else b"year:%d" % year)
            # 64 bits of the HMAC: ~100 distinct years per list, so a collision is out of the question.
            cached = struct.unpack("<Q", h.finalize()[:8])[0]
            self._cache[year] = cached
        return cached

    def blocks(self, years: list[int | None]) -> YearBlocks:
        width = 2 * self.tolerance + 2
        n = len(years)
        home = np.empty(n, dtype=np.uint64)
        probes = np.zeros((n, width), dtype=np.uint64)
        wildcard = np.zeros(n, dtype=bool)
        unknown = self._key(None)
        for row, year in enumerate(years):
            home[row] = self._key(year)
            if year is None:
                wildcard[row] = True
                probes[row, :] = unknown
            else:
                offsets = range(-self.tolerance, self.tolerance + 1)
                probes[row, :-1] = [self._key(year + offset) for offset in offsets]
                probes[row, -1] = unknown
        return YearBlocks(home, probes, wildcard)


@dataclass(frozen=True)
class Lsh:
    """Hamming LSH blocking: ``bands`` bands of ``bits_per_band`` sampled bit positions (see the module)."""

    bands: int = 100
    bits_per_band: int = 16
    seed: int = 20240601
    max_bucket_pairs: int = 100_000

    def __post_init__(self) -> None:
        if not 1 <= self.bands <= 1024:
            raise ValueError(f"bands must be 1 to 1024, got {self.bands}")
        if not 1 <= self.bits_per_band <= 48:
            raise ValueError(f"bits_per_band must be 1 to 48, got {self.bits_per_band}")
        if self.max_bucket_pairs < 1:
            raise ValueError("max_bucket_pairs must be at least 1")

    def positions(self, bits: int) -> np.ndarray:
        """(bands, bits_per_band) distinct-per-band bit positions, a deterministic function of the seed (SHA-256
        in counter mode; not numpy's generator, whose streams may change between versions). Not secret."""
        return _lsh_positions(self.bands, self.bits_per_band, self.seed, bits)


@lru_cache(maxsize=16)
def _lsh_positions(bands: int, width: int, seed: int, bits: int) -> np.ndarray:
    out = np.empty((bands, width), dtype=np.int64)
    counter = 0
    for band in range(bands):
        chosen: list[int] = []
        while len(chosen) < width:
            digest = hashlib.sha256(b"threefold-pprl-lsh:%d:%d" % (seed, counter)).digest()
            counter += 1
            for (value,) in struct.iter_unpack("<I", digest):
                position = value % bits  # bits is a power of two: no bias
                if position not in chosen and len(chosen) < width:
                    chosen.append(position)
        out[band] = chosen
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class LshPairs:
    """Pairs proposed by LSH (``a`` < ``b`` within one list), and how many buckets were skipped as too large."""

    a: np.ndarray
    b: np.ndarray
    skipped_buckets: int
    skipped_pairs: int


_BAND_ELEMENTS: Final = 1 << 15  # keys computed at once (bands x records): 256 kB temporaries, reused


def _band_keys(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(bands * n,) uint64, band-major: for each band and record, ``band << bits_per_band | the band's bits``, so
    that one sort groups every band's buckets at once (bands <= 1024 and bits_per_band <= 48 fit in 64 bits)."""
    bands, width = positions.shape
    n = len(words)
    word_of = positions // 64
    shift = (positions % 64).astype(np.uint64)
    one = np.uint64(1)
    out = np.empty((bands, n), dtype=np.uint64)
    out[:] = (np.arange(bands, dtype=np.uint64) << np.uint64(width))[:, None]
    step = max(1, _BAND_ELEMENTS // bands)
    buffer = np.empty((bands, min(step, n)), dtype=np.uint64)
    for start in range(0, n, step):
        columns = np.ascontiguousarray(words[start : start + step].T)  # (W, rows): one word, all rows
        rows = columns.shape[1]
        keys, bits = out[:, start : start + rows], buffer[:, :rows]
        for bit in range(width):
            np.take(columns, word_of[:, bit], axis=0, out=bits)
            np.right_shift(bits, shift[:, bit, None], out=bits)
            np.bitwise_and(bits, one, out=bits)
            np.left_shift(bits, np.uint64(bit), out=bits)
            np.bitwise_or(keys, bits, out=keys)
    return out.ravel()


def _sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(order, sorted keys, start of each run of equal keys in sorted order, length of each run)."""
    order = np.argsort(keys)
    ordered = keys[order]
    boundary = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=boundary[1:])
    starts = np.flatnonzero(boundary)
    return order, ordered, starts, np.diff(np.append(starts, len(ordered)))


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0], starts[0] + 1, ..., starts[0] + counts[0] - 1, starts[1], ...: consecutive ranges, flattened."""
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(ends[-1] if len(ends) else 0)


def _bucket_pairs(
    keys_a: np.ndarray, keys_b: np.ndarray, rows_a: int, rows_b: int, same: bool, limit: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Pairs (row of a, row of b) sharing a bucket (i < j when ``same``), skipping buckets over ``limit``.

    ``keys_*`` hold one key per band and row, band-major (from `_band_keys`).
    """
    order_a, sorted_a, starts_a, count_a = _sorted_groups(keys_a)
    order_b, sorted_b = (order_a, sorted_a) if same else _sorted_groups(keys_b)[:2]
    unique_a = sorted_a[starts_a]
    start_b = np.searchsorted(sorted_b, unique_a, side="left")
    count_b = np.searchsorted(sorted_b, unique_a, side="right") - start_b
    size = count_a * (count_a - 1) // 2 if same else count_a * count_b
    too_big = size > limit
    skipped_buckets = int(np.count_nonzero(too_big))
    skipped_pairs = int(size[too_big].sum())
    kept = np.flatnonzero((count_b > (1 if same else 0)) & ~too_big)
    if kept.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, skipped_buckets, skipped_pairs
    group = np.repeat(kept, count_a[kept])  # the bucket of each entry of a in a kept bucket
    entries_a = order_a[_ranges(starts_a[kept], count_a[kept])]
    repeats = count_b[group]
    left = np.repeat(entries_a % rows_a, repeats)
    right = order_b[_ranges(start_b[group], repeats)] % rows_b
    if same:
        keep = left < right
        left, right = left[keep], right[keep]
    return left.astype(np.int64), right.astype(np.int64), skipped_buckets, skipped_pairs


def lsh_pairs(a: np.ndarray, b: np.ndarray | None, lsh: Lsh, bits: int) -> LshPairs:
    """Distinct pairs proposed by any band: a x b, or pairs i < j within ``a`` when ``b`` is None."""
    same = b is None
    positions = lsh.positions(bits)
    keys_a = _band_keys(a, positions)
    keys_b = keys_a if b is None else _band_keys(b, positions)
    width = len(a) if b is None else len(b)
    left, right, skipped_buckets, skipped_pairs = _bucket_pairs(
        keys_a, keys_b, len(a), width, same, lsh.max_bucket_pairs
    )
    codes = np.sort(left * width + right)  # a pair shared by several bands is proposed once
    if codes.size:
        codes = codes[np.append(True, codes[1:] != codes[:-1])]
    return LshPairs(codes // width, codes % width, skipped_buckets, skipped_pairs)


def year_blocked(a: YearBlocks, b: YearBlocks, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """For pairs (rows_a[i], rows_b[i]): True where the year blocks propose the pair (either is a wildcard, or
    the first's home is among the second's probes; the relation is symmetric)."""
    wild = a.wildcard[rows_a] | b.wildcard[rows_b]
    return wild | (b.probes[rows_b] == a.home[rows_a][:, None]).any(axis=1)
