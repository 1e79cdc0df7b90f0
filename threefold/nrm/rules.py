"""Questions asked of a jurisdiction's rules: how long is the reflection period, when is a decision due, which
outcomes may a decision have, which test wording applied on a day.

Every function takes a ``Jurisdiction`` or its id (``"gb-eaw"``) so the Django side can pass what it stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from threefold.nrm.loader import load
from threefold.nrm.model import (
    Confidence,
    DayUnit,
    DecisionStage,
    Extension,
    Jurisdiction,
    Length,
    Outcome,
    ReflectionRule,
    Source,
    Stage,
    TestWording,
)
from threefold.nrm.workdays import add_working_days


def resolve(jurisdiction: Jurisdiction | str) -> Jurisdiction:
    return jurisdiction if isinstance(jurisdiction, Jurisdiction) else load(jurisdiction)


@dataclass(frozen=True)
class PossibleExtension:
    """An extension the jurisdiction may grant; never applied automatically, because granting it is a decision."""

    extension: Extension
    ends_on_if_granted: date


@dataclass(frozen=True)
class Period:
    """A reflection (recovery) period as the data sets it: the minimum the person is owed, not a decision.

    Convention: the day the period starts from is day 0 and ``minimum_ends_on`` is its last day, so 30 days from
    1 March end on 31 March and 3 months from 31 January end on 30 April (a month with no such day ends on its
    last day). This is the usual way legal time limits are counted; a national rule may count differently, which
    is why ``statement`` says which rule applied and the caveats travel with it.
    """

    jurisdiction: str
    starts_on: date
    minimum: Length
    minimum_ends_on: date
    rule_id: str
    statement: str
    sources: tuple[Source, ...]
    confidence: Confidence
    caveats: tuple[str, ...]
    possible_extensions: tuple[PossibleExtension, ...]

    def includes(self, day: date) -> bool:
        return self.starts_on <= day <= self.minimum_ends_on


def reflection_period(jurisdiction: Jurisdiction | str, starts_on: date, *, is_child: bool = False) -> Period:
    """The minimum reflection period starting on ``starts_on`` (in practice the reasonable-grounds decision date).

    The rule is chosen by the start date, so a dated change (the UK's 45 to 30 days on 30 January 2023) gives each
    person the rule in force when their period began.
    """
    j = resolve(jurisdiction)
    rule = _rule_for(j, starts_on, is_child=is_child)
    ends_on = rule.minimum.after(starts_on)
    return Period(
        jurisdiction=j.id,
        starts_on=starts_on,
        minimum=rule.minimum,
        minimum_ends_on=ends_on,
        rule_id=rule.id,
        statement=_statement(j, rule, starts_on, ends_on),
        sources=rule.sources,
        confidence=rule.confidence,
        caveats=(*rule.caveats, *j.caveats),
        possible_extensions=tuple(
            PossibleExtension(ext, ext.length.after(ends_on))
            for ext in j.reflection.extensions
            if ext.applies_to.covers(is_child=is_child)
        ),
    )


def _rule_for(j: Jurisdiction, starts_on: date, *, is_child: bool) -> ReflectionRule:
    matching = [rule for rule in j.reflection.rules if rule.applies(starts_on, is_child=is_child)]
    if not matching:
        raise LookupError(
            f"{j.id}: no reflection-period rule covers a period starting on {starts_on.isoformat()}"
        )
    # The loader refuses overlapping rules, so there is exactly one.
    return matching[0]


def _statement(j: Jurisdiction, rule: ReflectionRule, starts_on: date, ends_on: date) -> str:
    titles = "; ".join(source.title for source in rule.sources)
    return (
        f"{j.name}: at least {rule.minimum} from {starts_on.isoformat()}; the minimum runs to the end of "
        f"{ends_on.isoformat()}. Rule {rule.id}: {rule.statement} Source: {titles}. "
        f"Confidence: {rule.confidence}; figures as of {j.as_of.isoformat()}."
    )


def decision_due(jurisdiction: Jurisdiction | str, stage: Stage | str, referred_on: date) -> date | None:
    """When a decision is due by the jurisdiction's target, or None where the data holds no time target for it.

    None covers a stage without a target (the conclusive-grounds decision) and a stage the jurisdiction's file
    does not describe (most EU states: only their reflection period is known). An unknown stage name raises.
    """
    j = resolve(jurisdiction)
    found = j.stage(stage)
    if found is None or found.due is None:
        return None
    due = found.due
    if due.unit is DayUnit.WORKING_DAYS:
        return add_working_days(j.calendar, referred_on, due.count)
    return Length(days=due.count).after(referred_on)


def outcomes(jurisdiction: Jurisdiction | str, stage: Stage | str) -> tuple[Outcome, ...]:
    """The outcomes a decision at ``stage`` may have (code, label, positive) in the order the file gives them."""
    return decision_stage(jurisdiction, stage).outcomes


def decision_stage(jurisdiction: Jurisdiction | str, stage: Stage | str) -> DecisionStage:
    j = resolve(jurisdiction)
    found = j.stage(stage)
    if found is None:
        known = ", ".join(s.id for s in j.stages) or "none: only the reflection period is known"
        raise LookupError(f"{j.id} has no {Stage(stage)} stage in its data (stages: {known})")
    return found


def wording_in_force(
    jurisdiction: Jurisdiction | str, stage: Stage | str, on: date
) -> tuple[TestWording, ...]:
    """The test wordings that may have applied to a decision made on ``on``.

    More than one comes back when the date falls in a month the sources give without a day (June 2023 for the UK
    reasonable-grounds test); an entry without wording means "read it from the current guidance", named in the
    stage's ``read_current_test_from``.
    """
    return tuple(w for w in decision_stage(jurisdiction, stage).test_history if w.may_apply(on))
