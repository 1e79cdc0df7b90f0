"""Background e-mail. Messages that carry a secret (an invitation link) cross the task queue sealed with the
platform key, because the database backend stores task arguments as plain JSON until the worker runs them."""

from __future__ import annotations

import base64
import json

from django.core.mail import send_mail
from django_tasks import task

from threefold.vault import sealed
from threefold.vault.models import KeyPurpose

_CONTEXT = "tasks.sealed_email"


def seal_message(subject: str, body: str, recipients: list[str]) -> str:
    payload = json.dumps({"subject": subject, "body": body, "to": recipients}).encode()
    blob = sealed.seal(payload, organisation_id=None, context=_CONTEXT, purpose=KeyPurpose.PLATFORM)
    return base64.b64encode(blob).decode("ascii")


@task()
def send_sealed_email(sealed_message: str) -> int:
    payload = json.loads(
        sealed.unseal(base64.b64decode(sealed_message), organisation_id=None, context=_CONTEXT)
    )
    return send_mail(payload["subject"], payload["body"], None, payload["to"])


def send_email_in_background(subject: str, body: str, recipients: list[str]) -> None:
    send_sealed_email.enqueue(seal_message(subject, body, recipients))
