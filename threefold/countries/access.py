"""Reads of the country reference data for the statistics and advocacy modules.

Public facts, so no actor is needed; reads still go through here so callers get plain frozen values (never
model instances they could save) and every value carries what is needed to cite it. Country arguments are
ISO 3166-1 alpha-3 codes, upper or lower case; an unknown code simply has no data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from threefold.countries.loaders.glotip import TOTAL, AgeGroup, Dimension, Indicator, Sex
from threefold.countries.loaders.names import resolve_code
from threefold.countries.loaders.regions import iso_countries
from threefold.countries.models import (
    Country,
    Criminalisation,
    CriminalisationLevel,
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    TipTierChoice,
    Treaty,
    TreatyAction,
    TreatyStatus,
    WalkFreeEstimate,
)


@dataclass(frozen=True)
class SourceInfo:
    kind: str
    file_name: str
    sha256: str
    loaded_at: dt.datetime
    citation: str
    terms: str


@dataclass(frozen=True)
class TreatyPosition:
    treaty: Treaty
    participant: str  # as published by the UN
    signed_on: dt.date | None
    ratified_on: dt.date | None  # the date it became a party, however it did
    action: TreatyAction | None

    @property
    def is_party(self) -> bool:
        return self.ratified_on is not None


@dataclass(frozen=True)
class TierYear:
    year: int
    tier: TipTierChoice


@dataclass(frozen=True)
class GlotipPoint:
    year: int
    value: int | None  # None when suppressed: the count is then below censored_below ("<5": at most 4)
    censored_below: int | None
    line: int  # row in the source file: the export repeats some keys, and this tells the repeats apart

    @property
    def is_censored(self) -> bool:
        return self.value is None


def source(kind: SourceKind) -> SourceInfo | None:
    """Where the loaded data of a kind came from, to cite it; None if nothing of that kind is loaded."""
    found = ReferenceSource.objects.filter(kind=kind).first()
    if found is None:
        return None
    return SourceInfo(
        kind=found.kind,
        file_name=found.file_name,
        sha256=found.sha256,
        loaded_at=found.loaded_at,
        citation=found.citation,
        terms=found.terms,
    )


def treaty_status(alpha3: str) -> dict[Treaty, TreatyPosition]:
    """The country's position on each treaty it appears in (a treaty it never signed is absent)."""
    rows = TreatyStatus.objects.filter(country_alpha3=alpha3.upper())
    return {
        Treaty(row.treaty): TreatyPosition(
            treaty=Treaty(row.treaty),
            participant=row.participant,
            signed_on=row.signed_on,
            ratified_on=row.ratified_on,
            action=TreatyAction(row.action) if row.action else None,
        )
        for row in rows
    }


def treaty_parties(treaty: Treaty, on: dt.date | None = None) -> list[str]:
    """Alpha-3 codes of the states party to a treaty (on a date, if given), sorted. The EU has no code."""
    rows = TreatyStatus.objects.filter(treaty=treaty, ratified_on__isnull=False).exclude(country_alpha3="")
    if on is not None:
        rows = rows.filter(ratified_on__lte=on)
    return sorted(rows.values_list("country_alpha3", flat=True))


def tip_tiers(alpha3: str) -> list[TierYear]:
    """The country's TIP Report tier by year; a year without a row is a year it was not ranked."""
    rows = TipTier.objects.filter(country_alpha3=alpha3.upper()).order_by("year")
    return [TierYear(year=row.year, tier=TipTierChoice(row.tier)) for row in rows]


def glotip_series(
    alpha3: str,
    indicator: Indicator,
    *,
    dimension: Dimension = Dimension.TOTAL,
    category: str = TOTAL,
    sex: Sex = Sex.TOTAL,
    age: AgeGroup = AgeGroup.TOTAL,
) -> list[GlotipPoint]:
    """One GLOTIP series of a country by year (totals unless broken down), censored counts kept as such.

    Ordered by year, then row: where the export repeats a year, every published value is returned.
    """
    rows = GlotipFigure.objects.filter(
        country_alpha3=alpha3.upper(),
        indicator=indicator,
        dimension=dimension,
        category=category,
        sex=sex,
        age=age,
    ).order_by("year", "line")
    return [
        GlotipPoint(year=row.year, value=row.value, censored_below=row.censored_below, line=row.line)
        for row in rows
    ]


# --- Reference data added for the country pages (issue 7) ------------------------------------------------------


@dataclass(frozen=True)
class LoadedSource:
    """A loaded kind of reference data, with everything a page needs to cite it."""

    kind: str
    label: str  # the kind's name, translated
    file_name: str
    loaded_at: dt.datetime
    citation: str
    terms: str
    published: str  # the date of the facts as published, "" when unknown
    shipped: bool
    complete: bool
    notes: tuple[str, ...]


@dataclass(frozen=True)
class CountryInfo:
    alpha3: str
    alpha2: str
    numeric: str
    name: str
    region: str  # M49; "" when no loaded source gives it
    region_code: str
    subregion: str
    subregion_code: str


@dataclass(frozen=True)
class CriminalisationYear:
    year: int
    level: CriminalisationLevel


@dataclass(frozen=True)
class WalkFree:
    edition: int
    country_name: str
    region: str  # Walk Free's own region
    population: int | None
    prevalence_per_1000: Decimal | None  # None: Walk Free gives no estimate
    estimated_number: int | None


def sources() -> dict[str, LoadedSource]:
    """Every loaded kind, by kind value."""
    return {
        row.kind: LoadedSource(
            kind=row.kind,
            label=str(row.get_kind_display()),
            file_name=row.file_name,
            loaded_at=row.loaded_at,
            citation=row.citation,
            terms=row.terms,
            published=row.published,
            shipped=row.shipped,
            complete=row.complete,
            notes=tuple(str(note) for note in row.notes),
        )
        for row in ReferenceSource.objects.all()
    }


def _info(row: Country) -> CountryInfo:
    return CountryInfo(
        row.alpha3,
        row.alpha2,
        row.numeric,
        row.name,
        row.region,
        row.region_code,
        row.subregion,
        row.subregion_code,
    )


def countries() -> list[CountryInfo]:
    """Every country of the loaded list by name; before any list is loaded, ISO 3166-1 as pycountry knows it."""
    rows = [_info(row) for row in Country.objects.order_by("name")]
    if rows:
        return rows
    return sorted(
        (
            CountryInfo(alpha3, alpha2, numeric, name, "", "", "", "")
            for alpha3, alpha2, numeric, name in iso_countries()
        ),
        key=lambda info: info.name,
    )


def country(alpha3: str) -> CountryInfo | None:
    """The country of an alpha-3 code (any case), from the loaded list or else ISO 3166-1; None if unknown."""
    code = alpha3.strip().upper()
    found = Country.objects.filter(alpha3=code).first()
    if found is not None:
        return _info(found)
    resolved = resolve_code(code) if len(code) == 3 and code.isalpha() else None
    if resolved is None or resolved.alpha3 != code:
        return None
    numeric = next((n for a3, _a2, n, _name in iso_countries() if a3 == code), "")
    return CountryInfo(resolved.alpha3, resolved.alpha2, numeric, resolved.name, "", "", "", "")


def criminalisation(alpha3: str) -> list[CriminalisationYear]:
    rows = Criminalisation.objects.filter(country_alpha3=alpha3.upper()).order_by("year")
    return [CriminalisationYear(row.year, CriminalisationLevel(row.level)) for row in rows]


def _walk_free(row: WalkFreeEstimate) -> WalkFree:
    return WalkFree(
        edition=row.edition,
        country_name=row.country_name,
        region=row.walk_free_region,
        population=row.population,
        prevalence_per_1000=row.prevalence_per_1000,
        estimated_number=row.estimated_number,
    )


def walk_free(alpha3: str) -> WalkFree | None:
    found = WalkFreeEstimate.objects.filter(country_alpha3=alpha3.upper()).first()
    return None if found is None else _walk_free(found)


# Every country at once, for the world map and the comparison of countries.


def all_walk_free() -> dict[str, WalkFree]:
    return {row.country_alpha3: _walk_free(row) for row in WalkFreeEstimate.objects.all()}


def all_treaty_status(treaty: Treaty) -> dict[str, TreatyPosition]:
    rows = TreatyStatus.objects.filter(treaty=treaty).exclude(country_alpha3="")
    return {
        row.country_alpha3: TreatyPosition(
            treaty=treaty,
            participant=row.participant,
            signed_on=row.signed_on,
            ratified_on=row.ratified_on,
            action=TreatyAction(row.action) if row.action else None,
        )
        for row in rows
    }


def treaty_evidence(alpha3: str) -> dict[Treaty, str]:
    """The page each treaty row of a country was read from, where the list keeps one per row."""
    rows = TreatyStatus.objects.filter(country_alpha3=alpha3.upper()).exclude(evidence="")
    return {Treaty(row.treaty): row.evidence for row in rows}


def latest_tiers() -> dict[str, TierYear]:
    """Each country's tier in the latest report year it was ranked."""
    latest: dict[str, TierYear] = {}
    for row in TipTier.objects.exclude(country_alpha3="").order_by("year"):
        latest[row.country_alpha3] = TierYear(row.year, TipTierChoice(row.tier))
    return latest


def latest_criminalisation() -> dict[str, CriminalisationYear]:
    latest: dict[str, CriminalisationYear] = {}
    for row in Criminalisation.objects.order_by("year"):
        latest[row.country_alpha3] = CriminalisationYear(row.year, CriminalisationLevel(row.level))
    return latest


def glotip_latest(indicator: Indicator) -> dict[str, GlotipPoint]:
    """Each country's national total of an indicator in the latest year it reported one (the last row of the
    year where the export repeats it)."""
    latest: dict[str, GlotipPoint] = {}
    rows = (
        GlotipFigure.objects.filter(
            indicator=indicator, dimension=Dimension.TOTAL, category=TOTAL, sex=Sex.TOTAL, age=AgeGroup.TOTAL
        )
        .exclude(country_alpha3="")
        .order_by("year", "line")
    )
    for row in rows:
        latest[row.country_alpha3] = GlotipPoint(
            year=row.year, value=row.value, censored_below=row.censored_below, line=row.line
        )
    return latest
