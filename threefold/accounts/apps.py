from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "threefold.accounts"
    label = "accounts"

    def ready(self) -> None:
        from threefold.accounts import signals  # noqa: F401  (connects the audit receivers)
