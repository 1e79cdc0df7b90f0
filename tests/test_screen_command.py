"""``manage.py screen``: scores an answers file with a shipped instrument; bad input gets a clear message."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _screen(tmp_path: Path, content: str, instrument: str = "quick_youth_indicators") -> dict[str, object]:
    answers = tmp_path / "answers.json"
    answers.write_text(content, encoding="utf-8")
    out = StringIO()
    call_command("screen", "--instrument", instrument, "--answers", str(answers), stdout=out)
    return json.loads(out.getvalue())


def test_one_yes_on_the_quick_youth_screen_is_positive_with_explanation(tmp_path: Path) -> None:
    result = _screen(tmp_path, json.dumps({"q_unsafe_work": "yes", "q_afraid_to_leave": "no"}))
    assert result["positive"] is True
    assert result["explanation"]
    negative = _screen(
        tmp_path,
        json.dumps(
            {k: "no" for k in ["q_unsafe_work", "q_afraid_to_leave", "q_sex_exchange", "q_told_to_lie"]}
        ),
    )
    assert negative["positive"] is False


def test_refused_is_not_counted_as_no(tmp_path: Path) -> None:
    result = _screen(
        tmp_path,
        json.dumps(
            {
                "q_unsafe_work": "refused",
                "q_afraid_to_leave": "no",
                "q_sex_exchange": "no",
                "q_told_to_lie": "no",
            }
        ),
    )
    assert result["positive"] is False
    assert result["status"] == "inconclusive"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"q_unsafe_work": "yes",\n "q_afraid_to_leave": }', "line 2"),
        ('["yes"]', "JSON object"),
        ('{"q_nonexistent": "yes"}', "q_nonexistent"),
        ('{"q_unsafe_work": "perhaps"}', "q_unsafe_work"),
    ],
)
def test_bad_answer_files_get_a_specific_message(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _screen(tmp_path, content)


def test_unknown_instrument_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="ilo_ec_delphi_adult_labour"):
        _screen(tmp_path, "{}", instrument="no_such_tool")
