"""Reader for the Walk Free Global Slavery Index 2023 country summary.

Layout (as compiled in github br04aman/Datathon; the header cells carry stray spaces)::

    Country,Population,Region,"Estimated prevalence of modern slavery per 1,000 population",
        Estimated number of people in modern slavery
    Afghanistan,"  38,928,000 ",Asia and the Pacific,13.0,"505,000"

Prevalence is an estimate per 1,000 people with one decimal, kept as a ``Decimal`` so 13.0 stays 13.0. Walk
Free publishes no estimate for some countries (20 in this file, small states mostly): both estimate cells are
blank, and the row is kept with no estimate, which a page shows as "no estimate", never as 0. The population
is "-" where Walk Free gives none. ``Region`` is Walk Free's own grouping (e.g. "Arab States"), not M49.

Checked per line: the name resolves (``names``), the numbers are numbers (thousands separated by commas),
the prevalence is from 0 to 1,000, the two estimates are both given or both blank, no country twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.names import Country, resolve_country
from threefold.countries.loaders.results import Parsed, Problem

HEADER = (
    "Country",
    "Population",
    "Region",
    "Estimated prevalence of modern slavery per 1,000 population",
    "Estimated number of people in modern slavery",
)
EDITION = 2023
_WHOLE = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")
_NONE = frozenset({"", "-"})


@dataclass(frozen=True)
class WalkFreeRow:
    line: int
    country_name: str  # as published
    country: Country
    region: str  # Walk Free's region
    population: int | None
    prevalence_per_1000: Decimal | None  # None: Walk Free gives no estimate
    estimated_number: int | None


class NotANumberError(ValueError):
    pass


def parse_whole(text: str) -> int | None:
    """ "38,928,000" -> 38928000; "" or "-" -> None; anything else raises NotANumberError."""
    text = text.strip()
    if text in _NONE:
        return None
    if not _WHOLE.fullmatch(text):
        raise NotANumberError(f"{text!r} is not a whole number")
    return int(text.replace(",", ""))


def parse_prevalence(text: str) -> Decimal | None:
    text = text.strip()
    if text in _NONE:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NotANumberError(f"{text!r} is not a number") from None
    if not value.is_finite() or not 0 <= value <= 1000:
        raise NotANumberError(f"prevalence {text!r} is not from 0 to 1,000 per 1,000")
    return value


def parse_walk_free(path: Path) -> Parsed[WalkFreeRow]:
    rows: list[WalkFreeRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows_read = 0
    for line, cells in read_csv(path, HEADER):
        rows_read += 1
        if len(cells) != len(HEADER):
            problems.append(Problem(line, f"expected {len(HEADER)} cells, found {len(cells)}"))
            continue
        name, population_text, region, prevalence_text, number_text = (cell.strip() for cell in cells)
        line_problems: list[str] = []
        country = resolve_country(name)
        if country is None:
            line_problems.append(f"unknown country {name!r}")
        elif country.alpha3 in seen:
            line_problems.append(f"{name} already on line {seen[country.alpha3]}")
        numbers: list[int | Decimal | None] = []
        for label, text, parse in (
            ("population", population_text, parse_whole),
            ("prevalence", prevalence_text, parse_prevalence),
            ("estimated number", number_text, parse_whole),
        ):
            try:
                numbers.append(parse(text))
            except NotANumberError as exc:
                line_problems.append(f"{label}: {exc}")
                numbers.append(None)
        population, prevalence, number = numbers
        if (prevalence_text.strip() in _NONE) != (number_text.strip() in _NONE):
            line_problems.append("the prevalence and the estimated number must both be given, or both blank")
        if line_problems or country is None:
            problems.extend(Problem(line, message) for message in line_problems)
            continue
        seen[country.alpha3] = line
        rows.append(
            WalkFreeRow(
                line=line,
                country_name=name,
                country=country,
                region=region,
                population=population if isinstance(population, int) else None,
                prevalence_per_1000=prevalence if isinstance(prevalence, Decimal) else None,
                estimated_number=number if isinstance(number, int) else None,
            )
        )
    missing = sum(1 for row in rows if row.prevalence_per_1000 is None)
    notes = (
        (f"{missing} countries without an estimate (both cells blank): kept as 'no estimate'",)
        if missing
        else ()
    )
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=notes, rows_read=rows_read)
