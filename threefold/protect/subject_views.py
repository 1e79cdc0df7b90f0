"""Survivor data rights pages: a copy of everything held about a person (print view and JSON download), erasure,
and the organisation's retention policy. Thin: reads through ``access`` and ``subject_data``, writes through
``subject_data``. Caching is ruled out for every page by ``web.middleware.NoStoreMiddleware``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.protect import access, subject_data
from threefold.protect.models import ErasureCategory, Person, RetentionPolicy


@dataclass(frozen=True)
class Node:
    """One value of an export, as the print view shows it: a label with either a text or child nodes."""

    label: str
    text: str = ""
    children: list[Node] = field(default_factory=list)


def _nodes(value: Any) -> list[Node]:
    if isinstance(value, dict):
        return [_node(str(key).replace("_", " ").capitalize(), item) for key, item in value.items()]
    return [_node(str(index), item) for index, item in enumerate(value, start=1)]


def _node(label: str, value: Any) -> Node:
    if isinstance(value, dict | list | tuple):
        return Node(label, "" if value else "—", _nodes(value))
    if isinstance(value, datetime | date):
        return Node(label, formats.localize(value))
    if isinstance(value, bool):
        return Node(label, _("yes") if value else _("no"))
    return Node(label, "—" if value is None or value == "" else str(value))


def _erased_page(request: HttpRequest, person: Person) -> HttpResponse:
    return render(request, "protect/subject_erased.html", {"person": person})


def _export(request: HttpRequest, reference: str, fmt: str) -> dict[str, Any] | HttpResponse:
    actor = acting_member(request)
    tombstone = subject_data.erased_person(actor, reference)
    if tombstone is not None:
        return _erased_page(request, tombstone)
    opened = access.open_person(actor, reference, purpose="copy of the person's data")
    return subject_data.export_person(actor, opened.person, fmt=fmt)


@require_http_methods(["GET"])
def data(request: HttpRequest, reference: str) -> HttpResponse:
    """The print view: every section with where it is corrected, for the person or their representative."""
    export = _export(request, reference, "html")
    if isinstance(export, HttpResponse):
        return export
    sections = [
        {**section, "nodes": _nodes(section["data"]) if section["data"] else []}
        for section in export["sections"]
    ]
    return render(request, "protect/subject_data.html", {"export": export, "sections": sections})


@require_http_methods(["GET"])
def data_json(request: HttpRequest, reference: str) -> HttpResponse:
    """The same export as a file: always a download, never shown inline by the browser."""
    export = _export(request, reference, "json")
    if isinstance(export, HttpResponse):
        return export
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{reference}-data.json"'
    return response


class EraseForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("Why is the person erased?"), choices=ErasureCategory.choices
    )
    reason = forms.CharField(
        label=gettext_lazy("Explain the decision"),
        min_length=subject_data.MIN_REASON_CHARS,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Checked, then discarded: only the category, you and the date are kept, because whatever is kept about "
            "an erased person outlives the erasure."
        ),
    )
    confirm_reference = forms.CharField(
        label=gettext_lazy("Type the person's reference to confirm"), max_length=20
    )

    def __init__(self, *args: Any, reference: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_confirm_reference(self) -> str:
        typed = str(self.cleaned_data["confirm_reference"]).strip().upper()
        if typed != self.reference:
            raise forms.ValidationError(_("This is not the reference of the person you are erasing."))
        return typed


@require_http_methods(["GET", "POST"])
@reauthentication_required
def erase(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    tombstone = subject_data.erased_person(actor, reference)
    if tombstone is not None:
        return _erased_page(request, tombstone)
    person = subject_data.erasable(actor, reference)
    form = EraseForm(request.POST or None, reference=person.reference)
    if request.method == "POST" and form.is_valid():
        try:
            subject_data.erase_person(
                actor, person, form.cleaned_data["reason"], category=form.cleaned_data["category"]
            )
        except subject_data.ErasureError as exc:
            form.add_error(None, str(exc).split(": ", 1)[-1])
        else:
            messages.warning(request, _("%(ref)s was erased.") % {"ref": reference})
            return redirect("protect:erase_subject", reference=reference)
    return render(request, "protect/subject_erase.html", {"form": form, "person": person})


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["close_to_erase_months"]


@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    policy = subject_data.retention_policy(actor)
    form = RetentionForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        subject_data.set_retention(actor, form.cleaned_data["close_to_erase_months"])
        messages.success(request, _("Retention policy saved."))
        return redirect("protect:retention")
    return render(request, "protect/subject_retention.html", {"form": form, "policy": policy})
