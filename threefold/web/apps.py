from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "threefold.web"
    label = "web"

    def ready(self) -> None:
        from threefold.web import checks  # noqa: F401  (registers the deployment checks)
