"""The only way to read insight's data: datasets of the actor's organisation, protected tables from them and
from the organisation's own cases, the privacy ledger. Every table read is audited with what was counted.

A table leaves this module protected (threefold.disclosure) unless the actor holds an explicit raw-counts
allowance and asked for raw counts; then the audit entry says so.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from threading import Lock

import numpy as np
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent.models import Consent, Purpose
from threefold.insight.core import amounts, crosstab
from threefold.insight.core.anonymise import k_anonymise
from threefold.insight.core.frame import Frame, FrameError, tables_from_bytes
from threefold.insight.core.htcds_records import CTDC_COLUMNS, CaseFacts, RecordError, to_ctdc, to_htcds
from threefold.insight.models import Dataset, Estimate, EstimateStatus, Release, releases_of
from threefold.protect import access as person_access
from threefold.protect import case_access
from threefold.protect.models import Case
from threefold.vault import sealed

OWN_CASES = "cases"
MIN_K = 3  # the key pages use for "this organisation's own cases" in place of a dataset id

_FRAMES: OrderedDict[tuple[int, str], dict[str, Frame]] = OrderedDict()
_FRAMES_LOCK = Lock()
_CACHED_FRAMES = 8


def datasets(actor: Actor) -> list[Dataset]:
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return list(
        Dataset.objects.filter(organisation_id=actor.org_id).defer("frame").select_related("imported_by")
    )


def dataset(actor: Actor, pk: int | str) -> Dataset:
    """One dataset of the actor's organisation; anything else (another's, none) is a 404."""
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    found = (
        Dataset.objects.filter(pk=pk, organisation_id=actor.org_id).defer("frame").first()
        if str(pk).isdigit()
        else None
    )
    if found is None or not allowed(actor, "insight.view_dataset", found):
        raise Http404
    return found


def tables_of(found: Dataset) -> dict[str, Frame]:
    """The dataset's tables by name (one, ``SINGLE_TABLE``, for CTDC; cases, defendants and judges for the US
    prosecutions), decoded once and kept in a small cache (keyed by content hash, so a replaced dataset is never
    served stale)."""
    key = (found.pk, found.file_sha256)
    with _FRAMES_LOCK:
        if key in _FRAMES:
            _FRAMES.move_to_end(key)
            return _FRAMES[key]
    tables = tables_from_bytes(bytes(Dataset.objects.values_list("frame", flat=True).get(pk=found.pk)))
    with _FRAMES_LOCK:
        _FRAMES[key] = tables
        while len(_FRAMES) > _CACHED_FRAMES:
            _FRAMES.popitem(last=False)
    return tables


def frame_of(found: Dataset, table: str = "") -> Frame:
    """One table of the dataset: by default its first (CTDC's records, the prosecutions' cases), which is what
    the pages and commands that know of one table count. FrameError for a table the dataset does not have."""
    tables = tables_of(found)
    if not table:
        return next(iter(tables.values()))
    if table not in tables:
        raise FrameError(f"no table {table!r} in this dataset")
    return tables[table]


@dataclass(frozen=True)
class CaseStatistics:
    frame: Frame
    included: int  # cases counted: their person consented to inclusion in statistics
    left_out: int  # cases whose person did not (or withdrew): never counted


def own_cases_frame(actor: Actor) -> CaseStatistics:
    """The organisation's own cases as CTDC-harmonised records, for statistics only.

    Only cases whose person has a statistics consent in force are counted (consent is checked before anything
    is shared, and a published count is shared). Identities and victim contexts are decrypted here and reduced
    to banded, non-identifying fields (threefold.insight.core.htcds_records) before leaving this function; the
    audit entry records how many cases were read, never which.
    """
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    facts, left_out = _consenting_cases(actor, Purpose.STATISTICS)
    records = []
    for fact in facts:
        try:
            ctdc = to_ctdc(fact)
        except RecordError:
            left_out += 1  # a value outside today's picklists (an older record): left out rather than guessed
            continue
        records.append(tuple(ctdc[column] for column in CTDC_COLUMNS))
    audit.record(
        actor, Action.LIST, ("insight.own_cases", ""), purpose="statistics", details={"cases": len(records)}
    )
    return CaseStatistics(Frame.from_records(CTDC_COLUMNS, records), len(records), left_out)


# Fields of an HTCDS export that, together, could single someone out: given up first to last (k-anonymity).
HTCDS_QUASI_IDENTIFIERS = (
    "prs_Citizenship",
    "ext_CountryOfExploitation",
    "vic_AgeWhenTrafficked",
    "ext_YearOfRegistration",
    "prs_Gender",
)


@dataclass(frozen=True)
class HtcdsExport:
    records: tuple[dict[str, str | None], ...]
    k: int
    blanked: dict[str, int]
    withheld: int  # records no blanking could hide
    left_out: int  # cases without a data-sharing consent in force (or with values outside the picklists)


def htcds_export(actor: Actor, *, k: int = crosstab.DEFAULT_K) -> HtcdsExport:
    """The organisation's cases as HTCDS 2.0 records, for sharing: only people with a data-sharing consent in
    force (naming no recipient, so covering any), no names, contacts, places or exact dates, and k-anonymous
    on the quasi-identifiers (values blanked, records withheld, as the CTDC k-anonymised dataset does).
    Audited as an export with counts only."""
    if not allowed(actor, "insight.export_cases"):
        raise PermissionDenied
    facts, left_out = _consenting_cases(actor, Purpose.DATA_SHARING)
    rows: list[dict[str, str | None]] = []
    for fact in facts:
        try:
            rows.append({key: value or None for key, value in to_htcds(fact).items()})
        except RecordError:
            left_out += 1
    anonymised = k_anonymise(rows, HTCDS_QUASI_IDENTIFIERS, k)
    audit.record(
        actor,
        Action.EXPORT,
        ("insight.htcds_export", ""),
        purpose="HTCDS export",
        details={"records": len(anonymised.records), "withheld": anonymised.withheld, "k": k},
    )
    return HtcdsExport(anonymised.records, k, anonymised.blanked, anonymised.withheld, left_out)


def _consenting_cases(actor: Actor, purpose: Purpose) -> tuple[list[CaseFacts], int]:
    """The facts of the organisation's cases whose person consented to ``purpose`` (no recipient), and how many
    other cases were left out. Decrypts; callers audit."""
    consenting = Consent.objects.in_force(purpose).filter(organisation_id=actor.org_id)
    cases = Case.objects.filter(organisation_id=actor.org_id, person__erased_at__isnull=True).select_related(
        "person"
    )
    included = list(cases.filter(person_id__in=consenting.values("person_id")).order_by("pk"))
    left_out = cases.count() - len(included)
    facts: list[CaseFacts] = []
    for chunk in _chunks(included, 500):
        keys = sealed.keys_for(
            bytes(blob) for case in chunk for blob in (case.person.identity, case.context) if blob
        )
        identities = {
            o.person.pk: o.identity for o in person_access.open_many([c.person for c in chunk], keys)
        }
        for case in chunk:
            identity = identities.get(case.person_id)
            if identity is None:
                left_out += 1
                continue
            facts.append(
                CaseFacts.from_identity(
                    reference=case.reference,
                    opened_on=timezone.localdate(case.opened_at),
                    stage=case.stage,
                    identity=identity,
                    context=case_access.read_context(case, keys),
                    closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
                )
            )
    return facts, left_out


def _chunks(items: Sequence[Case], size: int) -> Iterable[Sequence[Case]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class CommandReader:
    """A management command reading for an organisation (``manage.py stats``): audited under its label."""

    organisation_id: int
    label: str


class OneFieldAtATimeError(ValueError):
    """The organisation's own cases are counted by one field at a time (see ``protected_table``)."""


def protected_table(
    reader: Actor | CommandReader,
    frame: Frame,
    by: Sequence[str],
    *,
    where: Mapping[str, Iterable[str]] | None = None,
    k: int = crosstab.DEFAULT_K,
    source: str,
) -> crosstab.Published:
    """A protected table of ``frame`` counted by ``by``: audited with the fields and the rule, not the counts.

    The organisation's own cases (``source`` OWN_CASES) are counted by one field at a time. Suppression protects
    each table against its own totals; two cross-tabs of the same people that share a field (gender by age,
    gender by citizenship) share those totals but may hide different ones, and together can pin down a count
    that each hides. Tables by one field each are linked only through their grand total, which is hidden in
    all of them or in none: it is hidden exactly when it is below k, never to protect a cell (crosstab.protect
    passes total_published_elsewhere), so they can be published side by side. A table that cannot be
    protected with its total shown raises CannotProtectError.
    Imported datasets are published files already; they keep cross-tabs."""
    if isinstance(reader, Actor) and not allowed(reader, "insight.view_statistics"):
        raise PermissionDenied
    if source == OWN_CASES and len(by) > 1:
        raise OneFieldAtATimeError("your own cases are counted by one field at a time")
    if k < MIN_K:
        # k = 1 or 2 hides (almost) nothing: that is raw counts, which need an explicit allowance (raw_table).
        raise ValueError(f"k must be at least {MIN_K}; true counts need a raw-counts allowance")
    published = crosstab.protect(crosstab.tally(frame, by, where=where), k)
    actor = reader if isinstance(reader, Actor) else None
    audit.record(
        actor,
        Action.VIEW,
        ("insight.table", source),
        purpose="statistics",
        details={"by": list(by), "k": k, "filters": sorted(where or {})},
        system_label="" if actor else reader.label,
        organisation_id=None if actor else reader.organisation_id,
    )
    return published


def protected_summary(
    reader: Actor | CommandReader,
    frame: Frame,
    field: str,
    *,
    where: Mapping[str, Iterable[str]] | None = None,
    positive_only: bool = False,
    k: int = crosstab.DEFAULT_K,
    source: str,
) -> amounts.Summary:
    """The number, sum and median of a numeric field over the selected records (those above zero only, if
    asked): nothing of them when fewer than k values go in (threefold.insight.core.amounts). Audited as a table
    read, with the field and the rule."""
    if isinstance(reader, Actor) and not allowed(reader, "insight.view_statistics"):
        raise PermissionDenied
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}")
    column = frame.column(field)
    lookup = []
    for level in column.levels:
        try:
            lookup.append(float(level))
        except ValueError:
            raise FrameError(f"{field} is not a numeric field") from None
    values = np.array((math.nan, *lookup), dtype=float)[column.codes]
    if where:
        values = values[frame.mask(where)]
    if positive_only:
        values = values[values > 0]
    summary = amounts.summarise(values.tolist(), k)
    actor = reader if isinstance(reader, Actor) else None
    audit.record(
        actor,
        Action.VIEW,
        ("insight.table", source),
        purpose="statistics",
        details={"summary": field, "k": k, "filters": sorted(where or {})},
        system_label="" if actor else reader.label,
        organisation_id=None if actor else reader.organisation_id,
    )
    return summary


def command_dataset(organisation_id: int, name_or_id: str) -> Dataset:
    """A dataset named (or numbered) on a command line, within one organisation."""
    found = Dataset.objects.filter(organisation_id=organisation_id, name=name_or_id).defer("frame").first()
    if found is None and name_or_id.isdigit():
        found = (
            Dataset.objects.filter(organisation_id=organisation_id, pk=int(name_or_id)).defer("frame").first()
        )
    if found is None:
        raise Dataset.DoesNotExist(f"no dataset “{name_or_id}” in organisation {organisation_id}")
    return found


def raw_table(
    actor: Actor,
    frame: Frame,
    by: Sequence[str],
    *,
    where: Mapping[str, Iterable[str]] | None = None,
    source: str,
) -> crosstab.Tally:
    """True counts, for a member with an explicit raw-counts allowance only. Audited as an export."""
    if not allowed(actor, "insight.view_raw_counts"):
        raise PermissionDenied
    counts = crosstab.tally(frame, by, where=where)
    audit.record(
        actor,
        Action.EXPORT,
        ("insight.table", source),
        purpose="raw counts (allowance)",
        details={"by": list(by), "raw": True, "filters": sorted(where or {})},
    )
    return counts


def ledger(actor: Actor, found: Dataset) -> list[Release]:
    """The releases made from a dataset, newest first: the budget's history."""
    if not allowed(actor, "insight.view_dataset", found):
        raise Http404
    return list(releases_of(found).select_related("released_by"))


def estimates(actor: Actor) -> list[Estimate]:
    """The organisation's estimates of the hidden number, newest first (their names and status, not the work)."""
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return list(
        Estimate.objects.filter(organisation_id=actor.org_id)
        .defer("table", "result")
        .select_related("created_by")
    )


def estimate(actor: Actor, pk: int | str) -> Estimate:
    """One estimate of the actor's organisation; another organisation's, or none, is a 404."""
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    found = (
        Estimate.objects.filter(pk=pk, organisation_id=actor.org_id).select_related("created_by").first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found


def estimate_download(actor: Actor, pk: int | str, fmt: str) -> Estimate:
    """A finished estimate for a file (JSON or CSV), audited as an export: the table of overlaps leaves with it."""
    found = estimate(actor, pk)
    if found.status != EstimateStatus.DONE:
        raise Http404
    audit.record(actor, Action.EXPORT, found, purpose="statistics", details={"format": fmt})
    return found
