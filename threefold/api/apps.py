from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "threefold.api"
    label = "api"

    def ready(self) -> None:
        from threefold.api import schema  # noqa: F401  (registers the OpenAPI extension)
