from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications (and the e-mail that points to them) for work that waits on someone."""

    name = "threefold.notifications"
    label = "notifications"
