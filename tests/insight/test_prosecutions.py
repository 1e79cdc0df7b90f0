"""The US federal prosecutions reader (threefold.insight.core.prosecutions): the real files' row counts, every
kind of bad line refused with its file and line number, nothing of the dropped columns kept, the codes of the
file, the bands; and the frames of linked tables stored as one file."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import prosecution_files as pf
from threefold.insight.core import amounts
from threefold.insight.core import prosecutions as p
from threefold.insight.core.frame import Frame, FrameError, tables_from_bytes, tables_to_bytes

ShareFile = Callable[[str], Path]


def read(
    cases: list[dict[str, str]], defendants: list[dict[str, str]], judges: list[dict[str, str]]
) -> p.ProsecutionFiles:
    return p.read_prosecutions(*(pf.lines(content) for content in pf.texts(cases, defendants, judges)))


def problems_of(result: p.ProsecutionFiles) -> list[tuple[str, int, str | None]]:
    return [(problem.table, problem.line, problem.column) for problem in result.problems]


# --- the real files ------------------------------------------------------------------------------------------


@pytest.fixture
def real(shared_file: ShareFile) -> tuple[Path, Path, Path]:
    return (
        shared_file(p.PUBLISHED_FILE_NAMES[p.CASES]),
        shared_file(p.PUBLISHED_FILE_NAMES[p.DEFENDANTS]),
        shared_file(p.PUBLISHED_FILE_NAMES[p.JUDGES]),
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.realdata
def test_the_real_files_give_their_row_counts(real: tuple[Path, Path, Path]) -> None:
    result = p.read_prosecutions_paths(*real)

    assert result.clean
    assert result.problems == []
    assert (result.cases.data_lines, result.cases.valid) == (674, 674)
    assert (result.defendants.data_lines, result.defendants.valid) == (1762, 1762)
    # The judges file has 675 lines: one per case, and case 815 lists the same judge twice.
    assert (result.judges.data_lines, result.judges.valid) == (675, 675)
    assert Counter(result.judges.column("case_id"))["815"] == 2
    assert set(result.judges.column("case_id")) == set(result.cases.column("case_id"))
    assert result.notes == {
        "cases_with_several_judges": 1,
        "months_sentenced_999": 3,
        "months_sentenced_above_life": 3,
        "terminated_before_charged": 4,
    }


@pytest.mark.realdata
def test_the_real_multi_line_summaries_keep_the_line_numbers(real: tuple[Path, Path, Path]) -> None:
    result = p.read_prosecutions_paths(*real)
    physical = real[0].read_text(encoding="utf-8").count("\n")

    # 674 cases on 687 lines: summaries run over several lines, and each case starts on the line an editor shows.
    assert physical == 687
    assert result.cases.record_lines[0] == 2
    assert result.cases.record_lines[-1] == physical
    with real[0].open(encoding="utf-8", newline="") as handle:
        starts = []
        reader = csv.reader(handle)
        next(reader)
        previous = reader.line_num
        for _row in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    assert result.cases.record_lines == starts


@pytest.mark.realdata
def test_the_real_files_agree_with_the_csv_module(real: tuple[Path, Path, Path]) -> None:
    result = p.read_prosecutions_paths(*real)
    cases, defendants = _csv_rows(real[0]), _csv_rows(real[1])

    by_year_state = Counter((row["year"] or None, row["state"] or None) for row in cases)
    ours = Counter(zip(result.cases.column("year"), result.cases.column("state"), strict=True))
    assert ours == by_year_state
    assert ours["2013", "CA"] == 21
    positive = [
        int(row["restitution"]) for row in defendants if row["restitution"] and int(row["restitution"])
    ]
    kept = [float(value) for value in result.defendants.column("restitution") if value and float(value) > 0]
    assert sorted(kept) == sorted(positive)
    assert len(kept) == 315
    # Case 405's first defendant has 1,200 months: read as life (see the reader's notes on the file's codes).
    first = result.defendants.record_lines.index(2)
    assert result.defendants.records[first][DEFENDANT_INDEX["sentence_band"]] == p.LIFE


DEFENDANT_INDEX = {name: i for i, name in enumerate(p.DEFENDANT_COLUMNS)}


@pytest.mark.realdata
def test_nothing_of_the_dropped_columns_is_kept_from_the_real_files(real: tuple[Path, Path, Path]) -> None:
    result = p.read_prosecutions_paths(*real)
    kept = {value for table in result.tables for record in table.records for value in record if value}
    cases, defendants, judges = (_csv_rows(path) for path in real)
    dropped = {row[column] for row in cases for column in ("summary", "name", "number")}
    dropped |= {row["name"] for row in defendants} | {row["name"] for row in judges}
    dropped.discard("")

    assert kept.isdisjoint(dropped)
    # Nor a part of one: no kept value is longer than a category, and none holds a whole name.
    assert max(len(value) for value in kept) <= p.MAX_TEXT
    names = {row["name"] for row in defendants + judges if len(row["name"]) > 5}
    assert not [value for value in kept for name in names if name in value]


# --- the layout ------------------------------------------------------------------------------------------------


def test_a_clean_little_dataset_is_read_whole() -> None:
    result = read(*pf.world(3))

    assert result.clean
    assert [table.valid for table in result.tables] == [3, 3, 3]
    assert result.cases.columns == p.CASE_COLUMNS
    # Each summary runs over two lines: the second case starts on line 4, the third on line 6.
    assert result.cases.record_lines == [2, 4, 6]
    assert result.cases.column("year") == ["2010", "2011", "2012"]
    assert result.defendants.column("case_year") == ["2010", "2011", "2012"]
    assert result.judges.column("case_state") == ["TX", "CA", "CA"]


def test_a_defendant_is_reduced_to_what_statistics_use() -> None:
    result = read(*pf.world(1))
    record = dict(zip(p.DEFENDANT_COLUMNS, result.defendants.records[0], strict=True))

    assert record == {
        "case_id": "405",
        "case_year": "2010",
        "case_state": "TX",
        "gender": "Male",
        "age_band": "25-34",
        "race": "White",
        "arrest_year": "2011",
        "charge_year": "2011",
        "statutes": "1591; 2421_to_2424",
        "charges": "2",
        "counts_charged": "3",
        "counts_pleaded_guilty": "1",
        "counts_dismissed": "1",
        "counts_guilty_at_trial": "0",
        "counts_not_guilty_at_trial": "0",
        "outcome": p.PLEADED_GUILTY,
        "sentences": "1",
        "year_terminated": "2013",
        "years_to_termination": "2",
        "months_sentenced": "120",
        "sentence_band": "61-120",
        "months_probation": "0",
        "restitution": "5000",
        "restitution_ordered": p.YES,
        "forfeiture_charged": "false",
        "forfeiture_sentenced": None,
    }
    assert dict(zip(p.JUDGE_COLUMNS, result.judges.records[0], strict=True)) == {
        "case_id": "405",
        "case_year": "2010",
        "case_state": "TX",
        "gender": "Female",
        "race": "White",
        "tenure": "2002",
        "appointed_by": "Republican",
    }


def test_no_dropped_value_reaches_a_record() -> None:
    result = read(*pf.world(3))
    kept = " ".join(value for table in result.tables for record in table.records for value in record if value)

    for secret in (
        pf.DEFENDANT_NAME,
        pf.JUDGE_NAME,
        pf.CASE_NAME,
        pf.DOCKET,
        pf.SUMMARY_WORD,
        "25000",
        "Surety",
    ):
        assert secret not in kept


def test_a_header_that_is_not_the_files_is_refused_naming_what_is_wrong() -> None:
    cases, defendants, judges = pf.world(1)
    texts = list(pf.texts(cases, defendants, judges))
    renamed = texts[0].replace("n_victims", "victims", 1)
    with pytest.raises(p.ProsecutionFormatError) as refused:
        p.read_prosecutions(pf.lines(renamed), pf.lines(texts[1]), pf.lines(texts[2]))
    assert refused.value.table == p.CASES
    assert "missing columns: n_victims" in str(refused.value)
    assert "unknown columns: victims" in str(refused.value)


def test_swapped_files_are_named() -> None:
    texts = pf.texts(*pf.world(1))
    with pytest.raises(p.ProsecutionFormatError) as refused:
        p.read_prosecutions(pf.lines(texts[2]), pf.lines(texts[1]), pf.lines(texts[0]))
    assert refused.value.table == p.CASES
    assert "it looks like the judges file" in str(refused.value)


def test_an_empty_file_is_refused() -> None:
    texts = pf.texts(*pf.world(1))
    with pytest.raises(p.ProsecutionFormatError, match="judges file: the file is empty"):
        p.read_prosecutions(pf.lines(texts[0]), pf.lines(texts[1]), [])


def test_the_dropped_columns_may_be_left_out() -> None:
    cases, defendants, judges = pf.world(2)
    header = [name for name in pf.CASE_HEADER if name not in p.CASE_DROPPED]
    trimmed = [{name: row[name] for name in header} for row in cases]
    result = p.read_prosecutions(
        pf.lines(pf.text(header, trimmed)),
        pf.lines(pf.text(pf.DEFENDANT_HEADER, defendants)),
        pf.lines(pf.text(pf.JUDGE_HEADER, judges)),
    )
    assert result.clean
    assert result.cases.valid == 2


def test_a_byte_order_mark_and_crlf_line_ends_are_read() -> None:
    texts = pf.texts(*pf.world(2))
    crlf = ["\ufeff" + text.replace("\n", "\r\n") for text in texts]
    result = p.read_prosecutions(*(pf.lines(text) for text in crlf))
    assert result.clean
    assert result.cases.record_lines == [2, 4]


# --- bad lines: each problem with its file and line --------------------------------------------------------


def test_a_bad_year_is_refused_on_its_line() -> None:
    cases, defendants, judges = pf.world(3)
    cases[1]["year"] = "20l3"  # a letter l
    cases[2]["year"] = "1899"
    result = read(cases, defendants, judges)

    # Each summary spans two lines: the cases start on lines 2, 4 and 6.
    assert problems_of(result)[:2] == [(p.CASES, 4, "year"), (p.CASES, 6, "year")]
    assert result.problems[0].value == "20l3"
    assert "not a year" in result.problems[0].message
    assert "impossible year 1899" in result.problems[1].message
    assert result.cases.rejected_lines == [4, 6]
    # Their defendants and judges go with them, each refused on its own line.
    assert problems_of(result)[2:] == [
        (p.DEFENDANTS, 3, "case_id"),
        (p.DEFENDANTS, 4, "case_id"),
        (p.JUDGES, 3, "case_id"),
        (p.JUDGES, 4, "case_id"),
    ]
    assert result.problems[2].message == "its case was refused (line 4 of the cases file)"
    assert not result.clean
    assert (result.data_lines, result.rejected, result.valid) == (9, 6, 3)


def test_a_bad_number_is_refused() -> None:
    cases, defendants, judges = pf.world(2)
    cases[0]["n_victims"] = "two"
    defendants[1]["total_months_sentenced"] = "12.5"
    defendants[1]["restitution"] = "$5,000"
    result = read(cases, defendants, judges)

    assert problems_of(result) == [
        (p.CASES, 2, "n_victims"),
        (p.DEFENDANTS, 2, "case_id"),
        (p.DEFENDANTS, 3, "total_months_sentenced"),
        (p.DEFENDANTS, 3, "restitution"),
        (p.JUDGES, 2, "case_id"),
    ]
    assert result.problems[0].message == "not a whole number"
    assert result.problems[3].value == "$5,000"


def test_a_defendant_whose_case_is_not_a_case_is_refused() -> None:
    cases, defendants, judges = pf.world(2)
    defendants.append(pf.defendant(9000, 999))
    result = read(cases, defendants, judges)

    assert problems_of(result) == [(p.DEFENDANTS, 4, "case_id")]
    assert result.problems[0].message == "case 999 is not in the cases file"
    assert result.defendants.valid == 2


def test_a_judge_whose_case_is_not_a_case_is_refused() -> None:
    cases, defendants, judges = pf.world(2)
    judges[0]["case_id"] = "12345"
    judges[1]["case_id"] = ""
    result = read(cases, defendants, judges)

    assert problems_of(result) == [(p.JUDGES, 2, "case_id"), (p.JUDGES, 3, "case_id")]
    assert result.problems[0].message == "case 12345 is not in the cases file"
    assert result.problems[1].message == "missing: every line needs it"


def test_a_case_id_given_twice_is_refused_on_the_second_line() -> None:
    cases, defendants, judges = pf.world(2)
    cases.append(pf.case(405, year="2016"))
    result = read(cases, defendants, judges)

    assert problems_of(result) == [(p.CASES, 6, "id")]
    assert result.problems[0].message == "case id given twice: already on line 2"
    # The first case 405 stands: its defendant and judge are kept, with its year.
    assert result.defendants.valid == 2
    assert result.defendants.column("case_year")[0] == "2010"


def test_a_bad_date_age_and_list_are_refused() -> None:
    cases, defendants, judges = pf.world(1)
    defendants[0] |= {
        "arrest_date": "2011-02-30",
        "charge_date": "15/04/2011",
        "arrest_age": "7",
        "statute_counts": "['1', 'x']",
        "statute_sentence": "['1591'",
    }
    result = read(cases, defendants, judges)

    assert [(problem.column, problem.message) for problem in result.problems] == [
        ("arrest_age", "age 7 is not between 10 and 100"),
        ("arrest_date", "not a date written YYYY-MM-DD"),
        ("charge_date", "not a date written YYYY-MM-DD"),
        ("statute_sentence", "a list that does not end with ]"),
        ("statute_counts", "not a whole number or a list of whole numbers"),
    ]
    assert {problem.line for problem in result.problems} == {2}


def test_a_line_with_the_wrong_number_of_fields_shows_none_of_it() -> None:
    cases, defendants, judges = pf.world(2)
    texts = list(pf.texts(cases, defendants, judges))
    # A name with an unquoted comma shifts the line: its fields would put the name anywhere.
    lines = texts[1].splitlines(keepends=True)
    lines[2] = lines[2].replace(f"{pf.DEFENDANT_NAME} 1798", "Quillfeather, Zebedee")
    result = p.read_prosecutions(pf.lines(texts[0]), lines, pf.lines(texts[2]))

    assert problems_of(result) == [(p.DEFENDANTS, 3, None)]
    assert result.problems[0].message == "29 fields where the header has 28"
    assert result.problems[0].value == ""


def test_a_value_of_a_dropped_column_is_never_checked_nor_shown() -> None:
    cases, defendants, judges = pf.world(1)
    defendants[0]["bail_amount"] = "not a number"
    defendants[0]["name"] = "\x07 a bell in a name"
    cases[0]["summary"] = "x" * 5000
    result = read(cases, defendants, judges)
    assert result.clean


def test_control_characters_in_a_kept_value_are_refused() -> None:
    cases, defendants, judges = pf.world(1)
    cases[0]["state"] = "C\u202eA"
    result = read(cases, defendants, judges)
    assert problems_of(result)[0] == (p.CASES, 2, "state")
    assert "control character U+202E" in result.problems[0].message


def test_blank_lines_between_records_are_skipped_and_a_row_of_empty_fields_refused() -> None:
    texts = list(pf.texts(*pf.world(2)))
    cases = texts[0] + "\n" + ",,,,,,,,,,,,\n"
    result = p.read_prosecutions(pf.lines(cases), pf.lines(texts[1]), pf.lines(texts[2]))
    assert problems_of(result) == [(p.CASES, 7, None)]
    assert result.problems[0].message == "blank line"
    assert result.cases.data_lines == 3


# --- the codes of the file, the bands and the outcome ----------------------------------------------------------


def test_the_codes_of_the_file_are_read_as_documented() -> None:
    cases, defendants, judges = pf.world(5)
    defendants[0] |= {"total_months_sentenced": "999", "n_sentences": "999"}
    defendants[1] |= {"total_months_sentenced": "1200"}
    defendants[2] |= {"total_months_sentenced": "12000"}
    defendants[3] |= {"year_terminated": "2009", "charge_date": "2011-04-15"}
    defendants[4] |= {"gender": "Unknown", "restitution": "0", "statute_plea_guilty": "[None, None]"}
    result = read(cases, defendants, judges)
    column = result.defendants.column

    assert column("months_sentenced")[:3] == [None, "1200", "12000"]
    assert column("sentences")[0] is None
    assert column("sentence_band")[:3] == [None, p.LIFE, p.LIFE]
    assert column("years_to_termination")[3] is None
    assert column("gender")[4] is None
    assert column("restitution_ordered")[4] == p.NO
    assert column("outcome")[4] == p.DISMISSED  # no guilty plea recorded, one count dismissed
    assert result.notes == {
        "months_sentenced_999": 1,
        "months_sentenced_above_life": 1,
        "terminated_before_charged": 1,
    }


@pytest.mark.parametrize(
    ("months", "band"),
    [
        (0, "0"),
        (1, "1-12"),
        (12, "1-12"),
        (13, "13-60"),
        (120, "61-120"),
        (240, "121-240"),
        (241, "241+"),
        (1199, "241+"),
        (1200, p.LIFE),
        (None, None),
    ],
)
def test_sentence_bands(months: int | None, band: str | None) -> None:
    assert p.sentence_band(months) == band


def test_the_outcome_goes_to_the_furthest_stage_reached() -> None:
    assert p.outcome_of(1, 2, 1, 1) == p.CONVICTED_AT_TRIAL  # tried and convicted on one count
    assert p.outcome_of(1, 3, 0, 0) == p.PLEADED_GUILTY  # a plea to one count, the rest dismissed
    assert p.outcome_of(0, 1, 0, 2) == p.ACQUITTED
    assert p.outcome_of(0, 2, 0, 0) == p.DISMISSED
    assert p.outcome_of(0, 0, 0, 0) is None
    assert p.outcome_of(None, None, None, None) is None


def test_the_list_cells_of_the_file_are_read() -> None:
    cases, defendants, judges = pf.world(4)
    defendants[0]["statute_counts"] = "[None, '3', None]"
    defendants[1]["statute_counts"] = "['0' '4']"  # numpy's way
    defendants[2]["statute_counts"] = "7"
    defendants[3]["statute_sentence"] = "['2421_to_2424', '1591', '1591', '1324']"
    result = read(cases, defendants, judges)
    assert result.defendants.column("counts_charged")[:3] == ["3", "4", "7"]
    assert result.defendants.column("statutes")[3] == "1324; 1591; 2421_to_2424"


# --- linked tables stored together, and published sums ----------------------------------------------------------


def test_tables_round_trip_through_one_file() -> None:
    result = read(*pf.world(3))
    tables = {table.name: Frame.from_records(table.columns, table.records) for table in result.tables}
    back = tables_from_bytes(tables_to_bytes(tables))

    assert list(back) == list(p.TABLES)
    for name, frame in tables.items():
        assert back[name].size == frame.size
        assert back[name].names == frame.names
        for column in frame.names:
            assert back[name].column(column).values() == frame.column(column).values()


def test_a_single_frame_reads_as_one_table() -> None:
    frame = Frame.from_records(("gender",), [("Female",), ("Male",)])
    back = tables_from_bytes(frame.to_bytes())
    assert list(back) == ["records"]
    assert back["records"].column("gender").values() == ["Female", "Male"]
    with pytest.raises(FrameError):
        Frame.from_bytes(tables_to_bytes({"cases": frame}))  # a bundle is never mistaken for one frame
    with pytest.raises(FrameError):
        tables_from_bytes(b"not a file")


def test_sums_and_medians_need_k_values() -> None:
    assert amounts.summarise([5.0] * 10, 11) == amounts.Summary(None, None, None, 11)
    summary = amounts.summarise([1.0, 2.0, 3.0, 100.0] * 3, 11)
    assert (summary.count, summary.total, summary.median) == (12, 318.0, 2.5)
    assert summary.shown
