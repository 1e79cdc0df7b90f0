"""Golden tests for the ILO/EC Delphi rule that makes one dimension positive.

Published rule (reference §1.6a): >= 2 strong; or 1 strong + >= 1 medium or weak; or >= 3 medium; or 2 medium +
>= 1 weak. The rule lives in the instrument file as data; these tests hold that data to the rule.
"""

from __future__ import annotations

import itertools

import pytest

from tests.identify.builders import one_dimension
from tests.identify.conftest import DelphiAnswers
from threefold.identify.core.definition import Instrument
from threefold.identify.core.instrument import build_instrument
from threefold.identify.core.rules import TierCounts
from threefold.identify.core.scoring import score

CD = "coercion_at_destination"
NEEDS = "needs 2 strong, or 1 strong + 1 medium or weak, or 3 medium, or 2 medium + 1 weak"


def published_rule(strong: int, medium: int, weak: int) -> bool:
    """The reference's pseudo-rule, written independently of the engine."""
    return strong >= 2 or (strong >= 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


def test_the_instrument_rule_agrees_with_the_published_rule_on_every_small_count(delphi: Instrument) -> None:
    rule = delphi.dimension_rules_by_id["delphi_element"]
    for strong, medium, weak in itertools.product(range(5), range(6), range(8)):
        counts = TierCounts(strong=strong, medium=medium, weak=weak)
        assert (rule.first_met(counts) is not None) == published_rule(strong, medium, weak), counts


def test_every_delphi_dimension_uses_the_delphi_rule(delphi: Instrument) -> None:
    assert {dimension.rule for dimension in delphi.dimensions} == {"delphi_element"}


# Coercion at destination has all three strengths (4 strong, 10 medium, 1 weak), so every edge fits in it.
@pytest.mark.parametrize(
    ("yes", "positive", "met_by", "tally"),
    [
        pytest.param(["cd_violence"], False, None, "1 strong, 0 medium, 0 weak", id="1 strong alone"),
        pytest.param(
            ["cd_violence", "cd_documents"], True, "2 strong", "2 strong, 0 medium, 0 weak", id="2 strong"
        ),
        pytest.param(
            ["cd_violence", "cd_threat_exposure"],
            True,
            "1 strong + 1 medium or weak",
            "1 strong, 0 medium, 1 weak",
            id="1 strong + 1 weak",
        ),
        pytest.param(
            ["cd_violence", "cd_imposed_tasks"],
            True,
            "1 strong + 1 medium or weak",
            "1 strong, 1 medium, 0 weak",
            id="1 strong + 1 medium",
        ),
        pytest.param(
            ["cd_imposed_tasks", "cd_made_to_lie"],
            False,
            None,
            "0 strong, 2 medium, 0 weak",
            id="2 medium alone",
        ),
        pytest.param(
            ["cd_imposed_tasks", "cd_made_to_lie", "cd_wages_withheld"],
            True,
            "3 medium",
            "0 strong, 3 medium, 0 weak",
            id="3 medium",
        ),
        pytest.param(
            ["cd_imposed_tasks", "cd_made_to_lie", "cd_threat_exposure"],
            True,
            "2 medium + 1 weak",
            "0 strong, 2 medium, 1 weak",
            id="2 medium + 1 weak",
        ),
        pytest.param(["cd_threat_exposure"], False, None, "0 strong, 0 medium, 1 weak", id="1 weak alone"),
        pytest.param([], False, None, "0 strong, 0 medium, 0 weak", id="nothing"),
    ],
)
def test_delphi_dimension_edges(
    delphi: Instrument,
    delphi_answers: DelphiAnswers,
    yes: list[str],
    positive: bool,
    met_by: str | None,
    tally: str,
) -> None:
    result = score(delphi, delphi_answers(*yes)).dimension(CD)

    assert result.positive is positive
    assert result.met_by == met_by
    assert result.present == tuple(sorted(yes, key=[i.id for i in delphi.indicators].index))
    assert tally in result.explanation
    if positive:
        assert f"meets {met_by}" in result.explanation
    else:
        # A negative dimension says what it has and what it would need.
        assert NEEDS in result.explanation
        assert not result.could_become_positive  # every other item was answered "no"


def test_one_strong_alone_is_explained_with_what_is_missing(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    result = score(delphi, delphi_answers("cd_violence")).dimension(CD)
    assert result.explanation.startswith(
        f"Coercion at destination: negative (1 strong, 0 medium, 0 weak; {NEEDS})"
    )


def test_all_weak_indicators_of_a_dimension_are_not_enough(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    weak = [i.id for i in delphi.indicators_of("recruitment_abuse_of_vulnerability") if i.strength == "weak"]
    assert len(weak) == 4
    result = score(delphi, delphi_answers(*weak)).dimension("recruitment_abuse_of_vulnerability")
    assert not result.positive
    assert result.counts == TierCounts(weak=4)


@pytest.mark.parametrize("weak", [1, 2, 5, 12, 40])
def test_weak_indicators_alone_are_never_positive_however_many(weak: int) -> None:
    instrument = build_instrument(one_dimension(strong=0, medium=0, weak=weak))
    result = score(instrument, {item.id: "yes" for item in instrument.items})
    assert not result.dimension("d1").positive
    assert result.dimension("d1").counts.weak == weak


@pytest.mark.parametrize(
    ("strong", "medium", "weak"),
    [(1, 0, 0), (0, 2, 0), (0, 1, 1), (0, 1, 5), (0, 0, 9)],
)
def test_small_combinations_below_the_rule_stay_negative(strong: int, medium: int, weak: int) -> None:
    instrument = build_instrument(one_dimension(strong, medium, weak))
    result = score(instrument, {item.id: "yes" for item in instrument.items})
    assert result.dimension("d1").positive is published_rule(strong, medium, weak) is False
