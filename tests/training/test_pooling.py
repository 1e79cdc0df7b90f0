"""Results across the sessions of a course (scoring.pool) and self-registration's rules (joining): examples, then
properties that hold for any answers (hypothesis). Pure: no Django."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.training.core import joining, scoring
from threefold.training.core.scoring import QuestionRef, Sitting

# Module A: questions 1 and 2. Module B: 3 and 4; question 5 replaced 4 in the bank between the sessions.
QUESTIONS = [
    QuestionRef(1, "A"),
    QuestionRef(2, "A"),
    QuestionRef(3, "B"),
    QuestionRef(4, "B"),
    QuestionRef(5, "B"),
]
OLD_SET = (1, 2, 3, 4)
NEW_SET = (1, 2, 3, 5)


def test_sessions_with_the_same_questions_score_as_one_session() -> None:
    first = Sitting("S1", OLD_SET, {"1": {1: True}}, {"1": {1: True, 2: True, 3: True}})
    second = Sitting("S2", OLD_SET, {"1": {}, "2": {1: True}}, {"1": {1: True, 3: True}})
    pooled = scoring.pool(QUESTIONS, [first, second])
    assert pooled.same_questions
    (only,) = pooled.sets
    assert (only.sittings, only.questions) == (("S1", "S2"), 4)
    merged = scoring.summarise(
        QUESTIONS[:4],
        {"S1 1": {1: True}, "S2 1": {}, "S2 2": {1: True}},
        {"S1 1": {1: True, 2: True, 3: True}, "S2 1": {1: True, 3: True}},
    )
    assert pooled.results == merged
    assert only.results == merged
    assert [p.key for p in pooled.results.participants] == ["S1 1", "S2 1", "S2 2"]
    assert (pooled.results.paired, pooled.results.pre_only) == (2, 1)
    assert pooled.asked_by == {1: 2, 2: 2, 3: 2, 4: 2}


def test_each_question_counts_the_sessions_that_asked_it() -> None:
    old = Sitting("S1", OLD_SET, {"1": {4: True}}, {"1": {1: True, 2: True, 3: True, 4: True}})
    new = Sitting("S2", NEW_SET, {"1": {}}, {"1": {1: True, 5: True}})
    untested = Sitting("S3", (), {}, {})
    pooled = scoring.pool(QUESTIONS, [old, new, untested])
    assert not pooled.same_questions
    assert [(s.sittings, s.questions) for s in pooled.sets] == [(("S1",), 4), (("S2",), 4)]
    assert pooled.asked_by == {1: 2, 2: 2, 3: 2, 4: 1, 5: 1}
    by_key = {q.key: q for q in pooled.results.questions}
    assert (by_key["1"].paired, by_key["1"].pre_rate, by_key["1"].post_rate) == (2, 0.0, 1.0)
    assert (by_key["4"].paired, by_key["4"].pre_rate, by_key["4"].post_rate) == (1, 1.0, 1.0)
    assert (by_key["5"].paired, by_key["5"].pre_rate, by_key["5"].post_rate) == (1, 0.0, 1.0)
    # Module B: S1 asked 3 and 4, S2 asked 3 and 5, each to one paired participant: 4 answers each time.
    module_b = next(m for m in pooled.results.modules if m.key == "B")
    assert (module_b.paired, module_b.pre_rate, module_b.post_rate) == (2, 0.25, 0.75)
    # Each participant's own score is on their session's test.
    scores = {p.key: (p.pre, p.post) for p in pooled.results.participants}
    assert scores["S2 1"] == (scoring.Score(0, 4), scoring.Score(2, 4))
    module_a = next(m for m in pooled.results.modules if m.key == "A")
    assert (module_a.pre_rate, module_a.post_rate) == (0.0, 0.75)
    assert pooled.results.weak_modules == ()


def test_no_tested_session_gives_empty_results() -> None:
    pooled = scoring.pool(QUESTIONS, [Sitting("S1", (), {}, {})])
    assert pooled.sets == ()
    assert pooled.same_questions
    assert (pooled.results.participants, pooled.results.questions, pooled.results.modules) == ((), (), ())
    assert pooled.results.mean_change is None


answer_sets = st.dictionaries(
    st.sampled_from(["1", "2", "3", "4"]),
    st.dictionaries(st.sampled_from([1, 2, 3, 4, 5]), st.booleans()),
)


@given(answer_sets, answer_sets)
def test_pooling_one_session_is_scoring_it(pre: dict, post: dict) -> None:
    alone = scoring.summarise(QUESTIONS[:4], pre, post)
    pooled = scoring.pool(QUESTIONS, [Sitting("", OLD_SET, pre, post)])
    assert pooled.results == alone
    assert pooled.sets[0].results == alone


@given(answer_sets, answer_sets, answer_sets, answer_sets)
def test_properties_of_any_pooled_results(pre_1: dict, post_1: dict, pre_2: dict, post_2: dict) -> None:
    old, new = Sitting("S1", OLD_SET, pre_1, post_1), Sitting("S2", NEW_SET, pre_2, post_2)
    pooled = scoring.pool(QUESTIONS, [old, new])
    results = pooled.results
    assert results.paired == sum(s.results.paired for s in pooled.sets)
    assert len(results.participants) == len(set(pre_1) | set(post_1)) + len(set(pre_2) | set(post_2))
    by_key = {q.key: q for q in results.questions}
    # A question both sessions asked pools both; one asked by a single session is that session's alone.
    assert by_key["1"].paired == results.paired
    for key, sitting in (("4", old), ("5", new)):
        alone = scoring.summarise_sittings(QUESTIONS, [sitting]).questions
        assert by_key[key] == next(q for q in alone if q.key == key)
    for item in (*results.questions, *results.modules):
        for rate in (item.pre_rate, item.post_rate):
            assert rate is None or 0.0 <= rate <= 1.0
        assert item.weak == scoring.is_weak(item.pre_rate, item.post_rate)
    # Pooled rates lie between the two sessions' own rates for a question both asked.
    if all(s.results.paired for s in pooled.sets):
        rates = [next(q for q in s.results.questions if q.key == "1").post_rate or 0.0 for s in pooled.sets]
        pooled_rate = by_key["1"].post_rate or 0.0
        assert min(rates) - 1e-9 <= pooled_rate <= max(rates) + 1e-9


def test_a_join_code_is_long_enough_and_read_however_typed() -> None:
    code = joining.new_code()
    assert joining.LENGTH * math.log2(32) >= 128
    assert joining.is_well_formed(code)
    shown = joining.grouped(code)
    assert shown.count("-") == joining.LENGTH // 4 - 1
    for typed in (shown, shown.lower(), f"  {shown.replace('-', ' ')} "):
        assert joining.normalise(typed) == code
    assert not joining.is_well_formed(code[:-1])
    assert not joining.is_well_formed(code[:-1] + "0")  # 0 and O, 1 and I are never used
    assert len({joining.new_code() for _ in range(50)}) == 50


@pytest.mark.parametrize(
    ("today", "capacity", "registered", "refusal"),
    [
        (dt.date(2026, 3, 1), None, 0, None),  # before the session: it may be joined
        (dt.date(2026, 3, 3), 20, 19, None),  # its last day, one place left
        (dt.date(2026, 3, 3), 20, 20, joining.FULL),
        (dt.date(2026, 3, 2), None, joining.MAX_PARTICIPANTS, joining.FULL),
        (dt.date(2026, 3, 4), 20, 0, joining.ENDED),  # the day after its last
        (dt.date(2026, 3, 4), 20, 20, joining.ENDED),
    ],
)
def test_when_registration_refuses(
    today: dt.date, capacity: int | None, registered: int, refusal: str
) -> None:
    assert joining.refusal(today, dt.date(2026, 3, 3), capacity, registered) == refusal
