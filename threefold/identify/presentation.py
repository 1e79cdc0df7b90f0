"""Turning instruments and results into what the pages show, in the page's language.

The engine's own explanation strings are English (they are for the API, the command line and reviewers'
exports); pages rebuild the explanation from the structured result and the instrument's own translated texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from threefold.identify.answer_forms import display_answer
from threefold.identify.catalogue import Entry
from threefold.identify.core.definition import Confidence, Instrument
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.results import ScreeningResult

# Labels of the settings instruments declare. An id without a label here is shown as written (e.g. an uploaded
# instrument's own setting), so a new setting never breaks a page.
SETTING_LABELS: Mapping[str, str | Promise] = {
    "labour_inspection": _("Labour inspection"),
    "outreach": _("Outreach"),
    "shelter": _("Shelters"),
    "youth_shelter": _("Youth shelters and drop-in centres"),
    "hotel": _("Hotels and hospitality"),
    "transport": _("Airlines and transport"),
    "health_care": _("Health care"),
    "school": _("Schools"),
    "social_services": _("Social services"),
    "homeless_services": _("Services for homeless people"),
    "ngo_casework": _("Casework in support organisations"),
    "child_protection": _("Child protection"),
    "law_enforcement": _("Police and border services"),
    "survey": _("Surveys and research"),
    "migrant_services": _("Services for migrants"),
}

CONFIDENCE_ORDER = {Confidence.VERIFIED: 0, Confidence.SECONDARY: 1, Confidence.DRAFT: 2}


def setting_label(setting: str) -> str:
    return str(SETTING_LABELS.get(setting, setting.replace("_", " ").capitalize()))


@dataclass(frozen=True)
class SettingChoice:
    id: str
    label: str
    instruments: int


def settings_with_counts(entries: list[Entry]) -> list[SettingChoice]:
    counts: dict[str, int] = {}
    for entry in entries:
        for setting in entry.instrument.settings:
            counts[setting] = counts.get(setting, 0) + 1
    return sorted(
        (SettingChoice(setting, setting_label(setting), n) for setting, n in counts.items()),
        key=lambda choice: choice.label,
    )


def instrument_rank(entry: Entry) -> tuple[int, int, str]:
    """Recommended first: instruments with a published validation study, then by how well they are verified."""
    instrument = entry.instrument
    return (
        0 if instrument.validation else 1,
        CONFIDENCE_ORDER[instrument.provenance.confidence],
        instrument.id,
    )


@dataclass(frozen=True)
class EvidenceRow:
    prompt: LocalText
    answer: str
    indicator: LocalText
    dimension: LocalText | None
    strength: str | None
    draft: bool


@dataclass(frozen=True)
class DimensionRow:
    label: LocalText
    positive: bool
    could_become_positive: bool
    strong: int
    medium: int
    weak: int
    rule: LocalText
    present: tuple[LocalText, ...]
    unknown: tuple[LocalText, ...]


@dataclass(frozen=True)
class CountRuleRow:
    label: LocalText
    met: bool
    could_become_met: bool
    yes_count: int
    min_yes: int
    yes_prompts: tuple[LocalText, ...]  # the questions answered yes, which is what such a rule counts


@dataclass(frozen=True)
class Explained:
    evidence: tuple[EvidenceRow, ...]
    dimensions: tuple[DimensionRow, ...]
    count_rules: tuple[CountRuleRow, ...]


def explain(instrument: Instrument, result: ScreeningResult, answers: Mapping[str, Any]) -> Explained:
    def indicator_label(indicator_id: str) -> LocalText:
        return instrument.indicators_by_id[indicator_id].label

    evidence = tuple(
        EvidenceRow(
            prompt=instrument.items_by_id[link.item].prompt,
            answer=display_answer(instrument.items_by_id[link.item], answers.get(link.item)),
            indicator=indicator_label(link.indicator),
            dimension=instrument.dimensions_by_id[link.dimension].label if link.dimension else None,
            strength=link.strength,
            draft=link.draft,
        )
        for link in result.evidence
    )
    dimensions = tuple(
        DimensionRow(
            label=instrument.dimensions_by_id[dim.id].label,
            positive=dim.positive,
            could_become_positive=dim.could_become_positive,
            strong=dim.counts.strong,
            medium=dim.counts.medium,
            weak=dim.counts.weak,
            rule=instrument.dimension_rules_by_id[dim.rule].text,
            present=tuple(indicator_label(i) for i in dim.present),
            unknown=tuple(indicator_label(i) for i in dim.unknown),
        )
        for dim in result.dimensions
    )
    rules_by_id = {rule.id: rule for rule in instrument.count_rules}
    count_rules = tuple(
        CountRuleRow(
            label=rules_by_id[rule.id].label,
            met=rule.met,
            could_become_met=rule.could_become_met,
            yes_count=rule.yes_count,
            min_yes=rule.min_yes,
            yes_prompts=tuple(instrument.items_by_id[item].prompt for item in rule.yes_items),
        )
        for rule in result.count_rules
    )
    return Explained(evidence, dimensions, count_rules)
