"""The referral directory: hotlines, shelters, police, labour inspectorates and other services to refer people
to. Every member of every organisation browses all of it (these are public contact details, and sharing them is
the point); an organisation's admins add, change and delete their own organisation's entries only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.identify import access, services
from threefold.identify.forms_admin import DirectoryEntryForm, DirectoryFilterForm
from threefold.identify.models import DirectoryEntry

# A page lists at most this many entries; beyond it, people filter (and are told so).
PAGE_LIMIT = 300


@dataclass(frozen=True)
class Listed:
    entry: DirectoryEntry
    tel: str  # a tel: link that dials the digits, or "" when the phone field has none
    can_change: bool


def tel_href(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    if not digits:
        return ""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def _listing_url(country: str = "") -> str:
    url = reverse("identify:directory")
    return f"{url}?{urlencode({'country': country})}" if country else url


def _add_service_errors(form: DirectoryEntryForm, error: ValidationError) -> None:
    """Show the model's own validation (run again by the service) on the form, on the field it concerns."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET"])
def directory(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    everything = access.directory(actor)
    form = DirectoryFilterForm(
        request.GET or None,
        countries=everything.order_by().values_list("country", flat=True).distinct(),
        regions=everything.order_by().values_list("region", flat=True).distinct(),
    )
    filters = form.filters()
    entries = list(access.directory(actor, **filters)[: PAGE_LIMIT + 1])
    rows = [
        Listed(entry, tel_href(entry.phone), allowed(actor, "identify.change_directory_entry", entry))
        for entry in entries[:PAGE_LIMIT]
    ]
    return render(
        request,
        "identify/directory.html",
        {
            "form": form,
            "rows": rows,
            "filtered": bool(filters),
            "truncated": len(entries) > PAGE_LIMIT,
            "page_limit": PAGE_LIMIT,
            "can_manage": allowed(actor, "identify.manage_directory"),
        },
    )


@require_http_methods(["GET", "POST"])
def directory_add(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "identify.manage_directory"):
        raise PermissionDenied
    organisation = actor.organisation
    form = DirectoryEntryForm(
        request.POST or None, initial={"country": organisation.country if organisation else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.save_directory_entry(actor, form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” added to the directory.") % {"name": entry.name})
            return redirect(_listing_url(entry.country))
    return render(request, "identify/directory_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_member(request)
    entry = access.directory_entry_to_change(actor, pk)
    name = entry.name  # the form writes the typed values into ``entry`` while it validates
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect(_listing_url(entry.country))
        try:
            entry = services.save_directory_entry(actor, changed, entry)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": entry.name})
            return redirect(_listing_url(entry.country))
    return render(
        request, "identify/directory_form.html", {"form": form, "creating": False, "name": name, "pk": pk}
    )


@require_http_methods(["GET", "POST"])
def directory_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_member(request)
    entry = access.directory_entry_to_change(actor, pk)
    if request.method == "POST":
        name, country = entry.name, entry.country
        services.delete_directory_entry(actor, entry)
        messages.success(request, _("“%(name)s” deleted from the directory.") % {"name": name})
        return redirect(_listing_url(country))
    return render(request, "identify/directory_confirm_delete.html", {"entry": entry})


urlpatterns = [
    path("directory/", directory, name="directory"),
    path("directory/add/", directory_add, name="directory_add"),
    path("directory/<int:pk>/edit/", directory_edit, name="directory_edit"),
    path("directory/<int:pk>/delete/", directory_delete, name="directory_delete"),
]
