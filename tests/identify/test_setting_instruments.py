"""The ILO forced-labour indicators, the Palermo child rule and the observation checklists per setting: what they
encode (reference: identification.md §2.1, §1.6(c), §5.1) and golden scoring results."""

from __future__ import annotations

from itertools import product

import pytest

from tests.identify.conftest import answers_for
from threefold.identify.core import library
from threefold.identify.core.definition import (
    AnswerType,
    CodingCondition,
    Confidence,
    Instrument,
    Mode,
    Population,
)
from threefold.identify.core.expressions import AllOf, CountRuleRef, DimensionRef
from threefold.identify.core.results import OutcomeStatus
from threefold.identify.core.rules import Combination, Tally
from threefold.identify.core.scoring import score

# The ILO's 11 indicators of forced labour, in the booklet's order (reference §2.1).
ILO_11 = (
    ("abuse_of_vulnerability", "Abuse of vulnerability"),
    ("deception", "Deception"),
    ("restriction_of_movement", "Restriction of movement"),
    ("isolation", "Isolation"),
    ("physical_and_sexual_violence", "Physical and sexual violence"),
    ("intimidation_and_threats", "Intimidation and threats"),
    ("retention_of_identity_documents", "Retention of identity documents"),
    ("withholding_of_wages", "Withholding of wages"),
    ("debt_bondage", "Debt bondage"),
    ("abusive_working_and_living_conditions", "Abusive working and living conditions"),
    ("excessive_overtime", "Excessive overtime"),
)
ANY_ONE = (Combination(((Tally.ANY, 1),)),)


def _all(instrument: Instrument, value: str, **overrides: str) -> dict[str, object]:
    answers: dict[str, object] = {item.id: value for item in instrument.items}
    answers.update(overrides)
    return answers


@pytest.fixture(scope="module")
def ilo11() -> Instrument:
    return library.load("ilo_forced_labour_11_indicators")


@pytest.fixture(scope="module")
def palermo() -> Instrument:
    return library.load("palermo_child_rule")


class TestIloElevenIndicators:
    def test_the_eleven_indicators_in_the_ilo_order_without_strengths(self, ilo11: Instrument) -> None:
        assert [(i.id, i.label["en"]) for i in ilo11.indicators] == list(ILO_11)
        assert {i.strength for i in ilo11.indicators} == {None}  # the ILO grades none
        (dimension,) = ilo11.dimensions
        assert ilo11.dimension_rules_by_id[dimension.rule].alternatives == ANY_ONE
        assert ilo11.outcome.expression == DimensionRef(dimension.id)

    def test_one_yes_no_question_per_indicator(self, ilo11: Instrument) -> None:
        assert [evidence.indicator for item in ilo11.items for evidence in item.evidences] == [
            ident for ident, _ in ILO_11
        ]
        assert {item.answer_type for item in ilo11.items} == {AnswerType.YES_NO}

    def test_threshold_is_labelled_ours_not_the_ilos(self, ilo11: Instrument) -> None:
        assert "ours, not an ILO rule" in ilo11.outcome.text["en"]
        assert "NOT from the ILO" in ilo11.provenance.verified
        assert "that threshold is ours, not the ILO's" in ilo11.description["en"]
        assert ilo11.validation == ()
        assert "WCMS_203832" in ilo11.provenance.source
        # The indicator list is checked against the booklet; the threshold is declared as ours, not as a source's.
        assert ilo11.provenance.confidence is Confidence.VERIFIED

    def test_who_and_how(self, ilo11: Instrument) -> None:
        assert ilo11.mode is Mode.INTERVIEW
        assert ilo11.population is Population.ADULT
        assert ilo11.audience == (
            "labour_inspector",
            "law_enforcement_officer",
            "trade_union_officer",
            "ngo_worker",
        )
        assert "labour_inspection" in ilo11.settings

    @pytest.mark.parametrize("indicator", [ident for ident, _ in ILO_11])
    def test_any_single_indicator_means_investigate_further(self, ilo11: Instrument, indicator: str) -> None:
        result = score(ilo11, answers_for(ilo11, [indicator]))
        assert result.status is OutcomeStatus.POSITIVE
        assert result.band.id == "investigate_further"
        assert result.band.urgency == "soon"
        assert result.indicators_present == (indicator,)

    def test_golden_positive(self, ilo11: Instrument) -> None:
        result = score(ilo11, answers_for(ilo11, ["debt_bondage", "withholding_of_wages"]))
        assert result.band.label["en"] == "Indicators of possible forced labour: investigate further"
        (dimension,) = result.dimensions
        assert dimension.met_by == "at least 1 indicator"
        assert dimension.present == ("withholding_of_wages", "debt_bondage")
        assert result.explanation[:3] == (
            "Outcome: Indicators of possible forced labour: investigate further (positive).",
            f"Rule: {ilo11.outcome.text['en']}",
            "Applied: ILO indicators of forced labour [positive].",
        )

    def test_golden_negative_and_inconclusive(self, ilo11: Instrument) -> None:
        negative = score(ilo11, _all(ilo11, "no"))
        assert (negative.status, negative.band.id) == (OutcomeStatus.NEGATIVE, "no_indicator_found")
        refused = score(ilo11, _all(ilo11, "no", q_isolation="refused"))
        assert (refused.status, refused.band.id) == (OutcomeStatus.INCONCLUSIVE, "not_enough_answers")


class TestPalermoChildRule:
    ACTS = ("act_recruitment", "act_transportation", "act_transfer", "act_harbouring", "act_receipt")
    PURPOSES = (
        "purpose_sexual_exploitation",
        "purpose_forced_labour_or_services",
        "purpose_slavery_or_similar_practices",
        "purpose_servitude",
        "purpose_removal_of_organs",
    )

    def test_act_and_purpose_and_no_means(self, palermo: Instrument) -> None:
        assert [d.id for d in palermo.dimensions] == ["act", "exploitative_purpose"]
        assert palermo.outcome.expression == AllOf(
            (DimensionRef("act"), DimensionRef("exploitative_purpose"))
        )
        assert tuple(i.id for i in palermo.indicators_of("act")) == self.ACTS
        assert tuple(i.id for i in palermo.indicators_of("exploitative_purpose")) == self.PURPOSES
        for rule in palermo.dimension_rules:
            assert rule.alternatives == ANY_ONE

    def test_for_children_and_says_means_are_not_required_and_no_determination(
        self, palermo: Instrument
    ) -> None:
        assert palermo.population is Population.CHILD
        description = palermo.description["en"]
        assert "under 18" in description
        assert "means are NOT required" in description
        assert "not a legal determination" in description
        assert "no means are needed" in palermo.outcome.text["en"].lower()
        assert palermo.guidance is not None
        assert any("means are not needed" in text["en"] for text in palermo.guidance.never)

    def test_unverified_parts_are_draft_with_notes(self, palermo: Instrument) -> None:
        assert palermo.provenance.confidence is Confidence.DRAFT
        for indicator in palermo.indicators_of("exploitative_purpose"):
            assert indicator.confidence is Confidence.DRAFT
            assert indicator.note is not None
            assert "article 3(a)" in indicator.note

    @pytest.mark.parametrize(("act", "purpose"), list(product(ACTS, PURPOSES)))
    def test_any_act_with_any_purpose_meets_the_child_rule(
        self, palermo: Instrument, act: str, purpose: str
    ) -> None:
        result = score(palermo, answers_for(palermo, [act, purpose]))
        assert result.status is OutcomeStatus.POSITIVE
        assert result.band.id == "child_rule_met"
        assert result.band.urgency == "urgent"

    @pytest.mark.parametrize(
        ("yes", "missing"),
        [
            (ACTS, "Exploitative purpose [negative]"),
            (PURPOSES, "Act (recruitment, transportation, transfer, harbouring or receipt) [negative]"),
        ],
        ids=["acts_only", "purposes_only"],
    )
    def test_one_element_alone_is_not_enough(
        self, palermo: Instrument, yes: tuple[str, ...], missing: str
    ) -> None:
        result = score(palermo, answers_for(palermo, yes))
        assert (result.status, result.band.id) == (OutcomeStatus.NEGATIVE, "child_rule_not_met")
        assert f"Not met: {missing}." in result.explanation

    def test_unknown_purpose_keeps_it_open(self, palermo: Instrument) -> None:
        answers = answers_for(palermo, ["act_transportation"])
        answers["q_servitude"] = "dont_know"
        result = score(palermo, answers)
        assert (result.status, result.band.id) == (OutcomeStatus.INCONCLUSIVE, "not_enough_information")


# id: (settings, audience, population, provenance confidence, number of items, urgency of the positive band)
CHECKLISTS = {
    "hotel_front_desk_observation": (
        ("hotel",),
        ("front_desk", "concierge", "bell_staff", "valet", "security"),
        Population.ANY,
        Confidence.SECONDARY,
        7,
        "urgent",
    ),
    "hotel_housekeeping_observation": (
        ("hotel",),
        ("housekeeping", "maintenance", "room_service"),
        Population.ANY,
        Confidence.SECONDARY,
        6,
        "urgent",
    ),
    "hotel_food_beverage_observation": (
        ("hotel",),
        ("food_beverage",),
        Population.ANY,
        Confidence.DRAFT,
        5,
        "urgent",
    ),
    "transport_crew_observation": (
        ("transport",),
        ("cabin_crew", "transport_staff"),
        Population.ANY,
        Confidence.SECONDARY,
        5,
        "urgent",
    ),
    "health_care_clinician_observation": (
        ("health_care",),
        ("clinician",),
        Population.ANY,
        Confidence.DRAFT,
        8,
        "urgent",
    ),
    "school_staff_observation": (
        ("school",),
        ("teacher", "school_staff"),
        Population.CHILD,
        Confidence.DRAFT,
        8,
        "soon",
    ),
    "labour_inspection_workplace_observation": (
        ("labour_inspection",),
        ("labour_inspector",),
        Population.ANY,
        Confidence.DRAFT,
        11,
        "soon",
    ),
    "outreach_observation": (
        ("outreach",),
        ("outreach_worker",),
        Population.ANY,
        Confidence.DRAFT,
        10,
        "soon",
    ),
}


@pytest.fixture(scope="module", params=sorted(CHECKLISTS))
def checklist(request: pytest.FixtureRequest) -> Instrument:
    return library.load(request.param)


class TestObservationChecklists:
    def test_setting_audience_population_and_confidence(self, checklist: Instrument) -> None:
        settings, audience, population, confidence, items, _ = CHECKLISTS[checklist.id]
        assert checklist.mode is Mode.OBSERVATION
        assert checklist.settings == settings
        assert checklist.audience == audience
        assert checklist.population is population
        assert checklist.provenance.confidence is confidence
        assert len(checklist.items) == items
        assert checklist.validation == ()  # none of these is validated; no figure is made up
        assert checklist.guidance is not None

    def test_one_sign_observed_is_our_threshold(self, checklist: Instrument) -> None:
        (rule,) = checklist.count_rules
        assert (rule.id, rule.min_yes) == ("any_sign", 1)
        assert rule.items == tuple(item.id for item in checklist.items)
        assert rule.label["en"] == "At least one sign observed (our threshold)"
        assert checklist.outcome.expression == CountRuleRef("any_sign")
        text = checklist.outcome.text["en"]
        assert "our reporting threshold" in text or "threshold is ours" in text
        assert "not a published or validated cut-off" in text or "not a validated cut-off" in text
        assert {item.answer_type for item in checklist.items} == {AnswerType.YES_NO}

    def test_no_sign_is_negative(self, checklist: Instrument) -> None:
        result = score(checklist, _all(checklist, "no"))
        assert (result.status, result.band.id, result.band.urgency) == (
            OutcomeStatus.NEGATIVE,
            "no_sign_observed",
            "routine",
        )

    def test_each_sign_alone_is_positive(self, checklist: Instrument) -> None:
        urgency = CHECKLISTS[checklist.id][5]
        for item in checklist.items:
            result = score(checklist, _all(checklist, "no", **{item.id: "yes"}))
            assert (result.status, result.band.id, result.band.urgency) == (
                OutcomeStatus.POSITIVE,
                "signs_observed",
                urgency,
            ), item.id
            assert result.count_rules[0].yes_items == (item.id,)

    def test_not_sure_is_not_a_no(self, checklist: Instrument) -> None:
        first = checklist.items[0].id
        unsure = score(checklist, _all(checklist, "no", **{first: "dont_know"}))
        assert (unsure.status, unsure.band.id) == (OutcomeStatus.INCONCLUSIVE, "some_signs_unsure")
        # One sign seen is enough even when nothing else was checked.
        seen = score(checklist, _all(checklist, "unanswered", **{first: "yes"}))
        assert seen.status is OutcomeStatus.POSITIVE

    def test_draft_checklists_say_where_each_sign_comes_from(self, checklist: Instrument) -> None:
        drafts = [item for item in checklist.items if item.confidence is Confidence.DRAFT]
        if checklist.id == "labour_inspection_workplace_observation":
            assert drafts == []  # one sign per ILO indicator; the whole file is draft (provenance notes)
        elif checklist.provenance.confidence is Confidence.DRAFT:
            assert drafts == list(checklist.items)
            # Each note names the sign it adapts and what to check it against.
            assert all(item.note and ("check" in item.note or "compare" in item.note) for item in drafts)


def test_golden_front_desk_explanation() -> None:
    instrument = library.load("hotel_front_desk_observation")
    result = score(instrument, _all(instrument, "no", q_no_id="yes", q_few_belongings="dont_know"))

    assert result.status is OutcomeStatus.POSITIVE
    assert result.explanation[:3] == (
        "Outcome: Signs observed (indicators of possible trafficking): tell the designated person and follow the "
        "protocol (positive).",
        "Rule: Positive when at least one sign is observed. This is our reporting threshold for staff, set low on "
        "purpose so that concerns reach the designated person; it is not a published or validated cut-off.",
        "Applied: At least one sign observed (our threshold) [met].",
    )
    assert result.count_rules[0].explanation == (
        "At least one sign observed (our threshold): met, 1 of 7 items answered yes (needs at least 1)"
    )
    assert result.band.label["fr"].startswith("Signes observés (indicateurs d'une possible traite)")
    assert result.band.label["es"].startswith("Señales observadas (indicadores de posible trata)")


def test_front_desk_and_housekeeping_signs_are_the_toolkit_signs_not_drafts() -> None:
    for instrument_id in ("hotel_front_desk_observation", "hotel_housekeeping_observation"):
        instrument = library.load(instrument_id)
        assert all(item.confidence is None for item in instrument.items), instrument_id


def test_transport_marks_only_its_non_blue_lightning_sign_draft() -> None:
    instrument = library.load("transport_crew_observation")
    drafts = [item.id for item in instrument.items if item.confidence is Confidence.DRAFT]
    assert drafts == ["q_afraid_of_companion"]


def test_labour_inspection_signs_map_onto_the_eleven_ilo_indicators(ilo11: Instrument) -> None:
    instrument = library.load("labour_inspection_workplace_observation")
    assert [(i.id, i.label) for i in instrument.indicators] == [(i.id, i.label) for i in ilo11.indicators]
    evidenced = sorted(evidence.indicator for item in instrument.items for evidence in item.evidences)
    assert evidenced == sorted(ident for ident, _ in ILO_11)

    result = score(instrument, _all(instrument, "no", q_documents_held="yes", q_debt_deductions="yes"))
    assert result.band.label["en"].startswith("Signs observed (indicators of possible forced labour)")
    assert result.indicators_present == ("retention_of_identity_documents", "debt_bondage")
    assert result.dimensions[0].positive


# Health care coding suggestions: (code, applies when, population, confidence).
HEALTH_CODES = [
    ("T74.51", CodingCondition.CONFIRMED, Population.ADULT, Confidence.VERIFIED),
    ("T74.52", CodingCondition.CONFIRMED, Population.CHILD, Confidence.VERIFIED),
    ("T74.61", CodingCondition.CONFIRMED, Population.ADULT, Confidence.VERIFIED),
    ("T74.62", CodingCondition.CONFIRMED, Population.CHILD, Confidence.VERIFIED),
    ("T76.51", CodingCondition.SUSPECTED, Population.ADULT, Confidence.VERIFIED),
    ("T76.52", CodingCondition.SUSPECTED, Population.CHILD, Confidence.VERIFIED),
    ("T76.61", CodingCondition.SUSPECTED, Population.ADULT, Confidence.VERIFIED),
    ("T76.62", CodingCondition.SUSPECTED, Population.CHILD, Confidence.VERIFIED),
    ("Y07.6", CodingCondition.CONFIRMED, Population.ANY, Confidence.DRAFT),
    ("Z04.81", CodingCondition.RULED_OUT, Population.ANY, Confidence.DRAFT),
    ("Z04.82", CodingCondition.RULED_OUT, Population.ANY, Confidence.DRAFT),
    ("Z62.813", CodingCondition.HISTORY, Population.ANY, Confidence.DRAFT),
    ("Z91.42", CodingCondition.HISTORY, Population.ANY, Confidence.DRAFT),
]


def test_health_care_coding_suggestions() -> None:
    instrument = library.load("health_care_clinician_observation")
    assert [(c.code, c.applies_when, c.population, c.confidence) for c in instrument.coding] == HEALTH_CODES
    assert {c.system for c in instrument.coding} == {"ICD-10-CM"}
    assert [c.code for c in instrument.coding_for(CodingCondition.SUSPECTED)] == [
        "T76.51",
        "T76.52",
        "T76.61",
        "T76.62",
    ]
    labels = {c.code: c.label["en"] for c in instrument.coding}
    assert labels["T74.62"] == "Forced labour exploitation of a child, confirmed"
    assert labels["T76.51"] == "Forced sexual exploitation of an adult, suspected"
    for suggestion in instrument.coding:
        assert set(suggestion.label) == {"en", "fr", "es"}
        assert suggestion.note  # what is verified and what to check
    assert instrument.guidance is not None
    assert any("'confirmed' code on suspicion" in text["en"] for text in instrument.guidance.never)


def test_only_the_health_care_checklist_suggests_codes() -> None:
    with_codes = {instrument.id for instrument in library.load_all() if instrument.coding}
    assert with_codes == {"health_care_clinician_observation"}
