"""The only way to load a Case for a user. A case is as visible as its person (see ``access``): a caseworker
sees the cases of the people assigned or granted to them, and anything else is a 404. Supervisors get their
organisation's cases as references, stages and caseworkers, never names. Every read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from threefold import nrm
from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.identify.models import Screening
from threefold.identify.models import Status as ScreeningStatus
from threefold.protect import access
from threefold.protect.identity import Identity
from threefold.protect.models import (
    ATTACHMENT_CONTENT,
    ATTACHMENT_NAME,
    CASE_CONTEXT,
    CASE_EVENT_TEXT,
    Case,
    CaseAttachment,
    CaseEvent,
    NrmReferral,
    StageApproval,
)
from threefold.protect.nrm_status import NrmStatus, status
from threefold.protect.victim_context import VictimContext
from threefold.vault import sealed
from threefold.vault.models import DataKey


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    identity: Identity
    context: VictimContext


@dataclass(frozen=True)
class CaseRow:
    """A line of the caseworker's caseload: the case and the name of the person it is about."""

    case: Case
    identity: Identity


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    event: CaseEvent | None = None
    text: str = ""
    screening: Screening | None = None


def _visible(actor: Actor) -> QuerySet[Case]:
    return Case.objects.filter(person__in=access.visible_persons(actor))


def my_cases(actor: Actor, *, stage: str = "") -> list[CaseRow]:
    """The cases this actor may open, newest activity first, with the person's name (one audit entry)."""
    cases = _visible(actor).select_related("person", "caseworker").order_by("-updated_at")
    if stage:
        cases = cases.filter(stage=stage)
    rows = list(cases[:500])
    opened = {o.person.pk: o.identity for o in access.open_many([case.person for case in rows])}
    audit.record(actor, Action.LIST, ("protect.case", ""), details={"count": len(rows)})
    return [CaseRow(case, opened[case.person_id]) for case in rows if case.person_id in opened]


def read_context(case: Case, keys: dict[int, DataKey] | None = None) -> VictimContext:
    if not case.context:
        return VictimContext()
    return VictimContext.from_json(
        sealed.unseal_json(
            bytes(case.context),
            organisation_id=case.organisation_id,
            context=sealed.row_context(CASE_CONTEXT, case.reference),
            keys=keys,
        )
    )


def open_case(actor: Actor, reference: str, *, purpose: str = "") -> OpenedCase:
    """Load one case the actor may see, with its person's identity and its victim context.

    Audited twice, in one transaction: as a view of the case and as a view of the person, so the person's
    "who saw this record" history shows case work too.
    """
    # By its unique reference, then the rule: the person assigned to the actor in the same organisation, or an
    # active grant on the person (exactly what ``visible_persons`` lists). Filtering the whole visible set by
    # reference would make the database build that set first (slow at 100,000 cases).
    case = Case.objects.select_related("person", "caseworker").filter(reference=reference).first()
    if case is None or case.person.erased_at is not None or not allowed(actor, "protect.view_case", case):
        raise Http404
    # The identity and the context are sealed under the same person's key: load it once for both.
    keys = sealed.keys_for(bytes(blob) for blob in (case.person.identity, case.context) if blob)
    opened = access.open_many([case.person], keys)
    if not opened:
        raise Http404  # an erased person's case has nothing left to show
    with transaction.atomic():
        audit.record(actor, Action.VIEW, case.person, purpose=purpose or f"case {case.reference}")
        audit.record(actor, Action.VIEW, case, purpose=purpose)
    return OpenedCase(case, opened[0].identity, read_context(case, keys))


def cases_of(actor: Actor, person_reference: str) -> list[Case]:
    """The cases of a person the actor may open (for the person page), newest first."""
    return list(_visible(actor).filter(person__reference=person_reference).order_by("-opened_at"))


def event_text(event: CaseEvent) -> str:
    if not event.text:
        return ""
    data = sealed.unseal_json(
        bytes(event.text),
        organisation_id=event.organisation_id,
        context=sealed.row_context(CASE_EVENT_TEXT, str(event.uid)),
    )
    return str(data.get("text", ""))


def timeline(opened: OpenedCase) -> list[TimelineEntry]:
    """Everything that happened on an opened case, oldest first: its own events and the person's completed
    screenings. Takes an ``OpenedCase`` so only a case already checked and audited can be read this way."""
    events = CaseEvent.objects.filter(case=opened.case).select_related("by")
    entries = [TimelineEntry(e.at, e.kind, event=e, text=event_text(e)) for e in events]
    screenings = Screening.objects.filter(
        person_id=opened.case.person_id, status=ScreeningStatus.COMPLETE
    ).select_related("source")
    entries += [TimelineEntry(s.completed_at or s.started_at, "screening", screening=s) for s in screenings]
    return sorted(entries, key=lambda entry: entry.at)


def supervised_cases(actor: Actor, *, pending_only: bool = False) -> QuerySet[Case]:
    """The organisation's cases for a supervisor: references, stages, caseworkers; no identities."""
    if not allowed(actor, "protect.view_caseload"):
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=actor.org_id, person__erased_at__isnull=True).select_related(
        "caseworker", "person"
    )
    return cases.exclude(pending_stage="") if pending_only else cases


def case_for_supervision(actor: Actor, reference: str) -> Case:
    case = supervised_cases(actor).filter(reference=reference).first()
    if case is None:
        raise Http404
    return case


def pending_request(case: Case) -> tuple[CaseEvent, str] | None:
    """The open approval request of a case and its reason, for the supervisor who decides on it."""
    if not case.pending_stage:
        return None
    event = CaseEvent.objects.filter(case=case, kind="approval_requested").order_by("-at", "-pk").first()
    return (event, event_text(event)) if event else None


def approval_stages(organisation_id: int) -> set[str]:
    return set(StageApproval.objects.filter(organisation_id=organisation_id).values_list("stage", flat=True))


def nrm_status(opened: OpenedCase, today: date) -> NrmStatus | None:
    """Where an opened case stands in its national referral mechanism, or None before any referral."""
    referral = NrmReferral.objects.filter(case=opened.case).prefetch_related("decisions").first()
    return status(referral, today) if referral else None


def deadlines(actor: Actor, today: date) -> list[tuple[Case, nrm.Alert]]:
    """NRM deadlines of the cases this actor may open that need attention today, soonest first."""
    referrals = (
        NrmReferral.objects.filter(case__in=_visible(actor).exclude(stage="closed"))
        .select_related("case")
        .prefetch_related("decisions")
    )
    found = [(r.case, alert) for r in referrals for alert in status(r, today).alerts]
    return sorted(found, key=lambda pair: pair[1].due)


def caseload_counts(actor: Actor) -> dict[str, dict[str, int]]:
    """For a supervisor: the organisation's cases per caseworker and stage (counts only, no identities)."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        supervised_cases(actor)
        .values("caseworker__email", "stage")
        .annotate(n=Count("pk"))
        .order_by("caseworker__email", "stage")
    )
    for row in rows:
        counts.setdefault(row["caseworker__email"] or "", {})[row["stage"]] = row["n"]
    return counts


def opened_by_month(actor: Actor, *, months: int = 12) -> dict[str, dict[str, int]]:
    """For a supervisor: cases opened per month (YYYY-MM) over the last ``months``, by current stage."""
    since = (timezone.now() - timedelta(days=31 * months)).replace(day=1)
    counts: dict[str, dict[str, int]] = {}
    rows = (
        supervised_cases(actor)
        .filter(opened_at__gte=since)
        .annotate(month=TruncMonth("opened_at"))
        .values("month", "stage")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["month"].strftime("%Y-%m"), {})[row["stage"]] = row["n"]
    return counts


def deadline_counts(actor: Actor, today: date) -> dict[str, int]:
    """For a supervisor: how many NRM deadlines of each kind need attention across the organisation."""
    referrals = (
        NrmReferral.objects.filter(case__in=supervised_cases(actor).exclude(stage="closed"))
        .select_related("case")
        .prefetch_related("decisions")
    )
    counts: dict[str, int] = {}
    for referral in referrals:
        for alert in status(referral, today).alerts:
            counts[alert.kind.value] = counts.get(alert.kind.value, 0) + 1
    return counts


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """The cases this actor may open, unevaluated: for other apps to scope their own rows by case in one query
    (e.g. plans' task list). Rows read this way must not be shown as an opened case: that is ``open_case``."""
    return _visible(actor)


@dataclass(frozen=True)
class AttachmentRow:
    attachment: CaseAttachment
    name: str


def _attachment_text(attachment: CaseAttachment, field: str, column: str) -> bytes:
    return sealed.unseal(
        bytes(getattr(attachment, field)),
        organisation_id=attachment.organisation_id,
        context=sealed.row_context(column, str(attachment.uid)),
    )


def attachments_of(opened: OpenedCase) -> list[AttachmentRow]:
    """The files of an opened case, by name (the bytes stay sealed until someone downloads one)."""
    rows = CaseAttachment.objects.filter(case=opened.case).defer("content").select_related("uploaded_by")
    return [AttachmentRow(a, _attachment_text(a, "name", ATTACHMENT_NAME).decode()) for a in rows]


def open_attachment(actor: Actor, case_reference: str, uid: str) -> tuple[CaseAttachment, str, bytes]:
    """One file of a case the actor may open, for download; audited as an export (the file leaves Threefold)."""
    opened = open_case(actor, case_reference, purpose="download an attachment")
    try:
        wanted = UUID(uid)
    except ValueError:
        raise Http404 from None
    attachment = CaseAttachment.objects.filter(case=opened.case, uid=wanted).first()
    if attachment is None:
        raise Http404
    name, content = attachment_contents(attachment)
    audit.record(actor, Action.EXPORT, attachment, details={"case": case_reference, "size": attachment.size})
    return attachment, name, content


def attachment_contents(attachment: CaseAttachment) -> tuple[str, bytes]:
    """A file's name and bytes, for callers that have already been allowed to read them and audit it."""
    return (
        _attachment_text(attachment, "name", ATTACHMENT_NAME).decode(),
        _attachment_text(attachment, "content", ATTACHMENT_CONTENT),
    )
