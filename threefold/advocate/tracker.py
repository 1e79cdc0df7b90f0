"""The government accountability tracker of an organisation: each ask's status in a country, why, and since when.

Every dated status of an ask is a point on its timeline: the organisation's approved evidence, and the dated facts
of the ask's ``status_from`` indicator computed from the country reference data (a signature or ratification of the
Protocol, a criminalisation snapshot). The newest gives the ask its status, evidence first on the same date;
without any point it is unknown. The
other indicators (trends of convictions, prosecutions and detected victims, TIP tiers, prevalence, the
organisation's own legislation reviews) are shown with the ask as context, each citing its source, never turned
into a status. The computing is done by the pure cores (``advocate.core``); this module reads the data through the
access functions and words the results.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.advocate import access
from threefold.advocate.core import gaps
from threefold.advocate.core.framework import Ask, Framework
from threefold.advocate.core.indicators import (
    STALE_AFTER_YEARS,
    Count,
    Level,
    Snapshot,
    Tier,
    TierTrend,
    TreatyFacts,
    TreatyState,
    Trend,
    TrendResult,
    count_trend,
    criminalisation_result,
    is_stale,
    snapshot_status,
    tier_trend,
    treaty_result,
)
from threefold.advocate.core.status import LANES, Basis, Point, Status, current
from threefold.advocate.models import Answer, Evidence, LegislationReview
from threefold.advocate.models import Status as StatusChoice
from threefold.countries import access as country_access
from threefold.countries.indicators import TIER_ORDER
from threefold.countries.loaders.glotip import Indicator as GlotipIndicator
from threefold.countries.models import CriminalisationLevel, SourceKind, Treaty
from threefold.countries.views import Cited, cited_sources

SYMBOLS = {
    Status.MET: "✓",
    Status.PARTLY_MET: "◐",
    Status.NOT_MET: "✗",
    Status.REGRESSED: "↓",
    Status.UNKNOWN: "?",
}
TREATY_SOURCES = {
    Treaty.PALERMO_PROTOCOL: SourceKind.PALERMO_PROTOCOL,
    Treaty.UNTOC: SourceKind.UNTOC,
    Treaty.CETS_197: SourceKind.CETS_197,
    Treaty.ACTIP: SourceKind.ACTIP,
}
REGIONAL = (Treaty.CETS_197, Treaty.ACTIP)
STATUS_SOURCES = {"palermo_party": SourceKind.PALERMO_PROTOCOL, "criminalisation": SourceKind.CRIMINALISATION}
TRENDS = {
    "convictions_trend": GlotipIndicator.PERSONS_CONVICTED,
    "prosecutions_trend": GlotipIndicator.PERSONS_PROSECUTED,
    "victims_trend": GlotipIndicator.DETECTED_VICTIMS,
}


def status_label(status: Status) -> str:
    return str(StatusChoice(status.value).label)


def basis_label(basis: Basis) -> str:
    return {
        Basis.EVIDENCE: _("approved evidence"),
        Basis.DATA: _("reference data"),
        Basis.NONE: _("no evidence yet"),
    }[basis]


def answer_label(answer: gaps.Answer | None) -> str:
    return str(Answer(answer.value).label) if answer is not None else _("Not answered yet")


def day(value: dt.date) -> str:
    return date_format(value, "j M Y")


# --- what a page shows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    key: str
    label: str
    text: str
    cited: Cited | None = None  # a source numbered as on the country page
    citation: str = ""  # or an article (a checklist item's)
    url: str = ""  # a page of Threefold (a legislation review)
    status: Status | None = None
    detail: str = ""  # the figures a trend was read from


@dataclass(frozen=True)
class AskLine:
    ask: Ask
    status: Status
    basis: Basis
    point: Point | None  # the dated status that gives the ask its status now
    evidence: Evidence | None  # the approved evidence behind it, when the basis is evidence
    indicators: tuple[IndicatorLine, ...] = ()
    points: tuple[Point, ...] = ()  # every dated status, evidence and data, for the timeline
    data_line: IndicatorLine | None = None  # the status_from indicator, when the ask has one
    data_cited: Cited | None = None  # the source of the status_from indicator

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.status]

    @property
    def basis_label(self) -> str:
        return basis_label(self.basis)

    @property
    def basis_short(self) -> str:
        return {Basis.EVIDENCE: _("evidence"), Basis.DATA: _("data"), Basis.NONE: ""}[self.basis]

    @property
    def context_lines(self) -> tuple[IndicatorLine, ...]:
        """The indicators to list beside the status: all but the one that gives it (shown as the reason)."""
        if self.basis == Basis.DATA and self.data_line is not None:
            return tuple(line for line in self.indicators if line is not self.data_line)
        return self.indicators

    @property
    def has_trends(self) -> bool:
        return any(line.key in TRENDS or line.key == "tip_tier_trend" for line in self.indicators)


@dataclass
class CountryData:
    """What the indicators of one country are computed from."""

    info: country_access.CountryInfo
    sources: dict[str, Cited]
    treaties: dict[Treaty, country_access.TreatyPosition]
    criminalisation: list[country_access.CriminalisationYear]
    tiers: list[country_access.TierYear] = field(default_factory=list)
    glotip: dict[GlotipIndicator, list[country_access.GlotipPoint]] = field(default_factory=dict)
    walk_free: country_access.WalkFree | None = None
    review: LegislationReview | None = None
    review_answers: dict[str, gaps.Given] = field(default_factory=dict)

    def cite(self, kind: SourceKind) -> Cited | None:
        return self.sources.get(kind.value)


@dataclass(frozen=True)
class CountryTracker:
    info: country_access.CountryInfo
    asks: tuple[AskLine, ...]
    sources: dict[str, Cited]
    framework: Framework

    @property
    def used_sources(self) -> list[Cited]:
        return sorted(self.sources.values(), key=lambda cited: cited.number)

    def line(self, ask_id: str) -> AskLine | None:
        return next((line for line in self.asks if line.ask.id == ask_id), None)


# --- loading ----------------------------------------------------------------------------------------------------


def load_country(actor: Actor, info: country_access.CountryInfo) -> CountryData:
    review = access.latest_review(actor, info.alpha3)
    return CountryData(
        info=info,
        sources=cited_sources(country_access.sources()),
        treaties=country_access.treaty_status(info.alpha3),
        criminalisation=country_access.criminalisation(info.alpha3),
        tiers=country_access.tip_tiers(info.alpha3),
        glotip={
            indicator: country_access.glotip_series(info.alpha3, indicator) for indicator in TRENDS.values()
        },
        walk_free=country_access.walk_free(info.alpha3),
        review=review,
        review_answers=access.answers(review) if review is not None else {},
    )


def _published_on(cited: Cited | None) -> dt.date | None:
    """The date of a source's facts ("2014-01" is taken as its first day), else the day it was loaded."""
    if cited is None:
        return None
    text = cited.source.published
    for length, pattern in ((10, "%Y-%m-%d"), (7, "%Y-%m"), (4, "%Y")):
        try:
            return dt.datetime.strptime(text[:length], pattern).date()
        except ValueError:
            continue
    return cited.source.loaded_at.date()


def _as_of(cited: Cited | None) -> str:
    if cited is None:
        return ""
    return cited.source.published or day(cited.source.loaded_at.date())


# --- indicators that give a status -----------------------------------------------------------------------------


def _treaty_facts(data: CountryData, treaty: Treaty) -> TreatyFacts:
    cited = data.cite(TREATY_SOURCES[treaty])
    position = data.treaties.get(treaty)
    return TreatyFacts(
        loaded=cited is not None,
        complete=cited.source.complete if cited is not None else False,
        signed_on=position.signed_on if position else None,
        ratified_on=position.ratified_on if position else None,
        stale=is_stale(_published_on(cited), timezone.localdate()),
    )


def _treaty_text(data: CountryData, treaty: Treaty) -> tuple[str, Status]:
    cited = data.cite(TREATY_SOURCES[treaty])
    result = treaty_result(_treaty_facts(data, treaty))
    complete = cited is not None and cited.source.complete
    position = data.treaties.get(treaty)
    if result.state == TreatyState.PARTY:
        assert result.ratified_on is not None
        action = position.action.label if position and position.action else ""
        text = _("Party since %(date)s (%(action)s).") % {"date": day(result.ratified_on), "action": action}
    elif result.state == TreatyState.SIGNED:
        assert result.signed_on is not None
        if complete and result.status == Status.UNKNOWN:  # a stale list
            text = _(
                "Signed on %(date)s; not a party in the list as of %(as_of)s, which is too old to rule out a "
                "later ratification: check with the depositary."
            ) % {"date": day(result.signed_on), "as_of": _as_of(cited)}
        elif complete:
            text = _("Signed on %(date)s; not a party in the list as of %(as_of)s.") % {
                "date": day(result.signed_on),
                "as_of": _as_of(cited),
            }
        else:
            text = _("Signed on %(date)s; no ratification in Threefold's list, which is incomplete.") % {
                "date": day(result.signed_on)
            }
    elif result.state == TreatyState.NOT_LISTED:
        if complete and result.status == Status.UNKNOWN:  # a stale list
            text = _(
                "Neither signed nor a party in the list as of %(as_of)s, which is too old to rule out a later "
                "ratification: check with the depositary."
            ) % {"as_of": _as_of(cited)}
        elif complete:
            text = _("Neither signed nor a party in the list as of %(as_of)s.") % {"as_of": _as_of(cited)}
        else:
            text = _("Not in Threefold's list, which is incomplete: check with the depositary.")
    else:
        text = _("No status of this treaty is loaded.")
    return text, result.status


def _treaty_points(data: CountryData, treaty: Treaty) -> list[Point]:
    facts = _treaty_facts(data, treaty)
    result = treaty_result(facts)
    cited = data.cite(TREATY_SOURCES[treaty])
    label = str(treaty.label)
    points = []
    if facts.signed_on is not None and (facts.ratified_on is None or facts.signed_on < facts.ratified_on):
        signed_status = Status.NOT_MET if facts.complete or facts.ratified_on else Status.UNKNOWN
        points.append(
            Point(
                facts.signed_on,
                signed_status,
                Basis.DATA,
                facts.signed_on.isoformat(),
                _("Signed: %(treaty)s") % {"treaty": label},
            )
        )
    if facts.ratified_on is not None:
        points.append(
            Point(
                facts.ratified_on,
                Status.MET,
                Basis.DATA,
                facts.ratified_on.isoformat(),
                _("Became a party: %(treaty)s") % {"treaty": label},
            )
        )
    on = _published_on(cited)
    if not points and facts.complete and result.state == TreatyState.NOT_LISTED and on is not None:
        points.append(
            Point(
                on,
                Status.NOT_MET,
                Basis.DATA,
                on.isoformat(),
                _("Not a party in the list as of %(as_of)s") % {"as_of": _as_of(cited)},
            )
        )
    if facts.stale and facts.complete and result.state != TreatyState.PARTY and on is not None:
        # From the day the list went stale the ask is unknown, until newer data or approved evidence says more.
        stale_from = on + dt.timedelta(days=STALE_AFTER_YEARS * 365 + 1)
        points.append(
            Point(
                stale_from,
                Status.UNKNOWN,
                Basis.DATA,
                stale_from.isoformat(),
                _("The list as of %(as_of)s is too old to rule out a later ratification")
                % {"as_of": _as_of(cited)},
            )
        )
    return points


def _snapshots(data: CountryData) -> list[Snapshot]:
    return [Snapshot(entry.year, Level(entry.level.value)) for entry in data.criminalisation]


def _criminalisation_text(data: CountryData) -> tuple[str, Status]:
    result = criminalisation_result(_snapshots(data))
    if result is None:
        return _("No criminalisation data for this country."), Status.UNKNOWN
    level = str(CriminalisationLevel(result.level.value).label)
    if result.wording == "by":
        text = _("Trafficking was fully criminalised by %(year)d.") % {"year": result.end}
    elif result.wording == "between":
        text = _(
            "Trafficking was fully criminalised between %(start)d and %(end)d (not yet by %(start)d)."
        ) % {
            "start": result.start,
            "end": result.end,
        }
    elif result.wording == "full_then_less":
        text = _("Trafficking was fully criminalised by %(start)d, but %(level)s by %(end)d.") % {
            "start": result.start,
            "level": level,
            "end": result.end,
        }
    else:
        text = _("Trafficking was not fully criminalised by %(year)d (%(level)s).") % {
            "year": result.end,
            "level": level,
        }
    return text, result.status


def _criminalisation_points(data: CountryData) -> list[Point]:
    points, was_full = [], False
    for snapshot in sorted(_snapshots(data), key=lambda s: s.year):
        status = snapshot_status(snapshot.level, was_full=was_full)
        was_full = was_full or snapshot.level == Level.FULL
        level = str(CriminalisationLevel(snapshot.level.value).label)
        points.append(
            Point(
                dt.date(snapshot.year, 12, 31),
                status,
                Basis.DATA,
                str(snapshot.year),
                _("Criminalisation in %(year)d: %(level)s") % {"year": snapshot.year, "level": level},
            )
        )
    return points


def data_points(ask: Ask, data: CountryData) -> list[Point]:
    """The dated statuses the reference data gives an ask (none for an ask without ``status_from``)."""
    if ask.status_from == "palermo_party":
        return _treaty_points(data, Treaty.PALERMO_PROTOCOL)
    if ask.status_from == "criminalisation":
        return _criminalisation_points(data)
    return []


def evidence_points(evidence: Iterable[Evidence]) -> list[Point]:
    return [
        Point(
            item.as_of,
            Status(item.status),
            Basis.EVIDENCE,
            item.as_of.isoformat(),
            item.source_title,
            reference=item.reference,
            order=int(item.reviewed_at.timestamp()) if item.reviewed_at else 0,
        )
        for item in evidence
        if item.is_approved
    ]


# --- context indicators ------------------------------------------------------------------------------------------


def _count_text(count: Count) -> str:
    return f"{count.value:,}" if count.value is not None else f"<{count.censored_below}"


def _trend_text(result: TrendResult) -> str:
    if result.trend == Trend.NO_DATA:
        return _("No UNODC figure for this country in the loaded data.")
    assert result.first is not None
    assert result.last is not None
    span = {
        "first": _count_text(result.first),
        "first_year": result.first.year,
        "last": _count_text(result.last),
        "last_year": result.last.year,
    }
    if result.trend == Trend.TOO_FEW:
        return _("Too few years with a figure to tell a trend (latest: %(last)s in %(last_year)d).") % span
    if result.trend == Trend.RISING:
        return _("Rising: from %(first)s (%(first_year)d) to %(last)s (%(last_year)d).") % span
    if result.trend == Trend.FALLING:
        return _("Falling: from %(first)s (%(first_year)d) to %(last)s (%(last_year)d).") % span
    if result.trend == Trend.STEADY:
        return _("About the same: from %(first)s (%(first_year)d) to %(last)s (%(last_year)d).") % span
    return (
        _(
            "Cannot tell: counts below 5 are suppressed by UNODC (<5, not 0) and could tip the trend either way; "
            "from %(first)s (%(first_year)d) to %(last)s (%(last_year)d)."
        )
        % span
    )


def trend_of(points: Sequence[country_access.GlotipPoint]) -> TrendResult:
    return count_trend([Count(p.year, p.value, p.censored_below) for p in points])


def _trend_line(key: str, data: CountryData) -> IndicatorLine:
    labels = {
        "convictions_trend": _("Persons convicted of trafficking"),
        "prosecutions_trend": _("Persons prosecuted for trafficking"),
        "victims_trend": _("Detected victims of trafficking"),
    }
    result = trend_of(data.glotip.get(TRENDS[key], []))
    detail = " · ".join(f"{p.year}: {_count_text(p)}" for p in result.points)
    return IndicatorLine(
        key, labels[key], _trend_text(result), cited=data.cite(SourceKind.GLOTIP), detail=detail
    )


def _tier_line(data: CountryData) -> IndicatorLine:
    tiers = [
        Tier(
            entry.year,
            TIER_ORDER.index(entry.tier) if entry.tier in TIER_ORDER[:4] else None,
            str(entry.tier.label),
        )
        for entry in data.tiers
    ]
    result = tier_trend(tiers)
    label = _("US TIP Report tier (latest five report years)")
    cited = data.cite(SourceKind.TIP_TIERS)
    if result.trend == TierTrend.NO_DATA or result.last is None:
        return IndicatorLine(
            "tip_tier_trend", label, _("No TIP Report tier for this country in the loaded data."), cited=cited
        )
    last = {"last": result.last.label, "last_year": result.last.year}
    if result.trend == TierTrend.TOO_FEW or result.first is None:
        text = _("%(last)s in %(last_year)d; too few report years before it to tell a trend.") % last
    else:
        span = {**last, "first": result.first.label, "first_year": result.first.year}
        text = {
            TierTrend.IMPROVED: _("Improved: from %(first)s (%(first_year)d) to %(last)s (%(last_year)d)."),
            TierTrend.WORSENED: _("Worsened: from %(first)s (%(first_year)d) to %(last)s (%(last_year)d)."),
            TierTrend.UNCHANGED: _("Unchanged: %(last)s in %(first_year)d and in %(last_year)d."),
        }[result.trend] % span
    return IndicatorLine("tip_tier_trend", label, text, cited=cited)


def _regional_lines(data: CountryData) -> list[IndicatorLine]:
    lines = []
    for treaty in REGIONAL:
        if treaty in data.treaties:
            text, status = _treaty_text(data, treaty)
            lines.append(
                IndicatorLine(
                    "regional_instruments",
                    str(treaty.label),
                    text,
                    cited=data.cite(TREATY_SOURCES[treaty]),
                    status=status,
                )
            )
    if not lines:
        names = ", ".join(str(treaty.label) for treaty in REGIONAL)
        lines.append(
            IndicatorLine(
                "regional_instruments",
                _("Regional instruments"),
                _("Not in Threefold's lists of %(names)s, which are incomplete.") % {"names": names},
                cited=data.cite(SourceKind.CETS_197),
            )
        )
    return lines


def _prevalence_line(data: CountryData) -> IndicatorLine:
    label = _("Estimated prevalence of modern slavery")
    estimate = data.walk_free
    if estimate is None or estimate.prevalence_per_1000 is None:
        text = _("No estimate for this country in the loaded data.")
    else:
        text = _("%(value)s per 1,000 people (Global Slavery Index %(edition)d).") % {
            "value": format(estimate.prevalence_per_1000, "f"),
            "edition": estimate.edition,
        }
    return IndicatorLine("prevalence", label, text, cited=data.cite(SourceKind.WALK_FREE))


def _review_line(data: CountryData) -> IndicatorLine:
    label = _("Your organisation's latest legislation review")
    review = data.review
    if review is None:
        return IndicatorLine("legislation_review", label, _("No law of this country reviewed yet."))
    report = gaps.report(access.checklist(), data.review_answers)
    text = _("%(law)s (%(date)s): %(gaps)d gaps, %(unclear)d unclear, %(open)d not answered yet.") % {
        "law": review.law_title,
        "date": day(review.law_date),
        "gaps": len(report.gaps),
        "unclear": len(report.unclear),
        "open": len(report.unanswered),
    }
    return IndicatorLine(
        "legislation_review", label, text, url=reverse("advocate:review", args=[review.reference])
    )


def _review_item_lines(ask: Ask, data: CountryData) -> list[IndicatorLine]:
    if data.review is None:
        return []
    checklist = access.checklist()
    lines = []
    for item_id in ask.review_items:
        item = checklist.item(item_id)
        if item is None:
            continue
        given = data.review_answers.get(item_id, gaps.Given(None))
        if given.answer is None:
            text = _("Not answered yet in the review.")
        else:
            text = answer_label(given.answer)
            if given.articles:
                text += f" ({given.articles})"
        lines.append(
            IndicatorLine(
                f"review:{item_id}",
                item.label,
                text,
                citation=item.cited,
                url=reverse("advocate:review", args=[data.review.reference]),
            )
        )
    return lines


def indicator_lines(ask: Ask, data: CountryData) -> list[IndicatorLine]:
    lines: list[IndicatorLine] = []
    for key in ask.indicators:
        if key == "palermo_party":
            text, status = _treaty_text(data, Treaty.PALERMO_PROTOCOL)
            lines.append(
                IndicatorLine(
                    key,
                    str(Treaty.PALERMO_PROTOCOL.label),
                    text,
                    cited=data.cite(SourceKind.PALERMO_PROTOCOL),
                    status=status,
                )
            )
        elif key == "untoc_party":
            text, status = _treaty_text(data, Treaty.UNTOC)
            lines.append(
                IndicatorLine(
                    key, str(Treaty.UNTOC.label), text, cited=data.cite(SourceKind.UNTOC), status=status
                )
            )
        elif key == "regional_instruments":
            lines += _regional_lines(data)
        elif key == "criminalisation":
            text, status = _criminalisation_text(data)
            lines.append(
                IndicatorLine(
                    key,
                    _("Criminalisation of trafficking"),
                    text,
                    cited=data.cite(SourceKind.CRIMINALISATION),
                    status=status,
                )
            )
        elif key in TRENDS:
            lines.append(_trend_line(key, data))
        elif key == "tip_tier_trend":
            lines.append(_tier_line(data))
        elif key == "prevalence":
            lines.append(_prevalence_line(data))
        elif key == "legislation_review":
            lines.append(_review_line(data))
    return lines + _review_item_lines(ask, data)


# --- an ask, a country, every country ----------------------------------------------------------------------------


def ask_line(
    ask: Ask, data: CountryData, evidence: Sequence[Evidence], *, with_indicators: bool = True
) -> AskLine:
    points = evidence_points(evidence) + data_points(ask, data)
    chosen = current(points)
    if chosen is None:
        status, basis = Status.UNKNOWN, Basis.NONE
    else:
        status, basis = chosen.status, chosen.basis
    behind = None
    if chosen is not None and chosen.basis == Basis.EVIDENCE:
        behind = next((item for item in evidence if item.reference == chosen.reference), None)
    lines = tuple(indicator_lines(ask, data)) if with_indicators else ()
    data_line = (
        next((line for line in lines if line.key == ask.status_from), None) if ask.status_from else None
    )
    data_cited = data.cite(STATUS_SOURCES[ask.status_from]) if ask.status_from else None
    return AskLine(ask, status, basis, chosen, behind, lines, tuple(points), data_line, data_cited)


def country_tracker(actor: Actor, info: country_access.CountryInfo) -> CountryTracker:
    """Every ask of the framework for one country, with its indicators and the organisation's approved evidence."""
    framework = access.framework()
    data = load_country(actor, info)
    by_ask: dict[str, list[Evidence]] = defaultdict(list)
    for item in access.approved_evidence(actor, [info.alpha3]):
        by_ask[item.ask].append(item)
    lines = tuple(ask_line(ask, data, by_ask.get(ask.id, [])) for ask in framework.asks)
    return CountryTracker(info, lines, data.sources, framework)


@dataclass(frozen=True)
class MatrixRow:
    info: country_access.CountryInfo
    cells: tuple[AskLine, ...]

    def cell(self, ask_id: str) -> AskLine | None:
        return next((cell for cell in self.cells if cell.ask.id == ask_id), None)


def matrix(actor: Actor, countries: Sequence[country_access.CountryInfo]) -> list[MatrixRow]:
    """Every ask's status in each country (no context indicators): the tracker's overview."""
    framework = access.framework()
    sources = cited_sources(country_access.sources())
    protocol = country_access.all_treaty_status(Treaty.PALERMO_PROTOCOL)
    needs_criminalisation = any(ask.status_from == "criminalisation" for ask in framework.asks)
    evidence: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in access.approved_evidence(actor, [info.alpha3 for info in countries]):
        evidence[(item.country_alpha3, item.ask)].append(item)
    rows = []
    for info in countries:
        data = CountryData(
            info=info,
            sources=sources,
            treaties={Treaty.PALERMO_PROTOCOL: protocol[info.alpha3]} if info.alpha3 in protocol else {},
            criminalisation=country_access.criminalisation(info.alpha3) if needs_criminalisation else [],
        )
        cells = tuple(
            ask_line(ask, data, evidence.get((info.alpha3, ask.id), []), with_indicators=False)
            for ask in framework.asks
        )
        rows.append(MatrixRow(info, cells))
    return rows


def lanes() -> list[str]:
    """The lanes of a timeline chart, top to bottom."""
    return [status_label(status) for status in LANES]
