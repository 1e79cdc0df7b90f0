"""The CTDC reader: layouts from the header, validation per column kind, problems collected, real files."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from threefold.insight.core.ctdc import (
    COLUMN_KINDS,
    K_ANONYMISED_COLUMNS,
    NOT_IN_2018,
    NOTICE_COLUMN,
    SURE_2018_COLUMNS,
    CtdcFormatError,
    Kind,
    Layout,
    Problem,
    read_ctdc,
    read_ctdc_path,
)

NOTICE = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"
ShareFile = Callable[[str], Path]


def header(columns: tuple[str, ...] = SURE_2018_COLUMNS, delimiter: str = ",", notice: bool = False) -> str:
    return delimiter.join(([NOTICE] if notice else []) + list(columns)) + "\n"


def line(
    columns: tuple[str, ...] = SURE_2018_COLUMNS, delimiter: str = ",", notice: bool = False, **values: str
) -> str:
    fields = [values.pop(name, "") for name in columns]
    assert not values, f"not columns: {values}"  # a typo in a test must not pass silently
    return delimiter.join(([""] if notice else []) + fields) + "\n"


def victim(**values: str) -> str:
    """A plausible 2018-layout line, changed by the given values."""
    base = {"yearOfRegistration": "2016", "Datasource": "Hotline", "gender": "Female", "citizenship": "PH"}
    return line(**(base | values))


def only_problems(*data_lines: str) -> list[Problem]:
    result = read_ctdc([header(), *data_lines])
    return result.problems


# --- the layouts -------------------------------------------------------------------------------------------


def test_column_lists_and_kinds() -> None:
    assert len(K_ANONYMISED_COLUMNS) == 63
    assert len(SURE_2018_COLUMNS) == 58
    assert set(K_ANONYMISED_COLUMNS) - set(SURE_2018_COLUMNS) == NOT_IN_2018
    # Four *Concatenated columns (not five) and isSlaveryAndPractices.
    assert sorted(NOT_IN_2018) == [
        "isSlaveryAndPractices",
        "meansOfControlConcatenated",
        "typeOfExploitConcatenated",
        "typeOfLabourConcatenated",
        "typeOfSexConcatenated",
    ]
    kinds_2018 = Counter(COLUMN_KINDS[name] for name in SURE_2018_COLUMNS)
    assert kinds_2018 == {Kind.FLAG: 48, Kind.CATEGORY: 7, Kind.COUNTRY: 2, Kind.YEAR: 1}
    assert Counter(COLUMN_KINDS.values()) == {Kind.FLAG: 49, Kind.CATEGORY: 11, Kind.COUNTRY: 2, Kind.YEAR: 1}
    assert COLUMN_KINDS["RecruiterRelationship"] is Kind.CATEGORY
    assert COLUMN_KINDS["recruiterRelationFriend"] is Kind.FLAG
    assert COLUMN_KINDS["typeOfSexConcatenated"] is Kind.CATEGORY
    assert COLUMN_KINDS["isSlaveryAndPractices"] is Kind.FLAG
    assert COLUMN_KINDS["CountryOfExploitation"] is Kind.COUNTRY


def test_2018_layout_from_a_comma_header() -> None:
    result = read_ctdc([header(), victim(ageBroad="9--17", isForcedLabour="1")])
    assert result.layout is Layout.SURE_2018
    assert result.columns == SURE_2018_COLUMNS
    assert result.notice is None
    assert result.clean
    assert result.record_lines == [2]
    assert result.column("ageBroad") == ["9--17"]
    assert result.column("isForcedLabour") == ["1"]
    assert result.column("majorityEntry") == [None]


def test_k_anonymised_layout_with_its_notice() -> None:
    columns = K_ANONYMISED_COLUMNS
    result = read_ctdc(
        [
            header(columns, ";", notice=True),
            line(columns, ";", notice=True, yearOfRegistration="2019", typeOfSexConcatenated="Prostitution"),
        ]
    )
    assert result.layout is Layout.K_ANONYMISED
    assert result.notice == NOTICE
    assert result.columns == K_ANONYMISED_COLUMNS  # without the notice column
    assert len(result.records[0]) == 63
    assert result.column("yearOfRegistration") == ["2019"]
    assert result.column("typeOfSexConcatenated") == ["Prostitution"]


def test_detection_is_by_column_set_whatever_the_delimiter() -> None:
    semicolon_2018 = read_ctdc([header(SURE_2018_COLUMNS, ";"), line(SURE_2018_COLUMNS, ";", gender="Male")])
    assert semicolon_2018.layout is Layout.SURE_2018
    assert semicolon_2018.column("gender") == ["Male"]
    comma_k_anon = read_ctdc(
        [header(K_ANONYMISED_COLUMNS, ",", notice=True), line(K_ANONYMISED_COLUMNS, notice=True)]
    )
    assert comma_k_anon.layout is Layout.K_ANONYMISED
    assert comma_k_anon.notice == NOTICE
    no_notice = read_ctdc([header(K_ANONYMISED_COLUMNS, ";"), line(K_ANONYMISED_COLUMNS, ";", gender="Male")])
    assert no_notice.layout is Layout.K_ANONYMISED
    assert no_notice.notice is None
    assert no_notice.column("gender") == ["Male"]


def test_columns_in_another_order_keep_the_file_order() -> None:
    columns = tuple(reversed(SURE_2018_COLUMNS))
    result = read_ctdc([header(columns), line(columns, gender="Male", yearOfRegistration="2010")])
    assert result.layout is Layout.SURE_2018
    assert result.columns == columns
    assert result.records[0][columns.index("gender")] == "Male"
    assert result.column("yearOfRegistration") == ["2010"]


def test_bom_is_stripped() -> None:
    result = read_ctdc(["\ufeff" + header(), victim()])
    assert result.layout is Layout.SURE_2018
    assert result.columns[0] == "yearOfRegistration"
    assert result.column("yearOfRegistration") == ["2016"]


# --- not a CTDC file ---------------------------------------------------------------------------------------


def test_unknown_header_names_missing_and_unknown_columns() -> None:
    with pytest.raises(CtdcFormatError) as caught:
        read_ctdc(["name,age,country\n", "x,1,PH\n"])
    message = str(caught.value)
    assert "unknown columns: age, country, name" in message
    assert "missing columns: " in message
    assert "this header has 3" in message


def test_near_miss_header_names_the_difference() -> None:
    columns = tuple(
        "datasource" if name == "Datasource" else name for name in SURE_2018_COLUMNS if name != "gender"
    )
    with pytest.raises(CtdcFormatError) as caught:
        read_ctdc([header(columns)])
    message = str(caught.value)
    assert "closest: 2018" in message
    assert "missing columns: Datasource, gender;" in message
    assert "unknown columns: datasource" in message
    assert "names differ only in case: datasource -> Datasource" in message


def test_tab_separated_header_is_refused_with_the_reason() -> None:
    with pytest.raises(CtdcFormatError, match="tab-separated"):
        read_ctdc(["\t".join(SURE_2018_COLUMNS) + "\n"])


def test_empty_file_duplicate_columns_and_a_str() -> None:
    with pytest.raises(CtdcFormatError, match="empty"):
        read_ctdc([])
    with pytest.raises(CtdcFormatError, match="more than once: gender"):
        read_ctdc([header((*SURE_2018_COLUMNS, "gender"))])
    with pytest.raises(TypeError, match="not one str"):
        read_ctdc(header() + victim())


def test_no_data_line_is_read_for_an_unknown_header() -> None:
    def lines() -> Iterator[str]:
        yield "a;b\n"
        raise AssertionError("a data line was read")

    with pytest.raises(CtdcFormatError):
        read_ctdc(lines())


# --- values ------------------------------------------------------------------------------------------------


def test_missing_spellings_become_none_and_are_counted() -> None:
    result = read_ctdc(
        [
            header(),
            victim(
                gender="NA", ageBroad="Unknown", RecruiterRelationship="Not Specified", isAbduction="Unknown"
            ),
            victim(
                gender="Unknown", ageBroad="unknown", citizenship="Missing", CountryOfExploitation=" Unknown "
            ),
            victim(gender=" Male ", ageBroad="Not specified", yearOfRegistration=""),
        ]
    )
    assert result.clean
    assert result.column("gender") == [None, None, "Male"]
    assert result.column("ageBroad") == [None, None, None]
    assert result.column("citizenship") == ["PH", None, "PH"]
    assert result.column("CountryOfExploitation") == [None, None, None]
    assert result.column("isAbduction") == [None, None, None]
    assert result.missing["gender"] == {"NA": 1, "Unknown": 1}
    assert result.missing["ageBroad"] == {"Unknown": 1, "unknown": 1, "Not specified": 1}
    assert result.missing["RecruiterRelationship"] == {"": 2, "Not Specified": 1}
    assert result.missing["CountryOfExploitation"] == {"": 2, " Unknown ": 1}
    assert result.missing["isAbduction"] == {"Unknown": 1, "": 2}
    assert result.missing["yearOfRegistration"] == {"": 1}
    assert result.missing["Datasource"] == {}
    assert set(result.missing) == set(SURE_2018_COLUMNS)


def test_na_in_a_country_column_is_namibia() -> None:
    result = read_ctdc([header(), victim(citizenship="NA", CountryOfExploitation="XK")])
    assert result.column("citizenship") == ["NA"]
    assert result.column("CountryOfExploitation") == ["XK"]
    assert result.missing["citizenship"] == {}


def test_unlisted_spellings_are_not_silently_missing() -> None:
    result = read_ctdc(
        [header(), victim(gender="N/A"), victim(citizenship="-99"), victim(yearOfRegistration="-99")]
    )
    assert result.column("gender") == ["N/A"]  # a category of its own, visible in any count
    assert [(p.line, p.column, p.value) for p in result.problems] == [
        (3, "citizenship", "-99"),
        (4, "yearOfRegistration", "-99"),
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [("1990", "1990"), ("2100", "2100"), ("02016", "2016"), (" 2016 ", "2016")],
)
def test_plausible_years(year: str, expected: str) -> None:
    result = read_ctdc([header(), victim(yearOfRegistration=year)])
    assert result.column("yearOfRegistration") == [expected]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1989", "impossible year 1989: not between 1990 and 2100"),
        ("2101", "impossible year 2101: not between 1990 and 2100"),
        ("1667367", "impossible year 1667367: not between 1990 and 2100"),
        ("2016.0", "year '2016.0' is not a whole number"),
        ("\uff12\uff10\uff11\uff16", "year '\uff12\uff10\uff11\uff16' is not a whole number"),
    ],
)
def test_impossible_years_are_rejected_with_their_line(year: str, message: str) -> None:
    result = read_ctdc([header(), victim(), victim(yearOfRegistration=year), victim()])
    assert result.problems == [Problem(3, "yearOfRegistration", year, message)]
    assert result.rejected_lines == [3]
    assert result.record_lines == [2, 4]


def test_a_line_holding_only_an_impossible_year() -> None:
    result = read_ctdc([header(), victim(), line(yearOfRegistration="139912")])
    assert result.problems == [
        Problem(3, "yearOfRegistration", "139912", "impossible year 139912: not between 1990 and 2100")
    ]


@pytest.mark.parametrize("flag", ["2", "yes", "1.0", "-1", "true"])
def test_flags_must_be_0_or_1(flag: str) -> None:
    problems = only_problems(
        victim(isForcedLabour=flag), victim(isForcedLabour="0"), victim(isForcedLabour=" 1")
    )
    assert problems == [Problem(2, "isForcedLabour", flag, f"flag {flag!r} is not 0 or 1")]


@pytest.mark.parametrize("country", ["00", "-99", "ph", "PHL", "P1", "É1"])
def test_countries_must_be_alpha_2(country: str) -> None:
    problems = only_problems(victim(CountryOfExploitation=country))
    assert problems == [
        Problem(
            2,
            "CountryOfExploitation",
            country,
            f"country {country!r} is not an ISO 3166 alpha-2 code (two capital letters A-Z)",
        )
    ]


def test_every_problem_of_a_line_is_reported() -> None:
    result = read_ctdc([header(), victim(yearOfRegistration="3000", isSexualExploit="x", citizenship="ZZZ")])
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "yearOfRegistration"),
        (2, "citizenship"),
        (2, "isSexualExploit"),
    ]
    assert result.rejected_lines == [2]
    assert result.records == []


def test_identical_lines_each_get_their_own_line_number() -> None:
    bad = victim(yearOfRegistration="1667367")
    result = read_ctdc(
        [header(), victim(), bad, victim(), bad, victim(gender="Unknown"), victim(gender="Unknown")]
    )
    assert [p.line for p in result.problems] == [3, 5]
    assert result.record_lines == [2, 4, 6, 7]
    assert result.missing["gender"] == {"Unknown": 2}
    assert result.missing["ageBroad"] == {"": 4}


# --- defective lines ---------------------------------------------------------------------------------------


def test_wrong_number_of_fields() -> None:
    short = ",".join(["2016"] + [""] * 56) + "\n"
    long = ",".join(["2016"] + [""] * 58) + "\n"
    result = read_ctdc([header(), short, victim(), long])
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (2, None, "57 fields where the header has 58"),
        (4, None, "59 fields where the header has 58"),
    ]
    assert result.record_lines == [3]


def test_blank_lines_are_rejected() -> None:
    all_empty = line()
    spaces = ",".join([" "] * 58) + "\n"
    result = read_ctdc([header(), victim(), "\n", all_empty, ",,,\n", spaces, victim()])
    assert result.problems == [Problem(n, None, "", "blank line") for n in (3, 4, 5, 6)]
    assert result.record_lines == [2, 7]
    assert result.data_lines == 6


def test_a_value_in_the_notice_column_means_a_shifted_line() -> None:
    columns = K_ANONYMISED_COLUMNS
    shifted = (
        "2016;" + line(columns, ";", notice=True)[:-2] + "\n"
    )  # a value pushed in front, one dropped at the end
    result = read_ctdc([header(columns, ";", notice=True), shifted])
    assert result.problems[0].column == NOTICE_COLUMN
    assert result.problems[0].value == "2016"
    assert result.rejected_lines == [2]


# --- hostile input -----------------------------------------------------------------------------------------


def test_long_field_is_a_problem_shown_cut() -> None:
    result = read_ctdc([header(), victim(gender="x" * 10_000), victim()])
    (problem,) = result.problems
    assert problem.line == 2
    assert problem.column == "gender"
    assert problem.message == "value of 10000 characters is longer than the 200 allowed"
    assert problem.value == "x" * 80 + "... (10000 characters)"
    assert result.record_lines == [3]


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        ("Fe\x07male", "U+0007", "Fe\\x07male"),
        ("Fe\x00male", "U+0000", "Fe\\x00male"),
        ("\u202eelameF", "U+202E", "\\u202eelameF"),
        ("Fe\u2028male", "U+2028", "Fe\\u2028male"),
        ("Fe\x1bmale", "U+001B", "Fe\\x1bmale"),
    ],
)
def test_control_characters_are_problems(value: str, code: str, shown: str) -> None:
    problems = only_problems(victim(Datasource=value))
    assert problems == [Problem(2, "Datasource", shown, f"value holds the control character {code}")]


def test_a_field_size_bomb_is_a_problem_and_reading_goes_on() -> None:
    # A caller (or a library) may have lifted the process-wide limit: the reader bounds fields all the same.
    original = csv.field_size_limit(1_000_000_000)
    try:
        bomb = '2016,"' + "A" * 100_000 + "\n"
        result = read_ctdc([header(), victim(), bomb, victim(), victim(gender="Male")])
        assert csv.field_size_limit() == 1_000_000_000  # put back after the read
    finally:
        csv.field_size_limit(original)
    assert result.problems == [
        Problem(3, None, "", "unreadable CSV (line 3): field larger than field limit (65536)"),
    ]
    assert result.record_lines == [2, 4, 5]
    assert result.column("gender") == ["Female", "Female", "Male"]


def test_an_unclosed_quote_swallowing_lines_is_bounded() -> None:
    swallowed = ["y" * 1000 + "\n"] * 100
    result = read_ctdc([header(), '2016,"Case\n', *swallowed, victim()])
    problem = result.problems[0]
    assert problem.line == 2
    # 65,536 characters are reached on the 66th line after the quote opened (line 2): lines 2 to 68.
    assert problem.message == "unreadable CSV (lines 2-68): field larger than field limit (65536)"
    # Lines 69-102 are read again as lines of one field each; the good line keeps its physical number 103.
    assert result.rejected_lines[0] == 2
    assert result.rejected_lines[1:] == list(range(69, 103))
    assert result.problems[1].message == "1 field where the header has 58"
    assert result.data_lines == 36
    assert result.record_lines == [103]


def test_a_quoted_newline_keeps_physical_line_numbers() -> None:
    two_lines = victim(gender='"Fe\nmale"').splitlines(keepends=True)
    assert len(two_lines) == 2
    result = read_ctdc([header(), victim(), *two_lines, victim()])
    assert result.problems == [Problem(3, "gender", "Fe\\nmale", "value holds the control character U+000A")]
    assert result.record_lines == [2, 5]
    assert result.data_lines == 3


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "victims.csv"
    path.write_bytes(header().encode() + victim(gender="Fe\udcffmale").encode("utf-8", "surrogateescape"))
    result = read_ctdc_path(path)
    assert result.problems == [Problem(2, "gender", "Fe\\udcffmale", "value is not valid UTF-8 text")]


# --- progress ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "calls"),
    [(12, [5, 10, 12]), (10, [5, 10]), (4, [4]), (0, [0])],
)
def test_progress(lines: int, calls: list[int]) -> None:
    seen: list[int] = []
    read_ctdc([header(), *[victim()] * lines], progress=seen.append, progress_every=5)
    assert seen == calls


def test_progress_every_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        read_ctdc([header()], progress_every=0)


# --- the real files ----------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_k_anonymised_sample(shared_file: ShareFile) -> None:
    result = read_ctdc_path(shared_file("ctdc_global_k_anon_header_and_sample_rows.csv"))
    assert result.layout is Layout.K_ANONYMISED
    assert result.notice == NOTICE
    assert result.columns == K_ANONYMISED_COLUMNS
    assert result.data_lines == 6
    assert result.record_lines == [2, 3, 4, 5, 6, 7]
    assert result.problems == []
    assert result.column("yearOfRegistration") == ["2002", "2002", "2018", "2018", None, None]
    assert result.column("citizenship") == ["CO", "MD", "US", None, "CM", "CM"]
    assert result.column("RecruiterRelationship") == [None, None, "Intimate Partner", None, None, None]
    assert result.missing["RecruiterRelationship"] == {"": 4, "Not Specified": 1}
    assert result.missing["meansOfControlConcatenated"] == {"": 4, "Not specified": 1}


@pytest.mark.realdata
def test_real_2018_file(shared_file: ShareFile) -> None:
    result = read_ctdc_path(shared_file("ctdc_global_dataset_2018_sure2018.csv"))
    assert result.layout is Layout.SURE_2018
    assert result.columns == SURE_2018_COLUMNS
    assert result.notice is None
    assert result.data_lines == 47_106
    assert len(result.records) == 47_102
    assert result.record_lines[0] == 2
    assert result.record_lines[-1] == 47_103
    assert result.rejected_lines == [47_104, 47_105, 47_106, 47_107]
    assert result.problems == [
        Problem(47_104, None, "", "blank line"),
        Problem(47_105, None, "", "blank line"),
        Problem(
            47_106, "yearOfRegistration", "1667367", "impossible year 1667367: not between 1990 and 2100"
        ),
        Problem(47_107, "yearOfRegistration", "139912", "impossible year 139912: not between 1990 and 2100"),
    ]

    gender = Counter("Unknown" if value is None else value for value in result.column("gender"))
    assert gender == {"Female": 33_850, "Male": 12_997, "Unknown": 255}
    assert Counter(result.column("Datasource")) == {"Case Management": 36_290, "Hotline": 10_812}
    assert result.column("isSexualExploit").count("1") == 12_904
    assert result.column("isForcedLabour").count("1") == 9_004
    assert result.column("isOtherExploit").count("1") == 7_782

    spellings: Counter[str] = Counter()
    for counts in result.missing.values():
        spellings.update(counts)
    assert spellings == {"": 1_667_367, "Unknown": 62_760, "Missing": 11_894}
    assert result.missing["gender"] == {"Unknown": 255}
    assert result.missing["citizenship"] == {"Unknown": 7_484, "Missing": 206}
    assert result.missing["CountryOfExploitation"] == {"Missing": 11_688, "Unknown": 94}
    assert result.missing["RecruiterRelationship"] == {"Unknown": 30_742, "": 8_975}
    assert result.missing["yearOfRegistration"] == {}
    years = [int(year) for year in result.column("yearOfRegistration") if year is not None]
    assert (min(years), max(years), len(years)) == (2002, 2017, 47_102)
