"""Supervisors' review: the organisation's completed screenings by setting and outcome (small counts
suppressed), the queue of screenings to review, and the review of one screening."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.disclosure import CannotProtectError, CountTable, ProtectedTable, suppress
from threefold.identify import access, services
from threefold.identify.core.definition import Instrument
from threefold.identify.core.localtext import LocalText
from threefold.identify.core.results import ScreeningResult
from threefold.identify.forms_review import ReviewFilterForm, ReviewForm
from threefold.identify.models import Outcome, ReviewDecision
from threefold.identify.presentation import explain, setting_label
from threefold.identify.templatetags.identify_tags import local
from threefold.web.counts import BAR_BOX, chart, present

# Counts below K are not shown. threefold.disclosure defaults to k = 11 for published tables; this table is
# internal (the supervisor sees every screening in the queue below it anyway), so it protects the figures when
# the page is shown or copied, and 5 is the usual floor for counts about people. Zeros are hidden too
# (publish_zeros=False, as the package advises when an outcome is itself sensitive): "indicators present: fewer
# than 5, inconclusive: 0, none found: 0" would tell that everyone screened in that setting had indicators.
K = 5
QUEUE_LIMIT = 200
FILTER_KEYS = ("setting", "outcome", "unreviewed")


def _supervisor(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "identify.review_list"):
        raise PermissionDenied
    return actor


# ---- the table of counts and its chart

# The outcome colours the identify pages use everywhere: indicators present in red, inconclusive in amber.
OUTCOME_COLOURS = {"positive": "#a4001d", "inconclusive": "#8a5300", "negative": "#0b4f8a"}


def _protected_counts(actor: Actor) -> ProtectedTable | None:
    """The organisation's completed screenings by setting and outcome, suppressed; None when there are none."""
    counts = access.outcome_counts(actor)
    if not counts:
        return None
    settings = tuple(sorted(counts, key=setting_label))
    table = CountTable.from_counts(
        settings,
        Outcome.values,
        {(setting, outcome): n for setting, row in counts.items() for outcome, n in row.items()},
    )
    return suppress(table, K, publish_zeros=False)


# ---- pages


@require_http_methods(["GET"])
def review(request: HttpRequest) -> HttpResponse:
    actor = _supervisor(request)
    try:
        protected = _protected_counts(actor)
        cannot_protect = False
    except CannotProtectError:
        protected, cannot_protect = None, True
    table = (
        present(
            protected,
            row_label=setting_label,
            column_labels={value: str(label) for value, label in Outcome.choices},
        )
        if protected is not None
        else None
    )
    entries = access.instruments(actor)
    known_settings = {s for entry in entries for s in entry.instrument.settings}
    if protected is not None:
        known_settings.update(protected.rows)
    form = ReviewFilterForm(request.GET, settings=known_settings)
    filters = form.filters()
    queue = access.review_queue(actor, filters, limit=QUEUE_LIMIT)
    titles = {entry.instrument.id: local(entry.instrument.title) for entry in entries}
    return render(
        request,
        "identify/review.html",
        {
            "table": table,
            "chart": chart(table, rtl=get_language_bidi(), colours=OUTCOME_COLOURS)
            if table is not None
            else (),
            "bar_box": BAR_BOX,
            "cannot_protect": cannot_protect,
            "can_import": allowed(actor, "identify.import_submissions"),
            "form": form,
            "filtered": filters != access.ReviewFilters(),
            "queue": [
                (s, titles.get(s.source.instrument_id, s.source.instrument_id), setting_label(s.setting))
                for s in queue
            ],
            "queue_query": _filter_query(request),
            "queue_full": len(queue) >= QUEUE_LIMIT,
            "queue_limit": QUEUE_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
def review_screening(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _supervisor(request)
    opened = access.open_screening(actor, reference, purpose="review")
    screening = opened.screening
    result = opened.result
    if not allowed(actor, "identify.review", screening):
        raise PermissionDenied
    if not screening.is_complete or result is None:
        raise Http404
    note = access.review_note(actor, screening) if screening.review_decision else ""
    initial = {"decision": screening.review_decision, "note": note} if screening.review_decision else None
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        decision = ReviewDecision(form.cleaned_data["decision"])
        services.review_screening(actor, screening, decision, form.cleaned_data["note"])
        messages.success(
            request,
            _("Review of %(ref)s saved: %(decision)s.") % {"ref": reference, "decision": decision.label},
        )
        return redirect(_queue_url(request))
    return render(
        request,
        "identify/review_screening.html",
        {
            "screening": screening,
            "instrument": opened.instrument,
            "result": result,
            "explained": explain(opened.instrument, result, opened.answers),
            "count_rules": _count_rules(opened.instrument, result),
            "setting_label": setting_label(screening.setting),
            "note": note,
            "form": form,
            "queue_url": _queue_url(request),
        },
    )


@dataclass(frozen=True)
class CountRuleItems:
    label: LocalText
    met: bool
    could_become_met: bool
    yes_count: int
    min_yes: int
    yes: tuple[LocalText, ...]  # prompts of the questions answered yes
    unknown: tuple[LocalText, ...]  # prompts of those refused, not known or not answered


def _count_rules(instrument: Instrument, result: ScreeningResult) -> tuple[CountRuleItems, ...]:
    """A short screen's rules ("at least one yes") with the questions behind the count, in the page language."""
    labels = {rule.id: rule.label for rule in instrument.count_rules}
    items = instrument.items_by_id
    return tuple(
        CountRuleItems(
            label=labels[rule.id],
            met=rule.met,
            could_become_met=rule.could_become_met,
            yes_count=rule.yes_count,
            min_yes=rule.min_yes,
            yes=tuple(items[item].prompt for item in rule.yes_items),
            unknown=tuple(items[item].prompt for item in rule.unknown_items),
        )
        for rule in result.count_rules
    )


def _queue_url(request: HttpRequest) -> str:
    """Back to the queue with the filters it was left with (the review page carries them in its own URL)."""
    query = _filter_query(request)
    return reverse("identify:review") + (f"?{query}" if query else "")


def _filter_query(request: HttpRequest) -> str:
    return urlencode({key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key)})


urlpatterns = [
    path("review/", review, name="review"),
    path("screenings/<str:reference>/review/", review_screening, name="review_screening"),
]
