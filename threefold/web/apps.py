from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "threefold.web"
    label = "web"
