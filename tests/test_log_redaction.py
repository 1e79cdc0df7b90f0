"""No log line holds a survivor's answer code or a participant's personal link (threefold/web/log_redaction.py)."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from threefold.web.log_redaction import RedactCredentialPaths, redact

CODE = "Y28PRVDQA2DP"
TOKEN = "jsUouWywH2UeLivz-JmO87eGlvYhhD8Q"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"Not Found: /participate/a/{CODE}/", "Not Found: /participate/a/[redacted]/"),
        (
            f'"HEAD /training/p/{TOKEN}/tests/pre/ HTTP/1.1" 405 0',
            '"HEAD /training/p/[redacted]/tests/pre/ HTTP/1.1" 405 0',
        ),
        (
            f"Forbidden (CSRF token missing.): /training/f/{TOKEN}/",
            "Forbidden (CSRF token missing.): /training/f/[redacted]/",
        ),
        (f"/participate/a/{CODE}?lang=fr", "/participate/a/[redacted]?lang=fr"),
        ("Not Found: /training/j/ABCD-EFGH-JKMN/", "Not Found: /training/j/[redacted]/"),
        ("Bad Request: /training/j/ABCD EFGH JKMN/", "Bad Request: /training/j/[redacted]/"),
        ("Not Found: /participate/answer/", "Not Found: /participate/answer/"),  # no credential in it
    ],
)
def test_credentials_in_paths_are_replaced(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_the_filter_rewrites_formatted_records_and_keeps_them() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/participate/a/{CODE}/",), None
    )
    assert RedactCredentialPaths().filter(record) is True
    assert record.getMessage() == "Not Found: /participate/a/[redacted]/"
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "nothing %s", ("here",), None)
    assert RedactCredentialPaths().filter(plain) is True
    assert plain.getMessage() == "nothing here"


@pytest.mark.django_db
def test_every_log_line_leaves_through_the_redacting_handler() -> None:
    """A HEAD request to a code's page is refused with 405 and a bad personal link with 404, both logged by Django
    with their path: the lines that reach the console handler have no credential."""
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers
    assert all(any(isinstance(f, RedactCredentialPaths) for f in h.filters) for h in handlers)
    written = io.StringIO()
    previous = [h.setStream(written) for h in handlers]
    try:
        Client().head(f"/participate/a/{CODE}/")
        Client().get(f"/training/p/{TOKEN}/tests/nothing/")
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            if stream is not None:
                handler.setStream(stream)
    assert "[redacted]" in written.getvalue()
    assert CODE not in written.getvalue()
    assert TOKEN not in written.getvalue()
    server = logging.getLogger("django.server")
    assert not server.propagate
    assert any(isinstance(f, RedactCredentialPaths) for h in server.handlers for f in h.filters)
