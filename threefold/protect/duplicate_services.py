"""The only way to change the de-duplication review: start a scan and keep its pairs, dismiss a pair, merge two
records of one person, undo a merge. Every change is one transaction with its audit entry.

A merge is a link, not a copy (ADR 0021): the merged record keeps its own sealed identity under its own key and
gets ``merged_into``; its cases, consents, consent overrides, screenings and referrals move to the kept record,
and its assigned members are added to the kept record's. ``PersonMerge.moved`` records the ids of exactly what
moved, so that undo moves those back and nothing else (a case opened on the kept record after the merge stays).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor, system_actor_label
from threefold.accounts.models import Membership
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect import duplicate_access
from threefold.protect.dedupe import Pair
from threefold.protect.duplicate_access import MOVABLE, may_review
from threefold.protect.models import (
    DuplicatePair,
    DuplicateScan,
    PairStatus,
    Person,
    PersonMerge,
    ScanNote,
    ScanStatus,
)

SEED = 20240601  # fixed: the same records give the same pairs and probabilities
STALE_AFTER = timedelta(hours=1)  # a scan "running" this long lost its worker and no longer blocks a new one
SCAN_TASK = system_actor_label("duplicate_scan")


class DuplicateError(ValueError):
    """A review action that cannot go ahead; the message says why, in words for the page."""


class ConflictError(Exception):
    """One of the records changed since the page was opened; nothing was changed."""


# ---- scans ---------------------------------------------------------------------------------------------------


def start_scan(actor: Actor) -> DuplicateScan:
    """Queue a scan of the organisation's records (duplicate_tasks.run_duplicate_scan), once committed.

    DuplicateError while another scan of the organisation runs. A scan left "running" by a worker that died is
    marked failed after ``STALE_AFTER`` and no longer blocks.
    """
    if not may_review(actor):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        running = DuplicateScan.objects.select_for_update().filter(
            organisation_id=actor.org_id, status=ScanStatus.RUNNING
        )
        for stale in running.filter(started_at__lt=now - STALE_AFTER):
            _finish(stale.pk, ScanStatus.FAILED, note=ScanNote.UNEXPECTED)
        if running.filter(started_at__gte=now - STALE_AFTER).exists():
            raise DuplicateError(_("A scan for duplicates is already running: wait for it to finish."))
        scan = DuplicateScan.objects.create(organisation_id=actor.org_id, started_by=actor.user, seed=SEED)
        audit.record(actor, Action.CREATE, scan, purpose="duplicate scan")
        transaction.on_commit(lambda pk=scan.pk: _enqueue(pk))  # type: ignore[misc]
    return scan


def _enqueue(pk: int) -> None:
    from threefold.protect.duplicate_tasks import run_duplicate_scan  # the task module imports this one

    run_duplicate_scan.enqueue(pk)


def scan_actor(scan: DuplicateScan) -> Actor | None:
    """The member who started ``scan``, acting for its organisation, if they still may review duplicates: the
    task reads identities in their name, so their permission is checked again when it runs."""
    if scan.started_by_id is None:
        return None
    membership = (
        Membership.objects.filter(
            user_id=scan.started_by_id, organisation_id=scan.organisation_id, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    if membership is None or not membership.user.is_active:
        return None
    actor = Actor(membership.user, membership)
    return actor if may_review(actor) else None


def running_scan(pk: int) -> DuplicateScan | None:
    return DuplicateScan.objects.filter(pk=pk, status=ScanStatus.RUNNING).first()


def save_progress(pk: int, percent: int) -> None:
    """How far the task is (bookkeeping, not audited: nothing anyone sees changes)."""
    DuplicateScan.objects.filter(pk=pk, status=ScanStatus.RUNNING).update(progress=max(0, min(100, percent)))


def finish_scan(pk: int, pairs: Iterable[Pair], *, records: int, note: str = "") -> bool:
    """Keep a finished scan's pairs; False if the scan is gone or no longer running.

    The organisation's open pairs are replaced by the new ones. A pair decided before (dismissed as "not the same
    person", or merged and undone since) is not proposed again. A pair naming a record merged or erased while
    the scan ran is dropped. With a ``note`` (nothing could be compared) the open pairs are left as they were.
    """
    with transaction.atomic():
        scan = DuplicateScan.objects.select_for_update().filter(pk=pk, status=ScanStatus.RUNNING).first()
        if scan is None:
            return False
        kept = 0
        if not note:
            kept = _replace_pairs(scan, list(pairs))
        DuplicateScan.objects.filter(pk=pk).update(records_scanned=records)
        _finish(pk, ScanStatus.DONE, note=note, pairs=kept)
    return True


def _replace_pairs(scan: DuplicateScan, pairs: list[Pair]) -> int:
    ids = {int(record_id) for pair in pairs for record_id in (pair.record_id_l, pair.record_id_r)}
    current = set(
        Person.objects.filter(
            organisation_id=scan.organisation_id,
            pk__in=ids,
            merged_into__isnull=True,
            erased_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    existing = DuplicatePair.objects.filter(organisation_id=scan.organisation_id)
    existing.filter(status=PairStatus.OPEN).delete()
    decided = set(existing.values_list("person_a_id", "person_b_id"))
    new = []
    for pair in pairs:
        a, b = sorted((int(pair.record_id_l), int(pair.record_id_r)))
        if a in current and b in current and (a, b) not in decided:
            decided.add((a, b))
            new.append(
                DuplicatePair(
                    organisation_id=scan.organisation_id,
                    person_a_id=a,
                    person_b_id=b,
                    probability=pair.match_probability,
                    band=str(pair.band),
                    scan=scan,
                )
            )
    DuplicatePair.objects.bulk_create(new)
    return len(new)


def fail_scan(pk: int, note: str) -> bool:
    with transaction.atomic():
        if not DuplicateScan.objects.filter(pk=pk, status=ScanStatus.RUNNING).exists():
            return False
        _finish(pk, ScanStatus.FAILED, note=note)
    return True


def _finish(pk: int, status: ScanStatus, *, note: str = "", pairs: int = 0) -> None:
    DuplicateScan.objects.filter(pk=pk).update(
        status=status, note=note, pairs_found=pairs, finished_at=timezone.now(), progress=100
    )
    scan = DuplicateScan.objects.get(pk=pk)
    audit.record(
        None,
        Action.UPDATE,
        scan,
        system_label=SCAN_TASK,
        organisation_id=scan.organisation_id,
        details={
            "status": status.value,
            "note": note,
            "records_scanned": scan.records_scanned,
            "pairs_found": pairs,
        },
    )


# ---- decisions -----------------------------------------------------------------------------------------------


def _decide(actor: Actor, pair: DuplicatePair, status: PairStatus) -> None:
    updated = DuplicatePair.objects.filter(pk=pair.pk, status=PairStatus.OPEN).update(
        status=status, decided_by=actor.user, decided_at=timezone.now()
    )
    if not updated:
        raise DuplicateError(_("Someone else has already decided on this pair."))


def dismiss(actor: Actor, pair: DuplicatePair) -> None:
    """Record that the two records are not the same person: later scans will not propose them again."""
    if not may_review(actor) or pair.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        _decide(actor, pair, PairStatus.DISMISSED)
        audit.record(
            actor,
            Action.UPDATE,
            pair,
            purpose="duplicate review",
            details={
                "decision": PairStatus.DISMISSED.value,
                "person_a": pair.person_a.reference,
                "person_b": pair.person_b.reference,
            },
        )


def _lock(pks: Iterable[int]) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=list(pks))}


def merge(actor: Actor, pair: DuplicatePair, *, keep: int, versions: dict[int, int]) -> PersonMerge:
    """Merge the pair's other record into record ``keep`` (a person id of the pair).

    ``versions`` holds each record's ``version`` as the reviewer saw it (person id -> version): if either record
    changed since, ConflictError and nothing changes. DuplicateError if the pair was decided meanwhile or one of
    its records was merged or erased.
    """
    if not may_review(actor) or pair.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if keep not in (pair.person_a_id, pair.person_b_id):
        raise DuplicateError(_("Choose which of the two records to keep."))
    merged_pk = pair.person_b_id if keep == pair.person_a_id else pair.person_a_id
    with transaction.atomic():
        persons = _lock([keep, merged_pk])
        kept, merged = persons[keep], persons[merged_pk]
        for person in (kept, merged):
            if person.merged_into_id is not None or person.erased_at is not None:
                raise DuplicateError(
                    _("%(ref)s has been merged or erased since this pair was found.")
                    % {"ref": person.reference}
                )
            if versions.get(person.pk) != person.version:
                raise ConflictError
        _decide(actor, pair, PairStatus.MERGED)
        moved = _move(merged, kept)
        now = timezone.now()
        Person.objects.filter(pk=merged.pk).update(merged_into=kept, version=F("version") + 1, updated_at=now)
        Person.objects.filter(pk=kept.pk).update(version=F("version") + 1, updated_at=now)
        record = PersonMerge.objects.create(
            organisation_id=kept.organisation_id,
            kept=kept,
            merged=merged,
            pair=pair,
            by=actor.user,
            moved=moved,
        )
        details = _merge_details(record)
        audit.record(actor, Action.CREATE, record, purpose="duplicate review", details=details)
        audit.record(actor, Action.UPDATE, kept, purpose="merge", details=details)
        audit.record(actor, Action.UPDATE, merged, purpose="merge", details=details)
    return record


def _move(source: Person, target: Person) -> dict[str, list[int]]:
    moved = duplicate_access.movable(source)
    for kind, ids in moved.items():
        if ids:
            MOVABLE[kind]._default_manager.filter(pk__in=ids).update(person=target)
    already = set(target.assigned_to.values_list("pk", flat=True))
    added = sorted(set(source.assigned_to.values_list("pk", flat=True)) - already)
    target.assigned_to.add(*added)
    moved["assignments"] = added
    return moved


def _merge_details(record: PersonMerge) -> dict[str, Any]:
    return {
        "kept": record.kept.reference,
        "merged": record.merged.reference,
        "moved": record.moved_counts,
        "merge": record.pk,
    }


def undo(actor: Actor, record: PersonMerge) -> None:
    """Move back exactly what the merge moved, and make the merged record a record of its own again.

    DuplicateError if it was undone already, if the kept record has since been merged into another (undo that
    merge first: what moved is now there) or if either record was erased.
    """
    if not may_review(actor) or record.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().filter(pk=record.pk, undone_at__isnull=True).first()
        if locked is None:
            raise DuplicateError(_("This merge has already been undone."))
        persons = _lock([locked.kept_id, locked.merged_id])
        kept, merged = persons[locked.kept_id], persons[locked.merged_id]
        if kept.erased_at is not None or merged.erased_at is not None:
            raise DuplicateError(_("One of these records has been erased: the merge cannot be undone."))
        if kept.merged_into_id is not None:
            raise DuplicateError(
                _("%(ref)s has since been merged into another record: undo that merge first.")
                % {"ref": kept.reference}
            )
        if merged.merged_into_id != kept.pk:
            raise DuplicateError(
                _("%(merged)s is no longer merged into %(kept)s.")
                % {"merged": merged.reference, "kept": kept.reference}
            )
        returned = _move_back(locked, kept, merged)
        now = timezone.now()
        Person.objects.filter(pk=merged.pk).update(merged_into=None, version=F("version") + 1, updated_at=now)
        Person.objects.filter(pk=kept.pk).update(version=F("version") + 1, updated_at=now)
        PersonMerge.objects.filter(pk=locked.pk).update(undone_at=now, undone_by=actor.user)
        if locked.pair_id is not None:
            # The pair is open again: the reviewer can dismiss it, or merge the other way round.
            DuplicatePair.objects.filter(pk=locked.pair_id).update(
                status=PairStatus.OPEN, decided_by=None, decided_at=None
            )
        details = {**_merge_details(locked), "returned": returned}
        audit.record(actor, Action.UPDATE, locked, purpose="undo merge", details=details)
        audit.record(actor, Action.UPDATE, kept, purpose="undo merge", details=details)
        audit.record(actor, Action.UPDATE, merged, purpose="undo merge", details=details)


def _move_back(record: PersonMerge, kept: Person, merged: Person) -> dict[str, int]:
    returned: dict[str, int] = {}
    for kind, model in MOVABLE.items():
        ids = record.moved.get(kind, [])
        returned[kind] = (
            model._default_manager.filter(pk__in=ids, person=kept).update(person=merged) if ids else 0
        )
    users = record.moved.get("assignments", [])
    kept.assigned_to.remove(*users)
    returned["assignments"] = len(users)
    return returned


# ---- erasure -------------------------------------------------------------------------------------------------


def forget(persons: Iterable[Person]) -> int:
    """Delete the pairs and merge records naming any of ``persons`` (for their erasure: a pair says two records
    may be one person, which is about both). Returns how many rows went."""
    pks = [person.pk for person in persons]
    pairs, _ = DuplicatePair.objects.filter(Q(person_a_id__in=pks) | Q(person_b_id__in=pks)).delete()
    merges, _ = PersonMerge.objects.filter(Q(kept_id__in=pks) | Q(merged_id__in=pks)).delete()
    return pairs + merges
