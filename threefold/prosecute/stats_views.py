"""The prosecution statistics page: protected tables of the organisation's own cases, charts drawn from them,
each downloadable as the CSV of exactly what it shows, and the national GLOTIP figures beside them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.insight.core import output
from threefold.prosecute import statistics as stats
from threefold.web import svgchart

INLINE_WIDTH = 420


def _chart(title: str, key: str, kind: str, rows: tuple[tuple[str, stats.Cell], ...], name: str) -> str:
    chart = svgchart.single(
        title,
        _("%(title)s. The same counts are in the table under the chart.") % {"title": title},
        [label for label, _cell in rows],
        [cell.value if cell.shown else None for _label, cell in rows],
        [stats.status_text(cell) for _label, cell in rows],
        name=name,
        id_prefix=f"chart-{key.replace('_', '-')}",
    )
    draw = svgchart.columns if kind == "columns" else svgchart.bars
    return draw(chart, rtl=get_language_bidi(), heading=False, width=INLINE_WIDTH)


def _download(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "prosecute.view_statistics"):
        raise PermissionDenied
    result = stats.statistics(actor)
    national = stats.with_own(result.national, result)
    wanted, fmt = request.GET.get("table", ""), request.GET.get("format", "")
    if fmt:
        if fmt != "csv":
            raise Http404
        lines: list[dict[str, Any]]
        if wanted == "funnel":
            lines = [
                {"step": step.key, "count": step.cell.value, "status": output.status_text(step.cell, stats.K)}
                for step in result.funnel
            ]
        elif wanted == "national":
            lines = [
                {
                    "year": row.year,
                    "national_persons_prosecuted": row.prosecuted,
                    "national_persons_convicted": row.convicted,
                    "own_cases_charged": row.own_prosecuted,
                    "own_cases_convicted": row.own_convicted,
                }
                for row in national.rows
            ]
        elif wanted == "compensation_amounts":
            lines = [
                {
                    "currency": amount.currency,
                    "ordered": amount.ordered,
                    "paid": amount.paid,
                    "status": amount.why or "shown",
                }
                for amount in result.amounts
            ]
        else:
            figure = result.figure(wanted)
            if figure is None or not figure.published:
                raise Http404
            lines = list(figure.csv_rows)
        return _download(output.to_csv(lines), f"threefold-prosecution-{wanted}.csv")
    if wanted:
        raise Http404
    funnel_chart = (
        _chart(
            _("From identification to conviction"),
            "funnel",
            "bars",
            tuple((step.label, step.cell) for step in result.funnel),
            _("Cases"),
        )
        if result.funnel
        else ""
    )
    figures = [
        (figure, mark_safe(_chart(figure.title, figure.key, figure.kind, figure.rows, _("Cases"))))  # noqa: S308
        if figure.published and figure.rows
        else (figure, "")
        for figure in result.figures
    ]
    return render(
        request,
        "prosecute/statistics.html",
        {
            "result": result,
            "k": stats.K,
            "funnel_chart": mark_safe(funnel_chart),  # noqa: S308 (every text in it is escaped where drawn)
            "figures": figures,
            "national": national,
        },
    )
