"""A data steward's pages: import a CTDC file, or the three files of the US federal prosecutions dataset, from
the browser; delete a dataset; set its privacy budget.

Importing is all or nothing, as with ``manage.py import_ctdc``: a file with any rejected line imports nothing
and the page lists every problem by line, unless the user ticks "import only the valid lines" and uploads the
file again (a refused file is never kept on the server). The upload is streamed: Django writes a file larger
than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, the file is then read line by line, and reading stops as
soon as the upload passes THREEFOLD_MAX_DATASET_UPLOAD, so an oversized file is never written out in full.
"""

from __future__ import annotations

import codecs
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.insight import access, private_views, prosecution_fields, services
from threefold.insight.core.ctdc import CtdcFormatError, Problem
from threefold.insight.core.prosecutions import ProsecutionFiles, ProsecutionFormatError
from threefold.insight.models import Dataset, DatasetKind
from threefold.web.uploads import SizeLimit, limit_uploads

# A file with thousands of bad lines lists this many problems; the count of the rest is given.
PROBLEMS_SHOWN = 200


class NotUtf8Error(Exception):
    """The uploaded file is not UTF-8 text; ``line`` is the first line (counted from 1) that is not."""

    def __init__(self, line: int, field: str = "file") -> None:
        super().__init__(f"line {line} is not UTF-8 text")
        self.line = line
        self.field = field  # the form field of the upload


def text_lines(upload: UploadedFile, field: str = "file") -> Iterator[str]:
    """The upload's lines as text, read from its memory or temporary file one line at a time (never all at
    once). UTF-8, a byte-order mark at the start dropped; anything else raises NotUtf8Error."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    line = 0
    try:
        for raw in upload:
            line += 1
            yield decoder.decode(raw)
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise NotUtf8Error(max(line, 1), field) from None
    if tail:
        yield tail


def sha256_of_upload(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


class ImportForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the dataset"),
        max_length=Dataset._meta.get_field("name").max_length,
        help_text=gettext_lazy("Unique in your organisation, for example “CTDC global 2024”."),
        error_messages={"required": gettext_lazy("Give the dataset a name.")},
    )
    file = forms.FileField(
        label=gettext_lazy("CTDC file"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": gettext_lazy("Choose the CTDC file to import."),
            "empty": gettext_lazy("The file is empty: choose the CTDC file to import."),
        },
    )
    accept_valid = forms.BooleanField(
        label=gettext_lazy("Import only the valid lines"),
        required=False,
        help_text=gettext_lazy(
            "Leave this unticked at first: if any line has a problem, nothing is imported and every problem "
            "is listed. Tick it after reading that list to import the lines without problems and leave the "
            "others out."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Where the file comes from"),
        required=False,
        max_length=Dataset._meta.get_field("source").max_length,
        help_text=gettext_lazy(
            "Kept with the dataset and shown with its tables. If empty: the Counter Trafficking Data "
            "Collaborative and the file's name."
        ),
    )

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A victim-data CSV file as downloaded from the CTDC (the k-anonymised or the 2018 layout), "
            "as UTF-8 text, at most %(limit)s."
        ) % {"limit": filesizeformat(limit)}


PROSECUTION_FILES = ("cases_file", "defendants_file", "judges_file")  # in the order the service takes them
KINDS = {DatasetKind.CTDC.value, DatasetKind.PROSECUTIONS.value}


def _csv_file(label: Any, required: Any, empty: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": required, "empty": empty},
    )


class ProsecutionImportForm(forms.Form):
    """The three files of the US federal prosecutions dataset (threefold.insight.core.prosecutions)."""

    name = forms.CharField(
        label=gettext_lazy("Name of the dataset"),
        max_length=Dataset._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "Unique in your organisation, for example “US federal prosecutions 2000-2016”."
        ),
        error_messages={"required": gettext_lazy("Give the dataset a name.")},
    )
    cases_file = _csv_file(
        gettext_lazy("Cases file"),
        gettext_lazy("Choose the cases file to import."),
        gettext_lazy("The file is empty: choose the cases file to import."),
    )
    defendants_file = _csv_file(
        gettext_lazy("Defendants file"),
        gettext_lazy("Choose the defendants file to import."),
        gettext_lazy("The file is empty: choose the defendants file to import."),
    )
    judges_file = _csv_file(
        gettext_lazy("Judges file"),
        gettext_lazy("Choose the judges file to import."),
        gettext_lazy("The file is empty: choose the judges file to import."),
    )
    accept_valid = ImportForm.base_fields["accept_valid"]
    source = forms.CharField(
        label=gettext_lazy("Where the files come from"),
        required=False,
        max_length=Dataset._meta.get_field("source").max_length,
        help_text=gettext_lazy(
            "Kept with the dataset and shown with its tables. If empty: humantraffickingdata.org, as published "
            "by github cassiecorey/HumanTraffickingData."
        ),
    )

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helps = {
            "cases_file": _("The cases (htprosecution_case_data.csv: one line per case)."),
            "defendants_file": _(
                "The defendants (htprosecution_defendant_data.csv: one line per defendant)."
            ),
            "judges_file": _("The judges (htprosecution_judge_data.csv: one line per judge of a case)."),
        }
        for name, text in helps.items():
            self.fields[name].help_text = (
                text + " " + _("UTF-8 text, at most %(limit)s.") % {"limit": filesizeformat(limit)}
            )


@dataclass(frozen=True)
class FileCounts:
    label: str
    data_lines: int
    rejected: int
    valid: int


@dataclass(frozen=True)
class FileProblem:
    """A problem of one of several files, with the file's name as a page says it."""

    file: str
    line: int
    column: str | None
    value: str
    message: str


@dataclass(frozen=True)
class Refusal:
    """A file (or files) with rejected lines, of which nothing was imported: the numbers, and the first
    problems. ``files`` has a line per file when there are several, and its problems name their file."""

    data_lines: int
    rejected: int
    valid: int
    problems: tuple[Problem | FileProblem, ...]
    more: int  # problems not listed
    files: tuple[FileCounts, ...] = ()


def _refusal(refused: services.ImportRefusedError) -> Refusal:
    parsed = refused.parsed
    files: tuple[FileCounts, ...] = ()
    problems: tuple[Problem | FileProblem, ...] = ()
    if isinstance(parsed, ProsecutionFiles):
        labels = {name: str(label) for name, label in prosecution_fields.TABLES.items()}
        files = tuple(
            FileCounts(labels[table.name], table.data_lines, table.rejected, table.valid)
            for table in parsed.tables
        )
        problems = tuple(
            FileProblem(labels[p.table], p.line, p.column, p.value, p.message)
            for p in parsed.problems[:PROBLEMS_SHOWN]
        )
    else:
        problems = tuple(parsed.problems[:PROBLEMS_SHOWN])
    return Refusal(
        data_lines=refused.data_lines,
        rejected=refused.rejected,
        valid=refused.valid,
        problems=problems,
        more=max(0, len(parsed.problems) - PROBLEMS_SHOWN),
        files=files,
    )


def _importer(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "insight.import_dataset"):
        raise PermissionDenied
    return actor


# Exempt from the CSRF middleware only so that the size limit comes first; csrf_protect on the inner view checks
# the token (threefold.web.uploads says why). Nobody without the role gets that far.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_dataset(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    limit = settings.THREEFOLD_MAX_DATASET_UPLOAD
    return _import_form(request, actor, limit_uploads(request, limit))


@csrf_protect
def _import_form(request: HttpRequest, actor: Actor, size_limit: SizeLimit) -> HttpResponse:
    limit = size_limit.limit
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", "") or DatasetKind.CTDC.value
    if kind not in KINDS:
        kind = DatasetKind.CTDC.value
    if kind == DatasetKind.PROSECUTIONS:
        return _import_prosecutions(request, actor, size_limit)
    if request.method != "POST":
        return _import_page(request, ImportForm(limit=limit))
    form = ImportForm(request.POST, request.FILES, limit=limit)
    form.is_valid()
    if size_limit.exceeded:
        form.errors.pop("file", None)  # "no file": it was dropped for its size, which is what to say
        form.add_error(
            "file",
            _("The file is larger than %(limit)s, the most this page accepts: nothing was imported.")
            % {"limit": filesizeformat(limit)},
        )
    if form.errors:
        return _import_page(request, form, status=400)
    name: str = form.cleaned_data["name"]
    if any(dataset.name == name for dataset in access.datasets(actor)):
        # Said before the file is read: a large file would otherwise be read in full only to be refused.
        form.add_error(
            "name", _("Your organisation already has a dataset named “%(name)s”.") % {"name": name}
        )
        return _import_page(request, form, status=400)
    upload: UploadedFile = form.cleaned_data["file"]
    organisation = actor.organisation
    if organisation is None:  # acting_member guarantees a membership
        raise PermissionDenied
    try:
        dataset, parsed = services.import_ctdc(
            services.Importer(organisation, actor=actor),
            text_lines(upload),
            name=name,
            file_name=upload.name or "",
            file_sha256=sha256_of_upload(upload),
            accept_valid=form.cleaned_data["accept_valid"],
            source=form.cleaned_data["source"],
        )
    except NotUtf8Error as error:
        form.add_error(
            "file",
            _(
                "The file is not UTF-8 text (line %(line)s is not), so nothing was imported. Save it as "
                "“CSV UTF-8” and upload it again."
            )
            % {"line": error.line},
        )
    except CtdcFormatError as error:
        form.add_error(
            "file",
            _("This is not a CTDC victim-data file, so nothing was imported. %(reason)s")
            % {"reason": str(error)[:500]},
        )
    except services.ImportRefusedError as refused:
        return _import_page(request, form, refusal=_refusal(refused), status=400)
    except ValueError:
        # Name and file were checked above, so what is left: the name was taken meanwhile, or no line is valid.
        if any(dataset.name == name for dataset in access.datasets(actor)):
            form.add_error(
                "name", _("Your organisation already has a dataset named “%(name)s”.") % {"name": name}
            )
        else:
            form.add_error("file", _("The file holds no valid record, so nothing was imported."))
    else:
        records = ngettext(
            "Imported “%(name)s”: %(records)s record.",
            "Imported “%(name)s”: %(records)s records.",
            dataset.row_count,
        ) % {"name": dataset.name, "records": dataset.row_count}
        skipped = len(parsed.rejected_lines)
        if skipped:
            records += " " + ngettext(
                "%(skipped)s line with problems was left out.",
                "%(skipped)s lines with problems were left out.",
                skipped,
            ) % {"skipped": skipped}
        messages.success(request, records)
        return redirect("insight:table", source=dataset.pk)
    return _import_page(request, form, status=400)


def _import_prosecutions(request: HttpRequest, actor: Actor, size_limit: SizeLimit) -> HttpResponse:
    """The three files of the US federal prosecutions dataset, all or nothing as a CTDC file is."""
    limit = size_limit.limit
    if request.method != "POST":
        return _import_page(request, ProsecutionImportForm(limit=limit))
    form = ProsecutionImportForm(request.POST, request.FILES, limit=limit)
    form.is_valid()
    for field in sorted(size_limit.exceeded_fields & set(PROSECUTION_FILES)):
        form.errors.pop(field, None)
        form.add_error(
            field,
            _("The file is larger than %(limit)s, the most this page accepts: nothing was imported.")
            % {"limit": filesizeformat(limit)},
        )
    if form.errors:
        return _import_page(request, form, status=400)
    name: str = form.cleaned_data["name"]
    if any(dataset.name == name for dataset in access.datasets(actor)):
        form.add_error(
            "name", _("Your organisation already has a dataset named “%(name)s”.") % {"name": name}
        )
        return _import_page(request, form, status=400)
    uploads: list[UploadedFile] = [form.cleaned_data[field] for field in PROSECUTION_FILES]
    organisation = actor.organisation
    if organisation is None:  # acting_member guarantees a membership
        raise PermissionDenied
    try:
        dataset, parsed = services.import_prosecutions(
            services.Importer(organisation, actor=actor),
            *(text_lines(upload, field) for upload, field in zip(uploads, PROSECUTION_FILES, strict=True)),
            name=name,
            file_names=[upload.name or "" for upload in uploads],
            file_sha256s=[sha256_of_upload(upload) for upload in uploads],
            accept_valid=form.cleaned_data["accept_valid"],
            source=form.cleaned_data["source"],
        )
    except NotUtf8Error as error:
        form.add_error(
            error.field,
            _(
                "The file is not UTF-8 text (line %(line)s is not), so nothing was imported. Save it as "
                "“CSV UTF-8” and upload it again."
            )
            % {"line": error.line},
        )
    except ProsecutionFormatError as error:
        form.add_error(
            f"{error.table}_file",
            _("This is not the %(file)s of the dataset, so nothing was imported. %(reason)s")
            % {"file": form.fields[f"{error.table}_file"].label, "reason": str(error)[:500]},
        )
    except services.ImportRefusedError as refused:
        return _import_page(request, form, refusal=_refusal(refused), status=400)
    except ValueError:
        if any(dataset.name == name for dataset in access.datasets(actor)):
            form.add_error(
                "name", _("Your organisation already has a dataset named “%(name)s”.") % {"name": name}
            )
        else:
            form.add_error("cases_file", _("The cases file holds no valid case, so nothing was imported."))
    else:
        sizes = dataset.table_sizes
        text = _("Imported “%(name)s”: %(cases)s cases, %(defendants)s defendants and %(judges)s judges.") % {
            "name": dataset.name,
            "cases": sizes.get("cases", 0),
            "defendants": sizes.get("defendants", 0),
            "judges": sizes.get("judges", 0),
        }
        skipped = parsed.rejected
        if skipped:
            text += " " + ngettext(
                "%(skipped)s line with problems was left out.",
                "%(skipped)s lines with problems were left out.",
                skipped,
            ) % {"skipped": skipped}
        messages.success(request, text)
        return redirect("insight:dashboard", source=dataset.pk)
    return _import_page(request, form, status=400)


def _import_page(
    request: HttpRequest,
    form: ImportForm | ProsecutionImportForm,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = DatasetKind.PROSECUTIONS if isinstance(form, ProsecutionImportForm) else DatasetKind.CTDC
    kinds = [(choice, label) for choice, label in DatasetKind.choices]
    return render(
        request,
        "insight/import.html",
        {"form": form, "refusal": refusal, "kind": kind.value, "kinds": kinds},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def delete_dataset(request: HttpRequest, source: str) -> HttpResponse:
    """A confirmation page (GET), then the deletion of the dataset and its ledger of releases (POST)."""
    actor = acting_member(request)
    found = access.dataset(actor, source)
    if not allowed(actor, "insight.delete_dataset", found):
        raise PermissionDenied
    if request.method == "POST":
        name = found.name
        services.delete_dataset(actor, found)
        messages.success(
            request,
            _(
                "The dataset “%(name)s” was deleted. Its ledger of releases is kept, so that the same file "
                "imported again starts with what was already spent."
            )
            % {"name": name},
        )
        return redirect("insight:home")
    return render(request, "insight/delete.html", {"dataset": found, "spent": services.spent_of(found)})


def _number(text: str) -> float:
    number = float(text.strip())
    if not math.isfinite(number):
        raise ValueError(text)
    return number


@require_POST
def set_budget(request: HttpRequest, source: str) -> HttpResponse:
    """Set a dataset's total privacy budget (ε, δ); never below what its releases have spent."""
    actor = acting_member(request)
    found = access.dataset(actor, source)
    if not allowed(actor, "insight.set_budget", found):
        raise PermissionDenied
    asked = {"epsilon": request.POST.get("epsilon", ""), "delta": request.POST.get("delta", "")}
    error = ""
    try:
        epsilon, delta = _number(asked["epsilon"]), _number(asked["delta"] or "0")
        if not (epsilon > 0 and 0 <= delta < 1):
            raise ValueError(asked)
    except ValueError:
        error = _(
            "Give ε as a number above 0, for example 1, and δ as a number from 0 to below 1 (usually 0)."
        )
    else:
        try:
            services.set_budget(actor, found, epsilon=epsilon, delta=delta)
        except ValueError:
            # The numbers are well formed, so the budget is below what was spent (see services.set_budget).
            spent = services.spent_of(found)
            error = _(
                "Releases have already spent ε = %(epsilon).2f (δ = %(delta)g): the budget cannot be set "
                "below that. Nothing was changed."
            ) % {"epsilon": spent.epsilon, "delta": spent.delta}
    if error:
        return private_views.render_page(
            request, actor, found, budget_error=error, budget_values=asked, status=400
        )
    messages.success(
        request,
        _("The privacy budget is now ε = %(epsilon)g, δ = %(delta)g.") % {"epsilon": epsilon, "delta": delta},
    )
    return redirect("insight:private_release", source=found.pk)
