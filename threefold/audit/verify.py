"""Verify the stored chain with the pure checker, streaming entries so millions of rows fit in memory."""

from __future__ import annotations

from collections.abc import Iterator

from threefold.audit.chain import ChainEntry, Verdict, verify
from threefold.audit.models import AuditEntry, AuditHead


def _entries() -> Iterator[ChainEntry]:
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        yield ChainEntry(entry.seq, entry.chained_fields(), entry.prev_hash, entry.hash)


def verify_stored_chain() -> Verdict:
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return verify(_entries(), head=(head[0], head[1]) if head and head[0] else None)
