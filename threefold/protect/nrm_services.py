"""Recording a case's path through a national referral mechanism: the referral and the identification decisions.

The jurisdiction's rules (reference/nrm/, read by the pure ``threefold.nrm``) say which outcomes exist and which
dates are consistent; a record they refuse is refused here with the same reason, so the reflection-period clock
never runs on impossible dates.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from threefold import nrm
from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect.case_services import CaseError, record_event
from threefold.protect.models import Case, CaseEventKind, NrmDecision, NrmReferral
from threefold.protect.nrm_status import case_events, stage_outcomes


def refer(
    actor: Actor,
    case: Case,
    *,
    jurisdiction: str,
    referred_on: date,
    is_child: bool,
    guardian_appointed: bool = False,
) -> NrmReferral:
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    try:
        rules = nrm.load(jurisdiction)
    except LookupError:
        raise CaseError("jurisdiction: not one whose rules Threefold holds.") from None
    if referred_on > timezone.localdate():
        raise CaseError("referred_on: the referral date cannot be in the future.")
    if NrmReferral.objects.filter(case=case).exists():
        raise CaseError("jurisdiction: this case has already been referred.")
    with transaction.atomic():
        referral = NrmReferral.objects.create(
            case=case,
            organisation_id=case.organisation_id,
            jurisdiction=rules.id,
            referred_on=referred_on,
            is_child=is_child,
            guardian_appointed=guardian_appointed,
            recorded_by=actor.user,
        )
        record_event(case, actor, CaseEventKind.NRM_REFERRAL, text=rules.name)
        audit.record(actor, Action.UPDATE, case, details={"nrm_referral": rules.id, "child": is_child})
    return referral


def record_decision(
    actor: Actor, case: Case, *, stage: str, outcome: str, decided_on: date, authority: str
) -> NrmDecision:
    if not allowed(actor, "protect.change_case", case):
        raise PermissionDenied
    referral = NrmReferral.objects.filter(case=case).prefetch_related("decisions").first()
    if referral is None:
        raise CaseError("stage: record the referral first.")
    labels = {o.code: o.label for o in stage_outcomes(referral.jurisdiction, stage)}
    if outcome not in labels:
        raise CaseError("outcome: not an outcome of this decision under the jurisdiction's rules.")
    if decided_on > timezone.localdate():
        raise CaseError("decided_on: the decision date cannot be in the future.")
    authority = " ".join(authority.split())
    if not authority or len(authority) > 200:
        raise CaseError("authority: name who decided, in at most 200 characters.")
    if any(d.stage == stage for d in referral.decisions.all()):
        raise CaseError("stage: this decision is already recorded.")
    decision = NrmDecision(
        referral=referral, stage=stage, outcome=outcome, decided_on=decided_on, authority=authority
    )
    try:
        # The pure clock checks the dates and outcomes together (e.g. a decision before the referral).
        nrm.clock(
            referral.jurisdiction, case_events(referral, [*referral.decisions.all(), decision]), decided_on
        )
    except ValueError as exc:
        raise CaseError(f"decided_on: {exc}.") from None
    with transaction.atomic():
        decision.recorded_by = actor.user
        decision.save()
        record_event(case, actor, CaseEventKind.NRM_DECISION, text=f"{labels[outcome]} ({authority})")
        audit.record(actor, Action.UPDATE, case, details={"nrm_decision": stage, "outcome": outcome})
    return decision
