"""The in-memory shape of a screening instrument.

These classes are only ever built by ``instrument.build_instrument`` from a file that has passed the JSON
Schema and the semantic checks, so they trust their contents: every reference points at something that exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from threefold.identify.core.expressions import Expression
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.rules import DimensionRule

# The two values of a yes_no answer. Refused, don't know and unanswered are answer *states* (answers.py).
YES = "yes"
NO = "no"


class Population(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    ANY = "any"


class Mode(StrEnum):
    INTERVIEW = "interview"
    OBSERVATION = "observation"
    RECORD_REVIEW = "record_review"


class Confidence(StrEnum):
    VERIFIED = "verified"
    SECONDARY = "secondary"
    DRAFT = "draft"


class Strength(StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    TEXT = "text"


class BandWhen(StrEnum):
    POSITIVE = "positive"
    INCONCLUSIVE = "inconclusive"
    NEGATIVE = "negative"


class UrgencyLevel(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class CodingCondition(StrEnum):
    """When a clinical code suggestion applies."""

    CONFIRMED = "confirmed"  # exploitation confirmed
    SUSPECTED = "suspected"  # suspected, not (yet) confirmed
    RULED_OUT = "ruled_out"  # examined after a suspicion that was then ruled out
    HISTORY = "history"  # exploitation in the person's past


@dataclass(frozen=True)
class Match:
    """An ``equals`` / ``in`` condition on one answer, kept as the set of values that satisfy it."""

    values: frozenset[str]

    def matches(self, selected: frozenset[str]) -> bool:
        # For a multi-choice answer ``selected`` has several values; any one of them is enough.
        return not self.values.isdisjoint(selected)


@dataclass(frozen=True)
class ShowIf:
    item: str
    match: Match


@dataclass(frozen=True)
class Evidence:
    indicator: str
    match: Match


@dataclass(frozen=True)
class Choice:
    id: str
    label: LocalText


@dataclass(frozen=True)
class Item:
    id: str
    prompt: LocalText
    answer_type: AnswerType
    choices: tuple[Choice, ...] = ()
    show_if: ShowIf | None = None
    evidences: tuple[Evidence, ...] = ()
    help: LocalText | None = None
    confidence: Confidence | None = None
    note: str | None = None

    @property
    def answer_values(self) -> frozenset[str]:
        """Values a real answer can take (refused, don't know and unanswered are states, not values)."""
        if self.answer_type is AnswerType.YES_NO:
            return frozenset({YES, NO})
        return frozenset(choice.id for choice in self.choices)


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    label: LocalText
    strength: Strength | None = None
    confidence: Confidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class Dimension:
    id: str
    label: LocalText
    rule: str


@dataclass(frozen=True)
class CountRule:
    """ ">= min_yes of these yes/no items answered yes", the rule of short screens such as QYIT."""

    id: str
    label: LocalText
    items: tuple[str, ...]
    min_yes: int


@dataclass(frozen=True)
class Urgency:
    level: UrgencyLevel
    text: LocalText


@dataclass(frozen=True)
class Band:
    id: str
    when: BandWhen
    label: LocalText
    guidance: LocalText
    urgency: Urgency


@dataclass(frozen=True)
class Outcome:
    expression: Expression
    text: LocalText


@dataclass(frozen=True)
class Provenance:
    source: str
    verified: str
    confidence: Confidence
    url: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ValidationStudy:
    sensitivity: float
    specificity: float
    n: int
    population: str
    reference_standard: str
    source: str
    prevalence: float | None = None
    url: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Guidance:
    """What the person using the instrument should do, and what they must never do."""

    do: tuple[LocalText, ...]
    never: tuple[LocalText, ...]


@dataclass(frozen=True)
class CodingSuggestion:
    """A clinical code that may fit (e.g. ICD-10-CM T76.51, suspected): a suggestion for the clinician, never a
    code the engine assigns."""

    system: str
    code: str
    label: LocalText
    applies_when: CodingCondition
    population: Population
    confidence: Confidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    languages: tuple[str, ...]
    title: LocalText
    description: LocalText
    settings: tuple[str, ...]
    population: Population
    mode: Mode
    provenance: Provenance
    validation: tuple[ValidationStudy, ...]
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    items: tuple[Item, ...]
    dimension_rules: tuple[DimensionRule, ...]
    count_rules: tuple[CountRule, ...]
    outcome: Outcome
    bands: tuple[Band, ...]
    # Optional parts (older files and organisations' own instruments may leave them out).
    audience: tuple[str, ...] = ()
    guidance: Guidance | None = None
    coding: tuple[CodingSuggestion, ...] = ()

    # Lookups by id. cached_property writes straight into __dict__, so it works on a frozen dataclass.
    @cached_property
    def items_by_id(self) -> Mapping[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def indicators_by_id(self) -> Mapping[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    @cached_property
    def dimensions_by_id(self) -> Mapping[str, Dimension]:
        return {dimension.id: dimension for dimension in self.dimensions}

    @cached_property
    def dimension_rules_by_id(self) -> Mapping[str, DimensionRule]:
        return {rule.id: rule for rule in self.dimension_rules}

    def coding_for(self, condition: CodingCondition) -> tuple[CodingSuggestion, ...]:
        """The code suggestions for one situation (e.g. every "suspected" code), in file order."""
        return tuple(suggestion for suggestion in self.coding if suggestion.applies_when is condition)

    def indicators_of(self, dimension_id: str) -> tuple[Indicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.dimension == dimension_id)

    def band_for(self, when: BandWhen) -> Band:
        """The band shown for an outcome; an instrument without an inconclusive band shows its negative one."""
        by_when = {band.when: band for band in self.bands}
        if when is BandWhen.INCONCLUSIVE and when not in by_when:
            return by_when[BandWhen.NEGATIVE]
        return by_when[when]
