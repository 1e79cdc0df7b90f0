"""The audit trail: every write leaves an entry, the chain detects tampering, and the database refuses edits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from threefold.accounts.roles import Role
from threefold.audit import chain, services
from threefold.audit.models import Action, AuditEntry
from threefold.audit.verify import verify_stored_chain


def _entries(n: int) -> list[chain.ChainEntry]:
    out, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        fields = {"seq": seq, "action": "view", "object_id": str(seq)}
        digest = chain.entry_hash(prev, fields)
        out.append(chain.ChainEntry(seq, fields, prev, digest))
        prev = digest
    return out


def test_pure_chain_verifies_and_reports_head() -> None:
    entries = _entries(5)
    verdict = chain.verify(entries, head=(5, entries[-1].hash))
    assert verdict.ok
    assert verdict.count == 5
    assert verdict.head_hash == entries[-1].hash


@given(st.integers(min_value=0, max_value=9), st.sampled_from(["alter", "remove", "swap"]))
def test_pure_chain_finds_any_single_tampering(index: int, how: str) -> None:
    entries = _entries(10)
    if how == "alter":
        e = entries[index]
        entries[index] = chain.ChainEntry(e.seq, {**e.fields, "object_id": "forged"}, e.prev_hash, e.hash)
    elif how == "remove":
        del entries[index]
    else:
        j = (index + 1) % 10
        entries[index], entries[j] = entries[j], entries[index]
    verdict = chain.verify(entries, head=(10, _entries(10)[-1].hash))
    assert not verdict.ok
    assert verdict.bad_seq is not None


def _drop_triggers() -> None:
    # What an attacker with database-owner rights would do first; the chain must still catch the edit.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")


@pytest.mark.django_db(transaction=True)
def test_database_refuses_update_and_delete_of_audit_entries() -> None:
    entry = services.record(None, Action.LOGIN, system_label="test")
    for statement in (
        "UPDATE audit_auditentry SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).purpose == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tamper", ["alter", "delete_middle", "reorder", "delete_newest"])
def test_verify_audit_names_the_first_bad_entry(tamper: str) -> None:
    for i in range(6):
        services.record(None, Action.VIEW, ("protect.person", str(i)), system_label="test")
    call_command("verify_audit", stdout=StringIO())
    _drop_triggers()
    with connection.cursor() as c:
        if tamper == "alter":
            c.execute("UPDATE audit_auditentry SET purpose = 'nothing to see' WHERE seq = 3")
            expected = 3
        elif tamper == "delete_middle":
            c.execute("DELETE FROM audit_auditentry WHERE seq = 3")
            expected = 4
        elif tamper == "reorder":
            c.execute("UPDATE audit_auditentry SET seq = -1 WHERE seq = 3")
            c.execute("UPDATE audit_auditentry SET seq = 3 WHERE seq = 4")
            c.execute("UPDATE audit_auditentry SET seq = 4 WHERE seq = -1")
            expected = 3
        else:
            c.execute("DELETE FROM audit_auditentry WHERE seq = 6")
            expected = 6
    with pytest.raises(CommandError, match=f"broken at entry {expected}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_every_person_write_and_read_is_audited(org, make_member, make_person) -> None:
    from threefold.protect import access

    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    access.open_person(caseworker, person.reference, purpose="case work")
    entries = AuditEntry.objects.filter(object_type="protect.person", object_id=str(person.pk))
    assert [e.action for e in entries] == [Action.CREATE, Action.VIEW]
    assert all(e.actor_id == caseworker.user.pk and e.organisation_id == org.pk for e in entries)
    assert entries[1].purpose == "case work"
    # Identifying values never reach the (unencrypted) audit table.
    assert not AuditEntry.objects.filter(details__icontains="Olga").exists()
    assert not AuditEntry.objects.filter(purpose__icontains="Petrova").exists()
    assert verify_stored_chain().ok
