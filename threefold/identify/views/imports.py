"""Import screenings collected offline with ODK Collect or KoboCollect, from an ODK Central or Kobo export.

All or nothing: the file is read and scored in full first (``core.submissions``), then stored in one
transaction (``services.import_submissions``). Any problem, in any line, stores nothing and is listed with its
line, so the supervisor fixes the export and uploads it again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.identify import access, services
from threefold.identify.catalogue import Entry
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.problems import Problem
from threefold.identify.core.submissions import FILE, SubmissionBatch, SubmissionError, read_submissions
from threefold.identify.forms_review import MAX_IMPORT_BYTES, ImportForm
from threefold.identify.models import Outcome
from threefold.identify.presentation import setting_label

# A file with thousands of bad lines lists this many; the count of the rest is given.
PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class ImportedRow:
    reference: str
    location: str
    outcome: str
    outcome_label: str
    band: LocalText
    urgency: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class ImportSummary:
    instrument: Entry
    setting_label: str
    rows: tuple[ImportedRow, ...]
    by_outcome: tuple[tuple[str, str, int], ...]  # (outcome, label, count), every outcome listed
    missing_items: tuple[LocalText, ...]  # prompts of questions no column of the file held


@dataclass(frozen=True)
class Refusal:
    """Why nothing was stored, and every problem found: (where in the file, what is wrong)."""

    heading: str
    problems: tuple[tuple[str, str], ...]
    more: int


def _where(path: str) -> str:
    """A problem's place in the file ("line 3", "lines 3-5", "record 2", "(file)") in the page's language."""
    if match := re.fullmatch(r"line (\d+)", path):
        return _("line %(number)s") % {"number": match[1]}
    if match := re.fullmatch(r"lines (\d+)-(\d+)", path):
        return _("lines %(first)s to %(last)s") % {"first": match[1], "last": match[2]}
    if match := re.fullmatch(r"record (\d+)", path):
        return _("record %(number)s") % {"number": match[1]}
    if path == FILE:
        return _("the file")
    return path


def _importer(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "identify.import_submissions"):
        raise PermissionDenied
    return actor


def _summary(entry: Entry, setting: str, batch: SubmissionBatch, created: tuple[str, ...]) -> ImportSummary:
    # services stores the submissions in the batch's order and scores them with the same engine and text.
    labels = dict(Outcome.choices)
    rows = tuple(
        ImportedRow(
            reference=reference,
            location=submission.location,
            outcome=submission.result.status.value,
            outcome_label=str(labels.get(submission.result.status.value, submission.result.status.value)),
            band=submission.result.band.label,
            urgency=submission.result.band.urgency,
            submitted_at=submission.submitted_at,
        )
        for reference, submission in zip(created, batch.submissions, strict=True)
    )
    counts = Counter(row.outcome for row in rows)
    items = entry.instrument.items_by_id
    return ImportSummary(
        instrument=entry,
        setting_label=setting_label(setting),
        rows=rows,
        by_outcome=tuple((outcome, str(labels[outcome]), counts[outcome]) for outcome in Outcome.values),
        missing_items=tuple(items[item_id].prompt for item_id in batch.missing_items if item_id in items),
    )


def _refusal(heading: str, problems: Sequence[Problem]) -> Refusal:
    shown = tuple((_where(problem.path), problem.message) for problem in problems[:PROBLEMS_SHOWN])
    return Refusal(heading, shown, max(0, len(problems) - PROBLEMS_SHOWN))


@require_http_methods(["GET", "POST"])
def import_submissions(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    entries = access.instruments(actor)
    posted = request.method == "POST"
    form = ImportForm(entries, request.POST if posted else None, request.FILES if posted else None)
    summary: ImportSummary | None = None
    refusal: Refusal | None = None
    if posted and form.is_valid():
        entry, setting = form.entry(), form.cleaned_data["setting"]
        upload = form.cleaned_data["file"]
        try:
            batch = read_submissions(
                entry.instrument,
                upload.read(MAX_IMPORT_BYTES + 1),
                filename=upload.name,
                max_bytes=MAX_IMPORT_BYTES,
            )
            report = services.import_submissions(actor, entry, batch, setting=setting)
        except SubmissionError as error:
            refusal = _refusal(
                _("Nothing was imported. Fix these problems in the export and upload it again:"),
                error.problems,
            )
        except services.DuplicateSubmissionError as error:
            refusal = _refusal(
                _(
                    "Nothing was imported: these submissions were imported before. Export only the new "
                    "submissions (or remove these lines) and upload the file again:"
                ),
                error.problems,
            )
        except IntegrityError:
            # Another import of the same submissions finished first (two tabs, two supervisors).
            refusal = _refusal(
                _("Nothing was imported: someone imported some of these submissions at the same moment."),
                [Problem(FILE, _("Upload the file again to see which submissions are new."))],
            )
        else:
            summary = _summary(entry, setting, batch, report.created)
            form = ImportForm(entries, initial={"instrument": entry.instrument.id, "setting": setting})
    return render(
        request,
        "identify/import.html",
        {
            "form": form,
            "entries": entries,
            "summary": summary,
            "refusal": refusal,
            "can_review": allowed(actor, "identify.review_list"),
            "can_download_forms": allowed(actor, "identify.screen"),
        },
    )


urlpatterns = [
    path("import/", import_submissions, name="import_submissions"),
]
