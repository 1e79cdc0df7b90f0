"""Database triggers that make the audit table append-only (PostgreSQL and SQLite).

They stop the application, the ORM and anyone with ordinary write access from editing history. A database
owner can still drop them; the hash chain plus a head hash kept outside the database catches that.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION threefold_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION threefold_audit_append_only()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
        FOR EACH STATEMENT EXECUTE FUNCTION threefold_audit_append_only()""",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry",
]
SQLITE_INSTALL = [
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused)'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
]


def _run(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE})
