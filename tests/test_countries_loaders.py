"""The pure readers of the country reference files: names, UN treaty status, TIP tiers, UNODC GLOTIP.

No database: synthetic files in tmp_path for every rule, and the real files (marked realdata) for the facts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from tests.countries.files import (
    glotip_row,
    shared_file,
    write_glotip_xlsx,
    write_tiers_csv,
    write_treaty_csv,
)
from tests.purity import modules_importing_django
from threefold.countries.loaders import glotip
from threefold.countries.loaders.glotip import AgeGroup, Dimension, Indicator, Sex, parse_glotip, parse_value
from threefold.countries.loaders.names import resolve_code, resolve_country
from threefold.countries.loaders.results import BadFileError
from threefold.countries.loaders.tiers import Tier, parse_tip_tiers
from threefold.countries.loaders.treaties import Action, Treaty, parse_treaty_status

PROTOCOL_FILE = "untc_XVIII-12-a_zmjones_2014-01.csv"
UNTOC_FILE = "untc_XVIII-12_untoc_zmjones_2014-01.csv"
TIERS_FILE = "heiss_tip_tiers_orig.csv"


def test_loaders_do_not_import_django() -> None:
    package = Path(glotip.__file__).parent
    assert modules_importing_django(package) == []


# --- names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "alpha3", "alpha2"),
    [
        ("Bolivia (Plurinational State of)", "BOL", "BO"),
        ("Côte d'Ivoire", "CIV", "CI"),
        ("Côte d\u2019Ivoire", "CIV", "CI"),  # UNODC's curly apostrophe
        ("Cote d'Ivoire", "CIV", "CI"),
        ("Türkiye", "TUR", "TR"),
        ("Turkey", "TUR", "TR"),
        ("Republic of Korea", "KOR", "KR"),  # pycountry's fuzzy search would answer North Korea
        ("Democratic People's Republic of Korea", "PRK", "KP"),
        ("State of Palestine", "PSE", "PS"),
        ("Kosovo under UNSCR 1244", "XKX", "XK"),
        ("Kosovo", "XKX", "XK"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR", "GB"),
        ("Micronesia (Federated States of)", "FSM", "FM"),
        ("Netherlands (Kingdom of the)", "NLD", "NL"),
        ("China, Hong Kong Special Administrative Region", "HKG", "HK"),
        ("St. Vincent and the Grenadines", "VCT", "VC"),
        ("Swaziland", "SWZ", "SZ"),
        ("Macedonia, the former Yugoslav Republic of", "MKD", "MK"),
        ("  united   STATES of america ", "USA", "US"),
        ("Thailand", "THA", "TH"),
    ],
)
def test_un_spellings_resolve_to_iso_codes(published: str, alpha3: str, alpha2: str) -> None:
    country = resolve_country(published)
    assert country is not None
    assert (country.alpha3, country.alpha2) == (alpha3, alpha2)


@pytest.mark.parametrize("published", ["Atlantis", "Korea", "Yugoslavia", "", "   "])
def test_unknown_or_ambiguous_names_do_not_resolve(published: str) -> None:
    assert resolve_country(published) is None


@pytest.mark.parametrize("published", ["European Union", "Sark"])
def test_non_iso_entities_are_kept_without_codes(published: str) -> None:
    entity = resolve_country(published)
    assert entity is not None
    assert (entity.alpha3, entity.alpha2, entity.has_iso_code) == ("", "", False)


def test_codes_resolve_including_the_kosovo_codes_files_use() -> None:
    assert resolve_code("KOS") == resolve_country("Kosovo")
    assert resolve_code("usa") == resolve_country("United States of America")
    assert resolve_code("XXX") is None


# --- treaties ---------------------------------------------------------------------------------------------


def test_treaty_dates_and_marks_are_read(tmp_path: Path) -> None:
    path = write_treaty_csv(
        tmp_path / "protocol.csv",
        [
            ("Albania", "12 Dec 2000", "21 Aug 2002"),
            ("Bahrain", "", "7 Jun 2004 a"),
            ("Finland", "12 Dec 2000", "7 Sep 2006 A"),
            ("European Union", "12 Dec 2000", "6 Sep 2006 AA"),
            ("Montenegro", "", "23 Oct 2006 d"),
            ("Barbados", "26 Sep 2001", ""),
            ("Denmark 3", "12 Dec 2000", "30 Sep 2003"),
        ],
    )
    parsed = parse_treaty_status(path, Treaty.PROTOCOL)
    assert parsed.problems == ()
    assert parsed.rows_read == 7
    by_name = {row.participant: row for row in parsed.rows}
    assert by_name["Albania"].signed_on == dt.date(2000, 12, 12)
    assert by_name["Albania"].ratified_on == dt.date(2002, 8, 21)
    assert by_name["Albania"].line == 2
    assert {name: row.action for name, row in by_name.items()} == {
        "Albania": Action.RATIFICATION,
        "Bahrain": Action.ACCESSION,
        "Finland": Action.ACCEPTANCE,  # "A" and "a" differ
        "European Union": Action.APPROVAL,
        "Montenegro": Action.SUCCESSION,
        "Barbados": None,  # signed, not a party
        "Denmark 3": Action.RATIFICATION,
    }
    assert by_name["Denmark 3"].country.alpha3 == "DNK"  # footnote number ignored, published name kept
    assert by_name["European Union"].country.alpha3 == ""
    assert any("European Union" in note for note in parsed.notes)


def test_treaty_problems_name_their_line_and_keep_the_rest(tmp_path: Path) -> None:
    path = write_treaty_csv(
        tmp_path / "protocol.csv",
        [
            ("Albania", "12 Dec 2000", "21 Aug 2002"),  # line 2: fine
            ("Atlantis", "12 Dec 2000", "1 Jan 2003"),  # line 3: unknown country
            ("Algeria", "6 Jun 2001", "31 Feb 2004"),  # line 4: not a real date
            ("Armenia", "2001-11-15", "1 Jul 2003"),  # line 5: wrong format
            ("Austria", "12 Dec 2000", "15 Sep 2005 x"),  # line 6: unknown mark
            ("Belarus", "14 Dec 1999", "25 Jun 2003"),  # line 7: before the treaty opened
            ("Belgium", "11 Aug 2004", "12 Dec 2000"),  # line 8: ratified before signing
            ("Benin", "", ""),  # line 9: nothing
            ("Albania", "12 Dec 2000", "21 Aug 2002"),  # line 10: twice
            ("Brazil", "12 Dec 2000", "29 Jan 2004"),  # line 11: fine
            ("Chile", "8 Aug 2002"),  # line 12: a cell missing
        ],
    )
    parsed = parse_treaty_status(path, Treaty.PROTOCOL)
    assert [row.participant for row in parsed.rows] == ["Albania", "Brazil"]
    assert parsed.rows_read == 11
    assert sorted({problem.line for problem in parsed.problems}) == [3, 4, 5, 6, 7, 8, 9, 10, 12]
    messages = {problem.line: problem.message for problem in parsed.problems}
    assert "Atlantis" in messages[3]
    assert "31 Feb 2004" in messages[4]
    assert "2001-11-15" in messages[5]
    assert "before the treaty opened" in messages[7]
    assert "before signing" in messages[8]
    assert "line 2" in messages[10]


def test_treaty_file_with_wrong_header_is_refused_whole(tmp_path: Path) -> None:
    path = write_treaty_csv(
        tmp_path / "t.csv", [("Albania", "12 Dec 2000", "")], header=("Country", "Signed", "Ratified")
    )
    with pytest.raises(BadFileError, match="should be the header"):
        parse_treaty_status(path, Treaty.UNTOC)


def test_empty_or_binary_treaty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(BadFileError, match="empty file"):
        parse_treaty_status(empty, Treaty.UNTOC)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00garbage")
    with pytest.raises(BadFileError, match="not a UTF-8 text file"):
        parse_treaty_status(binary, Treaty.UNTOC)


@pytest.mark.realdata
def test_real_protocol_status() -> None:
    parsed = parse_treaty_status(shared_file(PROTOCOL_FILE), Treaty.PROTOCOL)
    assert parsed.problems == ()
    assert parsed.rows_read == len(parsed.rows) == 167
    by_code = {row.country.alpha3: row for row in parsed.rows}
    assert by_code["USA"].ratified_on == dt.date(2005, 11, 3)
    assert by_code["USA"].signed_on == dt.date(2000, 12, 13)
    assert by_code["THA"].ratified_on == dt.date(2013, 10, 17)
    assert by_code["THA"].action is Action.RATIFICATION
    assert by_code["BHR"].action is Action.ACCESSION
    assert by_code[""].participant == "European Union"  # the only participant without an ISO code
    assert Counter(row.action for row in parsed.rows) == {
        Action.RATIFICATION: 107,
        Action.ACCESSION: 48,
        None: 8,  # signed only, as of January 2014
        Action.ACCEPTANCE: 2,
        Action.APPROVAL: 1,
        Action.SUCCESSION: 1,
    }


@pytest.mark.realdata
def test_real_untoc_status() -> None:
    parsed = parse_treaty_status(shared_file(UNTOC_FILE), Treaty.UNTOC)
    assert parsed.problems == ()
    assert parsed.rows_read == len(parsed.rows) == 185
    by_code = {row.country.alpha3: row for row in parsed.rows}
    assert by_code["USA"].ratified_on == dt.date(2005, 11, 3)
    assert by_code["IRN"].ratified_on is None  # "Iran (Islamic Republic of)", signed only
    assert sum(1 for row in parsed.rows if row.ratified_on is not None) == 179


# --- TIP tiers --------------------------------------------------------------------------------------------


def test_tier_spellings(tmp_path: Path) -> None:
    path = write_tiers_csv(
        tmp_path / "tiers.csv",
        [
            ("Afghanistan", "AFG", "2002", "700", "Tier 3"),
            ("Afghanistan", "AFG", "2004", "700", "Tier 2    "),
            ("Afghanistan", "AFG", "2010", "700", "Watchlist    "),
            ("Afghanistan", "AFG", "2011", "700", "Tier 2 Watch List"),
            ("Afghanistan", "AFG", "2012", "700", "2WL"),
            ("Afghanistan", "AFG", "2013", "700", "Special Case"),
            ("Afghanistan", "AFG", "2014", "700", "Tier 1    "),
            ("Afghanistan", "AFG", "1999", "700", "NA"),
            ("Kosovo", "KOS", "2014", "347", "Tier 2    "),
        ],
    )
    parsed = parse_tip_tiers(path)
    assert parsed.problems == ()
    assert [(row.year, row.tier) for row in parsed.rows if row.country.alpha3 == "AFG"] == [
        (2002, Tier.TIER_3),
        (2004, Tier.TIER_2),
        (2010, Tier.TIER_2_WATCH_LIST),
        (2011, Tier.TIER_2_WATCH_LIST),
        (2012, Tier.TIER_2_WATCH_LIST),
        (2013, Tier.SPECIAL_CASE),
        (2014, Tier.TIER_1),
    ]
    assert parsed.rows[-1].country.alpha3 == "XKX"
    assert parsed.rows_read == 9
    assert parsed.notes == ("1 lines with tier NA (not ranked that year) are not stored",)


def test_tier_problems_name_their_line(tmp_path: Path) -> None:
    path = write_tiers_csv(
        tmp_path / "tiers.csv",
        [
            ("Thailand", "THA", "2010", "800", "Tier 2"),  # line 2: fine
            ("Thailand", "VNM", "2011", "800", "Tier 2"),  # line 3: the iso column disagrees
            ("Thailand", "THA", "2012", "800", "Tier 4"),  # line 4: unknown tier
            ("Thailand", "THA", "20x3", "800", "Tier 2"),  # line 5: bad year
            ("Thailand", "THA", "2010", "800", "Tier 3"),  # line 6: second tier for 2010
            ("Narnia", "NAR", "2010", "1", "NA"),  # line 7: unknown even when not ranked
        ],
    )
    parsed = parse_tip_tiers(path)
    assert [row.line for row in parsed.rows] == [2]
    messages = {problem.line: problem.message for problem in parsed.problems}
    assert set(messages) == {3, 4, 5, 6, 7}
    assert "VNM" in messages[3]
    assert "Tier 4" in messages[4]
    assert "20x3" in messages[5]
    assert "line 2" in messages[6]
    assert "Narnia" in messages[7]


def test_tier_file_with_wrong_header_is_refused(tmp_path: Path) -> None:
    path = write_tiers_csv(
        tmp_path / "t.csv", [("Thailand", "THA", "2010", "Tier 2")], header=("country", "iso", "year", "tier")
    )
    with pytest.raises(BadFileError, match="countryname"):
        parse_tip_tiers(path)


@pytest.mark.realdata
def test_real_tip_tiers() -> None:
    parsed = parse_tip_tiers(shared_file(TIERS_FILE))
    assert parsed.problems == ()
    assert parsed.rows_read == 3208
    assert len(parsed.rows) == 2251
    assert parsed.notes == ("957 lines with tier NA (not ranked that year) are not stored",)
    assert Counter(row.tier for row in parsed.rows) == {
        Tier.TIER_2: 1113,
        Tier.TIER_2_WATCH_LIST: 494,
        Tier.TIER_1: 387,
        Tier.TIER_3: 257,
    }
    assert len({row.country.alpha3 for row in parsed.rows}) == 186
    tiers = {(row.country.alpha3, row.year): row.tier for row in parsed.rows}
    assert tiers[("AFG", 2010)] is Tier.TIER_2_WATCH_LIST
    assert ("XKX", 2015) in tiers  # the file's "KOS"


# --- GLOTIP -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "censored_below"),
    [("<5", None, 5), (" <5 ", None, 5), ("103", 103, None), ("1,234", 1234, None), ("0", 0, None)],
)
def test_glotip_values(text: str, count: int | None, censored_below: int | None) -> None:
    value = parse_value(text)
    assert value is not None
    assert (value.count, value.censored_below) == (count, censored_below)


@pytest.mark.parametrize("text", ["", "n/a", "5<", "1,23", "-3", "1.5", "<", "<0"])
def test_glotip_values_that_are_not_counts(text: str) -> None:
    assert parse_value(text) is None


def test_glotip_rows_are_read_with_censored_counts(tmp_path: Path) -> None:
    path = write_glotip_xlsx(
        tmp_path / "glotip.xlsx",
        [
            glotip_row(value="<5"),
            glotip_row(value="1,234", year=2021, sex="Female", age="0 to 17 years"),
            glotip_row(
                "Côte d\u2019Ivoire", "CIV", dimension="by form of exploitation", category="Forced labour"
            ),
            glotip_row("Sark", None, dimension="by citizenship", category=None),
        ],
    )
    parsed = parse_glotip(path)
    assert parsed.problems == ()
    assert parsed.rows_read == 4
    first, second, third, sark = parsed.rows
    assert (first.line, first.value, first.censored_below, first.published_value) == (4, None, 5, "<5")
    assert (second.value, second.censored_below, second.year) == (1234, None, 2021)
    assert (second.sex, second.age, second.indicator) == (
        Sex.FEMALE,
        AgeGroup.CHILDREN,
        Indicator.DETECTED_VICTIMS,
    )
    assert (third.country.alpha3, third.dimension, third.category) == (
        "CIV",
        Dimension.FORM_OF_EXPLOITATION,
        "Forced labour",
    )
    assert (sark.country.alpha3, sark.category) == ("", "")
    assert "export dated 2025-04-14" in parsed.notes


def test_glotip_problems_name_their_row(tmp_path: Path) -> None:
    path = write_glotip_xlsx(
        tmp_path / "glotip.xlsx",
        [
            glotip_row(),  # row 4: fine
            glotip_row("Atlantis", "ATL"),  # row 5: unknown country
            glotip_row("Thailand", "VNM"),  # row 6: code disagrees
            glotip_row(value="about 7"),  # row 7: not a count
            glotip_row(indicator="Persons arrested"),  # row 8: unknown indicator
            glotip_row(sex="F"),  # row 9: unknown sex
            glotip_row(year=3020),  # row 10: not a plausible year
            glotip_row("Thailand", None),  # row 11: an ISO country without its code
        ],
    )
    parsed = parse_glotip(path)
    assert [row.line for row in parsed.rows] == [4]
    assert parsed.rows_read == 8
    messages = {problem.line: problem.message for problem in parsed.problems}
    assert set(messages) == {5, 6, 7, 8, 9, 10, 11}
    assert "Atlantis" in messages[5]
    assert "VNM" in messages[6]
    assert "about 7" in messages[7]
    assert "Persons arrested" in messages[8]


def test_glotip_repeated_keys_are_kept_and_noted(tmp_path: Path) -> None:
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row(value="<5"), glotip_row(value="11")])
    parsed = parse_glotip(path)
    assert [row.value for row in parsed.rows] == [None, 11]
    assert any("2 rows repeat 1 keys" in note for note in parsed.notes)


def test_glotip_progress_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glotip, "PROGRESS_EVERY", 2)
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row(year=year) for year in range(2010, 2015)])
    seen: list[int] = []
    parse_glotip(path, on_progress=seen.append)
    assert seen == [2, 4]


def test_glotip_without_banner_is_refused(tmp_path: Path) -> None:
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row()], banner=())
    with pytest.raises(BadFileError, match="row 1 should be the banner 'UNODC'"):
        parse_glotip(path)


def test_glotip_without_export_date_is_refused(tmp_path: Path) -> None:
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row()], banner=(("UNODC",), ("",)))
    with pytest.raises(BadFileError, match="row 2 should be the export date"):
        parse_glotip(path)


def test_glotip_with_wrong_header_is_refused(tmp_path: Path) -> None:
    header = list(glotip.HEADER)
    header[11] = "Value"
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row()], header=header)
    with pytest.raises(BadFileError, match="row 3 should be the header"):
        parse_glotip(path)


def test_a_text_file_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "glotip.xlsx"
    path.write_text("Iso3_code,Country\nTHA,Thailand\n", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"not an \.xlsx workbook"):
        parse_glotip(path)
