"""Advocacy pages: the home page of the module, the tracker's overview (countries by asks, with a CSV), the asks
framework, a country's tracker, the timeline of one ask in one country, and the evidence pages.

Thin views: ``access`` reads (another organisation's record is a 404), ``services`` writes. Every member reads
(``advocate.view``); analysts and org admins enter and approve (``advocate.enter``), others get a 403 on the forms.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

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
from threefold.advocate import access, services, tracker
from threefold.advocate.core.status import LANES, Status, timeline
from threefold.advocate.forms import ApproveForm, DeclineForm, EvidenceEditForm, EvidenceForm
from threefold.advocate.models import Evidence
from threefold.advocate.models import Status as StatusChoice
from threefold.advocate.services import AdvocateError, EvidenceInput
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.countries import access as country_access
from threefold.protect.services import ConflictError
from threefold.web import svgchart

CHART_WIDTH = 520


def reader(request: HttpRequest) -> Actor:
    """Every member of an organisation reads its tracker; anyone else 403."""
    actor = acting_member(request)
    if not allowed(actor, "advocate.view"):
        raise PermissionDenied
    return actor


def enterer(request: HttpRequest) -> Actor:
    """Analysts and org admins enter evidence, reviews and actions; other members 403."""
    actor = reader(request)
    if not allowed(actor, "advocate.enter"):
        raise PermissionDenied
    return actor


def country_or_404(code: str) -> country_access.CountryInfo:
    info = country_access.country(code)
    if info is None:
        raise Http404
    return info


def conflict_message() -> str:
    return _(
        "Someone else saved this while you were working on it. Nothing was overwritten: reload the page to see "
        "their changes, then make yours again."
    )


def save_form(request: HttpRequest, form: Form, save: Callable[[dict[str, Any]], Any]) -> Any:
    """On a valid POST, save through the service and return what it returns; its refusal goes next to its field
    (None is returned then, and the page shows the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ConflictError:
        form.add_error(None, conflict_message())
    except AdvocateError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None


def svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 (svgchart escapes every text it draws)


# ---- home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    today = timezone.localdate()
    followed = access.followed_countries(actor)
    infos = [info for code in sorted(followed) if (info := country_access.country(code)) is not None]
    return render(
        request,
        "advocate/home.html",
        {
            "followed": sorted(infos, key=lambda info: info.name),
            "waiting": access.waiting_for_approval(actor),
            "drafts": access.my_drafts(actor),
            "follow_ups": access.follow_ups_due(actor, today),
            "today": today,
            "can_enter": allowed(actor, "advocate.enter"),
            "framework": access.framework(),
            "countries": country_access.countries(),
        },
    )


# ---- the asks framework


@require_GET
def framework(request: HttpRequest) -> HttpResponse:
    reader(request)
    return render(request, "advocate/framework.html", {"framework": access.framework()})


# ---- the overview of every country


def _status_filter(value: str) -> str:
    return value if value in StatusChoice.values else ""


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    framework = access.framework()
    followed = access.followed_countries(actor)
    scope = request.GET.get("scope") or ("followed" if followed else "all")
    if scope not in ("followed", "all"):
        scope = "all"
    query = request.GET.get("q", "").strip()
    region = request.GET.get("region", "").strip()
    ask_id = request.GET.get("ask", "")
    ask = framework.ask(ask_id)
    status = _status_filter(request.GET.get("status", ""))
    listed = country_access.countries()
    chosen = [
        info
        for info in listed
        if (scope == "all" or info.alpha3 in followed)
        and (not region or region in (info.region, info.subregion))
        and (
            not query
            or query.casefold() in info.name.casefold()
            or query.upper() in (info.alpha3, info.alpha2)
        )
    ]
    rows = tracker.matrix(actor, chosen)
    if status:
        rows = [
            row
            for row in rows
            if any(cell.status == status and (ask is None or cell.ask.id == ask.id) for cell in row.cells)
        ]
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        audit.record(
            actor,
            Action.EXPORT,
            ("advocate.tracker", ""),
            details={"countries": len(rows), "scope": scope, "status": status, "ask": ask.id if ask else ""},
        )
        return _csv(rows)
    if fmt:
        raise Http404
    regions: dict[str, set[str]] = {}
    for info in listed:
        if info.region:
            regions.setdefault(info.region, set()).add(info.subregion)
    return render(
        request,
        "advocate/overview.html",
        {
            "framework": framework,
            "rows": rows,
            "scope": scope,
            "query": query,
            "region": region,
            "regions": [(name, sorted(subs)) for name, subs in sorted(regions.items())],
            "ask": ask,
            "status": status,
            "statuses": StatusChoice.choices,
            "followed_count": len(followed),
            "querystring": request.GET.urlencode(),
            "legend": [
                (Status(value), label, tracker.SYMBOLS[Status(value)])
                for value, label in StatusChoice.choices
            ],
        },
    )


def _csv(rows: list[tracker.MatrixRow]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["alpha3", "country", "m49_region", "ask", "status", "basis", "as_of", "evidence", "source"]
    )
    for row in rows:
        for cell in row.cells:
            point = cell.point
            source = ""
            if cell.evidence is not None:
                source = cell.evidence.source_url or cell.evidence.source_citation
            elif cell.basis == "data" and cell.data_cited is not None:
                source = cell.data_cited.source.citation
            writer.writerow(
                [
                    row.info.alpha3,
                    row.info.name,
                    row.info.region,
                    cell.ask.id,
                    cell.status.value,
                    cell.basis.value,
                    point.on.isoformat() if point else "",
                    cell.evidence.reference if cell.evidence else "",
                    source,
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="threefold-tracker.csv"'
    return response


# ---- a country, an ask


@require_GET
def country(request: HttpRequest, code: str) -> HttpResponse:
    actor = reader(request)
    info = country_or_404(code)
    found = tracker.country_tracker(actor, info)
    evidence = access.evidence_of_country(actor, info.alpha3)
    return render(
        request,
        "advocate/country.html",
        {
            "info": info,
            "tracker": found,
            "evidence": evidence,
            "drafts": [item for item in evidence if not item.is_approved],
            "reviews": access.reviews(actor, info.alpha3),
            "actions": access.actions(actor, info.alpha3),
            "can_enter": allowed(actor, "advocate.enter"),
        },
    )


def timeline_chart(info: country_access.CountryInfo, line: tracker.AskLine, steps: list[Any]) -> str:
    if not steps:
        return ""
    points = [
        (
            step.point.label,
            LANES.index(step.point.status) if step.point.status in LANES else None,
            f"{tracker.status_label(step.point.status)} · {step.point.text}",
        )
        for step in steps
    ]
    return svgchart.levels(
        _("%(country)s: %(ask)s, status over time") % {"country": info.name, "ask": line.ask.title},
        _(
            "One dot per dated status, from approved evidence and from the reference data, in the lane of its "
            "status; the table under the chart gives the same."
        ),
        tracker.lanes(),
        points,
        id_prefix="ask-timeline",
        rtl=get_language_bidi(),
        heading=False,
        width=CHART_WIDTH,
    )


@require_GET
def ask(request: HttpRequest, code: str, ask: str) -> HttpResponse:
    actor = reader(request)
    info = country_or_404(code)
    found = tracker.country_tracker(actor, info)
    line = found.line(ask)
    if line is None:
        raise Http404
    steps = timeline(line.points)
    return render(
        request,
        "advocate/ask.html",
        {
            "info": info,
            "tracker": found,
            "line": line,
            "steps": list(reversed(steps)),
            "chart": svg(timeline_chart(info, line, steps)),
            "evidence": access.evidence_of_country(actor, info.alpha3, ask),
            "can_enter": allowed(actor, "advocate.enter"),
        },
    )


# ---- evidence


def _evidence_input(data: dict[str, Any]) -> EvidenceInput:
    return EvidenceInput(
        ask=data["ask"],
        status=data["status"],
        as_of=data["as_of"],
        source_title=data["source_title"],
        source_url=data["source_url"],
        source_citation=data["source_citation"],
        note=data["note"],
    )


@require_http_methods(["GET", "POST"])
def add_evidence(request: HttpRequest, code: str) -> HttpResponse:
    actor = enterer(request)
    info = country_or_404(code)
    initial = {"ask": request.GET.get("ask", "")}
    form = EvidenceForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(
        request, form, lambda data: services.record_evidence(actor, info.alpha3, _evidence_input(data))
    )
    if saved is not None:
        messages.success(
            request,
            _("Evidence %(reference)s saved as a draft: another member approves it.") % {"reference": saved},
        )
        return redirect("advocate:evidence", saved.reference)
    return render(
        request,
        "advocate/evidence_form.html",
        {
            "form": form,
            "info": info,
            "title": _("Record evidence"),
            "submit": _("Save as a draft"),
            "back": reverse("advocate:country", args=[info.alpha3]),
            "back_label": _("The tracker for %(country)s") % {"country": info.name},
            "framework": access.framework(),
        },
    )


@require_GET
def evidence(request: HttpRequest, reference: str) -> HttpResponse:
    actor = reader(request)
    found = access.evidence(actor, reference)
    return render(request, "advocate/evidence.html", _evidence_context(actor, found))


def _evidence_context(actor: Actor, found: Evidence, **extra: Any) -> dict[str, Any]:
    info = country_access.country(found.country_alpha3)
    may_decide = allowed(actor, "advocate.approve_evidence", found)
    return {
        "item": found,
        "info": info,
        "ask": access.framework().ask(found.ask),
        "status": Status(found.status),
        "symbol": tracker.SYMBOLS[Status(found.status)],
        "may_edit": allowed(actor, "advocate.change_evidence", found),
        "may_decide": may_decide,
        "own_draft": found.is_draft and found.entered_by_id == actor.user.pk,
        "approve_form": extra.get("approve_form")
        or (ApproveForm(initial={"version": found.version}, prefix="approve") if may_decide else None),
        "decline_form": extra.get("decline_form")
        or (DeclineForm(initial={"version": found.version}, prefix="decline") if may_decide else None),
    }


@require_http_methods(["GET", "POST"])
def edit_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    actor = enterer(request)
    found = access.evidence(actor, reference)
    if not allowed(actor, "advocate.change_evidence", found):
        raise PermissionDenied
    initial = {
        "version": found.version,
        "ask": found.ask,
        "status": found.status,
        "as_of": found.as_of,
        "source_title": found.source_title,
        "source_url": found.source_url,
        "source_citation": found.source_citation,
        "note": found.note,
    }
    form = EvidenceEditForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.edit_evidence(
            actor, found, _evidence_input(data), expected_version=data["version"]
        ),
    )
    if saved is not None:
        messages.success(request, _("Draft %(reference)s saved.") % {"reference": found.reference})
        return redirect("advocate:evidence", found.reference)
    return render(
        request,
        "advocate/evidence_form.html",
        {
            "form": form,
            "info": country_access.country(found.country_alpha3),
            "title": _("Change the draft"),
            "submit": _("Save the draft"),
            "back": reverse("advocate:evidence", args=[found.reference]),
            "back_label": _("Back to the evidence"),
            "reference": found.reference,
            "framework": access.framework(),
        },
    )


def _decision(request: HttpRequest, reference: str, approve: bool) -> HttpResponse:
    actor = enterer(request)
    found = access.evidence(actor, reference)
    if not allowed(actor, "advocate.approve_evidence", found):
        raise PermissionDenied
    form: Form = (
        ApproveForm(request.POST, prefix="approve")
        if approve
        else DeclineForm(request.POST, prefix="decline")
    )
    if approve:
        saved = save_form(
            request,
            form,
            lambda data: services.approve_evidence(
                actor, found, expected_version=data["version"], note=data["note"]
            ),
        )
        done = _("Evidence %(reference)s approved: it now counts on the tracker.")
    else:
        saved = save_form(
            request,
            form,
            lambda data: services.decline_evidence(
                actor, found, reason=data["reason"], expected_version=data["version"]
            ),
        )
        done = _("Evidence %(reference)s declined; its author is told why.")
    if saved is not None:
        messages.success(request, done % {"reference": found.reference})
        return redirect("advocate:evidence", found.reference)
    extra = {"approve_form": form} if approve else {"decline_form": form}
    return render(request, "advocate/evidence.html", _evidence_context(actor, found, **extra), status=400)


@require_POST
def approve_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    return _decision(request, reference, approve=True)


@require_POST
def decline_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    return _decision(request, reference, approve=False)
