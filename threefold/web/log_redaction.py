"""Keep credentials that travel in a URL out of the logs.

A survivor's single-use answer code (``/participate/a/<code>/``), a training participant's personal link
(``/training/p/<token>/``), a follow-up link (``/training/f/<token>/``) and a session's join link
(``/training/j/<code>/``) are the credential itself. Django writes
the request path into its logs on a 404, a 405 (link previewers send HEAD), a failed CSRF check or a 500, and the
development server logs every request line; anyone reading those logs could then use a live code. The views mark
their own error responses as logged (participate.public_views.unlogged), but that does not cover the other cases,
so the one handler every log line goes through replaces the credential part of such paths (ADR 0030).
"""

from __future__ import annotations

import logging
import re

# The path segment after each prefix is a credential; whatever follows it (tests/pre/...) is kept. Spaces belong
# to the segment (a join code typed with spaces still opens its session, and Django logs the decoded path): in
# a request line the redaction then runs on to the protocol's "/", which hides nothing that matters.
CREDENTIAL_PATHS = re.compile(r"(/participate/a/|/training/p/|/training/f/|/training/j/)[^/?\"']+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    return CREDENTIAL_PATHS.sub(REDACTED, text)


class RedactCredentialPaths(logging.Filter):
    """Rewrites a record's message with the credentials of known paths replaced; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
