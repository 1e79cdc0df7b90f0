"""The de-duplication review of one organisation, for its supervisors (rule ``protect.review_duplicates``).

The queue of pairs a scan found (likely first, then possible), each shown side by side with the evidence the
model compared; a scan started from the queue and followed by a <progress> polled through HTMX; a page to merge a
pair (which record to keep, what will move); "not the same person" to dismiss one; and the history of merges,
each with undo. Thin: reads through ``duplicate_access``, writes through ``duplicate_services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.middleware import acting_member
from threefold.protect import duplicate_access, duplicate_services
from threefold.protect.access import OpenedPerson
from threefold.protect.duplicate_access import ReviewPair
from threefold.protect.duplicate_records import ADDRESS_FIELDS, UNKNOWN_GENDER
from threefold.protect.forms import GENDER_LABELS, identity_details
from threefold.protect.identity import Identity
from threefold.protect.models import DuplicatePair, PairBand, ScanNote

MOVED_LABELS = {
    "cases": gettext_lazy("Cases, with their timelines, plans and files"),
    "consents": gettext_lazy("Consents"),
    "consent_overrides": gettext_lazy("Consent overrides"),
    "screenings": gettext_lazy("Screenings"),
    "referrals": gettext_lazy("Referrals"),
    "assignments": gettext_lazy("Members assigned"),
}
NOTE_TEXTS = {
    ScanNote.FEWER_THAN_TWO: gettext_lazy(
        "Your organisation has fewer than two records to compare: nothing was proposed."
    ),
    ScanNote.STARTER_LEFT: gettext_lazy(
        "The scan stopped: the member who started it may no longer review duplicates. Start it again."
    ),
    ScanNote.UNEXPECTED: gettext_lazy(
        "The scan stopped because of an unexpected error in the program. Try again; if it happens again, "
        "tell your administrator."
    ),
}


# ---- what the pages show of a record -------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One row of the side-by-side comparison: what each record says, and whether they say the same."""

    label: str
    a: str
    b: str

    @property
    def same(self) -> bool:
        return bool(self.a) and self.a == self.b


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _birth(identity: Identity) -> str:
    details = identity_details(identity)
    parts = []
    if identity.date_of_birth:
        parts.append(_date(identity.date_of_birth))
    if identity.estimated_age is not None:
        estimate = _("about %(age)s, estimated on %(day)s") % {
            "age": identity.estimated_age,
            "day": _date(identity.age_estimated_on),
        }
        if details.estimated_birth_year:
            estimate += " " + _("(born around %(year)s)") % {"year": details.estimated_birth_year}
        parts.append(estimate)
    if not parts and str(identity.extra.get("birth_year", "")).strip():
        parts.append(_("year only: %(year)s") % {"year": identity.extra["birth_year"]})
    return "; ".join(parts)


def _address(identity: Identity) -> str:
    nested = identity.extra.get("address")
    if isinstance(nested, str):
        return nested.strip()
    source = nested if isinstance(nested, dict) else identity.extra
    return ", ".join(str(source[key]).strip() for key in ADDRESS_FIELDS if str(source.get(key) or "").strip())


def _gender(identity: Identity) -> str:
    if not identity.gender or identity.gender == UNKNOWN_GENDER:
        return ""
    return str(GENDER_LABELS.get(identity.gender, identity.gender))


def evidence(a: Identity, b: Identity) -> list[Evidence]:
    def row(label: str, value: Any) -> Evidence:
        return Evidence(label, value(a), value(b))

    return [
        row(_("Name"), lambda i: i.full_name),
        row(_("Other names and aliases"), lambda i: ", ".join(i.aliases)),
        row(_("Date of birth or age"), _birth),
        row(_("Gender"), _gender),
        row(_("Citizenships"), lambda i: ", ".join(identity_details(i).citizenships)),
        row(_("Address"), _address),
    ]


def percent(probability: float) -> str:
    """A match probability as people read it: "93.6%"; never "100%" for a probability below 1."""
    shown = min(round(probability * 100, 1), 99.9) if probability < 1 else 100.0
    return f"{formats.number_format(shown, 1)}%"


@dataclass(frozen=True)
class ShownPair:
    pair: DuplicatePair
    a: OpenedPerson
    b: OpenedPerson
    percent: str
    band: str
    evidence: list[Evidence]


def _shown(item: ReviewPair) -> ShownPair:
    return ShownPair(
        item.pair,
        item.a,
        item.b,
        percent(item.pair.probability),
        str(PairBand(item.pair.band).label),
        evidence(item.a.identity, item.b.identity),
    )


# ---- the queue and scans -------------------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    scan = duplicate_access.latest_scan(actor)
    page, pairs = duplicate_access.queue(actor, request.GET.get("page") or 1)
    return render(
        request,
        "protect/duplicates.html",
        {
            "scan": scan,
            "note": NOTE_TEXTS.get(ScanNote(scan.note)) if scan and scan.note else "",
            "page": page,
            "pairs": [_shown(item) for item in pairs],
        },
    )


@require_POST
def start_scan(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    try:
        scan = duplicate_services.start_scan(actor)
    except duplicate_services.DuplicateError as error:
        messages.error(request, str(error))
        return redirect("protect:duplicates")
    scan.refresh_from_db(fields=["status"])  # a worker may be done already (at once in development)
    if not scan.finished:
        messages.success(
            request, _("The scan has started. This page follows it; you can also leave and come back.")
        )
    return redirect("protect:duplicates")


@require_GET
def scan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the queue polls; once the scan is finished an HTMX request reloads the page."""
    actor = acting_member(request)
    scan = duplicate_access.scan(actor, pk)
    response = render(request, "protect/duplicate_scan_progress.html", {"scan": scan})
    if scan.finished and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


# ---- decisions -----------------------------------------------------------------------------------------------


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=gettext_lazy("Record to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Keep the record with the better identity, usually the one the person's caseworker uses. The other "
            "one is not deleted: it stays as it is, listed on the kept record's page."
        ),
        error_messages={"required": gettext_lazy("Choose which record to keep.")},
    )
    version_a = forms.IntegerField(widget=forms.HiddenInput)
    version_b = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, shown: ShownPair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            (side.person.pk, _label(side)) for side in (shown.a, shown.b)
        ]


def _label(side: OpenedPerson) -> str:
    return _("%(ref)s: %(name)s, recorded %(when)s") % {
        "ref": side.person.reference,
        "name": side.identity.full_name or ", ".join(side.identity.aliases),
        "when": _date(side.person.created_at),
    }


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_member(request)
    shown = _shown(duplicate_access.pair_for_review(actor, pk))
    initial = {"version_a": shown.a.person.version, "version_b": shown.b.person.version}
    form = MergeForm(request.POST or None, initial=initial, shown=shown)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        versions = {shown.a.person.pk: data["version_a"], shown.b.person.pk: data["version_b"]}
        try:
            record = duplicate_services.merge(actor, shown.pair, keep=data["keep"], versions=versions)
        except duplicate_services.ConflictError:
            form.add_error(
                None,
                _(
                    "One of these records was changed while you were reviewing it. Nothing was merged: read "
                    "the records again below, then decide."
                ),
            )
        except duplicate_services.DuplicateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(kept)s. You can undo this from the list of merges.")
                % {"merged": record.merged.reference, "kept": record.kept.reference},
            )
            return redirect("protect:duplicates")
    return render(
        request,
        "protect/duplicate_merge.html",
        {
            "shown": shown,
            "form": form,
            "moves": _moves(shown),
        },
    )


def _moves(shown: ShownPair) -> list[tuple[str, int, int]]:
    a = duplicate_access.movable_counts(shown.a.person)
    b = duplicate_access.movable_counts(shown.b.person)
    return [(str(label), a[kind], b[kind]) for kind, label in MOVED_LABELS.items()]


@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_member(request)
    pair = duplicate_access.open_pair(actor, pk)
    try:
        duplicate_services.dismiss(actor, pair)
    except duplicate_services.DuplicateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(a)s and %(b)s are recorded as two different people; they will not be proposed again.")
            % {"a": pair.person_a.reference, "b": pair.person_b.reference},
        )
    return redirect("protect:duplicates")


# ---- merges --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownMerge:
    merge: Any
    moved: list[tuple[str, int]]


@require_GET
def merges(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    shown = [
        ShownMerge(
            record,
            [
                (str(label), n)
                for kind, label in MOVED_LABELS.items()
                if (n := record.moved_counts.get(kind, 0))
            ],
        )
        for record in duplicate_access.merges(actor)[:200]
    ]
    return render(request, "protect/duplicate_merges.html", {"merges": shown})


@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_member(request)
    record = duplicate_access.merge(actor, pk)
    try:
        duplicate_services.undo(actor, record)
    except duplicate_services.DuplicateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The merge was undone: %(merged)s is a record of its own again.")
            % {"merged": record.merged.reference},
        )
    return redirect("protect:merges")
