"""Record linkage between organisations (threefold/insight/linkage_*.py): encoding sets made from the people who
consented to statistics, sealed at rest with their position -> person mapping, expiring and purged; the secret
never kept; exports and imports checked (a wrong secret, a tampered or expired file is refused and nothing is
kept); runs between two or three sets counting people by the lists they are on, a transliterated and a reordered
name included; an estimate of the hidden number from a run; every read and write audited without names.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation, OrganisationType
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Consent, Method, Purpose
from threefold.insight import linkage_access, linkage_services, linkage_tasks
from threefold.insight.core.mse_input import read_rows
from threefold.insight.core.pprl import (
    DateOfBirth,
    EncodingFileError,
    LinkageKey,
    read_encodings,
    write_encodings,
)
from threefold.insight.linkage_records import SCHEMA, record_of
from threefold.insight.models import (
    ENCODING_DATA_CONTEXT,
    EncodingSet,
    EncodingSource,
    Estimate,
    EstimateStatus,
    LinkageRun,
)
from threefold.protect import services as protect_services
from threefold.protect import subject_data
from threefold.protect.identity import Identity
from threefold.protect.models import Person
from threefold.vault import sealed

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
DOB = dt.date

# Organisation A's people and organisation B's. Two are the same people: Olga Petrova, written in Cyrillic by A
# and in Latin by B, and Nguyen Thi Lan, whose family name B recorded first. The others are strangers.
A_PEOPLE = [
    Identity("Ольга", "Петрова", date_of_birth=DOB(1990, 4, 2), gender="Feminine"),
    Identity("Thi Lan", "Nguyen", date_of_birth=DOB(1999, 7, 21), gender="Feminine"),
    Identity("Amina", "Diallo", date_of_birth=DOB(1987, 1, 15), gender="Feminine"),
    Identity("Mihai", "Ionescu", date_of_birth=DOB(1979, 11, 3), gender="Masculine"),
]
B_PEOPLE = [
    Identity("Olga", "Petrova", date_of_birth=DOB(1990, 4, 2), gender="Feminine"),
    Identity("Nguyen", "Thi Lan", date_of_birth=DOB(1999, 7, 21), gender="Feminine"),
    Identity("Carmen", "Ruiz Ortega", date_of_birth=DOB(2001, 6, 9), gender="Feminine"),
]


@pytest.fixture
def third_org(db: None) -> Organisation:
    return Organisation.objects.create(name="Third NGO", type=OrganisationType.NGO, country="GB")


Run = Callable[..., Any]


def people(
    org: Organisation, make_member: MakeMember, identities: list[Identity], *, consent: bool = True
) -> list[Person]:
    """The organisation's people, recorded by a caseworker, with a statistics consent unless told otherwise."""
    caseworker = make_member(org, Role.CASEWORKER)
    out = []
    for identity in identities:
        person = protect_services.create_person(caseworker, identity)
        if consent:
            consent_services.record_consent(
                caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
            )
        out.append(person)
    return out


def make(actor: Actor, run: Run, label: str = "Our people", secret: bytes = SECRET) -> EncodingSet:
    with run(execute=True):
        made = linkage_services.make_encodings(actor, label=label, secret=secret)
    made.refresh_from_db()
    return made


def linked(actor: Actor, run: Run, sets: list[EncodingSet], threshold: float = 0.75) -> LinkageRun:
    with run(execute=True):
        started = linkage_services.start_run(actor, name="Run", sets=sets, threshold=threshold)
    started.refresh_from_db()
    return started


def histories(run: LinkageRun) -> dict[tuple[int, ...], int]:
    assert run.result is not None
    return {tuple(row[:-1]): row[-1] for row in run.result["histories"]}


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


@pytest.fixture
def other_analyst(other_org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(other_org, Role.ANALYST)


# --- the secret ---------------------------------------------------------------------------------------------------


def test_a_new_secret_is_32_random_bytes_and_both_spellings_are_read() -> None:
    made = linkage_services.new_secret()
    assert len(made) == 43
    assert made != linkage_services.new_secret()
    assert len(linkage_services.parse_secret(made)) == 32
    assert linkage_services.parse_secret(SECRET.hex()) == SECRET
    assert linkage_services.parse_secret(" " + SECRET.hex()[:30] + "\n" + SECRET.hex()[30:]) == SECRET
    assert linkage_services.parse_secret(base64.urlsafe_b64encode(SECRET).decode()) == SECRET  # padded too


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste the linkage secret"),
        ("abc", "too short"),
        ("not a secret!", "characters"),
        ("ab" * 10, "too short"),
    ],
)
def test_a_secret_that_cannot_be_one_is_refused(text: str, message: str) -> None:
    with pytest.raises(linkage_services.SecretError, match=message):
        linkage_services.parse_secret(text)


def test_the_record_of_an_identity() -> None:
    record = record_of(
        Identity("Ольга", "Петрова", gender="Feminine", estimated_age=30, age_estimated_on=DOB(2026, 5, 1))
    )
    assert record["given_names"] == "Ольга"
    assert record["sex"] == "f"
    date = record["date_of_birth"]
    assert isinstance(date, DateOfBirth)
    assert date.year == 1996
    assert date.estimated
    assert record_of(Identity("A", gender="NonConforming"))["sex"] is None
    assert set(record_of(Identity("A"))) <= SCHEMA.record_keys


# --- making a set ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_people_with_statistics_consent_in_force_are_encoded(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    consenting = people(org, make_member, A_PEOPLE[:2])
    refused = people(org, make_member, A_PEOPLE[2:3], consent=False)
    withdrawn = people(org, make_member, A_PEOPLE[3:4])
    consent_services.withdraw(_caseworker_of(withdrawn[0]), Consent.objects.get(person=withdrawn[0]))
    made = make(analyst, django_capture_on_commit_callbacks)
    assert (made.status, made.record_count, made.left_out) == (EstimateStatus.DONE, 2, 2)
    assert made.pending_secret is None  # the secret is gone from the database once the worker has it
    assert linkage_access.ineligible_positions(org.pk, json.loads(_open(made, "mapping"))) == []
    assert json.loads(_open(made, "mapping")) == [p.pk for p in consenting]
    assert refused[0].pk not in json.loads(_open(made, "mapping"))
    assert made.expires_at - made.created_at >= dt.timedelta(days=29)


def _caseworker_of(person: Person) -> Actor:
    from threefold.accounts.models import Membership

    user = person.assigned_to.first()
    assert user is not None
    return Actor(user, Membership.objects.get(user=user, organisation_id=person.organisation_id))


def _open(found: EncodingSet, field: str) -> bytes:
    from threefold.insight.models import ENCODING_MAPPING_CONTEXT

    blob = EncodingSet.objects.values_list(field, flat=True).get(pk=found.pk)
    context = ENCODING_DATA_CONTEXT if field == "data" else ENCODING_MAPPING_CONTEXT
    return sealed.unseal(
        bytes(blob),
        organisation_id=found.organisation_id,
        context=sealed.row_context(context, found.reference),
    )


@pytest.mark.django_db
def test_erased_people_are_not_encoded(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    kept, erased = people(org, make_member, A_PEOPLE[:2])
    subject_data.erase_person(
        None,
        erased,
        "The person asked to be erased entirely.",
        category="survivor_request",
        system_label="system:test",
    )
    made = make(analyst, django_capture_on_commit_callbacks)
    assert (made.record_count, made.left_out) == (1, 0)
    assert json.loads(_open(made, "mapping")) == [kept.pk]


@pytest.mark.django_db
def test_a_copy_of_a_persons_data_lists_their_encodings_and_erasure_deletes_the_sets(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    first, second = people(org, make_member, A_PEOPLE[:2])
    made = make(analyst, django_capture_on_commit_callbacks)
    linkage_access.export_file(analyst, made)
    supervisor, other = make_member(org, Role.SUPERVISOR), make_member(org, Role.SUPERVISOR)
    for person in (first, second):
        protect_services.assign(other, person, supervisor.user)  # a copy is a reading: assigned only
    copy = subject_data.export_person(supervisor, first)
    (section,) = [s for s in copy["sections"] if s["key"] == "linkage_encodings"]
    (entry,) = section["data"]
    assert (entry["set"], len(entry["exported_to_another_party_on"])) == (made.reference, 1)
    subject_data.erase_person(
        None, first, "The person asked to be erased entirely.", category="survivor_request", system_label="t"
    )
    # The set encoded her: it cannot be rewritten without the secret, so it is gone, and the other's with it.
    assert not EncodingSet.objects.filter(pk=made.pk).exists()
    assert subject_data.export_person(supervisor, second) is not None


@pytest.mark.django_db
def test_nobody_with_consent_fails_the_set_and_keeps_nothing(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:2], consent=False)
    made = make(analyst, django_capture_on_commit_callbacks)
    assert (made.status, made.error, made.left_out) == (EstimateStatus.FAILED, linkage_tasks.NOBODY, 2)
    assert made.data is None
    assert made.mapping is None
    assert made.pending_secret is None


@pytest.mark.django_db
def test_encodings_are_sealed_at_rest_and_the_secret_is_kept_nowhere(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    persons = people(org, make_member, A_PEOPLE)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = linkage_services.make_encodings(analyst, label="Our people", secret=SECRET)
    waiting.refresh_from_db()
    assert waiting.pending_secret is not None
    assert SECRET not in bytes(waiting.pending_secret)
    for callback in queued:
        callback()
    made = EncodingSet.objects.get(pk=waiting.pk)
    assert made.data is not None
    assert made.mapping is not None
    stored = bytes(made.data)
    plain = _open(made, "data")
    assert plain.startswith(b"TF-PPRL\n")
    assert stored != plain
    assert plain[:64] not in stored
    assert plain[-64:] not in stored
    read = read_encodings(plain, SCHEMA, LinkageKey(SECRET))
    assert len(read.encodings) == len(persons)
    assert read.file_id == made.file_id
    mapping = bytes(made.mapping)
    assert json.dumps([p.pk for p in persons]).encode() not in mapping
    assert made.key_check == LinkageKey(SECRET).key_check
    assert SECRET.hex() not in made.key_check
    # The secret is in no column of the row nor in any audit entry.
    row = EncodingSet.objects.filter(pk=made.pk).values().get()
    for value in row.values():
        raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert SECRET not in raw
        assert SECRET.hex().encode() not in raw
    for entry in AuditEntry.objects.all():
        text = json.dumps(entry.details) + entry.purpose + entry.object_id
        assert SECRET.hex() not in text
        assert "Our people" not in text
        assert "Петрова" not in text


@pytest.mark.django_db
def test_making_reading_and_exporting_are_audited_with_counts_only(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:3])
    before = AuditEntry.objects.count()
    made = make(analyst, django_capture_on_commit_callbacks)
    linkage_access.encoding_set(analyst, made.pk)
    linkage_access.export_file(analyst, made)
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    summary = [(e.action, e.actor_label, e.object_type) for e in entries]
    assert summary == [
        (Action.CREATE, analyst.user.email, "insight.encodingset"),
        (Action.UPDATE, "system:make_encodings", "insight.encodingset"),  # started: secret taken
        (Action.LIST, "system:make_encodings", "insight.encodingset"),  # people read: counts only
        (Action.UPDATE, "system:make_encodings", "insight.encodingset"),  # done
        (Action.VIEW, analyst.user.email, "insight.encodingset"),
        (Action.EXPORT, analyst.user.email, "insight.encodingset"),
    ]
    assert entries[2].details == {"people": 3, "left_out": 0, "unreadable": 0}
    assert entries[-1].details["records"] == 3


# --- reading, expiry, purge -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expired_set_is_hidden_refused_and_purged(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:2])
    made = make(analyst, django_capture_on_commit_callbacks)
    other = make(analyst, django_capture_on_commit_callbacks, label="Again")
    EncodingSet.objects.filter(pk=made.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    made.refresh_from_db()
    assert [s.pk for s in linkage_access.encoding_sets(analyst)] == [other.pk]
    assert [s.pk for s in linkage_access.usable_sets(analyst)] == [other.pk]
    with pytest.raises(Http404):
        linkage_access.encoding_set(analyst, made.pk)
    with pytest.raises(Http404):
        linkage_access.export_file(analyst, made)
    with pytest.raises(PermissionDenied):
        linkage_services.start_run(analyst, name="Run", sets=[made, other])
    out = io.StringIO()
    call_command("purge_expired_encodings", stdout=out)
    assert "1 expired encoding set(s) deleted." in out.getvalue()
    assert list(EncodingSet.objects.values_list("pk", flat=True)) == [other.pk]
    entry = AuditEntry.objects.filter(actor_label="system:purge_expired_encodings").get()
    assert (entry.action, entry.object_id, entry.purpose) == (Action.DELETE, str(made.pk), "expired")


@pytest.mark.django_db
def test_a_set_no_worker_started_has_its_secret_erased_by_the_purge(
    analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        waiting = linkage_services.make_encodings(analyst, label="Our people", secret=SECRET)
    purged = linkage_services.purge_expired(
        now=timezone.now() + linkage_services.STALE_AFTER + dt.timedelta(seconds=1)
    )
    assert (purged.deleted, purged.stale) == (0, 1)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error, waiting.pending_secret) == (EstimateStatus.FAILED, "stale", None)
    assert linkage_tasks.make_encodings.call(waiting.pk) == "gone"  # a late worker finds nothing to do


@pytest.mark.django_db
def test_another_organisation_cannot_reach_a_set(
    org: Organisation,
    make_member: MakeMember,
    analyst: Actor,
    other_analyst: Actor,
    django_capture_on_commit_callbacks: Run,
) -> None:
    people(org, make_member, A_PEOPLE[:2])
    made = make(analyst, django_capture_on_commit_callbacks)
    assert linkage_access.encoding_sets(other_analyst) == []
    for read in (linkage_access.encoding_set, linkage_access.find_encoding_set):
        with pytest.raises(Http404):
            read(other_analyst, made.pk)
    with pytest.raises(Http404):
        linkage_access.export_file(other_analyst, made)
    with pytest.raises(PermissionDenied):
        linkage_access.encoding_sets(make_member(org, Role.SUPERVISOR))


@pytest.mark.django_db
def test_a_set_is_not_exported_once_someone_in_it_withdrew_consent(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    persons = people(org, make_member, A_PEOPLE[:3])
    made = make(analyst, django_capture_on_commit_callbacks)
    consent_services.withdraw(_caseworker_of(persons[1]), Consent.objects.get(person=persons[1]))
    with pytest.raises(linkage_access.StaleSetError) as stale:
        linkage_access.export_file(analyst, made)
    assert stale.value.count == 1
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


# --- import ----------------------------------------------------------------------------------------------------------


def _their_file(other_org: Organisation, make_member: MakeMember, run: Run, secret: bytes = SECRET) -> bytes:
    people(other_org, make_member, B_PEOPLE)
    made = make(make_member(other_org, Role.ANALYST), run, label="Their people", secret=secret)
    return _open(made, "data")


@pytest.mark.django_db
def test_an_import_checked_with_the_shared_secret_is_kept_sealed(
    other_org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    data = _their_file(other_org, make_member, django_capture_on_commit_callbacks)
    found = linkage_services.import_encodings(analyst, label="From them", data=data, secret=SECRET)
    assert (found.source, found.record_count, found.status) == (
        EncodingSource.IMPORTED,
        3,
        EstimateStatus.DONE,
    )
    assert found.fingerprint == SCHEMA.fingerprint(LinkageKey(SECRET))
    assert found.mapping is None
    assert bytes(EncodingSet.objects.get(pk=found.pk).data or b"") != data
    assert _open(found, "data") == data
    entry = AuditEntry.objects.filter(object_type="insight.encodingset", object_id=str(found.pk)).get()
    assert entry.details == {
        "source": "imported",
        "records": 3,
        "file_id": found.file_id,
        "reference": found.reference,  # the set's, never a person's
    }
    # An imported set is another organisation's: it is never exported again.
    with pytest.raises(Http404):
        linkage_access.export_file(analyst, found)
    with pytest.raises(linkage_services.DuplicateFileError) as again:
        linkage_services.import_encodings(analyst, label="From them again", data=data, secret=SECRET)
    assert not again.value.made_here


def _refusal(actor: Actor, data: bytes, secret: bytes = SECRET) -> str:
    count = EncodingSet.objects.filter(organisation_id=actor.org_id).count()
    with pytest.raises(EncodingFileError) as refused:
        linkage_services.import_encodings(actor, label="From them", data=data, secret=secret)
    assert EncodingSet.objects.filter(organisation_id=actor.org_id).count() == count  # nothing kept
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.details["refused"] == refused.value.reason
    return refused.value.reason


@pytest.mark.django_db
def test_a_wrong_secret_a_tampered_or_an_expired_file_is_refused_and_nothing_is_kept(
    other_org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    data = _their_file(other_org, make_member, django_capture_on_commit_callbacks)
    assert _refusal(analyst, data, OTHER_SECRET) == "key"
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 0x01
    assert _refusal(analyst, bytes(tampered)) == "tampered"
    assert _refusal(analyst, data[: len(data) // 2]) == "truncated"
    assert _refusal(analyst, b"name,count\n") == "format"
    key = LinkageKey(SECRET)
    old = read_encodings(data, SCHEMA, key).encodings
    expired = write_encodings(
        old,
        SCHEMA,
        key,
        created=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
        valid_for=dt.timedelta(days=2),
    )
    assert _refusal(analyst, expired) == "expired"
    assert not EncodingSet.objects.filter(organisation_id=analyst.org_id).exists()


@pytest.mark.django_db
def test_importing_ones_own_file_is_refused(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:2])
    made = make(analyst, django_capture_on_commit_callbacks)
    with pytest.raises(linkage_services.DuplicateFileError) as own:
        linkage_services.import_encodings(
            analyst, label="Ours again", data=_open(made, "data"), secret=SECRET
        )
    assert own.value.made_here


# --- runs -------------------------------------------------------------------------------------------------------------


@pytest.fixture
def two_sides(
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    analyst: Actor,
    other_analyst: Actor,
    django_capture_on_commit_callbacks: Run,
) -> tuple[EncodingSet, EncodingSet]:
    """B's analyst holds B's own set and A's set imported, both made with the secret they share."""
    run = django_capture_on_commit_callbacks
    people(org, make_member, A_PEOPLE)
    people(other_org, make_member, B_PEOPLE)
    theirs = make(analyst, run, label="Safe Harbour")
    data = linkage_access.export_file(analyst, theirs)
    own = make(other_analyst, run, label="Casa")
    imported = linkage_services.import_encodings(
        other_analyst, label="Safe Harbour", data=data, secret=SECRET
    )
    return own, imported


@pytest.mark.django_db
def test_a_run_between_two_organisations_finds_the_transliterated_and_the_reordered_name(
    other_analyst: Actor, two_sides: tuple[EncodingSet, EncodingSet], django_capture_on_commit_callbacks: Run
) -> None:
    own, imported = two_sides
    run = linked(other_analyst, django_capture_on_commit_callbacks, [own, imported])
    assert run.status == EstimateStatus.DONE, run.error
    assert histories(run) == {(1, 1): 2, (1, 0): 1, (0, 1): 2}
    assert run.result is not None
    assert run.result["records"] == [3, 4]
    assert run.result["method"] == "one_to_one"
    assert run.result["dropped"] == [0, 0]
    assert set(run.result) == {
        "records",
        "threshold",
        "method",
        "linked",
        "clusters_cut",
        "unsplittable",
        "histories",
        "people",
        "compared",
        "above_threshold",
        "lsh_skipped_buckets",
        "dropped",
    }  # counts only: no position, no pair
    reads = AuditEntry.objects.filter(actor_label="system:linkage_run", action=Action.VIEW)
    assert sorted(int(e.object_id) for e in reads) == sorted([own.pk, imported.pk])


@pytest.mark.django_db
def test_a_strict_threshold_finds_only_exact_agreement(
    other_analyst: Actor, two_sides: tuple[EncodingSet, EncodingSet], django_capture_on_commit_callbacks: Run
) -> None:
    run = linked(other_analyst, django_capture_on_commit_callbacks, list(two_sides), threshold=1.0)
    assert histories(run)[(1, 1)] == 2  # transliteration and name order change no element at all


@pytest.mark.django_db
def test_people_no_longer_consenting_are_left_out_of_a_run(
    other_org: Organisation,
    other_analyst: Actor,
    two_sides: tuple[EncodingSet, EncodingSet],
    django_capture_on_commit_callbacks: Run,
) -> None:
    own, imported = two_sides
    olga = Person.objects.filter(organisation=other_org).order_by("pk").first()
    assert olga is not None
    consent_services.withdraw(_caseworker_of(olga), Consent.objects.get(person=olga))
    run = linked(other_analyst, django_capture_on_commit_callbacks, [own, imported])
    assert histories(run) == {(1, 1): 1, (1, 0): 1, (0, 1): 3}
    assert run.result is not None
    assert run.result["dropped"] == [1, 0]


@pytest.mark.django_db
def test_three_lists_are_clustered(
    third_org: Organisation,
    make_member: MakeMember,
    other_analyst: Actor,
    two_sides: tuple[EncodingSet, EncodingSet],
    django_capture_on_commit_callbacks: Run,
) -> None:
    run_ = django_capture_on_commit_callbacks
    people(
        third_org,
        make_member,
        [A_PEOPLE[0], B_PEOPLE[2], Identity("Li", "Wei", date_of_birth=DOB(1993, 2, 2))],
    )
    third = make(make_member(third_org, Role.ANALYST), run_, label="Inspectorate")
    data = linkage_access.export_file(make_member(third_org, Role.ANALYST), third)
    imported = linkage_services.import_encodings(
        other_analyst, label="Inspectorate", data=data, secret=SECRET
    )
    run = linked(other_analyst, run_, [*two_sides, imported])
    assert run.result is not None
    assert run.result["method"] == "clusters"
    assert histories(run) == {
        (1, 1, 1): 1,  # Olga Petrova: on all three
        (1, 1, 0): 1,  # Nguyen Thi Lan
        (1, 0, 1): 1,  # Carmen Ruiz Ortega: Casa and the inspectorate
        (0, 1, 1): 0,
        (1, 0, 0): 0,
        (0, 1, 0): 2,
        (0, 0, 1): 1,
    }


@pytest.mark.django_db
def test_sets_made_with_different_secrets_cannot_be_compared(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:2])
    first = make(analyst, django_capture_on_commit_callbacks, label="One")
    second = make(analyst, django_capture_on_commit_callbacks, label="Two", secret=OTHER_SECRET)
    with pytest.raises(linkage_services.IncompatibleSetsError) as refused:
        linkage_services.start_run(analyst, name="Run", sets=[first, second])
    assert refused.value.groups == [["One"], ["Two"]]
    assert not LinkageRun.objects.exists()


@pytest.mark.django_db
def test_a_run_whose_set_expired_before_it_started_fails_plainly(
    other_analyst: Actor, two_sides: tuple[EncodingSet, EncodingSet], django_capture_on_commit_callbacks: Run
) -> None:
    own, imported = two_sides
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = linkage_services.start_run(other_analyst, name="Run", sets=[own, imported])
    EncodingSet.objects.filter(pk=imported.pk).update(expires_at=timezone.now())
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert (run.status, run.error, run.result) == (EstimateStatus.FAILED, linkage_tasks.SET_GONE, None)


@pytest.mark.django_db
def test_an_estimate_from_a_run_gets_the_overlap_table(
    other_analyst: Actor, two_sides: tuple[EncodingSet, EncodingSet], django_capture_on_commit_callbacks: Run
) -> None:
    run = linked(other_analyst, django_capture_on_commit_callbacks, list(two_sides))
    rows = linkage_services.overlap_rows(run)
    assert rows[0] == ["Casa", "Safe Harbour", "count"]
    assert read_rows(list(enumerate(rows, 1)), "t").observed == 5
    with django_capture_on_commit_callbacks(execute=False):
        made = linkage_services.estimate_from_run(other_analyst, run)
    assert made.lists == ["Casa", "Safe Harbour"]
    assert sorted(map(tuple, made.table)) == [(0, 1, 2), (1, 0, 1), (1, 1, 2)]
    assert Estimate.objects.filter(organisation_id=other_analyst.org_id).count() == 1


@pytest.mark.django_db
def test_the_overlap_of_a_run_is_pure_arithmetic() -> None:
    key = LinkageKey(SECRET)
    from threefold.insight.core.pprl import Encoder

    encoder = Encoder(SCHEMA, key)
    a = encoder.encode_many([record_of(i) for i in A_PEOPLE])
    b = encoder.encode_many([record_of(i) for i in B_PEOPLE])
    result = linkage_tasks.overlap([a, b], ["A", "B"], 0.75)
    assert result["histories"] == [[0, 1, 1], [1, 0, 2], [1, 1, 2]]
    assert result["people"] == 5


@pytest.mark.django_db
def test_people_merged_into_another_record_are_not_encoded_and_leave_a_run(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    kept, merged, later = people(org, make_member, A_PEOPLE[:3])
    Person.objects.filter(pk=merged.pk).update(merged_into=kept)  # what a merge of duplicates leaves behind
    made = make(analyst, django_capture_on_commit_callbacks)
    assert (made.record_count, made.left_out) == (2, 0)
    assert json.loads(_open(made, "mapping")) == [kept.pk, later.pk]
    Person.objects.filter(pk=later.pk).update(merged_into=kept)
    assert linkage_access.ineligible_positions(org.pk, [kept.pk, later.pk]) == [1]


@pytest.mark.django_db
def test_key_rotation_reseals_a_set_which_still_reads(
    org: Organisation, make_member: MakeMember, analyst: Actor, django_capture_on_commit_callbacks: Run
) -> None:
    people(org, make_member, A_PEOPLE[:2])
    made = make(analyst, django_capture_on_commit_callbacks)
    before = bytes(EncodingSet.objects.values_list("data", flat=True).get(pk=made.pk) or b"")
    plain = _open(made, "data")
    sealed.rotate_organisation(org.pk)
    assert bytes(EncodingSet.objects.values_list("data", flat=True).get(pk=made.pk) or b"") != before
    assert _open(made, "data") == plain
    assert json.loads(_open(made, "mapping"))
    assert linkage_access.export_file(analyst, made) == plain
