"""Per-person keys (ADR 0015): sealing under a subject's key, rotation, master re-wrap, shredding, re-sealing."""

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


def _key_of(blob: bytes) -> DataKey:
    return DataKey.objects.get(pk=sealed.key_id(blob))


def test_a_subject_value_round_trips_under_that_subjects_key(org) -> None:
    blob = sealed.seal_json({"note": "Olga"}, organisation_id=org.pk, context="t.c", subject="P-AAAA2222")
    # Opening needs no subject: the key id travels with the value.
    assert sealed.unseal_json(blob, organisation_id=org.pk, context="t.c") == {"note": "Olga"}
    key = _key_of(blob)
    assert (key.organisation_id, key.purpose, key.subject, key.version) == (
        org.pk,
        KeyPurpose.SUBJECT,
        "P-AAAA2222",
        1,
    )
    again = sealed.seal_json({"note": "x"}, organisation_id=org.pk, context="t.c", subject="P-AAAA2222")
    assert _key_of(again).pk == key.pk  # created on first use, then reused
    other = sealed.seal_json({"note": "x"}, organisation_id=org.pk, context="t.c", subject="P-BBBB3333")
    plain = sealed.seal_json({"note": "x"}, organisation_id=org.pk, context="t.c")
    assert len({key.pk, _key_of(other).pk, _key_of(plain).pk}) == 3


def test_a_subject_value_is_still_bound_to_its_organisation_and_context(org, other_org) -> None:
    blob = sealed.seal(b"Olga", organisation_id=org.pk, context="t.c", subject="P-AAAA2222")
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal(blob, organisation_id=other_org.pk, context="t.c")
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal(blob, organisation_id=org.pk, context="t.other")


def test_a_subjects_wrapped_key_cannot_stand_in_for_anothers(org) -> None:
    first = keyring.active_key(org.pk, KeyPurpose.SUBJECT, "P-AAAA2222")
    second = keyring.active_key(org.pk, KeyPurpose.SUBJECT, "P-BBBB3333")
    second.wrapped = first.wrapped
    with pytest.raises(crypto.DecryptionError):
        keyring.unwrap(second)


def test_a_subject_goes_with_the_subject_purpose_only(org) -> None:
    with pytest.raises(ValueError, match="subject"):
        keyring.active_key(org.pk, KeyPurpose.SUBJECT)
    with pytest.raises(ValueError, match="subject"):
        keyring.active_key(org.pk, KeyPurpose.DATA, "P-AAAA2222")


def test_a_persons_identity_is_sealed_under_their_own_key(org, make_member, make_person) -> None:
    person = make_person(make_member(org, Role.CASEWORKER))
    key = _key_of(bytes(person.identity))
    assert (key.purpose, key.subject) == (KeyPurpose.SUBJECT, person.reference)


def test_rotation_keeps_subject_values_under_new_keys_of_the_same_subjects(
    org, make_member, make_person
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    anna, maria = make_person(caseworker, given="Anna"), make_person(caseworker, given="Maria")
    shared = sealed.seal(b"organisation note", organisation_id=org.pk, context="t.c")

    call_command("rotate_keys", stdout=StringIO())

    for person in Person.objects.filter(pk__in=[anna.pk, maria.pk]):
        key = _key_of(bytes(person.identity))
        assert (key.purpose, key.subject, key.version, key.retired_at) == (
            KeyPurpose.SUBJECT,
            person.reference,
            2,
            None,
        )
    retired = DataKey.objects.filter(purpose=KeyPurpose.SUBJECT, version=1)
    assert retired.count() == 2
    assert all(key.retired_at is not None for key in retired)
    assert sorted(o.identity.given_names for o in access.my_persons(caseworker)) == ["Anna", "Maria"]
    # A value under the organisation key stays on organisation keys (the retired one still opens it).
    assert sealed.unseal(shared, organisation_id=org.pk, context="t.c") == b"organisation note"


def test_destroying_retired_keys_does_not_mark_anyone_as_erased(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    call_command("rotate_keys", stdout=StringIO())
    call_command("rotate_keys", "--destroy-retired", stdout=StringIO())
    assert not keyring.is_shredded(person.reference)
    sealed.seal(b"still possible", organisation_id=org.pk, context="t.c", subject=person.reference)
    assert access.my_persons(caseworker)[0].identity.full_name == "Olga Petrova"


def test_rotation_leaves_shredded_values_alone(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    gone, kept = make_person(caseworker, given="Anna"), make_person(caseworker, given="Maria")
    gone_blob = bytes(gone.identity)
    sealed.shred_subject(org.pk, gone.reference)

    call_command("rotate_keys", stdout=StringIO())

    assert bytes(Person.objects.get(pk=gone.pk).identity) == gone_blob
    kept.refresh_from_db()
    assert _key_of(bytes(kept.identity)).version == 2
    opened = sealed.unseal_json(bytes(kept.identity), organisation_id=org.pk, context=identity_context(kept))
    assert opened["given_names"] == "Maria"


def test_a_new_master_key_rewraps_subject_keys_too(org, make_member, make_person, tmp_path: Path) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    subject_key = _key_of(bytes(person.identity))
    before = bytes(subject_key.wrapped)
    new_master = b"M" * 32
    key_file = tmp_path / "new.key"
    key_file.write_text(base64.b64encode(new_master).decode())

    call_command("rotate_keys", "--new-master-key-file", str(key_file), stdout=StringIO())

    subject_key.refresh_from_db()
    assert bytes(subject_key.wrapped) != before
    with override_settings(THREEFOLD_MASTER_KEY=new_master):
        assert access.my_persons(caseworker)[0].identity.full_name == "Olga Petrova"


def test_shredding_a_subject_makes_their_values_unreadable_and_nobody_elses(
    org, make_member, make_person
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    gone, kept = make_person(caseworker, given="Anna"), make_person(caseworker, given="Maria")
    note = sealed.seal(b"about Anna", organisation_id=org.pk, context="t.c", subject=gone.reference)

    assert sealed.shred_subject(org.pk, gone.reference) == 1

    with pytest.raises(keyring.SubjectErased, match=f"{gone.reference} was erased"):
        sealed.unseal(note, organisation_id=org.pk, context="t.c")
    with pytest.raises(keyring.SubjectErased):
        sealed.unseal(bytes(gone.identity), organisation_id=org.pk, context=identity_context(gone))
    assert all(bytes(k.wrapped) == b"" for k in DataKey.objects.filter(subject=gone.reference))
    assert (
        sealed.unseal_json(bytes(kept.identity), organisation_id=org.pk, context=identity_context(kept))[
            "given_names"
        ]
        == "Maria"
    )
    # Nothing new can be sealed for an erased person: a fresh key would quietly start a new file on them.
    with pytest.raises(keyring.SubjectErased):
        sealed.seal(b"again", organisation_id=org.pk, context="t.c", subject=gone.reference)


def test_shredding_a_subject_without_a_key_still_marks_them_erased(org) -> None:
    assert sealed.shred_subject(org.pk, "P-CCCC4444") == 0
    assert keyring.is_shredded("P-CCCC4444")
    with pytest.raises(keyring.SubjectErased):
        sealed.seal(b"x", organisation_id=org.pk, context="t.c", subject="P-CCCC4444")


def _seal_under_organisation_key(person: Person) -> None:
    """What an identity sealed before per-person keys looks like."""
    plain = sealed.unseal(
        bytes(person.identity), organisation_id=person.organisation_id, context=identity_context(person)
    )
    blob = sealed.seal(plain, organisation_id=person.organisation_id, context=identity_context(person))
    Person.objects.filter(pk=person.pk).update(identity=blob)


def test_reseal_subjects_moves_old_values_onto_subject_keys_once(org, make_member, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    people = [make_person(caseworker, given=f"Name{i}") for i in range(3)]
    for person in people:
        _seal_under_organisation_key(person)
    assert {_key_of(bytes(p.identity)).purpose for p in Person.objects.all()} == {KeyPurpose.DATA}
    # Mixed data after an upgrade opens as before.
    assert len(access.my_persons(caseworker)) == 3

    out = StringIO()
    call_command("reseal_subjects", stdout=out)
    assert "3 values re-sealed" in out.getvalue()

    for person in Person.objects.all():
        key = _key_of(bytes(person.identity))
        assert (key.purpose, key.subject) == (KeyPurpose.SUBJECT, person.reference)
    assert sorted(o.identity.given_names for o in access.my_persons(caseworker)) == [
        "Name0",
        "Name1",
        "Name2",
    ]
    out = StringIO()
    call_command("reseal_subjects", stdout=out)
    assert "0 values re-sealed" in out.getvalue()


def test_every_column_about_a_person_is_linked_to_its_subject() -> None:
    linked = {(link.column.model._meta.label_lower, link.column.field) for link in sealed.SUBJECT_LINKS}
    assert {
        ("protect.person", "identity"),
        ("protect.case", "context"),
        ("protect.caseevent", "text"),
        ("consent.consentoverride", "reason"),
        ("identify.screening", "record"),
        ("identify.screening", "review_note"),
    } <= linked
