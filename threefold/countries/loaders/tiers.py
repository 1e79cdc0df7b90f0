"""Reader for US State Department TIP Report tiers by country and year (Heiss, "From the Trenches", 1999-2015).

Layout::

    "countryname","iso","year","ccode","tier"
    "Afghanistan","AFG",2010,700,"Watchlist    "

``ccode`` (Correlates of War code) is not kept: ISO codes are what the rest of Threefold joins on.
The file pads tiers with spaces ("Tier 2    ") and spells the Tier 2 Watch List "Watchlist"; ``TIER_SPELLINGS``
accepts those and the report's own forms ("Tier 2 Watch List", "2WL", "Special Case"). ``NA`` means the
country was not ranked that year (no report before 2001, countries added later): such lines are not stored,
only counted in a note, so "no row" always means "not ranked".

Checked per line: the name resolves, and to the same country as the ``iso`` column (the file's ``KOS`` for
Kosovo is read as ``XKX``, see ``names``); the year is a whole number from 1999 (the first report year of the
data) to 2100; the tier is a known spelling; a country has one tier per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.names import Country, resolve_code, resolve_country
from threefold.countries.loaders.results import Parsed, Problem


class Tier(StrEnum):
    TIER_1 = "1"
    TIER_2 = "2"
    TIER_2_WATCH_LIST = "2wl"
    TIER_3 = "3"
    SPECIAL_CASE = "special"  # countries the report describes but does not rank (e.g. in armed conflict)


HEADER = ("countryname", "iso", "year", "ccode", "tier")
NOT_RANKED = "na"
FIRST_YEAR, LAST_YEAR = 1999, 2100
# Normalised spelling (lower case, single spaces, "tier " prefix removed) -> tier.
TIER_SPELLINGS: dict[str, Tier] = {
    "1": Tier.TIER_1,
    "2": Tier.TIER_2,
    "2 watch list": Tier.TIER_2_WATCH_LIST,
    "2 watchlist": Tier.TIER_2_WATCH_LIST,
    "2wl": Tier.TIER_2_WATCH_LIST,
    "watch list": Tier.TIER_2_WATCH_LIST,
    "watchlist": Tier.TIER_2_WATCH_LIST,
    "3": Tier.TIER_3,
    "special case": Tier.SPECIAL_CASE,
    "special": Tier.SPECIAL_CASE,
}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class TierRow:
    line: int
    country_name: str  # as published
    country: Country
    year: int
    tier: Tier


def normalise_tier(text: str) -> str:
    spelling = _SPACES.sub(" ", text).strip().casefold()
    return spelling.removeprefix("tier ").strip()


def parse_tip_tiers(path: Path) -> Parsed[TierRow]:
    rows: list[TierRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int], int] = {}
    not_ranked = 0
    rows_read = 0
    for line, cells in read_csv(path, HEADER):
        rows_read += 1
        if len(cells) != len(HEADER):
            problems.append(Problem(line, f"expected {len(HEADER)} cells, found {len(cells)}"))
            continue
        name, code, year_text, _ccode, tier_text = (cell.strip() for cell in cells)
        line_problems: list[str] = []
        country = resolve_country(name)
        if country is None:
            line_problems.append(f"unknown country {name!r}")
        elif code and country != resolve_code(code):
            line_problems.append(
                f"{name!r} is {country.alpha3 or 'not an ISO country'}, but the iso column says {code!r}"
            )
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            line_problems.append(f"year {year_text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
        spelling = normalise_tier(tier_text)
        if spelling == NOT_RANKED:
            # Not stored either way; but an unknown country is still reported, never silently dropped.
            problems.extend(Problem(line, message) for message in line_problems)
            not_ranked += not line_problems
            continue
        tier = TIER_SPELLINGS.get(spelling)
        if tier is None:
            line_problems.append(f"unknown tier {tier_text!r}")
        if country is not None and year is not None and (country.alpha3 or name, year) in seen:
            line_problems.append(f"{name} {year} already on line {seen[(country.alpha3 or name, year)]}")
        if line_problems or country is None or year is None or tier is None:
            problems.extend(Problem(line, message) for message in line_problems)
            continue
        seen[(country.alpha3 or name, year)] = line
        rows.append(TierRow(line=line, country_name=name, country=country, year=year, tier=tier))
    notes = (f"{not_ranked} lines with tier NA (not ranked that year) are not stored",) if not_ranked else ()
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=notes, rows_read=rows_read)
