"""Every write of record linkage: making and importing encoding sets, deleting them and purging the expired ones,
the workers' bookkeeping, linkage runs, and an estimate of the hidden number from a run's overlap. Each change
runs in one transaction with its audit entry; audit entries hold ids and counts only (no label, no key check).

The linkage secret is never kept. To make a set in the background the worker needs it, so it is handed over
sealed under the organisation's data key in the set's row (``pending_secret``) and erased by the worker in the
same transaction that starts the work (`take_secret`); a set that no worker picked up within
``STALE_AFTER`` is failed and its secret erased by ``manage.py purge_expired_encodings``. The task's own
arguments (stored by the database task backend) hold the set's id only.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.insight import services
from threefold.insight.core.mse import MAX_LISTS
from threefold.insight.core.pprl import DEFAULT_THRESHOLD, LinkageKey, read_encodings
from threefold.insight.core.pprl.files import DEFAULT_VALIDITY, MAX_VALIDITY
from threefold.insight.core.pprl.keys import MIN_SECRET_BYTES
from threefold.insight.linkage_records import SCHEMA
from threefold.insight.models import (
    ENCODING_DATA_CONTEXT,
    ENCODING_MAPPING_CONTEXT,
    ENCODING_SECRET_CONTEXT,
    EncodingSet,
    EncodingSource,
    Estimate,
    EstimateStatus,
    LinkageRun,
)
from threefold.vault import sealed

DEFAULT_DAYS: Final = DEFAULT_VALIDITY.days
MAX_DAYS: Final = MAX_VALIDITY.days
STALE: Final = "stale"  # the failure code of a set that waited too long for a worker
STALE_AFTER: Final = dt.timedelta(hours=1)  # a set no worker started by then is failed, its secret erased
MIN_THRESHOLD: Final = 0.5  # below this Dice almost anyone matches anyone: a run would only mislead
MAX_LABEL: Final = 120
ENCODE_TASK: Final = "system:make_encodings"
RUN_TASK: Final = "system:linkage_run"
PURGE: Final = "system:purge_expired_encodings"
_HEX: Final = re.compile(r"[0-9a-fA-F]+")
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+=*")


# --- The linkage secret ----------------------------------------------------------------------------------------


class SecretError(ValueError):
    """What was pasted is not a usable linkage secret; the message says why in plain words."""


def new_secret() -> str:
    """A fresh secret of 32 random bytes as base64url (43 characters), to show once and share out of band."""
    return base64.urlsafe_b64encode(os.urandom(MIN_SECRET_BYTES)).rstrip(b"=").decode("ascii")


def parse_secret(text: str) -> bytes:
    """The secret's bytes from what the other party gave: base64url as Threefold shows it (43 characters), or hex
    (64 digits). Spaces and line breaks, which copying across applications adds, are ignored."""
    cleaned = "".join(text.split())
    if not cleaned:
        raise SecretError(_("Paste the linkage secret the other organisation gave you."))
    if _HEX.fullmatch(cleaned) and len(cleaned) % 2 == 0 and len(cleaned) >= 2 * MIN_SECRET_BYTES:
        secret = bytes.fromhex(cleaned)
    elif _BASE64URL.fullmatch(cleaned):
        try:
            secret = base64.urlsafe_b64decode(cleaned.rstrip("=") + "=" * (-len(cleaned.rstrip("=")) % 4))
        except (binascii.Error, ValueError):
            raise SecretError(_("This is not a linkage secret: check that it was copied whole.")) from None
    else:
        raise SecretError(
            _("This is not a linkage secret: it holds characters a secret never has. Copy it again, whole.")
        )
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            _(
                "This secret is too short: a linkage secret is 32 random bytes (43 characters as Threefold "
                "shows it). Check that it was copied whole."
            )
        )
    return secret


# --- Encoding sets -----------------------------------------------------------------------------------------------


def _seal(found: EncodingSet, value: bytes, context: str) -> bytes:
    return sealed.seal(
        value, organisation_id=found.organisation_id, context=sealed.row_context(context, found.reference)
    )


def _check_label(actor: Actor, label: str) -> str:
    label = label.strip()
    if not label or len(label) > MAX_LABEL:
        raise ValueError(
            _("Give the encoding set a name of at most %(most)s characters.") % {"most": MAX_LABEL}
        )
    if label.lower() == "count":
        raise ValueError(_("“count” names the column of counts in a table of overlaps: choose another name."))
    taken = EncodingSet.objects.filter(
        organisation_id=actor.org_id, label=label, expires_at__gt=timezone.now()
    ).exists()
    if taken:
        raise ValueError(
            _("Your organisation already has an encoding set named “%(name)s”: choose another name.")
            % {"name": label}
        )
    return label


def _check_days(valid_days: int) -> int:
    if not 1 <= valid_days <= MAX_DAYS:
        raise ValueError(_("Encodings are kept for 1 to %(most)s days.") % {"most": MAX_DAYS})
    return valid_days


def make_encodings(actor: Actor, *, label: str, secret: bytes, valid_days: int = DEFAULT_DAYS) -> EncodingSet:
    """Queue the encoding of the organisation's people (those with a statistics consent in force) with ``secret``.

    The set is kept for ``valid_days`` (the file the other party receives expires then too). ValueError for a
    name or a number of days out of bounds, or a secret too short. The task is queued once the row is committed.
    """
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    key = LinkageKey(secret)  # ValueError for a short secret
    label = _check_label(actor, label)
    days = _check_days(valid_days)
    now = timezone.now()
    with transaction.atomic():
        found = EncodingSet(
            organisation_id=actor.org_id,
            label=label,
            source=EncodingSource.MADE,
            schema_name=SCHEMA.name,
            schema_version=SCHEMA.version,
            fingerprint=SCHEMA.fingerprint(key),
            key_check=key.key_check,
            created_by=actor.user,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
            valid_days=days,
        )
        found.pending_secret = _seal(found, bytes(secret), ENCODING_SECRET_CONTEXT)
        found.save()
        audit.record(
            actor, Action.CREATE, found, purpose="record linkage", details={"source": "made", "days": days}
        )
        transaction.on_commit(lambda pk=found.pk: _enqueue_encoding(pk))  # type: ignore[misc]
    return found


def _enqueue_encoding(pk: int) -> None:
    from threefold.insight.linkage_tasks import make_encodings as task  # the task module imports this one

    task.enqueue(pk)


def take_secret(pk: int) -> tuple[EncodingSet, bytes] | None:
    """Start making a set: mark it running and erase its secret from the database, returning it to the worker
    (in memory only). None if the set is gone, already started, or its secret was erased (stale)."""
    with transaction.atomic():
        found = EncodingSet.objects.select_for_update().filter(pk=pk, status=EstimateStatus.QUEUED).first()
        if found is None or found.pending_secret is None:
            return None
        secret = sealed.unseal(
            bytes(found.pending_secret),
            organisation_id=found.organisation_id,
            context=sealed.row_context(ENCODING_SECRET_CONTEXT, found.reference),
        )
        found.pending_secret = None
        found.status = EstimateStatus.RUNNING
        found.save(update_fields=["pending_secret", "status"])
        _task_record(found, ENCODE_TASK, status=EstimateStatus.RUNNING)
    return found, secret


def save_set_progress(pk: int, done: int, total: int) -> None:
    """How far the worker is; not audited (bookkeeping)."""
    EncodingSet.objects.filter(pk=pk, status=EstimateStatus.RUNNING).update(
        progress_done=max(0, done), progress_total=max(0, total)
    )


def finish_made_set(
    pk: int, *, data: bytes, person_ids: Sequence[int], left_out: int, file_id: str, expires_at: dt.datetime
) -> bool:
    """Keep a set the worker made: the file and the position -> person mapping, both sealed. False if gone."""
    with transaction.atomic():
        found = EncodingSet.objects.select_for_update().filter(pk=pk, status=EstimateStatus.RUNNING).first()
        if found is None:
            return False
        found.data = _seal(found, data, ENCODING_DATA_CONTEXT)
        found.mapping = _seal(found, json.dumps(list(person_ids)).encode(), ENCODING_MAPPING_CONTEXT)
        found.record_count = len(person_ids)
        found.left_out = left_out
        found.file_id = file_id
        found.expires_at = expires_at
        found.status = EstimateStatus.DONE
        found.progress_done = found.progress_total = max(found.progress_total, 1)
        found.finished_at = timezone.now()
        found.save()
        _task_record(
            found, ENCODE_TASK, status=EstimateStatus.DONE, records=len(person_ids), left_out=left_out
        )
    return True


def fail_set(pk: int, code: str, *, left_out: int = 0) -> bool:
    """Keep why the set could not be made (a code the pages put into words); its secret, if any, is erased."""
    with transaction.atomic():
        found = EncodingSet.objects.select_for_update().filter(pk=pk).first()
        if found is None:
            return False
        found.status = EstimateStatus.FAILED
        found.error = code[:2000]
        found.left_out = left_out
        found.pending_secret = None
        found.finished_at = timezone.now()
        found.save(update_fields=["status", "error", "left_out", "pending_secret", "finished_at"])
        _task_record(found, ENCODE_TASK, status=EstimateStatus.FAILED)
    return True


def _task_record(obj: EncodingSet | LinkageRun, label: str, **details: Any) -> None:
    audit.record(
        None, Action.UPDATE, obj, details=details, system_label=label, organisation_id=obj.organisation_id
    )


class DuplicateFileError(ValueError):
    """The file is one this organisation already holds (imported before, or made here)."""

    def __init__(self, made_here: bool) -> None:
        super().__init__("made here" if made_here else "already imported")
        self.made_here = made_here


class EmptyFileError(ValueError):
    """The file is valid but holds no encoding."""


def import_encodings(actor: Actor, *, label: str, data: bytes, secret: bytes) -> EncodingSet:
    """Keep another party's encoding file, checked with the secret both hold: all or nothing.

    Raises (and keeps nothing): ``EncodingFileError`` with its reason (format, truncated, version, malformed,
    key, tampered, schema, expired), ``DuplicateFileError``, ``EmptyFileError``, ValueError for a name or a
    secret that is too short. A refusal is audited with its reason and size only. The set expires when the file
    does, and never later than MAX_DAYS from now whatever the file says.
    """
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    key = LinkageKey(secret)
    label = _check_label(actor, label)
    try:
        read = read_encodings(data, SCHEMA, key)
        held = EncodingSet.objects.filter(organisation_id=actor.org_id, file_id=read.file_id).first()
        if held is not None:
            raise DuplicateFileError(held.source == EncodingSource.MADE)
        if not len(read.encodings):
            raise EmptyFileError("the file holds no encoding")
    except ValueError as error:
        reason = getattr(error, "reason", type(error).__name__)
        audit.record(
            actor,
            Action.CREATE,
            ("insight.encodingset", ""),
            purpose="record linkage import refused",
            details={"refused": str(reason), "bytes": len(data)},
        )
        raise
    now = timezone.now()
    expires = min(read.expires, now + MAX_VALIDITY)
    with transaction.atomic():
        found = EncodingSet(
            organisation_id=actor.org_id,
            label=label,
            source=EncodingSource.IMPORTED,
            schema_name=read.schema_name,
            schema_version=read.schema_version,
            fingerprint=read.encodings.fingerprint,
            key_check=key.key_check,
            file_id=read.file_id,
            record_count=len(read.encodings),
            created_by=actor.user,
            created_at=now,
            expires_at=expires,
            valid_days=max(1, min(MAX_DAYS, math.ceil((expires - now).total_seconds() / 86400))),
            status=EstimateStatus.DONE,
            finished_at=now,
        )
        found.data = _seal(found, data, ENCODING_DATA_CONTEXT)
        found.save()
        audit.record(
            actor,
            Action.CREATE,
            found,
            purpose="record linkage",
            details={"source": "imported", "records": found.record_count, "file_id": read.file_id},
        )
    return found


def delete_set(actor: Actor, found: EncodingSet) -> None:
    """Delete a set before it expires (runs made with it keep their counts)."""
    if not allowed(actor, "insight.use_encoding_set", found):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, found, purpose="record linkage", details={"source": found.source})
        found.delete()


@dataclass(frozen=True)
class Purged:
    deleted: int  # expired sets deleted
    stale: int  # sets no worker started in time: failed, secret erased


def purge_expired(now: dt.datetime | None = None) -> Purged:
    """Delete every expired set and fail the sets waiting too long for a worker. Audited per set."""
    now = now or timezone.now()
    deleted = stale = 0
    with transaction.atomic():
        for found in (
            EncodingSet.objects.select_for_update()
            .filter(expires_at__lte=now)
            .defer("data", "mapping", "pending_secret")
        ):
            audit.record(
                None,
                Action.DELETE,
                found,
                purpose="expired",
                details={"source": found.source, "records": found.record_count},
                system_label=PURGE,
                organisation_id=found.organisation_id,
            )
            found.delete()
            deleted += 1
        waiting = EncodingSet.objects.select_for_update().filter(
            status__in=(EstimateStatus.QUEUED, EstimateStatus.RUNNING), created_at__lte=now - STALE_AFTER
        )
        for found in waiting.defer("data", "mapping", "pending_secret"):
            fail_set(found.pk, STALE)
            stale += 1
    return Purged(deleted, stale)


# --- Linkage runs -------------------------------------------------------------------------------------------------


class IncompatibleSetsError(ValueError):
    """The chosen sets were not made with one secret and one schema; ``groups`` lists the labels by key check."""

    def __init__(self, groups: list[list[str]]) -> None:
        super().__init__("the sets were made with different secrets or schemas")
        self.groups = groups


def start_run(
    actor: Actor, *, name: str, sets: Sequence[EncodingSet], threshold: float = DEFAULT_THRESHOLD
) -> LinkageRun:
    """Queue a comparison of ``sets`` (two to MAX_LISTS usable sets of the actor's organisation, one secret).

    ValueError (IncompatibleSetsError) when they cannot be compared; the task is queued once committed.
    """
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    name = name.strip()
    if not name or len(name) > MAX_LABEL:
        raise ValueError(_("Give the run a name of at most %(most)s characters.") % {"most": MAX_LABEL})
    if not (math.isfinite(threshold) and MIN_THRESHOLD <= threshold <= 1):
        raise ValueError(_("The Dice threshold is between %(least)s and 1.") % {"least": MIN_THRESHOLD})
    if not 2 <= len(sets) <= MAX_LISTS:
        raise ValueError(_("Choose from 2 to %(most)s encoding sets.") % {"most": MAX_LISTS})
    if any(not (s.organisation_id == actor.org_id and s.usable and s.record_count) for s in sets):
        raise PermissionDenied
    if len({s.pk for s in sets}) != len(sets):
        raise ValueError(_("Choose each encoding set once."))
    groups: dict[str, list[str]] = {}
    for s in sets:
        groups.setdefault(s.fingerprint, []).append(s.label)
    if len(groups) > 1:
        raise IncompatibleSetsError(list(groups.values()))
    with transaction.atomic():
        run = LinkageRun.objects.create(
            organisation_id=actor.org_id,
            name=name,
            created_by=actor.user,
            set_ids=[s.pk for s in sets],
            lists=[s.label for s in sets],
            threshold=threshold,
        )
        audit.record(
            actor,
            Action.CREATE,
            run,
            purpose="record linkage",
            details={"sets": [s.pk for s in sets], "threshold": threshold},
        )
        transaction.on_commit(lambda pk=run.pk: _enqueue_run(pk))  # type: ignore[misc]
    return run


def _enqueue_run(pk: int) -> None:
    from threefold.insight.linkage_tasks import run_linkage

    run_linkage.enqueue(pk)


def start_linkage_run(pk: int) -> LinkageRun | None:
    """Mark a run as running for the task, or None if it is gone or finished already."""
    with transaction.atomic():
        started = LinkageRun.objects.filter(
            pk=pk, status__in=(EstimateStatus.QUEUED, EstimateStatus.RUNNING)
        ).update(status=EstimateStatus.RUNNING, progress_done=0, progress_total=0, error="")
        if not started:
            return None
        run = LinkageRun.objects.get(pk=pk)
        _task_record(run, RUN_TASK, status=EstimateStatus.RUNNING)
    return run


def save_run_progress(pk: int, stage: str, done: int, total: int) -> None:
    LinkageRun.objects.filter(pk=pk, status=EstimateStatus.RUNNING).update(
        stage=stage, progress_done=max(0, done), progress_total=max(0, total)
    )


def finish_run(pk: int, result: dict[str, Any]) -> bool:
    return _finish_run(pk, EstimateStatus.DONE, result=result)


def fail_run(pk: int, code: str) -> bool:
    """Keep why the run has no result (a code the pages put into words)."""
    return _finish_run(pk, EstimateStatus.FAILED, error=code[:2000])


def _finish_run(
    pk: int, status: EstimateStatus, *, result: dict[str, Any] | None = None, error: str = ""
) -> bool:
    with transaction.atomic():
        run = LinkageRun.objects.select_for_update().filter(pk=pk).first()
        if run is None:
            return False
        run.status, run.result, run.error = status, result, error
        run.finished_at = timezone.now()
        if status == EstimateStatus.DONE:
            run.progress_done = run.progress_total = max(run.progress_total, 1)
        run.save(
            update_fields=["status", "result", "error", "finished_at", "progress_done", "progress_total"]
        )
        _task_record(run, RUN_TASK, status=status)
    return True


def delete_run(actor: Actor, run: LinkageRun) -> None:
    if not allowed(actor, "insight.change_linkage_run", run):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, run, details={"status": run.status})
        run.delete()


def overlap_rows(run: LinkageRun) -> list[list[Any]]:
    """The run's overlap as a table of the ``mse`` layout: the header (one column per list, then count) and a row
    per combination of lists that has people."""
    result = run.result or {}
    rows: list[list[Any]] = [[*run.lists, "count"]]
    rows += [list(row) for row in result.get("histories", []) if row[-1] > 0]
    return rows


def estimate_from_run(actor: Actor, run: LinkageRun) -> Estimate:
    """An estimate of the hidden number from a finished run's overlap, through the estimates' own service (so it
    is validated, kept, audited and run like one entered by hand). TableInputError when the table cannot be
    estimated from (for example, nobody is on any list)."""
    if not (allowed(actor, "insight.estimate") and allowed(actor, "insight.view_linkage_run", run)):
        raise PermissionDenied
    if run.status != EstimateStatus.DONE:
        raise ValueError(_("The run has not finished."))
    return services.create_estimate(
        actor, run.name[:MAX_LABEL], overlap_rows(run), table_name=f"The overlap of “{run.name}”"
    )
