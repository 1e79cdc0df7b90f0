"""The Threefold layout of country reference data: the files shipped in ``reference/countries/``.

One small UTF-8 CSV per kind, in columns Threefold chose (ISO codes, ISO dates, values as published), and a
manifest, ``sources.json`` (checked against ``schema.json``), that says for every file where its facts come
from, when they were published and retrieved, and on what terms. The files are written by
``build_country_reference`` from the published files (never copied: only the facts Threefold needs, in its own
columns) and read here with the same all-or-nothing, line-numbered checks as the published files' readers, so
a hand edit that breaks a file is refused with its line. The same layouts are how an import brings lists that
have no published file (the regional instruments).

Each ``parse_*`` returns the row types of the published files' readers, so storing is the same code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import jsonschema

from threefold.countries.loaders import glotip, regions
from threefold.countries.loaders.criminalisation import CriminalisationRow, parse_level, parse_year
from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.glotip import AgeGroup, Dimension, GlotipRow, Indicator, Sex, parse_value
from threefold.countries.loaders.names import Country, resolve_code, resolve_country
from threefold.countries.loaders.regions import CountryRow, check_region
from threefold.countries.loaders.results import BadFileError, Parsed, Problem
from threefold.countries.loaders.tiers import TIER_SPELLINGS, Tier, TierRow, normalise_tier
from threefold.countries.loaders.treaties import OPENED_FOR_SIGNATURE, Action, Treaty, TreatyRow
from threefold.countries.loaders.walkfree import NotANumberError, WalkFreeRow, parse_prevalence, parse_whole

RowT = TypeVar("RowT")
MANIFEST = "sources.json"
SCHEMA = "schema.json"

COUNTRIES = (
    "alpha3",
    "alpha2",
    "numeric",
    "name",
    "m49_region_code",
    "m49_region",
    "m49_subregion_code",
    "m49_subregion",
)
TREATY = ("participant", "alpha3", "signed_on", "ratified_on", "action", "evidence")
TIERS = ("alpha3", "country_name", "year", "tier")
CRIMINALISATION = ("alpha3", "year", "level")
WALK_FREE = (
    "alpha3",
    "country_name",
    "walk_free_region",
    "population",
    "prevalence_per_1000",
    "estimated_number",
)
GLOTIP = ("alpha3", "country_name", "region", "subregion", "indicator", "year", "value", "source_row")
# The GLOTIP figures Threefold ships: national totals of three indicators (the full export is imported).
GLOTIP_INDICATORS = (Indicator.DETECTED_VICTIMS, Indicator.PERSONS_PROSECUTED, Indicator.PERSONS_CONVICTED)


# --- the manifest -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What ``sources.json`` says about one shipped file."""

    file: str
    kind: str
    title: str
    citation: str
    terms: str
    published: str  # the date of the facts as their publisher gives it: "2014-01", "2025-04-14"
    retrieved: str  # when Threefold derived this file
    complete: bool  # False: a list known to be partial ("to be completed by import")
    url: str = ""
    notes: tuple[str, ...] = ()


def schema(directory: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((directory / SCHEMA).read_text(encoding="utf-8"))
    return loaded


def read_manifest(directory: Path) -> dict[str, Entry]:
    """The manifest's entries by kind; BadFileError when it is missing, not JSON or not valid by the schema."""
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadFileError(f"{path}: no manifest; expected {MANIFEST} beside the reference files") from None
    except json.JSONDecodeError as exc:
        raise BadFileError(f"{path.name}: not JSON (line {exc.lineno}: {exc.msg})") from None
    errors = sorted(jsonschema.Draft202012Validator(schema(directory)).iter_errors(data), key=str)
    if errors:
        where = "/".join(str(part) for part in errors[0].absolute_path) or "(top)"
        raise BadFileError(f"{path.name}: {where}: {errors[0].message}")
    entries = {}
    for item in data["files"]:
        if item["kind"] in entries:
            raise BadFileError(f"{path.name}: two files of kind {item['kind']!r}")
        entries[item["kind"]] = Entry(
            file=item["file"],
            kind=item["kind"],
            title=item["title"],
            citation=item["citation"],
            terms=item["terms"],
            published=item["published"],
            retrieved=item["retrieved"],
            complete=item["complete"],
            url=item.get("url", ""),
            notes=tuple(item.get("notes", ())),
        )
    return entries


def write_manifest(
    directory: Path, entries: Iterable[dict[str, Any]], *, schema_dir: Path | None = None
) -> None:
    """Write ``sources.json`` (entries sorted by file), after checking it against the schema (in ``schema_dir``,
    by default beside it)."""
    files = sorted(entries, key=lambda entry: str(entry["file"]))
    data = {"$schema": f"./{SCHEMA}", "files": files}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    jsonschema.validate(data, schema(schema_dir or directory))
    (directory / MANIFEST).write_text(text, encoding="utf-8")


# --- reading ------------------------------------------------------------------------------------------------


def _read(
    path: Path, header: Sequence[str], read_line: Callable[[int, dict[str, str], list[str]], RowT | None]
) -> Parsed[RowT]:
    rows: list[RowT] = []
    problems: list[Problem] = []
    rows_read = 0
    for line, cells in read_csv(path, header):
        rows_read += 1
        if len(cells) != len(header):
            problems.append(Problem(line, f"expected {len(header)} cells, found {len(cells)}"))
            continue
        line_problems: list[str] = []
        row = read_line(line, dict(zip(header, (cell.strip() for cell in cells), strict=True)), line_problems)
        if line_problems or row is None:
            problems.extend(Problem(line, message) for message in line_problems or ["unreadable line"])
            continue
        rows.append(row)
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=(), rows_read=rows_read)


def _country(code: str, problems: list[str]) -> Country | None:
    country = resolve_code(code)
    if country is None:
        problems.append(f"unknown country code {code!r}")
    return country


def _date(text: str, label: str, problems: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label} {text!r} is not a date like 2005-11-03")
        return None


def _year(text: str, problems: list[str]) -> int:
    year = parse_year(text)
    if year is None:
        problems.append(f"year {text!r} is not a year")
        return 0
    return year


def _unique(rows: Parsed[RowT], key: Callable[[RowT], object], line: Callable[[RowT], int]) -> Parsed[RowT]:
    """The rows whose key is new; a repeated key is a problem on its line."""
    seen: dict[object, int] = {}
    kept, problems = [], list(rows.problems)
    for row in rows.rows:
        if key(row) in seen:
            problems.append(Problem(line(row), f"{key(row)} already on line {seen[key(row)]}"))
            continue
        seen[key(row)] = line(row)
        kept.append(row)
    return Parsed(tuple(kept), tuple(sorted(problems, key=lambda p: p.line)), rows.notes, rows.rows_read)


def parse_countries(path: Path) -> Parsed[CountryRow]:
    def read(line: int, cell: dict[str, str], problems: list[str]) -> CountryRow | None:
        country = _country(cell["alpha3"], problems)
        if country is not None and (country.alpha3, country.alpha2) != (cell["alpha3"], cell["alpha2"]):
            problems.append(f"{cell['alpha3']}/{cell['alpha2']} are not the codes of one country")
        if cell["m49_region"] or cell["m49_subregion"]:
            if why := check_region(cell["m49_region"], cell["m49_subregion"]):
                problems.append(why)
            for code, name in (
                (cell["m49_region_code"], cell["m49_region"]),
                (cell["m49_subregion_code"], cell["m49_subregion"]),
            ):
                if regions.M49_CODES.get(name) != code:
                    problems.append(f"M49 code {code!r} is not the code of {name!r}")
        if not cell["name"]:
            problems.append("no name")
        return CountryRow(
            line,
            cell["alpha3"],
            cell["alpha2"],
            cell["numeric"],
            cell["name"],
            cell["m49_region"],
            cell["m49_subregion"],
        )

    return _unique(_read(path, COUNTRIES, read), lambda row: row.alpha3, lambda row: row.line)


def parse_treaty(path: Path, treaty: Treaty) -> Parsed[TreatyRow]:
    opened = OPENED_FOR_SIGNATURE[treaty]

    def read(line: int, cell: dict[str, str], problems: list[str]) -> TreatyRow | None:
        if cell["alpha3"]:
            country = _country(cell["alpha3"], problems)
        else:  # only an entity without an ISO code (the European Union) may leave it empty
            country = resolve_country(cell["participant"])
            if country is None or country.has_iso_code:
                problems.append(f"{cell['participant']!r} needs its alpha-3 code")
                country = None
        signed = _date(cell["signed_on"], "signature", problems)
        ratified = _date(cell["ratified_on"], "ratification", problems)
        action: Action | None = None
        if ratified is not None:
            try:
                action = Action(cell["action"])
            except ValueError:
                problems.append(f"action {cell['action']!r} is not one of {', '.join(Action)}")
        elif cell["action"]:
            problems.append("an action without a ratification date")
        for label, day in (("signature", signed), ("ratification", ratified)):
            if day is not None and day < opened:
                problems.append(f"{label} {day} is before the treaty opened on {opened}")
        if signed and ratified and ratified < signed:
            problems.append(f"ratified {ratified} before signing {signed}")
        if signed is None and ratified is None:
            problems.append("neither a signature nor a ratification date")
        if not cell["participant"]:
            problems.append("no participant")
        if country is None:
            return None
        return TreatyRow(
            line, treaty, cell["participant"], country, signed, ratified, action, evidence=cell["evidence"]
        )

    return _unique(
        _read(path, TREATY, read), lambda row: row.country.alpha3 or row.participant, lambda row: row.line
    )


def parse_tiers(path: Path) -> Parsed[TierRow]:
    def read(line: int, cell: dict[str, str], problems: list[str]) -> TierRow | None:
        country = _country(cell["alpha3"], problems)
        year = _year(cell["year"], problems)
        tier = TIER_SPELLINGS.get(normalise_tier(cell["tier"]))
        if tier is None:
            problems.append(f"unknown tier {cell['tier']!r}")
        if country is None or tier is None:
            return None
        return TierRow(line, cell["country_name"] or country.name, country, year, tier)

    return _unique(_read(path, TIERS, read), lambda row: (row.country.alpha3, row.year), lambda row: row.line)


def parse_criminalisation(path: Path) -> Parsed[CriminalisationRow]:
    def read(line: int, cell: dict[str, str], problems: list[str]) -> CriminalisationRow | None:
        country = _country(cell["alpha3"], problems)
        year = _year(cell["year"], problems)
        level = parse_level(cell["level"])
        if level is None:
            problems.append(f"unknown level {cell['level']!r}")
        if country is None or level is None:
            return None
        return CriminalisationRow(line, country, year, level)

    return _unique(
        _read(path, CRIMINALISATION, read), lambda row: (row.country.alpha3, row.year), lambda row: row.line
    )


def parse_walk_free(path: Path) -> Parsed[WalkFreeRow]:
    def read(line: int, cell: dict[str, str], problems: list[str]) -> WalkFreeRow | None:
        country = _country(cell["alpha3"], problems)
        values: list[Any] = []
        for column, parse in (
            ("population", parse_whole),
            ("prevalence_per_1000", parse_prevalence),
            ("estimated_number", parse_whole),
        ):
            try:
                values.append(parse(cell[column]))
            except NotANumberError as exc:
                problems.append(f"{column}: {exc}")
                values.append(None)
        if (values[1] is None) != (values[2] is None):
            problems.append("the prevalence and the estimated number must both be given, or both blank")
        if country is None:
            return None
        return WalkFreeRow(
            line, cell["country_name"] or country.name, country, cell["walk_free_region"], *values
        )

    return _unique(_read(path, WALK_FREE, read), lambda row: row.country.alpha3, lambda row: row.line)


def parse_glotip_totals(path: Path) -> Parsed[GlotipRow]:
    def read(line: int, cell: dict[str, str], problems: list[str]) -> GlotipRow | None:
        country = _country(cell["alpha3"], problems)
        try:
            indicator = Indicator(cell["indicator"])
        except ValueError:
            problems.append(f"unknown indicator {cell['indicator']!r}")
            return None
        year = _year(cell["year"], problems)
        value = parse_value(cell["value"])
        if value is None:
            problems.append(f"value {cell['value']!r} is neither a count nor '<N'")
        if cell["region"] and (why := check_region(cell["region"], cell["subregion"])):
            problems.append(why)
        if country is None or value is None:
            return None
        return GlotipRow(
            line=line,
            country_name=cell["country_name"] or country.name,
            country=country,
            region=cell["region"],
            subregion=cell["subregion"],
            indicator=indicator,
            dimension=Dimension.TOTAL,
            category=glotip.TOTAL,
            sex=Sex.TOTAL,
            age=AgeGroup.TOTAL,
            year=year,
            unit="Counts",
            value=value.count,
            censored_below=value.censored_below,
            published_value=cell["value"],
        )

    return _unique(
        _read(path, GLOTIP, read),
        lambda row: (row.country.alpha3, row.indicator.value, row.year),
        lambda row: row.line,
    )


# --- writing (build_country_reference) ----------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else str(cell) for cell in row] for row in rows)
    return out.getvalue()


def countries_csv(rows: Iterable[CountryRow]) -> str:
    return _csv(
        COUNTRIES,
        (
            (r.alpha3, r.alpha2, r.numeric, r.name, r.region_code, r.region, r.subregion_code, r.subregion)
            for r in rows
        ),
    )


def treaty_csv(rows: Iterable[TreatyRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.country.alpha3 or "~", r.participant))
    return _csv(
        TREATY,
        (
            (
                r.participant,
                r.country.alpha3,
                r.signed_on,
                r.ratified_on,
                r.action.value if r.action else "",
                r.evidence,
            )
            for r in ordered
        ),
    )


def tiers_csv(rows: Iterable[TierRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.country.alpha3, r.year))
    return _csv(TIERS, ((r.country.alpha3, r.country_name, r.year, _tier_text(r.tier)) for r in ordered))


def _tier_text(tier: Tier) -> str:
    return {Tier.TIER_2_WATCH_LIST: "2 Watch List", Tier.SPECIAL_CASE: "Special Case"}.get(tier, tier.value)


def criminalisation_csv(rows: Iterable[CriminalisationRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.country.alpha3, r.year))
    return _csv(CRIMINALISATION, ((r.country.alpha3, r.year, r.level.value) for r in ordered))


def walk_free_csv(rows: Iterable[WalkFreeRow]) -> str:
    ordered = sorted(rows, key=lambda r: r.country.alpha3)
    return _csv(
        WALK_FREE,
        (
            (
                r.country.alpha3,
                r.country_name,
                r.region,
                r.population,
                _decimal(r.prevalence_per_1000),
                r.estimated_number,
            )
            for r in ordered
        ),
    )


def _decimal(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def glotip_totals(rows: Iterable[GlotipRow]) -> list[GlotipRow]:
    """The national totals of the three indicators Threefold ships, from a parsed export (rows with a code)."""
    return [
        row
        for row in rows
        if row.indicator in GLOTIP_INDICATORS
        and row.dimension is Dimension.TOTAL
        and row.category == glotip.TOTAL
        and row.sex is Sex.TOTAL
        and row.age is AgeGroup.TOTAL
        and row.country.has_iso_code
    ]


def glotip_csv(rows: Iterable[GlotipRow]) -> str:
    order = {indicator: n for n, indicator in enumerate(GLOTIP_INDICATORS)}
    ordered = sorted(rows, key=lambda r: (r.country.alpha3, order.get(r.indicator, 9), r.year, r.line))
    return _csv(
        GLOTIP,
        (
            (
                r.country.alpha3,
                r.country_name,
                r.region,
                r.subregion,
                r.indicator.value,
                r.year,
                r.published_value,
                r.line,
            )
            for r in ordered
        ),
    )
