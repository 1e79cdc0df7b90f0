"""The stages of a survivor's case and the moves between them. Pure Python (no Django import).

A case follows the survivor's path: first contact, assessment of needs, an assistance plan agreed with them,
services, follow-up, closure; a closed case can be reopened when the person comes back. Moves go forward one
stage, back to an earlier working stage (a plan that needs rework), or to closure from anywhere: people leave
services at any point, and that must be recordable without pretending the plan was finished. Every move needs
a reason, so the timeline explains itself to the next caseworker.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum


class Stage(StrEnum):
    OPEN = "open"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    SERVICES = "services"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    REOPENED = "reopened"


WORKING_ORDER: tuple[Stage, ...] = (Stage.OPEN, Stage.ASSESSMENT, Stage.PLAN, Stage.SERVICES, Stage.FOLLOW_UP)

# Where each stage may go next. Reopened is a stage of its own so that a returning survivor is visible as such
# in the caseload and the statistics, and from it the caseworker picks where work resumes.
TRANSITIONS: Mapping[Stage, frozenset[Stage]] = {
    Stage.OPEN: frozenset({Stage.ASSESSMENT, Stage.CLOSED}),
    Stage.ASSESSMENT: frozenset({Stage.PLAN, Stage.CLOSED}),
    Stage.PLAN: frozenset({Stage.SERVICES, Stage.ASSESSMENT, Stage.CLOSED}),
    Stage.SERVICES: frozenset({Stage.FOLLOW_UP, Stage.PLAN, Stage.CLOSED}),
    Stage.FOLLOW_UP: frozenset({Stage.SERVICES, Stage.CLOSED}),
    Stage.CLOSED: frozenset({Stage.REOPENED}),
    Stage.REOPENED: frozenset({Stage.ASSESSMENT, Stage.PLAN, Stage.SERVICES, Stage.FOLLOW_UP, Stage.CLOSED}),
}

MIN_REASON_CHARS = 10


class TransitionError(ValueError):
    """A move that the lifecycle does not allow, or one without a usable reason; the message says which."""


def next_stages(current: Stage) -> list[Stage]:
    """The stages a case may move to, in the order of the survivor's path (closure last)."""
    allowed = TRANSITIONS[current]
    ordered = [stage for stage in (*WORKING_ORDER, Stage.REOPENED) if stage in allowed]
    return ordered + ([Stage.CLOSED] if Stage.CLOSED in allowed else [])


def check_transition(current: Stage, target: Stage, reason: str) -> str:
    """The cleaned reason when ``current -> target`` is allowed; otherwise a TransitionError naming the field."""
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"stage: a case cannot move from {current.value} to {target.value}.")
    cleaned = " ".join(reason.split())
    if len(cleaned) < MIN_REASON_CHARS:
        raise TransitionError(f"reason: say in at least {MIN_REASON_CHARS} characters why the case moves.")
    return cleaned


def needs_approval(target: Stage, approval_stages: Collection[str]) -> bool:
    """Whether the organisation wants a second person to approve entering ``target`` (configured, not fixed:
    one shelter wants plans approved, another only closures)."""
    return target.value in approval_stages
