"""The only way to open or change a Case: permission, lifecycle, sealing, timeline and audit in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect import attachments, lifecycle
from threefold.protect import services as person_services
from threefold.protect.case_access import approval_stages, pending_request
from threefold.protect.lifecycle import Stage
from threefold.protect.models import (
    ATTACHMENT_CONTENT,
    ATTACHMENT_NAME,
    CASE_CONTEXT,
    CASE_EVENT_TEXT,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseEventKind,
    CaseStage,
    Person,
    StageApproval,
)
from threefold.protect.services import ConflictError
from threefold.protect.victim_context import VictimContext, validate
from threefold.vault import sealed

MAX_NOTE_CHARS = 5000


class CaseError(ValueError):
    """A change the case cannot take; the message starts with the field it is about."""


def _seal_context(case: Case, context: VictimContext) -> None:
    validate(context, today=timezone.localdate())
    case.context = sealed.seal_json(
        context.to_json(),
        organisation_id=case.organisation_id,
        context=sealed.row_context(CASE_CONTEXT, case.reference),
        subject=case.person.reference,  # under the person's key, so erasing them erases their cases (ADR 0015)
    )


def record_event(case: Case, actor: Actor, kind: str, *, text: str = "", **stages: str) -> CaseEvent:
    event = CaseEvent(case=case, organisation_id=case.organisation_id, kind=kind, by=actor.user, **stages)
    if text:
        event.text = sealed.seal_json(
            {"text": text},
            organisation_id=case.organisation_id,
            context=sealed.row_context(CASE_EVENT_TEXT, str(event.uid)),
            subject=case.person.reference,
        )
    event.save()
    return event


def _save_versioned(case: Case, expected_version: int, **fields: object) -> None:
    """Compare-and-set on ``version``: if someone saved the case since it was opened, nothing is written."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConflictError
    case.refresh_from_db()


def open_case(
    actor: Actor, person: Person, *, reason: str, context: VictimContext | None = None, is_demo: bool = False
) -> Case:
    if not allowed(actor, "protect.open_case", person):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if len(reason) < lifecycle.MIN_REASON_CHARS:
        raise CaseError(
            f"reason: say in at least {lifecycle.MIN_REASON_CHARS} characters why the case opens."
        )
    with transaction.atomic():
        case = Case(
            organisation_id=person.organisation_id,
            person=person,
            created_by=actor.user,
            caseworker=actor.user if actor.has_role(Role.CASEWORKER) else None,
            is_demo=is_demo,
        )
        _seal_context(case, context or VictimContext())
        case.save()
        record_event(case, actor, CaseEventKind.OPENED, text=reason, to_stage=CaseStage.OPEN)
        audit.record(actor, Action.CREATE, case, details={"person": person.reference})
    return case


def move(actor: Actor, case: Case, target: str, reason: str, *, expected_version: int) -> Case:
    """Move a case to another stage, or ask for approval first where the organisation wants one."""
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    if case.pending_stage:
        raise CaseError("stage: a move is waiting for a supervisor's approval; it must be decided first.")
    try:
        goal = Stage(target)
        reason = lifecycle.check_transition(Stage(case.stage), goal, reason)
    except ValueError as exc:
        raise CaseError(
            str(exc) if isinstance(exc, lifecycle.TransitionError) else "stage: unknown."
        ) from None
    with transaction.atomic():
        if lifecycle.needs_approval(goal, approval_stages(case.organisation_id)):
            _save_versioned(case, expected_version, pending_stage=goal.value)
            record_event(
                case,
                actor,
                CaseEventKind.APPROVAL_REQUESTED,
                text=reason,
                from_stage=case.stage,
                to_stage=goal,
            )
        else:
            previous = case.stage
            _save_versioned(case, expected_version, stage=goal.value, closed_at=_closed_at(goal))
            record_event(case, actor, CaseEventKind.STAGE, text=reason, from_stage=previous, to_stage=goal)
        audit.record(
            actor, Action.UPDATE, case, details={"stage": goal.value, "pending": bool(case.pending_stage)}
        )
    return case


def _closed_at(stage: Stage) -> object:
    return timezone.now() if stage is Stage.CLOSED else None


def decide(actor: Actor, case: Case, *, approve: bool, reason: str) -> Case:
    """A supervisor approves or refuses a pending move. Four eyes: not the person who asked for it."""
    if not allowed(actor, "protect.approve_stage", case):
        raise PermissionDenied
    pending = pending_request(case)
    if pending is None:
        raise CaseError("stage: nothing is waiting for approval on this case.")
    request, _ = pending
    if request.by_id == actor.user.pk:
        raise CaseError("approval: someone other than the person who asked must decide.")
    reason = " ".join(reason.split())
    if not approve and len(reason) < lifecycle.MIN_REASON_CHARS:
        raise CaseError(f"reason: say in at least {lifecycle.MIN_REASON_CHARS} characters why you refuse.")
    goal = Stage(case.pending_stage)
    with transaction.atomic():
        previous = case.stage
        if approve:
            _save_versioned(
                case, case.version, stage=goal.value, pending_stage="", closed_at=_closed_at(goal)
            )
            record_event(case, actor, CaseEventKind.STAGE, text=reason, from_stage=previous, to_stage=goal)
        else:
            _save_versioned(case, case.version, pending_stage="")
            record_event(
                case, actor, CaseEventKind.APPROVAL_REFUSED, text=reason, from_stage=previous, to_stage=goal
            )
        audit.record(actor, Action.UPDATE, case, details={"approval": approve, "stage": goal.value})
    return case


def update_context(actor: Actor, case: Case, context: VictimContext, *, expected_version: int) -> Case:
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    with transaction.atomic():
        _seal_context(case, context)
        _save_versioned(case, expected_version, context=case.context)
        record_event(case, actor, CaseEventKind.CONTEXT)
        audit.record(actor, Action.UPDATE, case, details={"fields": ["context"]})
    return case


def add_note(actor: Actor, case: Case, text: str) -> CaseEvent:
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    text = text.strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise CaseError(f"text: write a note of 1 to {MAX_NOTE_CHARS} characters.")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise CaseError("text: control characters are not allowed.")
    with transaction.atomic():
        event = record_event(case, actor, CaseEventKind.NOTE, text=text)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit.record(actor, Action.UPDATE, case, details={"note": str(event.uid)})
    return event


def assign_caseworker(actor: Actor, case: Case, user: User) -> Case:
    """Make ``user`` the case's caseworker; they are assigned the person too, or they could not open it."""
    if not allowed(actor, "protect.assign_case", case):
        raise PermissionDenied
    with transaction.atomic():
        person_services.assign(actor, case.person, user)
        Case.objects.filter(pk=case.pk).update(caseworker=user, updated_at=timezone.now())
        case.refresh_from_db()
        record_event(case, actor, CaseEventKind.ASSIGNED, text=user.email)
        audit.record(actor, Action.GRANT, case, details={"caseworker_user_id": user.pk})
    return case


def set_approval_stages(actor: Actor, stages: Iterable[str]) -> None:
    """Which stages the actor's organisation wants approved before a case enters them."""
    if not allowed(actor, "protect.configure_case_approvals"):
        raise PermissionDenied
    wanted = set(stages)
    if wanted - {stage.value for stage in Stage}:
        raise CaseError("stages: unknown stage.")
    with transaction.atomic():
        StageApproval.objects.filter(organisation_id=actor.org_id).exclude(stage__in=wanted).delete()
        for stage in sorted(wanted):
            StageApproval.objects.get_or_create(organisation_id=actor.org_id, stage=stage)
        audit.record(
            actor, Action.UPDATE, ("protect.stageapproval", ""), details={"approval_stages": sorted(wanted)}
        )


def attach_file(actor: Actor, case: Case, name: str, content: bytes) -> CaseAttachment:
    """Keep a checked file with a case (attachments.check says which files), sealed under the person's key."""
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    cleaned, kind = attachments.check(name, content)  # AttachmentError (a ValueError) says why not
    attachment = CaseAttachment(
        case=case,
        organisation_id=case.organisation_id,
        kind=kind.code,
        size=len(content),
        uploaded_by=actor.user,
    )
    subject = case.person.reference
    for field, column, value in (
        ("name", ATTACHMENT_NAME, cleaned.encode()),
        ("content", ATTACHMENT_CONTENT, content),
    ):
        setattr(
            attachment,
            field,
            sealed.seal(
                value,
                organisation_id=case.organisation_id,
                context=sealed.row_context(column, str(attachment.uid)),
                subject=subject,
            ),
        )
    with transaction.atomic():
        attachment.save()
        record_event(case, actor, CaseEventKind.ATTACHMENT, text=cleaned)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit.record(actor, Action.CREATE, attachment, details={"case": case.reference, "kind": kind.code})
    return attachment
