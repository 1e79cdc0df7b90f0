"""Shapes of the insight endpoints: datasets (never their records), protected tables as the page's CSV rows, and
the differential-privacy ledger (the figures as published, never the raw noisy values)."""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from threefold.insight import access
from threefold.insight.core import crosstab, output, privacy
from threefold.insight.models import Dataset, Release
from threefold.insight.views import FIELDS

# The statistics page counts by one field, or by two (rows, then columns): the API counts the same tables.
MAX_TABLE_FIELDS = 2
# A larger k hides more; beyond this it hides everything and only makes the protection's arithmetic slow.
MAX_K = 1000
TOO_DETAILED = "This table is too detailed to publish safely: choose fewer or coarser fields."


class DatasetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="What the file holds: `ctdc` (CTDC victim records).")
    layout = serializers.CharField(help_text="The CTDC file layout it was read as.")
    source = serializers.CharField()  # type: ignore[assignment]  # names Field.source
    terms = serializers.CharField(
        help_text="The licence or terms of use to cite with anything published from it."
    )
    imported_at = serializers.DateTimeField()
    row_count = serializers.IntegerField(help_text="Records kept.")
    data_lines = serializers.IntegerField(help_text="Lines read after the header, rejected ones included.")
    rejected_lines = serializers.IntegerField(help_text="Lines refused by the import (not kept).")
    epsilon_budget = serializers.FloatField(
        help_text="The most ε all differentially private releases may spend."
    )
    delta_budget = serializers.FloatField()
    epsilon_spent = serializers.FloatField(help_text="What the releases of the ledger have spent of it.")

    @staticmethod
    def of(dataset: Dataset, spent: privacy.Spent) -> dict[str, Any]:
        return {
            "id": dataset.pk,
            "name": dataset.name,
            "kind": dataset.kind,
            "layout": dataset.layout,
            "source": dataset.source,
            "terms": dataset.terms,
            "imported_at": dataset.imported_at,
            "row_count": dataset.row_count,
            "data_lines": dataset.data_lines,
            "rejected_lines": dataset.rejected_lines,
            "epsilon_budget": dataset.epsilon_budget,
            "delta_budget": dataset.delta_budget,
            "epsilon_spent": spent.epsilon,
        }


class ImportProblemSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="Physical line of the file, the header being line 1.")
    column = serializers.CharField(allow_null=True, help_text="Null when the problem is the whole line's.")
    value = serializers.CharField(allow_blank=True, help_text="The value refused (its first 80 characters).")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer[Any]):
    missing = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per column, each spelling read as a missing value and how many kept records had it.",
    )
    rejected_lines = serializers.ListField(
        child=serializers.IntegerField(), help_text="Line numbers of the refused lines (the first 200)."
    )
    problems = ImportProblemSerializer(many=True, help_text="What was refused and why (the first 200).")
    problem_count = serializers.IntegerField(help_text="How many problems the import found in all.")
    accepted_valid_only = serializers.BooleanField(
        help_text="True when some lines were refused and the valid ones were imported on request."
    )

    @staticmethod
    def of(report: dict[str, Any]) -> dict[str, Any]:
        # Datasets imported before the report was stored have an empty one.
        problems = list(report.get("problems", []))
        return {
            "missing": report.get("missing", {}),
            "rejected_lines": report.get("rejected_lines", []),
            "problems": problems,
            "problem_count": report.get("problem_count", len(problems)),
            "accepted_valid_only": bool(report.get("accepted_valid_only", False)),
        }


class DatasetDetailSerializer(DatasetSerializer):
    report = ImportReportSerializer(help_text="What the import normalised and refused.")

    @staticmethod
    def of_detail(dataset: Dataset, spent: privacy.Spent) -> dict[str, Any]:
        return {**DatasetSerializer.of(dataset, spent), "report": ImportReportSerializer.of(dataset.report)}


class TableQuerySerializer(serializers.Serializer[Any]):
    source = serializers.CharField(  # type: ignore[assignment]
        help_text=f"A dataset id, or `{access.OWN_CASES}` for your organisation's own cases (those of people "
        "who consented to statistics)."
    )
    by = serializers.CharField(
        help_text=f"One or {MAX_TABLE_FIELDS} fields, comma-separated: rows, then columns. "
        f"The fields: {', '.join(FIELDS)} (those the source has)."
    )
    k = serializers.IntegerField(
        default=crosstab.DEFAULT_K,
        min_value=access.MIN_K,
        max_value=MAX_K,
        help_text="Counts below k are hidden, and so is any count from which one could be worked out.",
        error_messages={
            "invalid": "k must be a whole number.",
            "min_value": f"k must be at least {access.MIN_K}: a smaller k hides (almost) nothing, and true "
            "counts need a raw-counts allowance.",
            "max_value": f"k must be at most {MAX_K}.",
        },
    )

    def validate_by(self, value: str) -> list[str]:
        fields = [name.strip() for name in value.split(",")]
        if not all(fields):
            raise serializers.ValidationError("Name the fields to count by, separated by commas.")
        if len(set(fields)) != len(fields):
            raise serializers.ValidationError("A field is named twice.")
        if len(fields) > MAX_TABLE_FIELDS:
            raise serializers.ValidationError(
                f"Count by at most {MAX_TABLE_FIELDS} fields (rows, then columns), not {len(fields)}."
            )
        return fields


@extend_schema_field(
    {
        "type": "object",
        "description": (
            "One count of the table: its value in each field counted by (`(unknown)` for a missing value, "
            "`(all)` on a total), then `count` and `status`."
        ),
        "properties": {
            "count": {
                "type": "integer",
                "nullable": True,
                "description": "The count when shown; null when hidden (its value is never sent).",
            },
            "status": {
                "type": "string",
                "description": (
                    "`shown`, `fewer than k` (a small count), or `suppressed to protect another cell`."
                ),
            },
        },
        "required": ["count", "status"],
        "additionalProperties": {"type": "string"},
    }
)
class TableRowField(serializers.DictField):
    pass


class ProtectedTableSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(help_text="The dataset id, or `cases`.")  # type: ignore[assignment]
    title = serializers.CharField()
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="The fields counted by, in order."
    )
    k = serializers.IntegerField()
    protection = serializers.IntegerField(
        help_text="Given everything shown, the lowest and highest values each hidden count could take are at "
        "least this far apart."
    )
    publish_zeros = serializers.BooleanField(
        help_text="False when zeros had to be hidden too: then `fewer than k` includes 0."
    )
    rows = serializers.ListField(
        child=TableRowField(),
        help_text="Every count and total, as the statistics page's CSV file has them. Empty when there is "
        "nothing to count.",
    )

    @staticmethod
    def of(
        source: str, title: str, fields: list[str], k: int, published: crosstab.Published | None
    ) -> dict[str, Any]:
        rows = output.published_rows(published) if published else []
        table = published.table if published else None
        return {
            "source": source,
            "title": title,
            "fields": fields,
            "k": k,
            "protection": table.protection if table else 0,
            "publish_zeros": table.publish_zeros if table else True,
            "rows": rows,
        }


# A pattern, not an enum: drf-spectacular makes every enum a component named after its field, and a second
# "kind" enum would rename the existing KindEnum (of tasks) in the published schema.
@extend_schema_field({"type": "string", "pattern": "^histogram$"})
class ReleaseKindField(serializers.ChoiceField):
    """The kinds of release the API makes: only ``histogram``, as the privacy page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=["histogram"], **kwargs)


class PrivateReleaseRequestSerializer(serializers.Serializer[Any]):
    kind = ReleaseKindField(help_text="What to release: `histogram`, a noisy count per value of one field.")
    field = serializers.ChoiceField(
        choices=list(FIELDS),
        help_text="The field to count by (one the dataset has).",
        error_messages={"invalid_choice": "Choose a field from the list: “{input}” is not one."},
    )
    epsilon = serializers.FloatField(
        help_text=f"The privacy cost ε spent from the dataset's budget: above 0, at most {privacy.MAX_EPSILON:g}. "
        "Smaller is more private and less accurate.",
        error_messages={"invalid": "Give ε as a number, for example 0.5."},
    )

    def validate_epsilon(self, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise serializers.ValidationError("ε must be a number above 0, for example 0.5.")
        if value > privacy.MAX_EPSILON:
            raise serializers.ValidationError(
                f"ε must be at most {privacy.MAX_EPSILON:g} for one release: beyond that the noise protects no one."
            )
        return value


class PrivateReleaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    released_at = serializers.DateTimeField()
    released_by = serializers.EmailField()
    kind = serializers.CharField(help_text="`count`, `histogram` or `mean`.")
    query = serializers.DictField(help_text="What was released: the field and what it was counted by.")
    epsilon = serializers.FloatField()
    delta = serializers.FloatField()
    mechanism = serializers.CharField()
    display = serializers.DictField(
        child=serializers.FloatField(),
        help_text="The released figures as published (noisy counts clipped at zero), by category.",
    )
    expected_error = serializers.FloatField(
        help_text="Each figure is within ± this of the true count with probability `confidence`."
    )
    confidence = serializers.FloatField()

    @staticmethod
    def of(release: Release) -> dict[str, Any]:
        result = release.result
        return {
            "id": release.pk,
            "released_at": release.released_at,
            "released_by": release.released_by.email,
            "kind": release.kind,
            "query": release.query,
            "epsilon": release.epsilon,
            "delta": release.delta,
            "mechanism": release.mechanism,
            # Never result["values"]: the ledger shows what was published, as the page does.
            "display": result.get("display", {}),
            "expected_error": result.get("expected_error"),
            "confidence": result.get("confidence"),
        }


class PrivacyLossSerializer(serializers.Serializer[Any]):
    epsilon = serializers.FloatField()
    delta = serializers.FloatField()


class PrivacySpentSerializer(PrivacyLossSerializer):
    releases = serializers.IntegerField()


class BudgetRefusalSerializer(serializers.Serializer[Any]):
    epsilon = serializers.ListField(child=serializers.CharField(), help_text="Why the release was refused.")
    budget = PrivacyLossSerializer(help_text="The dataset's whole budget.")
    spent = PrivacySpentSerializer(help_text="What the ledger has spent of it.")
    asked = PrivacyLossSerializer(help_text="What this release would have spent.")

    @staticmethod
    def of(refused: privacy.BudgetExceededError) -> dict[str, Any]:
        return {
            "epsilon": [str(refused)],
            "budget": {"epsilon": refused.budget.epsilon, "delta": refused.budget.delta},
            "spent": {
                "epsilon": refused.spent.epsilon,
                "delta": refused.spent.delta,
                "releases": refused.spent.releases,
            },
            "asked": {"epsilon": refused.asked.epsilon, "delta": refused.asked.delta},
        }
