from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "threefold.api"
    label = "api"
