"""Record linkage between organisations without sharing names (privacy-preserving record linkage).

Pages: the organisation's encoding sets and linkage runs; making a set from the organisation's own people (with a
new linkage secret, shown once, or the one the other party gave); importing another party's encoding file
(checked with the shared secret, every refusal named); a set's page (progress, details, export, deletion); a
new run (two or more sets made with one secret, and a Dice threshold); a run's page (progress, then the overlap:
a diagram, a table, notes, a CSV file and an estimate of the hidden number from it).

Analysts of the organisation do everything with encodings; every statistics reader reads runs' results (counts
only); see the rules block in threefold/accounts/rules.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.insight import linkage_access, linkage_services
from threefold.insight.core import mse_input
from threefold.insight.core.mse import MAX_LISTS
from threefold.insight.core.pprl import DEFAULT_THRESHOLD, EncodingFileError, LinkageKey
from threefold.insight.estimate_views import table_errors
from threefold.insight.models import EncodingSet, EncodingSource, EstimateStatus, LinkageRun
from threefold.web import svgchart
from threefold.web.uploads import SizeLimit, limit_uploads

# An encoding takes 128 bytes and its year blocks 41: 32 MB holds about 190,000 people, more than any one
# organisation records, and nothing much larger is read into memory.
MAX_UPLOAD = 32 * 1024 * 1024
CHART_WIDTH = 360  # drawn narrow, so that a phone shrinking it to its screen keeps the text readable
FILE_SUFFIX = ".tfenc"


def _reader(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return actor


def _analyst(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "insight.linkage"):
        raise PermissionDenied
    return actor


def failure_text(code: str) -> str:
    """Why a set or a run has no result, in the user's language."""
    texts = {
        "nobody": _(
            "Nobody could be encoded: no person of your organisation has a consent to be included in statistics "
            "in force. Nothing was kept."
        ),
        "stale": _("No worker made this set in time, so its secret was erased. Make the set again."),
        "set_gone": _(
            "An encoding set of this run expired or was deleted before the run started, so nothing was "
            "compared. Choose the sets again."
        ),
        "unexpected": _(
            "The work stopped because of an unexpected error in the program, not because of your data. Try "
            "again; if it happens again, tell your administrator."
        ),
    }
    return texts.get(code, code)


# --- The linkage home -----------------------------------------------------------------------------------------


@require_GET
def linkage(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    can_link = allowed(actor, "insight.linkage")
    return render(
        request,
        "insight/linkage.html",
        {
            "sets": linkage_access.encoding_sets(actor) if can_link else [],
            "runs": linkage_access.linkage_runs(actor),
            "can_link": can_link,
        },
    )


# --- Making a set -----------------------------------------------------------------------------------------------

NEW, GIVEN = "new", "given"


def _label_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Name of this encoding set"),
        max_length=linkage_services.MAX_LABEL,
        error_messages={"required": gettext_lazy("Give the encoding set a name.")},
    )


class MakeForm(forms.Form):
    label = _label_field()
    secret_choice = forms.ChoiceField(
        label=gettext_lazy("The linkage secret"),
        choices=[
            (NEW, gettext_lazy("Make a new secret: I will give it to the other organisation")),
            (GIVEN, gettext_lazy("Use the secret the other organisation gave me")),
        ],
        initial=NEW,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Both organisations must encode with the same secret, or nobody will be found on both lists."
        ),
    )
    secret = forms.CharField(
        label=gettext_lazy("The secret the other organisation gave you"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}),
        help_text=gettext_lazy(
            "Only if you chose to use their secret: 43 characters, or 64 hexadecimal digits."
        ),
    )
    valid_days = forms.IntegerField(
        label=gettext_lazy("Keep the encodings for (days)"),
        min_value=1,
        max_value=linkage_services.MAX_DAYS,
        initial=linkage_services.DEFAULT_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].help_text = _(
            "Name the other organisation and the date, for example “For Casa Esperanza, June 2026”."
        )
        days = _("Give a number of days from 1 to %(most)s.") % {"most": linkage_services.MAX_DAYS}
        field = self.fields["valid_days"]
        field.help_text = _(
            "Encodings are personal data: they are deleted after this many days (%(default)s unless you change "
            "it, %(most)s at most), and the file you export expires then too."
        ) % {"default": linkage_services.DEFAULT_DAYS, "most": linkage_services.MAX_DAYS}
        field.error_messages.update(required=days, invalid=days, min_value=days, max_value=days)


def _taken(actor: Actor, label: str) -> str | None:
    """The message for a set name that cannot be used, said before anything is read or queued."""
    if label.lower() == "count":
        return _("“count” names the column of counts in a table of overlaps: choose another name.")
    if label in linkage_access.set_labels(actor):
        return _("Your organisation already has an encoding set named “%(name)s”: choose another name.") % {
            "name": label
        }
    return None


@require_http_methods(["GET", "POST"])
def make(request: HttpRequest) -> HttpResponse:
    actor = _analyst(request)
    if request.method != "POST":
        return _make_page(request, MakeForm())
    form = MakeForm(request.POST)
    if not form.is_valid():
        return _make_page(request, form, status=400)
    label: str = form.cleaned_data["label"].strip()
    problem = _taken(actor, label)
    if problem:
        form.add_error("label", problem)
    generated = ""
    secret = b""
    if form.cleaned_data["secret_choice"] == NEW:
        if form.cleaned_data["secret"]:
            form.add_error(
                "secret",
                _(
                    "You chose to make a new secret: leave this empty, or choose to use the other organisation's."
                ),
            )
        generated = linkage_services.new_secret()
        secret = linkage_services.parse_secret(generated)
    else:
        try:
            secret = linkage_services.parse_secret(form.cleaned_data["secret"])
        except linkage_services.SecretError as error:
            form.add_error("secret", str(error))
    if form.errors:
        return _make_page(request, form, status=400)
    try:
        found = linkage_services.make_encodings(
            actor, label=label, secret=secret, valid_days=form.cleaned_data["valid_days"]
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return _make_page(request, form, status=400)
    found.refresh_from_db()  # a worker may be done already (at once in development)
    if generated:
        # Shown once, in this response only: it is not kept anywhere, so reloading cannot show it again.
        return _set_page(request, actor, found, new_secret=generated)
    if not found.finished:
        messages.success(
            request,
            _("“%(name)s” is being encoded. This page follows the work; you can also leave it and come back.")
            % {"name": found.label},
        )
    return redirect("insight:encoding_set", pk=found.pk)


def _make_page(request: HttpRequest, form: MakeForm, *, status: int = 200) -> HttpResponse:
    return render(request, "insight/linkage_make.html", {"form": form}, status=status)


# --- Importing a set --------------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    label = _label_field()
    file = forms.FileField(
        label=gettext_lazy("The encoding file"),
        widget=forms.FileInput(attrs={"accept": FILE_SUFFIX + ",application/octet-stream"}),
        error_messages={
            "required": gettext_lazy("Choose the encoding file the other organisation sent you."),
            "empty": gettext_lazy(
                "The file is empty: choose the encoding file the other organisation sent you."
            ),
        },
    )
    secret = forms.CharField(
        label=gettext_lazy("The linkage secret you share with them"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}),
        error_messages={
            "required": gettext_lazy("Give the linkage secret you agreed with the other organisation.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].help_text = _(
            "Name the organisation it comes from and the date, for example “From Safe Harbour, June 2026”."
        )
        self.fields["file"].help_text = _(
            "The file the other organisation exported from its encoding set (its name ends in %(suffix)s), at "
            "most %(limit)s."
        ) % {"suffix": FILE_SUFFIX, "limit": filesizeformat(MAX_UPLOAD)}
        self.fields["secret"].help_text = _(
            "The same secret both of you encoded with. It checks that the file is whole and unaltered; it is "
            "not kept."
        )


def refusal_text(error: EncodingFileError, key_check: str) -> str:
    """What was wrong with an encoding file, in plain words, and what to do about it."""
    reason = error.reason
    if reason == "format":
        return _(
            "This is not a Threefold encoding file. Choose the file the other organisation exported from its "
            "encoding set (its name ends in %(suffix)s)."
        ) % {"suffix": FILE_SUFFIX}
    if reason == "truncated":
        return _(
            "The file is incomplete: it was cut short in transfer. Ask the other organisation to send it again."
        )
    if reason == "version":
        return _(
            "The file was written by a version of Threefold that this one cannot read. Ask the other "
            "organisation to export it again once both of you run the same version."
        )
    if reason == "malformed":
        return _(
            "The file is damaged: its description cannot be read. Ask the other organisation to export it again."
        )
    if reason == "key":
        return _(
            "The file was made with a different linkage secret from the one you gave (yours has the key check "
            "%(check)s). Check the secret with the other organisation: their encoding set shows its key check, "
            "which must be the same."
        ) % {"check": key_check}
    if reason == "tampered":
        return _(
            "The file failed its integrity check: it was changed or damaged after it was exported. Do not use "
            "it: ask the other organisation for a fresh export."
        )
    if reason == "schema":
        return _(
            "The file was encoded with another encoding schema than this deployment's, so nobody in it could be "
            "found. Both organisations must run a Threefold version with the same schema."
        )
    if reason == "expired":
        return _(
            "The file has expired, or its dates are wrong: encodings are kept only for a limited time. Ask the "
            "other organisation for a fresh export."
        )
    return _("The file cannot be used.")


# Exempt from the CSRF middleware only so that the size limit comes first; csrf_protect on the inner view checks
# the token (threefold.web.uploads says why). Nobody without the role gets that far.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_set(request: HttpRequest) -> HttpResponse:
    actor = _analyst(request)
    return _import_set(request, actor, limit_uploads(request, MAX_UPLOAD))


@csrf_protect
def _import_set(request: HttpRequest, actor: Actor, size_limit: SizeLimit) -> HttpResponse:
    if request.method != "POST":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    form.is_valid()
    if size_limit.exceeded:
        form.errors.pop("file", None)
        form.add_error(
            "file",
            _("The file is larger than %(limit)s, the most this page takes: nothing was imported.")
            % {"limit": filesizeformat(MAX_UPLOAD)},
        )
    label = form.cleaned_data.get("label", "").strip() if "label" not in form.errors else ""
    if label and (problem := _taken(actor, label)):
        form.add_error("label", problem)
    secret = b""
    if "secret" not in form.errors:
        try:
            secret = linkage_services.parse_secret(form.cleaned_data["secret"])
        except linkage_services.SecretError as error:
            form.add_error("secret", str(error))
    if form.errors:
        return _import_page(request, form, status=400)
    upload: UploadedFile = form.cleaned_data["file"]
    data = b"".join(upload.chunks())
    try:
        found = linkage_services.import_encodings(actor, label=label, data=data, secret=secret)
    except EncodingFileError as error:
        form.add_error("file", refusal_text(error, _short(LinkageKey(secret).key_check)))
    except linkage_services.DuplicateFileError as error:
        form.add_error(
            "file",
            _("This file is one your own organisation made: import the file the other organisation sent you.")
            if error.made_here
            else _("Your organisation has imported this file already: it is among your encoding sets."),
        )
    except linkage_services.EmptyFileError:
        form.add_error("file", _("The file holds no encoding: the other organisation had nobody to encode."))
    except ValueError as error:
        form.add_error(None, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Imported “%(name)s”: %(n)s encoding, checked with your secret.",
                "Imported “%(name)s”: %(n)s encodings, checked with your secret.",
                found.record_count,
            )
            % {"name": found.label, "n": found.record_count},
        )
        return redirect("insight:encoding_set", pk=found.pk)
    return _import_page(request, form, status=400)


def _import_page(request: HttpRequest, form: ImportForm, *, status: int = 200) -> HttpResponse:
    return render(request, "insight/linkage_import.html", {"form": form}, status=status)


def _short(key_check: str) -> str:
    return f"{key_check[:4]} {key_check[4:8]}"


# --- One set ------------------------------------------------------------------------------------------------------


def _set_page(
    request: HttpRequest,
    actor: Actor,
    found: EncodingSet,
    *,
    new_secret: str = "",
    export_error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "insight/encoding_set.html",
        {
            "set": found,
            "new_secret": new_secret,
            "export_error": export_error,
            "error_text": failure_text(found.error) if found.error else "",
            "made_here": found.source == EncodingSource.MADE,
        },
        status=status,
    )


@require_GET
def encoding_set(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _analyst(request)
    return _set_page(request, actor, linkage_access.encoding_set(actor, pk))


@require_GET
def encoding_set_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the set's page polls; once finished, an HTMX request is told to reload the page,
    except from the page showing a new secret (the form's answer: a reload would post the form again)."""
    actor = _analyst(request)
    found = linkage_access.find_encoding_set(actor, pk)
    secret_shown = request.GET.get("secret_shown") == "1"
    context = {"set": found, "secret_shown": secret_shown}
    response = render(request, "insight/encoding_set_progress.html", context)
    if found.finished and not secret_shown and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_POST
def encoding_set_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The encoding file of a set made here, as a download (audited)."""
    actor = _analyst(request)
    found = linkage_access.find_encoding_set(actor, pk)
    try:
        data = linkage_access.export_file(actor, found)
    except linkage_access.StaleSetError as stale:
        message = ngettext(
            "%(n)s person in this set has since been erased, merged into another record or has withdrawn their "
            "consent, so it may no longer be shared. Make a new encoding set.",
            "%(n)s people in this set have since been erased, merged into other records or have withdrawn their "
            "consent, so it may no longer be shared. Make a new encoding set.",
            stale.count,
        ) % {"n": stale.count}
        return _set_page(request, actor, found, export_error=message, status=409)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="threefold-encodings-{found.reference}{FILE_SUFFIX}"'
    )
    return response


@require_POST
def encoding_set_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _analyst(request)
    found = linkage_access.find_encoding_set(actor, pk)
    linkage_services.delete_set(actor, found)
    messages.success(request, _("The encoding set “%(name)s” was deleted.") % {"name": found.label})
    return redirect("insight:linkage")


# --- A new run --------------------------------------------------------------------------------------------------


class RunForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the run"),
        max_length=linkage_services.MAX_LABEL,
        help_text=gettext_lazy("For example “Safe Harbour and Casa Esperanza, June 2026”."),
        error_messages={"required": gettext_lazy("Give the run a name.")},
    )
    sets = forms.MultipleChoiceField(
        label=gettext_lazy("The encoding sets to compare"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least two encoding sets."),
            "invalid_choice": gettext_lazy("One of the sets chosen is no longer there: choose again."),
        },
    )
    threshold = forms.FloatField(
        label=gettext_lazy("Dice threshold"),
        min_value=linkage_services.MIN_THRESHOLD,
        max_value=1,
        initial=DEFAULT_THRESHOLD,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, sets: list[EncodingSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sets"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(found.pk), set_choice_label(found)) for found in sets]
        field.help_text = _(
            "Two or more, made with the same linkage secret (the same key check), at most %(most)s."
        ) % {"most": MAX_LISTS}
        self.fields["threshold"].help_text = _(
            "How alike two encodings must be to count as the same person, from %(least)s to 1. %(default)s, the "
            "default, found 99 of 100 true matches and almost no false ones on a standard test set; higher "
            "misses more people, lower takes more strangers for one person."
        ) % {"least": linkage_services.MIN_THRESHOLD, "default": DEFAULT_THRESHOLD}
        threshold = _("Give a threshold from %(least)s to 1, for example %(default)s.") % {
            "least": linkage_services.MIN_THRESHOLD,
            "default": DEFAULT_THRESHOLD,
        }
        self.fields["threshold"].error_messages.update(
            required=threshold, invalid=threshold, min_value=threshold, max_value=threshold
        )


def set_choice_label(found: EncodingSet) -> str:
    return _("%(name)s: %(source)s, %(n)s encodings, key check %(check)s") % {
        "name": found.label,
        "source": found.get_source_display().lower(),
        "n": f"{found.record_count:,}",
        "check": found.key_check_short,
    }


@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    actor = _analyst(request)
    # The organisation's own sets first, then those imported, each oldest first: the order of the lists in a run.
    usable = sorted(
        linkage_access.usable_sets(actor),
        key=lambda found: (found.source != EncodingSource.MADE, found.created_at),
    )
    if request.method != "POST":
        return _run_page(request, RunForm(sets=usable), usable)
    form = RunForm(request.POST, sets=usable)
    if not form.is_valid():
        return _run_page(request, form, usable, status=400)
    chosen = [found for found in usable if str(found.pk) in set(form.cleaned_data["sets"])]
    if len(chosen) < 2:
        form.add_error("sets", _("Choose at least two encoding sets."))
    elif len(chosen) > MAX_LISTS:
        form.add_error("sets", _("Choose at most %(most)s encoding sets.") % {"most": MAX_LISTS})
    if form.errors:
        return _run_page(request, form, usable, status=400)
    try:
        run = linkage_services.start_run(
            actor, name=form.cleaned_data["name"], sets=chosen, threshold=form.cleaned_data["threshold"]
        )
    except linkage_services.IncompatibleSetsError as error:
        groups = "; ".join(", ".join(group) for group in error.groups)
        form.add_error(
            "sets",
            _(
                "These sets were made with different linkage secrets, so nobody could be found on two of them: "
                "%(groups)s. Choose sets made with one secret (the same key check)."
            )
            % {"groups": groups},
        )
        return _run_page(request, form, usable, status=400)
    except ValueError as error:
        form.add_error(None, str(error))
        return _run_page(request, form, usable, status=400)
    run.refresh_from_db(fields=["status"])
    if not run.finished:
        messages.success(
            request,
            _("“%(name)s” is running. This page follows the work; you can also leave it and come back.")
            % {"name": run.name},
        )
    return redirect("insight:linkage_run", pk=run.pk)


def _run_page(
    request: HttpRequest, form: RunForm, usable: list[EncodingSet], *, status: int = 200
) -> HttpResponse:
    return render(request, "insight/linkage_run_new.html", {"form": form, "usable": usable}, status=status)


# --- A run's result ---------------------------------------------------------------------------------------------


def combination_text(lists: list[str], history: tuple[int, ...]) -> str:
    """ "Only on Police", "On Police and NGO", "On all 3 lists"."""
    names = [name for name, flag in zip(lists, history, strict=True) if flag]
    if len(names) == 1:
        return _("Only on %(list)s") % {"list": names[0]}
    if len(names) == len(lists):
        return _("On both lists") if len(lists) == 2 else _("On all %(n)s lists") % {"n": len(lists)}
    return _("On %(lists)s and %(last)s") % {"lists": ", ".join(names[:-1]), "last": names[-1]}


@dataclass(frozen=True)
class Combination:
    history: tuple[int, ...]
    cells: list[tuple[str, bool]]  # (list, on it)
    text: str
    count: int


def combinations(run: LinkageRun) -> list[Combination]:
    result = run.result or {}
    out = []
    for row in result.get("histories", []):
        history = tuple(int(flag) for flag in row[:-1])
        out.append(
            Combination(
                history,
                list(zip(run.lists, [bool(flag) for flag in history], strict=True)),
                combination_text(run.lists, history),
                int(row[-1]),
            )
        )
    # Most lists first, then in the order of the lists: "on all" leads, each list's "only" ends the table.
    return sorted(out, key=lambda c: (-sum(c.history), [-flag for flag in c.history]))


def summary(run: LinkageRun, found: list[Combination]) -> str:
    result = run.result or {}
    people = int(result.get("people", sum(c.count for c in found)))
    several = sum(c.count for c in found if sum(c.history) > 1)
    if len(run.lists) == 2:
        counts = {c.history: c.count for c in found}
        both = counts.get((1, 1), 0)
        return ngettext(
            "%(both)s person is on both lists; only on %(first)s: %(a)s; only on %(second)s: %(b)s.",
            "%(both)s people are on both lists; only on %(first)s: %(a)s; only on %(second)s: %(b)s.",
            both,
        ) % {
            "both": f"{both:,}",
            "a": f"{counts.get((1, 0), 0):,}",
            "b": f"{counts.get((0, 1), 0):,}",
            "first": run.lists[0],
            "second": run.lists[1],
        }
    return ngettext(
        "%(people)s person across the %(n)s lists, of whom %(several)s are on more than one list.",
        "%(people)s different people across the %(n)s lists, of whom %(several)s are on more than one list.",
        people,
    ) % {"people": f"{people:,}", "n": len(run.lists), "several": f"{several:,}"}


def diagram(run: LinkageRun, found: list[Combination]) -> str:
    """The overlap as a picture: an Euler diagram (2 lists), a Venn diagram (3), or bars of the combinations that
    have people (4 or more). Every text in it is escaped where it is drawn (threefold.web.svgchart)."""
    title = _("Who is on which lists")
    description = " ".join(f"{c.text}: {c.count:,}." for c in found)
    result = run.result or {}
    records = result.get("records", [])
    if len(run.lists) in (2, 3):
        keys = [
            ngettext("%(list)s: %(n)s person", "%(list)s: %(n)s people", size)
            % {"list": name, "n": f"{size:,}"}
            for name, size in zip(run.lists, records, strict=False)
        ]
        return svgchart.overlap_diagram(
            title,
            description,
            run.lists,
            {c.history: c.count for c in found},
            region_labels={c.history: f"{c.text}: {c.count:,}" for c in found},
            key_texts=keys if len(keys) == len(run.lists) else (),
            id_prefix="linkage-overlap",
            rtl=get_language_bidi(),
            heading=False,
            width=CHART_WIDTH,
        )
    shown = [c for c in found if c.count]
    description = " ".join(f"{c.text}: {c.count:,}." for c in shown)
    if len(shown) < len(found):
        description += " " + _("Nobody is on any other combination of lists.")
    chart = svgchart.single(
        title,
        description,
        [c.text for c in shown],
        [float(c.count) for c in shown],
        [f"{c.count:,}" for c in shown],
        name=_("People"),
        id_prefix="linkage-overlap",
    )
    return svgchart.bars(chart, rtl=get_language_bidi(), heading=False, width=CHART_WIDTH)


def notes(run: LinkageRun) -> dict[str, Any]:
    result = run.result or {}
    dropped = [
        (name, count) for name, count in zip(run.lists, result.get("dropped", []), strict=False) if count
    ]
    return {
        "method": result.get("method", ""),
        "compared": f"{result.get('compared', 0):,}",
        "above": f"{result.get('above_threshold', 0):,}",
        "clusters_cut": result.get("clusters_cut", 0),
        "unsplittable": result.get("unsplittable", 0),
        "dropped": dropped,
    }


@require_GET
def linkage_run(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    run = linkage_access.linkage_run(actor, pk)
    context: dict[str, Any] = {
        "run": run,
        "can_delete": allowed(actor, "insight.change_linkage_run", run),
        "can_estimate": allowed(actor, "insight.estimate"),
        "error_text": failure_text(run.error) if run.error else "",
    }
    if run.status == EstimateStatus.DONE and run.result:
        found = combinations(run)
        context.update(
            combinations=found,
            summary=summary(run, found),
            # Drawn here, every text in it escaped where it is drawn (threefold.web.svgchart).
            diagram=mark_safe(diagram(run, found)),  # noqa: S308
            notes=notes(run),
            records=list(zip(run.lists, run.result.get("records", []), strict=False)),
            kind=("euler" if len(run.lists) == 2 else "venn" if len(run.lists) == 3 else "bars"),
        )
    return render(request, "insight/linkage_run.html", context)


@require_GET
def linkage_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    run = linkage_access.linkage_run(actor, pk)
    response = render(request, "insight/linkage_run_progress.html", {"run": run})
    if run.finished and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


def _cell(value: Any) -> Any:
    # A name that a spreadsheet would read as a formula is written as text.
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_GET
def linkage_run_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The overlap as CSV in the layout of ``manage.py mse`` and the estimates page: a 0/1 column per list and a
    count column, one line per combination of lists (including those with nobody)."""
    actor = _reader(request)
    run = linkage_access.linkage_run_download(actor, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_cell(name) for name in [*run.lists, "count"]])
    for row in (run.result or {}).get("histories", []):
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="threefold-linkage-{run.pk}.csv"'
    return response


@require_POST
def linkage_run_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    """Estimate the hidden number from the run's overlap: a new estimate, on its own page."""
    actor = _reader(request)
    run = linkage_access.linkage_run(actor, pk)
    if not allowed(actor, "insight.estimate"):
        raise PermissionDenied
    try:
        made = linkage_services.estimate_from_run(actor, run)
    except mse_input.TableInputError as error:
        messages.error(request, " ".join(table_errors(error)))
        return redirect("insight:linkage_run", pk=run.pk)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("insight:linkage_run", pk=run.pk)
    made.refresh_from_db(fields=["status"])
    if not made.finished:
        messages.success(
            request,
            _(
                "“%(name)s” is being estimated. This page follows the work; you can also leave it and come back."
            )
            % {"name": made.name},
        )
    return redirect("insight:estimate", pk=made.pk)


@require_POST
def linkage_run_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    run = linkage_access.linkage_run(actor, pk)
    if not allowed(actor, "insight.change_linkage_run", run):
        raise PermissionDenied
    linkage_services.delete_run(actor, run)
    messages.success(request, _("The linkage run “%(name)s” was deleted.") % {"name": run.name})
    return redirect("insight:linkage")
