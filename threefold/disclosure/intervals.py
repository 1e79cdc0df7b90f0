"""What a reader can deduce about each suppressed count of a published table: one maximum flow per bound.

The table is seen with its totals as one (R+1) x (C+1) grid: entry ``(x, y)`` is a cell when ``x < R`` and
``y < C``, row ``x``'s total when ``y == C``, column ``y``'s total when ``x == R``, and the grand total at
``(R, C)``. Every row of the grid adds up to its last entry, and so does every column. A reader knows the shown
entries, and for each suppressed one a range from its status (``[1, k-1]`` for "fewer than k", ``[k, ∞)`` for
"suppressed to protect another cell"). The smallest and largest value a suppressed entry can take in any grid
that agrees with all of that is what the reader can learn about it; `feasible_intervals` computes both for every
suppressed entry.

The table is a network
----------------------
Take one node per grid row and one per grid column, and let entry ``(x, y)`` be an arc between row node ``x``
and column node ``y``: from the row to the column when ``sign(x) * sign(y) == 1`` (a cell, the grand total), from
the column to the row otherwise (a row or a column total). Into row node ``x < R`` flows its row total and out
flow its cells; into column node ``y < C`` flow its cells and out flows its column total; into row node ``R``
flow the column totals and out flows the grand total; into column node ``C`` flows the grand total and out flow
the row totals. So "what flows into a node flows out of it" is, node by node, exactly "this grid line adds up":
the tables that match the published equations are exactly the flows on this network, a shown entry being an arc
whose flow is fixed and a suppressed one an arc whose flow lies in ``[lowest, highest]``.

Pick one such flow ``f`` (the true table, or one found by `_feasible_flow`). Any other, ``f'``, differs from it by
a circulation ``d = f' - f`` that is 0 on shown arcs and keeps every suppressed arc ``a`` within its range:
``-(f_a - lowest_a) <= d_a <= highest_a - f_a``. In the *residual network* every suppressed arc ``u -> v`` gives
an arc ``u -> v`` of capacity ``highest - f`` (room up, unlimited when nothing caps it) and an arc ``v -> u`` of
capacity ``f - lowest`` (room down), and the circulations ``d`` are the circulations of the residual network
within those capacities. For one suppressed arc ``e = u -> v``:

    highest value of e = f_e + min(room up of e,   max flow from v to u in the residual network without e)
    lowest value of e  = f_e - min(room down of e, max flow from u to v in the residual network without e)

Proof for the highest (the lowest is the same with the arc reversed). (<=) A circulation ``d`` with ``d_e = t > 0``
is, on the arcs other than e, a flow of value t from v to u (at v, the t units that e brings in must leave by
other arcs; at u, the t units that leave by e must come in by other arcs), within the residual capacities; and
``t`` is at most e's room up. (>=) A flow of value ``t <= room up of e`` from v to u in the residual network without
e, plus ``t`` on e itself, is a circulation within the capacities: a table matching everything published. These
are the same maximum and the same set as the linear program of `lp_intervals` (which maximises ``x_e`` over the
same constraints, over real numbers), so both methods give the same interval; the comparison is a test
(tests/disclosure/test_intervals.py).

Whole numbers: a count is an integer, so a reader who finds the real interval [2.3, 2.9] knows nothing is
possible, and one who finds [2.2, 3.1] knows the count is 3. Here that cannot happen: with whole-number
capacities a maximum flow is a whole number and is carried by a whole-number flow (the integrality theorem of
maximum flow; equivalently, the network matrix is totally unimodular), so each bound is a whole number reached by
a real table of counts, and the interval is exactly the set of whole numbers a reader cannot rule out.

Unlimited rooms (a count "suppressed to protect another cell" has no cap) are given the capacity ``B = 1 + the sum
of every finite capacity`` of the residual network. A cut made of finite arcs only is smaller than B and a cut
through an unlimited arc is at least B, so a maximum flow below B is the true one, and a maximum flow reaching B
means that no cut of finite arcs separates the two nodes: the entry can grow without limit. Entries on a circuit
of four uncapped suppressed entries are known to be unlimited without any flow (`_unbounded_above`).

Speed: the maximum flows are answered by ``scipy.sparse.csgraph.maximum_flow`` (Dinic), many at once. Every
question (one bound of one entry; a bound that the matching table already reaches needs none) gets its own copy
of its piece of the network without that entry; a super-source feeds each copy's start node through an arc whose
capacity is the entry's room, and a super-sink drains each copy's end node the same way. No arc joins two copies,
so the maximum flow of the whole is the sum of the maximum flows of the copies, each capped by its room, and the
flow on each super-source arc is that copy's answer. One call costs ~0.4 ms before any flow is pushed (checks and
sparse-format conversions), which asked once per question was most of the time; shared by ~100 questions it is
nothing. On the CTDC 2018 table citizenship x ageBroad x RecruiterRelationship (153 x 16, 2,539 counts hidden
in one piece, 2,792 questions) this takes 0.3 to 0.9 s, where one ``linprog`` per bound (1,435 of them after the
shortcuts of `lp_intervals`) took 37 s: each paid ~25 ms on a dense 170 x 2,539 matrix. `IntervalCheck.work`
measures the size of the graphs before they are solved, so a caller can refuse a check that would take too long.

`lp_intervals` is the former method (``scipy.optimize.linprog`` per bound), kept as the reference that the flow
method is tested against and as the fallback for counts too large for the 32-bit capacities of ``maximum_flow``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

Entry = tuple[int, int]
Bounds = tuple[int, int | None]

# Solver results are within ~1e-9 of the true whole-number optimum; anything beyond this is a real fraction.
_TOLERANCE = 1e-6
# maximum_flow works in 32-bit integers. Counts whose sum could approach that go to the linear programs instead
# (a table of people never does: this is a guard, not a case).
_FLOW_LIMIT = 2**29
# Arcs per maximum_flow call when questions are answered together: enough that the call's fixed cost (~0.4 ms
# of checks and conversions) is shared by many questions, few enough that the call's arrays stay in cache.
# Measured (least CPU time of the check over 4 interleaved runs, 50k / 100k / 200k / 300k / 1M arcs): CTDC
# 153 x 16 table 0.30 / 0.30 / 0.32 / 0.53 / 0.37 s; random 1000 x 5 table 0.41 / 0.41 / 0.40 / 0.68 / 0.52 s.
_ARCS_PER_CALL = 100_000


class InconsistentTableError(ValueError):
    """The shown values and the statuses contradict each other: no table of counts matches them."""


def sign(index: int, size: int) -> int:
    """+1 for a row (or column) of cells, -1 for the totals row (or column) at index ``size``."""
    return -1 if index == size else 1


def feasible_intervals(
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None = None,
) -> dict[Entry, Bounds]:
    """The whole-number interval ``(lowest, highest)`` that each suppressed entry can take, given the shown
    entries and each suppressed entry's bounds; ``highest`` is None when nothing caps it.

    Every entry of the ``(n_rows + 1) x (n_columns + 1)`` grid must be in exactly one of ``shown`` and
    ``suppressed``. The problem splits into independent pieces (suppressed entries linked through a shared
    row or column). ``witness``, when given, is one table known to match (the true one): it spares finding one,
    and the result does not depend on it (a witness that does not match is ignored).
    """
    return IntervalCheck(n_rows, n_columns, shown, suppressed, witness).intervals()


class IntervalCheck:
    """`feasible_intervals` in two steps: the pieces of the network are set up (and a matching table found)
    first, so that `work` tells how much the maximum flows will cost before any of them is run."""

    def __init__(
        self,
        n_rows: int,
        n_columns: int,
        shown: Mapping[Entry, int],
        suppressed: Mapping[Entry, Bounds],
        witness: Mapping[Entry, int] | None = None,
    ) -> None:
        _check(n_rows, n_columns, shown, suppressed)
        self._grid = (n_rows, n_columns, shown, suppressed, witness)
        components = _components(suppressed, n_rows, n_columns)
        # maximum_flow counts in 32 bits: the flows stay within these sums, and the capacity B standing for
        # "unlimited" is checked per piece below.
        total = sum(shown.values()) + sum(low + (high or 0) for low, high in suppressed.values())
        self._networks: list[_Network] = []
        self._by_lp: list[list[Entry]] = []
        for component in components:
            network = None
            if total < _FLOW_LIMIT:
                network = _Network.build(component, n_rows, n_columns, shown, suppressed, witness)
            if network is not None and network.residual()[2] < _FLOW_LIMIT:
                self._networks.append(network)
            else:
                self._by_lp.append(component)

    @property
    def work(self) -> int:
        """The size of the graphs that the maximum flows will be run on: per question (one bound of one entry),
        the arcs and nodes of its piece of the network. The time the check takes is proportional to it."""
        return sum(network.work() for network in self._networks)

    def intervals(self) -> dict[Entry, Bounds]:
        result = _solve_networks(self._networks)
        if self._by_lp:
            n_rows, n_columns, shown, suppressed, witness = self._grid
            result.update(_lp(self._by_lp, n_rows, n_columns, shown, suppressed, witness))
        return result


def lp_intervals(
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None = None,
) -> dict[Entry, Bounds]:
    """The same as `feasible_intervals`, by linear programming: one ``linprog`` per bound not reached by a table
    already seen. Slow on large tables; the reference the flow method is tested against."""
    _check(n_rows, n_columns, shown, suppressed)
    return _lp(_components(suppressed, n_rows, n_columns), n_rows, n_columns, shown, suppressed, witness)


def _check(
    n_rows: int, n_columns: int, shown: Mapping[Entry, int], suppressed: Mapping[Entry, Bounds]
) -> None:
    grid = {(x, y) for x in range(n_rows + 1) for y in range(n_columns + 1)}
    if set(shown) | set(suppressed) != grid or set(shown) & set(suppressed):
        raise ValueError("every entry of the grid must be either shown or suppressed, and not both")
    for entry, (low, high) in suppressed.items():
        if high is not None and high < low:
            raise InconsistentTableError(f"{entry} must be at least {low} and at most {high}")
    # Each grid row and column is one equation: sum of sign * entry == 0, with shown entries moved to the right.
    # An equation where everything is shown must already hold.
    for line in _lines(n_rows, n_columns):
        if all(entry in shown for entry in line) and _known_side(line, shown, n_rows, n_columns) != 0:
            raise InconsistentTableError(f"shown entries do not add up along {line}")


def _lines(n_rows: int, n_columns: int) -> list[list[Entry]]:
    rows = [[(x, y) for y in range(n_columns + 1)] for x in range(n_rows + 1)]
    columns = [[(x, y) for x in range(n_rows + 1)] for y in range(n_columns + 1)]
    return rows + columns


def _coefficient(entry: Entry, n_rows: int, n_columns: int, along_row: bool) -> int:
    # Along a grid row the totals column carries -1; along a grid column the totals row does.
    return sign(entry[1], n_columns) if along_row else sign(entry[0], n_rows)


def _known_side(line: list[Entry], shown: Mapping[Entry, int], n_rows: int, n_columns: int) -> int:
    along_row = line[0][0] == line[-1][0]
    return sum(
        _coefficient(entry, n_rows, n_columns, along_row) * shown[entry] for entry in line if entry in shown
    )


def _components(suppressed: Mapping[Entry, Bounds], n_rows: int, n_columns: int) -> list[list[Entry]]:
    """Suppressed entries grouped so that no equation mixes two groups (union-find over rows and columns)."""
    parent = list(range(n_rows + 1 + n_columns + 1))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for x, y in suppressed:
        parent[find(x)] = find(n_rows + 1 + y)
    groups: dict[int, list[Entry]] = {}
    for entry in sorted(suppressed):
        groups.setdefault(find(entry[0]), []).append(entry)
    return list(groups.values())


# --- by maximum flow -----------------------------------------------------------------------------------------


@dataclass
class _Network:
    """One independent piece: its suppressed entries as arcs between its grid lines (local node numbers), and
    one table of counts that matches everything published (``flow``)."""

    entries: list[Entry]
    n_nodes: int
    tail: np.ndarray  # per entry, the node its arc leaves (the direction in which its count flows)
    head: np.ndarray  # and the node it enters
    flow: np.ndarray  # per entry, its count in a matching table
    low: np.ndarray
    high: np.ndarray  # -1 when nothing caps it
    unbounded: set[Entry]

    @classmethod
    def build(
        cls,
        entries: list[Entry],
        n_rows: int,
        n_columns: int,
        shown: Mapping[Entry, int],
        suppressed: Mapping[Entry, Bounds],
        witness: Mapping[Entry, int] | None,
    ) -> _Network:
        rows = sorted({x for x, _ in entries})
        columns = sorted({y for _, y in entries})
        row_node = {x: i for i, x in enumerate(rows)}
        column_node = {y: len(rows) + i for i, y in enumerate(columns)}
        tail, head = [], []
        for x, y in entries:
            a, b = row_node[x], column_node[y]
            if sign(x, n_rows) * sign(y, n_columns) < 0:
                a, b = b, a
            tail.append(a)
            head.append(b)
        low = np.array([suppressed[entry][0] for entry in entries], dtype=np.int64)
        high = np.array([_cap(suppressed[entry]) for entry in entries], dtype=np.int64)
        # What the shown entries bring into each node minus what they take out of it. Along grid row x the
        # equation is sum(sign(y) * entry) == 0, and an arc leaves row node x exactly when its coefficient is
        # sign(x): so in - out = -sign(x) * sum(...). Along grid column y an arc enters column node y exactly when
        # its coefficient is sign(y): in - out = sign(y) * sum(...). (See the module docstring.)
        inflow = np.array(
            [
                -sign(x, n_rows)
                * _known_side([(x, y) for y in range(n_columns + 1)], shown, n_rows, n_columns)
                for x in rows
            ]
            + [
                sign(y, n_columns)
                * _known_side([(x, y) for x in range(n_rows + 1)], shown, n_rows, n_columns)
                for y in columns
            ],
            dtype=np.int64,
        )
        network = cls(
            entries=entries,
            n_nodes=len(rows) + len(columns),
            tail=np.array(tail, dtype=np.int64),
            head=np.array(head, dtype=np.int64),
            flow=np.zeros(len(entries), dtype=np.int64),
            low=low,
            high=high,
            unbounded=_unbounded_above(entries, suppressed, n_rows, n_columns),
        )
        given = None if witness is None else np.array([witness.get(e, -1) for e in entries], dtype=np.int64)
        if given is not None and network.matches(given, inflow):
            network.flow = given
        else:
            network.flow = network.feasible_flow(inflow)
        return network

    def balance(self, flow: np.ndarray, inflow: np.ndarray) -> np.ndarray:
        """Per node, what comes in minus what goes out, shown entries included (``inflow``)."""
        net = inflow.copy()
        np.add.at(net, self.head, flow)
        np.subtract.at(net, self.tail, flow)
        return net

    def matches(self, flow: np.ndarray, inflow: np.ndarray) -> bool:
        capped = self.high >= 0
        within = bool((flow >= self.low).all() and (flow[capped] <= self.high[capped]).all())
        return within and not self.balance(flow, inflow).any()

    def feasible_flow(self, inflow: np.ndarray) -> np.ndarray:
        """A table matching everything published, by the classic reduction of flows with lower bounds to one
        maximum flow: put every arc at its lower bound, then route each node's surplus to the nodes in deficit
        through the room between the bounds. It exists exactly when that maximum flow moves every surplus."""
        excess = self.balance(self.low, inflow)  # > 0: more comes in than goes out, must send the surplus on
        supply = int(excess[excess > 0].sum())
        # A flow from surpluses to deficits need carry no more than the whole supply on any arc.
        room = np.where(self.high >= 0, self.high - self.low, supply + 1)
        source, sink = self.n_nodes, self.n_nodes + 1
        nodes = np.arange(self.n_nodes)
        tails = np.concatenate([self.tail, np.full(self.n_nodes, source), nodes])
        heads = np.concatenate([self.head, nodes, np.full(self.n_nodes, sink)])
        capacity = np.concatenate([room, np.maximum(excess, 0), np.maximum(-excess, 0)])
        keep = capacity > 0
        graph = csr_array(
            (capacity[keep].astype(np.int32), (tails[keep], heads[keep])), shape=(self.n_nodes + 2,) * 2
        )
        result = maximum_flow(graph, source, sink)
        if int(result.flow_value) != supply:
            raise InconsistentTableError("no table of counts matches what is published")
        moved = (
            np.asarray(result.flow[self.tail, self.head]).astype(np.int64).ravel() if len(self.tail) else 0
        )
        return self.low + moved

    def questions(self) -> tuple[np.ndarray, np.ndarray]:
        """The entries (indices) whose highest, and those whose lowest, a maximum flow must find: a bound that the
        matching table already reaches, or one found unlimited by `_unbounded_above`, needs none."""
        unbounded = np.array([entry in self.unbounded for entry in self.entries], dtype=bool)
        upwards = np.flatnonzero(~unbounded & (self.flow != self.high))
        downwards = np.flatnonzero(self.flow > self.low)
        return upwards, downwards

    def residual(self) -> tuple[np.ndarray, np.ndarray, int]:
        """Per entry its room up (B where unlimited) and its room down in the matching table, and B."""
        capped = self.high >= 0
        up = np.where(capped, self.high - self.flow, 0)
        down = self.flow - self.low
        unlimited = 1 + int(up.sum() + down.sum())
        return np.where(capped, up, unlimited), down, unlimited

    def work(self) -> int:
        up, down, _ = self.residual()
        upwards, downwards = self.questions()
        arcs = int(np.count_nonzero(up) + np.count_nonzero(down))
        return (len(upwards) + len(downwards)) * (arcs + self.n_nodes)


def _cap(bounds: Bounds) -> int:
    return -1 if bounds[1] is None else bounds[1]


@dataclass
class _Piece:
    """Some questions about one network, each asked of its own copy of the network without the entry asked
    about: ``capacities[q]`` are the arcs' capacities in copy ``q`` (that entry's two arcs at 0)."""

    network: int
    entries: np.ndarray
    upwards: bool
    rooms: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    n_nodes: int


def _solve_networks(networks: Sequence[_Network]) -> dict[Entry, Bounds]:
    """Every bound of every piece, the maximum flows answered together in a few ``maximum_flow`` calls."""
    grow = [np.zeros(len(network.entries), dtype=np.int64) for network in networks]
    shrink = [np.zeros(len(network.entries), dtype=np.int64) for network in networks]
    unlimited: list[int] = []
    pending: list[_Piece] = []
    arcs_pending = 0
    for n, network in enumerate(networks):
        up, down, big = network.residual()
        unlimited.append(big)
        m = len(network.entries)
        # The residual network: arc i is entry i's room up (tail -> head), arc m + i its room down (head -> tail).
        tails = np.concatenate([network.tail, network.head])
        heads = np.concatenate([network.head, network.tail])
        capacities = np.concatenate([up, down])
        arcs = np.flatnonzero(capacities > 0)
        where = np.full(2 * m, len(arcs))  # position of each arc among the kept ones (len(arcs): not kept)
        where[arcs] = np.arange(len(arcs))
        upwards, downwards = network.questions()
        per_call = max(1, _ARCS_PER_CALL // max(1, len(arcs)))
        for entries, is_up in ((upwards, True), (downwards, False)):
            for first in range(0, len(entries), per_call):
                chunk = entries[first : first + per_call]
                copies = np.zeros((len(chunk), len(arcs) + 1), dtype=np.int32)  # last column: a dropped arc
                copies[:, :-1] = capacities[arcs]
                rows = np.arange(len(chunk))
                copies[rows, where[chunk]] = 0
                copies[rows, where[chunk + m]] = 0
                # Upwards, e = u -> v grows by what flows from v back to u without e; downwards, from u to v.
                starts, ends = (network.head, network.tail) if is_up else (network.tail, network.head)
                pending.append(
                    _Piece(
                        network=n,
                        entries=chunk,
                        upwards=is_up,
                        rooms=(up if is_up else down)[chunk],
                        starts=starts[chunk],
                        ends=ends[chunk],
                        tails=tails[arcs],
                        heads=heads[arcs],
                        capacities=copies[:, :-1],
                        n_nodes=network.n_nodes,
                    )
                )
                arcs_pending += copies.size
                if arcs_pending >= _ARCS_PER_CALL:
                    _flush(pending, grow, shrink)
                    pending, arcs_pending = [], 0
    if pending:
        _flush(pending, grow, shrink)

    intervals: dict[Entry, Bounds] = {}
    for n, network in enumerate(networks):
        for i, entry in enumerate(network.entries):
            value = int(network.flow[i])
            highest: int | None = None
            if entry not in network.unbounded and grow[n][i] < unlimited[n]:
                highest = value + int(grow[n][i])
            intervals[entry] = (value - int(shrink[n][i]), highest)
    return intervals


def _flush(pieces: list[_Piece], grow: list[np.ndarray], shrink: list[np.ndarray]) -> None:
    """Answer the pieces' questions with one maximum flow over disjoint copies of their networks."""
    questions = sum(len(piece.entries) for piece in pieces)
    size = sum(piece.capacities.size for piece in pieces) + 2 * questions
    # Filled in place, in 32 bits: temporaries of this size were a good part of the time (page faults).
    # The arcs an entry's copy leaves out keep their place, with capacity 0: an arc no flow can use.
    tails, heads = np.empty(size, dtype=np.int32), np.empty(size, dtype=np.int32)
    capacities = np.empty(size, dtype=np.int32)
    starts, rooms = np.empty(questions, dtype=np.int32), np.empty(questions, dtype=np.int32)
    ends = np.empty(questions, dtype=np.int32)
    arc, question, base = 0, 0, 0
    offsets = []
    for piece in pieces:
        count, width = piece.capacities.shape
        offset = (base + piece.n_nodes * np.arange(count)).astype(np.int32)
        offsets.append(offset)
        block = slice(arc, arc + count * width)
        np.add(piece.tails[None, :], offset[:, None], out=tails[block].reshape(count, width))
        np.add(piece.heads[None, :], offset[:, None], out=heads[block].reshape(count, width))
        capacities[block].reshape(count, width)[...] = piece.capacities
        here = slice(question, question + count)
        starts[here] = piece.starts + offset
        ends[here] = piece.ends + offset
        rooms[here] = piece.rooms
        arc, question, base = arc + count * width, question + count, base + piece.n_nodes * count
    source, sink = base, base + 1
    # The super-source feeds each copy's start, the super-sink drains each copy's end, both by the room.
    tails[arc : arc + questions], heads[arc : arc + questions] = source, starts
    tails[arc + questions :], heads[arc + questions :] = ends, sink
    capacities[arc : arc + questions] = capacities[arc + questions :] = rooms
    graph = csr_array((capacities, (tails, heads)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, source, sink).flow
    # Row `source` of the flow: what went into each copy, which is the answer to its question.
    answer = np.zeros(sink + 1, dtype=np.int64)
    begin, stop = flow.indptr[source], flow.indptr[source + 1]
    answer[flow.indices[begin:stop]] = flow.data[begin:stop]
    for piece, offset in zip(pieces, offsets, strict=True):
        found = answer[piece.starts + offset]
        (grow if piece.upwards else shrink)[piece.network][piece.entries] = found


# --- by linear programming (the reference) -----------------------------------------------------------------


def _lp(
    components: list[list[Entry]],
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None,
) -> dict[Entry, Bounds]:
    intervals: dict[Entry, Bounds] = {}
    for component in components:
        intervals.update(_solve_component(component, n_rows, n_columns, shown, suppressed, witness))
    return intervals


def _solve_component(
    entries: list[Entry],
    n_rows: int,
    n_columns: int,
    shown: Mapping[Entry, int],
    suppressed: Mapping[Entry, Bounds],
    witness: Mapping[Entry, int] | None,
) -> dict[Entry, Bounds]:
    index = {entry: i for i, entry in enumerate(entries)}
    touched_rows = sorted({x for x, _ in entries})
    touched_columns = sorted({y for _, y in entries})
    lines = [[(x, y) for y in range(n_columns + 1)] for x in touched_rows]
    lines += [[(x, y) for x in range(n_rows + 1)] for y in touched_columns]

    a_eq = np.zeros((len(lines), len(entries)))
    b_eq = np.zeros(len(lines))
    for i, line in enumerate(lines):
        along_row = i < len(touched_rows)
        for entry in line:
            if entry in index:
                a_eq[i, index[entry]] = _coefficient(entry, n_rows, n_columns, along_row)
        b_eq[i] = -_known_side(line, shown, n_rows, n_columns)
    floors = [suppressed[entry][0] for entry in entries]
    ceilings = [suppressed[entry][1] for entry in entries]
    bounds = [
        (float(low), None if high is None else float(high))
        for low, high in zip(floors, ceilings, strict=True)
    ]
    unbounded = _unbounded_above(entries, suppressed, n_rows, n_columns)

    # Values seen in tables known to be feasible. A bound that such a table reaches needs no solve.
    seen_low: list[float] = [math.inf] * len(entries)
    seen_high: list[float] = [-math.inf] * len(entries)

    def see(values: Sequence[float]) -> None:
        for i, value in enumerate(values):
            seen_low[i] = min(seen_low[i], value)
            seen_high[i] = max(seen_high[i], value)

    def solve(objective: np.ndarray) -> Any:
        solution = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if solution.status == 0:
            see(solution.x)
        return solution

    # Two aggregate solves first: pushing everything down (and everything capped up) at once puts many entries
    # on their bounds together, which spares most of the one-entry solves below. (A witness is not used here:
    # it would only be seen if it matched, and checking that is the flow method's business.)
    del witness
    everything = np.ones(len(entries))
    if solve(everything).status != 0:
        raise InconsistentTableError("no table of counts matches what is published")
    capped = np.array([0.0 if high is None else -1.0 for high in ceilings])
    if capped.any():
        solve(capped)

    result: dict[Entry, Bounds] = {}
    objective = np.zeros(len(entries))
    for entry, i in index.items():
        if seen_low[i] - _TOLERANCE > floors[i]:
            objective[i] = 1.0
            low = solve(objective)
            objective[i] = 0.0
            if low.status != 0:
                raise InconsistentTableError(f"no table of counts matches what is published ({low.message})")
        ceiling = ceilings[i]
        if entry not in unbounded and (ceiling is None or seen_high[i] + _TOLERANCE < ceiling):
            objective[i] = -1.0
            high = solve(objective)
            objective[i] = 0.0
            if high.status != 0:
                raise InconsistentTableError(f"the maximum of {entry} could not be found ({high.message})")
        lowest = math.ceil(seen_low[i] - _TOLERANCE)
        highest = None if entry in unbounded else math.floor(seen_high[i] + _TOLERANCE)
        result[entry] = (lowest, highest)
    return result


def _unbounded_above(
    entries: list[Entry], suppressed: Mapping[Entry, Bounds], n_rows: int, n_columns: int
) -> set[Entry]:
    """Entries that can grow without limit, found without solving.

    Seen as a flow (grand total -> row total -> cell -> column total -> grand total), a change that keeps
    everything shown and can be repeated for ever must add to suppressed entries and take from none (every
    entry has a floor), and such a change is a sum of whole circuits: one cell, its row total, its column total
    and the grand total together. So an entry is unbounded above exactly when it is on such a circuit of four
    suppressed entries with no cap.
    """
    uncapped = {entry for entry in entries if suppressed[entry][1] is None}
    grand = (n_rows, n_columns)
    unbounded: set[Entry] = set()
    if grand not in uncapped:
        return unbounded
    for x, y in uncapped:
        if x < n_rows and y < n_columns:
            circuit = {(x, y), (x, n_columns), (n_rows, y), grand}
            if circuit <= uncapped:
                unbounded |= circuit
    return unbounded
