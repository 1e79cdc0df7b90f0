"""Background work of training: schedule ``training_reminders`` (command or this task) daily."""

from __future__ import annotations

from django_tasks import task

from threefold.training.reminders import send_due


@task()
def send_reminders() -> int:
    return send_due()
