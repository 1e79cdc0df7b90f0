"""Every shipped instrument validates, and holds the published facts it claims (reference: identification.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from threefold.identify.core import library
from threefold.identify.core.definition import (
    AnswerType,
    BandWhen,
    Confidence,
    Instrument,
    Population,
    Strength,
)
from threefold.identify.core.expressions import AllOf, AnyOf, CountRuleRef, DimensionRef
from threefold.identify.core.instrument import SCHEMA_PATH, load_instrument
from threefold.identify.core.localtext import text_in
from threefold.identify.core.rules import Combination, Tally

SHIPPED = library.shipped_paths()

# ILO/EC Delphi, adult labour exploitation (reference §1.3): (dimension, total, strong, medium, weak).
DELPHI_DIMENSIONS = [
    ("deceptive_recruitment", 10, 1, 8, 1),
    ("coercive_recruitment", 10, 1, 9, 0),
    ("recruitment_abuse_of_vulnerability", 16, 0, 12, 4),
    ("exploitative_conditions", 9, 1, 7, 1),
    ("coercion_at_destination", 15, 4, 10, 1),
    ("abuse_of_vulnerability_at_destination", 7, 0, 5, 2),
]
# The four indicators whose strength the sources do not settle (reference §1.3, Dim 3).
DELPHI_DRAFT = {"vr_beliefs_abused", "vr_past_difficulties", "vr_travel_difficulty", "vr_general_context"}


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


# Where an instrument fits, and whom it is for: one shared vocabulary, so that a setting pack can pick its tools.
SETTINGS = frozenset(
    {
        "labour_inspection",
        "law_enforcement",
        "ngo_casework",
        "shelter",
        "youth_shelter",
        "homeless_services",
        "migrant_services",
        "child_protection",
        "outreach",
        "survey",
        "hotel",
        "transport",
        "health_care",
        "school",
    }
)
AUDIENCES = frozenset(
    {
        "front_desk",
        "concierge",
        "bell_staff",
        "valet",
        "security",
        "housekeeping",
        "maintenance",
        "room_service",
        "food_beverage",
        "cabin_crew",
        "transport_staff",
        "clinician",
        "teacher",
        "school_staff",
        "labour_inspector",
        "law_enforcement_officer",
        "trade_union_officer",
        "ngo_worker",
        "outreach_worker",
        "caseworker",
        "child_protection_worker",
        "screener",
    }
)


def test_the_library_ships_the_expected_instruments() -> None:
    assert {path.stem for path in SHIPPED} == {
        "ilo_ec_delphi_adult_labour",
        "quick_youth_indicators",
        "icls_2018_forced_labour",
        "ilo_forced_labour_11_indicators",
        "palermo_child_rule",
        "hotel_front_desk_observation",
        "hotel_housekeeping_observation",
        "hotel_food_beverage_observation",
        "transport_crew_observation",
        "health_care_clinician_observation",
        "school_staff_observation",
        "labour_inspection_workplace_observation",
        "outreach_observation",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_settings_and_audiences_come_from_the_shared_vocabulary(path: Path) -> None:
    instrument = load_instrument(path)
    assert set(instrument.settings) <= SETTINGS, set(instrument.settings) - SETTINGS
    assert set(instrument.audience) <= AUDIENCES, set(instrument.audience) - AUDIENCES


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_guidance_says_never_confront_alert_endanger_or_overpromise(path: Path) -> None:
    instrument = load_instrument(path)
    if instrument.guidance is None:
        assert instrument.id in {
            "ilo_ec_delphi_adult_labour",
            "quick_youth_indicators",
            "icls_2018_forced_labour",
        }
        return
    assert instrument.guidance.do
    never = " ".join(text["en"] for text in instrument.guidance.never).lower()
    for word in ("confront", "alert", "risk", "promise"):
        assert word in never, word
    for text in (*instrument.guidance.do, *instrument.guidance.never):
        assert set(text) == set(instrument.languages)


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_draft_item_indicator_or_code_says_what_to_check(path: Path) -> None:
    instrument = load_instrument(path)
    parts = [*instrument.items, *instrument.indicators, *instrument.coding]
    for part in parts:
        if part.confidence is Confidence.DRAFT:
            assert part.note, part


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_shipped_instrument_validates(path: Path) -> None:
    instrument = load_instrument(path)
    assert instrument.id == path.stem
    assert set(instrument.languages) == {"en", "fr", "es"}
    assert {band.when for band in instrument.bands} == set(BandWhen)


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_prompts_are_our_own_words_not_the_indicator_labels(path: Path) -> None:
    instrument = load_instrument(path)
    labels = {text for indicator in instrument.indicators for text in indicator.label.values()}
    for item in instrument.items:
        assert not set(item.prompt.values()) & labels, item.id
        assert item.prompt["en"].endswith("?"), item.id


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_positive_band_speaks_of_indicators_never_of_a_determination(path: Path) -> None:
    instrument = load_instrument(path)
    positive = instrument.band_for(BandWhen.POSITIVE)
    assert "indicators" in positive.label["en"].lower()
    for band in instrument.bands:
        assert "victim" not in band.label["en"].lower()
        assert "determin" not in band.label["en"].lower()


class TestDelphi:
    def test_67_indicators_in_six_dimensions_with_published_counts(self, delphi: Instrument) -> None:
        assert len(delphi.indicators) == 67
        assert [d.id for d in delphi.dimensions] == [row[0] for row in DELPHI_DIMENSIONS]
        for dimension, total, strong, medium, weak in DELPHI_DIMENSIONS:
            strengths = Counter(indicator.strength for indicator in delphi.indicators_of(dimension))
            assert len(delphi.indicators_of(dimension)) == total, dimension
            assert (strengths[Strength.STRONG], strengths[Strength.MEDIUM], strengths[Strength.WEAK]) == (
                strong,
                medium,
                weak,
            ), dimension

    def test_one_yes_no_item_per_indicator(self, delphi: Instrument) -> None:
        assert len(delphi.items) == 67
        evidenced = Counter(evidence.indicator for item in delphi.items for evidence in item.evidences)
        assert set(evidenced) == {indicator.id for indicator in delphi.indicators}
        assert set(evidenced.values()) == {1}
        assert {item.answer_type for item in delphi.items} == {AnswerType.YES_NO}
        assert all(len(item.evidences) == 1 and item.show_if is None for item in delphi.items)

    def test_only_the_unsettled_strengths_are_draft_and_they_say_why(self, delphi: Instrument) -> None:
        draft = {indicator.id for indicator in delphi.indicators if indicator.confidence is Confidence.DRAFT}
        assert draft == DELPHI_DRAFT
        for indicator_id in DELPHI_DRAFT:
            indicator = delphi.indicators_by_id[indicator_id]
            assert indicator.strength is Strength.WEAK
            assert indicator.note is not None
            assert "WCMS_105023" in indicator.note

    def test_dimension_rule_is_the_published_one(self, delphi: Instrument) -> None:
        (rule,) = delphi.dimension_rules
        assert rule.alternatives == (
            Combination(((Tally.STRONG, 2),)),
            Combination(((Tally.STRONG, 1), (Tally.MEDIUM_OR_WEAK, 1))),
            Combination(((Tally.MEDIUM, 3),)),
            Combination(((Tally.MEDIUM, 2), (Tally.WEAK, 1))),
        )

    def test_outcome_is_recruitment_and_exploitation_and_destination(self, delphi: Instrument) -> None:
        assert delphi.outcome.expression == AllOf(
            (
                AnyOf(
                    (
                        DimensionRef("deceptive_recruitment"),
                        DimensionRef("coercive_recruitment"),
                        DimensionRef("recruitment_abuse_of_vulnerability"),
                    )
                ),
                DimensionRef("exploitative_conditions"),
                AnyOf(
                    (
                        DimensionRef("coercion_at_destination"),
                        DimensionRef("abuse_of_vulnerability_at_destination"),
                    )
                ),
            )
        )

    def test_evidence_is_labelled(self, delphi: Instrument) -> None:
        assert delphi.population is Population.ADULT
        assert delphi.provenance.confidence is Confidence.SECONDARY
        assert "WCMS_105023" in delphi.provenance.source
        assert delphi.validation == ()  # expert consensus: no accuracy study exists, none is invented


class TestQuickYouthScreen:
    def test_four_yes_no_items_and_the_one_yes_rule(self, qyit: Instrument) -> None:
        assert len(qyit.items) == 4
        assert {item.answer_type for item in qyit.items} == {AnswerType.YES_NO}
        (rule,) = qyit.count_rules
        assert rule.min_yes == 1
        assert rule.items == tuple(item.id for item in qyit.items)
        assert qyit.outcome.expression == CountRuleRef(rule.id)

    def test_published_figures(self, qyit: Instrument) -> None:
        (study,) = qyit.validation
        assert (study.sensitivity, study.specificity, study.n, study.prevalence) == (0.867, 0.765, 307, 0.088)
        assert "18-22" in study.population
        assert "HTIAM-14" in study.reference_standard

    def test_unverified_item_topics_keep_it_draft(self, qyit: Instrument) -> None:
        assert qyit.provenance.confidence is Confidence.DRAFT
        assert all(item.confidence is Confidence.DRAFT for item in qyit.items)


class TestIcls:
    def test_both_parts_are_required(self, icls: Instrument) -> None:
        assert icls.outcome.expression == AllOf(
            (DimensionRef("involuntary_work"), DimensionRef("threat_of_penalty"))
        )
        (rule,) = icls.dimension_rules
        assert rule.alternatives == (Combination(((Tally.ANY, 1),)),)

    def test_items_are_gated_on_having_worked(self, icls: Instrument) -> None:
        gate, *rest = icls.items
        assert gate.id == "q_worked"
        assert all(item.show_if is not None and item.show_if.item == "q_worked" for item in rest)
        assert icls.provenance.confidence is Confidence.DRAFT


def test_unknown_instrument_id_lists_the_known_ones() -> None:
    with pytest.raises(LookupError, match=r"no shipped instrument 'nope'.*ilo_ec_delphi_adult_labour"):
        library.load("nope")


def test_text_falls_back_to_english_only_when_a_language_is_missing(delphi: Instrument) -> None:
    title = delphi.title
    assert text_in(title, "fr").startswith("Indicateurs de traite")
    assert text_in(title, "de") == title["en"]
