"""Vault with Django: sealing per organisation, rotation without data loss, master re-wrap, crypto-shredding."""

from __future__ import annotations

import base64
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from threefold.accounts.roles import Role
from threefold.protect import access
from threefold.protect.models import Person, identity_context
from threefold.vault import crypto, keyring, sealed
from threefold.vault.models import DataKey, KeyPurpose

pytestmark = pytest.mark.django_db


def test_sealed_value_is_bound_to_its_organisation(org, other_org) -> None:
    blob = sealed.seal(b"Olga", organisation_id=org.pk, context="t.c")
    assert sealed.unseal(blob, organisation_id=org.pk, context="t.c") == b"Olga"
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal(blob, organisation_id=other_org.pk, context="t.c")
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal(blob, organisation_id=org.pk, context="another.column")


def test_each_organisation_has_its_own_key(org, other_org) -> None:
    a = keyring.active_key(org.pk, KeyPurpose.DATA)
    b = keyring.active_key(other_org.pk, KeyPurpose.DATA)
    assert a.pk != b.pk
    assert keyring.unwrap(a) != keyring.unwrap(b)
    assert b"Olga" not in bytes(a.wrapped)


def test_no_master_key_gives_a_clear_error(org) -> None:
    with (
        override_settings(THREEFOLD_MASTER_KEY=None),
        pytest.raises(keyring.VaultUnavailable, match="MASTER_KEY"),
    ):
        sealed.seal(b"x", organisation_id=org.pk, context="t.c")


def test_rotation_reencrypts_everything_and_loses_nothing(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    people = [make_person(caseworker, given=f"Name{i}") for i in range(5)]
    old_key = keyring.active_key(org.pk, KeyPurpose.DATA)

    call_command("rotate_keys", stdout=StringIO())

    new_key = keyring.active_key(org.pk, KeyPurpose.DATA)
    assert new_key.version == old_key.version + 1
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        key = DataKey.objects.get(pk=int.from_bytes(bytes(person.identity)[:8], "big"))
        # Identities are sealed under each person's own key: rotation gives them a new key of the same person,
        # never the organisation key, or erasing the person could no longer shred them (ADR 0015).
        assert (key.purpose, key.subject, key.version, key.retired_at) == (
            KeyPurpose.SUBJECT,
            person.reference,
            2,
            None,
        )
    names = sorted(o.identity.given_names for o in access.my_persons(caseworker))
    assert names == [f"Name{i}" for i in range(5)]


def test_destroying_retired_keys_after_rotation_keeps_current_data(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    make_person(caseworker)
    call_command("rotate_keys", stdout=StringIO())
    call_command("rotate_keys", "--destroy-retired", stdout=StringIO())
    assert DataKey.objects.filter(destroyed_at__isnull=False).count() == 1
    assert [o.identity.full_name for o in access.my_persons(caseworker)] == ["Olga Petrova"]


def test_crypto_shredding_makes_data_unrecoverable(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    for key in DataKey.objects.filter(organisation=org):
        keyring.destroy(key)
    person.refresh_from_db()
    with pytest.raises(keyring.KeyDestroyed):
        sealed.unseal(bytes(person.identity), organisation_id=org.pk, context=identity_context(person))
    # The wrapped key itself is gone from the database, not merely flagged.
    assert all(bytes(k.wrapped) == b"" for k in DataKey.objects.filter(organisation=org))


def test_new_master_key_rewraps_without_touching_data(org, make_member, make_person, tmp_path: Path) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    before = bytes(Person.objects.get(pk=person.pk).identity)
    new_master = b"N" * 32
    key_file = tmp_path / "new.key"
    key_file.write_text(base64.b64encode(new_master).decode())

    call_command("rotate_keys", "--new-master-key-file", str(key_file), stdout=StringIO())

    assert bytes(Person.objects.get(pk=person.pk).identity) == before
    with override_settings(THREEFOLD_MASTER_KEY=new_master):
        assert access.my_persons(caseworker)[0].identity.full_name == "Olga Petrova"
    # The old master key no longer opens the re-wrapped keys.
    keyring._unwrap_cached.cache_clear()
    with pytest.raises(crypto.DecryptionError):
        access.my_persons(caseworker)


def test_bad_new_master_key_file_is_refused_and_changes_nothing(
    org, make_member, make_person, tmp_path
) -> None:
    make_person(make_member(org, Role.CASEWORKER))
    wrapped = {k.pk: bytes(k.wrapped) for k in DataKey.objects.all()}
    bad = tmp_path / "bad.key"
    bad.write_text("not base64 at all!")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="base64"):
        call_command("rotate_keys", "--new-master-key-file", str(bad))
    assert {k.pk: bytes(k.wrapped) for k in DataKey.objects.all()} == wrapped


def test_a_sealed_identity_moved_to_another_person_does_not_open(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    first, second = make_person(caseworker, given="Anna"), make_person(caseworker, given="Maria")
    Person.objects.filter(pk=second.pk).update(identity=Person.objects.get(pk=first.pk).identity)
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal(bytes(second.identity), organisation_id=org.pk, context=identity_context(second))
