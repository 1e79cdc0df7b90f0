"""The per-question form for every answer type an instrument can use (the shipped library only uses yes/no,
organisations' own instruments may use the others)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.identify.builders import mixed
from threefold.identify.answer_forms import AnswerForm, display_answer, initial_for
from threefold.identify.core.answers import parse_answers
from threefold.identify.core.instrument import build_instrument

MIXED = build_instrument(mixed())


def _raw(item_id: str, data: dict[str, Any]) -> object:
    form = AnswerForm(MIXED.items_by_id[item_id], {"version": "1", **data})
    assert form.is_valid(), form.errors
    value = form.raw_value()
    # Whatever the form produces, the engine accepts.
    parse_answers(MIXED, {item_id: value})
    return value


@pytest.mark.parametrize(
    ("item_id", "data", "expected"),
    [
        ("q_where", {"answer": ["farm", "home"]}, ["farm", "home"]),
        ("q_where", {"state": "refused"}, "refused"),
        ("q_where", {}, None),
        ("q_hours", {"answer": "12"}, 12.0),
        ("q_hours", {"answer": "7.5"}, 7.5),
        ("q_hours", {"state": "dont_know"}, "dont_know"),
        ("q_notes", {"answer": "  slept on site  "}, "slept on site"),
        ("q_notes", {"answer": "   "}, None),
    ],
)
def test_each_answer_type_becomes_what_the_engine_reads(
    item_id: str, data: dict[str, Any], expected: object
) -> None:
    assert _raw(item_id, data) == expected


def test_an_answer_and_a_dont_know_together_are_refused_with_a_message() -> None:
    form = AnswerForm(MIXED.items_by_id["q_hours"], {"version": "1", "answer": "3", "state": "dont_know"})
    assert not form.is_valid()
    assert "not both" in str(form.non_field_errors())


def test_a_number_field_refuses_words() -> None:
    form = AnswerForm(MIXED.items_by_id["q_hours"], {"version": "1", "answer": "twelve"})
    assert not form.is_valid()
    assert "answer" in form.errors


def test_a_text_answer_is_capped() -> None:
    form = AnswerForm(MIXED.items_by_id["q_notes"], {"version": "1", "answer": "x" * 2001})
    assert not form.is_valid()


def test_stored_answers_come_back_into_the_form_and_read_back_in_words() -> None:
    where = MIXED.items_by_id["q_where"]
    assert initial_for(where, ["farm"]) == {"answer": ["farm"]}
    assert initial_for(where, "refused") == {"state": "refused"}
    assert display_answer(where, ["farm", "home"]) == "Farm, Home"
    assert display_answer(MIXED.items_by_id["q_hours"], 12.0) == "12"
    assert display_answer(where, None) == "Not answered"
