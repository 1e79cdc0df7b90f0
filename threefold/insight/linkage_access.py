"""The only way to read record linkage's data: encoding sets (personal data, sealed), the people a set is made
from, and linkage runs (counts only). Every read of an encoding set's contents is audited; audit entries hold
ids and counts, never a name, a label or a key check.

Who: encoding sets are for the organisation's analysts only (rule ``insight.linkage`` and, for one set,
``insight.use_encoding_set``); the runs' results are counts, read by every statistics reader of the organisation
(``insight.view_linkage_run``). Another organisation's set or run, or an expired set, is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from threefold.accounts.actor import Actor, system_actor_label
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent.models import Consent, Purpose
from threefold.insight.core.pprl import Encodings, reopen_encodings
from threefold.insight.linkage_records import SCHEMA, record_of
from threefold.insight.models import (
    ENCODING_DATA_CONTEXT,
    ENCODING_MAPPING_CONTEXT,
    EncodingSet,
    EncodingSource,
    EstimateStatus,
    LinkageRun,
)
from threefold.protect import access as person_access
from threefold.protect.identity import Identity
from threefold.protect.models import Person
from threefold.vault import crypto, sealed

BLOBS = ("data", "mapping", "pending_secret")
CHUNK = 500  # people decrypted at once: one query for their keys
RUN_READER = system_actor_label("linkage_run")
ENCODER = system_actor_label("make_encodings")


def _live(organisation_id: int) -> QuerySet[EncodingSet]:
    return (
        EncodingSet.objects.filter(organisation_id=organisation_id, expires_at__gt=timezone.now())
        .defer(*BLOBS)
        .select_related("created_by")
    )


def encoding_sets(actor: Actor) -> list[EncodingSet]:
    """The organisation's encoding sets that have not expired, newest first (names and counts, not contents)."""
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    found = list(_live(actor.org_id))
    audit.record(actor, Action.LIST, ("insight.encodingset", ""), details={"count": len(found)})
    return found


def set_labels(actor: Actor) -> set[str]:
    """The names of the organisation's live sets, to refuse a name taken (not audited: names only)."""
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    return set(_live(actor.org_id).values_list("label", flat=True))


def usable_sets(actor: Actor) -> list[EncodingSet]:
    """The sets a run can use now: finished, not expired, and with at least one encoding."""
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    return list(_live(actor.org_id).filter(status=EstimateStatus.DONE, record_count__gt=0))


def _find(actor: Actor, pk: int | str) -> EncodingSet:
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    found = _live(actor.org_id).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None or not allowed(actor, "insight.use_encoding_set", found):
        raise Http404
    return found


def encoding_set(actor: Actor, pk: int | str) -> EncodingSet:
    """One live set of the actor's organisation (an expired one is gone: 404). Audited as a view."""
    found = _find(actor, pk)
    audit.record(actor, Action.VIEW, found)
    return found


def find_encoding_set(actor: Actor, pk: int | str) -> EncodingSet:
    """The same set, not audited: for its progress (polled every 2 s) and for a change that audits itself
    (export, delete). Its contents stay sealed."""
    return _find(actor, pk)


def _unseal(found: EncodingSet, field: str, context: str) -> bytes:
    blob = EncodingSet.objects.filter(pk=found.pk).values_list(field, flat=True).get()
    if blob is None:
        raise LookupError(f"encoding set {found.pk} has no {field}")
    return sealed.unseal(
        bytes(blob),
        organisation_id=found.organisation_id,
        context=sealed.row_context(context, found.reference),
    )


def _mapping(found: EncodingSet) -> list[int]:
    value = json.loads(_unseal(found, "mapping", ENCODING_MAPPING_CONTEXT))
    assert isinstance(value, list)
    return [int(pk) for pk in value]


def sets_including(person: Person) -> list[EncodingSet]:
    """The sets made here, expired ones included, that encode ``person``: for their data rights (no actor, no
    audit: the caller, threefold/protect/subject_data, checks and audits)."""
    made = EncodingSet.objects.filter(
        organisation_id=person.organisation_id, source=EncodingSource.MADE, mapping__isnull=False
    )
    return [found for found in made if person.pk in _mapping(found)]


class StaleSetError(Exception):
    """Some people of a set made here were erased, merged or withdrew consent since: it is not exported."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} people of this set may no longer be shared")
        self.count = count


def export_file(actor: Actor, found: EncodingSet) -> bytes:
    """The encoding file of a set made here, for the other party; audited as an export.

    Only sets made here leave: another party's encodings are theirs to share, not ours. A set is refused
    (StaleSetError) once anyone in it has been erased, merged into another record or has withdrawn their
    statistics consent since it was made: the file cannot be rewritten without the secret, which is not kept, so
    the set must be made again.
    """
    if not allowed(actor, "insight.use_encoding_set", found):
        raise Http404
    if found.source != EncodingSource.MADE or not found.usable:
        raise Http404
    stale = len(ineligible_positions(found.organisation_id, _mapping(found)))
    if stale:
        raise StaleSetError(stale)
    data = _unseal(found, "data", ENCODING_DATA_CONTEXT)
    audit.record(
        actor,
        Action.EXPORT,
        found,
        purpose="record linkage",
        details={"records": found.record_count, "file_id": found.file_id, "bytes": len(data)},
    )
    return data


# --- The people a set is made from ----------------------------------------------------------------------------


def _has_merged_field() -> bool:
    # A person merged into another record (Person.merged_into, added with deduplication) is that other record now.
    return any(field.name == "merged_into" for field in Person._meta.get_fields())


def _people(organisation_id: int) -> QuerySet[Person]:
    """The organisation's people who can be encoded at all: not erased, not merged into another record."""
    people = Person.objects.filter(
        organisation_id=organisation_id, erased_at__isnull=True, identity__isnull=False
    )
    if _has_merged_field():
        people = people.filter(merged_into__isnull=True)
    return people


def _consenting(organisation_id: int) -> QuerySet[Consent]:
    return Consent.objects.in_force(Purpose.STATISTICS).filter(organisation_id=organisation_id)


def ineligible_positions(organisation_id: int, person_ids: Sequence[int]) -> list[int]:
    """Positions of a set made here whose person may no longer be included: erased, merged, or without a
    statistics consent in force now."""
    eligible = set(
        _people(organisation_id)
        .filter(pk__in=_consenting(organisation_id).values("person_id"))
        .values_list("pk", flat=True)
    )
    return [position for position, pk in enumerate(person_ids) if pk not in eligible]


@dataclass(frozen=True)
class ToEncode:
    person_ids: list[int]  # position -> person, in the order of ``records``
    records: list[dict[str, object]]
    left_out: int  # people without a statistics consent in force
    unreadable: int  # people whose identity could not be opened (a destroyed key)


def records_to_encode(
    organisation_id: int, encoding_set_pk: int, progress: Callable[[int, int], None] | None = None
) -> ToEncode:
    """The records of the organisation's people who consented to statistics, for the worker that encodes them.

    Identities are decrypted here and reduced to the schema's record (linkage_records) before leaving; the audit
    entry says how many were read and left out, never who.
    """
    people = _people(organisation_id)
    consenting = _consenting(organisation_id).values("person_id")
    included = list(people.filter(pk__in=consenting).order_by("pk"))
    left_out = people.exclude(pk__in=consenting).count()
    person_ids: list[int] = []
    records: list[dict[str, object]] = []
    unreadable = 0
    total = len(included)
    if progress:
        progress(0, total)
    for start in range(0, total, CHUNK):
        chunk = included[start : start + CHUNK]
        for person, identity in _open(chunk):
            if identity is None:
                unreadable += 1
                continue
            person_ids.append(person.pk)
            records.append(record_of(identity))
        if progress:
            progress(min(start + CHUNK, total), total)
    audit.record(
        None,
        Action.LIST,
        ("insight.encodingset", str(encoding_set_pk)),
        purpose="record linkage",
        details={"people": len(records), "left_out": left_out, "unreadable": unreadable},
        system_label=ENCODER,
        organisation_id=organisation_id,
    )
    return ToEncode(person_ids, records, left_out, unreadable)


def _open(chunk: list[Person]) -> list[tuple[Person, Identity | None]]:
    try:
        opened = person_access.open_many(chunk)
        return [(o.person, o.identity) for o in opened]
    except crypto.VaultError:
        # One value that cannot be opened (its key destroyed meanwhile) must not stop the others: one by one.
        out: list[tuple[Person, Identity | None]] = []
        for person in chunk:
            try:
                (one,) = person_access.open_many([person])
                out.append((person, one.identity))
            except (crypto.VaultError, ValueError):
                out.append((person, None))
        return out


# --- Linkage runs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInput:
    encodings: Encodings
    dropped: int  # positions of a set made here left out: erased, merged or consent withdrawn since


class SetGoneError(Exception):
    """A set of the run expired or was deleted before the run started."""


def encodings_for_run(run: LinkageRun) -> list[RunInput]:
    """The encodings of each set of a run, in its order, for the worker; each read audited (counts only)."""
    sets = {
        found.pk: found
        for found in EncodingSet.objects.filter(
            pk__in=run.set_ids, organisation_id=run.organisation_id, status=EstimateStatus.DONE
        ).defer(*BLOBS)
    }
    out = []
    for pk in run.set_ids:
        found = sets.get(pk)
        if found is None or not found.usable:
            raise SetGoneError(pk)
        read = reopen_encodings(
            _unseal(found, "data", ENCODING_DATA_CONTEXT),
            fingerprint=found.fingerprint,
            bits=SCHEMA.encoded_bits,
        )
        encodings = read.encodings
        dropped = 0
        if found.source == EncodingSource.MADE:
            gone = set(ineligible_positions(found.organisation_id, _mapping(found)))
            if gone:
                dropped = len(gone)
                encodings = encodings.take([i for i in range(len(encodings)) if i not in gone])
        audit.record(
            None,
            Action.VIEW,
            found,
            purpose="record linkage",
            details={"run": run.pk, "records": len(encodings), "dropped": dropped},
            system_label=RUN_READER,
            organisation_id=run.organisation_id,
        )
        out.append(RunInput(encodings, dropped))
    return out


def linkage_runs(actor: Actor) -> list[LinkageRun]:
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return list(
        LinkageRun.objects.filter(organisation_id=actor.org_id).defer("result").select_related("created_by")
    )


def linkage_run(actor: Actor, pk: int | str) -> LinkageRun:
    """One run of the actor's organisation; another organisation's, or none, is a 404."""
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    found = (
        LinkageRun.objects.filter(pk=pk, organisation_id=actor.org_id).select_related("created_by").first()
        if str(pk).isdigit()
        else None
    )
    if found is None or not allowed(actor, "insight.view_linkage_run", found):
        raise Http404
    return found


def linkage_run_download(actor: Actor, pk: int | str) -> LinkageRun:
    """A finished run for its CSV file (counts by capture history): audited as an export."""
    found = linkage_run(actor, pk)
    if found.status != EstimateStatus.DONE:
        raise Http404
    audit.record(actor, Action.EXPORT, found, purpose="statistics", details={"format": "csv"})
    return found
