"""Questions, codes, suppressed results and leaders' totals: the pure rules of participate."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.participate.core import questions, results, retention, tokens, totals
from threefold.participate.core.questions import Kind, Problem, QuestionDraft, QuestionProblem


def test_a_question_keeps_its_translations_and_falls_back_to_the_first_language() -> None:
    clean = questions.clean(
        QuestionDraft(
            Kind.SINGLE, {"en": " Clear?  ", "fr": ""}, {"en": ["Yes", "No"], "fr": ["Oui", "Non"]}
        ),
        ["en", "fr"],
    )
    assert clean.texts == {"en": "Clear?"}
    assert clean.options == [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}]
    assert questions.localised(clean.texts, "fr", ["en", "fr"]) == "Clear?"
    assert questions.localised(clean.options[0], "fr", ["en", "fr"]) == "Oui"


@pytest.mark.parametrize(
    ("draft", "problem"),
    [
        (QuestionDraft(Kind.TEXT, {"en": ""}, {}), Problem.NO_TEXT),
        (QuestionDraft(Kind.SINGLE, {"en": "Q"}, {"en": ["One"]}), Problem.NO_OPTIONS),
        (QuestionDraft(Kind.SINGLE, {"en": "Q"}, {"en": ["A", "B"], "fr": ["A"]}), Problem.OPTIONS_DIFFER),
        (QuestionDraft(Kind.MULTIPLE, {"en": "Q"}, {"en": ["A", "a"]}), Problem.DUPLICATE_OPTION),
        (QuestionDraft(Kind.SCALE, {"en": "Q"}, {"en": ["A", "B"]}), Problem.OPTIONS_NOT_ALLOWED),
        (QuestionDraft(Kind.TEXT, {"de": "Q"}, {}), Problem.UNKNOWN_LANGUAGE),
        (QuestionDraft(Kind.TEXT, {"en": "x" * 501}, {}), Problem.TOO_LONG),
    ],
)
def test_bad_questions_are_refused_with_their_problem(draft: QuestionDraft, problem: Problem) -> None:
    with pytest.raises(QuestionProblem) as error:
        questions.clean(draft, ["en", "fr"])
    assert error.value.problem is problem


def test_answers_are_checked_against_the_question() -> None:
    assert questions.check_answer(Kind.MULTIPLE, 3, ["0", "2", "2"]) == ("0", "2")
    assert questions.check_answer(Kind.SCALE, 0, [""]) == ()
    with pytest.raises(ValueError, match="one answer only"):
        questions.check_answer(Kind.SINGLE, 2, ["0", "1"])
    with pytest.raises(ValueError, match="not an option"):
        questions.check_answer(Kind.SCALE, 0, ["6"])


KEY = b"k" * 32


def test_codes_are_typed_back_in_any_case_and_grouping() -> None:
    code = tokens.new_code()
    assert tokens.normalise(tokens.grouped(code).lower()) == code
    assert tokens.digest(code, KEY) != code
    assert len(tokens.digest(code, KEY)) == 64
    assert not tokens.is_well_formed("SHORT")


def test_codes_are_stored_as_a_keyed_hash() -> None:
    """Without the key, the 60-bit codes cannot be tried one by one against a copy of the database."""
    code = tokens.new_code()
    assert tokens.digest(code, KEY) == tokens.digest(code, KEY)
    assert tokens.digest(code, KEY) != tokens.digest(code, b"x" * 32)
    assert tokens.digest(code, KEY) != hashlib.sha256(code.encode()).hexdigest()
    with pytest.raises(ValueError, match="16 bytes"):
        tokens.digest(code, b"short")


def test_small_counts_and_what_gives_them_away_are_hidden() -> None:
    shown = results.protect_counts(["yes", "no", "unsure"], [9, 4, 1], 5)
    assert [bar.cell.value for bar in shown.bars] == [9, None, None]
    assert shown.total.value == 14
    two = results.protect_counts(["yes", "no"], [12, 2], 5)
    assert [bar.cell.value for bar in two.bars] == [None, None]  # 12 would give the 2 away
    with pytest.raises(ValueError, match="at least 3"):
        results.protect_counts(["a"], [3], 2)


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6), st.integers(3, 11))
def test_no_shown_count_is_small(counts: list[int], k: int) -> None:
    result = results.protect_counts([str(i) for i in range(len(counts))], counts, k)
    for bar in result.bars:
        assert bar.cell.value is None or bar.cell.value == 0 or bar.cell.value >= k


def test_multiple_choice_options_are_protected_one_by_one() -> None:
    result = results.protect_choices(["curfew", "phones"], [10, 2], 12, 5)
    assert [bar.cell.value for bar in result.bars] == [
        None,
        None,
    ]  # 10 of 12 would show the 2 not choosing it
    result = results.protect_choices(["curfew", "phones"], [7, 6], 13, 5)
    assert [bar.cell.value for bar in result.bars] == [7, 6]


def test_free_text_and_means_wait_for_k_and_time_is_kept_to_the_week() -> None:
    assert not results.enough_for_free_text(4, 5)
    assert results.enough_for_free_text(5, 5)
    assert results.scale_mean({"4": 2, "5": 2}, 5).mean is None
    assert results.scale_mean({"1": 5, "2": 5, "3": 5, "4": 5, "5": 6}, 5).mean == 3.1
    assert results.week_of(dt.date(2026, 3, 5)) == dt.date(2026, 3, 2)


def test_no_mean_while_a_count_of_the_question_is_hidden() -> None:
    """Counts 0, 0, 0, 1, 6 with k = 5: the total (7) and a mean (4.9) would force the hidden cells to be one 4
    and six 5s."""
    counts = {"1": 0, "2": 0, "3": 0, "4": 1, "5": 6}
    assert results.scale_mean(counts, 5).mean is None
    # Enough people in every cell but one: still no mean, the one hidden cell could be worked out from it.
    assert results.scale_mean({"1": 5, "2": 5, "3": 5, "4": 5, "5": 2}, 5).mean is None
    assert results.scale_mean({"1": 0, "2": 9, "3": 9, "4": 9, "5": 9}, 5).mean is None  # a hidden zero too


SCALE_COUNTS = st.fixed_dictionaries({str(v): st.integers(min_value=0, max_value=30) for v in range(1, 6)})


@given(SCALE_COUNTS, st.integers(3, 11))
def test_a_published_mean_never_goes_with_a_hidden_count(counts: dict[str, int], k: int) -> None:
    summary = results.scale_mean(counts, k)
    if summary.mean is None:
        return
    protected = results.protect_counts(list(counts), list(counts.values()), k)
    assert not protected.withheld
    assert protected.total.shown
    assert all(bar.cell.shown for bar in protected.bars)
    assert all(count >= k for count in counts.values())


def test_feedback_is_released_in_groups_of_at_least_k() -> None:
    assert not results.ready_to_release(4, 5)
    assert results.ready_to_release(5, 5)
    assert results.ready_to_release(6, 5)
    with pytest.raises(ValueError, match="at least 3"):
        results.ready_to_release(9, 2)


def test_leaders_totals_per_year_never_add_currencies() -> None:
    found = totals.by_year(
        [
            totals.Activity(dt.date(2025, 1, 1), Decimal("2")),
            totals.Activity(dt.date(2026, 1, 1), Decimal("1.5")),
        ],
        [
            totals.Payment(dt.date(2025, 2, 1), Decimal("50"), "EUR", "fee"),
            totals.Payment(dt.date(2025, 3, 1), Decimal("20"), "GBP", "fee"),
            totals.Payment(dt.date(2025, 3, 1), Decimal("5"), "EUR", "fee"),
        ],
    )
    assert [(y.year, y.hours, y.activities) for y in found] == [
        (2026, Decimal("1.5"), 1),
        (2025, Decimal("2"), 1),
    ]
    assert found[1].paid == (("EUR", "fee", Decimal("55")), ("GBP", "fee", Decimal("20")))


def test_a_stored_question_cleans_back_to_itself_and_drops_a_language_no_longer_offered() -> None:
    clean = questions.clean(
        QuestionDraft(
            Kind.SINGLE, {"en": "Clear?", "fr": "Clair ?"}, {"en": ["Yes", "No"], "fr": ["Oui", "Non"]}
        ),
        ["en", "fr"],
    )
    draft = questions.as_draft(clean.kind, clean.texts, clean.options)
    assert questions.clean(draft, ["en", "fr"]) == clean
    english = questions.as_draft(clean.kind, {"en": "Clear?"}, [{"en": o["en"]} for o in clean.options])
    assert questions.clean(english, ["en"]).options == [{"en": "Yes"}, {"en": "No"}]
    # Written in English only: French cannot become the first language.
    with pytest.raises(QuestionProblem) as error:
        questions.clean(questions.as_draft(Kind.TEXT, {"en": "Why?"}, []), ["fr", "en"])
    assert error.value.problem is Problem.NO_TEXT


def test_a_question_moves_one_place_and_never_past_either_end() -> None:
    assert questions.moved(["a", "b", "c"], 2, -1) == ["a", "c", "b"]
    assert questions.moved(["a", "b", "c"], 0, 1) == ["b", "a", "c"]
    for index, step in ((0, -1), (2, 1), (5, -1)):
        with pytest.raises(ValueError, match="cannot move"):
            questions.moved(["a", "b", "c"], index, step)


def test_held_feedback_expires_once_its_whole_week_is_older_than_the_period() -> None:
    today = dt.date(2026, 7, 15)  # a Wednesday
    cutoff = retention.held_expiry_cutoff(today, 180)
    assert cutoff == today - dt.timedelta(days=186)
    # The week of a day 180 days ago may hold an answer less than 180 days old: it waits on.
    assert not retention.is_expired(results.week_of(today - dt.timedelta(days=180)), today, 180)
    assert retention.is_expired(results.week_of(today - dt.timedelta(days=187)), today, 180)
    # Whatever the day, an expired week's last day is more than the period ago.
    for back in range(0, 400):
        week = results.week_of(today - dt.timedelta(days=back))
        if retention.is_expired(week, today, 180):
            assert (today - (week + dt.timedelta(days=6))).days > 180
    with pytest.raises(ValueError, match="at least one day"):
        retention.held_expiry_cutoff(today, 0)
    assert retention.HELD_FEEDBACK_DAYS == 180
