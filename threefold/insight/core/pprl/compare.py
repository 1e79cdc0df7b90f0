"""Dice coefficients between encodings, blocked and vectorised: the candidate pairs above a threshold.

Dice(x, y) = 2 |x AND y| / (|x| + |y|), counted with ``np.bitwise_count`` on 64-bit words. The kernel works a
word at a time on a chunk of rows against a block of columns (intersection counts accumulated in uint16), so
the temporaries stay a few hundred kilobytes whatever the lists' sizes; the threshold is applied chunk by
chunk and only the pairs above it are kept. Memory is bounded by the chunk and the result, never by n x m.

`link` compares two lists (each pair of one record from each); `dedupe` compares a list with itself (pairs
i < j), for within-agency duplicates and for clustering several lists together. Which pairs are compared is
decided by `Blocking` (see `blocking`): the keyed year-of-birth blocks carried by the encodings, pairs from
locality-sensitive hashing of the encodings, or both (the default); with neither, every pair is compared.
Two encodings with no bit set have Dice 0 (nothing known agrees).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from threefold.insight.core.pprl.blocking import Lsh, YearBlocks, lsh_pairs, year_blocked
from threefold.insight.core.pprl.encode import Encodings

__all__ = ["DEFAULT_THRESHOLD", "Blocking", "Candidates", "dedupe", "dice_matrix", "intersections", "link"]

# At or above this Dice two encodings are proposed as the same person. On FEBRL4 (bench/pprl_febrl4.py, which
# prints a sweep) 0.75 keeps precision at 1.0 even without the one-to-one solver, and 0.70 with the solver has
# the best F1; 0.75 is the default because deduplication and clustering have no one-to-one constraint.
DEFAULT_THRESHOLD: Final = 0.75
# Pairs per temporary array: 65,536 x 8 bytes = 512 kB, the fastest of 2^15-2^18 measured on a 2-core machine.
CHUNK_ELEMENTS: Final = 1 << 16
_EMPTY: Final = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Blocking:
    """Which pairs to compare: keyed year blocks and/or ``lsh``; with neither, all pairs.

    ``year``: None uses the encodings' year blocks when they carry them, True requires them, False ignores them.
    """

    year: bool | None = None
    lsh: Lsh | None = field(default_factory=Lsh)

    @classmethod
    def everything(cls) -> Blocking:
        """Compare every pair (small lists, or a baseline)."""
        return cls(year=False, lsh=None)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Pairs (``a[i]``, ``b[i]``) with Dice ``dice[i]`` >= ``threshold``, sorted by a then b.

    ``compared`` is how many distinct pairs had their Dice computed. In `dedupe` both indexes are rows of the
    one list and a < b. ``lsh_skipped_buckets`` counts LSH buckets too large to expand (their pairs were
    compared only if another band or the year blocks proposed them).
    """

    a: np.ndarray
    b: np.ndarray
    dice: np.ndarray
    threshold: float
    compared: int
    size_a: int
    size_b: int
    same_list: bool
    lsh_skipped_buckets: int = 0

    def __len__(self) -> int:
        return len(self.a)


def _rows_of_chunk(columns: int) -> int:
    return max(1, CHUNK_ELEMENTS // max(columns, 1))


def _chunks(a_words: np.ndarray, b_columns: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(start, intersections of a_words[start:start + r] with every column), ``b_columns`` = words.T (W, nb).

    Counts of three words are summed in uint8 (at most 192) before they are added to the uint16 total.
    """
    width, nb = b_columns.shape
    rows = _rows_of_chunk(nb)
    scratch = np.empty((rows, nb), dtype=np.uint64)
    counts = np.empty((rows, nb), dtype=np.uint8)
    group = np.empty((rows, nb), dtype=np.uint8)
    for start in range(0, len(a_words), rows):
        chunk = a_words[start : start + rows]
        n = len(chunk)
        total = np.zeros((n, nb), dtype=np.uint16)
        anded, counted, summed = scratch[:n], counts[:n], group[:n]
        for word in range(width):
            np.bitwise_and(chunk[:, word, None], b_columns[word][None, :], out=anded)
            if word % 3 == 0:
                np.bitwise_count(anded, out=summed)
            else:
                np.bitwise_count(anded, out=counted)
                summed += counted
            if word % 3 == 2 or word == width - 1:
                total += summed
        yield start, total


def intersections(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a_i AND b_j| for all i, j: (na, nb) uint16, from (n, W) uint64 word arrays."""
    out = np.empty((len(a), len(b)), dtype=np.uint16)
    for start, total in _chunks(np.ascontiguousarray(a), np.ascontiguousarray(b.T)):
        out[start : start + len(total)] = total
    return out


def _dice(inter: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, 2.0 * inter / np.maximum(denominator, 1), 0.0)


def dice_matrix(a: Encodings, b: Encodings) -> np.ndarray:
    """Every Dice coefficient between ``a`` and ``b`` (float64, na x nb): for small sets and for review."""
    a.check_compatible(b)
    inter = intersections(a.words, b.words)
    return _dice(inter, a.popcounts[:, None] + b.popcounts[None, :])


class _Collector:
    """Runs the kernel on blocks and keeps the pairs above the threshold."""

    def __init__(self, a: Encodings, b: Encodings, threshold: float) -> None:
        self.a, self.b, self.threshold = a, b, threshold
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.compared = 0
        self._half_a = (threshold / 2 * a.popcounts - 0.01).astype(np.float32)
        self._half_b = (threshold / 2 * b.popcounts).astype(np.float32)

    def _keep(
        self, rows: np.ndarray, columns: np.ndarray, inter: np.ndarray, mask: np.ndarray | None
    ) -> None:
        # Dice >= t  <=>  |x AND y| >= t/2 |x| + t/2 |y|: a float32 sum and one comparison per pair (most pairs
        # fail it; the margin keeps rounding from dropping a pair at the threshold), then the exact Dice.
        passed = inter >= self._half_a[rows][:, None] + self._half_b[columns][None, :]
        if mask is not None:
            passed &= mask
        i, j = np.nonzero(passed)
        if i.size:
            r, c = rows[i], columns[j]
            dice = _dice(inter[i, j], self.a.popcounts[r] + self.b.popcounts[c])
            keep = dice >= self.threshold
            self.parts.append((r[keep], c[keep], dice[keep]))

    def block(self, rows: np.ndarray, columns: np.ndarray) -> None:
        """All pairs rows x columns."""
        if rows.size == 0 or columns.size == 0:
            return
        b_columns = np.ascontiguousarray(self.b.words[columns].T)
        for start, inter in _chunks(self.a.words[rows], b_columns):
            self._keep(rows[start : start + len(inter)], columns, inter, None)
        self.compared += rows.size * columns.size

    def triangle(self, rows: np.ndarray) -> None:
        """The pairs rows[i] x rows[j], i < j, of one list (``rows`` increasing)."""
        if rows.size < 2:
            return
        words = self.a.words[rows]
        columns = np.ascontiguousarray(words.T)
        step = _rows_of_chunk(rows.size)
        for start in range(0, rows.size - 1, step):
            stop = min(start + step, rows.size - 1)
            # Rows start..stop-1 against columns start+1..end; the mask drops j <= i in the first columns.
            for offset, inter in _chunks(words[start:stop], columns[:, start + 1 :]):
                first = start + offset
                i = np.arange(first, first + len(inter))[:, None]
                j = np.arange(start + 1, rows.size)[None, :]
                self._keep(rows[first : first + len(inter)], rows[start + 1 :], inter, i < j)
        self.compared += rows.size * (rows.size - 1) // 2

    def pairs(self, rows: np.ndarray, columns: np.ndarray) -> None:
        """The listed pairs (rows[i], columns[i]) only, gathered a word at a time."""
        if rows.size == 0:
            return
        a_columns = np.ascontiguousarray(self.a.words.T)
        b_columns = a_columns if self.b is self.a else np.ascontiguousarray(self.b.words.T)
        step = CHUNK_ELEMENTS * 8
        for start in range(0, rows.size, step):
            r, c = rows[start : start + step], columns[start : start + step]
            total = np.zeros(r.size, dtype=np.uint16)
            for word in range(a_columns.shape[0]):
                total += np.bitwise_count(a_columns[word][r] & b_columns[word][c])
            denominator = self.a.popcounts[r] + self.b.popcounts[c]
            dice = _dice(total, denominator)
            keep = dice >= self.threshold
            self.parts.append((r[keep], c[keep], dice[keep]))
        self.compared += rows.size

    def result(self, same_list: bool, skipped: int) -> Candidates:
        if self.parts:
            a = np.concatenate([p[0] for p in self.parts]).astype(np.int64)
            b = np.concatenate([p[1] for p in self.parts]).astype(np.int64)
            dice = np.concatenate([p[2] for p in self.parts])
            if same_list:  # a pair found from its second record's block: report it as (lower, higher)
                a, b = np.minimum(a, b), np.maximum(a, b)
            order = np.lexsort((b, a))
            a, b, dice = a[order], b[order], dice[order]
        else:
            a, b, dice = _EMPTY, _EMPTY, np.empty(0, dtype=np.float64)
        return Candidates(
            a, b, dice, self.threshold, self.compared, len(self.a), len(self.b), same_list, skipped
        )


def _year_blocks(collector: _Collector, a: YearBlocks, b: YearBlocks, same: bool) -> None:
    """Every pair the year blocks propose, each once (see `blocking`)."""
    homes, home_ids = np.unique(a.home, return_inverse=True)
    probe_width = b.probes.shape[1]
    known = np.flatnonzero(~b.wildcard)
    flat = b.probes[known].ravel()
    owner = np.repeat(known, probe_width)
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    wildcards = np.flatnonzero(b.wildcard)
    starts = np.searchsorted(flat, homes, side="left")
    ends = np.searchsorted(flat, homes, side="right")
    rows_by_home = np.split(np.argsort(home_ids, kind="stable"), np.cumsum(np.bincount(home_ids))[:-1])
    for k, rows in enumerate(rows_by_home):
        # Known probers and wildcards are disjoint sets of rows: no pair is compared twice.
        probers = (
            np.concatenate([owner[starts[k] : ends[k]], wildcards])
            if wildcards.size
            else owner[starts[k] : ends[k]]
        )
        if not same:
            collector.block(rows, probers)
            continue
        # One list: a pair is computed in the block of the lower (home, row); probers of the same home are the
        # rows of this block themselves (a record probes its own home), taken as the upper triangle.
        collector.block(rows, probers[home_ids[probers] > k])
        collector.triangle(rows)


def _compare(a: Encodings, b: Encodings | None, threshold: float, blocking: Blocking) -> Candidates:
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    same = b is None
    other = a if b is None else b
    a.check_compatible(other)
    collector = _Collector(a, other, threshold)
    if not len(a) or not len(other):
        return collector.result(same, 0)  # an empty list: nothing to compare (the year blocks need a row)
    years: tuple[YearBlocks, YearBlocks] | None = None
    if blocking.year is not False:
        if a.blocks is not None and other.blocks is not None:
            years = (a.blocks, other.blocks)
        elif blocking.year:
            raise ValueError(
                "year blocking asked for, but these encodings carry no year blocks (blocking_field)"
            )
    skipped = 0
    if years is None and blocking.lsh is None:
        everything = np.arange(len(other), dtype=np.int64)
        if same:
            collector.triangle(everything)
        else:
            collector.block(np.arange(len(a), dtype=np.int64), everything)
        return collector.result(same, 0)
    if years is not None:
        _year_blocks(collector, *years, same)
    if blocking.lsh is not None:
        proposed = lsh_pairs(a.words, None if same else other.words, blocking.lsh, a.bits)
        skipped = proposed.skipped_buckets
        rows, columns = proposed.a, proposed.b
        if years is not None:
            fresh = ~year_blocked(*years, rows, columns)
            rows, columns = rows[fresh], columns[fresh]
        collector.pairs(rows, columns)
    return collector.result(same, skipped)


def link(
    a: Encodings, b: Encodings, threshold: float = DEFAULT_THRESHOLD, *, blocking: Blocking | None = None
) -> Candidates:
    """Pairs (row of ``a``, row of ``b``) with Dice >= ``threshold`` among the pairs ``blocking`` proposes."""
    return _compare(a, b, threshold, blocking or Blocking())


def dedupe(
    encodings: Encodings, threshold: float = DEFAULT_THRESHOLD, *, blocking: Blocking | None = None
) -> Candidates:
    """Pairs (i, j), i < j, of one list with Dice >= ``threshold`` among the pairs ``blocking`` proposes."""
    return _compare(encodings, None, threshold, blocking or Blocking())
