"""Prevention pages: the module's home, areas and their imports, the vulnerability map, education sessions, the
materials library, campaigns with their activities, and the coverage dashboard.

Thin views: ``access`` reads (another organisation's record is a 404), ``services`` writes. Every member reads
(``prevent.view``); trainers and org admins record and import (``prevent.manage``), and change or delete their
organisation's records (``prevent.change``); others get a 403 on the forms. A deletion is a POST with
``confirm=yes`` from the record's page. The coverage dashboard is for ``prevent.view_coverage``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.prevent import access, areamap, dashboard, services
from threefold.prevent.core import areas as areas_core
from threefold.prevent.core import coverage as coverage_core
from threefold.prevent.core import csvfile, geojson, layout
from threefold.prevent.core import files as files_core
from threefold.prevent.core import indicators as indicators_core
from threefold.prevent.coverage_sources import sources
from threefold.prevent.forms import (
    ActivityForm,
    BoundariesImportForm,
    CampaignForm,
    CsvImportForm,
    MaterialDetailsForm,
    MaterialForm,
    SessionForm,
    VersionForm,
    activity_initial,
    campaign_initial,
    material_initial,
    session_initial,
)
from threefold.prevent.models import AgeBand, CampaignActivity, Gender
from threefold.prevent.services import ImportRefused, PreventError
from threefold.web import svgchart

MAP_WIDTH = 420  # drawn narrow, so that a phone shrinking it keeps its text readable (as countries do)
CHART_WIDTH = 640
EXAMPLES = {"areas.csv": areas_core.EXAMPLE, "indicators.csv": indicators_core.EXAMPLE}
RecordT = TypeVar("RecordT")


def reader(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "prevent.view"):
        raise PermissionDenied
    return actor


def manager(request: HttpRequest) -> Actor:
    actor = reader(request)
    if not allowed(actor, "prevent.manage"):
        raise PermissionDenied
    return actor


def save_form(form: Form, save: Callable[[dict[str, Any]], Any]) -> Any:
    """On a valid form, save through the service and return what it returns; its refusal goes next to its
    field (None is returned then, and the page shows the form again)."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except PreventError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None


def changeable(
    request: HttpRequest,
    find: Callable[[Actor], RecordT],
    owner: Callable[[RecordT], Any] | None = None,
) -> tuple[Actor, RecordT]:
    """The actor and the record ``find`` reads through ``access`` (another organisation's is a 404), once the
    actor may change it, or its ``owner`` (the campaign of an activity, the material of a version): else 403."""
    actor = reader(request)
    found = find(actor)
    if not allowed(actor, "prevent.change", owner(found) if owner is not None else found):
        raise PermissionDenied
    return actor, found


def edit_page(
    request: HttpRequest,
    form: Form,
    change: Callable[[dict[str, Any]], list[str]],
    page: tuple[str, dict[str, Any]],
    done: str,
) -> HttpResponse:
    """A record's edit page: a valid POST is saved through ``change`` (which returns the names of the fields it
    changed) and the browser goes to ``done``; otherwise the template of ``page`` shows the form, with any error."""
    if request.method == "POST":
        changed = save_form(form, change)
        if changed is not None:
            if changed:
                messages.success(request, _("Your changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(done)
    template, context = page
    return render(request, template, {"form": form, **context})


def confirmed_delete(
    request: HttpRequest, delete: Callable[[], None], message: str, done: str
) -> HttpResponse:
    """Delete once the form of the record's page confirmed it (``confirm=yes``), then go to ``done``."""
    if request.POST.get("confirm") != "yes":
        raise PermissionDenied
    delete()
    messages.success(request, message)
    return redirect(done)


def svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 (areamap and svgchart escape every text they draw)


def _area_choices(actor: Actor) -> list[tuple[str, str]]:
    return [(area.code, area.name) for area in access.areas(actor)]


# ---- home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    return render(
        request,
        "prevent/home.html",
        {
            "area_count": len(access.areas(actor)),
            "indicator_count": access.indicator_count(actor),
            "sessions": list(access.sessions(actor)[:5]),
            "activities": access.recent_activities(actor),
            "can_manage": allowed(actor, "prevent.manage"),
            "can_view_coverage": allowed(actor, "prevent.view_coverage"),
        },
    )


# ---- areas and imports


def _areas_page(
    request: HttpRequest, actor: Actor, *, problems: tuple[str, ...] = (), which: str = ""
) -> HttpResponse:
    areas = access.areas(actor)
    return render(
        request,
        "prevent/areas.html",
        {
            "areas": areas,
            "with_boundaries": sum(1 for area in areas if area.boundary),
            "options": access.indicator_options(actor),
            "can_manage": allowed(actor, "prevent.manage"),
            "areas_form": CsvImportForm(prefix="areas"),
            "boundaries_form": BoundariesImportForm(prefix="boundaries"),
            "indicators_form": CsvImportForm(prefix="indicators"),
            "problems": problems,
            "which": which,
        },
        status=400 if problems else 200,
    )


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    return _areas_page(request, reader(request))


def _import(
    request: HttpRequest,
    which: str,
    form: Form,
    run: Callable[[Actor, dict[str, Any]], services.ImportResult],
) -> HttpResponse:
    actor = manager(request)
    if not form.is_valid():
        return _areas_page(request, actor, problems=(_("Choose a file to import."),), which=which)
    try:
        result = run(actor, form.cleaned_data)
    except ImportRefused as refused:
        return _areas_page(request, actor, problems=refused.problems, which=which)
    except PreventError as error:
        return _areas_page(request, actor, problems=(error.message,), which=which)
    messages.success(
        request,
        _("Imported: %(added)s added, %(updated)s updated.")
        % {"added": result.added, "updated": result.updated},
    )
    return redirect("prevent:areas")


def _upload_bytes(cleaned: dict[str, Any]) -> bytes:
    upload = cleaned["file"]
    # One byte past the largest accepted file is enough for the readers to refuse it by size.
    return bytes(upload.read(max(csvfile.MAX_CSV_BYTES, geojson.MAX_GEOJSON_BYTES) + 1))


@require_POST
def import_areas(request: HttpRequest) -> HttpResponse:
    form = CsvImportForm(request.POST, request.FILES, prefix="areas")
    return _import(
        request, "areas", form, lambda actor, data: services.import_areas(actor, _upload_bytes(data))
    )


@require_POST
def import_boundaries(request: HttpRequest) -> HttpResponse:
    form = BoundariesImportForm(request.POST, request.FILES, prefix="boundaries")
    return _import(
        request,
        "boundaries",
        form,
        lambda actor, data: services.import_boundaries(actor, _upload_bytes(data), data["code_property"]),
    )


@require_POST
def import_indicators(request: HttpRequest) -> HttpResponse:
    form = CsvImportForm(request.POST, request.FILES, prefix="indicators")
    return _import(
        request,
        "indicators",
        form,
        lambda actor, data: services.import_indicators(actor, _upload_bytes(data)),
    )


@require_GET
def example(request: HttpRequest, name: str) -> HttpResponse:
    reader(request)
    if name not in EXAMPLES:
        raise Http404
    response = HttpResponse(EXAMPLES[name], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="example-{name}"'
    return response


# ---- the vulnerability map


@require_GET
def vulnerability_map(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    areas = access.areas(actor)
    names = {area.code: area.name for area in areas}
    options = access.indicator_options(actor)
    option = next(
        (o for o in options if o.key == request.GET.get("indicator")), options[0] if options else None
    )
    year = None
    if option is not None:
        asked = request.GET.get("year", "")
        year = int(asked) if asked.isdigit() and int(asked) in option.years else option.years[0]
    overlays = sources()
    overlay = next((s for s in overlays if s.key == request.GET.get("overlay", overlays[0].key)), None)
    values = access.indicator_values(actor, option, year) if option is not None and year is not None else {}
    counts = {source.key: source.counts(actor) for source in overlays}
    shapes = access.boundaries(actor)
    if shapes:
        drawn = layout.project(shapes, MAP_WIDTH)
    else:
        given = {
            a.code: (a.tile_row, a.tile_col)
            for a in areas
            if a.tile_row is not None and a.tile_col is not None
        }
        drawn = layout.tile_grid(names, given, MAP_WIDTH)
    title = _("%(indicator)s, %(year)s") % {"indicator": option.name, "year": year} if option else _("Areas")
    picture = None
    if areas:
        picture = areamap.draw(
            drawn,
            names=names,
            values={code: v.value for code, v in values.items()},
            coverage=counts[overlay.key] if overlay else None,
            coverage_label=str(overlay.label) if overlay else "",
            title=title,
            labels=areamap.MapLabels(
                value=_("{name}: {value}"),
                no_data=_("{name}: no data"),
                coverage=_("{label}: {count}"),
                legend_no_data=_("No data"),
                legend_coverage=_("Number in the circle: {label}"),
                summary=_("{shown} areas with a value, from {low} to {high}."),
                summary_none=_("No area has a value for this indicator."),
            ),
            id_prefix="prevent-map",
        )
    rows = [
        {
            "area": area,
            "value": values.get(area.code),
            "counts": [counts[source.key].get(area.code, 0) for source in overlays],
        }
        for area in areas
    ]
    return render(
        request,
        "prevent/map.html",
        {
            "areas": areas,
            "options": options,
            "option": option,
            "year": year,
            "overlays": overlays,
            "overlay": overlay,
            "map_svg": svg(picture) if picture else None,
            "tiles": drawn.tiles,
            "rows": rows,
            "title": title,
            "sources": sorted({v.source for v in values.values() if v.source}),
        },
    )


# ---- education sessions


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    listed = list(access.sessions(actor)[:200])
    return render(
        request,
        "prevent/sessions.html",
        {
            "sessions": listed,
            "reached": sum(s.people_reached for s in listed),
            "can_manage": allowed(actor, "prevent.manage"),
        },
    )


def _session_input(form: SessionForm, data: dict[str, Any]) -> services.SessionInput:
    return services.SessionInput(
        held_on=data["held_on"],
        setting=data["setting"],
        topics=data["topics"],
        language=data["language"],
        reach=form.reach(),
        area_code=data["area"],
        place=data["place"],
        facilitator=data["facilitator"],
        note=data["note"],
    )


@require_http_methods(["GET", "POST"])
def add_session(request: HttpRequest) -> HttpResponse:
    actor = manager(request)
    form = SessionForm(request.POST or None, areas=_area_choices(actor))

    def save(data: dict[str, Any]) -> Any:
        return services.record_session(actor, _session_input(form, data))

    if request.method == "POST" and (session := save_form(form, save)) is not None:
        messages.success(
            request, _("Education session %(reference)s recorded.") % {"reference": session.reference}
        )
        return redirect("prevent:session", reference=session.reference)
    return render(request, "prevent/session_form.html", {"form": form})


@require_GET
def session(request: HttpRequest, reference: str) -> HttpResponse:
    actor = reader(request)
    found = access.session(actor, reference)
    genders = Gender.choices
    rows = [
        (label, [found.reach.get(band, {}).get(gender, 0) for gender, _g in genders])
        for band, label in AgeBand.choices
    ]
    return render(
        request,
        "prevent/session.html",
        {
            "session": found,
            "rows": rows,
            "genders": genders,
            "can_change": allowed(actor, "prevent.change", found),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_session(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.session(actor, reference))
    form = SessionForm(request.POST or None, areas=_area_choices(actor), initial=session_initial(found))
    return edit_page(
        request,
        form,
        lambda data: services.change_session(actor, found, _session_input(form, data)),
        ("prevent/session_form.html", {"session": found}),
        reverse("prevent:session", args=[reference]),
    )


@require_POST
def delete_session(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.session(actor, reference))
    return confirmed_delete(
        request,
        lambda: services.delete_session(actor, found),
        _("Education session %(reference)s deleted.") % {"reference": reference},
        reverse("prevent:sessions"),
    )


# ---- materials


@require_GET
def materials(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    return render(
        request,
        "prevent/materials.html",
        {"materials": list(access.materials(actor)[:500]), "can_manage": allowed(actor, "prevent.manage")},
    )


def _material_input(data: dict[str, Any]) -> services.MaterialInput:
    return services.MaterialInput(data["title"], data["kind"], data["topic"], data["audience"])


def _version_input(data: dict[str, Any]) -> services.VersionInput:
    return services.VersionInput(data["language"], data["file"], data["link"] or "")


@require_http_methods(["GET", "POST"])
def add_material(request: HttpRequest) -> HttpResponse:
    actor = manager(request)
    form = MaterialForm(request.POST or None, request.FILES or None)

    def save(data: dict[str, Any]) -> Any:
        return services.record_material(actor, _material_input(data), _version_input(data))

    if request.method == "POST" and (material := save_form(form, save)) is not None:
        messages.success(request, _("Material added to the library."))
        return redirect("prevent:material", reference=material.reference)
    return render(request, "prevent/material_form.html", {"form": form})


def _material_page(
    request: HttpRequest, actor: Actor, reference: str, form: VersionForm | None = None
) -> HttpResponse:
    found = access.material(actor, reference)
    return render(
        request,
        "prevent/material.html",
        {
            "material": found,
            "versions": list(found.versions.all()),
            "form": form or VersionForm(),
            "can_change": allowed(actor, "prevent.change", found),
        },
    )


@require_GET
def material(request: HttpRequest, reference: str) -> HttpResponse:
    return _material_page(request, reader(request), reference)


@require_http_methods(["GET", "POST"])
def edit_material(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.material(actor, reference))
    return edit_page(
        request,
        MaterialDetailsForm(request.POST or None, initial=material_initial(found)),
        lambda data: services.change_material(actor, found, _material_input(data)),
        ("prevent/material_form.html", {"material": found}),
        reverse("prevent:material", args=[reference]),
    )


@require_POST
def delete_material(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.material(actor, reference))
    return confirmed_delete(
        request,
        lambda: services.delete_material(actor, found),
        _("Material deleted, with its language versions and their files."),
        reverse("prevent:materials"),
    )


@require_POST
def add_version(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.material(actor, reference))
    form = VersionForm(request.POST, request.FILES)
    saved = save_form(form, lambda data: services.add_material_version(actor, found, _version_input(data)))
    if saved is None:
        return _material_page(request, actor, reference, form)
    messages.success(request, _("Language version added."))
    return redirect("prevent:material", reference=reference)


@require_POST
def delete_version(request: HttpRequest, reference: str, version_id: int) -> HttpResponse:
    actor, found = changeable(
        request,
        lambda actor: access.material_version(actor, reference, version_id),
        lambda version: version.material,
    )
    return confirmed_delete(
        request,
        lambda: services.delete_material_version(actor, found),
        _("Language version %(language)s deleted.") % {"language": found.language},
        reverse("prevent:material", args=[reference]),
    )


@require_GET
def download(request: HttpRequest, reference: str, version_id: int) -> HttpResponse:
    actor = reader(request)
    version, content = access.material_file(actor, reference, version_id)
    name = files_core.safe_download_name(version.material.title, version.language, version.extension)
    # The type read from the file's bytes at upload; never rendered in the page's origin: an attachment,
    # no sniffing, and a sandbox should a browser show it anyway.
    response = HttpResponse(content, content_type=version.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# ---- campaigns


@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    listed = list(access.campaigns(actor)[:200])
    return render(
        request,
        "prevent/campaigns.html",
        {
            "campaigns": [(c, sum(a.people_reached for a in c.activities.all())) for c in listed],
            "can_manage": allowed(actor, "prevent.manage"),
        },
    )


def _campaign_input(data: dict[str, Any]) -> services.CampaignInput:
    return services.CampaignInput(
        data["title"], data["starts_on"], data["ends_on"], data["objective"], data["areas"]
    )


def _activity_input(data: dict[str, Any]) -> services.ActivityInput:
    return services.ActivityInput(
        channel=data["channel"],
        held_on=data["held_on"],
        area_code=data["area"],
        description=data["description"],
        cost_amount=data["cost_amount"],
        currency=data["currency"],
        people_reached=data["people_reached"],
        materials_distributed=data["materials_distributed"],
        hotline_contacts=data["hotline_contacts"],
    )


@require_http_methods(["GET", "POST"])
def add_campaign(request: HttpRequest) -> HttpResponse:
    actor = manager(request)
    form = CampaignForm(request.POST or None, areas=_area_choices(actor))

    def save(data: dict[str, Any]) -> Any:
        return services.record_campaign(actor, _campaign_input(data))

    if request.method == "POST" and (campaign := save_form(form, save)) is not None:
        messages.success(request, _("Campaign recorded: now record its activities."))
        return redirect("prevent:campaign", reference=campaign.reference)
    return render(request, "prevent/campaign_form.html", {"form": form})


def _campaign_page(
    request: HttpRequest, actor: Actor, reference: str, form: ActivityForm | None = None
) -> HttpResponse:
    found = access.campaign(actor, reference)
    activities = access.activities(found)
    return render(
        request,
        "prevent/campaign.html",
        {
            "campaign": found,
            "activities": activities,
            "totals": {
                "people": sum(a.people_reached for a in activities),
                "materials": sum(a.materials_distributed for a in activities),
                "hotline": sum(a.hotline_contacts for a in activities),
            },
            "costs": coverage_core.cost_per_person(
                (a.cost_amount, a.currency, a.people_reached) for a in activities
            ),
            "form": form or ActivityForm(areas=_area_choices(actor)),
            "can_change": allowed(actor, "prevent.change", found),
        },
        status=400 if form is not None else 200,
    )


@require_GET
def campaign(request: HttpRequest, reference: str) -> HttpResponse:
    return _campaign_page(request, reader(request), reference)


@require_http_methods(["GET", "POST"])
def edit_campaign(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.campaign(actor, reference))
    return edit_page(
        request,
        CampaignForm(request.POST or None, areas=_area_choices(actor), initial=campaign_initial(found)),
        lambda data: services.change_campaign(actor, found, _campaign_input(data)),
        ("prevent/campaign_form.html", {"campaign": found}),
        reverse("prevent:campaign", args=[reference]),
    )


@require_POST
def delete_campaign(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.campaign(actor, reference))
    return confirmed_delete(
        request,
        lambda: services.delete_campaign(actor, found),
        _("Campaign %(reference)s deleted, with its activities.") % {"reference": reference},
        reverse("prevent:campaigns"),
    )


@require_POST
def add_activity(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = changeable(request, lambda actor: access.campaign(actor, reference))
    form = ActivityForm(request.POST, areas=_area_choices(actor))
    saved = save_form(form, lambda data: services.record_activity(actor, found, _activity_input(data)))
    if saved is None:
        return _campaign_page(request, actor, reference, form)
    messages.success(request, _("Activity recorded."))
    return redirect("prevent:campaign", reference=reference)


def _activity(request: HttpRequest, reference: str, activity_id: int) -> tuple[Actor, CampaignActivity]:
    return changeable(
        request,
        lambda actor: access.activity(actor, reference, activity_id),
        lambda activity: activity.campaign,
    )


@require_http_methods(["GET", "POST"])
def edit_activity(request: HttpRequest, reference: str, activity_id: int) -> HttpResponse:
    actor, found = _activity(request, reference, activity_id)
    return edit_page(
        request,
        ActivityForm(request.POST or None, areas=_area_choices(actor), initial=activity_initial(found)),
        lambda data: services.change_activity(actor, found, _activity_input(data)),
        ("prevent/activity_form.html", {"activity": found, "campaign": found.campaign}),
        reverse("prevent:campaign", args=[reference]),
    )


@require_POST
def delete_activity(request: HttpRequest, reference: str, activity_id: int) -> HttpResponse:
    actor, found = _activity(request, reference, activity_id)
    return confirmed_delete(
        request,
        lambda: services.delete_activity(actor, found),
        _("Activity deleted."),
        reverse("prevent:campaign", args=[reference]),
    )


# ---- the coverage dashboard


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    if not allowed(actor, "prevent.view_coverage"):
        raise PermissionDenied
    asked = request.GET.get("months", "")
    month_count = int(asked) if asked.isdigit() and int(asked) in dashboard.MONTH_CHOICES else 12
    figures = dashboard.coverage(actor, timezone.localdate(), month_count)
    rtl = get_language_bidi()
    months = figures.months
    reach_chart = svgchart.Chart(
        title=_("People reached by month"),
        description=_("Campaign reach and education reach in your areas, month by month."),
        categories=months,
        series=tuple(
            svgchart.Series(
                str(name),
                tuple(float(by.get(m, 0)) for m in months),
                tuple(f"{by.get(m, 0):,}" for m in months),
            )
            for name, by in (
                (_("Campaign reach"), figures.campaign_by_month),
                (_("Education reach"), figures.education_by_month),
            )
        ),
        id_prefix="prevent-reach",
    )
    screening_values, screening_texts = dashboard.chart_values(figures.screenings_by_month, months)
    referral_values, referral_texts = dashboard.chart_values(figures.referrals_by_month, months)
    found_chart = svgchart.Chart(
        title=_("Screenings and referrals by month"),
        description=_(
            "Screenings completed and referrals sent in your areas, month by month, small counts hidden."
        ),
        categories=months,
        series=(
            svgchart.Series(_("Screenings completed"), screening_values, screening_texts),
            svgchart.Series(_("Referrals sent"), referral_values, referral_texts),
        ),
        note=_(
            "Counts under %(k)s are shown as “fewer than %(k)s”; some others are hidden so they cannot be worked out."
        )
        % {"k": figures.k},
        id_prefix="prevent-found",
    )
    return render(
        request,
        "prevent/coverage.html",
        {
            "figures": figures,
            "month_count": month_count,
            "month_choices": dashboard.MONTH_CHOICES,
            "reach_svg": svg(svgchart.columns(reach_chart, rtl=rtl, heading=False, width=CHART_WIDTH)),
            "found_svg": svg(svgchart.columns(found_chart, rtl=rtl, heading=False, width=CHART_WIDTH)),
            "sections": [
                {
                    "area": section,
                    "rows": [
                        (
                            row.month,
                            row.campaign_reach,
                            row.education_reach,
                            dashboard.cell_text(row.screenings),
                            dashboard.cell_text(row.referrals),
                        )
                        for row in section.months
                        if row.campaign_reach
                        or row.education_reach
                        or (row.screenings and row.screenings.value != 0)
                        or (row.referrals and row.referrals.value != 0)
                    ],
                    "screenings": dashboard.cell_text(section.screenings),
                    "referrals": dashboard.cell_text(section.referrals),
                }
                for section in figures.areas
            ],
            "screenings_total": dashboard.cell_text(figures.screenings_total),
            "referrals_total": dashboard.cell_text(figures.referrals_total),
        },
    )
