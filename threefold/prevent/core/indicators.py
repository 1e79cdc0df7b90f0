"""Reading area indicators from a long CSV: ``area_code,indicator,year,value[,source]``.

``indicator`` is one of the fixed kinds (``poverty_rate``, ``out_of_school_rate``, ``unemployment_rate``,
``out_migration_rate``: percentages, 0 to 100) or ``custom:<label>`` for anything else (any finite number). One
value per area, indicator and year; the area must exist. Read whole: stored only without problems.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from threefold.countries.loaders.results import Parsed, Problem
from threefold.prevent.core.csvfile import read_csv
from threefold.prevent.core.text import problem_with_text
from threefold.prevent.core.vocabulary import CUSTOM, RATE_KINDS

REQUIRED = ("area_code", "indicator", "year", "value")
OPTIONAL = ("source",)
YEARS = range(1950, 2101)
MAX_ABS_VALUE = 1e12
EXAMPLE = (
    "area_code,indicator,year,value,source\n"
    "D01,poverty_rate,2024,31.5,National household survey 2024\n"
    "D01,out_of_school_rate,2024,12,Ministry of Education\n"
    "D02,poverty_rate,2024,18.2,National household survey 2024\n"
    "D02,custom:Girls married before 18 (%),2023,9.5,DHS 2023\n"
)


@dataclass(frozen=True)
class IndicatorRow:
    area_code: str
    kind: str
    label: str  # the custom indicator's name; "" for the fixed kinds
    year: int
    value: float
    source: str


def split_indicator(text: str) -> tuple[str, str] | str:
    """(kind, label) for an indicator column, or why it is not one."""
    if text in RATE_KINDS:
        return text, ""
    prefix, colon, label = text.partition(":")
    if colon and prefix.strip().lower() == CUSTOM:
        label = label.strip()
        if (why := problem_with_text(label, limit=120, required=True)) is not None:
            return f"the custom indicator's label {why}"
        return CUSTOM, label
    return f"indicator must be one of {', '.join(RATE_KINDS)} or custom:<label>"


def parse_indicators(data: bytes, area_codes: Collection[str]) -> Parsed[IndicatorRow]:
    known = set(area_codes)
    rows: list[IndicatorRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    read = 0
    for record in read_csv(data, REQUIRED, OPTIONAL):
        read += 1
        v, line = record.values, record.line
        found: list[str] = []
        if record.extra_cells:
            found.append(f"{record.extra_cells} cell(s) more than the header has")
        code = v["area_code"]
        if code not in known:
            found.append(f"area_code {code[:50]!r} is not one of your areas (import the areas first)")
        indicator = split_indicator(v["indicator"])
        if isinstance(indicator, str):
            found.append(indicator)
        year_text = v["year"]
        year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) == 4 else None
        if year is None or year not in YEARS:
            found.append(f"year must be a year from {YEARS.start} to {YEARS.stop - 1}")
        value = _number(v["value"])
        if value is None:
            found.append("value must be a number (a dot for decimals, no thousands separator)")
        elif isinstance(indicator, tuple) and indicator[0] in RATE_KINDS and not 0 <= value <= 100:
            found.append("a rate is a percentage from 0 to 100")
        source = v.get("source", "")
        if (why := problem_with_text(source, limit=300)) is not None:
            found.append(f"source {why}")
        if not found and isinstance(indicator, tuple) and year is not None and value is not None:
            key = (code, *indicator, year)
            if key in seen:
                found.append(f"the same area, indicator and year is already on line {seen[key]}")
            else:
                seen[key] = line
                rows.append(IndicatorRow(code, indicator[0], indicator[1], year, value, source))
        if found:
            problems.append(Problem(line, "; ".join(found)))
    return Parsed(tuple(rows), tuple(problems), (), read)


def _number(text: str) -> float | None:
    if not text or len(text) > 40 or not text.isascii():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE or "_" in text:
        return None
    return value
