"""Reading a question bank from CSV (threefold.training.core.questionbank): every problem is found, with its
line, and a good file reads back exactly what was written. Pure: runs without Django."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.training.core import questionbank
from threefold.training.core.questionbank import MAX_BYTES, MAX_ROWS, Problem, parse_questions

MODULES = {11: "What trafficking is", 12: "Referral"}
HEADER = "module,question,correct,option_1,option_2,option_3,option_4,option_5,option_6\n"
GOOD = "Referral,Where do you refer a presumed victim?,1,Support services,Deportation\n"


def _parse(body: str, existing: tuple[str, ...] = (), header: str = HEADER) -> questionbank.Parsed:
    return parse_questions((header + body).encode(), MODULES, existing)


def _codes(parsed: questionbank.Parsed) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in parsed.problems]


def test_the_example_file_reads_without_a_problem() -> None:
    parsed = parse_questions(questionbank.EXAMPLE.encode(), MODULES)
    assert parsed.problems == ()
    assert [(row.line, row.module_id, row.correct) for row in parsed.rows] == [
        (2, 11, 1),
        (3, 11, 1),
        (4, 12, 0),
    ]
    assert parsed.rows[1].options == ("No", "Yes, if means such as deceit were used")
    assert parsed.rows[2].options[-1] == "Leave them"


def test_a_good_file_reads_back_every_field() -> None:
    parsed = _parse(GOOD + "what TRAFFICKING is,Can consent be given under deceit?,2,Yes,No,Sometimes\n")
    assert parsed.problems == ()
    first, second = parsed.rows
    assert first == questionbank.QuestionRow(
        2, 12, "Where do you refer a presumed victim?", ("Support services", "Deportation"), 0
    )
    assert (second.module_id, second.options, second.correct) == (11, ("Yes", "No", "Sometimes"), 1)


def test_columns_in_any_order_and_case_optional_ones_left_out_bom_and_blank_lines() -> None:
    data = "\ufeffCorrect, Option_2 ,option_1,QUESTION,module\r\n\r\n2,No,Yes,Is it?,Referral\r\n,,,,\r\n"
    parsed = parse_questions(data.encode(), MODULES)
    assert parsed.problems == ()
    assert [(r.line, r.text, r.options, r.correct) for r in parsed.rows] == [(3, "Is it?", ("Yes", "No"), 1)]


def test_a_question_over_several_lines_is_numbered_from_where_it_starts() -> None:
    parsed = _parse(f'Referral,"First line\nsecond line",1,A,B\n{GOOD}Nowhere,Q?,1,A,B\n')
    assert parsed.rows[0].text == "First line\nsecond line"
    assert _codes(parsed) == [(5, "module_unknown")]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Nowhere,Q?,1,A,B", "module_unknown"),
        (",Q?,1,A,B", "module_empty"),
        ("Referral,Q?,,A,B", "correct_empty"),
        ("Referral,Q?,3,A,B", "correct_not_option"),
        ("Referral,Q?,B,A,B", "correct_not_number"),
        ("Referral,Q?,0,A,B", "correct_not_number"),
        ("Referral,Q?,7,A,B,C,D,E,F", "correct_not_number"),
        ("Referral,Q?,1,A,", "too_few_options"),
        ("Referral,Q?,1,A,B,,D", "option_gap"),
        ("Referral,Q?,1,Same,same ", "options_same"),
        ("Referral,,1,A,B", "question_empty"),
        ("Referral,  ,1,A,B", "question_empty"),
        (f"Referral,{'x' * 1001},1,A,B", "question_long"),
        (f"Referral,Q?,1,{'a' * 301},B", "option_long"),
        ("Referral,Q\u202e?,1,A,B", "control"),
        ('Referral,Q?,1,"A\nA",B', "option_multiline"),
        ("Referral,Q?,1,A,B,C,D,E,F,G", "extra_cells"),
        ("Referral,Where do you refer a PRESUMED   victim?,1,A,B", "duplicate_existing"),
    ],
)
def test_each_bad_line_is_named_with_its_line_and_kept_out(line: str, code: str) -> None:
    parsed = _parse(f"Referral,Other?,1,A,B\n{line}\n", existing=("Where do you refer a presumed victim?",))
    assert code in [p.code for p in parsed.problems if p.line == 3], parsed.problems
    assert all(p.line == 3 for p in parsed.problems)
    assert [row.line for row in parsed.rows] == [2]  # the good line is read; the caller stores nothing anyway


def test_a_question_twice_in_the_file_names_the_first_line() -> None:
    parsed = _parse(f"{GOOD}Referral,Other?,1,A,B\nreferral, where do you refer a presumed victim? ,2,A,B\n")
    assert parsed.problems == (Problem(4, "duplicate_line", {"other": 2}),)


def test_every_bad_line_is_reported_not_only_the_first() -> None:
    parsed = _parse(f"Nowhere,Q1?,1,A,B\n{GOOD}Referral,,9,A\n")
    assert _codes(parsed) == [
        (2, "module_unknown"),
        (4, "question_empty"),
        (4, "too_few_options"),
        (4, "correct_not_number"),
    ]


def test_wrong_values_are_quoted_back_short_and_clean() -> None:
    parsed = _parse(f"{'Nowhere ' * 20}\u202e,Q?,1,A,B\n")
    shown = str(parsed.problems[0].params["module"])
    assert len(shown) == questionbank.SHOWN_CHARS
    assert "\u202e" not in shown


def test_two_modules_with_one_title_are_ambiguous() -> None:
    parsed = parse_questions((HEADER + "Signs,Q?,1,A,B\n").encode(), {1: "Signs", 2: "signs"})
    assert _codes(parsed) == [(2, "module_ambiguous")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"x" * (MAX_BYTES + 1), Problem(0, "too_large", {"kb": MAX_BYTES // 1024})),
        ((HEADER + "Referral,Caf\xe9?,1,A,B\n").encode("latin-1"), Problem(0, "not_utf8")),
        (b"%PDF-1.7\n\x00\x00binary", Problem(0, "not_text")),
        (b"", Problem(0, "empty", {"columns": ",".join(questionbank.COLUMNS)})),
        (b"  \n\n", Problem(0, "empty", {"columns": ",".join(questionbank.COLUMNS)})),
        (b'{"questions": []}', None),  # JSON, not CSV: the header is wrong
        (b"module,question,correct,option_1\nReferral,Q?,1,A\n", None),  # a required column missing
        (b"module,question,correct,option_1,option_2,hint\n", None),  # an unknown column
        (b"module,module,question,correct,option_1,option_2\n", None),  # a column twice
        (HEADER.encode(), Problem(0, "no_rows")),
        ((HEADER + 'Referral,"Q?,1,A,B\n').encode(), Problem(2, "not_csv")),  # the quote never closes
        ((HEADER + 'Referral,"Q"?,1,A,B\n').encode(), Problem(2, "not_csv")),
    ],
)
def test_a_file_that_cannot_be_read_is_one_problem(data: bytes, problem: Problem | None) -> None:
    parsed = parse_questions(data, MODULES)
    assert parsed.rows == ()
    if problem is None:
        assert [(p.line, p.code) for p in parsed.problems] == [(1, "header")]
    else:
        assert parsed.problems == (problem,)


def test_too_many_questions_stop_the_file_at_the_line_past_the_limit() -> None:
    body = "".join(f"Referral,Question {n}?,1,A,B\n" for n in range(MAX_ROWS + 1))
    parsed = _parse(body)
    assert parsed.rows == ()
    assert parsed.problems == (Problem(MAX_ROWS + 2, "too_many_rows", {"n": MAX_ROWS}),)
    assert _parse(body.split("\n", 1)[1]).problems == ()  # exactly the limit is fine


def test_a_broken_line_keeps_the_problems_found_before_it() -> None:
    parsed = _parse('Nowhere,Q?,1,A,B\nReferral,"Q?,1,A,B\n')
    assert _codes(parsed) == [(3, "not_csv"), (2, "module_unknown")]


# Any bank written by the csv module reads back as written (texts with commas, quotes, line breaks).
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and " ".join(s.split()) == s)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(MODULES)),
            _text,
            st.lists(_text, min_size=2, max_size=6, unique_by=questionbank.key),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda q: questionbank.key(q[1]),
    )
)
def test_any_bank_written_as_csv_reads_back(questions: list[tuple[int, str, list[str], int]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(questionbank.COLUMNS)
    for module_id, text, options, correct in questions:
        writer.writerow([MODULES[module_id], text, min(correct, len(options) - 1) + 1, *options])
    parsed = parse_questions(out.getvalue().encode(), MODULES)
    assert parsed.problems == ()
    assert [(r.module_id, r.text, list(r.options), r.correct) for r in parsed.rows] == [
        (module_id, text, options, min(correct, len(options) - 1))
        for module_id, text, options, correct in questions
    ]
