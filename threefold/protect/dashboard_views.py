"""The supervisor's dashboard: the organisation's caseload, new cases over time and NRM deadlines, as counts
with small cells suppressed (threefold.disclosure), so the page can be shown in a meeting or copied into a
report without singling anyone out."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.disclosure import CannotProtectError, CountTable, suppress
from threefold.nrm import AlertKind
from threefold.protect import case_access
from threefold.protect.models import CaseStage
from threefold.web.counts import BAR_BOX, CountsTable, chart, present

# As on the screening review page: internal figures, protected so they can be shown or copied; 5 is the usual
# floor for counts about people. Zeros are shown: an empty stage for a caseworker points at nobody.
K = 5


def _protected(
    counts: Mapping[str, Mapping[str, int]],
    columns: Mapping[str, str],
    row_label: Callable[[str], str],
) -> CountsTable | None:
    """A protected table of ``counts`` (row -> column -> n); None when empty or when it cannot be protected."""
    if not counts:
        return None
    table = CountTable.from_counts(
        tuple(sorted(counts)),
        tuple(columns),
        {(row, column): n for row, by_column in counts.items() for column, n in by_column.items()},
    )
    try:
        return present(suppress(table, K), row_label=row_label, column_labels=columns)
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
    opened = _protected(case_access.opened_by_month(actor), stages, lambda month: month)
    deadlines = case_access.deadline_counts(actor, timezone.localdate())
    deadline_labels = {
        AlertKind.RG_DUE_SOON.value: _("Reasonable-grounds decisions due within two days"),
        AlertKind.RG_OVERDUE.value: _("Reasonable-grounds decisions overdue"),
        AlertKind.REFLECTION_ENDS_SOON.value: _("Reflection periods ending within a week"),
        AlertKind.REFLECTION_ENDED.value: _("Reflection periods ended"),
        AlertKind.CG_PENDING.value: _("Conclusive-grounds decisions awaited"),
    }
    rtl = get_language_bidi()
    return render(
        request,
        "protect/dashboard.html",
        {
            "caseload": caseload,
            "caseload_chart": chart(caseload, rtl=rtl) if caseload else (),
            "opened": opened,
            "deadlines": [(deadline_labels[kind], n) for kind, n in sorted(deadlines.items())],
            "bar_box": BAR_BOX,
        },
    )
