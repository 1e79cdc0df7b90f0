from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Datasets, protected statistics, differential privacy and dashboards (issue 5)."""

    name = "threefold.insight"
    label = "insight"
