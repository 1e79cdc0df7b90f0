"""Loading country reference data into the database (all or nothing, replacing), reading it, and the command."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from tests.countries.files import (
    glotip_row,
    shared_file,
    write_glotip_xlsx,
    write_tiers_csv,
    write_treaty_csv,
)
from threefold.countries import access, services
from threefold.countries.loaders import glotip
from threefold.countries.loaders.glotip import Dimension, Indicator, Sex
from threefold.countries.loaders.results import BadFileError
from threefold.countries.models import (
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    TipTierChoice,
    Treaty,
    TreatyAction,
    TreatyStatus,
)

pytestmark = pytest.mark.django_db

GLOTIP_FILE = "unodc_data_glotip_mari21041.xlsx"
PROTOCOL_FILE = "untc_XVIII-12-a_zmjones_2014-01.csv"
UNTOC_FILE = "untc_XVIII-12_untoc_zmjones_2014-01.csv"
TIERS_FILE = "heiss_tip_tiers_orig.csv"

GOOD_PROTOCOL = [
    ("Albania", "12 Dec 2000", "21 Aug 2002"),
    ("Bahrain", "", "7 Jun 2004 a"),
    ("Barbados", "26 Sep 2001", ""),
    ("European Union", "12 Dec 2000", "6 Sep 2006 AA"),
    ("Thailand", "18 Dec 2001", "17 Oct 2013"),
]


def protocol_file(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "protocol.csv") -> Path:
    return write_treaty_csv(tmp_path / name, rows)


# --- treaties: all or nothing -----------------------------------------------------------------------------


def test_treaty_load_stores_rows_and_its_source(tmp_path: Path) -> None:
    path = protocol_file(tmp_path, GOOD_PROTOCOL)
    report = services.load_treaty(path, Treaty.PALERMO_PROTOCOL)
    assert report.loaded
    assert (report.rows_read, report.rows_loaded, report.problems) == (5, 5, ())
    source = ReferenceSource.objects.get()
    assert source.kind == SourceKind.PALERMO_PROTOCOL
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (source.file_name, source.rows_read, source.row_count, source.rows_refused) == (
        "protocol.csv",
        5,
        5,
        0,
    )
    assert "XVIII-12-a" in source.citation
    assert source.terms
    bahrain = TreatyStatus.objects.get(country_alpha3="BHR")
    assert (bahrain.treaty, bahrain.country_alpha2, bahrain.signed_on) == (
        Treaty.PALERMO_PROTOCOL,
        "BH",
        None,
    )
    assert (bahrain.ratified_on, bahrain.action, bahrain.line) == (
        dt.date(2004, 6, 7),
        TreatyAction.ACCESSION,
        3,
    )
    assert TreatyStatus.objects.get(participant="Barbados").action == ""
    eu = TreatyStatus.objects.get(participant="European Union")
    assert (eu.country_alpha3, eu.action) == ("", TreatyAction.APPROVAL)


def test_a_treaty_file_with_a_bad_date_loads_nothing(tmp_path: Path) -> None:
    path = protocol_file(tmp_path, [*GOOD_PROTOCOL, ("Brazil", "12 Dec 2000", "29 Feb 2003")])  # line 7
    report = services.load_treaty(path, Treaty.PALERMO_PROTOCOL)
    assert not report.loaded
    assert report.rows_loaded == 0
    assert [problem.line for problem in report.problems] == [7]
    assert "29 Feb 2003" in report.problems[0].message
    assert TreatyStatus.objects.count() == 0
    assert ReferenceSource.objects.count() == 0


def test_a_refused_file_leaves_the_previous_load_in_place(tmp_path: Path) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)
    bad = protocol_file(tmp_path, [("Atlantis", "12 Dec 2000", "")], name="bad.csv")
    report = services.load_treaty(bad, Treaty.PALERMO_PROTOCOL)
    assert not report.loaded
    assert report.problems[0].line == 2
    assert "Atlantis" in report.problems[0].message
    assert TreatyStatus.objects.count() == 5
    assert ReferenceSource.objects.get().file_name == "protocol.csv"


def test_accept_valid_loads_the_valid_rows(tmp_path: Path) -> None:
    rows = [*GOOD_PROTOCOL, ("Atlantis", "12 Dec 2000", ""), ("Brazil", "12 Dec 2000", "29 Feb 2003")]
    report = services.load_treaty(protocol_file(tmp_path, rows), Treaty.PALERMO_PROTOCOL, accept_valid=True)
    assert report.loaded
    assert (report.rows_read, report.rows_loaded) == (7, 5)
    assert [problem.line for problem in report.problems] == [7, 8]
    assert TreatyStatus.objects.count() == 5
    assert not TreatyStatus.objects.filter(participant__in=["Atlantis", "Brazil"]).exists()
    assert ReferenceSource.objects.get().rows_refused == 2


def test_a_file_with_no_valid_rows_never_wipes_the_loaded_data(tmp_path: Path) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)
    bad = protocol_file(tmp_path, [("Atlantis", "12 Dec 2000", "")], name="bad.csv")
    with pytest.raises(BadFileError, match="no valid data rows"):
        services.load_treaty(bad, Treaty.PALERMO_PROTOCOL, accept_valid=True)
    assert TreatyStatus.objects.count() == 5


def test_a_wrong_header_is_refused_before_anything_changes(tmp_path: Path) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)
    path = write_treaty_csv(tmp_path / "x.csv", GOOD_PROTOCOL, header=("Country", "Signed", "Ratified"))
    with pytest.raises(BadFileError, match="should be the header"):
        services.load_treaty(path, Treaty.PALERMO_PROTOCOL)
    assert TreatyStatus.objects.count() == 5


def test_a_new_load_replaces_the_previous_one_of_the_same_kind_only(tmp_path: Path) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL, name="untoc.csv"), Treaty.UNTOC)
    newer = protocol_file(tmp_path, [("Thailand", "18 Dec 2001", "17 Oct 2013")], name="newer.csv")
    services.load_treaty(newer, Treaty.PALERMO_PROTOCOL)
    assert list(
        TreatyStatus.objects.filter(treaty=Treaty.PALERMO_PROTOCOL).values_list("participant", flat=True)
    ) == ["Thailand"]
    assert TreatyStatus.objects.filter(treaty=Treaty.UNTOC).count() == 5
    assert sorted(ReferenceSource.objects.values_list("file_name", flat=True)) == ["newer.csv", "untoc.csv"]


def test_a_failure_while_writing_keeps_the_previous_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)

    def broken(source: ReferenceSource, row: object) -> TreatyStatus:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_treaty_status", lambda treaty: broken)
    newer = protocol_file(tmp_path, [("Thailand", "18 Dec 2001", "17 Oct 2013")], name="newer.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        services.load_treaty(newer, Treaty.PALERMO_PROTOCOL)
    assert TreatyStatus.objects.count() == 5
    assert ReferenceSource.objects.get().file_name == "protocol.csv"


# --- tiers ------------------------------------------------------------------------------------------------


def test_tip_tiers_load_and_read(tmp_path: Path) -> None:
    path = write_tiers_csv(
        tmp_path / "tiers.csv",
        [
            ("Thailand", "THA", "2013", "800", "Tier 2    "),
            ("Thailand", "THA", "2014", "800", "Tier 3"),
            ("Thailand", "THA", "2001", "800", "Watchlist    "),
            ("Thailand", "THA", "1999", "800", "NA"),
            ("Kosovo", "KOS", "2014", "347", "Tier 2    "),
        ],
    )
    report = services.load_tip_tiers(path)
    assert (report.loaded, report.rows_read, report.rows_loaded) == (True, 5, 4)
    assert report.notes == ("1 lines with tier NA (not ranked that year) are not stored",)
    assert access.tip_tiers("tha") == [
        access.TierYear(2001, TipTierChoice.TIER_2_WATCH_LIST),
        access.TierYear(2013, TipTierChoice.TIER_2),
        access.TierYear(2014, TipTierChoice.TIER_3),
    ]
    assert TipTier.objects.get(country_alpha3="XKX").country_alpha2 == "XK"
    assert access.tip_tiers("ATL") == []


def test_a_tier_file_with_an_unknown_country_loads_nothing(tmp_path: Path) -> None:
    path = write_tiers_csv(
        tmp_path / "tiers.csv",
        [("Thailand", "THA", "2013", "800", "Tier 2"), ("Narnia", "NAR", "2013", "1", "Tier 1")],
    )
    report = services.load_tip_tiers(path)
    assert not report.loaded
    assert [(problem.line, "Narnia" in problem.message) for problem in report.problems] == [(3, True)]
    assert TipTier.objects.count() == 0


# --- GLOTIP -----------------------------------------------------------------------------------------------


def test_glotip_load_keeps_censored_counts_censored(tmp_path: Path) -> None:
    path = write_glotip_xlsx(
        tmp_path / "glotip.xlsx",
        [
            glotip_row(value="<5", year=2019),
            glotip_row(value="21", year=2019),  # the export repeats some keys: both kept
            glotip_row(value="1,541", year=2018),
            glotip_row(value="<5", sex="Female"),
            glotip_row("Sark", None, value="<5"),
            glotip_row(dimension="by form of exploitation", category="Forced labour", value="7"),
        ],
    )
    report = services.load_glotip(path)
    assert (report.loaded, report.rows_read, report.rows_loaded) == (True, 6, 6)
    censored = GlotipFigure.objects.filter(published_value="<5")
    assert censored.count() == 3
    assert set(censored.values_list("value", "censored_below")) == {(None, 5)}
    assert not GlotipFigure.objects.filter(value=0).exists()
    forms = {figure.line: figure.form_of_exploitation for figure in GlotipFigure.objects.all()}
    assert forms == {4: None, 5: None, 6: None, 7: None, 8: None, 9: "Forced labour"}
    sark = GlotipFigure.objects.get(country_name="Sark")
    assert (sark.country_alpha3, sark.country_alpha2) == ("", "")
    series = access.glotip_series("THA", Indicator.DETECTED_VICTIMS)
    assert [(point.year, point.value, point.censored_below, point.is_censored) for point in series] == [
        (2018, 1541, None, False),
        (2019, None, 5, True),
        (2019, 21, None, False),
    ]
    female = access.glotip_series("tha", Indicator.DETECTED_VICTIMS, sex=Sex.FEMALE)
    assert [(point.year, point.line) for point in female] == [(2020, 7)]
    assert access.glotip_series("THA", Indicator.PERSONS_CONVICTED) == []
    assert access.glotip_series("THA", Indicator.DETECTED_VICTIMS, dimension=Dimension.CITIZENSHIP) == []
    forced = access.glotip_series(
        "THA", Indicator.DETECTED_VICTIMS, dimension=Dimension.FORM_OF_EXPLOITATION, category="Forced labour"
    )
    assert [(point.year, point.value) for point in forced] == [(2020, 7)]


def test_glotip_file_with_problems_loads_nothing_unless_accept_valid(tmp_path: Path) -> None:
    path = write_glotip_xlsx(
        tmp_path / "g.xlsx", [glotip_row(), glotip_row("Atlantis", "ATL"), glotip_row(value="")]
    )
    refused = services.load_glotip(path)
    assert not refused.loaded
    assert [problem.line for problem in refused.problems] == [5, 6]
    assert GlotipFigure.objects.count() == 0
    accepted = services.load_glotip(path, accept_valid=True)
    assert (accepted.loaded, accepted.rows_loaded) == (True, 1)
    assert list(GlotipFigure.objects.values_list("line", flat=True)) == [4]


def test_glotip_not_an_xlsx_changes_nothing(tmp_path: Path) -> None:
    services.load_glotip(write_glotip_xlsx(tmp_path / "good.xlsx", [glotip_row()]))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"not an \.xlsx workbook"):
        services.load_glotip(fake)
    assert GlotipFigure.objects.count() == 1


def test_the_database_refuses_a_figure_that_is_neither_counted_nor_censored(tmp_path: Path) -> None:
    services.load_glotip(write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row()]))
    figure = GlotipFigure.objects.get()
    figure.pk = None
    figure.line = 99
    figure.value = None
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


# --- access -----------------------------------------------------------------------------------------------


def test_treaty_access(tmp_path: Path) -> None:
    services.load_treaty(protocol_file(tmp_path, GOOD_PROTOCOL), Treaty.PALERMO_PROTOCOL)
    status = access.treaty_status("tha")
    assert list(status) == [Treaty.PALERMO_PROTOCOL]
    thailand = status[Treaty.PALERMO_PROTOCOL]
    assert (thailand.ratified_on, thailand.action, thailand.is_party) == (
        dt.date(2013, 10, 17),
        TreatyAction.RATIFICATION,
        True,
    )
    assert not access.treaty_status("BRB")[Treaty.PALERMO_PROTOCOL].is_party
    assert access.treaty_status("ATL") == {}
    assert access.treaty_parties(Treaty.PALERMO_PROTOCOL) == ["ALB", "BHR", "THA"]  # not the EU: no code
    assert access.treaty_parties(Treaty.PALERMO_PROTOCOL, on=dt.date(2010, 1, 1)) == ["ALB", "BHR"]
    cited = access.source(SourceKind.PALERMO_PROTOCOL)
    assert cited is not None
    assert "Trafficking in Persons" in cited.citation
    assert access.source(SourceKind.GLOTIP) is None


# --- management command -----------------------------------------------------------------------------------


def test_command_loads_any_subset_and_reports(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "load_country_data",
        "--protocol",
        str(protocol_file(tmp_path, GOOD_PROTOCOL)),
        "--glotip",
        str(write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row()])),
        stdout=out,
    )
    text = out.getvalue()
    assert "palermo_protocol: protocol.csv: loaded; 5 rows read, 5 loaded, 0 problems" in text
    assert "glotip: g.xlsx: loaded; 1 rows read, 1 loaded" in text
    assert "Reading g.xlsx" in text
    assert (TreatyStatus.objects.count(), GlotipFigure.objects.count(), TipTier.objects.count()) == (5, 1, 0)


def test_command_prints_progress_for_the_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glotip, "PROGRESS_EVERY", 2)
    path = write_glotip_xlsx(tmp_path / "g.xlsx", [glotip_row(year=year) for year in range(2010, 2015)])
    out = StringIO()
    call_command("load_country_data", "--glotip", str(path), stdout=out)
    assert "... 2 rows read" in out.getvalue()
    assert "... 4 rows read" in out.getvalue()


def test_command_refuses_a_file_with_problems_and_names_the_lines(tmp_path: Path) -> None:
    path = protocol_file(tmp_path, [*GOOD_PROTOCOL, ("Atlantis", "12 Dec 2000", "")])
    out = StringIO()
    with pytest.raises(CommandError, match=r"Refused, nothing loaded from.*--accept-valid"):
        call_command("load_country_data", "--protocol", str(path), stdout=out)
    assert "REFUSED" in out.getvalue()
    assert "line 7: unknown country or participant 'Atlantis'" in out.getvalue()
    assert TreatyStatus.objects.count() == 0
    call_command("load_country_data", "--protocol", str(path), "--accept-valid", stdout=StringIO())
    assert TreatyStatus.objects.count() == 5


def test_command_refuses_a_bad_file_and_goes_on_with_the_others(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"\x00\x01 not a zip")
    err = StringIO()
    with pytest.raises(CommandError, match=r"fake\.xlsx"):
        call_command(
            "load_country_data",
            "--glotip",
            str(fake),
            "--untoc",
            str(protocol_file(tmp_path, GOOD_PROTOCOL)),
            stdout=StringIO(),
            stderr=err,
        )
    assert "not an .xlsx workbook" in err.getvalue()
    assert TreatyStatus.objects.filter(treaty=Treaty.UNTOC).count() == 5


def test_command_needs_a_file_that_exists(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Nothing to load"):
        call_command("load_country_data", stdout=StringIO())
    err = StringIO()
    with pytest.raises(CommandError, match=r"missing\.csv"):
        call_command("load_country_data", "--tip-tiers", str(tmp_path / "missing.csv"), stderr=err)
    assert "no such file" in err.getvalue()


# --- real data --------------------------------------------------------------------------------------------


def count_suppressed_cells(path: Path) -> tuple[int, int]:
    """(data rows, cells "<5") counted straight from the workbook, independently of the reader."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = suppressed = 0
    for row in sheet.iter_rows(min_row=4, values_only=True):
        rows += 1
        suppressed += row[11] == "<5"
    workbook.close()
    return rows, suppressed


@pytest.mark.realdata
def test_real_glotip_arrives_whole_with_every_suppressed_count_censored() -> None:
    path = shared_file(GLOTIP_FILE)
    rows_in_file, suppressed_in_file = count_suppressed_cells(path)
    assert (rows_in_file, suppressed_in_file) == (58_769, 29_558)

    report = services.load_glotip(path)
    assert report.problems == ()
    assert (report.loaded, report.rows_read, report.rows_loaded) == (True, 58_769, 58_769)
    assert GlotipFigure.objects.count() == 58_769
    censored = GlotipFigure.objects.filter(censored_below=5, value__isnull=True)
    assert censored.count() == suppressed_in_file
    assert censored.filter(published_value="<5").count() == suppressed_in_file
    assert not GlotipFigure.objects.filter(published_value="<5", value__isnull=False).exists()
    assert not GlotipFigure.objects.filter(
        value=0
    ).exists()  # the export has no zeros, and "<5" never became one
    assert GlotipFigure.objects.values("country_name").distinct().count() == 199
    assert GlotipFigure.objects.values("country_alpha3").distinct().count() == 199  # 198 codes and Sark's ""
    assert (
        GlotipFigure.objects.filter(country_alpha3="").values_list("country_name", flat=True).distinct().get()
        == "Sark"
    )
    assert GlotipFigure.objects.filter(country_alpha3="").count() == 26
    years = GlotipFigure.objects.values_list("year", flat=True)
    assert (min(years), max(years)) == (2003, 2022)
    assert ReferenceSource.objects.get(kind=SourceKind.GLOTIP).sha256 == services.sha256_of(path)
    first = access.glotip_series("THA", Indicator.DETECTED_VICTIMS)[0]
    assert (first.year, first.value) == (2009, 145)


@pytest.mark.realdata
def test_real_treaties_and_tiers_through_the_command() -> None:
    out = StringIO()
    call_command(
        "load_country_data",
        "--protocol",
        str(shared_file(PROTOCOL_FILE)),
        "--untoc",
        str(shared_file(UNTOC_FILE)),
        "--tip-tiers",
        str(shared_file(TIERS_FILE)),
        stdout=out,
    )
    assert "167 rows read, 167 loaded, 0 problems" in out.getvalue()
    assert TreatyStatus.objects.filter(treaty=Treaty.PALERMO_PROTOCOL).count() == 167
    assert TreatyStatus.objects.filter(treaty=Treaty.UNTOC).count() == 185
    assert access.treaty_status("USA")[Treaty.PALERMO_PROTOCOL].ratified_on == dt.date(2005, 11, 3)
    assert access.treaty_status("THA")[Treaty.PALERMO_PROTOCOL].ratified_on == dt.date(2013, 10, 17)
    assert len(access.treaty_parties(Treaty.PALERMO_PROTOCOL)) == 158  # 159 parties in Jan 2014, less the EU
    assert TipTier.objects.count() == 2251
    assert access.tip_tiers("AFG")[0] == access.TierYear(2002, TipTierChoice.TIER_3)
