"""Background work of prosecution records: schedule ``prosecute_reminders`` (command or this task) daily or hourly."""

from __future__ import annotations

from django_tasks import task

from threefold.prosecute.reminders import send_due


@task()
def send_reminders() -> dict[str, int]:
    sent = send_due()
    return {"court_dates": sent.court_dates, "risk_reviews": sent.risk_reviews}
