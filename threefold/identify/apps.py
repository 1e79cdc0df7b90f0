from django.apps import AppConfig


class IdentifyConfig(AppConfig):
    """Django side of identification; the scoring itself lives in the pure ``core`` package."""

    name = "threefold.identify"
    label = "identify"
