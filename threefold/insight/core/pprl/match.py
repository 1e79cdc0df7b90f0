"""From candidate pairs to decisions: one-to-one links, clusters of duplicates, and the overlap between lists.

* `one_to_one` links two *deduplicated* lists: the greedy solver takes pairs from the highest Dice down and
  accepts a pair when neither record is linked yet (ties: lower row of a, then of b, so the result never depends
  on input order). It is what anonlink's greedy solver does; on FEBRL4 it lifts precision from ~0.92 to ~1.0
  at the same recall, because a threshold alone lets one record match several similar ones.
* `cluster` groups records when lists have duplicates inside them (or when several lists are pooled, see
  `Encodings.concatenate` and `compare.dedupe`): single-linkage clusters (connected components of the pairs at
  or above the threshold), with a size guard. A component larger than ``max_size`` is a chain of look-alikes
  (A like B like C...) rather than one person, so its weakest links are cut, raising the threshold within that
  component only, until every part is at most ``max_size``. This is single-linkage clustering cut at a level of
  its own per component: deterministic, independent of input order, and never merging two records that no
  chain of pairs above the threshold joins. Every cut component is counted so a person can review it.
  Why not something cleverer (average linkage, correlation clustering): their results depend on tuning that
  the data cannot check here, and the clusters go to a person for review anyway; the guard stops the one
  failure of components that matters (a giant chained cluster) and says where it acted.
* `overlap_from_matches` and `overlap_from_clusters` count people by the lists they were found on, counts only:
  the capture histories that multiple systems estimation takes (for two lists: in both, only in A, only in B).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Final

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from threefold.insight.core.pprl.compare import Candidates

__all__ = [
    "DEFAULT_MAX_CLUSTER",
    "Clusters",
    "Matches",
    "Overlap",
    "cluster",
    "one_to_one",
    "overlap_from_clusters",
    "overlap_from_matches",
]

DEFAULT_MAX_CLUSTER: Final = 10


@dataclass(frozen=True, eq=False)
class Matches:
    """Accepted links (``a[i]``, ``b[i]``) with their Dice, from the highest."""

    a: np.ndarray
    b: np.ndarray
    dice: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.a.tolist(), self.b.tolist(), strict=True))


def one_to_one(candidates: Candidates) -> Matches:
    """Greedy one-to-one links between two lists (highest Dice first; see the module docstring)."""
    if candidates.same_list:
        raise ValueError("one_to_one links two lists; for pairs within one list use cluster")
    order = np.lexsort((candidates.b, candidates.a, -candidates.dice))
    used_a = np.zeros(candidates.size_a, dtype=bool)
    used_b = np.zeros(candidates.size_b, dtype=bool)
    accepted: list[int] = []
    for index, a, b in zip(
        order.tolist(), candidates.a[order].tolist(), candidates.b[order].tolist(), strict=True
    ):
        if not used_a[a] and not used_b[b]:
            used_a[a] = used_b[b] = True
            accepted.append(index)
    chosen = np.asarray(accepted, dtype=np.int64)
    return Matches(candidates.a[chosen], candidates.b[chosen], candidates.dice[chosen])


@dataclass(frozen=True, eq=False)
class Clusters:
    """``labels[i]``: the cluster of record i (0 .. count-1, numbered by their lowest record).

    ``cut`` counts the components larger than ``max_size`` whose weakest links were cut. ``cut_at[c]`` is the
    threshold for an uncut cluster (its links are at least that), and for a part of a cut component the Dice of
    the last links removed to separate it (its own links are all stronger). ``unsplittable`` counts clusters
    still over ``max_size`` because all their links have the same Dice (identical encodings, often near-empty
    records): those need a person.
    """

    labels: np.ndarray
    cut_at: np.ndarray
    max_size: int
    cut: int
    unsplittable: int

    @property
    def count(self) -> int:
        return len(self.cut_at)

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=self.count)

    def members(self) -> list[list[int]]:
        """Records of each cluster, in label order."""
        order = np.argsort(self.labels, kind="stable")
        return [part.tolist() for part in np.split(order, np.cumsum(self.sizes)[:-1])]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def cluster(candidates: Candidates, *, max_size: int = DEFAULT_MAX_CLUSTER) -> Clusters:
    """Single-linkage clusters of one list's pairs (`compare.dedupe`) with the size guard of the module."""
    if not candidates.same_list:
        raise ValueError("cluster groups the records of one list: pool the lists and use compare.dedupe")
    if max_size < 2:
        raise ValueError(f"max_size must be at least 2, got {max_size}")
    n = candidates.size_a
    if n == 0:
        return Clusters(np.empty(0, dtype=np.int64), np.empty(0), max_size, 0, 0)
    labels = _components(n, candidates.a, candidates.b)
    level = np.full(n, candidates.threshold)  # per record: its cluster's cut_at
    sizes = np.bincount(labels)
    cut = unsplittable = 0
    pending = [int(c) for c in np.flatnonzero(sizes > max_size)]
    next_label = int(labels.max()) + 1
    edge_label = labels[candidates.a]
    for component in pending:
        cut += 1
        members = np.flatnonzero(labels == component)
        inside = edge_label == component
        stack = [(members, candidates.a[inside], candidates.b[inside], candidates.dice[inside])]
        while stack:
            nodes, a, b, dice = stack.pop()
            if nodes.size <= max_size:
                continue
            weakest = dice.min() if dice.size else 1.0
            stronger = dice > weakest
            if not stronger.any():
                unsplittable += 1
                continue
            a, b, dice = a[stronger], b[stronger], dice[stronger]
            local = np.searchsorted(nodes, np.concatenate([a, b]))
            parts = _components(nodes.size, local[: a.size], local[a.size :])
            for part in range(parts.max() + 1):
                chosen = nodes[parts == part]
                labels[chosen] = next_label
                level[chosen] = weakest
                next_label += 1
                keep = np.isin(a, chosen)
                stack.append((chosen, a[keep], b[keep], dice[keep]))
    # Renumber clusters 0.. by their lowest record.
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    renumber = np.empty(next_label, dtype=np.int64)
    renumber[labels[first[order]]] = np.arange(order.size)
    final = renumber[labels]
    cut_at = np.empty(order.size)
    cut_at[final] = level
    return Clusters(final, cut_at, max_size, cut, unsplittable)


@dataclass(frozen=True)
class Overlap:
    """People counted by the lists they are on: ``histories[(1, 0, 1)]`` = on lists 0 and 2 only.

    Every history with at least one list is present (0 when nobody has it), in the order of
    `itertools.product`: the input of multiple systems estimation. Counts only, nothing identifying.
    """

    lists: tuple[str, ...]
    histories: dict[tuple[int, ...], int]

    @property
    def people(self) -> int:
        return sum(self.histories.values())

    def on(self, *names: str) -> int:
        """People on exactly the lists ``names``."""
        wanted = tuple(int(name in names) for name in self.lists)
        unknown = set(names) - set(self.lists)
        if unknown:
            raise KeyError(f"no list named {sorted(unknown)}")
        return self.histories.get(wanted, 0)

    @property
    def in_both(self) -> int:
        self._two()
        return self.histories[(1, 1)]

    @property
    def only_first(self) -> int:
        self._two()
        return self.histories[(1, 0)]

    @property
    def only_second(self) -> int:
        self._two()
        return self.histories[(0, 1)]

    def _two(self) -> None:
        if len(self.lists) != 2:
            raise ValueError(f"in_both and only_* are for two lists; this overlap has {len(self.lists)}")

    def rows(self) -> list[tuple[int, ...]]:
        """One row per history: its 0/1 per list, then the count (the layout MSE software reads)."""
        return [(*history, count) for history, count in self.histories.items()]


def _empty_histories(lists: int) -> dict[tuple[int, ...], int]:
    return {history: 0 for history in product((0, 1), repeat=lists) if any(history)}


def overlap_from_matches(
    size_a: int, size_b: int, matches: Matches, lists: tuple[str, str] = ("A", "B")
) -> Overlap:
    """Two deduplicated lists and their one-to-one links: in both, only in the first, only in the second."""
    linked = len(matches)
    if (
        linked > min(size_a, size_b)
        or len(set(matches.a.tolist())) != linked
        or len(set(matches.b.tolist())) != linked
    ):
        raise ValueError("matches must be one-to-one links between the two lists")
    histories = _empty_histories(2)
    histories.update({(1, 1): linked, (1, 0): size_a - linked, (0, 1): size_b - linked})
    return Overlap(tuple(lists), histories)


def overlap_from_clusters(
    clusters: Clusters, source: Sequence[int] | np.ndarray, lists: Sequence[str]
) -> Overlap:
    """Clusters of pooled lists: ``source[i]`` is the list (0 ..) record i came from; one person per cluster."""
    source_array = np.asarray(source, dtype=np.int64)
    if source_array.shape != clusters.labels.shape:
        raise ValueError(f"{len(source_array)} sources for {len(clusters.labels)} clustered records")
    if source_array.size and (source_array.min() < 0 or source_array.max() >= len(lists)):
        raise ValueError(f"sources must be 0 to {len(lists) - 1}")
    seen = np.zeros((clusters.count, len(lists)), dtype=np.int8)
    seen[clusters.labels, source_array] = 1
    histories = _empty_histories(len(lists))
    patterns, counts = np.unique(seen, axis=0, return_counts=True)
    for pattern, count in zip(patterns.tolist(), counts.tolist(), strict=True):
        histories[tuple(pattern)] += count
    return Overlap(tuple(lists), histories)
