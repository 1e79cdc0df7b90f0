"""Dashboards: a page of charts for one source (the organisation's consenting cases, or an imported dataset),
and a page comparing the two. Every chart is drawn from a protected table (small counts hidden, and any count
from which one could be worked out), carries the note of what was hidden, and downloads as the CSV of exactly
what it shows and as the SVG picture the page shows.

Filters are offered on imported datasets only. Each filter makes another table of the same records, and two
tables that differ by a filter can be subtracted: a count shown as 25 in one and 23 in the other reveals a 2
that suppression hid in both. Imported datasets are published files (CTDC's are k-anonymised before release);
the organisation's own cases are not, so their dashboard shows fixed tables only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.disclosure import CannotProtectError, Cell, Status
from threefold.insight import access
from threefold.insight.core import crosstab, output
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.models import DatasetKind
from threefold.insight.views import COUNTRY_FIELDS, FIELDS, label_of, map_of, source_of
from threefold.web import svgchart, worldmap

YEAR = "yearOfRegistration"
EXPLOITATION = ("isSexualExploit", "isForcedLabour", "isOtherExploit")
YES = "1"
LEADING_NUMBER = re.compile(r"\d+(\.\d+)?")


@dataclass(frozen=True)
class Spec:
    key: str
    title: Promise
    fields: tuple[str, ...]  # one field; several flag fields for a chart of "how many have each flag"
    kind: str  # "columns" (an ordered axis), "bars" or "map"


CHARTS = (
    Spec("years", gettext_lazy("Records by year of registration"), (YEAR,), "columns"),
    Spec("exploitation", gettext_lazy("Records by type of exploitation"), tuple(EXPLOITATION), "bars"),
    Spec("gender", gettext_lazy("Records by gender"), ("gender",), "bars"),
    Spec("age", gettext_lazy("Records by age band"), ("ageBroad",), "bars"),
    Spec("citizenship", gettext_lazy("Countries of citizenship"), ("citizenship",), "map"),
    Spec("exploited_in", gettext_lazy("Countries of exploitation"), ("CountryOfExploitation",), "map"),
)
FILTER_FIELDS = ("gender", "ageBroad")
# Charts in a page are drawn narrow, so that a phone shrinking them to its screen keeps their text readable.
INLINE_WIDTH = 420


@dataclass(frozen=True)
class Figure:
    spec: Spec
    title: str
    rows: tuple[tuple[str, Cell], ...]  # (label, published cell), the chart's accessible table
    total: Cell | None
    k: int
    note: str
    csv_rows: tuple[dict[str, Any], ...]
    published: tuple[crosstab.Published, ...]


def protection_note(k: int, primary: int, secondary: int) -> str:
    """The sentence every chart carries: which rule hid what."""
    if not primary and not secondary:
        return _("Counts below %(k)d are hidden; none had to be in this chart.") % {"k": k}
    parts = [
        ngettext("%(n)d count below %(k)d is hidden", "%(n)d counts below %(k)d are hidden", primary)
        % {"n": primary, "k": k}
    ]
    if secondary:
        parts.append(
            ngettext(
                "%(n)d more is hidden so that it cannot be worked out from the totals",
                "%(n)d more are hidden so that they cannot be worked out from the totals",
                secondary,
            )
            % {"n": secondary}
        )
    return "; ".join(parts) + "."


def status_text(cell: Cell, k: int) -> str:
    if cell.status is Status.SHOWN:
        return f"{cell.value:,}"
    if cell.status is Status.PRIMARY:
        return _("fewer than %(k)d") % {"k": k}
    return _("hidden")


@dataclass(frozen=True)
class Filters:
    """The filters of a dataset dashboard, validated against the dataset's own keys."""

    year_from: str = ""
    year_to: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (field, key)
    exploitation: str = ""

    @property
    def any(self) -> bool:
        return bool(self.year_from or self.year_to or self.values or self.exploitation)

    def where(self, frame: Frame) -> dict[str, list[str]]:
        where: dict[str, list[str]] = {field: [key] for field, key in self.values}
        if self.year_from or self.year_to:
            years = [key for key in frame.column(YEAR).every_key() if key.isdigit()]
            where[YEAR] = [
                y
                for y in years
                if (not self.year_from or y >= self.year_from) and (not self.year_to or y <= self.year_to)
            ]
        if self.exploitation:
            where[self.exploitation] = [YES]
        return where

    def query(self) -> str:
        pairs = [
            ("year_from", self.year_from),
            ("year_to", self.year_to),
            ("exploitation", self.exploitation),
        ]
        pairs += list(self.values)
        return urlencode([(name, value) for name, value in pairs if value])


def _filters(request: HttpRequest, frame: Frame) -> tuple[Filters, list[str]]:
    """The filters asked for, and a message for each one that is not a value of this dataset."""
    problems: list[str] = []
    years = (
        {key for key in frame.column(YEAR).every_key() if key.isdigit()} if YEAR in frame.columns else set()
    )
    bounds = []
    for name in ("year_from", "year_to"):
        value = request.GET.get(name, "").strip()
        if value and value not in years:
            problems.append(_("Choose a year from the list."))
            value = ""
        bounds.append(value)
    values = []
    for field in FILTER_FIELDS:
        value = request.GET.get(field, "")
        if value and field in frame.columns:
            if value not in frame.column(field).every_key():
                problems.append(_("Choose a value from the list."))
                continue
            values.append((field, value))
    exploitation = request.GET.get("exploitation", "")
    if exploitation and (exploitation not in EXPLOITATION or exploitation not in frame.columns):
        problems.append(_("Choose a type of exploitation from the list."))
        exploitation = ""
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        problems.append(_("The first year must not come after the last."))
        bounds = ["", ""]
    return Filters(bounds[0], bounds[1], tuple(values), exploitation), list(dict.fromkeys(problems))


def _figure(actor: Any, frame: Frame, spec: Spec, where: Mapping[str, list[str]], key: str) -> Figure | None:
    """One chart's protected counts, or None when the source has none of its fields."""
    fields = [field for field in spec.fields if field in frame.columns]
    if not fields:
        return None
    published = [
        access.protected_table(actor, frame, [field], where=where or None, source=key) for field in fields
    ]
    k = published[0].table.k
    if spec.key == "exploitation":
        rows = []
        for field, table in zip(fields, published, strict=True):
            cells = dict(zip((rk[0] for rk in table.row_keys), table.table.row_totals, strict=True))
            if YES in cells:
                rows.append((field, str(FIELDS[field]), cells[YES]))
        shown = tuple((label, cell) for _field, label, cell in rows)
        csv_rows = tuple(
            {"exploitation": field, "count": cell.value, "status": output.status_text(cell, k)}
            for field, _label, cell in rows
        )
        total = None
    else:
        table = published[0]
        field = fields[0]
        within = set(where.get(field, ())) if field in where else None
        entries = sorted(
            (
                (row_key, cell)
                for (row_key,), cell in zip(table.row_keys, table.table.row_totals, strict=True)
                # An unknown value nobody has is not worth a bar; a time axis has no point for unknown years;
                # a filtered field shows only the values chosen (a year range shows only its years).
                if (row_key != MISSING or (spec.kind != "columns" and cell.value != 0))
                and (within is None or row_key in within)
            ),
            key=lambda entry: natural_order(entry[0]),
        )
        shown = tuple((label_of(field, row_key), cell) for row_key, cell in entries)
        csv_rows = tuple(output.published_rows(table))
        total = table.table.grand_total
    return Figure(spec, str(spec.title), shown, total, k, note_of(k, shown), csv_rows, tuple(published))


def natural_order(key: str) -> tuple[int, float, str]:
    """Unknown first, then values by their leading number (age bands "9--17" before "18--20"), then by text."""
    if key == MISSING:
        return (0, 0.0, "")
    match = LEADING_NUMBER.match(key)
    return (1, float(match.group()), key) if match else (2, 0.0, key)


def note_of(k: int, shown: Sequence[tuple[str, Cell]]) -> str:
    """The protection note of a chart, counting the bars it draws (a table's count() would also count each
    row total, which in a one-field table is the same count again)."""
    statuses = [cell.status for _label, cell in shown]
    return protection_note(k, statuses.count(Status.PRIMARY), statuses.count(Status.SECONDARY))


def _svg(figure: Figure, *, inline: bool) -> str:
    """The figure's chart as SVG: a file with its own title, or (``inline``) for a page that heads it already."""
    if figure.spec.kind == "map":
        drawn = map_of(
            figure.published[0],
            list(figure.spec.fields),
            id_prefix=f"map-{figure.spec.key.replace('_', '-')}",
        )
        if drawn is None:
            raise Http404
        return worldmap.to_svg(drawn, heading=not inline, fixed_size=not inline)
    chart = svgchart.single(
        figure.title,
        _("%(title)s. The same counts are in the table under the chart.") % {"title": figure.title},
        [label for label, _cell in figure.rows],
        [cell.value if cell.shown else None for _label, cell in figure.rows],
        [status_text(cell, figure.k) for _label, cell in figure.rows],
        name=_("Records"),
        note="" if inline else figure.note,
        id_prefix=f"chart-{figure.spec.key.replace('_', '-')}",
    )
    draw = svgchart.columns if figure.spec.kind == "columns" else svgchart.bars
    return draw(
        chart, rtl=get_language_bidi(), heading=not inline, width=INLINE_WIDTH if inline else svgchart.WIDTH
    )


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET"])
def dashboard(request: HttpRequest, source: str) -> HttpResponse:
    actor = acting_member(request)
    if source != access.OWN_CASES:
        found = access.dataset(actor, source)
        if found.kind == DatasetKind.PROSECUTIONS:
            from threefold.insight import prosecution_views  # it imports this module's chart helpers

            return prosecution_views.dashboard(request, actor, found)
    title, frame, key = source_of(request, source)
    own = source == access.OWN_CASES
    filters, problems = (Filters(), []) if own else _filters(request, frame)
    where = filters.where(frame) if frame.size else {}
    wanted = request.GET.get("chart", "")
    specs = [spec for spec in CHARTS if not wanted or spec.key == wanted]
    if wanted and not specs:
        raise Http404
    figures: list[Figure] = []
    withheld: list[Spec] = []  # charts that no suppression pattern protects: left out, each named
    error = ""
    if frame.size:
        try:
            for spec in specs:
                try:
                    figure = _figure(actor, frame, spec, where, key)
                except CannotProtectError:
                    withheld.append(spec)
                    continue
                if figure:
                    figures.append(figure)
        except FrameError:
            error = _("These charts cannot be published safely with these filters: choose fewer filters.")
    fmt = request.GET.get("format", "")
    if wanted and fmt:
        if not figures:
            raise Http404
        figure = figures[0]
        stem = f"threefold-{key}-{figure.spec.key}"
        if fmt == "csv":
            return _download(output.to_csv(figure.csv_rows), "text/csv", f"{stem}.csv")
        if fmt == "svg":
            response = HttpResponse(_svg(figure, inline=False), content_type="image/svg+xml")
            if request.GET.get("download"):
                response["Content-Disposition"] = f'attachment; filename="{stem}.svg"'
            return response
        raise Http404
    options = {}
    if not own and frame.size:
        options = {
            "years": sorted(k for k in frame.column(YEAR).every_key() if k.isdigit())
            if YEAR in frame.columns
            else [],
            "values": [
                (
                    field,
                    FIELDS[field],
                    [(k, label_of(field, k)) for k in frame.column(field).every_key() if k != MISSING],
                )
                for field in FILTER_FIELDS
                if field in frame.columns
            ],
            "exploitation": [(name, FIELDS[name]) for name in EXPLOITATION if name in frame.columns],
        }
    return render(
        request,
        "insight/dashboard.html",
        {
            "title": title,
            "source": source,
            "own": own,
            "size": frame.size,
            # Drawn inline: one request for the whole page. Every text in them is escaped where it is drawn.
            "figures": [(figure, mark_safe(_svg(figure, inline=True))) for figure in figures],  # noqa: S308
            "filters": filters,
            "chosen": dict(filters.values),
            "query": filters.query(),
            "options": options,
            "problems": problems,
            "error": error,
            "withheld": [str(spec.title) for spec in withheld],
        },
        status=400 if problems else 200,
    )


COMPARABLE = tuple(name for name in FIELDS if name not in COUNTRY_FIELDS) + COUNTRY_FIELDS


@dataclass(frozen=True)
class Comparison:
    label: str
    ours: Cell | None  # None: the source has no record with this value
    theirs: Cell | None
    our_share: float | None
    their_share: float | None


def _shares(published: crosstab.Published) -> dict[str, tuple[Cell, float | None]]:
    """Each value's published count and its share of the published total (no share when either is hidden)."""
    table = published.table
    total = table.grand_total.value if table.grand_total.shown else None
    return {
        row_key[0]: (
            cell,
            (100.0 * cell.value / total) if total and cell.shown and cell.value is not None else None,
        )
        for row_key, cell in zip(published.row_keys, table.row_totals, strict=True)
    }


@require_http_methods(["GET"])
def compare(request: HttpRequest, source: str) -> HttpResponse:
    """The organisation's own cases beside an imported dataset, value by value, as shares of each total."""
    actor = acting_member(request)
    found = access.dataset(actor, source)
    if found.kind != DatasetKind.CTDC:
        raise Http404  # victims' records only: a dataset of prosecutions has nothing to set beside them
    theirs_frame = access.frame_of(found)
    ours_frame = access.own_cases_frame(actor).frame
    fields = {
        name: FIELDS[name]
        for name in COMPARABLE
        if name in theirs_frame.columns and name in ours_frame.columns
    }
    field = request.GET.get("field", "") or next(iter(fields), "")
    if field and field not in fields:
        return render(
            request,
            "insight/compare.html",
            {"dataset": found, "fields": fields, "error": _("Choose a field from the list.")},
            status=400,
        )
    rows: list[Comparison] = []
    k = crosstab.DEFAULT_K
    notes = []
    error = ""
    if field:
        try:
            ours = (
                access.protected_table(actor, ours_frame, [field], source=access.OWN_CASES)
                if ours_frame.size
                else None
            )
            theirs = access.protected_table(actor, theirs_frame, [field], source=str(found.pk))
        except (FrameError, CannotProtectError):
            error = _("This comparison cannot be published safely: choose another field.")
            ours = theirs = None
        if theirs is not None:
            our_shares = _shares(ours) if ours else {}
            their_shares = _shares(theirs)
            keys = list(their_shares) + [key for key in our_shares if key not in their_shares]
            for key in keys:
                our_cell, our_share = our_shares.get(key, (None, None))
                their_cell, their_share = their_shares.get(key, (None, None))
                if key == MISSING and all(cell is None or cell.value == 0 for cell in (our_cell, their_cell)):
                    continue  # an unknown value nobody has
                rows.append(Comparison(label_of(field, key), our_cell, their_cell, our_share, their_share))
            for name, table in ((_("Your cases"), ours), (found.name, theirs)):
                if table is not None:
                    notes.append(f"{name}: " + note_of(k, [("", cell) for cell in table.table.row_totals]))
    our_name, their_name = _("Your cases (%)"), _("%(name)s (%%)") % {"name": found.name}
    fmt = request.GET.get("format", "")
    stem = f"threefold-compare-{found.pk}-{field}"
    if fmt == "csv" and rows:
        lines = [
            {
                field: row.label,
                "our_count": row.ours.value if row.ours else 0,
                "our_status": output.status_text(row.ours, k) if row.ours else "none",
                "our_share_percent": None if row.our_share is None else round(row.our_share, 1),
                "their_count": row.theirs.value if row.theirs else 0,
                "their_status": output.status_text(row.theirs, k) if row.theirs else "none",
                "their_share_percent": None if row.their_share is None else round(row.their_share, 1),
            }
            for row in rows
        ]
        return _download(output.to_csv(lines), "text/csv", f"{stem}.csv")
    chart = svgchart.Chart(
        _("%(field)s: your cases and %(name)s") % {"field": fields.get(field, ""), "name": found.name},
        _("Shares of each total, in per cent. The same figures are in the table under the chart."),
        tuple(row.label for row in rows),
        tuple(
            svgchart.Series(
                name,
                tuple(0.0 if cell is None else share for cell, share in zip(cells, shares, strict=True)),
                tuple(_share_text(cell, share, k) for cell, share in zip(cells, shares, strict=True)),
            )
            for name, cells, shares in (
                (our_name, [row.ours for row in rows], [row.our_share for row in rows]),
                (their_name, [row.theirs for row in rows], [row.their_share for row in rows]),
            )
        ),
        note=" ".join(notes),
        id_prefix="compare",
    )
    if fmt == "svg" and rows:
        response = HttpResponse(svgchart.bars(chart, rtl=get_language_bidi()), content_type="image/svg+xml")
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="{stem}.svg"'
        return response
    if fmt:
        raise Http404
    inline = svgchart.bars(
        replace(chart, note=""), rtl=get_language_bidi(), heading=False, width=INLINE_WIDTH
    )
    return render(
        request,
        "insight/compare.html",
        {
            "dataset": found,
            "fields": fields,
            "field": field,
            "field_label": fields.get(field, ""),
            "rows": rows,
            "k": k,
            "notes": notes,
            "error": error,
            "own_size": ours_frame.size,
            "chart": mark_safe(inline) if rows else "",  # noqa: S308 (every text in it is escaped where drawn)
        },
    )


def _share_text(cell: Cell | None, share: float | None, k: int) -> str:
    if cell is None:
        return _("none")
    if share is None:
        return status_text(cell, k)
    return f"{share:.1f}%"
