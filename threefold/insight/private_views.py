"""A dataset's differential-privacy page: its budget, the ledger of releases, and new releases (the expected
error shown before anything is spent): a histogram of a field, or the bounded mean of a numeric field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.insight import access, releases, services
from threefold.insight.core import privacy
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset, Release


@require_http_methods(["GET", "POST"])
def private_release(request: HttpRequest, source: str) -> HttpResponse:
    """A dataset's privacy budget, its ledger of releases, and (for analysts) a new release: the expected error
    is shown first, and a release past the budget is refused with what it needs and what is left."""
    actor = acting_member(request)
    found = access.dataset(actor, source)
    if request.method == "POST" and not allowed(actor, "insight.release_private", found):
        raise PermissionDenied
    frame = access.frame_of(found)
    data = request.POST if request.method == "POST" else request.GET
    kind = (
        "mean"
        if any(data.get(key) for key in releases.MEAN_KEYS) or "mean_field" in data
        else "histogram"
        if data.get("field") or data.get("epsilon")
        else ""
    )
    asked: releases.Asked | None = None
    error = ""
    if kind:
        try:
            if kind == "mean":
                asked = releases.mean(frame, releases.numeric_fields(frame), data)
            else:
                asked = releases.histogram(frame, releases.fields_of(frame), data)
        except ValueError as problem:
            error = str(problem) or _("Give ε as a number, for example 0.5.")
    if request.method == "POST":
        if asked is None and not error:
            error = _("Choose what to release, then show the expected error first.")
        if asked is not None:
            try:
                services.release(
                    actor,
                    found,
                    kind=asked.kind,
                    field=asked.field,
                    epsilon=asked.epsilon,
                    make=asked.make,
                    query=asked.query,
                )
            except privacy.BudgetExceededError as refused:
                error = releases.refusal(refused)
            else:
                messages.success(request, _("Released. The figures are in the ledger below."))
                return redirect("insight:private_release", source=found.pk)
    return render_page(
        request,
        actor,
        found,
        frame=frame,
        kind=kind or "histogram",
        asked=asked,
        error=error,
        values=data,
        status=400 if request.method == "POST" and error else 200,
    )


@dataclass(frozen=True)
class LedgerRow:
    release: Release
    what: str
    figures: tuple[tuple[str, str], ...]


def _plain(number: float) -> str:
    """A bound as typed: 2000, not 2000.0."""
    return number_format(int(number) if float(number).is_integer() else number)


def _ledger_row(release: Release, labels: Mapping[str, str]) -> LedgerRow:
    query = release.query if isinstance(release.query, dict) else {}
    field = str(query.get("field", ""))
    label = labels.get(field, field)
    display = release.result.get("display", {}) if isinstance(release.result, dict) else {}
    if release.kind == "mean":
        lower, upper = query.get("lower"), query.get("upper")
        what = _("Mean of %(field)s, values clamped to %(lower)s to %(upper)s") % {
            "field": label,
            "lower": _plain(lower) if lower is not None else "?",
            "upper": _plain(upper) if upper is not None else "?",
        }
        figures: list[tuple[str, str]] = []
        if "mean" in display:
            figures.append((_("Mean"), number_format(round(display["mean"], 2), decimal_pos=2)))
        if "count" in display:
            figures.append((_("Known values (noisy)"), number_format(display["count"])))
        return LedgerRow(release, what, tuple(figures))
    what = _("Count by %(field)s") % {"field": label} if release.kind == "histogram" else label
    return LedgerRow(release, what, tuple((str(key), str(value)) for key, value in display.items()))


def render_page(
    request: HttpRequest,
    actor: Actor,
    found: Dataset,
    *,
    frame: Frame | None = None,
    kind: str = "histogram",
    asked: releases.Asked | None = None,
    error: str = "",
    values: Mapping[str, str] | None = None,
    budget_error: str = "",
    budget_values: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page itself: ``error`` belongs to the form of ``kind``, ``values`` refill the release forms and
    ``budget_values`` the budget form (the steward's budget view shows its refusals here too)."""
    frame = frame if frame is not None else access.frame_of(found)
    values = values or {}
    fields = releases.fields_of(frame)
    spent = services.spent_of(found)
    mean_plan = asked.plan if asked is not None and asked.kind == "mean" else None
    return render(
        request,
        "insight/private_release.html",
        {
            "dataset": found,
            "fields": fields,
            "numeric_fields": releases.numeric_fields(frame),
            "field": values.get("field", ""),
            "epsilon": values.get("epsilon", ""),
            "mean_field": values.get("mean_field", ""),
            "lower": values.get("lower", ""),
            "upper": values.get("upper", ""),
            "mean_epsilon": values.get("mean_epsilon", ""),
            "plan": asked.plan if asked is not None and asked.kind == "histogram" else None,
            "mean_plan": mean_plan,
            "mean_errors": [
                (number_format(n, force_grouping=True), mean_plan.mean_error(n))
                for n in releases.MEAN_ERROR_EXAMPLES
            ]
            if mean_plan
            else [],
            "error": error if kind != "mean" else "",
            "mean_error": error if kind == "mean" else "",
            "may_release": allowed(actor, "insight.release_private", found),
            "may_set_budget": allowed(actor, "insight.set_budget", found),
            "may_delete": allowed(actor, "insight.delete_dataset", found),
            "budget_error": budget_error,
            "budget_epsilon": (budget_values or {}).get("epsilon", f"{found.epsilon_budget:g}"),
            "budget_delta": (budget_values or {}).get("delta", f"{found.delta_budget:g}"),
            "spent": spent,
            "left": max(0.0, found.epsilon_budget - spent.epsilon),
            "ledger": [_ledger_row(release, fields) for release in access.ledger(actor, found)],
        },
        status=status,
    )
