from django.apps import AppConfig


class ConsentConfig(AppConfig):
    """Purpose-specific, withdrawable consent of the people an organisation protects, and recorded overrides."""

    name = "threefold.consent"
    label = "consent"
