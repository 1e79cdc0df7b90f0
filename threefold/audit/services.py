"""The only way to write the audit trail. Callers pass what happened; this appends it to the hash chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from threefold.audit.chain import GENESIS, entry_hash
from threefold.audit.models import Action, AuditEntry, AuditHead

if TYPE_CHECKING:
    from threefold.accounts.actor import Actor


def _target(obj: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return obj
    return obj._meta.label_lower, str(obj.pk)


def record(
    actor: Actor | None,
    action: Action | str,
    obj: models.Model | tuple[str, str] | None = None,
    *,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    system_label: str = "",
    organisation_id: int | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so a failed change leaves no entry behind.

    ``details`` must never hold identifying data: it is not encrypted. Put ids and field names there, not values.
    """
    object_type, object_id = _target(obj)
    reference = getattr(obj, "reference", None)
    if reference and not (details and "reference" in details):
        # The public reference (never identifying) is what people see on every page; the id is for joins.
        details = {**(details or {}), "reference": str(reference)}
    with transaction.atomic():
        # Locking the head row serialises writers, so sequence numbers and links never fork (PostgreSQL);
        # SQLite serialises writers anyway with IMMEDIATE transactions.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor.user.pk if actor else None,
            actor_label=actor.label if actor else system_label,
            organisation_id=organisation_id
            if organisation_id is not None
            else (actor.organisation_id if actor else None),
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
            # Normalised as the database will store it (IPv6 compressed, lower case), or the hash would not match.
            ip=AuditEntry._meta.get_field("ip").to_python(actor.ip) if actor and actor.ip else None,
            details=details or {},
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry.prev_hash, entry.chained_fields())
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
