"""A database trigger that freezes approved evidence (PostgreSQL and SQLite): the tracker's history is append-only.

Once evidence is approved, an UPDATE of any of its content columns (or of its state) is refused by the database
itself, whatever the application, the ORM or a script tries. Who entered and who approved it are left out, so
that removing a user (which sets those to NULL) still works; and deletion is not refused, so that a test database
can be emptied: no code path deletes evidence, and an organisation with evidence cannot be deleted (PROTECT).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

FROZEN_COLUMNS = (
    "reference",
    "organisation_id",
    "country_alpha3",
    "ask",
    "framework_version",
    "status",
    "as_of",
    "source_title",
    "source_url",
    "source_citation",
    "note",
    "state",
    "reviewed_at",
    "review_note",
)
_COLUMNS = ", ".join(FROZEN_COLUMNS)
PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION threefold_advocate_evidence_frozen() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'approved evidence is append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS advocate_evidence_approved_frozen ON advocate_evidence",
    f"""CREATE TRIGGER advocate_evidence_approved_frozen BEFORE UPDATE OF {_COLUMNS} ON advocate_evidence
        FOR EACH ROW WHEN (OLD.state = 'approved') EXECUTE FUNCTION threefold_advocate_evidence_frozen()""",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS advocate_evidence_approved_frozen ON advocate_evidence",
    "DROP FUNCTION IF EXISTS threefold_advocate_evidence_frozen()",
]
SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS advocate_evidence_approved_frozen BEFORE UPDATE OF {_COLUMNS} "
    "ON advocate_evidence WHEN OLD.state = 'approved' "
    "BEGIN SELECT RAISE(ABORT, 'approved evidence is append-only (UPDATE refused)'); END",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS advocate_evidence_approved_frozen"]


def _run(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE})
