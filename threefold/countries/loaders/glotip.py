"""Reader for the UNODC Global Report on Trafficking in Persons (GLOTIP) country data export (.xlsx).

Layout of the data portal export (checked on the 14 Apr 2025 export, 58,769 data rows)::

    row 1   UNODC                      banner
    row 2   14/04/2025                 export date, DD/MM/YYYY
    row 3   Iso3_code | Country | Region | Subregion | Indicator | Dimension | Category | Sex | Age | Year |
            Unit of measurement | txtVALUE | Source
    row 4+  one figure per row

The value is text: ``"103"``, ``"1,234"`` or ``"<5"``. ``<5`` is a count UNODC suppressed because it is
small. It is kept as censored (value None, ``censored_below`` 5), never as 0: reading it as 0 would
understate every small country's figures, and the export has no zeros at all (a true zero is either left
out or inside ``<5``; UNODC does not say which).

Vocabulary: ``Indicator``, ``Dimension``, ``Sex`` and ``AgeGroup`` list every value found; a value outside
them is a problem (a new UNODC category should be looked at, not stored blindly). ``Category`` is free text:
the form of exploitation for the ``by form of exploitation`` dimension, a citizenship or a country of
repatriation (as each country reported it, in several languages, e.g. "Romanian", "Ciudadanos de su país"),
or "Total"; it is kept as published ("" when blank, 110 rows). Region and subregion are kept as published.

Kept as found, on purpose: the export repeats some keys (country, indicator, dimension, category, sex, age,
year) with different values (e.g. 1,216 rows on 492 keys), so every row is kept with its row number and the
reader only notes the repetition; and some values are questionnaire artefacts (category "Q6.1_10s_2019",
value 61,102,019), which are real cells of the published file.

Countries: the ``Country`` name must resolve (see ``names``) and agree with ``Iso3_code``, which may be empty
only for an entity without an ISO code: Sark (26 rows), kept with empty codes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from threefold.countries.loaders.names import Country, resolve_code, resolve_country
from threefold.countries.loaders.results import BadFileError, Parsed, Problem


class Indicator(StrEnum):
    DETECTED_VICTIMS = "Detected trafficking victims"
    PERSONS_CONVICTED = "Persons convicted"
    PERSONS_PROSECUTED = "Persons prosecuted"
    PERSONS_IN_FORMAL_CONTACT = "Persons brought into formal contact"
    OFFENCES = "Offences of trafficking in persons"


class Dimension(StrEnum):
    TOTAL = "Total"
    FORM_OF_EXPLOITATION = "by form of exploitation"
    CITIZENSHIP = "by citizenship"
    COUNTRY_OF_REPATRIATION = "by country of repatriation"


class Sex(StrEnum):
    TOTAL = "Total"
    FEMALE = "Female"
    MALE = "Male"
    OTHER = "Other"
    UNKNOWN = "Unknown"


class AgeGroup(StrEnum):
    TOTAL = "Total"
    ADULTS = "18 years or over"
    CHILDREN = "0 to 17 years"
    UNKNOWN = "Unknown"


TOTAL = "Total"  # the Category of every row that is not broken down
BANNER = "UNODC"
HEADER = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
HEADER_ROW = 3
PROGRESS_EVERY = 10_000  # rows between two on_progress calls
UNITS = frozenset({"Counts"})
FIRST_YEAR, LAST_YEAR = 1990, 2100
_CENSORED = re.compile(r"<\s*(\d+)")
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")
_EXPORT_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
VocabularyT = TypeVar("VocabularyT", bound=StrEnum)


@dataclass(frozen=True)
class GlotipRow:
    line: int  # row number in the sheet
    country_name: str  # as published
    country: Country
    region: str
    subregion: str
    indicator: Indicator
    dimension: Dimension
    category: str
    sex: Sex
    age: AgeGroup
    year: int
    unit: str
    value: int | None  # None exactly when censored
    censored_below: int | None  # 5 for "<5": the true count is below this
    published_value: str  # txtVALUE as published, e.g. "<5", "1,234"


@dataclass(frozen=True)
class Value:
    count: int | None
    censored_below: int | None


def parse_value(text: str) -> Value | None:
    """ "1,234" -> 1234; "<5" -> censored below 5; anything else -> None (a problem for the caller)."""
    text = text.strip()
    if match := _CENSORED.fullmatch(text):
        bound = int(match[1])
        return Value(count=None, censored_below=bound) if bound >= 1 else None  # "<0" means nothing
    if _COUNT.fullmatch(text):
        return Value(count=int(text.replace(",", "")), censored_below=None)
    return None


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _open_rows(path: Path) -> Generator[tuple[Any, ...], None, None]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise BadFileError(
            f"{path.name}: not an .xlsx workbook ({exc}); expected the UNODC GLOTIP export"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # The export declares its size as A1:A1; in read-only mode openpyxl believes it and yields one cell.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _check_banner_and_header(path: Path, first_rows: list[tuple[Any, ...]]) -> dt.date:
    """The export date, after checking rows 1-3; raises BadFileError naming what was expected."""
    found = [[cell for cell in row if cell is not None] for row in first_rows]
    while len(found) < HEADER_ROW:
        found.append([])
    if [_cell_text(cell) for cell in found[0]] != [BANNER]:
        raise BadFileError(f"{path.name}: row 1 should be the banner {BANNER!r}, found {found[0]}")
    if len(found[1]) == 1 and isinstance(found[1][0], dt.date):  # a re-saved file may hold a real date
        return _check_header(path, first_rows, found[1][0])
    export = _EXPORT_DATE.fullmatch(_cell_text(found[1][0])) if len(found[1]) == 1 else None
    if export is None:
        raise BadFileError(f"{path.name}: row 2 should be the export date as DD/MM/YYYY, found {found[1]}")
    try:
        export_date = dt.date(int(export[3]), int(export[2]), int(export[1]))
    except ValueError:
        raise BadFileError(f"{path.name}: row 2 export date {found[1][0]!r} is not a real date") from None
    return _check_header(path, first_rows, export_date)


def _check_header(path: Path, first_rows: list[tuple[Any, ...]], export_date: dt.date) -> dt.date:
    header = [_cell_text(cell) for cell in first_rows[2]] if len(first_rows) >= HEADER_ROW else []
    while header and not header[-1]:
        header.pop()
    if header != list(HEADER):
        raise BadFileError(
            f"{path.name}: row {HEADER_ROW} should be the header {list(HEADER)}, found {header}"
        )
    return export_date.date() if isinstance(export_date, dt.datetime) else export_date


def _vocabulary(kind: type[VocabularyT], text: str, label: str, problems: list[str]) -> VocabularyT | None:
    try:
        return kind(text)
    except ValueError:
        problems.append(f"unknown {label} {text!r}")
        return None


def _resolve(code: str, name: str) -> tuple[Country | None, str]:
    """The country of a row and "" , or None and why not; the code must agree with the name when given."""
    country = resolve_country(name)
    if country is None:
        return None, f"unknown country {name!r}"
    if (code and country != resolve_code(code)) or (not code and country.has_iso_code):
        return None, f"{name!r} is {country.alpha3 or 'not an ISO country'}, Iso3_code says {code!r}"
    return country, ""


def parse_glotip(path: Path, on_progress: Callable[[int], None] | None = None) -> Parsed[GlotipRow]:
    """Read the export. ``on_progress(rows_read)`` is called every PROGRESS_EVERY rows (the file takes ~15 s)."""
    rows_iter = _open_rows(path)
    try:
        return _parse_rows(path, rows_iter, on_progress)
    finally:
        rows_iter.close()  # closes the workbook even when the banner or header is refused


def _parse_rows(
    path: Path, rows_iter: Iterator[tuple[Any, ...]], on_progress: Callable[[int], None] | None
) -> Parsed[GlotipRow]:
    first_rows = [row for _, row in zip(range(HEADER_ROW), rows_iter, strict=False)]
    export_date = _check_banner_and_header(path, first_rows)
    rows: list[GlotipRow] = []
    problems: list[Problem] = []
    keys: Counter[tuple[str, ...]] = Counter()
    resolved: dict[tuple[str, str], tuple[Country | None, str]] = {}  # 199 countries, 58,769 rows
    rows_read = 0
    for line, raw in enumerate(rows_iter, start=HEADER_ROW + 1):
        cells = [_cell_text(cell) for cell in raw[: len(HEADER)]]
        if not any(cells):
            continue
        rows_read += 1
        if on_progress is not None and rows_read % PROGRESS_EVERY == 0:
            on_progress(rows_read)
        cells += [""] * (len(HEADER) - len(cells))
        code, name, region, subregion, indicator_text, dimension_text, category = cells[:7]
        sex_text, age_text, year_text, unit, value_text, _source = cells[7:]
        line_problems: list[str] = []
        if (code, name) not in resolved:
            resolved[(code, name)] = _resolve(code, name)
        country, country_problem = resolved[(code, name)]
        if country_problem:
            line_problems.append(country_problem)
        indicator = _vocabulary(Indicator, indicator_text, "indicator", line_problems)
        dimension = _vocabulary(Dimension, dimension_text, "dimension", line_problems)
        sex = _vocabulary(Sex, sex_text, "sex", line_problems)
        age = _vocabulary(AgeGroup, age_text, "age group", line_problems)
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            line_problems.append(f"year {year_text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
        if unit not in UNITS:
            line_problems.append(f"unknown unit of measurement {unit!r}")
        value = parse_value(value_text)
        if value is None:
            line_problems.append(f"value {value_text!r} is neither a count nor '<N'")
        if (
            line_problems
            or country is None
            or indicator is None
            or dimension is None
            or sex is None
            or age is None
            or year is None
            or value is None
        ):
            problems.extend(Problem(line, message) for message in line_problems)
            continue
        keys[(name, indicator, dimension, category, sex, age, str(year))] += 1
        rows.append(
            GlotipRow(
                line=line,
                country_name=name,
                country=country,
                region=region,
                subregion=subregion,
                indicator=indicator,
                dimension=dimension,
                category=category,
                sex=sex,
                age=age,
                year=year,
                unit=unit,
                value=value.count,
                censored_below=value.censored_below,
                published_value=value_text,
            )
        )
    notes = [f"export dated {export_date.isoformat()}"]
    repeated = {key: n for key, n in keys.items() if n > 1}
    if repeated:
        notes.append(
            f"{sum(repeated.values())} rows repeat {len(repeated)} keys (country, indicator, dimension, category, "
            "sex, age, year); all are kept with their row numbers, as published"
        )
    no_code = sorted({row.country_name for row in rows if not row.country.has_iso_code})
    if no_code:
        notes.append(f"kept with no ISO 3166-1 code: {', '.join(no_code)}")
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=tuple(notes), rows_read=rows_read)
