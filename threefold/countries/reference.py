"""Building the reference files Threefold ships (``reference/countries/``) from the published files.

``build`` reads the published files with their readers, refuses to write anything if any of them has a problem,
and writes each kind in the Threefold layout (``loaders.shipped``) with its entry in ``sources.json``: the
citation, the date of the facts, the date of the build, the terms, and the name, SHA-256 and row count of every
file it was derived from. Kinds that no published file gives (the regional instruments) are hand-kept: their
files and manifest entries are left as they are.

Run by ``manage.py build_country_reference``; a test builds into a temporary folder from ``../shared/data`` and
checks that the result is exactly what is committed, so the shipped facts can always be traced to their files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from threefold.countries import citations
from threefold.countries.loaders import shipped
from threefold.countries.loaders.criminalisation import parse_criminalisation
from threefold.countries.loaders.glotip import parse_glotip
from threefold.countries.loaders.kelley_simmons import cross_check, parse_kelley_simmons
from threefold.countries.loaders.regions import regions_from_glotip
from threefold.countries.loaders.results import BadFileError, Parsed
from threefold.countries.loaders.tiers import parse_tip_tiers
from threefold.countries.loaders.treaties import Treaty, parse_treaty_status
from threefold.countries.loaders.walkfree import EDITION, parse_walk_free

GLOTIP_FILE = "unodc_data_glotip_mari21041.xlsx"
PROTOCOL_FILE = "untc_XVIII-12-a_zmjones_2014-01.csv"
UNTOC_FILE = "untc_XVIII-12_untoc_zmjones_2014-01.csv"
TIERS_FILE = "heiss_tip_tiers_orig.csv"
CRIMINALISATION_FILE = "kelley_map_criminalization.csv"
WALK_FREE_FILE = "walkfree_gsi2023_summary_br04aman.csv"
KELLEY_SIMMONS_FILE = "kelley_simmons_palermo_untoc_ratification_year.csv"
# The UNTC files carry no date; their scrape is from January 2014 (the files' names say so).
UNTC_STATUS_DATE = "2014-01"
UNTC_URL = "https://treaties.un.org/Pages/ShowMTDSGDetails.aspx?src=UNTSONLINE&tabid=2&mtdsg_no={}&chapter=18&lang=en"
BUILT_KINDS = (
    "countries",
    "palermo_protocol",
    "untoc",
    "tip_tiers",
    "criminalisation",
    "walk_free",
    "glotip",
)


@dataclass(frozen=True)
class Built:
    kind: str
    file: str
    rows: int


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checked(name: str, parsed: Parsed[Any]) -> Parsed[Any]:
    if parsed.problems:
        listed = "; ".join(str(problem) for problem in parsed.problems[:5])
        raise BadFileError(f"{name}: {len(parsed.problems)} problems, nothing written ({listed})")
    return parsed


def build(
    source_dir: Path, out_dir: Path, *, schema_dir: Path | None = None, today: dt.date | None = None
) -> list[Built]:
    """Write the shipped files of every built kind from the published files in ``source_dir`` into ``out_dir``
    (``schema_dir``: where ``schema.json`` is, by default ``out_dir``)."""
    retrieved = (today or dt.date.today()).isoformat()

    def path(name: str) -> Path:
        found = source_dir / name
        if not found.is_file():
            raise BadFileError(f"{found}: no such file")
        return found

    def origin(name: str, rows: int) -> dict[str, Any]:
        return {"file": name, "sha256": _sha256(path(name)), "rows": rows}

    glotip = _checked(GLOTIP_FILE, parse_glotip(path(GLOTIP_FILE)))
    export = next(n.removeprefix("export dated ") for n in glotip.notes if n.startswith("export dated "))
    countries = _checked(GLOTIP_FILE, regions_from_glotip(glotip))
    protocol = _checked(PROTOCOL_FILE, parse_treaty_status(path(PROTOCOL_FILE), Treaty.PROTOCOL))
    untoc = _checked(UNTOC_FILE, parse_treaty_status(path(UNTOC_FILE), Treaty.UNTOC))
    tiers = _checked(TIERS_FILE, parse_tip_tiers(path(TIERS_FILE)))
    criminalisation = _checked(CRIMINALISATION_FILE, parse_criminalisation(path(CRIMINALISATION_FILE)))
    walk_free = _checked(WALK_FREE_FILE, parse_walk_free(path(WALK_FREE_FILE)))
    years = _checked(KELLEY_SIMMONS_FILE, parse_kelley_simmons(path(KELLEY_SIMMONS_FILE)))
    disagreements = cross_check(years.rows, protocol.rows, untoc.rows)
    totals = shipped.glotip_totals(glotip.rows)
    tier_years = sorted({row.year for row in tiers.rows})
    crim_years = sorted({row.year for row in criminalisation.rows})

    def untc_entry(kind: str, file: str, chapter: str, citation: str, parsed: Parsed[Any]) -> dict[str, Any]:
        treaty = Treaty.PROTOCOL if kind == "palermo_protocol" else Treaty.UNTOC
        checked = [str(d) for d in disagreements if d.treaty is treaty]
        return {
            "file": file,
            "kind": kind,
            "title": f"UN Treaty Collection status, chapter {chapter}",
            "citation": citation.replace(
                "(in the layout of the zmjones/untreaties scrape of the UNTC pages).",
                "(status as scraped in January 2014 by the zmjones/untreaties project).",
            ),
            "url": UNTC_URL.format(chapter),
            "published": UNTC_STATUS_DATE,
            "retrieved": retrieved,
            "terms": citations.PALERMO_PROTOCOL.terms,
            "complete": True,
            "derived_from": [
                origin(PROTOCOL_FILE if kind == "palermo_protocol" else UNTOC_FILE, parsed.rows_read),
                origin(KELLEY_SIMMONS_FILE, years.rows_read),
            ],
            "method": (
                "Every participant of the UNTC file, its name resolved to ISO 3166-1 exactly (never fuzzily), dates "
                "as ISO dates and the UN's mark as the action. Cross-checked against Kelley & Simmons' ratification "
                "years: the disagreements are listed in notes, for a person to look at; the UNTC dates are kept."
            ),
            "notes": [
                "Status as of January 2014: later signatures and ratifications are not in this file.",
                *(f"Cross-check with Kelley & Simmons: {line}" for line in checked),
            ],
        }

    entries: dict[str, dict[str, Any]] = {
        "countries": {
            "file": "countries.csv",
            "kind": "countries",
            "title": "ISO 3166-1 countries with their UN M49 region and sub-region",
            "citation": (
                f"ISO 3166-1 alpha-3, alpha-2 and numeric codes and English short names as in the pycountry "
                f"package {version('pycountry')} (Debian iso-codes data), and Kosovo's user-assigned XK/XKX; "
                "UN M49 region and sub-region (UN Statistics Division standard) as given in the Region and "
                f"Subregion columns of UNODC's GLOTIP country data export of {export}."
            ),
            "url": "https://unstats.un.org/unsd/methodology/m49/",
            "published": export,
            "retrieved": retrieved,
            "terms": "Codes, names and region names are facts of public record; the regions are cited to UNODC.",
            "complete": True,
            "derived_from": [origin(GLOTIP_FILE, glotip.rows_read)],
            "method": (
                "Every country pycountry lists, plus Kosovo. Region and sub-region from the first GLOTIP row of the "
                "country (every row of a country must agree); M49 numeric codes of the regions from the standard. "
                "Countries GLOTIP does not cover keep empty region cells."
            ),
            "notes": list(countries.notes[:1]),
        },
        "palermo_protocol": untc_entry(
            "palermo_protocol",
            "palermo_protocol.csv",
            "XVIII-12-a",
            citations.PALERMO_PROTOCOL.text,
            protocol,
        ),
        "untoc": untc_entry("untoc", "untoc.csv", "XVIII-12", citations.UNTOC.text, untoc),
        "tip_tiers": {
            "file": "tip_tiers.csv",
            "kind": "tip_tiers",
            "title": "US State Department TIP Report tiers by country and report year",
            "citation": citations.TIP_TIERS.text,
            "published": f"{tier_years[0]}-{tier_years[-1]}",
            "retrieved": retrieved,
            "terms": citations.TIP_TIERS.terms,
            "complete": True,
            "derived_from": [origin(TIERS_FILE, tiers.rows_read)],
            "method": "Every ranked country-year; years a country was not ranked (NA) are left out, not guessed.",
            "notes": list(tiers.notes),
        },
        "criminalisation": {
            "file": "criminalisation.csv",
            "kind": "criminalisation",
            "title": "Criminalisation of trafficking in persons, snapshots",
            "citation": citations.CRIMINALISATION.text,
            "published": ", ".join(str(year) for year in crim_years),
            "retrieved": retrieved,
            "terms": citations.CRIMINALISATION.terms,
            "complete": True,
            "derived_from": [origin(CRIMINALISATION_FILE, criminalisation.rows_read)],
            "method": (
                "The level (none, partial, full) of each country in each snapshot year, read from crim_level. The "
                "source gives snapshots, not the year a law was passed: pages say 'by 2001' or 'between 2001 and "
                "2014', never a year of criminalisation."
            ),
            "notes": list(criminalisation.notes),
        },
        "walk_free": {
            "file": "walk_free_gsi_2023.csv",
            "kind": "walk_free",
            "title": "Walk Free Global Slavery Index 2023: prevalence and number by country",
            "citation": citations.WALK_FREE.text,
            "url": "https://www.walkfree.org/global-slavery-index/",
            "published": str(EDITION),
            "retrieved": retrieved,
            "terms": citations.WALK_FREE.terms,
            "complete": True,
            "derived_from": [origin(WALK_FREE_FILE, walk_free.rows_read)],
            "method": (
                "Every country of the summary; prevalence per 1,000 as published (one decimal); blank estimates "
                "kept blank (no estimate), never 0."
            ),
            "notes": list(walk_free.notes),
        },
        "glotip": {
            "file": "glotip_totals.csv",
            "kind": "glotip",
            "title": "UNODC GLOTIP: detected victims, persons prosecuted and persons convicted, national totals",
            "citation": citations.GLOTIP.text + f" Export of {export}: national totals only.",
            "url": "https://dataunodc.un.org/",
            "published": export,
            "retrieved": retrieved,
            "terms": citations.GLOTIP.terms,
            "complete": True,
            "derived_from": [origin(GLOTIP_FILE, glotip.rows_read)],
            "method": (
                "The rows of the three indicators with dimension, category, sex and age all 'Total', for countries "
                "with an ISO code (Sark's 26 rows are not shipped); values as published, '<5' kept as '<5' "
                "(a suppressed small count, never 0); source_row is the row in the export. Import the export "
                "itself for the breakdowns by sex, age, form of exploitation and citizenship."
            ),
            "notes": [],
        },
    }
    texts = {
        "countries": shipped.countries_csv(countries.rows),
        "palermo_protocol": shipped.treaty_csv(protocol.rows),
        "untoc": shipped.treaty_csv(untoc.rows),
        "tip_tiers": shipped.tiers_csv(tiers.rows),
        "criminalisation": shipped.criminalisation_csv(criminalisation.rows),
        "walk_free": shipped.walk_free_csv(walk_free.rows),
        "glotip": shipped.glotip_csv(totals),
    }
    counts = {
        "countries": len(countries.rows),
        "palermo_protocol": len(protocol.rows),
        "untoc": len(untoc.rows),
        "tip_tiers": len(tiers.rows),
        "criminalisation": len(criminalisation.rows),
        "walk_free": len(walk_free.rows),
        "glotip": len(totals),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    kept = _hand_kept_entries(out_dir)
    for kind, text in texts.items():
        (out_dir / entries[kind]["file"]).write_text(text, encoding="utf-8")
    shipped.write_manifest(out_dir, [*kept, *entries.values()], schema_dir=schema_dir)
    return [Built(kind, entries[kind]["file"], counts[kind]) for kind in texts]


def _hand_kept_entries(out_dir: Path) -> list[dict[str, Any]]:
    """The manifest entries of the kinds no published file gives, kept as they are."""
    path = out_dir / shipped.MANIFEST
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [entry for entry in data.get("files", []) if entry.get("kind") not in BUILT_KINDS]
