"""Where a case stands in its national referral mechanism, computed by the pure ``threefold.nrm`` rules from the
stored referral and decisions. No access checks here: callers pass records they have already been allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from threefold import nrm
from threefold.nrm.model import Stage
from threefold.protect.models import NrmDecision, NrmReferral

# Where a jurisdiction's data holds only its reflection period, the date reasonable grounds were found still
# starts it; these are the outcome codes the pure clock accepts for that case.
GENERIC_RG_OUTCOMES = (
    nrm.Outcome("positive", "Reasonable grounds found", True),
    nrm.Outcome("negative", "No reasonable grounds", False),
)
DECISION_STAGES = (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS)


def stage_outcomes(jurisdiction: str, stage: str) -> tuple[nrm.Outcome, ...]:
    rules = nrm.load(jurisdiction)
    if stage not in {s.value for s in DECISION_STAGES}:
        return ()
    if rules.stage(stage) is None:
        return GENERIC_RG_OUTCOMES if stage == Stage.REASONABLE_GROUNDS else ()
    return nrm.outcomes(rules, stage)


def case_events(referral: NrmReferral, decisions: Iterable[NrmDecision]) -> nrm.CaseEvents:
    by_stage = {d.stage: d for d in decisions}
    rg, cg = by_stage.get(Stage.REASONABLE_GROUNDS), by_stage.get(Stage.CONCLUSIVE_GROUNDS)
    return nrm.CaseEvents(
        referred_on=referral.referred_on,
        rg_decided_on=rg.decided_on if rg else None,
        rg_outcome=rg.outcome if rg else None,
        cg_decided_on=cg.decided_on if cg else None,
        cg_outcome=cg.outcome if cg else None,
        is_child=referral.is_child,
    )


@dataclass(frozen=True)
class NrmStatus:
    referral: NrmReferral
    jurisdiction: nrm.Jurisdiction
    decisions: list[tuple[NrmDecision, nrm.Outcome | None]]
    alerts: list[nrm.Alert]
    reflection: nrm.Period | None
    rg_due: date | None
    open_stages: list[tuple[str, tuple[nrm.Outcome, ...]]]  # decisions still to record, with their outcomes


def status(referral: NrmReferral, today: date) -> NrmStatus:
    """The referral's decisions, deadlines and alerts on ``today`` (decisions prefetched by the caller)."""
    rules = nrm.load(referral.jurisdiction)
    decisions = sorted(referral.decisions.all(), key=lambda d: d.decided_on)
    events = case_events(referral, decisions)
    labelled = [
        (d, next((o for o in stage_outcomes(rules.id, d.stage) if o.code == d.outcome), None))
        for d in decisions
    ]
    rg_positive = any(
        o is not None and o.positive and d.stage == Stage.REASONABLE_GROUNDS for d, o in labelled
    )
    recorded = {d.stage for d in decisions}
    return NrmStatus(
        referral=referral,
        jurisdiction=rules,
        decisions=labelled,
        alerts=nrm.clock(rules, events, today),
        reflection=nrm.reflection_period(rules, events.rg_decided_on, is_child=referral.is_child)
        if rg_positive and events.rg_decided_on
        else None,
        rg_due=nrm.decision_due(rules, Stage.REASONABLE_GROUNDS, referral.referred_on)
        if rules.stage(Stage.REASONABLE_GROUNDS)
        else None,
        open_stages=[
            (stage.value, stage_outcomes(rules.id, stage))
            for stage in DECISION_STAGES
            if stage.value not in recorded and stage_outcomes(rules.id, stage)
        ],
    )
