"""The pages of a US federal prosecutions dataset (three linked tables: cases, defendants, judges): its dashboard
and its "count by any field" page. ``dashboard.dashboard`` and ``views.table`` hand a dataset of this kind over
to these.

The same protection as every imported dataset's page: each chart and table is a protected table (counts below
k hidden, and any count from which one could be worked out), audited; sums and medians are shown only over k
values or more. Filters (a range of years, a state) are offered, as on CTDC datasets: the files are published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.disclosure import CannotProtectError, Cell
from threefold.insight import access
from threefold.insight import prosecution_fields as fields
from threefold.insight.core import amounts, crosstab, output
from threefold.insight.core import prosecutions as p
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.dashboard import INLINE_WIDTH, natural_order, note_of, status_text
from threefold.insight.models import Dataset
from threefold.web import svgchart
from threefold.web.counts import BAR_BOX, chart, present

# The fields a filter selects by, in each table: the case's year and state.
YEAR_FIELD = {p.CASES: "year", p.DEFENDANTS: "case_year", p.JUDGES: "case_year"}
STATE_FIELD = {p.CASES: "state", p.DEFENDANTS: "case_state", p.JUDGES: "case_state"}


@dataclass(frozen=True)
class Spec:
    key: str
    title: Promise
    table: str
    field: str
    kind: str  # "columns" (a time axis: unknown left out) or "bars"


CHARTS = (
    # Bars rather than columns, for years too: the file's 17 years are too many columns for a phone.
    Spec("years", gettext_lazy("Cases by year"), p.CASES, "year", "bars"),
    Spec("states", gettext_lazy("Cases by state"), p.CASES, "state", "bars"),
    Spec("defendants", gettext_lazy("Cases by number of defendants"), p.CASES, "defendants_band", "bars"),
    Spec("outcomes", gettext_lazy("Defendants by outcome"), p.DEFENDANTS, "outcome", "bars"),
    Spec("sentences", gettext_lazy("Defendants by prison sentence"), p.DEFENDANTS, "sentence_band", "bars"),
    Spec(
        "time",
        gettext_lazy("Defendants by years from charge to the end of the case"),
        p.DEFENDANTS,
        "years_to_termination",
        "bars",
    ),
    Spec(
        "restitution",
        gettext_lazy("Defendants ordered to pay restitution"),
        p.DEFENDANTS,
        "restitution_ordered",
        "bars",
    ),
    Spec(
        "judges",
        gettext_lazy("Judges by the party of the president who appointed them"),
        p.JUDGES,
        "appointed_by",
        "bars",
    ),
)


@dataclass(frozen=True)
class Figure:
    spec: Spec
    title: str
    unit: str
    rows: tuple[tuple[str, Cell], ...]  # (label, published cell): the chart's accessible table
    total: Cell
    k: int
    note: str
    csv_rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Filters:
    year_from: str = ""
    year_to: str = ""
    state: str = ""

    @property
    def any(self) -> bool:
        return bool(self.year_from or self.year_to or self.state)

    def where(self, table: str, years: Sequence[str]) -> dict[str, list[str]]:
        where: dict[str, list[str]] = {}
        if self.year_from or self.year_to:
            where[YEAR_FIELD[table]] = [
                year
                for year in years
                if (not self.year_from or year >= self.year_from)
                and (not self.year_to or year <= self.year_to)
            ]
        if self.state:
            where[STATE_FIELD[table]] = [self.state]
        return where

    def query(self) -> str:
        pairs = (("year_from", self.year_from), ("year_to", self.year_to), ("state", self.state))
        return urlencode([(name, value) for name, value in pairs if value])


def _filters(request: HttpRequest, years: Sequence[str], states: Sequence[str]) -> tuple[Filters, list[str]]:
    problems: list[str] = []
    bounds = []
    for name in ("year_from", "year_to"):
        value = request.GET.get(name, "").strip()
        if value and value not in years:
            problems.append(_("Choose a year from the list."))
            value = ""
        bounds.append(value)
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        problems.append(_("The first year must not come after the last."))
        bounds = ["", ""]
    state = request.GET.get("state", "").strip()
    if state and state not in states:
        problems.append(_("Choose a state from the list."))
        state = ""
    return Filters(bounds[0], bounds[1], state), list(dict.fromkeys(problems))


def _sorted(field: str, entries: list[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    """Known values in their field's order (or by their leading number, then their text); unknown last."""
    order = fields.order_of(field)
    if order is not None:
        rank = {key: i for i, key in enumerate(order)}
        known = sorted(
            (e for e in entries if e[0] != MISSING), key=lambda e: (rank.get(e[0], len(rank)), e[0])
        )
    else:
        known = sorted((e for e in entries if e[0] != MISSING), key=lambda e: natural_order(e[0]))
    return known + [e for e in entries if e[0] == MISSING]


def _figure(actor: Actor, found: Dataset, spec: Spec, where: Mapping[str, list[str]]) -> Figure:
    frame = access.frame_of(found, spec.table)
    published = access.protected_table(
        actor, frame, [spec.field], where=where or None, source=_source(found, spec.table)
    )
    within = set(where[spec.field]) if spec.field in where else None
    entries = [
        (key, cell)
        for (key,), cell in zip(published.row_keys, published.table.row_totals, strict=True)
        # Unknown has no place on a time axis, nor as a bar nobody has; a filtered field shows what was chosen.
        if (key != MISSING or (spec.kind != "columns" and cell.value != 0))
        and (within is None or key in within)
    ]
    shown = tuple((fields.label_of(spec.field, key), cell) for key, cell in _sorted(spec.field, entries))
    k = published.table.k
    return Figure(
        spec,
        str(spec.title),
        str(fields.UNITS[spec.table]),
        shown,
        published.table.grand_total,
        k,
        note_of(k, shown),
        tuple(output.published_rows(published)),
    )


def _source(found: Dataset, table: str) -> str:
    """The audit key of one table of the dataset."""
    return f"{found.pk}/{table}"


def _svg(figure: Figure, *, inline: bool) -> str:
    drawn = svgchart.single(
        figure.title,
        _("%(title)s. The same counts are in the table under the chart.") % {"title": figure.title},
        [label for label, _cell in figure.rows],
        [cell.value if cell.shown else None for _label, cell in figure.rows],
        [status_text(cell, figure.k) for _label, cell in figure.rows],
        name=figure.unit,
        note="" if inline else figure.note,
        id_prefix=f"chart-{figure.spec.key}",
    )
    draw = svgchart.columns if figure.spec.kind == "columns" else svgchart.bars
    return draw(
        drawn, rtl=get_language_bidi(), heading=not inline, width=INLINE_WIDTH if inline else svgchart.WIDTH
    )


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@dataclass(frozen=True)
class Headline:
    cases: Cell
    defendants: Cell
    per_case: float | None  # defendants per case, when both totals are shown
    restitution: amounts.Summary  # over defendants ordered to pay some
    time: amounts.Summary  # years from charge to the end of the case


def _headline(
    actor: Actor, found: Dataset, figures: Sequence[Figure], wheres: Mapping[str, dict[str, list[str]]]
) -> Headline | None:
    totals = {figure.spec.table: figure.total for figure in figures}
    if p.CASES not in totals or p.DEFENDANTS not in totals:
        return None
    cases, defendants = totals[p.CASES], totals[p.DEFENDANTS]
    per_case = (
        defendants.value / cases.value
        if cases.shown and defendants.shown and cases.value and defendants.value is not None
        else None
    )
    frame = access.frame_of(found, p.DEFENDANTS)
    where = wheres[p.DEFENDANTS] or None
    source = _source(found, p.DEFENDANTS)
    return Headline(
        cases,
        defendants,
        per_case,
        access.protected_summary(actor, frame, "restitution", where=where, positive_only=True, source=source),
        access.protected_summary(actor, frame, "years_to_termination", where=where, source=source),
    )


def dashboard(request: HttpRequest, actor: Actor, found: Dataset) -> HttpResponse:
    cases = access.frame_of(found, p.CASES)
    years = [key for key in cases.column("year").every_key() if key.isdigit()]
    states = [key for key in cases.column("state").every_key() if key != MISSING]
    filters, problems = _filters(request, years, states)
    wheres = {table: filters.where(table, years) for table in p.TABLES}
    wanted = request.GET.get("chart", "")
    specs = [spec for spec in CHARTS if not wanted or spec.key == wanted]
    if wanted and not specs:
        raise Http404
    figures: list[Figure] = []
    withheld: list[
        str
    ] = []  # charts that no suppression pattern protects: left out, each named (as dashboard.py)
    headline = None
    error = ""
    try:
        for spec in specs:
            try:
                figures.append(_figure(actor, found, spec, wheres[spec.table]))
            except CannotProtectError:
                withheld.append(str(spec.title))
        if not wanted:
            try:
                headline = _headline(actor, found, figures, wheres)
            except CannotProtectError:
                headline = None  # its figures are each marked as hidden where the page cannot show them
    except FrameError:
        error = _("These charts cannot be published safely with these filters: choose fewer filters.")
        figures = []
    fmt = request.GET.get("format", "")
    if wanted and fmt:
        if not figures:
            raise Http404
        figure = figures[0]
        stem = f"threefold-{found.pk}-{figure.spec.key}"
        if fmt == "csv":
            return _download(output.to_csv(figure.csv_rows), "text/csv", f"{stem}.csv")
        if fmt == "svg":
            response = HttpResponse(_svg(figure, inline=False), content_type="image/svg+xml")
            if request.GET.get("download"):
                response["Content-Disposition"] = f'attachment; filename="{stem}.svg"'
            return response
        raise Http404
    return render(
        request,
        "insight/prosecution_dashboard.html",
        {
            "dataset": found,
            "sizes": found.table_sizes,
            # Drawn inline: one request for the whole page. Every text in them is escaped where it is drawn.
            "figures": [(figure, mark_safe(_svg(figure, inline=True))) for figure in figures],  # noqa: S308
            "headline": headline,
            "filters": filters,
            "query": filters.query(),
            "years": years,
            "states": states,
            "problems": problems,
            "error": error,
            "withheld": withheld,
            "k": crosstab.DEFAULT_K,
        },
        status=400 if problems else 200,
    )


def table(request: HttpRequest, actor: Actor, found: Dataset) -> HttpResponse:
    """Count one table of the dataset by one or two of its fields, as a protected table with its chart."""
    table_name = request.GET.get("table", "") or p.CASES
    if table_name not in fields.TABLES:
        raise Http404
    frame: Frame = access.frame_of(found, table_name)
    available = {name: label for name, label in fields.FIELDS[table_name].items() if name in frame.columns}
    by = [name for name in (request.GET.get("rows", ""), request.GET.get("columns", "")) if name]
    by = list(dict.fromkeys(by)) or [next(iter(available))]
    error = ""
    protected = None
    if any(name not in available for name in by):
        error = _("Choose fields from the lists.")
    elif frame.size:
        try:
            protected = access.protected_table(actor, frame, by, source=_source(found, table_name))
        except (FrameError, CannotProtectError):
            error = _("This table is too detailed to publish safely: choose fewer or coarser fields.")
    if protected and request.GET.get("format") == "csv":
        return _download(
            output.to_csv(output.published_rows(protected)),
            "text/csv",
            f"threefold-{found.pk}-{table_name}-{'-'.join(by)}.csv",
        )
    shown = None
    if protected:
        column_field = protected.column_field
        columns = {
            column: (
                str(fields.UNITS[table_name]) if not column_field else fields.label_of(column_field, column)
            )
            for column in protected.table.columns
        }
        keys = dict(zip(protected.table.rows, protected.row_keys, strict=True))
        row_fields = protected.row_fields
        shown = present(
            protected.table,
            row_label=lambda label: " · ".join(
                fields.label_of(f, v) for f, v in zip(row_fields, keys[label], strict=True)
            ),
            column_labels=columns,
        )
    return render(
        request,
        "insight/prosecution_table.html",
        {
            "dataset": found,
            "tables": [(name, label, found.table_sizes.get(name)) for name, label in fields.TABLES.items()],
            "table_name": table_name,
            "table_label": fields.TABLES[table_name],
            "size": frame.size,
            "fields": available,
            "rows_field": by[0],
            "columns_field": by[1] if len(by) > 1 else "",
            "table": shown,
            "chart": chart(shown, rtl=get_language_bidi()) if shown else (),
            "bar_box": BAR_BOX,
            "error": error,
            "row_heading": str(available.get(by[0], "")),
        },
    )
