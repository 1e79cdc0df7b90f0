"""ISO 3166-1 countries with their UN M49 region and sub-region.

The list of countries is ISO 3166-1 as the installed pycountry knows it (249 codes), plus Kosovo (``XKX``, see
``names``). The region and sub-region are read from the UNODC GLOTIP export, whose ``Region`` and
``Subregion`` columns follow the UN Statistics Division's M49 standard at its top two levels (e.g. Africa /
Sub-Saharan Africa; intermediate regions such as Western Africa are not in the file). A country the export
does not cover (territories mostly: 51 in the 14 Apr 2025 export) keeps empty region cells: Threefold ships no
region it cannot name a source for.

``M49_CODES`` gives the standard numeric code of each region and sub-region name GLOTIP uses; a name outside
it is a problem, since a new name should be looked at before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pycountry

from threefold.countries.loaders.glotip import GlotipRow
from threefold.countries.loaders.names import KOSOVO
from threefold.countries.loaders.results import Parsed, Problem

# UN M49 numeric codes of the regions and sub-regions (UN Statistics Division, "Standard country or area codes
# for statistical use (M49)").
M49_CODES: dict[str, str] = {
    "Africa": "002",
    "Americas": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
    "Northern Africa": "015",
    "Sub-Saharan Africa": "202",
    "Latin America and the Caribbean": "419",
    "Northern America": "021",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
}
# Which sub-regions belong to which region in M49: a GLOTIP row pairing them otherwise is a problem.
M49_PARENT: dict[str, str] = {
    "Northern Africa": "Africa",
    "Sub-Saharan Africa": "Africa",
    "Latin America and the Caribbean": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}


@dataclass(frozen=True)
class CountryRow:
    line: int
    alpha3: str
    alpha2: str
    numeric: str  # ISO 3166-1 numeric, "" for Kosovo
    name: str  # pycountry's short English name
    region: str  # M49 region name, "" when no source gives it
    subregion: str

    @property
    def region_code(self) -> str:
        return M49_CODES.get(self.region, "")

    @property
    def subregion_code(self) -> str:
        return M49_CODES.get(self.subregion, "")


def iso_countries() -> list[tuple[str, str, str, str]]:
    """(alpha3, alpha2, numeric, name) of every ISO 3166-1 country pycountry knows, and Kosovo, by alpha-3."""
    found = [(c.alpha_3, c.alpha_2, c.numeric, c.name) for c in pycountry.countries]
    found.append((KOSOVO.alpha3, KOSOVO.alpha2, "", KOSOVO.name))
    return sorted(found)


def check_region(region: str, subregion: str) -> str:
    """Why a (region, sub-region) pair is not M49 as Threefold knows it, or "" when it is."""
    if region not in M49_CODES or region in M49_PARENT:
        return f"unknown M49 region {region!r}"
    if M49_PARENT.get(subregion) != region:
        return f"{subregion!r} is not an M49 sub-region of {region!r}"
    return ""


def regions_from_glotip(glotip: Parsed[GlotipRow]) -> Parsed[CountryRow]:
    """Every ISO country, with the region and sub-region GLOTIP gives it (one pair per country, checked)."""
    pairs: dict[str, tuple[str, str, int]] = {}
    problems: list[Problem] = []
    for row in glotip.rows:
        code = row.country.alpha3
        if not code:  # Sark: no ISO code to hang a region on
            continue
        pair = (row.region, row.subregion)
        if code not in pairs:
            if why := check_region(*pair):
                problems.append(Problem(row.line, why))
                continue
            pairs[code] = (*pair, row.line)
        elif pairs[code][:2] != pair:
            first = pairs[code]
            problems.append(
                Problem(row.line, f"{code} is in {pair} here but in {first[:2]} on row {first[2]}")
            )
    rows = []
    for n, (alpha3, alpha2, numeric, name) in enumerate(iso_countries(), start=1):
        region, subregion, _line = pairs.get(alpha3, ("", "", 0))
        rows.append(CountryRow(n, alpha3, alpha2, numeric, name, region, subregion))
    without = len(rows) - len(pairs)
    notes = (
        f"{len(pairs)} countries have their M49 region from GLOTIP; {without} have none in the file",
        *glotip.notes[:1],
    )
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=notes, rows_read=len(rows))
