from __future__ import annotations

import pytest
from django.core import mail

from threefold.web.tasks import seal_message, send_email_in_background


@pytest.mark.django_db
def test_invitation_link_never_crosses_the_queue_in_plaintext() -> None:
    sealed = seal_message(
        "Invitation", "Open https://tf.example.org/org/join/SECRET-TOKEN/", ["a@example.org"]
    )
    assert "SECRET-TOKEN" not in sealed
    send_email_in_background(
        "Invitation", "Open https://tf.example.org/org/join/SECRET-TOKEN/", ["a@example.org"]
    )
    # The test settings run tasks immediately; the message arrives whole.
    assert len(mail.outbox) == 1
    assert "SECRET-TOKEN" in mail.outbox[0].body
    assert mail.outbox[0].to == ["a@example.org"]
