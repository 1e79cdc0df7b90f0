"""Background work of referrals: schedule ``expire_referrals`` (command or this task) at least hourly."""

from __future__ import annotations

from django_tasks import task

from threefold.referrals.services import expire_due


@task()
def expire_referrals() -> dict[str, int]:
    result = expire_due()
    return {"expired": result.expired, "overdue_reminders": result.overdue_reminders}
