"""Golden tests for the Delphi outcome: a recruitment dimension AND exploitative conditions AND coercion or abuse
of vulnerability at destination (reference §1.6b). Worded as indicators of likely trafficking."""

from __future__ import annotations

import pytest

from tests.identify.conftest import DelphiAnswers
from threefold.identify.core.definition import Instrument
from threefold.identify.core.results import OutcomeStatus
from threefold.identify.core.scoring import score

# For each dimension, a smallest set of indicators that makes it positive (and only it).
POSITIVE = {
    "deceptive_recruitment": ["dr_job_nature", "dr_wages"],  # 1 strong + 1 medium
    "coercive_recruitment": ["cr_violence", "cr_debt"],  # 1 strong + 1 medium
    "recruitment_abuse_of_vulnerability": [
        "vr_economic",
        "vr_family_situation",
        "vr_personal_situation",
    ],  # 3 medium
    "exploitative_conditions": ["ex_excessive_hours", "ex_low_or_no_pay"],  # 1 strong + 1 medium
    "coercion_at_destination": ["cd_violence", "cd_documents"],  # 2 strong
    "abuse_of_vulnerability_at_destination": [
        "vd_dependency",
        "vd_economic",
        "vd_past_difficulties",
    ],  # 2 M + 1 W
}
DR, CR, VR, EX, CD, VD = POSITIVE


@pytest.mark.parametrize(
    ("dimensions", "expected"),
    [
        pytest.param([DR, EX, CD], True, id="deceptive + exploitation + coercion"),
        pytest.param([CR, EX, VD], True, id="coercive + exploitation + vulnerability at destination"),
        pytest.param([VR, EX, CD], True, id="vulnerability recruitment + exploitation + coercion"),
        pytest.param([DR, CR, VR, EX, CD, VD], True, id="all six"),
        pytest.param([DR, CR, VR, CD, VD], False, id="no exploitative conditions"),
        pytest.param([EX, CD, VD], False, id="no recruitment dimension"),
        pytest.param([DR, CR, VR, EX], False, id="nothing at destination"),
        pytest.param([DR, EX], False, id="recruitment + exploitation only"),
        pytest.param([EX], False, id="exploitation only"),
        pytest.param([], False, id="nothing"),
    ],
)
def test_delphi_outcome_combinations(
    delphi: Instrument, delphi_answers: DelphiAnswers, dimensions: list[str], expected: bool
) -> None:
    yes = [indicator for dimension in dimensions for indicator in POSITIVE[dimension]]
    result = score(delphi, delphi_answers(*yes))

    assert {d.id for d in result.dimensions if d.positive} == set(dimensions)
    assert result.positive is expected
    # Every other item was answered "no", so a non-positive result is a plain negative.
    assert result.status is (OutcomeStatus.POSITIVE if expected else OutcomeStatus.NEGATIVE)


def test_positive_outcome_is_worded_as_indicators_of_likely_trafficking(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    result = score(delphi, delphi_answers(*POSITIVE[DR], *POSITIVE[EX], *POSITIVE[CD]))

    assert result.band.id == "likely_trafficking"
    assert result.band.label["en"] == "Indicators of likely trafficking for labour exploitation"
    assert result.band.urgency == "urgent"
    assert (
        result.explanation[0]
        == "Outcome: Indicators of likely trafficking for labour exploitation (positive)."
    )
    assert "not a legal determination" in result.disclaimer
    assert "not a legal" in result.band.guidance["en"]


def test_negative_outcome_names_the_missing_part(delphi: Instrument, delphi_answers: DelphiAnswers) -> None:
    result = score(delphi, delphi_answers(*POSITIVE[DR], *POSITIVE[CD]))

    assert result.band.id == "combination_not_met"
    assert "Not met: Exploitative conditions of work [negative]." in result.explanation
    applied = next(line for line in result.explanation if line.startswith("Applied:"))
    assert "Deceptive recruitment (including transfer and transport) [positive]" in applied
    assert "Coercion at destination [positive]" in applied


def test_explanation_links_each_answer_to_its_indicator(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    result = score(delphi, delphi_answers("cd_violence", "vr_general_context"))

    links = {(link.item, link.indicator, link.strength, link.draft) for link in result.evidence}
    assert links == {
        ("q_cd_violence", "cd_violence", "strong", False),
        ("q_vr_general_context", "vr_general_context", "weak", True),
    }
    assert (
        "q_cd_violence = yes gives indicator cd_violence (Violence on victims; strong, Coercion at destination)"
        in result.explanation
    )
    assert any("[draft: not verified against the source]" in line for line in result.explanation)


def test_same_label_in_two_dimensions_counts_only_where_it_was_asked(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    # "Confiscation of documents" is medium at recruitment and strong at destination: separate indicators.
    result = score(delphi, delphi_answers("cr_documents"))
    assert result.dimension("coercive_recruitment").counts.medium == 1
    assert result.dimension("coercion_at_destination").counts.strong == 0
