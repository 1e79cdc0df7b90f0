from django.apps import AppConfig


class ProtectConfig(AppConfig):
    name = "threefold.protect"
    label = "protect"
