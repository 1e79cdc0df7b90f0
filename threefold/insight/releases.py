"""What a differentially private release asks for, from a page's or a client's form: the field, ε and (for a
mean) the bounds, checked and turned into a plan (the expected error, shown before anything is spent) and the
function that makes the release once the budget allows it. Shared by the private-release page, the API and the
``stats`` command."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from threefold.insight import prosecution_fields
from threefold.insight.core import output, privacy, prosecutions
from threefold.insight.core.frame import MISSING, Column, Frame
from threefold.insight.views import FIELDS

# Numbers of known values the page gives the mean's expected error for: the true number is itself sensitive, so
# the plan is shown for round numbers instead.
MEAN_ERROR_EXAMPLES = (100, 1_000, 10_000)
# The query keys of each form: the mean's are its own, so that both forms can be on one page.
MEAN_KEYS = ("mean_field", "lower", "upper", "mean_epsilon")


def numeric_levels(column: Column) -> tuple[float, ...] | None:
    """The column's levels as numbers, or None unless there is at least one and every one is a finite number.

    A field is numeric when every known value is a number (as ``yearOfRegistration``, or a 0/1 flag, whose
    mean is then a proportion)."""
    numbers = []
    for level in column.levels:
        try:
            number = float(level)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return tuple(numbers) or None


def numeric_values(column: Column) -> list[float]:
    """Each record's value of a numeric column as a float, NaN where missing (release_mean leaves NaN out)."""
    levels = numeric_levels(column)
    if levels is None:
        raise ValueError(f"{column.name} is not a numeric field")
    lookup = np.array((math.nan, *levels), dtype=float)
    values: list[float] = lookup[column.codes].tolist()
    return values


def histogram_inputs(frame: Frame, field: str) -> tuple[list[str], list[str]]:
    """(categories, values) of one field for a private histogram. The categories are the dataset's published
    levels, fixed before any noise is drawn: listing them reveals nothing the file did not."""
    column = frame.column(field)
    categories = [output.UNKNOWN if key == MISSING else key for key in column.every_key()]
    values = [output.UNKNOWN if value == MISSING else value for value in column.values()]
    return categories, values


@dataclass(frozen=True)
class Asked:
    """One release asked for on the page: its plan (the expected error, shown before anything is spent) and
    how to make it once the budget is checked."""

    kind: str  # histogram | mean
    field: str
    epsilon: float
    plan: privacy.Plan
    make: Callable[[], privacy.Released]
    query: dict[str, Any]


def epsilon_of(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(_("Give ε as a number, for example 0.5.")) from None


def histogram(frame: Frame, fields: Mapping[str, str], data: Mapping[str, str]) -> Asked:
    field = data.get("field", "")
    epsilon = epsilon_of(data.get("epsilon", ""))
    if field not in fields:
        raise ValueError(_("Choose a field from the list."))
    categories, values = histogram_inputs(frame, field)
    return Asked(
        "histogram",
        field,
        epsilon,
        privacy.plan_histogram(categories, epsilon),
        lambda: privacy.release_histogram(values, categories, epsilon),
        {"by": [field]},
    )


def mean(frame: Frame, fields: Mapping[str, str], data: Mapping[str, str]) -> Asked:
    field = data.get("mean_field", "")
    if field not in fields:
        raise ValueError(_("Choose a numeric field from the list."))
    try:
        lower, upper = float(data.get("lower", "")), float(data.get("upper", ""))
    except ValueError:
        raise ValueError(
            _("Give the lower and upper bounds as numbers, for example 2000 and 2025.")
        ) from None
    if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
        raise ValueError(_("The lower bound must be below the upper bound, for example 2000 and 2025."))
    epsilon = epsilon_of(data.get("mean_epsilon", ""))
    column = frame.column(field)
    return Asked(
        "mean",
        field,
        epsilon,
        privacy.plan_mean(lower, upper, epsilon),
        lambda: privacy.release_mean(numeric_values(column), lower, upper, epsilon),
        {"lower": lower, "upper": upper},
    )


def refusal(refused: privacy.BudgetExceededError) -> str:
    """What a page says when a release does not fit in what is left of the budget."""
    return _(
        "Refused: this release needs ε = %(asked).2f but only ε = %(left).2f of this dataset's "
        "budget of %(budget).2f is left."
    ) % {
        "asked": refused.asked.epsilon,
        "left": max(0.0, refused.budget.epsilon - refused.spent.epsilon),
        "budget": refused.budget.epsilon,
    }


def fields_of(frame: Frame) -> dict[str, str]:
    """The fields a page offers of a dataset's first table: CTDC's, or a prosecutions dataset's cases'."""
    offered = {**FIELDS, **prosecution_fields.FIELDS[prosecutions.CASES]}
    return {name: str(label) for name, label in offered.items() if name in frame.columns}


def numeric_fields(frame: Frame) -> dict[str, str]:
    """The page's fields whose every known value is a number: those a mean can be released of."""
    return {
        name: label
        for name, label in fields_of(frame).items()
        if numeric_levels(frame.columns[name]) is not None
    }
