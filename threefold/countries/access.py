"""Reads of the country reference data for the statistics and advocacy modules.

Public facts, so no actor is needed; reads still go through here so callers get plain frozen values (never
model instances they could save) and every value carries what is needed to cite it. Country arguments are
ISO 3166-1 alpha-3 codes, upper or lower case; an unknown code simply has no data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from threefold.countries.loaders.glotip import TOTAL, AgeGroup, Dimension, Indicator, Sex
from threefold.countries.models import (
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    TipTierChoice,
    Treaty,
    TreatyAction,
    TreatyStatus,
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
