from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "threefold.audit"
    label = "audit"
