"""Prosecution statistics of the organisation's own cases, protected as insight protects them (ADR 0013, 0025).

Population: the organisation's cases whose person has a statistics consent in force (the same cases the insight
dashboard counts), each reduced by ``core.outcomes.case_record`` to banded fields. Every count comes from
``insight.access.protected_table`` (k = 11, primary and complementary suppression, audited), one field at a time:

* the main table counts every case by the furthest point its proceedings reached (none, investigation,
  prosecution, trial, verdict without or with a conviction); the attrition funnel is read from it, a step being
  shown only when a reader can work it out from the published counts (``outcomes.derivable``);
* the other tables count one sub-population each (cases with a proceeding, charged, with a verdict, convicted),
  by one field (the year of the investigation / charges / conviction, the time to the first verdict, the sentence
  band, the compensation status). Each is published only when the size of its sub-population is already
  published by the main table: then it is linked to the rest only through a number everyone knows;
* counts by form of exploitation use the same field (insight's three CTDC flags) for several nested
  populations, and two such tables can be subtracted. One is published only when no difference between it and
  any table published before it (the insight dashboard's own table of all cases included) falls between 1 and
  k - 1; otherwise it is withheld and the page says why;
* sums of compensation are published per currency only under a threshold rule (at least k cases) and a
  dominance rule (the two largest contributions below 85 % of the sum).

The national figures beside them are UNODC GLOTIP's (threefold.countries), public and cited, never mixed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent.models import Consent, Purpose
from threefold.countries import access as countries
from threefold.countries.loaders.glotip import Indicator
from threefold.countries.models import SourceKind
from threefold.disclosure import CannotProtectError, Cell, Status
from threefold.insight import access as insight
from threefold.insight.core import crosstab, output
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.dashboard import protection_note as words
from threefold.prosecute.access import facts_by_proceeding
from threefold.prosecute.core import outcomes
from threefold.prosecute.core.outcomes import Point
from threefold.prosecute.models import Proceeding
from threefold.protect import case_access
from threefold.protect.countries import country_name
from threefold.protect.models import Case
from threefold.vault import sealed

K = crosstab.DEFAULT_K
MAX_YEARS = 12
SOURCE = "prosecute"
ZERO = Cell(Status.SHOWN, 0, 0, 0)

# Short: bar charts drawn narrow clip labels after 20 characters. The page explains them once.
POINT_LABELS: Mapping[str, Promise] = {
    Point.NONE: gettext_lazy("No proceeding"),
    Point.INVESTIGATION: gettext_lazy("Investigation only"),
    Point.PROSECUTION: gettext_lazy("Charged, no trial"),
    Point.TRIAL: gettext_lazy("At trial"),
    Point.NOT_CONVICTED: gettext_lazy("Not convicted"),
    Point.CONVICTED: gettext_lazy("Convicted"),
}
LEVELS: Mapping[str, tuple[Promise, tuple[Point, ...]]] = {
    "investigated": (
        gettext_lazy("Investigated"),
        (Point.INVESTIGATION, Point.PROSECUTION, Point.TRIAL, Point.NOT_CONVICTED, Point.CONVICTED),
    ),
    "prosecuted": (
        gettext_lazy("Charged"),
        (Point.PROSECUTION, Point.TRIAL, Point.NOT_CONVICTED, Point.CONVICTED),
    ),
    "tried": (gettext_lazy("Tried"), (Point.TRIAL, Point.NOT_CONVICTED, Point.CONVICTED)),
    "verdict": (gettext_lazy("Verdict"), (Point.NOT_CONVICTED, Point.CONVICTED)),
    "convicted": (gettext_lazy("Convicted"), (Point.CONVICTED,)),
}
TIME_LABELS: Mapping[str, Promise] = {
    "lt6": gettext_lazy("Under 6 months"),
    "6to11": gettext_lazy("6 to 11 months"),
    "12to23": gettext_lazy("1 to 2 years"),
    "24to35": gettext_lazy("2 to 3 years"),
    "36plus": gettext_lazy("3 years or more"),
}
SENTENCE_LABELS: Mapping[str, Promise] = {
    outcomes.NOT_SENTENCED: gettext_lazy("Not sentenced yet"),
    outcomes.NO_CUSTODY: gettext_lazy("No prison term"),
    "lt12": gettext_lazy("Under 1 year"),
    "12to35": gettext_lazy("1 to 3 years"),
    "36to59": gettext_lazy("3 to 5 years"),
    "60to119": gettext_lazy("5 to 10 years"),
    "120plus": gettext_lazy("10 years or more"),
}
COMPENSATION_LABELS: Mapping[str, Promise] = {
    outcomes.Compensation.NONE: gettext_lazy("None ordered"),
    outcomes.Compensation.UNPAID: gettext_lazy("Nothing paid yet"),
    outcomes.Compensation.PARTLY: gettext_lazy("Partly paid"),
    outcomes.Compensation.FULL: gettext_lazy("Paid in full"),
}
FLAG_LABELS: Mapping[str, Promise] = {
    "isSexualExploit": gettext_lazy("Sexual exploitation"),
    "isForcedLabour": gettext_lazy("Forced labour"),
    "isOtherExploit": gettext_lazy("Other forms"),
}


def status_text(cell: Cell, k: int = K) -> str:
    if cell.shown:
        return f"{cell.value:,}"
    if cell.status is Status.PRIMARY:
        return _("fewer than %(k)d") % {"k": k}
    return _("hidden")


@dataclass(frozen=True)
class Figure:
    """One published table: its bars in order (label, cell), its total, what was hidden, its CSV lines."""

    key: str
    title: str
    kind: str  # "columns" (an ordered axis) or "bars"
    rows: tuple[tuple[str, Cell], ...] = ()
    total: Cell | None = None
    note: str = ""
    csv_rows: tuple[dict[str, Any], ...] = ()
    withheld: str = ""  # why the table is not published; then it has no rows

    @property
    def published(self) -> bool:
        return not self.withheld


@dataclass(frozen=True)
class Step:
    """A step of the attrition funnel: how many counted cases reached it, when a reader can work that out."""

    key: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class Amount:
    currency: str
    ordered: Decimal | None  # None: withheld by the threshold or dominance rule
    paid: Decimal | None
    why: str = ""

    @property
    def paid_share(self) -> float | None:
        if self.ordered and self.paid is not None:
            return float(100 * self.paid / self.ordered)
        return None


@dataclass(frozen=True)
class NationalRow:
    year: int
    prosecuted: str  # as UNODC published it ("<5" for a suppressed count), "" when absent
    convicted: str
    own_prosecuted: str  # this organisation's cases charged that year (protected), "" when no figure
    own_convicted: str


@dataclass(frozen=True)
class National:
    country: str  # alpha-2 of the organisation
    name: str
    loaded: bool  # GLOTIP data is loaded at all
    rows: tuple[NationalRow, ...] = ()
    citation: str = ""


@dataclass(frozen=True)
class Statistics:
    counted: Cell  # the grand total of the main table
    funnel: tuple[Step, ...]
    figures: tuple[Figure, ...]
    amounts: tuple[Amount, ...]
    amounts_withheld: str
    national: National
    error: str = ""

    def figure(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)


# ---- the records counted


@dataclass(frozen=True)
class Counted:
    frame: Frame
    records: tuple[dict[str, str], ...]
    amounts: dict[str, list[tuple[Decimal, Decimal]]]  # currency -> (ordered, paid) per convicted case


def counted_cases(actor: Actor) -> Counted:
    """The organisation's consenting cases as statistics records. Decrypts the victim contexts (for the form of
    exploitation) and reduces them at once; audited as a list with the number of cases, never which."""
    consenting = Consent.objects.in_force(Purpose.STATISTICS).filter(organisation_id=actor.org_id)
    cases = list(
        Case.objects.filter(
            organisation_id=actor.org_id,
            person__erased_at__isnull=True,
            person_id__in=consenting.values("person_id"),
        ).order_by("pk")
    )
    proceedings = list(
        Proceeding.objects.filter(case__in=[case.pk for case in cases]).values_list(
            "pk", "case_id", "opened_on"
        )
    )
    facts = facts_by_proceeding([pk for pk, _, _ in proceedings], {pk: day for pk, _, day in proceedings})
    by_case: dict[int, list[outcomes.ProceedingFacts]] = {}
    for pk, case_id, _day in proceedings:
        by_case.setdefault(case_id, []).append(facts[pk])
    records: list[dict[str, str]] = []
    amounts: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for start in range(0, len(cases), 500):
        chunk = cases[start : start + 500]
        keys = sealed.keys_for(bytes(case.context) for case in chunk if case.context)
        for case in chunk:
            context = case_access.read_context(case, keys)
            case_facts = outcomes.CaseFacts(
                tuple(by_case.get(case.pk, ())), tuple(context.exploitation_types)
            )
            record = outcomes.case_record(case_facts)
            records.append(record)
            if record[outcomes.POINT] == Point.CONVICTED:
                per_currency: dict[str, tuple[Decimal, Decimal]] = {}
                for order in (o for p in case_facts.proceedings for o in p.orders):
                    ordered, paid = per_currency.get(order.currency, (Decimal(0), Decimal(0)))
                    per_currency[order.currency] = (
                        ordered + order.ordered,
                        paid + min(order.paid, order.ordered),
                    )
                for currency, pair in per_currency.items():
                    amounts.setdefault(currency, []).append(pair)
    audit.record(
        actor, Action.LIST, ("prosecute.own_cases", ""), purpose="statistics", details={"cases": len(records)}
    )
    frame = Frame.from_records(outcomes.FIELDS, [tuple(r[f] for f in outcomes.FIELDS) for r in records])
    return Counted(frame, tuple(records), amounts)


# ---- the tables


def _cells(published: crosstab.Published) -> dict[str, Cell]:
    return {key: cell for (key,), cell in zip(published.row_keys, published.table.row_totals, strict=True)}


def _table(actor: Actor, frame: Frame, field_name: str, points: Sequence[Point] | None) -> crosstab.Published:
    where = {outcomes.POINT: [p.value for p in points]} if points is not None else None
    return insight.protected_table(actor, frame, [field_name], where=where, source=SOURCE)


def protection_note(rows: Sequence[tuple[str, Cell]]) -> str:
    statuses = [cell.status for _label, cell in rows]
    return words(K, statuses.count(Status.PRIMARY), statuses.count(Status.SECONDARY))


@dataclass(frozen=True)
class Counts:
    """A protected one-field table as the page publishes it: each key's cell and the total, after the table was
    made safe to read with its total known (``_known_total``)."""

    field: str
    cells: dict[str, Cell]
    total: Cell


def _known_total(published: crosstab.Published, known: int) -> Counts | None:
    """Make a one-field table safe to read by someone who knows its total (``known``), or None if it cannot be.

    threefold.disclosure protects a table against what the table itself shows, and may hide the total to do so
    (11 and 1 of 12: the total is hidden, not the 11). Here the total is known from elsewhere (the insight
    dashboard, or the main table for a sub-population), so shown counts are hidden too, the smallest first, until
    every hidden count can still take values ``protection`` apart (``outcomes.holds_with_total``). The reader is
    told each count's status, as always; a count hidden here reads "hidden to protect another cell".
    """
    table = published.table
    cells = _cells(published)

    def holds() -> bool:
        return outcomes.holds_with_total(
            list(cells.values()),
            known,
            k=table.k,
            protection=table.protection,
            zeros_published=table.publish_zeros,
        )

    if not holds():
        for _value, key in sorted(
            (c.value or 0, k) for k, c in cells.items() if c.shown and (c.value or 0) >= table.k
        ):
            cells[key] = Cell(Status.SECONDARY, None, table.k, known)
            if holds():
                break
        else:
            return None
    total = Cell(Status.SHOWN, known, known, known) if known == 0 or known >= table.k else table.grand_total
    return Counts(published.fields[0], cells, total)


def _csv_rows(counts: Counts, order: Sequence[str]) -> tuple[dict[str, Any], ...]:
    """The published counts as the CSV lines insight writes for a one-field table (a hidden count has no number)."""
    lines = [
        {counts.field: key or output.UNKNOWN, "count": cell.value, "status": output.status_text(cell, K)}
        for key, cell in ((key, counts.cells.get(key, ZERO)) for key in order)
    ]
    lines.append(
        {counts.field: output.ALL, "count": counts.total.value, "status": output.status_text(counts.total, K)}
    )
    return tuple(lines)


def _figure(
    key: str,
    title: str,
    kind: str,
    counts: Counts,
    order: Sequence[str] | None,
    labels: Mapping[str, Any] | None,
) -> Figure:
    if order is None:  # years: the keys found, in order
        order = sorted(k for k in counts.cells if k != MISSING)
    rows = tuple((str(labels[k]) if labels else k, counts.cells.get(k, ZERO)) for k in order)
    return Figure(key, title, kind, rows, counts.total, protection_note(rows), _csv_rows(counts, order))


def _dependent(
    actor: Actor,
    frame: Frame,
    key: str,
    title: str,
    kind: str,
    level: str,
    field_name: str,
    sizes: Mapping[str, int | None],
    labels: Mapping[str, Any] | None,
) -> Figure:
    """A table of one sub-population (``level``), published only when its size is known from the main table, and
    made safe to read with that size known."""
    known = sizes[level]
    if known is None:
        return _withheld(key, title, kind, str(TOO_FEW))
    if known == 0:
        return _withheld(key, title, kind, str(NONE_YET))
    try:
        published = _table(actor, frame, field_name, LEVELS[level][1])
    except CannotProtectError:  # insight keeps every table's total shown: no pattern protects this one
        return _withheld(key, title, kind, str(BY_TOTAL))
    counts = _known_total(published, known)
    if counts is None:
        return _withheld(key, title, kind, str(BY_TOTAL))
    figure = _figure(key, title, kind, counts, list(labels) if labels else None, labels)
    if field_name in (outcomes.TIME_TO_VERDICT, outcomes.SENTENCE):
        figure = replace(
            figure, note=figure.note + " " + _("A band includes its lower figure, not its upper one.")
        )
    return figure


def _withheld(key: str, title: str, kind: str, why: str) -> Figure:
    return Figure(key, title, kind, withheld=why)


def _level_size(main: dict[str, Cell], total: Cell, level: str) -> int | None:
    return outcomes.derivable(main, total, [p.value for p in LEVELS[level][1]])


def _display(value: int | None, status: Status = Status.SECONDARY) -> Cell:
    """A number a reader can work out, shown like a count: a derived small number still reads "fewer than k"."""
    if value is None:
        return Cell(status, None, 0, None)
    if 0 < value < K:
        return Cell(Status.PRIMARY, None, 1, K - 1)
    return Cell(Status.SHOWN, value, value, value)


TOO_FEW = gettext_lazy(
    "Not published: how many cases reached this point is itself hidden in the main table, and a table of them "
    "would reveal it."
)
UNPROTECTABLE = gettext_lazy(
    "Not published: with so few cases at each point, any table of them would narrow a small count down."
)
NONE_YET = gettext_lazy("No counted case has reached this point yet.")
BY_TOTAL = gettext_lazy(
    "Not published: with the number of these cases, which the main table shows, it would reveal a small count."
)


def statistics(actor: Actor) -> Statistics:
    """Every figure of the prosecution statistics page (audited table by table by ``protected_table``)."""
    if not allowed(actor, "prosecute.view_statistics"):
        raise PermissionDenied
    counted = counted_cases(actor)
    national = national_figures(actor)
    frame = counted.frame
    if not frame.size:
        return Statistics(ZERO, (), (), (), "", national)
    try:
        return _statistics(actor, counted, national)
    except (FrameError, CannotProtectError):
        return Statistics(
            Cell(Status.SECONDARY, None, 0, None),
            (),
            (),
            (),
            "",
            national,
            error=_("These statistics cannot be published safely now."),
        )


def _statistics(actor: Actor, counted: Counted, national: National) -> Statistics:
    frame = counted.frame
    main_table = _table(actor, frame, outcomes.POINT, None)
    title = _("Where each survivor's case stands")
    if frame.size >= K:
        # The number of counted cases is on the insight dashboard (shown there from k on): read as known.
        counts = _known_total(main_table, frame.size)
    else:
        counts = Counts(outcomes.POINT, _cells(main_table), main_table.table.grand_total)
    if counts is None:
        # Every way of hiding would still narrow a small count down: only the number of cases is published,
        # and nothing that depends on the breakdown.
        total = Cell(Status.SHOWN, frame.size, frame.size, frame.size)
        main = {p.value: Cell(Status.SECONDARY, None, 0, frame.size) for p in outcomes.POINTS}
        figures = [_withheld("points", title, "bars", str(UNPROTECTABLE))]
    else:
        main, total = counts.cells, counts.total
        figures = [_figure("points", title, "bars", counts, [p.value for p in outcomes.POINTS], POINT_LABELS)]
    sizes = {level: _level_size(main, total, level) for level in LEVELS}
    funnel = (
        Step("identified", _("Identified"), total),
        *(Step(level, str(label), _display(sizes[level])) for level, (label, _points) in LEVELS.items()),
    )
    dependent = (
        (
            "investigated_by_year",
            _("Investigations by the year they began"),
            "investigated",
            outcomes.YEAR_INVESTIGATED,
        ),
        (
            "prosecuted_by_year",
            _("Cases where charges were brought, by year"),
            "prosecuted",
            outcomes.YEAR_PROSECUTED,
        ),
        ("convicted_by_year", _("Convictions by year"), "convicted", outcomes.YEAR_CONVICTED),
    )
    for key, title, level, field_name in dependent:
        figures.append(_dependent(actor, frame, key, title, "columns", level, field_name, sizes, None))
    figures += _forms(actor, counted, sizes)
    banded = (
        (
            "time_to_verdict",
            _("Time from the investigation to the first verdict"),
            "verdict",
            outcomes.TIME_TO_VERDICT,
            TIME_LABELS,
        ),
        (
            "sentences",
            _("Prison terms (the longest in each case)"),
            "convicted",
            outcomes.SENTENCE,
            SENTENCE_LABELS,
        ),
        (
            "compensation",
            _("Compensation and restitution in cases with a conviction"),
            "convicted",
            outcomes.COMPENSATION,
            COMPENSATION_LABELS,
        ),
    )
    for key, title, level, field_name, labels in banded:
        figures.append(_dependent(actor, frame, key, title, "bars", level, field_name, sizes, labels))
    amounts, amounts_withheld = _amounts(counted, sizes["convicted"])
    return Statistics(total, funnel, tuple(figures), amounts, amounts_withheld, national)


def _forms(actor: Actor, counted: Counted, sizes: Mapping[str, int | None]) -> list[Figure]:
    """Counts by form of exploitation for cases investigated, charged and convicted (one table per flag and
    level), each withheld when a difference with a table published before it would be a small count."""
    records = counted.records
    yes: dict[str, dict[str, int]] = {flag: {} for flag in outcomes.FLAGS}
    size: dict[str, int] = {"all": len(records)}
    members: dict[str, frozenset[str]] = {"all": frozenset(p.value for p in outcomes.POINTS)}
    for level in ("investigated", "prosecuted", "convicted"):
        members[level] = frozenset(p.value for p in LEVELS[level][1])
    for level, points in members.items():
        chosen = [r for r in records if r[outcomes.POINT] in points]
        size[level] = len(chosen)
        for flag in outcomes.FLAGS:
            yes[flag][level] = sum(1 for r in chosen if r[flag] == "1")
    titles = {
        "investigated": _("Investigations by form of exploitation"),
        "prosecuted": _("Cases where charges were brought, by form of exploitation"),
        "convicted": _("Convictions by form of exploitation"),
    }
    published: dict[str, list[str]] = {flag: ["all"] for flag in outcomes.FLAGS}  # insight shows all cases'
    figures = []
    for level in ("investigated", "prosecuted", "convicted"):
        key = f"forms_{level}"
        if sizes[level] is None or sizes[level] == 0:
            figures.append(
                _withheld(key, titles[level], "bars", str(TOO_FEW if sizes[level] is None else NONE_YET))
            )
            continue
        rows: list[tuple[str, Cell]] = []
        csv_rows: list[dict[str, Any]] = []
        withheld: list[str] = []
        for flag in outcomes.FLAGS:
            if _small_difference(yes[flag], size, level, published[flag]):
                withheld.append(str(FLAG_LABELS[flag]))
                continue
            flag_counts = _known_total(_table(actor, counted.frame, flag, LEVELS[level][1]), size[level])
            if flag_counts is None:
                withheld.append(str(FLAG_LABELS[flag]))
                continue
            published[flag].append(level)
            cell = flag_counts.cells.get("1", ZERO)
            rows.append((str(FLAG_LABELS[flag]), cell))
            csv_rows.append({"form": flag, "count": cell.value, "status": output.status_text(cell, K)})
        note = protection_note(rows)
        if withheld:
            note += " " + _(
                "Not published, as a difference with another table would reveal a small count: %(forms)s."
            ) % {"forms": ", ".join(withheld)}
        figures.append(Figure(key, titles[level], "bars", tuple(rows), None, note, tuple(csv_rows)))
    return figures


def _small_difference(
    yes: Mapping[str, int], size: Mapping[str, int], level: str, before: Sequence[str]
) -> bool:
    for other in before:
        differences = (yes[other] - yes[level], (size[other] - yes[other]) - (size[level] - yes[level]))
        if any(0 < abs(d) < K for d in differences):
            return True
    return False


def _amounts(counted: Counted, convicted: int | None) -> tuple[tuple[Amount, ...], str]:
    if convicted is None:
        return (), str(TOO_FEW)
    found = []
    for currency in sorted(counted.amounts):
        pairs = counted.amounts[currency]
        why_ordered = outcomes.magnitude_hidden([ordered for ordered, _paid in pairs], K)
        why_paid = outcomes.magnitude_hidden([paid for _ordered, paid in pairs], K)
        paid_total = sum((paid for _ordered, paid in pairs), Decimal(0))
        found.append(
            Amount(
                currency,
                None if why_ordered else sum((ordered for ordered, _paid in pairs), Decimal(0)),
                # Nothing paid at all is a true zero that points at nobody.
                None if why_paid and paid_total else paid_total,
                why_ordered or why_paid,
            )
        )
    return tuple(found), ""


# ---- national figures


def alpha3(alpha2: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha2.upper()) if alpha2 else None
    return country.alpha_3 if country else ""


def national_figures(actor: Actor) -> National:
    """The organisation's country's GLOTIP persons prosecuted and convicted by year, as published."""
    organisation = actor.organisation
    code = organisation.country if organisation else ""
    source = countries.source(SourceKind.GLOTIP)
    name = country_name(code) if code else ""
    if source is None:
        return National(code, name, loaded=False)
    iso3 = alpha3(code)
    series = (
        {
            indicator: {point.year: point for point in reversed(countries.glotip_series(iso3, indicator))}
            for indicator in (Indicator.PERSONS_PROSECUTED, Indicator.PERSONS_CONVICTED)
        }
        if iso3
        else {}
    )
    years = sorted({year for points in series.values() for year in points}, reverse=True)[:MAX_YEARS]

    def shown(indicator: Indicator, year: int) -> str:
        point = series.get(indicator, {}).get(year)
        if point is None:
            return ""
        return f"{point.value:,}" if point.value is not None else f"<{point.censored_below}"

    rows = tuple(
        NationalRow(
            year, shown(Indicator.PERSONS_PROSECUTED, year), shown(Indicator.PERSONS_CONVICTED, year), "", ""
        )
        for year in years
    )
    return National(code, name, loaded=True, rows=rows, citation=source.citation)


def with_own(national: National, result: Statistics) -> National:
    """The national rows with this organisation's protected counts of the same years beside them, and the years
    only this organisation has figures for (the national series usually stop a few years back)."""
    own: dict[str, dict[str, Cell]] = {}
    for key in ("prosecuted_by_year", "convicted_by_year"):
        figure = result.figure(key)
        own[key] = dict(figure.rows) if figure and figure.published else {}
    by_year = {row.year: row for row in national.rows}
    years = sorted(
        set(by_year) | {int(label) for cells in own.values() for label in cells if label.isdigit()},
        reverse=True,
    )[:MAX_YEARS]

    def mine(key: str, year: int) -> str:
        return status_text(own[key].get(str(year), ZERO)) if own[key] else ""

    rows = tuple(
        NationalRow(
            year,
            by_year[year].prosecuted if year in by_year else "",
            by_year[year].convicted if year in by_year else "",
            mine("prosecuted_by_year", year),
            mine("convicted_by_year", year),
        )
        for year in years
    )
    return National(national.country, national.name, national.loaded, rows, national.citation)
