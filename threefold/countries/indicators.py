"""The indicators a world map can show and countries can be compared on: each a value per country, with the kind
of source it comes from, so every map, ranking and CSV names its source.

A value is a number (ranked, mapped by classes) or a category (mapped by colour, ranked by its order). A count
UNODC suppressed ("<5") has no number: it is ``censored_below`` 5, ranked below every shown count, drawn hatched
on a map and written "<5", never 0. A country the source does not cover has no value at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from threefold.countries import access
from threefold.countries.loaders.glotip import Indicator as GlotipIndicator
from threefold.countries.models import CriminalisationLevel, SourceKind, TipTierChoice, Treaty


@dataclass(frozen=True)
class Value:
    number: float | None  # None: a category, or a suppressed count (then censored_below is set)
    text: str  # as shown: "13.0", "1,541", "<5", "Tier 2 (2015)", "party since 2013"
    year: int | None = None
    category: int | None = None  # index in the indicator's categories
    censored_below: int | None = None


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str | Promise
    source: SourceKind
    compute: Callable[[], dict[str, Value]]
    categories: tuple[str | Promise, ...] = ()  # for a category indicator, in rank order (best first)
    unit: str | Promise = ""
    scale: int = 1  # the map draws whole numbers: a prevalence with one decimal is drawn times 10

    @property
    def is_category(self) -> bool:
        return bool(self.categories)

    def values(self) -> dict[str, Value]:
        return self.compute()


def _count(value: int) -> str:
    return f"{value:,}"


def _walk_free_prevalence() -> dict[str, Value]:
    out = {}
    for code, estimate in access.all_walk_free().items():
        if estimate.prevalence_per_1000 is not None:
            out[code] = Value(float(estimate.prevalence_per_1000), _decimal(estimate.prevalence_per_1000))
    return out


def _decimal(value: Decimal) -> str:
    return format(value, "f")


def _walk_free_number() -> dict[str, Value]:
    return {
        code: Value(float(estimate.estimated_number), _count(estimate.estimated_number))
        for code, estimate in access.all_walk_free().items()
        if estimate.estimated_number is not None
    }


def _glotip(indicator: GlotipIndicator) -> Callable[[], dict[str, Value]]:
    def compute() -> dict[str, Value]:
        out = {}
        for code, point in access.glotip_latest(indicator).items():
            if point.value is None:
                out[code] = Value(
                    None, f"<{point.censored_below}", point.year, censored_below=point.censored_below
                )
            else:
                out[code] = Value(float(point.value), _count(point.value), point.year)
        return out

    return compute


TREATY_CATEGORIES = (_("Party"), _("Signed, not a party"))


def _treaty(treaty: Treaty) -> Callable[[], dict[str, Value]]:
    def compute() -> dict[str, Value]:
        out = {}
        for code, position in access.all_treaty_status(treaty).items():
            if position.ratified_on is not None:
                text = gettext("party since %(year)d") % {"year": position.ratified_on.year}
                out[code] = Value(None, text, position.ratified_on.year, category=0)
            else:
                out[code] = Value(None, gettext("signed, not a party"), None, category=1)
        return out

    return compute


TIER_ORDER = (
    TipTierChoice.TIER_1,
    TipTierChoice.TIER_2,
    TipTierChoice.TIER_2_WATCH_LIST,
    TipTierChoice.TIER_3,
    TipTierChoice.SPECIAL_CASE,
)


def _tiers() -> dict[str, Value]:
    return {
        code: Value(None, f"{tier.tier.label} ({tier.year})", tier.year, category=TIER_ORDER.index(tier.tier))
        for code, tier in access.latest_tiers().items()
    }


CRIMINALISATION_ORDER = (CriminalisationLevel.FULL, CriminalisationLevel.PARTIAL, CriminalisationLevel.NONE)


def _criminalisation() -> dict[str, Value]:
    return {
        code: Value(
            None,
            f"{latest.level.label} ({latest.year})",
            latest.year,
            category=CRIMINALISATION_ORDER.index(latest.level),
        )
        for code, latest in access.latest_criminalisation().items()
    }


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "prevalence",
        _("Estimated prevalence of modern slavery (per 1,000 people)"),
        SourceKind.WALK_FREE,
        _walk_free_prevalence,
        unit=_("per 1,000 people"),
        scale=10,
    ),
    Indicator(
        "slavery_estimate",
        _("Estimated number of people in modern slavery"),
        SourceKind.WALK_FREE,
        _walk_free_number,
        unit=_("people"),
    ),
    Indicator(
        "victims",
        _("Detected victims of trafficking (latest year reported)"),
        SourceKind.GLOTIP,
        _glotip(GlotipIndicator.DETECTED_VICTIMS),
        unit=_("victims"),
    ),
    Indicator(
        "prosecuted",
        _("Persons prosecuted for trafficking (latest year reported)"),
        SourceKind.GLOTIP,
        _glotip(GlotipIndicator.PERSONS_PROSECUTED),
        unit=_("persons"),
    ),
    Indicator(
        "convicted",
        _("Persons convicted of trafficking (latest year reported)"),
        SourceKind.GLOTIP,
        _glotip(GlotipIndicator.PERSONS_CONVICTED),
        unit=_("persons"),
    ),
    Indicator(
        "palermo",
        _("Trafficking in Persons Protocol (Palermo)"),
        SourceKind.PALERMO_PROTOCOL,
        _treaty(Treaty.PALERMO_PROTOCOL),
        categories=TREATY_CATEGORIES,
    ),
    Indicator(
        "untoc",
        _("UN Convention against Transnational Organized Crime"),
        SourceKind.UNTOC,
        _treaty(Treaty.UNTOC),
        categories=TREATY_CATEGORIES,
    ),
    Indicator(
        "tier",
        _("US TIP Report tier (latest report year ranked)"),
        SourceKind.TIP_TIERS,
        _tiers,
        categories=tuple(tier.label for tier in TIER_ORDER),
    ),
    Indicator(
        "criminalisation",
        _("Criminalisation of trafficking (latest snapshot)"),
        SourceKind.CRIMINALISATION,
        _criminalisation,
        categories=tuple(level.label for level in CRIMINALISATION_ORDER),
    ),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
DEFAULT = "prevalence"


def get(key: str) -> Indicator | None:
    return BY_KEY.get(key)


def rank_key(value: Value) -> tuple[int, float, int]:
    """Ranking order: numbers largest first, then suppressed counts; categories in their order, latest first."""
    if value.category is not None:
        return (value.category, -(value.year or 0), 0)
    if value.number is None:
        return (1, 0.0, 0)
    return (0, -value.number, 0)
