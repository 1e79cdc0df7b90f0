"""The supervisor's dashboard: the organisation's caseload, new cases over time and NRM deadlines, as counts
with small cells suppressed (threefold.disclosure), so the page can be shown in a meeting or copied into a
report without singling anyone out."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.disclosure import CannotProtectError, CountTable, suppress
from threefold.nrm import AlertKind
from threefold.plans import access as plan_access
from threefold.protect import case_access
from threefold.protect.models import CaseStage
from threefold.referrals import access as referral_access
from threefold.web.counts import BAR_BOX, CountsTable, chart, present

# Days from opening a case to its first delivered service, in bands a manager reads at a glance.
WAIT_BANDS = (7, 30, 90, None)


WAIT_LABELS = (
    gettext_lazy("Within a week"),
    gettext_lazy("8 to 30 days"),
    gettext_lazy("31 to 90 days"),
    gettext_lazy("More than 90 days"),
)


def _wait_band(days: int) -> int | None:
    return next(band for band in WAIT_BANDS if band is None or days <= band)


# As on the screening review page: internal figures, protected so they can be shown or copied; 5 is the usual
# floor for counts about people. Zeros are shown: an empty stage for a caseworker points at nobody.
K = 5


def _protected(
    counts: Mapping[str, Mapping[str, int]],
    columns: Mapping[str, str],
    row_label: Callable[[str], str],
) -> CountsTable | None:
    """A protected table of ``counts`` (row -> column -> n, rows in the order given); None when empty or when
    it cannot be protected."""
    if not counts:
        return None
    table = CountTable.from_counts(
        tuple(counts),
        tuple(columns),
        {(row, column): n for row, by_column in counts.items() for column, n in by_column.items()},
    )
    try:
        # The dashboard's tables count the same cases: their grand total is shown in each (ADR 0013).
        protected = suppress(table, K, total_published_elsewhere=True)
        return present(protected, row_label=row_label, column_labels=columns)
    except CannotProtectError:
        return None


@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "protect.view_caseload"):
        raise PermissionDenied
    stages = {value: str(label) for value, label in CaseStage.choices}
    caseload = _protected(
        case_access.caseload_counts(actor), stages, lambda email: email or _("Not assigned")
    )
    opened = _protected(dict(sorted(case_access.opened_by_month(actor).items())), stages, lambda month: month)
    deadlines = case_access.deadline_counts(actor, timezone.localdate())
    deadline_labels = {
        AlertKind.RG_DUE_SOON.value: _("Reasonable-grounds decisions due within two days"),
        AlertKind.RG_OVERDUE.value: _("Reasonable-grounds decisions overdue"),
        AlertKind.REFLECTION_ENDS_SOON.value: _("Reflection periods ending within a week"),
        AlertKind.REFLECTION_ENDED.value: _("Reflection periods ended"),
        AlertKind.CG_PENDING.value: _("Conclusive-grounds decisions awaited"),
    }
    rtl = get_language_bidi()
    flow_columns = {
        "sent_accepted": _("Sent, accepted"),
        "sent_other": _("Sent, not accepted (yet)"),
        "received_accepted": _("Received, accepted"),
        "received_other": _("Received, not accepted (yet)"),
    }
    flows = _protected(dict(sorted(referral_access.flows(actor).items())), flow_columns, lambda name: name)
    waits = plan_access.time_to_first_service(actor.org_id)
    bands = {band: 0 for band in WAIT_BANDS}
    for days in waits.values():
        bands[_wait_band(days)] += 1
    first_service = _protected(
        {label: {"cases": n} for label, n in zip(map(str, WAIT_LABELS), bands.values(), strict=True) if n},
        {"cases": _("Cases")},
        lambda label: label,
    )
    return render(
        request,
        "protect/dashboard.html",
        {
            "caseload": caseload,
            "caseload_chart": chart(caseload, rtl=rtl) if caseload else (),
            "opened": opened,
            "deadlines": [(deadline_labels[kind], n) for kind, n in sorted(deadlines.items())],
            "overdue_tasks": plan_access.overdue_count(actor.org_id, timezone.localdate()),
            "flows": flows,
            "flows_chart": chart(flows, rtl=rtl) if flows else (),
            "first_service": first_service,
            "median_wait": statistics.median(waits.values()) if len(waits) >= K else None,
            "bar_box": BAR_BOX,
        },
    )
