"""Survivor data rights: everything held about one person, exported whole or erased by crypto-shredding.

Every app that keeps rows about a person registers what it holds, once, from its ``AppConfig.ready()``::

    from django.utils.translation import gettext_lazy as _

    class PlansConfig(AppConfig):
        def ready(self) -> None:
            from threefold.plans import data_rights            # your export and erase functions
            from threefold.plans.models import Plan
            from threefold.protect import subject_data
            from threefold.vault import sealed

            # 1. Each sealed column about a person: how to reach that person's reference from a row.
            sealed.link_subject(Plan, "goals", subject_path="case__person__reference")
            # 2. What the app holds, how to export it and how to erase it.
            subject_data.register(
                "plans",
                _("Assistance plans"),
                export=data_rights.export_plans,
                erase=data_rights.erase_plans,
                correction=_("Each plan is changed on its case's page."),
                keeps_person=data_rights.has_open_plan,   # optional, see below
            )

and seals every new value about a person under that person's key:
``sealed.seal_json(value, organisation_id=..., context=..., subject=person.reference)``.

The functions, each given a ``Person`` that the caller has already been allowed to act on:

* ``export(person) -> list[dict] | dict``: the app's values, opened, in plain JSON types (``date`` and
  ``datetime`` are fine). Include the free text and sealed values: a copy must be complete. Leave out other
  people's data (staff names, other survivors). No audit entry and no permission check: ``export_person`` does both.
* ``erase(person) -> int``: delete the rows that exist only for this person, blank (set to NULL) sealed columns of
  rows that must stay, and return how many rows were touched. It runs inside ``erase_person``'s transaction, before
  the person's key is shredded, newest registration first: an app registered after protect (plans, referrals)
  is erased before the cases and consents its rows point to with ``PROTECT``. No audit entry of its own.
* ``keeps_person(person) -> bool`` (optional): true while the person must not be erased by the retention policy,
  e.g. a referral still open; ``apply_retention`` then leaves them and says so.

Whatever an ``erase`` function misses is still erased if its column is linked with ``sealed.link_subject``: its
values are moved onto the person's key and that key is destroyed. That is a safety net, not the design.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Max, ProtectedError, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect import access, case_access, duplicate_services
from threefold.protect.models import (
    DEFAULT_CLOSE_TO_ERASE_MONTHS,
    Case,
    CaseAttachment,
    CaseStage,
    ErasureCategory,
    NrmReferral,
    Person,
    PersonIndex,
    RetentionPolicy,
    identity_context,
)
from threefold.protect.nrm_status import status as nrm_status
from threefold.vault import sealed

Exported = list[dict[str, Any]] | dict[str, Any]
MIN_REASON_CHARS = 20
EXPORT_FORMAT = "threefold-subject-data/1"


@dataclass(frozen=True)
class Holding:
    """What one app holds about a person, and how to export and erase it."""

    key: str
    title: str | Promise
    export: Callable[[Person], Exported]
    erase: Callable[[Person], int]
    correction: str | Promise = ""
    keeps_person: Callable[[Person], bool] | None = None


_HOLDINGS: dict[str, Holding] = {}


def register(
    key: str,
    title: str | Promise,
    export: Callable[[Person], Exported],
    erase: Callable[[Person], int],
    *,
    correction: str | Promise = "",
    keeps_person: Callable[[Person], bool] | None = None,
) -> None:
    """Declare what an app holds about a person (see the module docstring). Registering a key again replaces it."""
    _HOLDINGS.pop(key, None)  # re-registering moves the key to the end, as if registered now
    _HOLDINGS[key] = Holding(key, title, export, erase, correction, keeps_person)


def holdings() -> tuple[Holding, ...]:
    return tuple(_HOLDINGS.values())


class ErasureError(ValueError):
    """An erasure that cannot go ahead; the message starts with the field it is about."""


# ---- export


def export_person(actor: Actor, person: Person, *, fmt: str = "json") -> dict[str, Any]:
    """Everything Threefold holds about ``person``, opened, in one JSON-ready dict. Audited as an export.

    Each section says where its values can be corrected. ``fmt`` ("json" or "html") is only recorded.
    """
    if person.erased_at is not None or not allowed(actor, "protect.export_subject_data", person):
        raise PermissionDenied
    sections = [
        {
            "key": holding.key,
            "title": str(holding.title),
            "correction": str(holding.correction),
            "data": holding.export(person),
        }
        for holding in holdings()
    ]
    merged = _export_merged_records(person)
    if merged:
        sections.append(
            {
                "key": MERGED_RECORDS,
                "title": _("Other records of this person, merged into this one"),
                "correction": _(
                    "A record merged by mistake is separated again by undoing the merge, on the page of merges."
                ),
                "data": merged,
            }
        )
    audit.record(
        actor,
        Action.EXPORT,
        person,
        purpose="copy of the person's data",
        details={
            "format": fmt,
            "sections": [section["key"] for section in sections],
            "merged_records": [record["reference"] for record in merged],
        },
    )
    return {
        "format": EXPORT_FORMAT,
        "reference": person.reference,
        "organisation": person.organisation.name,
        "exported_at": timezone.now(),
        "exported_by": actor.label,
        "sections": sections,
    }


MERGED_RECORDS = "merged_records"


def _export_merged_records(person: Person) -> list[dict[str, Any]]:
    """Each record merged into ``person`` (the same person recorded again), exported whole like the person."""
    return [
        {
            "reference": merged.reference,
            "recorded_at": merged.created_at,
            "sections": [
                {"key": holding.key, "title": str(holding.title), "data": holding.export(merged)}
                for holding in holdings()
            ],
        }
        for merged in access.merged_records_of(person)
        if merged.erased_at is None
    ]


# ---- erasure


@dataclass(frozen=True)
class Tombstone:
    """What is left of an erased person: who erased them, when, in what category, and how much went."""

    reference: str
    erased_at: datetime
    erased_by: str
    category: str
    erased: dict[str, int]


def erase_person(
    actor: Actor | None, person: Person, reason: str, *, category: str, system_label: str = ""
) -> Tombstone:
    """Erase everything held about ``person`` and keep a tombstone. Cannot be undone.

    Every registered ``erase`` runs (newest first), then any linked sealed value still under an organisation key
    is moved onto the person's key, the person's keys are destroyed in every organisation that holds one (a
    partner sent their data included), the person's row keeps only a tombstone, and one ``SHRED`` audit entry
    records it. ``reason`` must say why in at least 20 characters but is not kept: whatever is kept about an
    erased person outlives the erasure, and a reason is written about them (ADR 0015). ``actor`` is None only
    for a management command, named by ``system_label``.

    Records merged into ``person`` (duplicate_services.merge) are the same person: they are erased with it, each
    with its own keys and its own tombstone and ``SHRED`` entry, and the duplicate pairs and merges naming any
    of them are deleted.
    """
    if actor is None and not system_label:
        raise ValueError("a system erasure must name the command that made it")
    if actor is not None and not allowed(actor, "protect.erase_subject", person):
        raise PermissionDenied
    if category not in ErasureCategory.values:
        raise ErasureError("category: choose why the person is erased.")
    if len(" ".join(reason.split())) < MIN_REASON_CHARS:
        raise ErasureError(f"reason: say in at least {MIN_REASON_CHARS} characters why the person is erased.")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.erased_at is not None:
            raise ErasureError("reference: this person has already been erased.")
        others = [other for other in access.merged_records_of(locked) if other.erased_at is None]
        erased, now = _erase_one(actor, locked, category, system_label)
        for other in others:
            _erase_one(actor, other, category, system_label, merged_into=locked.reference)
        forgotten = duplicate_services.forget([locked, *others])
        if others or forgotten:
            erased = {**erased, MERGED_RECORDS: len(others), "duplicate_review": forgotten}
    person.refresh_from_db()
    return Tombstone(person.reference, now, actor.label if actor else system_label, category, erased)


def _erase_one(
    actor: Actor | None, person: Person, category: str, system_label: str, *, merged_into: str = ""
) -> tuple[dict[str, int], datetime]:
    """Erase one person inside ``erase_person``'s transaction: registered erasers, keys, tombstone, audit."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    try:
        erased = {holding.key: holding.erase(locked) for holding in reversed(holdings())}
    except ProtectedError as exc:
        # An app keeps rows about the person without erasing them: refuse rather than erase half a person.
        kinds = sorted({row._meta.label_lower for row in exc.protected_objects})
        raise ErasureError(
            f"reference: {', '.join(kinds)} still point at this person; their app must register an eraser."
        ) from None
    sealed.reseal_subjects(subject=locked.reference)
    keys = sum(
        sealed.shred_subject(organisation_id, locked.reference)
        for organisation_id in {locked.organisation_id} | sealed.subject_organisations(locked.reference)
    )
    now = timezone.now()
    Person.objects.filter(pk=locked.pk).update(
        identity=None,
        erased_at=now,
        erased_by=actor.user if actor else None,
        erasure_category=category,
        version=F("version") + 1,
        updated_at=now,
    )
    locked.assigned_to.clear()
    details: dict[str, Any] = {"category": category, "erased": erased, "keys_destroyed": keys}
    if merged_into:
        details["merged_into"] = merged_into
    audit.record(
        actor,
        Action.SHRED,
        locked,
        purpose="erasure of the person's data",
        system_label=system_label,
        organisation_id=locked.organisation_id,
        details=details,
    )
    return erased, now


def erasable(actor: Actor, reference: str) -> Person:
    """A person of the actor's organisation that the actor may erase (a supervisor: any of their caseload)."""
    person = access.get_person_for_supervision(actor, reference)
    if person.erased_at is not None or not allowed(actor, "protect.erase_subject", person):
        raise Http404
    return person


def erased_person(actor: Actor, reference: str) -> Person | None:
    """The tombstone of an erased person of the actor's caseload, or None if the reference is not erased.

    For supervisors only: anyone else gets a 404 whether the person was erased or never existed.
    """
    return access.erased_for_supervision(actor, reference)


# ---- retention


@dataclass(frozen=True)
class RetentionPlan:
    """What the retention policy of one organisation would erase today, and whom it keeps despite the policy."""

    organisation_id: int
    months: int
    due: tuple[Person, ...]
    kept: tuple[tuple[Person, str], ...]  # (person, key of the holding that keeps them)


def close_to_erase_months(organisation_id: int) -> int:
    policy = RetentionPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy.close_to_erase_months if policy else DEFAULT_CLOSE_TO_ERASE_MONTHS


def retention_plan(organisation_id: int, *, today: date) -> RetentionPlan:
    """People whose every case closed more than the policy's months before ``today`` (a month counts 30 days:
    a retention period is a floor, and the difference is a few days over years). People without a case are
    never due: retention runs from the end of the organisation's work with someone, which needs a case."""
    months = close_to_erase_months(organisation_id)
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=30 * months), datetime.min.time()))
    unfinished = Case.objects.filter(~Q(stage=CaseStage.CLOSED) | Q(closed_at__isnull=True))
    candidates = (
        Person.objects.filter(
            organisation_id=organisation_id, erased_at__isnull=True, merged_into__isnull=True
        )
        .exclude(pk__in=unfinished.values("person_id"))
        .annotate(last_closed=Max("cases__closed_at"))
        .filter(last_closed__lt=cutoff)  # NULL (no case at all) is never before the cutoff
        .order_by("reference")
    )
    due: list[Person] = []
    kept: list[tuple[Person, str]] = []
    for person in candidates:
        keeper = next((h.key for h in holdings() if h.keeps_person and h.keeps_person(person)), None)
        if keeper:
            kept.append((person, keeper))
        else:
            due.append(person)
    return RetentionPlan(organisation_id, months, tuple(due), tuple(kept))


def set_retention(actor: Actor, months: int) -> RetentionPolicy:
    """An organisation admin sets how long people are kept after their last case closed. Audited."""
    if not allowed(actor, "protect.configure_retention"):
        raise PermissionDenied
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.update_or_create(
            organisation_id=actor.org_id,
            defaults={
                "close_to_erase_months": months,
                "updated_by": actor.user,
                "updated_at": timezone.now(),
            },
        )
        audit.record(actor, Action.UPDATE, policy, details={"close_to_erase_months": months})
    return policy


def retention_policy(actor: Actor) -> RetentionPolicy:
    """The actor's organisation's policy, unsaved with the default if it never set one."""
    if not allowed(actor, "protect.configure_retention"):
        raise PermissionDenied
    return RetentionPolicy.objects.filter(organisation_id=actor.org_id).first() or RetentionPolicy(
        organisation_id=actor.org_id
    )


def retention_reason(months: int) -> str:
    """The reason an automatic erasure gives (not kept, like every reason, but checked like one)."""
    return _("Retention policy: every case closed more than %(months)s months ago.") % {"months": months}


# ---- what protect itself holds (registered in ProtectConfig.ready)


def export_identity(person: Person) -> dict[str, Any]:
    if not person.identity:
        return {}
    return sealed.unseal_json(
        bytes(person.identity), organisation_id=person.organisation_id, context=identity_context(person)
    )


def erase_identity(person: Person) -> int:
    return Person.objects.filter(pk=person.pk).exclude(identity=None).update(identity=None)


def export_search_terms(person: Person) -> dict[str, Any]:
    # Keyed digests, not values: their number per kind says what the record can be found by, and nothing more.
    counts = PersonIndex.objects.filter(person=person).values("kind").annotate(n=Count("pk")).order_by("kind")
    return {"count": sum(row["n"] for row in counts), "by_kind": {row["kind"]: row["n"] for row in counts}}


def erase_search_terms(person: Person) -> int:
    deleted, _by_model = PersonIndex.objects.filter(person=person).delete()
    return deleted


def export_cases(person: Person) -> list[dict[str, Any]]:
    cases = Case.objects.filter(person=person).prefetch_related("events").order_by("opened_at", "pk")
    return [
        {
            "reference": case.reference,
            "stage": case.stage,
            "opened_at": case.opened_at,
            "closed_at": case.closed_at,
            "victim_context": case_access.read_context(case).to_json(),
            "timeline": [
                {
                    "at": event.at,
                    "kind": event.kind,
                    "from_stage": event.from_stage,
                    "to_stage": event.to_stage,
                    "text": case_access.event_text(event),
                }
                for event in case.events.all()
            ],
            "nrm": _export_nrm(case),
        }
        for case in cases
    ]


def _export_nrm(case: Case) -> dict[str, Any] | None:
    referral = NrmReferral.objects.filter(case=case).prefetch_related("decisions").first()
    if referral is None:
        return None
    return {
        "jurisdiction": referral.jurisdiction,
        "referred_on": referral.referred_on,
        "is_child": referral.is_child,
        "guardian_appointed": referral.guardian_appointed,
        "decisions": [
            {"stage": d.stage, "outcome": d.outcome, "decided_on": d.decided_on, "authority": d.authority}
            for d in referral.decisions.all()
        ],
    }


def erase_cases(person: Person) -> int:
    # Timeline events, NRM referrals and their decisions go with their case (CASCADE).
    deleted, _by_model = Case.objects.filter(person=person).delete()
    return deleted


def nrm_process_open(person: Person) -> bool:
    """Whether a national referral mechanism still expects a decision or has a deadline running for the person."""
    today = timezone.localdate()
    referrals = NrmReferral.objects.filter(case__person=person).prefetch_related("decisions")
    return any(current.alerts or current.open_stages for current in (nrm_status(r, today) for r in referrals))


def export_attachments(person: Person) -> list[dict[str, Any]]:
    """Every file kept with the person's cases, with its content (base64): a copy of everything means the files."""
    found = (
        CaseAttachment.objects.filter(case__person=person)
        .select_related("case")
        .order_by("uploaded_at", "pk")
    )
    return [
        {
            "case": attachment.case.reference,
            "name": name,
            "kind": attachment.kind,
            "size": attachment.size,
            "uploaded_at": attachment.uploaded_at,
            "content_base64": base64.b64encode(content).decode(),
        }
        for attachment in found
        for name, content in [case_access.attachment_contents(attachment)]
    ]


def erase_attachments(person: Person) -> int:
    deleted, _by_model = CaseAttachment.objects.filter(case__person=person).delete()
    return deleted
