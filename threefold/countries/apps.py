from django.apps import AppConfig


class CountriesConfig(AppConfig):
    """Public facts about countries that statistics and advocacy read: never personal data."""

    name = "threefold.countries"
    label = "countries"
