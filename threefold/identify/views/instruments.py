"""Organisations' own instruments: upload a version, see every version and its status, retire one, download
its text, and the JSON Schema authors write against. Supervisors and organisation admins manage them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.identify import access, catalogue, services
from threefold.identify.core.instrument import SCHEMA_PATH, InstrumentError
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.problems import Problem
from threefold.identify.forms_admin import InstrumentUploadForm
from threefold.identify.models import InstrumentSource

# A file can break many rules at once; the page lists this many problems and says how many more there are.
SHOWN_PROBLEMS = 100
PROBLEM_MESSAGE_CHARS = 400


class Status:
    ACTIVE = "active"  # the version new screenings use
    REPLACED = "replaced"  # a newer version of the same instrument is active
    RETIRED = "retired"


@dataclass(frozen=True)
class Version:
    source: InstrumentSource
    title: LocalText | None  # None if the engine no longer reads the stored text
    status: str


def _manager(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "identify.manage_instruments"):
        raise PermissionDenied
    return actor


def _versions(actor: Actor) -> list[Version]:
    """Every uploaded version, newest first. The active one of each instrument is its newest not retired, as in
    ``catalogue.entries``."""
    versions = []
    active: set[str] = set()
    for source in access.uploaded_sources(actor).order_by("-created_at", "-pk"):
        try:
            title: LocalText | None = catalogue.instrument_of(source).title
        except InstrumentError:
            title = None
        if source.retired_at is not None:
            status = Status.RETIRED
        elif source.instrument_id in active:
            status = Status.REPLACED
        else:
            status = Status.ACTIVE
            active.add(source.instrument_id)
        versions.append(Version(source, title, status))
    return versions


def _shown(problems: tuple[Problem, ...]) -> list[Problem]:
    def short(message: str) -> str:
        if len(message) <= PROBLEM_MESSAGE_CHARS:
            return message
        return message[:PROBLEM_MESSAGE_CHARS] + "…"

    return [Problem(problem.path, short(problem.message)) for problem in problems[:SHOWN_PROBLEMS]]


def _page(
    request: HttpRequest,
    actor: Actor,
    form: InstrumentUploadForm,
    error: InstrumentError | None = None,
) -> HttpResponse:
    return render(
        request,
        "identify/my_instruments.html",
        {
            "form": form,
            "versions": _versions(actor),
            "problems": _shown(error.problems) if error else [],
            "more_problems": max(0, len(error.problems) - SHOWN_PROBLEMS) if error else 0,
            "problem_count": len(error.problems) if error else 0,
            "filename": error.source if error else "",
        },
    )


@require_http_methods(["GET"])
def my_instruments(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    return _page(request, actor, InstrumentUploadForm())


@require_POST
def upload_instrument(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    form = InstrumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, actor, form)
    filename = form.cleaned_data["file"].name or "instrument"
    try:
        source = services.upload_instrument(actor, form.text, filename=filename)
    except InstrumentError as error:
        form.add_error(
            "file",
            ngettext(
                "This file is not a valid instrument: %(count)s problem, listed above. Nothing was stored.",
                "This file is not a valid instrument: %(count)s problems, listed above. Nothing was stored.",
                len(error.problems),
            )
            % {"count": len(error.problems)},
        )
        return _page(request, actor, form, error)
    messages.success(
        request,
        _("Version %(version)s of %(id)s is stored and offered for new screenings.")
        % {"version": source.version, "id": source.instrument_id},
    )
    return redirect("identify:my_instruments")


@require_POST
def retire_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _manager(request)
    source = access.uploaded_source(actor, pk)
    if source.retired_at is not None:
        messages.info(
            request,
            _("Version %(version)s of %(id)s was already retired.")
            % {"version": source.version, "id": source.instrument_id},
        )
    else:
        services.retire_instrument(actor, source)
        messages.success(
            request,
            _(
                "Version %(version)s of %(id)s is retired: it is no longer offered for new screenings, and "
                "the screenings made with it keep it."
            )
            % {"version": source.version, "id": source.instrument_id},
        )
    return redirect("identify:my_instruments")


@require_http_methods(["GET"])
def instrument_source(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _manager(request)
    source = access.uploaded_source(actor, pk)
    response = HttpResponse(source.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{source.instrument_id}-{source.version}.yaml"
    )
    return response


@require_http_methods(["GET"])
def instrument_schema(request: HttpRequest) -> HttpResponse:
    acting_member(request)
    return HttpResponse(
        SCHEMA_PATH.read_text(encoding="utf-8"), content_type="application/json; charset=utf-8"
    )


urlpatterns = [
    path("my-instruments/", my_instruments, name="my_instruments"),
    path("my-instruments/upload/", upload_instrument, name="upload_instrument"),
    path("my-instruments/schema.json", instrument_schema, name="instrument_schema"),
    path("my-instruments/<int:pk>/retire/", retire_instrument, name="retire_instrument"),
    path("my-instruments/<int:pk>/source/", instrument_source, name="instrument_source"),
]
