"""Pre/post scoring: examples, then properties that hold for any answers (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.training.core import certificate, followup, scoring
from threefold.training.core.scoring import QuestionRef

QUESTIONS = [QuestionRef(1, "A"), QuestionRef(2, "A"), QuestionRef(3, "B"), QuestionRef(4, "B")]


def test_a_participant_with_one_test_is_counted_but_not_compared() -> None:
    results = scoring.summarise(
        QUESTIONS, {"1": {1: True}, "2": {1: True}}, {"1": {1: True, 2: True}, "3": {}}
    )
    assert (results.paired, results.pre_only, results.post_only) == (1, 1, 1)
    by_key = {p.key: p for p in results.participants}
    assert by_key["1"].change == pytest.approx(0.25)
    assert by_key["2"].change is None
    assert by_key["3"].post == scoring.Score(0, 4)
    assert results.questions[0].paired == 1


def test_unanswered_counts_as_wrong_and_no_pair_flags_nothing() -> None:
    assert scoring.score(QUESTIONS, {1: True, 9: True}) == scoring.Score(1, 4)
    results = scoring.summarise(QUESTIONS, {"1": {}}, {})
    assert all(item.pre_rate is None and not item.weak for item in results.questions)
    assert results.mean_change is None


@pytest.mark.parametrize(
    ("pre", "post", "weak"),
    [
        (0.2, 0.5, True),  # low after the training
        (0.55, 0.6, True),  # barely moved and not mastered
        (0.3, 0.8, False),  # learnt
        (0.9, 0.95, False),  # already mastered: a small gain is no weakness
        (None, 0.1, False),  # unknown
    ],
)
def test_weak_items(pre: float | None, post: float | None, weak: bool) -> None:
    assert scoring.is_weak(pre, post) is weak


answer_sets = st.dictionaries(
    st.sampled_from(["1", "2", "3", "4", "5", "6"]),
    st.dictionaries(st.sampled_from([1, 2, 3, 4]), st.booleans()),
)


@given(answer_sets, answer_sets)
def test_properties_of_any_results(pre: dict, post: dict) -> None:
    results = scoring.summarise(QUESTIONS, pre, post)
    assert results.paired + results.pre_only + results.post_only == len(set(pre) | set(post))
    for p in results.participants:
        if p.change is not None:
            assert -1.0 <= p.change <= 1.0
            assert p.change == pytest.approx(p.post.rate - p.pre.rate)  # type: ignore[union-attr]
    for item in (*results.questions, *results.modules):
        assert item.paired == results.paired
        for rate in (item.pre_rate, item.post_rate):
            assert rate is None or 0.0 <= rate <= 1.0
    # A module's rate is the mean of its questions' rates (each question asked to the same paired group).
    if results.paired:
        by_id = {q.key: q for q in results.questions}
        module_a = results.modules[0]
        assert module_a.post_rate == pytest.approx((by_id["1"].post_rate + by_id["2"].post_rate) / 2)  # type: ignore[operator]
        # The mean change over participants equals the mean of per-question changes (same questions, same people).
        assert results.mean_change == pytest.approx(sum(q.change for q in results.questions) / len(QUESTIONS))  # type: ignore[misc]


@given(answer_sets, answer_sets)
def test_swapping_pre_and_post_negates_every_change(pre: dict, post: dict) -> None:
    forward = scoring.summarise(QUESTIONS, pre, post)
    backward = scoring.summarise(QUESTIONS, post, pre)
    for a, b in zip(forward.participants, backward.participants, strict=True):
        assert (a.change is None) == (b.change is None)
        if a.change is not None:
            assert a.change == pytest.approx(-b.change)  # type: ignore[operator]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 48))
def test_add_months_lands_in_the_right_month_never_later_in_the_day(day: dt.date, months: int) -> None:
    later = followup.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day


def test_follow_ups_are_open_for_a_while_then_missed() -> None:
    due = dt.date(2026, 4, 1)
    assert not followup.is_open(due, due - dt.timedelta(days=1))
    assert followup.is_open(due, due)
    assert not followup.is_open(due, due + dt.timedelta(days=followup.OPEN_DAYS))


def test_outcomes_share_who_identified_or_referred() -> None:
    three, six = followup.outcomes(
        [followup.Answer(3, 2, 0), followup.Answer(3, 0, 0), followup.Answer(6, 1, 1)]
    )
    assert (three.answered, three.identified_any, three.referred_any, three.identified_total) == (2, 1, 0, 2)
    assert three.identified_share == 0.5
    assert (six.answered, six.referred_share) == (1, 1.0)


@given(st.sets(st.integers(0, 5)), st.booleans())
def test_certificates_need_every_day_and_the_post_test(present: set[int], took_post: bool) -> None:
    start = dt.date(2026, 1, 5)
    days = certificate.session_days(start, start + dt.timedelta(days=2))
    present_on = [start + dt.timedelta(days=n) for n in present]
    assert certificate.eligible(days, present_on, took_post) == (took_post and {0, 1, 2} <= present)
