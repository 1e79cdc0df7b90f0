"""The audit hash chain, in plain Python so it can be verified without Django (and by an outside auditor).

Each entry's hash covers the previous entry's hash and the entry's own fields, serialised canonically. Changing
a field changes that entry's hash; removing or reordering entries breaks the link from the next entry to its
predecessor; removing the newest entries is caught by comparing with the separately stored head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    fields: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""


def _problem(entry: ChainEntry, prev_seq: int, prev_hash: str) -> str:
    """Why ``entry`` cannot follow the entry ``prev_seq``/``prev_hash``, or "" when it can."""
    if entry.seq != prev_seq + 1:
        return f"sequence jumps from {prev_seq} to {entry.seq}: entries were removed or reordered"
    if entry.prev_hash != prev_hash:
        return "does not link to the entry before it: entries were removed, inserted or reordered"
    if entry_hash(entry.prev_hash, entry.fields) != entry.hash:
        return "its content was altered"
    return ""


def verify(entries: Iterable[ChainEntry], *, head: tuple[int, str] | None = None) -> Verdict:
    """Walk entries in ``seq`` order; return the first that breaks the chain, or the verified head."""
    prev_hash, prev_seq, count = GENESIS, 0, 0
    for entry in entries:
        problem = _problem(entry, prev_seq, prev_hash)
        if problem:
            return Verdict(False, count, prev_seq, prev_hash, entry.seq, problem)
        prev_hash, prev_seq, count = entry.hash, entry.seq, count + 1
    if head is not None and head != (prev_seq, prev_hash):
        reason = (
            f"the chain ends at entry {prev_seq} but the recorded head is entry {head[0]}: "
            "the newest entries were removed"
        )
        return Verdict(False, count, prev_seq, prev_hash, prev_seq + 1, reason)
    return Verdict(True, count, prev_seq, prev_hash)
