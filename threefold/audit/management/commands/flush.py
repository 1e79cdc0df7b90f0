"""Django's ``flush``, able to empty the append-only audit table too.

``flush`` deletes every row of every table: an operator (or the test runner between transactional tests) who
may do that may also empty the audit trail. The triggers are lifted for the flush and put back after it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from threefold.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection)
