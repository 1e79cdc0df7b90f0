"""Statistics pages: the organisation's datasets and own cases, counted by the fields a user picks, always as
protected tables (threefold.disclosure) with their chart, a world map for country fields, and CSV or SVG files
of exactly what the page shows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.disclosure import CannotProtectError, Status
from threefold.insight import access
from threefold.insight.core import crosstab, output
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.core.htcds_records import HTCDS_EXPORT_FIELDS, HTCDS_MULTI_FIELDS
from threefold.insight.models import DatasetKind
from threefold.protect.countries import country_name
from threefold.web import worldmap
from threefold.web.counts import BAR_BOX, chart, present

# The fields a page offers, in CTDC's names (own cases are mapped to them): what CTDC and GLOTIP publish by.
FIELDS = {
    "yearOfRegistration": gettext_lazy("Year of registration"),
    "gender": gettext_lazy("Gender"),
    "ageBroad": gettext_lazy("Age band"),
    "majorityStatus": gettext_lazy("Adult or minor"),
    "citizenship": gettext_lazy("Citizenship"),
    "CountryOfExploitation": gettext_lazy("Country of exploitation"),
    "Datasource": gettext_lazy("Data source"),
    "isSexualExploit": gettext_lazy("Sexual exploitation"),
    "isForcedLabour": gettext_lazy("Forced labour"),
    "isOtherExploit": gettext_lazy("Other exploitation"),
    "RecruiterRelationship": gettext_lazy("Relationship to the recruiter"),
}
COUNTRY_FIELDS = ("citizenship", "CountryOfExploitation")
ONE_FIELD_AT_A_TIME = gettext_lazy(
    "Your cases are counted by one field at a time: two cross-tabs of the same people could be put together "
    "to work out a small count that each of them hides."
)
FLAG_LABELS = {"1": gettext_lazy("Yes"), "0": gettext_lazy("No")}


def source_of(request: HttpRequest, source: str) -> tuple[str, Frame, str]:
    """(title, frame, audit key) of a dataset id or of the organisation's own cases."""
    actor = acting_member(request)
    if source == access.OWN_CASES:
        stats = access.own_cases_frame(actor)
        return _("Your organisation's cases"), stats.frame, access.OWN_CASES
    found = access.dataset(actor, source)
    return found.name, access.frame_of(found), str(found.pk)


def label_of(field: str, key: str) -> str:
    if key == MISSING:
        return _("Unknown")
    if field.startswith("is"):
        return str(FLAG_LABELS.get(key, key))
    if field in COUNTRY_FIELDS:
        return f"{country_name(key)} ({key})"
    return key


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    return render(
        request,
        "insight/home.html",
        {
            "datasets": access.datasets(actor),
            "own": access.OWN_CASES,
            "can_export": allowed(actor, "insight.export_cases"),
            "can_import": allowed(actor, "insight.import_dataset"),
        },
    )


@require_http_methods(["GET"])
def table(request: HttpRequest, source: str) -> HttpResponse:
    actor = acting_member(request)
    if source != access.OWN_CASES:
        found = access.dataset(actor, source)
        if found.kind == DatasetKind.PROSECUTIONS:
            from threefold.insight import prosecution_views  # it imports this module (through the dashboard)

            return prosecution_views.table(request, actor, found)
    title, frame, key = source_of(request, source)
    available = {name: label for name, label in FIELDS.items() if name in frame.columns}
    by = [name for name in (request.GET.get("rows", ""), request.GET.get("columns", "")) if name]
    by = list(dict.fromkeys(by)) or ([next(iter(available))] if available else [])
    error = ""
    protected = None
    if any(name not in available for name in by):
        error = _("Choose fields from the lists.")
    elif key == access.OWN_CASES and len(by) > 1:
        error = str(ONE_FIELD_AT_A_TIME)
    elif by and frame.size:
        try:
            protected = access.protected_table(actor, frame, by, source=key)
        except (FrameError, CannotProtectError):
            error = _("This table is too detailed to publish safely: choose fewer or coarser fields.")
    if protected and request.GET.get("format") == "csv":
        response = HttpResponse(output.to_csv(output.published_rows(protected)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="threefold-{key}-{"-".join(by)}.csv"'
        return response
    drawn = map_of(protected, by) if protected else None
    map_svg = worldmap.to_svg(drawn) if drawn else None
    if request.GET.get("format") == "svg":
        if map_svg is None:
            raise Http404
        return HttpResponse(map_svg, content_type="image/svg+xml")
    shown = None
    if protected:
        columns = {
            column: (_("Records") if not protected.column_field else label_of(protected.column_field, column))
            for column in protected.table.columns
        }
        keys = dict(zip(protected.table.rows, protected.row_keys, strict=True))
        fields = protected.row_fields
        shown = present(
            protected.table,
            row_label=lambda label: " · ".join(
                label_of(f, v) for f, v in zip(fields, keys[label], strict=True)
            ),
            column_labels=columns,
        )
    return render(
        request,
        "insight/table.html",
        {
            "title": title,
            "source": source,
            "own": access.OWN_CASES,
            "size": frame.size,
            "fields": available,
            "rows_field": by[0] if by else "",
            "columns_field": by[1] if len(by) > 1 else "",
            "table": shown,
            "chart": chart(shown, rtl=get_language_bidi()) if shown else (),
            "bar_box": BAR_BOX,
            "map": map_svg is not None,
            "error": error,
            "one_field": source == access.OWN_CASES,
            "row_heading": " · ".join(str(available[name]) for name in by[:1]) if by else "",
        },
    )


def map_of(
    protected: crosstab.Published, by: list[str], *, id_prefix: str = "worldmap"
) -> worldmap.WorldMap | None:
    """A world map of a count by one country field: suppressed countries are drawn as hidden, never valued."""
    if len(by) != 1 or by[0] not in COUNTRY_FIELDS:
        return None
    values: dict[str, int | None] = {}
    fewer: list[str] = []
    hidden: list[str] = []
    for (code,), cell in zip(protected.row_keys, protected.table.row_totals, strict=True):
        # A country with no record is drawn as having none, not as the lowest class of the scale.
        if code == MISSING or worldmap.normalise(code) is None or cell.value == 0:
            continue
        if cell.status is Status.SHOWN:
            values[code] = cell.value
        elif cell.status is Status.PRIMARY:
            fewer.append(code)
        else:
            hidden.append(code)
    drawn = worldmap.choropleth(
        values,
        hidden=hidden,
        fewer_than=fewer,
        k=protected.table.k,
        title=str(FIELDS[by[0]]),
        names=lambda code: country_name(code),
        id_prefix=id_prefix,
    )
    return drawn


@require_http_methods(["GET"])
def export_htcds(request: HttpRequest) -> HttpResponse:
    """The page that explains the HTCDS export, and (``?format=csv|json``) the export itself."""
    actor = acting_member(request)
    if not allowed(actor, "insight.export_cases"):
        raise PermissionDenied
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "json"):
        return render(request, "insight/export_htcds.html", {"k": crosstab.DEFAULT_K})
    export = access.htcds_export(actor)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        rows = [{field: record.get(field) for field in HTCDS_EXPORT_FIELDS} for record in export.records]
        body = output.to_csv(rows) or ",".join(HTCDS_EXPORT_FIELDS) + "\n"
        response = HttpResponse(body, content_type="text/csv")
    else:
        records = [
            {
                field: (value.split(";") if value and field in HTCDS_MULTI_FIELDS else value)
                for field, value in ((field, record.get(field)) for field in HTCDS_EXPORT_FIELDS)
            }
            for record in export.records
        ]
        about = {
            "standard": "IOM Human Trafficking Case Data Standard 2.0",
            "k": export.k,
            "withheld": export.withheld,
            "blanked": export.blanked,
        }
        response = HttpResponse(output.to_json(records, **about), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="threefold-htcds-{stamp}.{fmt}"'
    return response
