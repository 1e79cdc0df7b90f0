"""Answers and their states.

A screening is often incomplete: people decline questions, do not know, or the interview stops. Those states
are kept apart from "no" everywhere, because treating a refusal as a "no" would quietly turn "we did not find
out" into "we found nothing". They never count as "yes" either. The scorer reports how many there were and
whether they could have changed the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from threefold.identify.core.definition import NO, YES, AnswerType, Instrument, Item
from threefold.identify.core.problems import Problem, render_problems


class AnswerState(StrEnum):
    YES = "yes"
    NO = "no"
    GIVEN = "given"  # a choice, number or text
    REFUSED = "refused"
    DONT_KNOW = "dont_know"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "not_applicable"  # hidden by skip logic: not asked, and rightly so


# The states where we do not know what the true answer is; any of them could have been a yes.
UNKNOWN_STATES = frozenset({AnswerState.REFUSED, AnswerState.DONT_KNOW, AnswerState.UNANSWERED})
# The words a caller may send instead of an answer value.
STATE_WORDS = {
    AnswerState.REFUSED.value: AnswerState.REFUSED,
    AnswerState.DONT_KNOW.value: AnswerState.DONT_KNOW,
    AnswerState.UNANSWERED.value: AnswerState.UNANSWERED,
}

AnswerValue = str | tuple[str, ...] | float | None


@dataclass(frozen=True)
class Answer:
    state: AnswerState
    value: AnswerValue = None

    @property
    def is_unknown(self) -> bool:
        return self.state in UNKNOWN_STATES

    def selected(self) -> frozenset[str]:
        """The values an evidence or skip condition is matched against; empty unless a real answer was given."""
        if self.state is AnswerState.YES:
            return frozenset({YES})
        if self.state is AnswerState.NO:
            return frozenset({NO})
        if isinstance(self.value, str):
            return frozenset({self.value})
        if isinstance(self.value, tuple):
            return frozenset(self.value)
        return frozenset()

    def display(self) -> str:
        if self.state is not AnswerState.GIVEN:
            return self.state.value
        if isinstance(self.value, tuple):
            return ", ".join(self.value) if self.value else "(none selected)"
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)


UNANSWERED = Answer(AnswerState.UNANSWERED)
NOT_APPLICABLE = Answer(AnswerState.NOT_APPLICABLE)


class AnswerError(ValueError):
    """Answers that do not fit the instrument. Nothing is scored; ``problems`` names each key at fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(render_problems(self.problems, heading="the answers do not fit the instrument:"))


def parse_answers(instrument: Instrument, raw: Mapping[str, object]) -> dict[str, Answer]:
    """Answers keyed by item id, every item present (missing means unanswered).

    Accepted values: "yes"/"no" for yes_no items, a choice id, a list of choice ids, a number, a text; and for
    any item "refused", "dont_know", "unanswered" or null.
    """
    problems = [Problem(f"answers.{key}", "unknown item") for key in raw if key not in instrument.items_by_id]
    parsed: dict[str, Answer] = {}
    for item in instrument.items:
        answer = _parse_one(item, raw.get(item.id))
        if isinstance(answer, Problem):
            problems.append(answer)
        else:
            parsed[item.id] = answer
    if problems:
        raise AnswerError(problems)
    return parsed


def _parse_one(item: Item, value: object) -> Answer | Problem:
    if value is None:
        return UNANSWERED
    if isinstance(value, str) and value in STATE_WORDS:
        return Answer(STATE_WORDS[value])
    path = f"answers.{item.id}"
    match item.answer_type:
        case AnswerType.YES_NO:
            if value == YES:
                return Answer(AnswerState.YES)
            if value == NO:
                return Answer(AnswerState.NO)
            return Problem(path, f"{value!r} is not yes, no, refused, dont_know or unanswered")
        case AnswerType.SINGLE_CHOICE:
            if isinstance(value, str) and value in item.answer_values:
                return Answer(AnswerState.GIVEN, value)
            return Problem(path, f"{value!r} is not one of {_choices(item)}")
        case AnswerType.MULTI_CHOICE:
            return _parse_multi(item, value, path)
        case AnswerType.NUMBER:
            # bool is an int in Python, and a yes/no slipping into a number field is a mistake worth naming.
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                return Answer(AnswerState.GIVEN, float(value))
            return Problem(path, f"{value!r} is not a number")
        case AnswerType.TEXT:
            if isinstance(value, str):
                return Answer(AnswerState.GIVEN, value) if value.strip() else UNANSWERED
            return Problem(path, f"{value!r} is not a text")


def _parse_multi(item: Item, value: object, path: str) -> Answer | Problem:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return Problem(path, f"{value!r} is not a list of choices")
    unknown = [v for v in value if v not in item.answer_values]
    if unknown:
        return Problem(path, f"{', '.join(map(repr, unknown))} not among {_choices(item)}")
    if len(set(value)) != len(value):
        return Problem(path, "a choice is selected twice")
    order = [choice.id for choice in item.choices]
    return Answer(AnswerState.GIVEN, tuple(sorted(value, key=order.index)))


def _choices(item: Item) -> str:
    return ", ".join(choice.id for choice in item.choices)


@dataclass(frozen=True)
class DiscardedAnswer:
    """An answer given to an item that skip logic hides (e.g. the screener went back and changed the gate)."""

    item: str
    answer: str
    reason: str


@dataclass(frozen=True)
class ResolvedAnswers:
    answers: Mapping[str, Answer]
    discarded: tuple[DiscardedAnswer, ...]


def apply_skip_logic(instrument: Instrument, answers: Mapping[str, Answer]) -> ResolvedAnswers:
    """Decide, in item order, which items were asked.

    As in ODK, an item whose condition is false is not applicable and any answer it holds is dropped. When the
    earlier item the condition depends on is itself unknown, we cannot tell whether the item would have been
    asked, so it counts as unanswered: it is part of what a reviewer needs to know was not asked.
    """
    resolved: dict[str, Answer] = {}
    discarded: list[DiscardedAnswer] = []
    for item in instrument.items:
        answer = answers.get(item.id, UNANSWERED)
        hidden = _hidden(item, resolved) if item.show_if is not None else None
        if hidden is not None:
            counts_as, why = hidden
            if answer.state not in UNKNOWN_STATES:
                discarded.append(DiscardedAnswer(item.id, answer.display(), f"not asked because {why}"))
            answer = counts_as
        resolved[item.id] = answer
    return ResolvedAnswers(resolved, tuple(discarded))


def _hidden(item: Item, earlier: Mapping[str, Answer]) -> tuple[Answer, str] | None:
    """How an item counts when its condition kept it from being asked, and why; None when it was asked."""
    assert item.show_if is not None
    gate_id = item.show_if.item
    gate = earlier[gate_id]  # semantics guarantee the gate is an earlier item
    if gate.state is AnswerState.NOT_APPLICABLE:
        return NOT_APPLICABLE, f"{gate_id} was not asked either"
    if gate.is_unknown:
        return UNANSWERED, f"{gate_id} is {gate.display()}"
    if not item.show_if.match.matches(gate.selected()):
        return NOT_APPLICABLE, f"{gate_id} was answered {gate.display()}"
    return None
