"""What scoring returns: plain frozen dataclasses that explain themselves and serialise to JSON.

Every field is data a reviewer can check by hand: which answer gave which indicator, how many of each strength
a dimension has, which rule combination made it positive (or what it still needed), and how many answers were
refused, not known or never asked.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from threefold.identify.core.answers import DiscardedAnswer
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.rules import TierCounts

# Said with every result, whatever the instrument: a screening surfaces indicators; it decides nothing.
DISCLAIMER = (
    "This is a screening result: it lists indicators of likely trafficking or forced labour. It is not a legal "
    "determination; identifying a victim is for the competent authorities. A negative result does not rule out "
    "trafficking or other exploitation."
)


class OutcomeStatus(StrEnum):
    """Ordered: NEGATIVE < INCONCLUSIVE < POSITIVE (see ``rank``)."""

    NEGATIVE = "negative"
    INCONCLUSIVE = "inconclusive"  # not positive, but unknown answers could still make it positive
    POSITIVE = "positive"

    @property
    def rank(self) -> int:
        return list(OutcomeStatus).index(self)


@dataclass(frozen=True)
class EvidenceLink:
    """One answer that gave one indicator."""

    item: str
    answer: str
    indicator: str
    dimension: str | None
    strength: str | None
    draft: bool  # the indicator (or its strength) is not verified against the published source


@dataclass(frozen=True)
class DimensionResult:
    id: str
    positive: bool
    could_become_positive: bool  # if the unknown answers turned out to be yes
    counts: TierCounts
    rule: str
    met_by: str | None  # the rule combination that holds, e.g. "1 strong + 1 medium or weak"
    present: tuple[str, ...]
    unknown: tuple[str, ...]  # indicators whose only evidence is refused / don't know / unanswered
    explanation: str


@dataclass(frozen=True)
class CountRuleResult:
    id: str
    met: bool
    could_become_met: bool
    yes_count: int
    min_yes: int
    yes_items: tuple[str, ...]
    unknown_items: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class AnswerSummary:
    items: int
    yes: int
    no: int
    given: int
    refused: int
    dont_know: int
    unanswered: int
    not_applicable: int

    @property
    def unknown(self) -> int:
        return self.refused + self.dont_know + self.unanswered

    def describe(self) -> str:
        return (
            f"{self.items} items: {self.yes} yes, {self.no} no, {self.given} other answers, {self.refused} refused, "
            f"{self.dont_know} don't know, {self.unanswered} unanswered, {self.not_applicable} not applicable"
        )


@dataclass(frozen=True)
class BandResult:
    id: str
    urgency: str
    label: LocalText
    guidance: LocalText
    urgency_text: LocalText


@dataclass(frozen=True)
class ScreeningResult:
    instrument: str
    instrument_version: str
    status: OutcomeStatus
    band: BandResult
    indicators_present: tuple[str, ...]
    evidence: tuple[EvidenceLink, ...]
    dimensions: tuple[DimensionResult, ...]
    count_rules: tuple[CountRuleResult, ...]
    answers: AnswerSummary
    discarded_answers: tuple[DiscardedAnswer, ...]
    explanation: tuple[str, ...]
    disclaimer: str = DISCLAIMER

    @property
    def positive(self) -> bool:
        return self.status is OutcomeStatus.POSITIVE

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(result for result in self.dimensions if result.id == dimension_id)

    def to_dict(self) -> dict[str, Any]:
        plain = _plain(self)
        assert isinstance(plain, dict)
        plain["positive"] = self.positive
        plain["answers"]["unknown"] = self.answers.unknown
        return plain

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False)


def _plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and mappings to JSON-ready dicts, strings and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
