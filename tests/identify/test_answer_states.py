"""Refused, don't know and unanswered are kept apart: never counted as "no", never as "yes"."""

from __future__ import annotations

import pytest

from tests.identify.builders import minimal
from tests.identify.conftest import DelphiAnswers
from threefold.identify.core.answers import AnswerError, AnswerState, parse_answers
from threefold.identify.core.definition import Instrument
from threefold.identify.core.instrument import build_instrument
from threefold.identify.core.results import OutcomeStatus
from threefold.identify.core.scoring import score

CD = "coercion_at_destination"
UNKNOWN = ["refused", "dont_know", "unanswered", None]


@pytest.mark.parametrize("state", UNKNOWN)
def test_unknown_answer_is_not_a_no(
    delphi: Instrument, delphi_answers: DelphiAnswers, state: str | None
) -> None:
    answers = delphi_answers("cd_violence")
    with_no = score(delphi, answers).dimension(CD)
    answers["q_cd_documents"] = state
    with_unknown = score(delphi, answers).dimension(CD)

    # Same count either way (it is not a yes) ...
    assert with_no.counts == with_unknown.counts
    assert not with_unknown.positive
    # ... but a "no" closes the question and an unknown answer leaves it open, and says so.
    assert not with_no.could_become_positive
    assert with_unknown.could_become_positive
    assert with_unknown.unknown == ("cd_documents",)
    assert "which could make it positive" in with_unknown.explanation


@pytest.mark.parametrize("state", UNKNOWN)
def test_all_unknown_is_inconclusive_never_negative_never_positive(
    delphi: Instrument, state: str | None
) -> None:
    result = score(delphi, {item.id: state for item in delphi.items})

    assert result.status is OutcomeStatus.INCONCLUSIVE
    assert result.band.id == "not_enough_answers"
    assert not any(d.positive for d in result.dimensions)
    assert result.indicators_present == ()
    assert result.answers.no == 0
    assert result.answers.yes == 0
    assert result.answers.unknown == 67


def test_all_no_is_negative(delphi: Instrument, delphi_answers: DelphiAnswers) -> None:
    result = score(delphi, delphi_answers())
    assert result.status is OutcomeStatus.NEGATIVE
    assert result.answers.no == 67


def test_states_are_counted_separately(delphi: Instrument, delphi_answers: DelphiAnswers) -> None:
    answers = delphi_answers("cd_violence")
    answers.update(q_cd_debt="refused", q_cd_isolation="dont_know", q_cd_documents="unanswered")
    del answers["q_dr_wages"]  # a missing key is unanswered too

    summary = score(delphi, answers).answers
    assert (summary.yes, summary.refused, summary.dont_know, summary.unanswered) == (1, 1, 1, 2)
    assert summary.no == 67 - 5
    assert summary.unknown == 4
    assert "1 refused, 1 don't know, 2 unanswered" in summary.describe()


def test_unknown_strong_indicator_is_never_counted_as_yes(
    delphi: Instrument, delphi_answers: DelphiAnswers
) -> None:
    answers = delphi_answers("cd_violence")
    answers["q_cd_documents"] = "refused"  # with a yes this would be 2 strong, a positive dimension
    assert not score(delphi, answers).dimension(CD).positive


def test_inconclusive_outcome_explains_how_much_was_not_known(qyit: Instrument) -> None:
    result = score(
        qyit, {"q_unsafe_work": "no", "q_afraid_to_leave": "refused", "q_sex_exchange": "dont_know"}
    )

    assert result.status is OutcomeStatus.INCONCLUSIVE
    assert result.band.id == "screen_incomplete"
    rule = result.count_rules[0]
    assert (rule.met, rule.could_become_met, rule.yes_count) == (False, True, 0)
    assert rule.unknown_items == ("q_afraid_to_leave", "q_sex_exchange", "q_told_to_lie")
    assert any(
        line.startswith("3 item(s) were refused, not known or unanswered") for line in result.explanation
    )


@pytest.mark.parametrize(
    ("answers", "path", "message"),
    [
        ({"q_nope": "yes"}, "answers.q_nope", "unknown item"),
        ({"q_s1": "maybe"}, "answers.q_s1", "'maybe' is not yes, no, refused, dont_know or unanswered"),
        ({"q_s1": True}, "answers.q_s1", "True is not yes, no"),
        ({"q_s1": "yes", "q_kind": "c"}, "answers.q_kind", "'c' is not one of a, b"),
    ],
)
def test_answers_that_do_not_fit_name_the_item(answers: dict[str, object], path: str, message: str) -> None:
    instrument = build_instrument(minimal())
    with pytest.raises(AnswerError) as raised:
        score(instrument, answers)
    assert f"{path}: {message}" in str(raised.value)


def test_answer_error_lists_every_problem_at_once() -> None:
    instrument = build_instrument(minimal())
    with pytest.raises(AnswerError) as raised:
        parse_answers(instrument, {"q_nope": "yes", "q_s1": "maybe"})
    assert [problem.path for problem in raised.value.problems] == ["answers.q_nope", "answers.q_s1"]


def test_multi_choice_and_number_answers_parse() -> None:
    data = minimal()
    data["items"][3]["answer_type"] = "multi_choice"
    data["items"].append({"id": "q_count", "prompt": {"en": "How many?"}, "answer_type": "number"})
    instrument = build_instrument(data)

    parsed = parse_answers(instrument, {"q_s1": "yes", "q_kind": ["b", "a"], "q_count": 3})
    assert parsed["q_kind"].value == ("a", "b")  # kept in the instrument's choice order
    assert parsed["q_count"].value == 3.0
    with pytest.raises(AnswerError, match=r"answers\.q_count: True is not a number"):
        parse_answers(instrument, {"q_count": True})
    with pytest.raises(AnswerError, match=r"answers\.q_kind: a choice is selected twice"):
        parse_answers(instrument, {"q_kind": ["a", "a"]})

    result = score(instrument, {"q_s1": "yes", "q_kind": ["b"]})
    assert (
        result.dimension("d1").met_by == "1 strong + 1 medium or weak"
    )  # s1 strong + m2 medium via choice b


class TestSkipLogic:
    def test_a_shown_item_counts(self) -> None:
        instrument = build_instrument(minimal())
        result = score(instrument, {"q_s1": "yes", "q_kind": "b"})
        assert result.indicators_present == ("s1", "m2")
        assert result.positive

    def test_an_answer_to_a_hidden_item_is_dropped_and_reported(self) -> None:
        instrument = build_instrument(minimal())
        result = score(instrument, {"q_s1": "no", "q_kind": "b"})
        assert result.indicators_present == ()
        assert result.answers.not_applicable == 1
        assert [(d.item, d.answer) for d in result.discarded_answers] == [("q_kind", "b")]
        assert "Ignored q_kind = b: not asked because q_s1 was answered no." in result.explanation

    def test_item_behind_an_unknown_gate_counts_as_unanswered(self, icls: Instrument) -> None:
        result = score(icls, {"q_worked": "refused"})
        assert result.answers.refused == 1
        assert result.answers.unanswered == len(icls.items) - 1
        assert result.answers.not_applicable == 0
        assert result.status is OutcomeStatus.INCONCLUSIVE

    def test_icls_gate_no_makes_the_rest_not_applicable(self, icls: Instrument) -> None:
        result = score(icls, {"q_worked": "no"})
        assert result.answers.not_applicable == len(icls.items) - 1
        assert result.status is OutcomeStatus.NEGATIVE

    def test_icls_both_parts_needed(self, icls: Instrument) -> None:
        base = {item.id: "no" for item in icls.items} | {"q_worked": "yes"}
        involuntary_only = score(icls, base | {"q_longer_hours": "yes"})
        both = score(icls, base | {"q_longer_hours": "yes", "q_documents_retained": "yes"})
        assert involuntary_only.status is OutcomeStatus.NEGATIVE
        assert both.status is OutcomeStatus.POSITIVE
        assert both.band.label["en"] == "Indicators of forced labour (statistical definition)"

    def test_answer_state_for_hidden_item(self) -> None:
        instrument = build_instrument(minimal())
        parsed = parse_answers(instrument, {"q_s1": "no"})
        assert parsed["q_kind"].state is AnswerState.UNANSWERED  # before skip logic; scoring resolves it
