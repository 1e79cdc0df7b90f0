"""Country pages: a world map of an indicator and the list of countries, a page per country, a printable
advocacy brief, and a comparison of countries. Public facts, read by every signed-in member of an organisation
(``countries.view``); every figure names its source (``access.sources``, numbered on each page).

Charts are drawn on the server (threefold.web.svgchart, threefold.web.worldmap): titled SVG with a table of the
same figures beside it. A count UNODC suppressed ("<5") is drawn as a hatched stub marked "<5", never as 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.countries import access, hooks, indicators
from threefold.countries.indicators import TIER_ORDER, Indicator, Value
from threefold.countries.loaders.glotip import Indicator as GlotipIndicator
from threefold.countries.models import DEPOSITARY_STATUS_URLS, CriminalisationLevel, SourceKind, Treaty
from threefold.web import svgchart, worldmap

INLINE_WIDTH = 420  # charts in a page are drawn narrow, so a phone shrinking them keeps their text readable
BRIEF_WIDTH = 640
RANKED_IN_CHART = 20  # a ranking's chart shows the first 20; its table and CSV have every country
MAX_COMPARED = 6
# The order sources are numbered in on a page.
SOURCE_ORDER = (
    SourceKind.COUNTRIES,
    SourceKind.PALERMO_PROTOCOL,
    SourceKind.UNTOC,
    SourceKind.CETS_197,
    SourceKind.ACTIP,
    SourceKind.CRIMINALISATION,
    SourceKind.TIP_TIERS,
    SourceKind.GLOTIP,
    SourceKind.WALK_FREE,
)
TREATY_SOURCES = {
    Treaty.PALERMO_PROTOCOL: SourceKind.PALERMO_PROTOCOL,
    Treaty.UNTOC: SourceKind.UNTOC,
    Treaty.CETS_197: SourceKind.CETS_197,
    Treaty.ACTIP: SourceKind.ACTIP,
}
GLOTIP_CHARTS = (
    ("victims", GlotipIndicator.DETECTED_VICTIMS),
    ("prosecuted", GlotipIndicator.PERSONS_PROSECUTED),
    ("convicted", GlotipIndicator.PERSONS_CONVICTED),
)


def reader(request: HttpRequest) -> Actor:
    """The member reading: every signed-in member of an organisation; anyone else 403."""
    actor = acting_member(request)
    if not allowed(actor, "countries.view"):
        raise PermissionDenied
    return actor


def _svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 (every text in it is escaped where it is drawn)


# --- sources ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    number: int
    source: access.LoadedSource

    @property
    def anchor(self) -> str:
        return f"source-{self.source.kind}"

    @property
    def short(self) -> str:
        """'UNODC Global Report ..., published 2025-04-14'"""
        if self.source.published:
            return _("%(label)s, published %(date)s") % {
                "label": self.source.label,
                "date": self.source.published,
            }
        return self.source.label


def cited_sources(loaded: dict[str, access.LoadedSource]) -> dict[str, Cited]:
    """The loaded sources numbered in SOURCE_ORDER, by kind value."""
    kinds = [kind.value for kind in SOURCE_ORDER if kind.value in loaded]
    return {kind: Cited(n, loaded[kind]) for n, kind in enumerate(kinds, start=1)}


# --- a country -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreatyLine:
    treaty: Treaty
    label: str
    position: access.TreatyPosition | None
    cited: Cited | None
    evidence: str

    @property
    def depositary_url(self) -> str:
        return DEPOSITARY_STATUS_URLS[self.treaty]

    @property
    def status(self) -> str:
        if self.cited is None:
            return _("No data loaded.")
        position = self.position
        if position is not None and position.ratified_on is not None:
            action = position.action.label if position.action else ""
            return _("Party (%(action)s)") % {"action": action}
        if position is not None and position.signed_on is not None:
            if not self.cited.source.complete:
                return _(
                    "Signed; no ratification in Threefold's list, which is incomplete: check with the depositary."
                )
            return _("Signed, not a party")
        if not self.cited.source.complete:
            return _("Not in Threefold's list, which is incomplete: check with the depositary.")
        return _("Neither signed nor a party")


@dataclass(frozen=True)
class Event:
    date: dt.date
    text: str
    cited: Cited | None


@dataclass(frozen=True)
class Series:
    key: str
    title: str
    points: tuple[access.GlotipPoint, ...]
    svg: SafeString


@dataclass(frozen=True)
class TierRow:
    year: int
    text: str


@dataclass(frozen=True)
class YearRow:
    year: int
    cells: tuple[
        tuple[str, str], ...
    ]  # (series title, figure) per series; "" when it has no figure that year


def glotip_by_year(series: Sequence[Series]) -> list[YearRow]:
    """The series side by side, one row per year (a year the export repeats shows its values joined by " / ")."""
    years = sorted({point.year for one in series for point in one.points})
    return [
        YearRow(
            year,
            tuple(
                (one.title, " / ".join(point_text(p) for p in one.points if p.year == year)) for one in series
            ),
        )
        for year in years
    ]


@dataclass
class CountryFacts:
    info: access.CountryInfo
    sources: dict[str, Cited]
    treaties: list[TreatyLine]
    timeline: list[Event]
    tiers: list[TierRow]
    tier_svg: SafeString | str
    glotip: list[Series]
    walk_free: access.WalkFree | None
    criminalisation: list[access.CriminalisationYear]
    criminalisation_summary: str
    asks: list[hooks.Section] = field(default_factory=list)

    def cite(self, kind: SourceKind) -> Cited | None:
        return self.sources.get(kind.value)

    @property
    def ref(self) -> dict[str, Cited]:
        return self.sources

    @property
    def glotip_table(self) -> list[YearRow]:
        return glotip_by_year(self.glotip)

    @property
    def used_sources(self) -> list[Cited]:
        return sorted(self.sources.values(), key=lambda cited: cited.number)


def criminalisation_summary(years: Sequence[access.CriminalisationYear]) -> str:
    """What the snapshots allow one to say, never a year the source does not give."""
    if not years:
        return ""
    full = [entry.year for entry in years if entry.level == CriminalisationLevel.FULL]
    first_year = years[0].year
    if full and full[0] == first_year:
        return _("Trafficking was fully criminalised by %(year)d.") % {"year": first_year}
    if full:
        before = max(entry.year for entry in years if entry.year < full[0])
        return _(
            "Trafficking was fully criminalised between %(start)d and %(end)d (not yet by %(start)d)."
        ) % {
            "start": before,
            "end": full[0],
        }
    last = years[-1]
    return _("Trafficking was not fully criminalised by %(year)d (%(level)s).") % {
        "year": last.year,
        "level": last.level.label,
    }


def _tier_chart(info: access.CountryInfo, tiers: Sequence[access.TierYear], width: int, prefix: str) -> str:
    if not tiers:
        return ""
    ranked = {tier.year: tier for tier in tiers}
    years = range(tiers[0].year, tiers[-1].year + 1)
    points = [
        (
            str(year),
            TIER_ORDER.index(ranked[year].tier) if year in ranked else None,
            str(ranked[year].tier.label) if year in ranked else _("not ranked"),
        )
        for year in years
    ]
    title = _("%(country)s: TIP Report tier by report year") % {"country": info.name}
    return svgchart.levels(
        title,
        _(
            "One dot per report year in the lane of the tier given that year; the same tiers are in the table."
        ),
        [str(tier.label) for tier in TIER_ORDER],
        points,
        id_prefix=f"{prefix}-tiers",
        rtl=get_language_bidi(),
        heading=False,
        width=width,
    )


def point_text(point: access.GlotipPoint) -> str:
    return f"{point.value:,}" if point.value is not None else f"<{point.censored_below}"


def _glotip_series(info: access.CountryInfo, width: int, prefix: str) -> list[Series]:
    titles = {
        "victims": _("Detected victims of trafficking"),
        "prosecuted": _("Persons prosecuted for trafficking"),
        "convicted": _("Persons convicted of trafficking"),
    }
    out = []
    for key, indicator in GLOTIP_CHARTS:
        points = tuple(access.glotip_series(info.alpha3, indicator))
        if not points:
            continue
        counts: dict[int, int] = {}
        labels = []
        for point in points:  # the export repeats a few years: each value is shown, numbered
            counts[point.year] = counts.get(point.year, 0) + 1
            repeat = counts[point.year]
            labels.append(str(point.year) if repeat == 1 else f"{point.year} ({repeat})")
        title = _("%(country)s: %(indicator)s by year") % {"country": info.name, "indicator": titles[key]}
        chart = svgchart.single(
            title,
            _(
                "%(indicator)s by year, as reported to UNODC. A hatched stub marked <5 is a count UNODC suppressed"
                " because it is below 5: not 0. The same figures are in the table."
            )
            % {"indicator": titles[key]},
            labels,
            [float(point.value) if point.value is not None else None for point in points],
            [point_text(point) for point in points],
            name=titles[key],
            id_prefix=f"{prefix}-{key}",
        )
        svg = svgchart.columns(chart, rtl=get_language_bidi(), heading=False, width=width)
        out.append(Series(key, str(titles[key]), points, _svg(svg)))
    return out


def _timeline(treaties: Sequence[TreatyLine]) -> list[Event]:
    events = []
    for line in treaties:
        position = line.position
        if position is None:
            continue
        if position.signed_on:
            events.append(
                Event(position.signed_on, _("Signed: %(treaty)s") % {"treaty": line.label}, line.cited)
            )
        if position.ratified_on:
            action = position.action.label if position.action else ""
            events.append(
                Event(
                    position.ratified_on,
                    _("Became a party (%(action)s): %(treaty)s") % {"action": action, "treaty": line.label},
                    line.cited,
                )
            )
    return sorted(events, key=lambda event: event.date)


def country_facts(actor: Actor, info: access.CountryInfo, *, width: int, prefix: str) -> CountryFacts:
    sources = cited_sources(access.sources())
    status = access.treaty_status(info.alpha3)
    evidence = access.treaty_evidence(info.alpha3)
    treaties = [
        TreatyLine(
            treaty,
            str(treaty.label),
            status.get(treaty),
            sources.get(TREATY_SOURCES[treaty].value),
            evidence.get(treaty, ""),
        )
        for treaty in Treaty
    ]
    tiers = access.tip_tiers(info.alpha3)
    ranked = {tier.year: tier for tier in tiers}
    tier_rows = (
        [
            TierRow(year, str(ranked[year].tier.label) if year in ranked else _("not ranked"))
            for year in range(tiers[0].year, tiers[-1].year + 1)
        ]
        if tiers
        else []
    )
    crim = access.criminalisation(info.alpha3)
    return CountryFacts(
        info=info,
        sources=sources,
        treaties=treaties,
        timeline=_timeline(treaties),
        tiers=tier_rows,
        tier_svg=_svg(_tier_chart(info, tiers, width, prefix)) if tiers else "",
        glotip=_glotip_series(info, width, prefix),
        walk_free=access.walk_free(info.alpha3),
        criminalisation=crim,
        criminalisation_summary=criminalisation_summary(crim),
        asks=hooks.ask_status(actor, info.alpha3),
    )


def _country_or_404(code: str) -> access.CountryInfo:
    info = access.country(code)
    if info is None:
        raise Http404
    return info


@require_GET
def country(request: HttpRequest, code: str) -> HttpResponse:
    actor = reader(request)
    info = _country_or_404(code)
    facts = country_facts(actor, info, width=INLINE_WIDTH, prefix="page")
    return render(request, "countries/country.html", {"facts": facts, "info": info})


@require_GET
def brief(request: HttpRequest, code: str) -> HttpResponse:
    actor = reader(request)
    info = _country_or_404(code)
    facts = country_facts(actor, info, width=BRIEF_WIDTH, prefix="brief")
    return render(
        request,
        "countries/brief.html",
        {"facts": facts, "info": info, "generated_at": timezone.now()},
    )


# --- the world map and the list --------------------------------------------------------------------------------


def indicator_map(indicator: Indicator, values: dict[str, Value], *, inline: bool) -> str:
    """The indicator on a world map, as SVG (inline: 100% wide and no visible title, the page heads it)."""
    title = str(indicator.label)
    if indicator.is_category:
        counted = {code: value.category for code, value in values.items() if value.category is not None}
        return svgchart.category_map(
            title,
            _(
                "%(indicator)s by country: %(count)d countries with data. The list under the map gives the same."
            )
            % {"indicator": title, "count": len(counted)},
            [str(category) for category in indicator.categories],
            counted,
            texts={code: value.text for code, value in values.items()},
            no_data=_("No data"),
            id_prefix="countries-map",
            heading=not inline,
            fixed_size=not inline,
        )
    scale = indicator.scale
    shown = {code: round(value.number * scale) for code, value in values.items() if value.number is not None}
    suppressed = [code for code, value in values.items() if value.number is None]
    labels = worldmap.Labels(
        value=_("{name}: {value}"),
        fewer_than=_("{name}: fewer than {k}"),
        no_data=_("{name}: no data"),
        legend_fewer_than=_("Fewer than {k}"),
        legend_no_data=_("No data"),
        not_drawn=_("Too small to draw: {items}"),
        summary=_("{shown} countries with a figure, from {low} to {high}."),
        summary_none=_("No country has a figure."),
        summary_hidden=_("Suppressed: {names}."),
        number=(lambda n: f"{n / scale:,.1f}") if scale != 1 else (lambda n: f"{n:,}"),
    )
    drawn = worldmap.choropleth(
        shown,
        fewer_than=suppressed,
        k=5 if suppressed else None,
        title=title,
        labels=labels,
        id_prefix="countries-map",
    )
    return worldmap.to_svg(drawn, heading=not inline, fixed_size=not inline)


@dataclass(frozen=True)
class ListRow:
    info: access.CountryInfo
    value: Value | None


def _matches(info: access.CountryInfo, query: str) -> bool:
    if not query:
        return True
    folded = query.casefold()
    return folded in info.name.casefold() or folded in (info.alpha3.casefold(), info.alpha2.casefold())


def _regions(listed: Sequence[access.CountryInfo]) -> list[tuple[str, list[str]]]:
    regions: dict[str, set[str]] = {}
    for info in listed:
        if info.region:
            regions.setdefault(info.region, set()).add(info.subregion)
    return [(region, sorted(subs)) for region, subs in sorted(regions.items())]


def _in_region(info: access.CountryInfo, region: str) -> bool:
    return not region or region in (info.region, info.subregion)


def _chosen_indicator(request: HttpRequest, default: str = indicators.DEFAULT) -> Indicator:
    key = request.GET.get("indicator", default) or default
    indicator = indicators.get(key)
    if indicator is None:
        raise Http404
    return indicator


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    reader(request)
    indicator = _chosen_indicator(request)
    values = indicator.values()
    if request.GET.get("format") == "svg":
        return _download(
            indicator_map(indicator, values, inline=False),
            "image/svg+xml",
            f"threefold-map-{indicator.key}.svg",
        )
    if request.GET.get("format"):
        raise Http404
    query = request.GET.get("q", "").strip()
    region = request.GET.get("region", "").strip()
    listed = access.countries()
    rows = [
        ListRow(info, values.get(info.alpha3))
        for info in listed
        if _matches(info, query) and _in_region(info, region)
    ]
    sources = cited_sources(access.sources())
    return render(
        request,
        "countries/index.html",
        {
            "rows": rows,
            "query": query,
            "region": region,
            "regions": _regions(listed),
            "indicator": indicator,
            "indicators": indicators.INDICATORS,
            "map": _svg(indicator_map(indicator, values, inline=True)) if values else "",
            "cited": sources.get(indicator.source.value),
            "sources": sorted(sources.values(), key=lambda cited: cited.number),
            "with_values": sum(1 for row in rows if row.value is not None),
        },
    )


# --- comparing countries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None for a suppressed count: it cannot be ranked among the others
    info: access.CountryInfo
    value: Value


def _rank(listed: Sequence[access.CountryInfo], values: dict[str, Value]) -> list[Ranked]:
    present = sorted(
        ((info, values[info.alpha3]) for info in listed if info.alpha3 in values),
        key=lambda pair: (indicators.rank_key(pair[1]), pair[0].name),
    )
    out, rank, last_key = [], 0, None
    for position, (info, value) in enumerate(present, start=1):
        key = indicators.rank_key(value)
        if key != last_key:
            rank, last_key = position, key
        suppressed = value.category is None and value.number is None
        out.append(Ranked(None if suppressed else rank, info, value))
    return out


def _ranking_chart(indicator: Indicator, ranked: Sequence[Ranked], *, inline: bool) -> str:
    title = str(indicator.label)
    if indicator.is_category:
        counts = [
            sum(1 for row in ranked if row.value.category == n) for n in range(len(indicator.categories))
        ]
        chart = svgchart.single(
            title,
            _("Number of countries in each category; the table lists every country."),
            [str(category) for category in indicator.categories],
            [float(count) for count in counts],
            [ngettext("%(n)d country", "%(n)d countries", count) % {"n": count} for count in counts],
            name=_("Countries"),
            id_prefix="compare",
        )
    else:
        top = list(ranked[:RANKED_IN_CHART])
        chart = svgchart.single(
            title,
            _("The first %(n)d countries by this figure; the table lists every country.") % {"n": len(top)},
            [row.info.name for row in top],
            [row.value.number for row in top],
            [row.value.text + (f" ({row.value.year})" if row.value.year else "") for row in top],
            name=title,
            id_prefix="compare",
            note=_("<5: a count UNODC suppressed because it is below 5, not 0."),
        )
    return svgchart.bars(
        chart, rtl=get_language_bidi(), heading=not inline, width=INLINE_WIDTH if inline else svgchart.WIDTH
    )


def _side_chart(
    indicator: Indicator, chosen: Sequence[access.CountryInfo], values: dict[str, Value], *, inline: bool
) -> str:
    title = str(indicator.label)
    chart = svgchart.single(
        title,
        _("%(indicator)s for the countries compared; the table gives the same figures.")
        % {"indicator": title},
        [info.name for info in chosen],
        [values[info.alpha3].number if info.alpha3 in values else None for info in chosen],
        [
            (
                values[info.alpha3].text
                + (f" ({values[info.alpha3].year})" if values[info.alpha3].year else "")
            )
            if info.alpha3 in values
            else _("no data")
            for info in chosen
        ],
        name=title,
        id_prefix="compare",
    )
    return svgchart.bars(
        chart, rtl=get_language_bidi(), heading=not inline, width=INLINE_WIDTH if inline else svgchart.WIDTH
    )


def _csv(rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _csv_row(
    indicator: Indicator, info: access.CountryInfo, value: Value | None, source: Cited | None
) -> dict[str, Any]:
    return {
        "alpha3": info.alpha3,
        "country": info.name,
        "m49_region": info.region,
        "indicator": indicator.key,
        "value": "" if value is None or value.number is None else value.number,
        "text": "" if value is None else value.text,
        "censored_below": "" if value is None or value.censored_below is None else value.censored_below,
        "year": "" if value is None or value.year is None else value.year,
        "source": "" if source is None else source.source.citation,
        "source_published": "" if source is None else source.source.published,
    }


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    reader(request)
    indicator = _chosen_indicator(request)
    region = request.GET.get("region", "").strip()
    listed = access.countries()
    by_code = {info.alpha3: info for info in listed}
    codes = [code.strip().upper() for code in request.GET.getlist("c") if code.strip()][:MAX_COMPARED]
    unknown = [code for code in codes if code not in by_code]
    chosen = [by_code[code] for code in dict.fromkeys(codes) if code in by_code]
    sources = cited_sources(access.sources())
    values = indicator.values()
    fmt = request.GET.get("format", "")
    stem = f"threefold-countries-{indicator.key}"
    if chosen:
        side = []
        for other in indicators.INDICATORS:
            other_values = values if other is indicator else other.values()
            cells = [(info, other_values.get(info.alpha3)) for info in chosen]
            side.append((other, cells, sources.get(other.source.value)))
        if fmt == "csv":
            lines = [
                _csv_row(other, info, value, cited) for other, cells, cited in side for info, value in cells
            ]
            return _download(
                _csv(lines), "text/csv", f"threefold-countries-{'-'.join(i.alpha3 for i in chosen)}.csv"
            )
        chart = "" if indicator.is_category else _side_chart(indicator, chosen, values, inline=fmt != "svg")
        if fmt == "svg" and chart:
            return _download(chart, "image/svg+xml", f"{stem}.svg")
        if fmt:
            raise Http404
        ranked: list[Ranked] = []
    else:
        side = []
        ranked = _rank([info for info in listed if _in_region(info, region)], values)
        if fmt == "csv":
            cited = sources.get(indicator.source.value)
            return _download(
                _csv([_csv_row(indicator, r.info, r.value, cited) for r in ranked]), "text/csv", f"{stem}.csv"
            )
        chart = _ranking_chart(indicator, ranked, inline=fmt != "svg") if ranked else ""
        if fmt == "svg" and chart:
            return _download(chart, "image/svg+xml", f"{stem}.svg")
        if fmt:
            raise Http404
    return render(
        request,
        "countries/compare.html",
        {
            "indicator": indicator,
            "indicators": indicators.INDICATORS,
            "region": region,
            "regions": _regions(listed),
            "countries": listed,
            "chosen": chosen,
            "slots": [chosen[n].alpha3 if n < len(chosen) else "" for n in range(MAX_COMPARED)],
            "unknown": unknown,
            "side": side,
            "ranked": ranked,
            "chart": _svg(chart) if chart else "",
            "cited": sources.get(indicator.source.value),
            "sources": sorted(sources.values(), key=lambda cited: cited.number),
            "query": request.GET.urlencode(),
            "ranked_in_chart": RANKED_IN_CHART,
        },
    )
