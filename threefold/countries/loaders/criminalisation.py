"""Reader for the criminalisation of trafficking by country (Kelley, *Scorecard Diplomacy* data, "map" file).

Layout::

    iso3,year,ccode,crim,crim_level
    ALB,2001,339,2,Full criminalization

The file holds two snapshots, 2001 and 2014, not a year of criminalisation: what a page can say is the level in
each snapshot ("full by 2001", "full between 2001 and 2014", "not full by 2014"), never an exact year. ``crim``
is the level as a number (0 none, 1 partial, 2 full) and is ``NA`` on many 2014 lines; ``crim_level`` (padded
with spaces) is always given and is what is read. Where both are given they must agree. ``ccode`` (Correlates of
War) is not kept.

Checked per line: the code resolves (``names.resolve_code``), the year is a whole number from 1990 to 2100, the
level is a known spelling, and a country has one level per year. A line that repeats an earlier one exactly
(the file has Somalia twice in each year) is skipped with a note; a repeat that disagrees is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.names import Country, resolve_code
from threefold.countries.loaders.results import Parsed, Problem


class Level(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


HEADER = ("iso3", "year", "ccode", "crim", "crim_level")
FIRST_YEAR, LAST_YEAR = 1990, 2100
LEVEL_SPELLINGS: dict[str, Level] = {
    "no criminalization": Level.NONE,
    "partial criminalization": Level.PARTIAL,
    "full criminalization": Level.FULL,
    # The Threefold layout (loaders.shipped) writes the level itself.
    "none": Level.NONE,
    "partial": Level.PARTIAL,
    "full": Level.FULL,
}
LEVEL_NUMBERS: dict[str, Level] = {"0": Level.NONE, "1": Level.PARTIAL, "2": Level.FULL}


@dataclass(frozen=True)
class CriminalisationRow:
    line: int
    country: Country
    year: int
    level: Level


def parse_level(text: str) -> Level | None:
    return LEVEL_SPELLINGS.get(" ".join(text.split()).casefold())


def parse_year(text: str) -> int | None:
    year = int(text) if text.strip().isdigit() else None
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def parse_criminalisation(path: Path) -> Parsed[CriminalisationRow]:
    rows: list[CriminalisationRow] = []
    problems: list[Problem] = []
    notes: list[str] = []
    seen: dict[tuple[str, int], tuple[int, Level]] = {}
    rows_read = 0
    for line, cells in read_csv(path, HEADER):
        rows_read += 1
        if len(cells) != len(HEADER):
            problems.append(Problem(line, f"expected {len(HEADER)} cells, found {len(cells)}"))
            continue
        code, year_text, _ccode, number, level_text = (cell.strip() for cell in cells)
        line_problems: list[str] = []
        country = resolve_code(code)
        if country is None:
            line_problems.append(f"unknown country code {code!r}")
        year = parse_year(year_text)
        if year is None:
            line_problems.append(f"year {year_text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
        level = parse_level(level_text)
        if level is None:
            line_problems.append(f"unknown level {level_text!r}")
        elif number.upper() not in ("", "NA") and LEVEL_NUMBERS.get(number) is not level:
            line_problems.append(f"crim {number!r} disagrees with crim_level {level_text!r}")
        if line_problems or country is None or year is None or level is None:
            problems.extend(Problem(line, message) for message in line_problems)
            continue
        key = (country.alpha3, year)
        if key in seen:
            first_line, first_level = seen[key]
            if first_level is level:
                notes.append(f"line {line} repeats line {first_line} ({code} {year}); read once")
            else:
                problems.append(
                    Problem(line, f"{code} {year} is {level} here but {first_level} on line {first_line}")
                )
            continue
        seen[key] = (line, level)
        rows.append(CriminalisationRow(line=line, country=country, year=year, level=level))
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=tuple(notes), rows_read=rows_read)
