"""Country reference data added for the country pages (issue 7): the readers of Walk Free, Kelley's
criminalisation snapshots, Kelley & Simmons' ratification years and the M49 regions; the Threefold layout shipped
in reference/countries/ (read with line-numbered problems, all or nothing); loading it with no ../shared/data; and
rebuilding it from the published files (marked realdata)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.countries.files import shared_file
from tests.purity import modules_importing_django
from threefold.countries import access, services
from threefold.countries.loaders import shipped
from threefold.countries.loaders.criminalisation import Level, parse_criminalisation
from threefold.countries.loaders.glotip import Indicator, parse_glotip
from threefold.countries.loaders.kelley_simmons import cross_check, parse_kelley_simmons
from threefold.countries.loaders.regions import check_region, regions_from_glotip
from threefold.countries.loaders.results import BadFileError
from threefold.countries.loaders.treaties import Treaty as LoaderTreaty
from threefold.countries.loaders.treaties import parse_treaty_status
from threefold.countries.loaders.walkfree import parse_walk_free
from threefold.countries.models import (
    Country,
    Criminalisation,
    CriminalisationLevel,
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    Treaty,
    TreatyStatus,
    WalkFreeEstimate,
)
from threefold.countries.reference import build

REFERENCE = services.REFERENCE_DIR
WALK_FREE_HEADER = (
    '  Country ,Population,Region,"Estimated prevalence of modern slavery per 1,000 population",'
    "Estimated number of people in modern slavery"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_new_readers_do_not_import_django() -> None:
    assert modules_importing_django(Path(shipped.__file__).parent) == []


# --- Walk Free ------------------------------------------------------------------------------------------------


def test_walk_free_rows_keep_no_estimate_as_none(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wf.csv",
        "\n".join(
            [
                WALK_FREE_HEADER,
                'Afghanistan,"  38,928,000 ",Asia and the Pacific,13.0,"505,000"',
                "Palau,  -   ,Asia and the Pacific,,",
                'Russia,"  145,934,000 ",Europe and Central Asia,13.0,"1,899,000"',
                'Lao PDR,"  7,276,000 ",Asia and the Pacific,5.2,"38,000"',
            ]
        )
        + "\n",
    )
    parsed = parse_walk_free(path)
    assert parsed.problems == ()
    by_code = {row.country.alpha3: row for row in parsed.rows}
    assert by_code["AFG"].prevalence_per_1000 == Decimal("13.0")
    assert (by_code["AFG"].population, by_code["AFG"].estimated_number) == (38_928_000, 505_000)
    assert (
        by_code["PLW"].prevalence_per_1000,
        by_code["PLW"].estimated_number,
        by_code["PLW"].population,
    ) == (
        None,
        None,
        None,
    )
    assert {"RUS", "LAO"} <= set(by_code)
    assert parsed.notes == ("1 countries without an estimate (both cells blank): kept as 'no estimate'",)


def test_walk_free_problems_name_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wf.csv",
        "\n".join(
            [
                WALK_FREE_HEADER,
                'Atlantis,"  1,000 ",Africa,1.0,"1"',  # 2: unknown
                'Chad,"  1,000 ",Africa,1001.0,"1"',  # 3: prevalence out of range
                'Mali,"  1,000 ",Africa,2.0,',  # 4: one estimate blank
                'Niger,"  1,000 ",Africa,2.0,"lots"',  # 5: not a number
                'Togo,"  1,000 ",Africa,2.0,"20"',  # 6: fine
                'Togo,"  1,000 ",Africa,2.0,"20"',  # 7: twice
            ]
        )
        + "\n",
    )
    parsed = parse_walk_free(path)
    assert [row.country.alpha3 for row in parsed.rows] == ["TGO"]
    messages = {problem.line: problem.message for problem in parsed.problems}
    assert set(messages) == {2, 3, 4, 5, 7}
    assert "Atlantis" in messages[2]
    assert "1,000" in messages[3]
    assert "both" in messages[4]
    assert "lots" in messages[5]
    assert "line 6" in messages[7]


@pytest.mark.realdata
def test_real_walk_free() -> None:
    parsed = parse_walk_free(shared_file("walkfree_gsi2023_summary_br04aman.csv"))
    assert parsed.problems == ()
    assert parsed.rows_read == len(parsed.rows) == 180
    by_code = {row.country.alpha3: row for row in parsed.rows}
    assert by_code["AFG"].prevalence_per_1000 == Decimal("13.0")
    assert by_code["AFG"].estimated_number == 505_000
    assert by_code["RUS"].estimated_number == 1_899_000  # "Russia"
    assert by_code["PRK"].country_name == "North Korea"
    assert sum(1 for row in parsed.rows if row.prevalence_per_1000 is None) == 20
    assert by_code["ISL"].prevalence_per_1000 is None  # Iceland: no estimate, not 0


# --- criminalisation --------------------------------------------------------------------------------------------

CRIM_HEADER = "iso3,year,ccode,crim,crim_level"


def test_criminalisation_levels_and_repeats(tmp_path: Path) -> None:
    path = write(
        tmp_path / "crim.csv",
        "\n".join(
            [
                CRIM_HEADER,
                "ALB,2001,339,2,Full criminalization   ",
                "THA,2001,800,1,Partial criminalization    ",
                "THA,2014,800,NA,Full criminalization   ",
                "SOM,2001,520,NA,No criminalization",
                "SOM,2001,520,NA,No criminalization",
            ]
        )
        + "\n",
    )
    parsed = parse_criminalisation(path)
    assert parsed.problems == ()
    assert [(row.country.alpha3, row.year, row.level) for row in parsed.rows] == [
        ("ALB", 2001, Level.FULL),
        ("THA", 2001, Level.PARTIAL),
        ("THA", 2014, Level.FULL),
        ("SOM", 2001, Level.NONE),
    ]
    assert parsed.notes == ("line 6 repeats line 5 (SOM 2001); read once",)


def test_criminalisation_problems_name_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "crim.csv",
        "\n".join(
            [
                CRIM_HEADER,
                "XXX,2001,1,0,No criminalization",  # 2: unknown code
                "THA,2001,800,2,Partial criminalization",  # 3: crim disagrees with crim_level
                "THA,20O1,800,1,Partial criminalization",  # 4: bad year
                "THA,2014,800,NA,Criminalised a bit",  # 5: unknown level
                "VNM,2014,816,NA,Full criminalization",  # 6: fine
                "VNM,2014,816,NA,No criminalization",  # 7: disagrees with line 6
            ]
        )
        + "\n",
    )
    parsed = parse_criminalisation(path)
    assert [row.line for row in parsed.rows] == [6]
    messages = {problem.line: problem.message for problem in parsed.problems}
    assert set(messages) == {2, 3, 4, 5, 7}
    assert "line 6" in messages[7]


@pytest.mark.realdata
def test_real_criminalisation() -> None:
    parsed = parse_criminalisation(shared_file("kelley_map_criminalization.csv"))
    assert parsed.problems == ()
    assert parsed.rows_read == 346
    assert len(parsed.rows) == 344  # Somalia is in the file twice in each year
    levels = {(row.country.alpha3, row.year): row.level for row in parsed.rows}
    assert levels[("USA", 2001)] is Level.FULL
    assert (levels[("THA", 2001)], levels[("THA", 2014)]) == (Level.PARTIAL, Level.FULL)
    assert Counter(row.year for row in parsed.rows) == {2001: 172, 2014: 172}


# --- Kelley & Simmons: a cross-check, never a source of dates ---------------------------------------------------


@pytest.mark.realdata
def test_real_kelley_simmons_cross_check() -> None:
    years = parse_kelley_simmons(shared_file("kelley_simmons_palermo_untoc_ratification_year.csv"))
    assert years.problems == ()
    assert len(years.rows) == 180
    protocol = parse_treaty_status(shared_file("untc_XVIII-12-a_zmjones_2014-01.csv"), LoaderTreaty.PROTOCOL)
    untoc = parse_treaty_status(shared_file("untc_XVIII-12_untoc_zmjones_2014-01.csv"), LoaderTreaty.UNTOC)
    found = cross_check(years.rows, protocol.rows, untoc.rows)
    by_key = {(d.alpha3, d.treaty): d for d in found}
    # Both say the United States and Thailand ratified when the UNTC does (Thailand in 2013: censored at 2012).
    assert ("USA", LoaderTreaty.PROTOCOL) not in by_key
    assert ("THA", LoaderTreaty.PROTOCOL) not in by_key
    assert by_key[("ALB", LoaderTreaty.PROTOCOL)].kelley_simmons_year == 2004  # UNTC: 21 Aug 2002
    assert by_key[("KHM", LoaderTreaty.PROTOCOL)].untc_date == dt.date(2007, 7, 2)
    assert len(found) == 30


# --- M49 regions --------------------------------------------------------------------------------------------------


def test_m49_pairs_are_checked() -> None:
    assert check_region("Asia", "South-eastern Asia") == ""
    assert "not an M49 sub-region" in check_region("Europe", "South-eastern Asia")
    assert "unknown M49 region" in check_region("Asia and the Pacific", "")


@pytest.mark.realdata
def test_real_m49_regions_from_glotip() -> None:
    parsed = regions_from_glotip(parse_glotip(shared_file("unodc_data_glotip_mari21041.xlsx")))
    assert parsed.problems == ()
    by_code = {row.alpha3: row for row in parsed.rows}
    assert len(by_code) == 250  # ISO 3166-1 as pycountry knows it, and Kosovo
    assert (by_code["THA"].region, by_code["THA"].subregion, by_code["THA"].subregion_code) == (
        "Asia",
        "South-eastern Asia",
        "035",
    )
    assert (by_code["USA"].region_code, by_code["USA"].subregion) == ("019", "Northern America")
    assert (by_code["CYP"].subregion, by_code["NGA"].subregion) == ("Western Asia", "Sub-Saharan Africa")
    assert by_code["GRL"].region == ""  # Greenland: not in GLOTIP, so no region is invented
    assert sum(1 for row in parsed.rows if row.region) == 198


# --- the Threefold layout ----------------------------------------------------------------------------------------


def test_the_shipped_manifest_is_valid_and_names_every_file() -> None:
    entries = shipped.read_manifest(REFERENCE)
    assert set(entries) == {kind.value for kind in SourceKind}
    for entry in entries.values():
        assert (REFERENCE / entry.file).is_file(), entry.file
        assert entry.citation
        assert entry.terms
        assert entry.retrieved
    assert entries["palermo_protocol"].published == "2014-01"
    assert entries["glotip"].published == "2025-04-14"
    assert not entries["coe_cets_197"].complete
    assert not entries["asean_actip"].complete


def test_every_shipped_file_reads_without_a_problem() -> None:
    entries = shipped.read_manifest(REFERENCE)
    for kind, (read, _to_model, _model) in services.SHIPPED_READERS.items():
        parsed = read(REFERENCE / entries[kind.value].file)
        assert parsed.problems == (), (kind, parsed.problems[:3])
    protocol = {
        row.country.alpha3: row
        for row in shipped.parse_treaty(REFERENCE / "palermo_protocol.csv", LoaderTreaty.PROTOCOL).rows
    }
    assert protocol["USA"].ratified_on == dt.date(2005, 11, 3)
    assert protocol["THA"].ratified_on == dt.date(2013, 10, 17)
    assert len(protocol) == 167


def test_a_broken_manifest_is_refused(tmp_path: Path) -> None:
    shutil.copy(REFERENCE / "schema.json", tmp_path / "schema.json")
    with pytest.raises(BadFileError, match="no manifest"):
        shipped.read_manifest(tmp_path)
    write(tmp_path / "sources.json", "{not json")
    with pytest.raises(BadFileError, match="not JSON"):
        shipped.read_manifest(tmp_path)
    data = json.loads((REFERENCE / "sources.json").read_text(encoding="utf-8"))
    del data["files"][0]["terms"]
    write(tmp_path / "sources.json", json.dumps(data))
    with pytest.raises(BadFileError, match="'terms' is a required property"):
        shipped.read_manifest(tmp_path)


def test_shipped_treaty_problems_name_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.csv",
        "\n".join(
            [
                ",".join(shipped.TREATY),
                "Thailand,THA,2001-12-18,2013-10-17,ratification,",  # 2: fine
                "Atlantis,ATL,2001-12-18,,,",  # 3: unknown code
                "Viet Nam,VNM,,17 Oct 2013,ratification,",  # 4: not an ISO date
                "Chile,CHL,2001-01-01,2000-01-01,ratification,",  # 5: before it opened, and before signing
                "Peru,PER,2001-01-01,2002-01-01,,",  # 6: a party without an action
                "European Union,,2000-12-12,2006-09-06,approval,",  # 7: fine, no ISO code
                "France,,2000-12-12,,,",  # 8: an ISO country must give its code
                "Thailand,THA,2001-12-18,,,",  # 9: twice
            ]
        )
        + "\n",
    )
    parsed = shipped.parse_treaty(path, LoaderTreaty.PROTOCOL)
    assert [row.line for row in parsed.rows] == [2, 7]
    messages: dict[int, str] = {}
    for problem in parsed.problems:
        messages[problem.line] = messages.get(problem.line, "") + problem.message + "; "
    assert set(messages) == {3, 4, 5, 6, 8, 9}
    assert "ATL" in messages[3]
    assert "2005-11-03" in messages[4]
    assert "before the treaty opened" in messages[5]
    assert "line 2" in messages[9]


# --- loading with no ../shared/data -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_data_loads_on_a_fresh_clone(settings: object, tmp_path: Path) -> None:
    settings.SHARED_DATA_DIR = tmp_path / "absent"  # type: ignore[attr-defined]
    reports = services.load_shipped()
    assert all(report.loaded for report in reports), [r.lines() for r in reports if not r.loaded]
    assert {report.kind for report in reports} == {kind.value for kind in SourceKind}
    assert Country.objects.count() == 250
    assert TreatyStatus.objects.filter(treaty=Treaty.PALERMO_PROTOCOL).count() == 167
    assert access.treaty_status("USA")[Treaty.PALERMO_PROTOCOL].ratified_on == dt.date(2005, 11, 3)
    assert access.treaty_status("THA")[Treaty.PALERMO_PROTOCOL].ratified_on == dt.date(2013, 10, 17)
    assert TipTier.objects.count() == 2251
    assert Criminalisation.objects.count() == 344
    assert WalkFreeEstimate.objects.count() == 180
    assert GlotipFigure.objects.count() == 4783
    assert not GlotipFigure.objects.filter(value=0, published_value="<5").exists()
    iceland = access.walk_free("isl")
    assert iceland is not None
    assert iceland.prevalence_per_1000 is None  # no estimate, never 0
    assert [(c.year, c.level) for c in access.criminalisation("THA")] == [
        (2001, CriminalisationLevel.PARTIAL),
        (2014, CriminalisationLevel.FULL),
    ]
    thailand = access.country("tha")
    assert thailand is not None
    assert (thailand.region, thailand.subregion_code) == ("Asia", "035")
    sources = access.sources()
    assert sources["palermo_protocol"].shipped
    assert sources["palermo_protocol"].published == "2014-01"
    assert "reference/countries/palermo_protocol.csv" in sources["palermo_protocol"].citation
    assert not sources["coe_cets_197"].complete
    assert TreatyStatus.objects.filter(treaty=Treaty.CETS_197).count() == 0  # to be completed by import
    actip = access.treaty_status("VNM")[Treaty.ACTIP]
    assert actip.ratified_on == dt.date(2017, 1, 5)
    assert access.treaty_evidence("VNM")[Treaty.ACTIP].startswith("https://asean.org/")


@pytest.mark.django_db
def test_only_missing_never_replaces_an_import(tmp_path: Path) -> None:
    # A synthetic list (example.org), standing for a newer import.
    newer = write(
        tmp_path / "newer.csv",
        ",".join(shipped.TREATY)
        + "\nThailand,THA,2015-11-21,2016-01-01,ratification,https://example.org/test\n",
    )
    assert services.load_regional_treaty(newer, Treaty.ACTIP).loaded
    services.load_shipped(only_missing=True)
    assert TreatyStatus.objects.filter(treaty=Treaty.ACTIP).count() == 1  # the import, not the shipped list
    assert TreatyStatus.objects.filter(treaty=Treaty.PALERMO_PROTOCOL).count() == 167
    assert not access.sources()["asean_actip"].shipped


@pytest.mark.django_db
def test_a_broken_shipped_file_is_refused_with_its_line_and_changes_nothing(tmp_path: Path) -> None:
    services.load_shipped(kinds=[SourceKind.WALK_FREE])
    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE, copy)
    lines = (copy / "walk_free_gsi_2023.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[0], "ZZZ", 1)
    (copy / "walk_free_gsi_2023.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (report,) = services.load_shipped(copy, kinds=[SourceKind.WALK_FREE])
    assert not report.loaded
    assert [(problem.line, "ZZZ" in problem.message) for problem in report.problems] == [(4, True)]
    assert WalkFreeEstimate.objects.count() == 180
    assert ReferenceSource.objects.get(kind=SourceKind.WALK_FREE).shipped


# --- imports of the published files through the command -------------------------------------------------------------


@pytest.mark.django_db
def test_command_loads_the_shipped_data_and_says_so() -> None:
    out = StringIO()
    call_command("load_country_data", "--shipped", stdout=out)
    text = out.getvalue()
    assert "walk_free: walk_free_gsi_2023.csv: loaded; 180 rows read, 180 loaded, 0 problems" in text
    assert "coe_cets_197: coe_cets_197.csv: loaded; 0 rows read, 0 loaded" in text
    assert ReferenceSource.objects.count() == len(SourceKind)


@pytest.mark.django_db
def test_command_refuses_a_criminalisation_file_with_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path / "crim.csv",
        CRIM_HEADER + "\nTHA,2001,800,1,Partial criminalization\nXXX,2001,1,0,No criminalization\n",
    )
    out = StringIO()
    with pytest.raises(CommandError, match="Refused"):
        call_command("load_country_data", "--criminalisation", str(path), stdout=out)
    assert "line 3: unknown country code 'XXX'" in out.getvalue()
    assert Criminalisation.objects.count() == 0


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_files_through_the_command_replace_the_shipped_data() -> None:
    services.load_shipped()
    out = StringIO()
    call_command(
        "load_country_data",
        "--walk-free",
        str(shared_file("walkfree_gsi2023_summary_br04aman.csv")),
        "--criminalisation",
        str(shared_file("kelley_map_criminalization.csv")),
        "--protocol",
        str(shared_file("untc_XVIII-12-a_zmjones_2014-01.csv")),
        "--published",
        "2014-01",
        stdout=out,
    )
    assert "167 rows read, 167 loaded, 0 problems" in out.getvalue()
    sources = access.sources()
    assert not sources["walk_free"].shipped
    assert sources["walk_free"].file_name == "walkfree_gsi2023_summary_br04aman.csv"
    assert sources["palermo_protocol"].published == "2014-01"
    assert access.treaty_status("USA")[Treaty.PALERMO_PROTOCOL].ratified_on == dt.date(2005, 11, 3)
    assert WalkFreeEstimate.objects.count() == 180


@pytest.mark.realdata
def test_the_shipped_files_are_exactly_what_the_published_files_give(tmp_path: Path) -> None:
    """Rebuilding from ../shared/data reproduces every committed data file, byte for byte, and its manifest
    entry (but the build date): the shipped facts can always be traced to their files."""
    source = shared_file("unodc_data_glotip_mari21041.xlsx").parent
    built = build(source, tmp_path, schema_dir=REFERENCE, today=dt.date(2026, 12, 7))
    assert {item.kind for item in built} == {
        "countries",
        "palermo_protocol",
        "untoc",
        "tip_tiers",
        "criminalisation",
        "walk_free",
        "glotip",
    }
    for item in built:
        assert (tmp_path / item.file).read_text(encoding="utf-8") == (REFERENCE / item.file).read_text(
            encoding="utf-8"
        ), item.file
    ours = {
        e["kind"]: e for e in json.loads((REFERENCE / "sources.json").read_text(encoding="utf-8"))["files"]
    }
    rebuilt = {
        e["kind"]: e for e in json.loads((tmp_path / "sources.json").read_text(encoding="utf-8"))["files"]
    }
    for kind, entry in rebuilt.items():
        assert {**entry, "retrieved": ""} == {**ours[kind], "retrieved": ""}, kind
    assert Indicator.DETECTED_VICTIMS.value in (REFERENCE / "glotip_totals.csv").read_text(encoding="utf-8")
