"""The NRM clock: which deadlines of one case need attention today.

The caller passes what happened (``CaseEvents``) and the day to judge from (``today``, explicit so the answer is
reproducible and testable); the clock returns alerts and stores nothing. Alerts come and go as days pass: a
reasonable-grounds decision due soon becomes overdue, then disappears once the decision is recorded.

``days_left`` is in calendar days (negative once the date has passed), because that is what a caseworker reads
on a calendar; the due date itself is already counted in the jurisdiction's working days where the rule says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from threefold.nrm.model import DecisionStage, Jurisdiction, Stage
from threefold.nrm.rules import decision_due, reflection_period, resolve

# How early a coming date is flagged. An RG target is only 5 working days long, so two days' warning; a
# reflection period ending matters for housing and support, which take longer to arrange, so a week.
RG_WARNING_DAYS = 2
REFLECTION_WARNING_DAYS = 7

# Where a jurisdiction's data has no reasonable-grounds stage (only its reflection period is known), the date
# reasonable grounds were found still starts the period; these are the only outcomes that make sense there.
_GENERIC_RG_OUTCOMES = {"positive": True, "negative": False}


class AlertKind(StrEnum):
    RG_DUE_SOON = "rg_due_soon"
    RG_OVERDUE = "rg_overdue"
    REFLECTION_ENDS_SOON = "reflection_ends_soon"
    REFLECTION_ENDED = "reflection_ended"
    CG_PENDING = "cg_pending"


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogues without importing Django; pages translate it by its text."""
    return message


# Plain-English text for each message key, marked for ``makemessages``; the web layer translates the text and
# fills in the same fields.
MESSAGES: dict[str, str] = {
    "nrm.rg_due_soon": gettext_noop("The reasonable-grounds decision is due by {due} ({days} days left)."),
    "nrm.rg_overdue": gettext_noop(
        "The reasonable-grounds decision was due by {due} and is {days} days late."
    ),
    "nrm.reflection_ends_soon": gettext_noop(
        "The minimum reflection period ends on {due} ({days} days left)."
    ),
    "nrm.reflection_ended": gettext_noop("The minimum reflection period ended on {due}, {days} days ago."),
    "nrm.cg_pending": gettext_noop(
        "The reflection period ended on {due}; the conclusive-grounds decision is still awaited."
    ),
}


@dataclass(frozen=True)
class CaseEvents:
    """What has happened in one case. Outcome codes are those of ``outcomes(jurisdiction, stage)``."""

    referred_on: date | None = None
    rg_decided_on: date | None = None
    rg_outcome: str | None = None
    cg_decided_on: date | None = None
    cg_outcome: str | None = None
    is_child: bool = False


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    jurisdiction: str
    due: date
    days_left: int  # calendar days from today to ``due``; negative once passed
    message_key: str

    def message(self) -> str:
        return MESSAGES[self.message_key].format(due=self.due.isoformat(), days=abs(self.days_left))


def clock(jurisdiction: Jurisdiction | str, case_events: CaseEvents, today: date) -> list[Alert]:
    """The alerts for one case on ``today``, earliest due date first. Raises ValueError on inconsistent events."""
    j = resolve(jurisdiction)
    _check(j, case_events)
    if case_events.cg_decided_on is not None:
        return []  # the conclusive decision closes the clock
    if case_events.rg_decided_on is None:
        return _rg_alerts(j, case_events, today)
    if not _rg_positive(j, case_events):
        return []  # no reflection period follows a negative decision
    return _reflection_alerts(j, case_events, today)


def _rg_alerts(j: Jurisdiction, events: CaseEvents, today: date) -> list[Alert]:
    if events.referred_on is None:
        return []
    due = decision_due(j, Stage.REASONABLE_GROUNDS, events.referred_on)
    if due is None:
        return []
    days_left = (due - today).days
    if days_left < 0:
        return [_alert(AlertKind.RG_OVERDUE, j, due, days_left)]
    if days_left <= RG_WARNING_DAYS:
        return [_alert(AlertKind.RG_DUE_SOON, j, due, days_left)]
    return []


def _reflection_alerts(j: Jurisdiction, events: CaseEvents, today: date) -> list[Alert]:
    assert events.rg_decided_on is not None  # checked by the caller
    ends_on = reflection_period(j, events.rg_decided_on, is_child=events.is_child).minimum_ends_on
    days_left = (ends_on - today).days
    if days_left > REFLECTION_WARNING_DAYS:
        return []
    if days_left >= 0:
        return [_alert(AlertKind.REFLECTION_ENDS_SOON, j, ends_on, days_left)]
    alerts = [_alert(AlertKind.REFLECTION_ENDED, j, ends_on, days_left)]
    # The conclusive-grounds decision comes after the reflection period, so it is "pending" from then on.
    if j.stage(Stage.CONCLUSIVE_GROUNDS) is not None:
        alerts.append(_alert(AlertKind.CG_PENDING, j, ends_on, days_left))
    return alerts


def _alert(kind: AlertKind, j: Jurisdiction, due: date, days_left: int) -> Alert:
    return Alert(kind=kind, jurisdiction=j.id, due=due, days_left=days_left, message_key=f"nrm.{kind.value}")


def _rg_positive(j: Jurisdiction, events: CaseEvents) -> bool:
    stage = j.stage(Stage.REASONABLE_GROUNDS)
    if stage is None:
        # Only the date reasonable grounds were found is known; no outcome means they were found.
        return events.rg_outcome is None or _GENERIC_RG_OUTCOMES[events.rg_outcome]
    assert events.rg_outcome is not None  # checked by _check
    return stage.outcome(events.rg_outcome).positive


def _check(j: Jurisdiction, events: CaseEvents) -> None:
    # Wrong data here would silently produce a wrong deadline, so refuse it loudly instead.
    referred, rg, cg = events.referred_on, events.rg_decided_on, events.cg_decided_on
    if referred is not None and rg is not None and rg < referred:
        raise ValueError(f"the RG decision ({rg}) is dated before the referral ({referred})")
    if rg is not None and cg is not None and cg < rg:
        raise ValueError(f"the CG decision ({cg}) is dated before the RG decision ({rg})")
    if cg is not None and rg is None:
        raise ValueError("a CG decision needs an RG decision before it")
    rg_stage = j.stage(Stage.REASONABLE_GROUNDS)
    if rg_stage is not None:
        _check_outcome(rg_stage, rg, events.rg_outcome, "RG")
    elif events.rg_outcome is not None and events.rg_outcome not in _GENERIC_RG_OUTCOMES:
        raise ValueError(f"{events.rg_outcome!r} is not an RG outcome (allowed: positive, negative)")
    cg_stage = j.stage(Stage.CONCLUSIVE_GROUNDS)
    if cg_stage is not None:
        _check_outcome(cg_stage, cg, events.cg_outcome, "CG")


def _check_outcome(stage: DecisionStage, decided_on: date | None, outcome: str | None, name: str) -> None:
    if (decided_on is None) != (outcome is None):
        raise ValueError(f"an {name} decision needs both its date and its outcome")
    if outcome is not None:
        stage.outcome(outcome)  # raises ValueError naming the allowed codes
