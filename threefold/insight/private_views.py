"""A dataset's differential-privacy page: its budget, the ledger of releases, and new releases (the expected
error shown before anything is spent)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.insight import access, services
from threefold.insight.core import output, privacy
from threefold.insight.core.frame import MISSING, Frame
from threefold.insight.views import FIELDS


def _histogram_inputs(frame: Frame, field: str) -> tuple[list[str], list[str]]:
    """(categories, values) of one field for a private histogram. The categories are the dataset's published
    levels, fixed before any noise is drawn: listing them reveals nothing the file did not."""
    column = frame.column(field)
    categories = [output.UNKNOWN if key == MISSING else key for key in column.every_key()]
    values = [output.UNKNOWN if value == MISSING else value for value in column.values()]
    return categories, values


@require_http_methods(["GET", "POST"])
def private_release(request: HttpRequest, source: str) -> HttpResponse:
    """A dataset's privacy budget, its ledger of releases, and (for analysts) a new release: the expected error
    is shown first, and a release past the budget is refused with what it needs and what is left."""
    actor = acting_member(request)
    found = access.dataset(actor, source)
    frame = access.frame_of(found)
    may_release = allowed(actor, "insight.release_private", found)
    fields = {name: label for name, label in FIELDS.items() if name in frame.columns}
    data = request.POST if request.method == "POST" else request.GET
    field = data.get("field", "")
    error = ""
    plan = None
    epsilon = None
    if field or data.get("epsilon"):
        try:
            epsilon = float(data.get("epsilon", ""))
            if field not in fields:
                raise ValueError(_("Choose a field from the list."))
            categories, values = _histogram_inputs(frame, field)
            plan = privacy.plan_histogram(categories, epsilon)
        except ValueError as problem:
            error = str(problem) if str(problem) else _("Give ε as a number, for example 0.5.")
            if epsilon is None:
                error = _("Give ε as a number, for example 0.5.")
            plan = None
    if request.method == "POST":
        if not may_release:
            raise PermissionDenied
        if plan is not None and epsilon is not None:
            try:
                services.release(
                    actor,
                    found,
                    kind="histogram",
                    field=field,
                    epsilon=epsilon,
                    make=lambda: privacy.release_histogram(values, categories, epsilon),
                    query={"by": [field]},
                )
                messages.success(request, _("Released. The figures are in the ledger below."))
                return redirect("insight:private_release", source=found.pk)
            except privacy.BudgetExceededError as refused:
                error = _(
                    "Refused: this release needs ε = %(asked).2f but only ε = %(left).2f of this dataset's "
                    "budget of %(budget).2f is left."
                ) % {
                    "asked": refused.asked.epsilon,
                    "left": max(0.0, refused.budget.epsilon - refused.spent.epsilon),
                    "budget": refused.budget.epsilon,
                }
    spent = services.spent_of(found)
    return render(
        request,
        "insight/private_release.html",
        {
            "dataset": found,
            "fields": fields,
            "field": field,
            "epsilon": data.get("epsilon", ""),
            "plan": plan,
            "error": error,
            "may_release": may_release,
            "spent": spent,
            "left": max(0.0, found.epsilon_budget - spent.epsilon),
            "ledger": access.ledger(actor, found),
            "field_labels": fields,
        },
        status=400 if request.method == "POST" and error else 200,
    )
