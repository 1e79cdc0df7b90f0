from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "threefold.vault"
    label = "vault"
