"""Estimate the hidden number: multiple systems estimation from the overlaps between agencies' lists.

The organisation's estimates and a form for a new one (a CSV file or a table pasted from a spreadsheet, read by
the same reader as ``manage.py mse``, all or nothing, every problem named by its line); a page per estimate that
follows the work in the background (a <progress> polled every 2 s through HTMX, in a polite live region) and
then shows the estimate in words, the model, the intervals (the bootstrap one to quote, the model-conditional
one explained as too narrow), how the estimate moves under other models (a table and a chart), the table as
entered and what the estimate assumes. Downloads: the result as JSON and CSV, audited as exports.

Statistics readers of the organisation (analysts, supervisors, org admins) read estimates; analysts and
supervisors make and delete them (rule ``insight.estimate``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
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
from threefold.insight import access, services
from threefold.insight.core import mse_input, output
from threefold.insight.core.mse import DEFAULT_PTHRESH
from threefold.insight.core.mse_bootstrap import DEFAULT_NBOOT
from threefold.insight.models import Estimate, EstimateStatus
from threefold.web import svgchart
from threefold.web.uploads import SizeLimit, limit_uploads

MAX_UPLOAD = (
    200 * 1024
)  # bytes (200 KB); a table is ASCII but for the lists' names, so about as many characters
PROBLEMS_SHOWN = 20
CHART_WIDTH = 360  # drawn narrow, so that a phone shrinking it to its screen keeps the text readable
EXAMPLE = "Police,NGO,Health,count\n1,0,0,50\n0,1,0,41\n1,1,0,9\n0,0,1,33\n1,0,1,12\n0,1,1,7\n1,1,1,2"


class EstimateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the estimate"),
        max_length=Estimate._meta.get_field("name").max_length,
        help_text=gettext_lazy("For example “North region 2024, five lists”."),
        error_messages={"required": gettext_lazy("Give the estimate a name.")},
    )
    file = forms.FileField(
        label=gettext_lazy("A CSV file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv,text/plain"}),
        error_messages={"empty": gettext_lazy("The file is empty: choose the file with the table.")},
    )
    table = forms.CharField(
        label=gettext_lazy("Or paste the table"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "code-block", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "The same columns with their header line: copied from a spreadsheet, or written with commas."
        ),
    )
    pthresh = forms.FloatField(
        label=gettext_lazy("p-value threshold"),
        min_value=0,
        max_value=1,
        initial=DEFAULT_PTHRESH,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=gettext_lazy(
            "A pair of lists gets an effect of its own in the model when their overlap would be this unlikely "
            "without it. 0.02 is the method's default, chosen by simulation; the result also shows other "
            "thresholds."
        ),
        error_messages={
            "required": gettext_lazy("Give a p-value threshold between 0 and 1, for example 0.02."),
            "invalid": gettext_lazy("Give a p-value threshold between 0 and 1, for example 0.02."),
            "min_value": gettext_lazy("Give a p-value threshold between 0 and 1, for example 0.02."),
            "max_value": gettext_lazy("Give a p-value threshold between 0 and 1, for example 0.02."),
        },
    )
    nboot = forms.IntegerField(
        label=gettext_lazy("Bootstrap replicates"),
        min_value=0,
        max_value=services.MAX_REPLICATES,
        initial=DEFAULT_NBOOT,
        help_text=gettext_lazy(
            "For the interval to quote: 1000 is usual and takes about half a minute. 0 for none (then only the "
            "model-conditional interval, which is too narrow); at most 2000."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One column per list, holding 1 if the cases of that line are on the list and 0 if not, and a "
            "column named count: how many cases are on exactly that combination of lists. UTF-8 text, at "
            "most %(limit)s."
        ) % {"limit": filesizeformat(MAX_UPLOAD)}
        replicates = _("Give a number of replicates: 0, or 2 to %(most)s.") % {
            "most": services.MAX_REPLICATES
        }
        self.fields["nboot"].error_messages.update(
            required=replicates, invalid=replicates, min_value=replicates, max_value=replicates
        )

    def clean_table(self) -> str:
        text: str = self.cleaned_data.get("table", "")
        if len(text) > services.MAX_TABLE_CHARS:
            raise forms.ValidationError(
                _(
                    "The pasted table is %(length)s characters long; this page takes at most %(most)s. A table "
                    "of twelve lists, the most the method can use, fits easily: is this the right text?"
                )
                % {"length": f"{len(text):,}", "most": f"{services.MAX_TABLE_CHARS:,}"}
            )
        return text

    def clean_nboot(self) -> int:
        nboot: int = self.cleaned_data["nboot"]
        if nboot == 1:
            raise forms.ValidationError(self.fields["nboot"].error_messages["invalid"])
        return nboot


def table_errors(error: mse_input.TableInputError) -> list[str]:
    """What was wrong with a table, in the user's language where the reader gives a kind, its lines as found."""
    if error.kind == mse_input.EMPTY:
        return [_("The table is empty: it needs a header line and one line per combination of lists.")]
    if error.kind == mse_input.HEADER:
        return [
            _(
                "Line %(line)s: the header needs exactly one column named count, and one column per list "
                "holding 0 or 1."
            )
            % {"line": error.line}
        ]
    if error.kind == mse_input.NO_COUNTS:
        return [_("The table has a header but no line of counts.")]
    if error.kind == mse_input.UNREADABLE:
        return [_("The table cannot be read as CSV: %(reason)s.") % {"reason": error.reason}]
    problems = list(error.problems)
    messages_ = [
        ngettext(
            "Nothing was estimated: %(n)s problem in the table.",
            "Nothing was estimated: %(n)s problems in the table.",
            len(problems),
        )
        % {"n": len(problems)}
    ]
    messages_ += [problem[:1].upper() + problem[1:] for problem in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        more = len(problems) - PROBLEMS_SHOWN
        messages_.append(
            ngettext("… and %(n)s more problem.", "… and %(n)s more problems.", more) % {"n": more}
        )
    return messages_


def _reader(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "insight.view_statistics"):
        raise PermissionDenied
    return actor


# Exempt from the CSRF middleware only so that the size limit comes first; csrf_protect on the inner view checks
# the token (threefold.web.uploads says why). Nobody without the role gets that far.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def estimates(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if request.method == "POST" and not allowed(actor, "insight.estimate"):
        raise PermissionDenied
    return _estimates(request, actor, limit_uploads(request, MAX_UPLOAD))


@csrf_protect
def _estimates(request: HttpRequest, actor: Actor, size_limit: SizeLimit) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, actor, EstimateForm())
    form = EstimateForm(request.POST, request.FILES)
    form.is_valid()
    if size_limit.exceeded:
        form.errors.pop("file", None)
        form.add_error(
            "file",
            _("The file is larger than %(limit)s, the most this page takes: nothing was estimated.")
            % {"limit": filesizeformat(MAX_UPLOAD)},
        )
    upload: UploadedFile | None = form.cleaned_data.get("file") if "file" not in form.errors else None
    pasted = form.cleaned_data.get("table", "") if "table" not in form.errors else ""
    source = "file" if upload else "table"
    text = ""
    if not form.errors.get("file") and not form.errors.get("table"):
        if upload and pasted.strip():
            form.add_error("table", _("Give the table once: choose a file or paste it, not both."))
        elif upload:
            try:
                text = b"".join(upload.chunks()).decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error(
                    "file", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and choose it again.")
                )
            if len(text) > services.MAX_TABLE_CHARS:
                form.add_error(
                    "file",
                    _("The file holds more than %(most)s characters, the most a table can have here.")
                    % {"most": f"{services.MAX_TABLE_CHARS:,}"},
                )
        elif pasted.strip():
            text = pasted
        else:
            form.add_error("table", _("Paste the table here, or choose a file with it above."))
    if form.errors:
        return _list_page(request, actor, form, status=400)
    table_name = (upload.name or "") if upload else _("The pasted table")
    try:
        created = services.create_estimate(
            actor,
            form.cleaned_data["name"],
            text,
            form.cleaned_data["pthresh"],
            form.cleaned_data["nboot"],
            table_name=table_name,
        )
    except mse_input.TableInputError as error:
        for message in table_errors(error):
            form.add_error(source, message)
        return _list_page(request, actor, form, status=400)
    except ValueError as error:
        form.add_error(None, str(error))
        return _list_page(request, actor, form, status=400)
    created.refresh_from_db(fields=["status"])  # a worker may be done already (at once in development)
    if not created.finished:
        messages.success(
            request,
            _(
                "“%(name)s” is being estimated. This page follows the work; you can also leave it and come back."
            )
            % {"name": created.name},
        )
    return redirect("insight:estimate", pk=created.pk)


def _list_page(request: HttpRequest, actor: Actor, form: EstimateForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "insight/estimates.html",
        {
            "estimates": access.estimates(actor),
            "form": form,
            "can_create": allowed(actor, "insight.estimate"),
            "example": EXAMPLE,
        },
        status=status,
    )


# --- one estimate ----------------------------------------------------------------------------------------------


def number(value: float) -> str:
    return f"{value:,.0f}"


def about(value: float) -> str:
    """A number of people as it should be said: three significant figures (11,313 is "11,300")."""
    if value < 1000:
        return number(value)
    digits = math.floor(math.log10(value)) + 1
    return number(round(value, 3 - digits))


def _span(interval: list[float] | None) -> str:
    if not interval or None in interval:
        return "—"
    return _("%(low)s to %(high)s") % {"low": number(interval[0]), "high": number(interval[1])}


def _pairs_text(pairs: list[list[str]] | None) -> str:
    if pairs is None:
        return "—"
    return ", ".join(f"{a} & {b}" for a, b in pairs) if pairs else _("none")


@dataclass(frozen=True)
class Row:
    """A row of the sensitivity table as shown."""

    label: str
    pairs: str
    total: float | None
    total_text: str
    interval: list[float] | None  # model-conditional 95%
    interval_text: str
    reason: str
    chosen: bool


def model_label(row: dict[str, Any]) -> str:
    if row["kind"] == "main":
        return _("Main effects only")
    if row["kind"] == "all_pairs":
        return _("Every pair of lists")
    label = _("Stepwise, p below %(p)s") % {"p": f"{row['pthresh']:g}"}
    return _("%(label)s (chosen)") % {"label": label} if row["chosen"] else label


def sensitivity_rows(result: dict[str, Any]) -> list[Row]:
    rows = []
    for row in result.get("sensitivity", []):
        total = row.get("total")
        interval = (row.get("model_conditional") or {}).get("95%")
        rows.append(
            Row(
                label=model_label(row),
                pairs=_pairs_text(row.get("pairs")),
                total=total,
                total_text=number(total) if total is not None else _("no estimate"),
                interval=interval if total is not None else None,
                interval_text=_span(interval) if total is not None else "—",
                reason=row.get("reason", ""),
                chosen=bool(row.get("chosen")),
            )
        )
    return rows


def chart(result: dict[str, Any], rows: list[Row]) -> str:
    """The estimate under each model with its 95% interval, and the chosen model's bootstrap interval."""
    drawn = []
    for row in rows:
        whole = row.interval is not None and None not in row.interval
        low, high = (row.interval[0], row.interval[1]) if whole and row.interval else (None, None)
        text = (
            _("%(estimate)s (%(interval)s)") % {"estimate": row.total_text, "interval": row.interval_text}
            if row.total is not None
            else _("no estimate")
        )
        drawn.append(svgchart.Interval(row.label, row.total, low, high, text=text, emphasis=row.chosen))
    boot = result.get("bootstrap")
    total = result["estimate"]["total"]
    if boot and None not in boot["bca"]["95%"]:
        low, high = boot["bca"]["95%"]
        drawn.append(
            svgchart.Interval(
                _("Chosen model, bootstrap interval"),
                total,
                low,
                high,
                text=_("%(estimate)s (%(interval)s)")
                % {"estimate": number(total), "interval": _span(boot["bca"]["95%"])},
                emphasis=True,
            )
        )
    known = result.get("cases_on_any_list", result["cases_observed"])
    return svgchart.intervals(
        _("The estimate under each model, with its 95% interval"),
        _(
            "One bar per model: the estimated total, with the 95% interval drawn as a line under it; a dashed "
            "line marks the cases on at least one list. The same figures are in the table above."
        ),
        drawn,
        reference=(_("On at least one list: %(n)s") % {"n": number(known)}, float(known)),
        id_prefix="estimate-chart",
        rtl=get_language_bidi(),
        heading=False,
        width=CHART_WIDTH,
    )


def presented(estimate: Estimate) -> dict[str, Any]:
    """What the page shows of a finished estimate's result."""
    result: dict[str, Any] = estimate.result or {}
    total = result["estimate"]["total"]
    known = result.get("cases_on_any_list", result["cases_observed"])
    boot = result.get("bootstrap")
    rows = sensitivity_rows(result)
    words = _("About %(total)s victims, of whom %(known)s were known to at least one list.") % {
        "total": about(total),
        "known": number(known),
    }
    hidden = _("So about %(hidden)s were on none of the lists: the hidden number.") % {
        "hidden": about(max(total - known, 0))
    }
    quote = ""
    if boot:
        low, high = boot["bca"]["95%"]
        quote = _("To quote it: about %(total)s (95%% bootstrap interval %(low)s to %(high)s).") % {
            "total": about(total),
            "low": about(low),
            "high": about(high),
        }
    intervals = []
    if boot:
        intervals.append(
            {
                "label": _("Bootstrap (BCa): the one to quote"),
                "95": _span(boot["bca"]["95%"]),
                "80": _span(boot["bca"]["80%"]),
                "explanation": ngettext(
                    "From %(n)s replicate: the table resampled and the model chosen again, so it carries the "
                    "uncertainty of choosing the model.",
                    "From %(n)s replicates: the table resampled and the model chosen again in each, so it "
                    "carries the uncertainty of choosing the model.",
                    boot["replicates"],
                )
                % {"n": f"{boot['replicates']:,}"},
            }
        )
    intervals.append(
        {
            "label": _("Model-conditional"),
            "95": _span(result["model_conditional"]["95%"]),
            "80": _span(result["model_conditional"]["80%"]),
            "explanation": _(
                "Assumes the chosen model is the right one, so it is too narrow: do not quote it on its own."
            ),
        }
    )
    return {
        "words": words,
        "hidden": hidden,
        "quote": quote,
        "intervals": intervals,
        "boot": boot,
        "boot_error": result.get("bootstrap_error", ""),
        "pairs": result["model"]["pairs"],
        "removed": result.get("removed_lists", []),
        "only_on_removed": result.get("cases_only_on_removed_lists", 0),
        "pthresh": result["pthresh"],
        "rows": rows,
        # Drawn here, every text in it escaped where it is drawn (threefold.web.svgchart).
        "chart": mark_safe(chart(result, rows)),  # noqa: S308
    }


def _table(estimate: Estimate) -> list[tuple[list[tuple[str, int]], int]]:
    """The stored combinations, each flag with its list's name (a phone shows the table as labelled rows)."""
    return [(list(zip(estimate.lists, row[:-1], strict=True)), row[-1]) for row in estimate.table]


@require_GET
def estimate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    found = access.estimate(actor, pk)
    return render(
        request,
        "insight/estimate.html",
        {
            "estimate": found,
            "result": presented(found) if found.status == EstimateStatus.DONE and found.result else None,
            "table": _table(found),
            "cases": sum(row[-1] for row in found.table),
            "can_delete": allowed(actor, "insight.estimate"),
            "can_restart": allowed(actor, "insight.estimate"),
        },
    )


@require_GET
def estimate_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls; once the work is finished it no longer polls, and an HTMX request
    is told to reload the page, which then shows the result."""
    actor = _reader(request)
    found = access.estimate(actor, pk)
    context = {"estimate": found, "can_restart": allowed(actor, "insight.estimate")}
    response = render(request, "insight/estimate_progress.html", context)
    if found.finished and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_GET
def estimate_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The result of a finished estimate as JSON (everything) or CSV (one line per estimate and interval)."""
    if fmt not in ("json", "csv"):
        raise Http404
    actor = _reader(request)
    found = access.estimate_download(actor, pk, fmt)
    stem = f"threefold-estimate-{found.pk}"
    if fmt == "json":
        body = json.dumps(download_json(found), ensure_ascii=False, indent=2, allow_nan=False)
        response = HttpResponse(body, content_type="application/json")
    else:
        response = HttpResponse(output.to_csv(download_rows(found)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def download_json(found: Estimate) -> dict[str, Any]:
    return {
        "name": found.name,
        "created_at": found.created_at.isoformat(),
        "finished_at": found.finished_at.isoformat() if found.finished_at else None,
        "lists": found.lists,
        "table": found.table,  # [0 or 1 per list..., count]
        "pthresh": found.pthresh,
        "nboot": found.nboot,
        "seed": found.seed,
        "result": found.result,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def download_rows(found: Estimate) -> list[dict[str, Any]]:
    """One line per estimate and interval: the chosen model's, its bootstrap's, then each sensitivity row's."""
    result: dict[str, Any] = found.result or {}
    chosen = _pairs_text([pair["lists"] for pair in result["model"]["pairs"]])  # in the order added
    total = result["estimate"]["total"]
    boot = result.get("bootstrap")
    lines: list[dict[str, Any]] = []

    def line(
        kind: str, model: str, pairs: str, estimate_: float | None, by: dict[str, Any] | None, note: str
    ) -> None:
        by = by or {}
        low95, high95 = by.get("95%") or (None, None)
        low80, high80 = by.get("80%") or (None, None)
        lines.append(
            {
                "row": kind,
                "model": model,
                "pairs": pairs,
                "estimate": _round(estimate_),
                "low_95": _round(low95),
                "high_95": _round(high95),
                "low_80": _round(low80),
                "high_80": _round(high80),
                "note": note,
            }
        )

    model = f"stepwise p < {result['pthresh']:g}"
    line(
        "estimate",
        model,
        chosen,
        total,
        result["model_conditional"],
        "model-conditional intervals (too narrow)",
    )
    if boot:
        line(
            "bootstrap", model, chosen, total, boot["bca"], f"BCa intervals, {boot['replicates']} replicates"
        )
    for row in result.get("sensitivity", []):
        if row["kind"] == "stepwise":
            name = f"stepwise p < {row['pthresh']:g}"
        else:
            name = "main effects only" if row["kind"] == "main" else "every pair of lists"
        line(
            "sensitivity",
            name + (" (chosen)" if row.get("chosen") else ""),
            _pairs_text(row.get("pairs")) if row.get("pairs") is not None else "",
            row.get("total"),
            row.get("model_conditional"),
            row.get("reason") or "model-conditional intervals",
        )
    return lines


@require_POST
def estimate_restart(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    found = access.estimate(actor, pk)
    try:
        services.restart_estimate(actor, found)
    except services.NotStalledError:
        messages.info(
            request, _("This estimate is finished or still being worked on: nothing was restarted.")
        )
    else:
        messages.success(request, _("The estimate was started again."))
    return redirect("insight:estimate", pk=found.pk)


@require_POST
def estimate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    found = access.estimate(actor, pk)
    services.delete_estimate(actor, found)
    messages.success(request, _("The estimate “%(name)s” was deleted.") % {"name": found.name})
    return redirect("insight:estimates")
