"""The only way to read screenings, instruments and the referral directory for a user.

Screenings are scoped to the acting organisation and to whoever did them (supervisors see all of their
organisation's); not-yours is a 404. Opening a screening decrypts it and is audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.identify import catalogue
from threefold.identify.core.definition import Instrument
from threefold.identify.core.results import ScreeningResult
from threefold.identify.models import (
    DirectoryEntry,
    InstrumentSource,
    Outcome,
    Screening,
    Status,
)
from threefold.identify.records import ScreeningRecord, read_record, read_review_note


@dataclass(frozen=True)
class OpenedScreening:
    screening: Screening
    instrument: Instrument
    record: ScreeningRecord

    @property
    def result(self) -> ScreeningResult | None:
        return self.record.result(self.instrument)

    @property
    def answers(self) -> dict[str, Any]:
        return self.record.answers


# ---- instruments


def instruments(actor: Actor) -> list[catalogue.Entry]:
    """Every instrument this organisation can screen with: the shipped library and its own uploads."""
    if actor.organisation_id is None:
        return []
    return catalogue.entries(actor.organisation_id)


def instrument(actor: Actor, instrument_id: str) -> catalogue.Entry:
    for entry in instruments(actor):
        if entry.instrument.id == instrument_id:
            return entry
    raise Http404


def uploaded_sources(actor: Actor) -> QuerySet[InstrumentSource]:
    if not allowed(actor, "identify.manage_instruments"):
        raise PermissionDenied
    return InstrumentSource.objects.filter(organisation_id=actor.org_id).select_related("uploaded_by")


def uploaded_source(actor: Actor, pk: int) -> InstrumentSource:
    source = uploaded_sources(actor).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


# ---- screenings


def _scope(actor: Actor) -> QuerySet[Screening]:
    if actor.organisation_id is None:
        return Screening.objects.none()
    mine = Screening.objects.filter(organisation_id=actor.org_id)
    if allowed(actor, "identify.review_list"):
        return mine
    if allowed(actor, "identify.screen"):
        return mine.filter(screened_by=actor.user)
    return Screening.objects.none()


def my_screenings(actor: Actor, *, limit: int = 20) -> list[Screening]:
    """The actor's own recent screenings, newest first; reads only the columns in the clear."""
    if actor.organisation_id is None:
        return []
    return list(
        Screening.objects.filter(organisation_id=actor.org_id, screened_by=actor.user).select_related(
            "source"
        )[:limit]
    )


def _get(actor: Actor, reference: str, permission: str) -> Screening:
    screening = (
        _scope(actor).select_related("source", "person", "organisation").filter(reference=reference).first()
    )
    if screening is None or not allowed(actor, permission, screening):
        raise Http404
    return screening


def open_screening(actor: Actor, reference: str, *, purpose: str = "") -> OpenedScreening:
    """Decrypt one screening the actor may read; audited as a view."""
    screening = _get(actor, reference, "identify.view_screening")
    opened = OpenedScreening(screening, catalogue.instrument_of(screening.source), read_record(screening))
    audit.record(actor, Action.VIEW, screening, purpose=purpose)
    return opened


def screening_in_progress(actor: Actor, reference: str) -> OpenedScreening:
    """The actor's own unfinished screening, to carry on with; a finished one is never reopened for editing."""
    screening = _get(actor, reference, "identify.continue_screening")
    if screening.status != Status.IN_PROGRESS:
        raise Http404
    opened = OpenedScreening(screening, catalogue.instrument_of(screening.source), read_record(screening))
    audit.record(actor, Action.VIEW, screening, purpose="screening in progress")
    return opened


def review_note(actor: Actor, screening: Screening) -> str:
    if not allowed(actor, "identify.view_screening", screening):
        raise Http404
    return read_review_note(screening)


@dataclass(frozen=True)
class ReviewFilters:
    setting: str = ""
    outcome: str = ""
    unreviewed_only: bool = False


def review_queue(actor: Actor, filters: ReviewFilters, *, limit: int = 200) -> list[Screening]:
    """Completed screenings of the organisation for supervisors, most urgent and newest first."""
    if not allowed(actor, "identify.review_list"):
        raise PermissionDenied
    rows = _scope(actor).filter(status=Status.COMPLETE).select_related("source", "screened_by")
    if filters.setting:
        rows = rows.filter(setting=filters.setting)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    if filters.unreviewed_only:
        rows = rows.filter(review_decision="")
    audit.record(actor, Action.LIST, ("identify.screening", ""), details={"filters": filters.__dict__})
    return list(rows.order_by("-completed_at")[:limit])


def outcome_counts(actor: Actor) -> dict[str, dict[str, int]]:
    """Completed screenings per setting and outcome, for the supervisor's table (suppressed before display)."""
    if not allowed(actor, "identify.review_list"):
        raise PermissionDenied
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {outcome: 0 for outcome in Outcome.values})
    for row in (
        _scope(actor)
        .filter(status=Status.COMPLETE)
        .values("setting", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["setting"]][row["outcome"]] = row["n"]
    return dict(counts)


def known_external_ids(actor: Actor, external_ids: list[str]) -> set[str]:
    """Which submissions were imported before, so that an import never stores one twice."""
    if actor.organisation_id is None:
        return set()
    return set(
        Screening.objects.filter(organisation_id=actor.org_id, external_id__in=external_ids).values_list(
            "external_id", flat=True
        )
    )


# ---- referral directory


def directory(
    actor: Actor, *, country: str = "", region: str = "", kind: str = ""
) -> QuerySet[DirectoryEntry]:
    """Every organisation's entries: contact details of services are public, and sharing them is the point."""
    if actor.organisation_id is None:
        return DirectoryEntry.objects.none()
    entries = DirectoryEntry.objects.select_related("organisation")
    if country:
        entries = entries.filter(country=country.upper())
    if region:
        entries = entries.filter(Q(region__iexact=region) | Q(region=""))
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def next_steps(actor: Actor, opened: OpenedScreening) -> list[DirectoryEntry]:
    """Where to turn after this screening: services in the organisation's country, urgent ones first when urgent."""
    organisation = opened.screening.organisation
    entries = directory(actor, country=organisation.country)
    if opened.instrument.population == "child":
        entries = entries.filter(serves_children=True)
    rows = list(entries)
    if opened.screening.urgency == "urgent":
        rows.sort(key=lambda entry: not entry.urgent)
    return rows


def directory_entry_to_change(actor: Actor, pk: int) -> DirectoryEntry:
    entry = DirectoryEntry.objects.filter(pk=pk, organisation_id=actor.org_id).first()
    if entry is None or not allowed(actor, "identify.change_directory_entry", entry):
        raise Http404
    return entry
