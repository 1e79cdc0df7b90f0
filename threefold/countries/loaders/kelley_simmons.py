"""Reader for Kelley & Simmons' ratification years of the Palermo Protocol and UNTOC, used only to cross-check
the UN Treaty Collection status (AJPS 2014 replication data).

Layout::

    name,cowcode,un_ccode,protocol_ratification_year,untoc_ratification_year
    Afghanistan,700,1,2012.0,2003.0

Names are Correlates of War abbreviations ("CentralAfRep", "St.Kitts&Nevis", the typo "Madagasgar"), read
through ``KS_NAMES``. The year 2012 is the authors' censoring value: not ratified within their period of
observation. The UNTC status is the record; this file is a second pair of eyes: ``cross_check`` lists every
country where the two disagree, for a person to look at, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.names import Country, normalise, resolve_code, resolve_country
from threefold.countries.loaders.results import Parsed, Problem
from threefold.countries.loaders.treaties import Treaty, TreatyRow

HEADER = ("name", "cowcode", "un_ccode", "protocol_ratification_year", "untoc_ratification_year")
CENSORED_YEAR = 2012
# Normalised spelling in this file -> ISO 3166-1 alpha-3.
KS_NAMES: dict[str, str] = {
    "antigua&barbuda": "ATG",
    "bosniaandherz": "BIH",
    "burkinafaso": "BFA",
    "burma": "MMR",
    "capeverde": "CPV",
    "centralafrep": "CAF",
    "congo (brazzaville; rep)": "COG",
    "congo, demrep (zaire)": "COD",
    "costarica": "CRI",
    "cote d\x92ivoire": "CIV",  # a Windows-1252 apostrophe kept as U+0092 by the export
    "czechrep": "CZE",
    "domrep": "DOM",
    "elsalvador": "SLV",
    "eqguinea": "GNQ",
    "kyrgyzrep": "KGZ",
    "macedonia": "MKD",
    "madagasgar": "MDG",
    "marshallis": "MHL",
    "micronesia": "FSM",
    "newzealand": "NZL",
    "papuang": "PNG",
    "saot&p": "STP",
    "saudiarabia": "SAU",
    "sierraleone": "SLE",
    "slovakrep": "SVK",
    "solomanis": "SLB",
    "southafrica": "ZAF",
    "srilanka": "LKA",
    "st.kitts&nevis": "KNA",
    "st.lucia": "LCA",
    "st.vincent": "VCT",
    "surinam": "SUR",
    "trin&tobago": "TTO",
    "uarabemir": "ARE",
    "uk": "GBR",
    "us": "USA",
    "yemenar": "YEM",  # Correlates of War code 679: Yemen since 1990
}


@dataclass(frozen=True)
class RatificationYears:
    line: int
    name: str  # as published
    country: Country
    protocol_year: int | None  # CENSORED_YEAR: not ratified in the authors' period
    untoc_year: int | None


@dataclass(frozen=True)
class Disagreement:
    alpha3: str
    treaty: Treaty
    kelley_simmons_year: int | None
    untc_date: dt.date | None  # None: not a party in the UNTC file

    def __str__(self) -> str:
        untc = self.untc_date.isoformat() if self.untc_date else "not a party"
        ks = (
            "censored (not by the end of their data)"
            if self.kelley_simmons_year == CENSORED_YEAR
            else (str(self.kelley_simmons_year) if self.kelley_simmons_year else "no year")
        )
        return f"{self.alpha3} {self.treaty.value}: UNTC {untc}; Kelley & Simmons {ks}"


def resolve_ks_name(name: str) -> Country | None:
    key = normalise(name)
    if key in KS_NAMES:
        return resolve_code(KS_NAMES[key])
    return resolve_country(name)


def _year(text: str) -> int | None:
    text = text.strip()
    if text in ("", "NA"):
        return None
    number = float(text)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def parse_kelley_simmons(path: Path) -> Parsed[RatificationYears]:
    rows: list[RatificationYears] = []
    problems: list[Problem] = []
    rows_read = 0
    for line, cells in read_csv(path, HEADER):
        rows_read += 1
        if len(cells) != len(HEADER):
            problems.append(Problem(line, f"expected {len(HEADER)} cells, found {len(cells)}"))
            continue
        name, _cow, _un, protocol_text, untoc_text = cells
        country = resolve_ks_name(name)
        try:
            protocol_year, untoc_year = _year(protocol_text), _year(untoc_text)
        except ValueError as exc:
            problems.append(Problem(line, f"{exc} is not a year"))
            continue
        if country is None:
            problems.append(Problem(line, f"unknown country {name!r}"))
            continue
        rows.append(RatificationYears(line, name.strip(), country, protocol_year, untoc_year))
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=(), rows_read=rows_read)


def cross_check(
    years: Iterable[RatificationYears], protocol: Iterable[TreatyRow], untoc: Iterable[TreatyRow]
) -> list[Disagreement]:
    """Where the UNTC status and Kelley & Simmons disagree: a UNTC party before 2012 must have that year, any
    other country the censoring year 2012."""
    untc = {
        Treaty.PROTOCOL: {row.country.alpha3: row.ratified_on for row in protocol if row.country.alpha3},
        Treaty.UNTOC: {row.country.alpha3: row.ratified_on for row in untoc if row.country.alpha3},
    }
    found = []
    for row in years:
        for treaty, year in ((Treaty.PROTOCOL, row.protocol_year), (Treaty.UNTOC, row.untoc_year)):
            ratified = untc[treaty].get(row.country.alpha3)
            expected = (
                ratified.year if ratified is not None and ratified.year < CENSORED_YEAR else CENSORED_YEAR
            )
            if year != expected:
                found.append(Disagreement(row.country.alpha3, treaty, year, ratified))
    return sorted(found, key=lambda d: (d.alpha3, d.treaty.value))
