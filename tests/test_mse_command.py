"""``manage.py mse FILE.csv``: multiple systems estimation from a file of list combinations and counts.

The command reads a file and touches no database (no ``django_db`` mark here: a query would fail the test).
The UK 2013 five-list data (../shared/data, tests marked realdata) must give SparseMSE's published 11,313.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

MSE_FILE = "mse_uk_lists.csv"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("mse", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("mse", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(raised.value)


def ukdat_5(tmp_path: Path) -> Path:
    """The command's layout (one 0/1 column per list, then count) written from the shared file's UKdat_5."""
    source = Path(settings.SHARED_DATA_DIR) / MSE_FILE
    if not source.is_file():
        pytest.skip(
            f"real data file {MSE_FILE} not found in {settings.SHARED_DATA_DIR} (set THREEFOLD_SHARED_DATA)"
        )
    with source.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["dataset"] == "UKdat_5"]
    path = tmp_path / "uk_2013.csv"
    lines = [",".join([*rows[0]["lists"].split("|"), "count"])]
    lines += [",".join([*row["pattern"], row["count"]]) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "lists.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


SMALL = "Police,NGO,Health,count\n1,0,0,50\n0,1,0,41\n1,1,0,9\n0,0,1,33\n1,0,1,12\n0,1,1,7\n1,1,1,2\n"


# --- the UK 2013 data -----------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_text_output_for_the_uk_data_gives_the_published_estimate(tmp_path: Path) -> None:
    out, err = run(str(ukdat_5(tmp_path)))

    assert "Lists used (5): LA, NG, PFNCA, GO, GP" in out
    assert "Lists removed as non-informative: none" in out
    assert "Cases observed: 2,744 on 18 combinations of lists" in out
    assert "Model: main effects of every list and 6 pair(s) of lists" in out
    assert "  step 1: LA & NG     p = 2.18e-07 (on both: 18 observed, 4.0 expected)" in out
    assert "  step 6: NG & GO     p = 0.017" in out
    assert "Estimated total: 11,313 (2,744 observed + 8,569 on no list)" in out
    assert "  95%: 9,884 to 13,027" in out
    assert "  80%: 10,350 to 12,398" in out
    assert "Bootstrap" not in out
    assert err == ""


@pytest.mark.realdata
def test_json_output_for_the_uk_data(tmp_path: Path) -> None:
    out, _ = run(str(ukdat_5(tmp_path)), "--format", "json")

    result = json.loads(out)
    assert list(result) == [
        "method",
        "file",
        "pthresh",
        "lists",
        "removed_lists",
        "cases_observed",
        "cases_only_on_removed_lists",
        "model",
        "estimate",
        "model_conditional",
        "bootstrap",
    ]
    assert result["file"] == "uk_2013.csv"
    assert result["pthresh"] == 0.02
    assert result["lists"] == ["LA", "NG", "PFNCA", "GO", "GP"]
    assert result["removed_lists"] == []
    assert result["cases_observed"] == 2744
    assert round(result["estimate"]["total"]) == 11_313
    assert result["estimate"]["total"] - result["estimate"]["dark_figure"] == pytest.approx(2744)
    pairs = result["model"]["pairs"]
    assert [pair["lists"] for pair in pairs] == [
        ["LA", "NG"],
        ["NG", "GP"],
        ["PFNCA", "GP"],
        ["LA", "PFNCA"],
        ["GO", "GP"],
        ["NG", "GO"],
    ]
    assert [pair["step"] for pair in pairs] == [1, 2, 3, 4, 5, 6]
    assert pairs[0]["observed"] == 18
    assert not any(pair["never_overlap"] for pair in pairs)
    assert all(pair["p_value"] < 0.02 for pair in pairs)
    assert [round(x) for x in result["model_conditional"]["95%"]] == [9884, 13027]
    assert [round(x) for x in result["model_conditional"]["80%"]] == [10350, 12398]
    assert result["bootstrap"] is None


@pytest.mark.realdata
def test_bootstrap_intervals_with_progress_on_stderr(tmp_path: Path) -> None:
    path = str(ukdat_5(tmp_path))

    out, err = run(path, "--bootstrap", "200", "--format", "json")
    again, _ = run(path, "--bootstrap", "200", "--format", "json")

    result = json.loads(out)
    boot = result["bootstrap"]
    assert boot["replicates"] == 200
    assert boot["seed"] == 1234
    assert boot["failed"] == 0
    total = result["estimate"]["total"]
    assert (
        boot["bca"]["95%"][0] < boot["bca"]["80%"][0] < total < boot["bca"]["80%"][1] < boot["bca"]["95%"][1]
    )
    assert set(boot["percentile"]) == {"95%", "80%"}
    assert json.loads(again) == result  # same seed, same intervals
    assert "\r[" in err
    assert err.rstrip().endswith("218 of 218 estimates")  # 200 replicates and 18 jackknife estimates

    text, _ = run(path, "--bootstrap", "200", "--seed", "99")
    assert "Bootstrap BCa intervals (200 replicates, seed 99, the model chosen again in each):" in text


# --- other files ----------------------------------------------------------------------------------------------


def test_a_small_file_in_text_and_json(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)

    text, _ = run(path)
    result = json.loads(run(path, "--format", "json")[0])

    assert "Lists used (3): Police, NGO, Health" in text
    assert "Estimated total:" in text
    assert result["cases_observed"] == 154
    assert result["estimate"]["total"] > 154


def test_columns_may_come_in_any_order_and_lists_are_removed_when_they_say_nothing(tmp_path: Path) -> None:
    text = "count,Police,Empty,NGO,Health\n" + "".join(
        f"{line.split(',')[3]},{line.split(',')[0]},0,{line.split(',')[1]},{line.split(',')[2]}\n"
        for line in SMALL.splitlines()[1:]
    )

    result = json.loads(run(write(tmp_path, text), "--format", "json")[0])
    plain = json.loads(run(write(tmp_path, SMALL), "--format", "json")[0])

    assert result["lists"] == ["Police", "NGO", "Health"]
    assert result["removed_lists"] == [{"name": "Empty", "reason": "empty"}]
    assert result["estimate"] == plain["estimate"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A,B,count\n1,0,5\n0,2,3\n", "line 3: a list value must be 0 or 1 (B='2')"),
        ("A,B,count\n1,0,5\n0,1,-3\n", "line 3: the count must be a whole number of 0 or more, not '-3'"),
        ("A,B,count\n1,0,5\n0,1,x\n", "line 3: the count must be a whole number of 0 or more, not 'x'"),
        ("A,B,C\n1,0,1\n", "line 1: the header has no 'count' column"),
        ("A,B,count\n1,0,5\n0,1\n", "line 3: 2 values, but the header has 3 columns"),
        ("A,B,count\n1,0,5\n1,1,0,4\n", "line 3: 4 values, but the header has 3 columns"),
        ("A,B,count\n1,0,5\n0,0,2\n", "line 3: 2 cases on no list at all"),
        ("A,A,count\n1,0,5\n", "line 1 (header): list names must differ"),
        ("A,count,count\n1,0,5\n", "line 1: the header has more than one 'count' column"),
        ("A,B,count\n", "has a header but no line of counts"),
        ("", "is empty"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in refused(write(tmp_path, text))


def test_every_problem_is_listed_and_nothing_is_estimated(tmp_path: Path) -> None:
    text = 'A,B,count\n1,0,5\n\n0,"1",2\n0,1,-1\n1,1\n1,3,1\n'

    message = refused(write(tmp_path, text))

    assert "lists.csv was not used: 3 problem(s), nothing estimated." in message
    lines = message.splitlines()[1:]
    assert lines == [
        "  line 5: the count must be a whole number of 0 or more, not '-1'",
        "  line 6: 2 values, but the header has 3 columns",
        "  line 7: a list value must be 0 or 1 (B='3')",
    ]


def test_data_without_an_estimate_say_why(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "Police,NGO,count\n1,0,12\n0,1,30\n"))

    assert "The estimate does not exist" in message
    assert "Lists Police and NGO never overlap (no case is on both)" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pthresh", "2"], "--pthresh must be between 0 and 1"),
        (["--bootstrap", "1"], "--bootstrap takes a number of replicates of at least 2"),
    ],
)
def test_options_are_checked(tmp_path: Path, args: list[str], expected: str) -> None:
    assert expected in refused(write(tmp_path, SMALL), *args)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "is not a file" in refused(str(tmp_path / "nowhere.csv"))


def test_the_help_says_no_database_is_touched() -> None:
    command = load_command_class("threefold.insight", "mse")

    assert "no database" in command.help
    assert "no organisation or user" in command.help
