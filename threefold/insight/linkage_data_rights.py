"""A survivor's data rights over the linkage encodings made from their record (registered in InsightConfig.ready).

An encoding set made here holds, at the person's position, keyed Bloom filters of their names and date of birth:
personal data (ADR 0022), though nobody can read a name back from it. A copy of the person's data lists each set
that encodes them; erasing the person deletes those sets whole. A set cannot be rewritten without them because
the linkage secret is never kept, and the organisation can make a new one with the same secret. A file already
exported to another party is beyond reach: the copy says so, and when, from the set's export audit entries.
Imported sets are another organisation's people and hold no mapping to anyone here.
"""

from __future__ import annotations

from typing import Any

from threefold.audit.models import Action, AuditEntry
from threefold.insight.linkage_access import sets_including
from threefold.insight.models import EncodingSet
from threefold.protect.models import Person


def _exported_on(found: EncodingSet) -> list[str]:
    entries = AuditEntry.objects.filter(
        object_type=EncodingSet._meta.label_lower, object_id=str(found.pk), action=Action.EXPORT
    )
    return [entry.created_at.isoformat() for entry in entries.order_by("seq")]


def export_encodings(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "set": found.reference,
            "label": found.label,
            "made_on": found.created_at,
            "expires_on": found.expires_at,
            "what": "keyed Bloom-filter encodings of names and date of birth, for counting overlaps between lists",
            "exported_to_another_party_on": _exported_on(found),
        }
        for found in sets_including(person)
    ]


def erase_encodings(person: Person) -> int:
    deleted, _by_model = EncodingSet.objects.filter(
        pk__in=[found.pk for found in sets_including(person)]
    ).delete()
    return deleted
