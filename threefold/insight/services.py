"""Every write of insight: importing and deleting datasets, setting a privacy budget, differentially private
releases, raw-counts allowances and estimates of the hidden number (multiple systems estimation). Each runs in
one transaction with its audit entry."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from threefold.accounts.actor import Actor, system_actor_label
from threefold.accounts.models import Organisation, User
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.insight.core import privacy
from threefold.insight.core.ctdc import CtdcFile, read_ctdc
from threefold.insight.core.frame import Frame, tables_to_bytes
from threefold.insight.core.mse import DEFAULT_PTHRESH, Lists
from threefold.insight.core.mse_bootstrap import DEFAULT_NBOOT, DEFAULT_SEED
from threefold.insight.core.mse_input import read_rows, read_text
from threefold.insight.core.prosecutions import TABLES, ProsecutionFiles, read_prosecutions
from threefold.insight.models import (
    Dataset,
    DatasetKind,
    Estimate,
    EstimateStatus,
    RawCountsAllowance,
    Release,
    releases_of,
)

# The report stored with a dataset keeps this many problems; the import itself reports every one.
STORED_PROBLEMS = 200
CTDC_TERMS = (
    "CTDC terms of use: https://www.ctdatacollaborative.org/terms-use"
    " (cite the Counter Trafficking Data Collaborative)."
)


PROSECUTIONS_SOURCE = (
    "US federal human-trafficking prosecutions, humantraffickingdata.org, as published in three CSV files by "
    "github cassiecorey/HumanTraffickingData"
)
PROSECUTIONS_TERMS = (
    "No licence file: facts from federal court records. "
    "Cite humantraffickingdata.org and the files' publisher."
)


class ImportRefusedError(ValueError):
    """The file (or one of the files) has rejected lines and the user did not choose to import only the valid
    ones: nothing was saved. ``data_lines``, ``rejected`` and ``valid`` count lines of every file read."""

    def __init__(self, parsed: CtdcFile | ProsecutionFiles) -> None:
        self.parsed = parsed
        if isinstance(parsed, ProsecutionFiles):
            self.data_lines, self.rejected, self.valid = parsed.data_lines, parsed.rejected, parsed.valid
        else:
            self.data_lines, self.rejected = parsed.data_lines, len(parsed.rejected_lines)
            self.valid = len(parsed.records)
        super().__init__(
            f"{self.rejected} of {self.data_lines} lines were rejected, so nothing was imported. "
            "Correct them, or import only the valid lines explicitly."
        )


@dataclass(frozen=True)
class Importer:
    """Who imports: a member acting in the web or API, or a management command for an organisation."""

    organisation: Organisation
    actor: Actor | None = None
    system_label: str = ""

    def record(self, action: Action, obj: Any, **details: Any) -> None:
        audit.record(
            self.actor,
            action,
            obj,
            details=details,
            system_label=self.system_label,
            organisation_id=self.organisation.pk,
        )


def import_ctdc(
    importer: Importer,
    lines: Iterable[str],
    *,
    name: str,
    file_name: str,
    file_sha256: str,
    accept_valid: bool = False,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> tuple[Dataset, CtdcFile]:
    """Read a CTDC file and keep it as a dataset, or raise ImportRefusedError and keep nothing.

    All or nothing: one rejected line refuses the whole file unless ``accept_valid`` (the user has seen the
    report and asked for the valid lines only). Raises CtdcFormatError for a file that is not CTDC at all.
    """
    name = _checked_name(importer, name)
    parsed = read_ctdc(lines, progress=progress)
    if parsed.rejected_lines and not accept_valid:
        raise ImportRefusedError(parsed)
    if not parsed.records:
        raise ValueError("The file holds no valid record: nothing was imported.")
    frame = Frame.from_records(parsed.columns, parsed.records)
    report = {
        "missing": parsed.missing,
        "rejected_lines": parsed.rejected_lines[:STORED_PROBLEMS],
        "problems": [
            {"line": p.line, "column": p.column, "value": p.value[:80], "message": p.message}
            for p in parsed.problems[:STORED_PROBLEMS]
        ],
        "problem_count": len(parsed.problems),
        "accepted_valid_only": bool(parsed.rejected_lines),
    }
    dataset = _create(
        importer,
        {"records": frame.size, "rejected_lines": len(parsed.rejected_lines), "sha256": file_sha256},
        name=name,
        kind=DatasetKind.CTDC,
        layout=str(parsed.layout),
        source=source or f"Counter Trafficking Data Collaborative ({parsed.layout} layout), file {file_name}",
        terms=parsed.notice or CTDC_TERMS,
        file_name=file_name[:255],
        file_sha256=file_sha256,
        row_count=frame.size,
        data_lines=parsed.data_lines,
        rejected_lines=len(parsed.rejected_lines),
        report=report,
        frame=frame.to_bytes(),
    )
    return dataset, parsed


def _checked_name(importer: Importer, name: str) -> str:
    if importer.actor is not None and not allowed(importer.actor, "insight.import_dataset"):
        raise PermissionDenied
    name = name.strip()
    if not name or len(name) > Dataset._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValueError("Give the dataset a name of at most 120 characters.")
    return name


def _create(importer: Importer, audited: dict[str, Any], **fields: Any) -> Dataset:
    """Keep a dataset and its audit entry (what was imported, in counts) in one transaction."""
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                organisation=importer.organisation,
                imported_by=importer.actor.user if importer.actor else None,
                **fields,
            )
            importer.record(Action.CREATE, dataset, **audited)
    except IntegrityError:
        raise ValueError(
            f"This organisation already has a dataset named “{fields['name']}”: choose another name."
        ) from None
    return dataset


def import_prosecutions(
    importer: Importer,
    cases: Iterable[str],
    defendants: Iterable[str],
    judges: Iterable[str],
    *,
    name: str,
    file_names: Sequence[str],
    file_sha256s: Sequence[str],
    accept_valid: bool = False,
    source: str = "",
    progress: Callable[[str, int], None] | None = None,
) -> tuple[Dataset, ProsecutionFiles]:
    """Read the three files of the US federal prosecutions dataset (cases, defendants, judges, in that order)
    and keep them as one dataset of three tables, or raise ImportRefusedError and keep nothing.

    All or nothing, as for CTDC: one rejected line in any file refuses the whole import unless
    ``accept_valid``. Only the fields the statistics use are kept (threefold.insight.core.prosecutions, ADR
    0027): no name of a defendant or judge, no case name, docket number or summary, and nothing of a refused
    line (its problems are kept without the values). Raises ProsecutionFormatError for a file whose header is
    not its part's. The dataset's SHA-256 is that of the three files' SHA-256s, one a line, in order: the same
    three files imported again share one privacy ledger.
    """
    name = _checked_name(importer, name)
    if len(file_names) != len(TABLES) or len(file_sha256s) != len(TABLES):
        raise ValueError("Give the cases, defendants and judges files, in that order.")
    parsed = read_prosecutions(cases, defendants, judges, progress=progress)
    if parsed.rejected and not accept_valid:
        raise ImportRefusedError(parsed)
    if not parsed.cases.records:
        raise ValueError("The cases file holds no valid case: nothing was imported.")
    tables = {table.name: Frame.from_records(table.columns, table.records) for table in parsed.tables}
    report = {
        "missing": {},
        "rejected_lines": [],  # per file, under "tables": a line number alone would not say which file
        "tables": {
            table.name: {
                "data_lines": table.data_lines,
                "valid": table.valid,
                "rejected": table.rejected,
                "rejected_lines": table.rejected_lines[:STORED_PROBLEMS],
            }
            for table in parsed.tables
        },
        # The values at fault are not kept: a shifted line could put a name in any column.
        "problems": [
            {"table": p.table, "line": p.line, "column": p.column, "value": "", "message": p.message}
            for p in parsed.problems[:STORED_PROBLEMS]
        ],
        "problem_count": len(parsed.problems),
        "accepted_valid_only": not parsed.clean,
        "notes": parsed.notes,
    }
    combined = hashlib.sha256("".join(f"{digest}\n" for digest in file_sha256s).encode()).hexdigest()
    dataset = _create(
        importer,
        {
            "records": {table.name: table.valid for table in parsed.tables},
            "rejected_lines": parsed.rejected,
            "sha256": list(file_sha256s),
        },
        name=name,
        kind=DatasetKind.PROSECUTIONS,
        layout="htprosecution",
        source=source or PROSECUTIONS_SOURCE,
        terms=PROSECUTIONS_TERMS,
        file_name=" + ".join(file_names)[:255],
        file_sha256=combined,
        row_count=parsed.cases.valid,
        data_lines=parsed.data_lines,
        rejected_lines=parsed.rejected,
        report=report,
        frame=tables_to_bytes(tables),
    )
    return dataset, parsed


def sha256_of(path_or_bytes: bytes | str) -> str:
    if isinstance(path_or_bytes, bytes):
        return hashlib.sha256(path_or_bytes).hexdigest()
    digest = hashlib.sha256()
    with open(path_or_bytes, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def delete_dataset(actor: Actor, dataset: Dataset) -> None:
    if not allowed(actor, "insight.delete_dataset", dataset):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, dataset, details={"name_length": len(dataset.name)})
        # The releases stay (Release.dataset becomes null): what was published stays published, and the privacy
        # it spent stays spent for the same file if it is imported again.
        dataset.delete()


def set_budget(actor: Actor, dataset: Dataset, *, epsilon: float, delta: float = 0.0) -> None:
    """Set the total privacy budget of a dataset. It can never go below what releases have already spent."""
    if not allowed(actor, "insight.set_budget", dataset):
        raise PermissionDenied
    if not (math.isfinite(epsilon) and math.isfinite(delta) and epsilon > 0 and 0 <= delta < 1):
        raise ValueError("The budget must be a positive ε and a δ between 0 and 1.")
    with transaction.atomic():
        locked = _lock_file(dataset)
        spent = spent_of(locked)
        if epsilon < spent.epsilon or delta < spent.delta:
            raise ValueError(
                f"Releases have already spent ε = {spent.epsilon:.2f}: the budget cannot be set below that."
            )
        privacy.check_budget(
            privacy.Budget(epsilon, delta), privacy.Spent(0.0, 0.0, 0), privacy.Budget(0.0, 0.0)
        )
        locked.epsilon_budget, locked.delta_budget = epsilon, delta
        locked.save(update_fields=["epsilon_budget", "delta_budget"])
        audit.record(actor, Action.UPDATE, locked, details={"epsilon_budget": epsilon, "delta_budget": delta})
    dataset.epsilon_budget, dataset.delta_budget = epsilon, delta


def _lock_file(dataset: Dataset) -> Dataset:
    """Lock every dataset imported from the same file (in id order, so two releases cannot deadlock) and return
    this one, fresh: two releases at once, from this import or another of the same file, are then summed one
    after the other."""
    locked = list(
        Dataset.objects.select_for_update()
        .filter(organisation_id=dataset.organisation_id, file_sha256=dataset.file_sha256)
        .order_by("pk")
        .defer("frame")
    )
    return next(found for found in locked if found.pk == dataset.pk)


def spent_of(dataset: Dataset) -> privacy.Spent:
    """What releases of the dataset's file have spent: a file imported again (or twice) shares one ledger."""
    releases = list(releases_of(dataset).values_list("epsilon", "delta"))
    return privacy.Spent(
        epsilon=sum(e for e, _ in releases), delta=sum(d for _, d in releases), releases=len(releases)
    )


def release(
    actor: Actor,
    dataset: Dataset,
    *,
    kind: str,
    field: str,
    epsilon: float,
    make: Callable[[], privacy.Released],
    query: Mapping[str, Any],
) -> Release:
    """Spend ``epsilon`` of the dataset's budget on one release, or raise BudgetExceededError and spend nothing.

    The dataset row is locked while the ledger is summed, so two releases at once cannot both fit in what only
    one of them fits in.
    """
    if not allowed(actor, "insight.release_private", dataset):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_file(dataset)
        asked = privacy.Budget(epsilon, 0.0)
        privacy.check_budget(
            privacy.Budget(locked.epsilon_budget, locked.delta_budget), spent_of(locked), asked
        )
        released = make()
        row = Release.objects.create(
            dataset=locked,
            organisation_id=locked.organisation_id,
            file_sha256=locked.file_sha256,
            kind=kind,
            query={"field": field, **query},
            epsilon=released.epsilon,
            delta=released.delta,
            mechanism=released.mechanism,
            result=released_json(released),
            released_by=actor.user,
        )
        audit.record(
            actor,
            Action.EXPORT,
            row,
            details={"dataset": locked.pk, "epsilon": released.epsilon, "kind": kind},
        )
    return row


def released_json(released: privacy.Released) -> dict[str, Any]:
    return {
        "values": released.values,
        # Clipped at zero for counts (post-processing: costs no privacy); what pages show.
        "display": released.display,
        "expected_error": released.plan.expected_error,
        "confidence": released.plan.confidence,
        "scale": released.plan.scale,
    }


def allow_raw_counts(
    organisation: Organisation, user: User, *, reason: str, granted_by: str
) -> RawCountsAllowance:
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why this member needs raw counts: the reason is kept with the allowance.")
    with transaction.atomic():
        allowance = RawCountsAllowance.objects.create(
            organisation=organisation, user=user, reason=reason[:300], granted_by=granted_by[:200]
        )
        audit.record(
            None,
            Action.GRANT,
            allowance,
            details={"permission": "insight.view_raw_counts", "user": user.pk},
            system_label=granted_by,
            organisation_id=organisation.pk,
        )
    return allowance


def revoke_raw_counts(organisation: Organisation, user: User, *, revoked_by: str) -> int:
    with transaction.atomic():
        count = RawCountsAllowance.objects.filter(
            organisation=organisation, user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if count:
            audit.record(
                None,
                Action.REVOKE,
                ("insight.rawcountsallowance", str(user.pk)),
                details={"permission": "insight.view_raw_counts", "user": user.pk},
                system_label=revoked_by,
                organisation_id=organisation.pk,
            )
    return count


def fields_exist(frame: Frame, names: Sequence[str]) -> None:
    for name in names:
        frame.column(name)


# --- Estimates of the hidden number (multiple systems estimation) ---------------------------------------------

MAX_REPLICATES = 2000  # bootstrap replicates of one estimate: about a minute of a worker for five lists
# A table of list overlaps, pasted or uploaded: 12 lists (the most) have 4,095 combinations of about 30
# characters each, so this holds any table that can be estimated, and nothing much larger.
MAX_TABLE_CHARS = 200_000
ESTIMATE_TASK = system_actor_label("run_estimate")


def create_estimate(
    actor: Actor,
    name: str,
    table: str | Sequence[Sequence[object]],
    pthresh: float = DEFAULT_PTHRESH,
    nboot: int = DEFAULT_NBOOT,
    *,
    table_name: str = "The table",
) -> Estimate:
    """Keep a table of list overlaps and queue its estimate (threefold.insight.tasks.run_estimate).

    ``table`` is CSV text (``manage.py mse``'s layout: one 0/1 column per list and a ``count`` column) or rows
    of cells, the header first. It is read by the command's reader, all or nothing: TableInputError (with
    every malformed line) and nothing is kept. ValueError for a name, threshold or number of replicates out of
    bounds. The task is queued once the row is committed, so a worker never looks for a row not yet there.
    """
    if not allowed(actor, "insight.estimate"):
        raise PermissionDenied
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied
    name = name.strip()
    if not name or len(name) > Estimate._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValueError("Give the estimate a name of at most 120 characters.")
    if not (math.isfinite(pthresh) and 0 <= pthresh <= 1):
        raise ValueError("The p-value threshold must be between 0 and 1.")
    if nboot < 0 or nboot == 1 or nboot > MAX_REPLICATES:
        raise ValueError(f"The bootstrap takes 0 (none) or 2 to {MAX_REPLICATES} replicates.")
    if isinstance(table, str):
        if len(table) > MAX_TABLE_CHARS:
            raise ValueError(f"The table is longer than {MAX_TABLE_CHARS:,} characters.")
        lists = read_text(table, table_name)
    else:
        lists = read_rows(
            [(number, [str(cell) for cell in row]) for number, row in enumerate(table, 1)], table_name
        )
    with transaction.atomic():
        estimate = Estimate.objects.create(
            organisation=organisation,
            name=name,
            created_by=actor.user,
            lists=list(lists.names),
            table=table_rows(lists),
            pthresh=pthresh,
            nboot=nboot,
            seed=DEFAULT_SEED,
        )
        audit.record(
            actor,
            Action.CREATE,
            estimate,
            details={"lists": lists.size, "cases": lists.observed, "pthresh": pthresh, "nboot": nboot},
        )
        transaction.on_commit(lambda pk=estimate.pk: _enqueue(pk))  # type: ignore[misc]
    return estimate


def _enqueue(pk: int) -> None:
    from threefold.insight.tasks import run_estimate  # the task module imports this one

    run_estimate.enqueue(pk)


def table_rows(lists: Lists) -> list[list[int]]:
    """The combinations of lists that have cases, as stored: [0 or 1 per list..., count]."""
    return [[*flags, count] for flags, count in lists.rows()]


def lists_of(estimate: Estimate) -> Lists:
    """The stored table as the estimator's input (it was validated when it was kept)."""
    return Lists.from_rows(estimate.lists, ((row[:-1], row[-1]) for row in estimate.table))


def delete_estimate(actor: Actor, estimate: Estimate) -> None:
    """Delete an estimate (a task still running on it finds it gone and stops writing)."""
    if not (allowed(actor, "insight.estimate") and estimate.organisation_id == actor.organisation_id):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, estimate, details={"status": estimate.status})
        estimate.delete()


class NotStalledError(ValueError):
    """Only an estimate whose worker is gone (Estimate.stalled) is started again."""


def restart_estimate(actor: Actor, estimate: Estimate) -> Estimate:
    """Queue again an estimate that stalled (its worker stopped): the same table, from the start."""
    if not (allowed(actor, "insight.estimate") and estimate.organisation_id == actor.organisation_id):
        raise PermissionDenied
    with transaction.atomic():
        locked = Estimate.objects.select_for_update().get(pk=estimate.pk)
        if not locked.stalled:
            raise NotStalledError("the estimate is finished or its work is still going on")
        locked.status, locked.progress_done, locked.progress_total = EstimateStatus.QUEUED, 0, 0
        locked.progress_at = timezone.now()
        locked.save(update_fields=["status", "progress_done", "progress_total", "progress_at"])
        audit.record(actor, Action.UPDATE, locked, details={"restarted": True})
        transaction.on_commit(lambda pk=locked.pk: _enqueue(pk))  # type: ignore[misc]
    return locked


def start_estimate(pk: int) -> Estimate | None:
    """Mark an estimate as running for the task, or None if it is gone or finished already (run twice)."""
    with transaction.atomic():
        started = Estimate.objects.filter(
            pk=pk, status__in=(EstimateStatus.QUEUED, EstimateStatus.RUNNING)
        ).update(
            status=EstimateStatus.RUNNING,
            progress_done=0,
            progress_total=0,
            error="",
            progress_at=timezone.now(),
        )
        if not started:
            return None
        estimate = Estimate.objects.get(pk=pk)
        _task_record(estimate, Action.UPDATE, status=EstimateStatus.RUNNING)
    return estimate


def save_progress(pk: int, done: int, total: int) -> None:
    """How far the task is; not audited (bookkeeping of the task, no change of what anyone sees)."""
    Estimate.objects.filter(pk=pk, status=EstimateStatus.RUNNING).update(
        progress_done=max(0, done), progress_total=max(0, total), progress_at=timezone.now()
    )


def finish_estimate(pk: int, result: Mapping[str, Any]) -> bool:
    """Keep the task's result; False if the estimate was deleted meanwhile."""
    return _finish(pk, EstimateStatus.DONE, result=dict(result))


def fail_estimate(pk: int, message: str) -> bool:
    """Keep why there is no estimate (an MseError's plain words); False if the estimate was deleted meanwhile."""
    return _finish(pk, EstimateStatus.FAILED, error=message[:2000])


def _finish(
    pk: int, status: EstimateStatus, *, result: dict[str, Any] | None = None, error: str = ""
) -> bool:
    with transaction.atomic():
        estimate = Estimate.objects.select_for_update().filter(pk=pk).first()
        if estimate is None:
            return False
        estimate.status = status
        estimate.result = result
        estimate.error = error
        estimate.finished_at = timezone.now()
        if status == EstimateStatus.DONE:
            estimate.progress_done = estimate.progress_total = max(estimate.progress_total, 1)
        estimate.save(
            update_fields=["status", "result", "error", "finished_at", "progress_done", "progress_total"]
        )
        _task_record(estimate, Action.UPDATE, status=status)
    return True


def _task_record(estimate: Estimate, action: Action, **details: Any) -> None:
    audit.record(
        None,
        action,
        estimate,
        details=details,
        system_label=ESTIMATE_TASK,
        organisation_id=estimate.organisation_id,
    )
