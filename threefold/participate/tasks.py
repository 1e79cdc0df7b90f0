"""Background work of participate: schedule ``expire_held_feedback`` (command or this task) daily."""

from __future__ import annotations

from django_tasks import task

from threefold.participate.services import expire_held_feedback


@task()
def expire_held() -> int:
    return expire_held_feedback()
