"""The de-duplication review (threefold/protect/duplicate_services.py, duplicate_access.py, duplicate_tasks.py):
scans, dismissing, merging as a link with an exact undo, merged records left out of lists and counts, and data
rights that follow the kept person to the records merged into them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Consent, ConsentOverride, Method, Purpose
from threefold.identify import catalogue
from threefold.identify import services as identify_services
from threefold.identify.models import ConsentMethod, Screening
from threefold.protect import (
    access,
    case_access,
    case_services,
    duplicate_access,
    duplicate_services,
    duplicate_tasks,
    subject_data,
)
from threefold.protect.dedupe import Band, Pair
from threefold.protect.demo_data import demo_people, demo_recorded_twice, demo_shared_people
from threefold.protect.duplicate_services import ConflictError, DuplicateError
from threefold.protect.duplicate_tasks import run_duplicate_scan
from threefold.protect.identity import Identity
from threefold.protect.models import (
    Case,
    DuplicatePair,
    DuplicateScan,
    ErasureCategory,
    PairStatus,
    Person,
    PersonMerge,
    ScanNote,
    ScanStatus,
)
from threefold.protect.services import create_person
from threefold.vault import sealed
from threefold.vault.models import DataKey, KeyPurpose

pytestmark = pytest.mark.django_db

# Three people recorded twice each (another script, names reordered, an age instead of a date), and four others.
SIMILAR = [
    Identity("Olena", "Kovalenko", date_of_birth=date(1990, 5, 14), gender="Feminine", citizenships=("UA",)),
    Identity("Олена", "Коваленко", date_of_birth=date(1990, 5, 14), gender="Feminine", citizenships=("UA",)),
    Identity("Amara", "Obiageli", date_of_birth=date(1987, 9, 2), gender="Feminine", citizenships=("NG",)),
    Identity("Obiageli", "Amara", date_of_birth=date(1987, 9, 2), gender="Feminine"),
    Identity("Grace", "Owusu-Mensah", date_of_birth=date(1991, 8, 23), citizenships=("GH",)),
    Identity(
        "Grace", "Owusu Mensah", estimated_age=33, age_estimated_on=date(2024, 6, 1), citizenships=("GH",)
    ),
    Identity("Maria", "Garcia", date_of_birth=date(1980, 2, 3)),
    Identity("Fatima", "Bello", date_of_birth=date(1975, 11, 30)),
    Identity("Thi Lan", "Nguyen", date_of_birth=date(1999, 4, 4)),
    Identity("Ion", "Popescu", date_of_birth=date(1985, 7, 7), gender="Masculine"),
]
REASON = "Referred by the outreach team"
ERASE_REASON = "She asked us in writing on her last visit to erase everything"


@pytest.fixture
def caseworker(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.CASEWORKER)


@pytest.fixture
def supervisor(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.SUPERVISOR)


def _scan(supervisor: Actor) -> DuplicateScan:
    scan = duplicate_services.start_scan(supervisor)
    assert run_duplicate_scan.call(scan.pk) in ("done", "failed")
    scan.refresh_from_db()
    return scan


def _pair(org: Organisation, a: Person, b: Person, probability: float = 0.97) -> DuplicatePair:
    first, second = sorted((a, b), key=lambda p: p.pk)
    return DuplicatePair.objects.create(
        organisation=org,
        person_a=first,
        person_b=second,
        probability=probability,
        band="likely" if probability >= 0.9 else "possible",
    )


def _versions(*persons: Person) -> dict[int, int]:
    return {p.pk: Person.objects.get(pk=p.pk).version for p in persons}


def _with_work(caseworker: Actor, supervisor: Actor, identity: Identity) -> Person:
    """A person with a case, a consent, a consent override and a screening kept with them."""
    person = create_person(caseworker, identity)
    case_services.open_case(caseworker, person, reason=REASON)
    consent_services.record_consent(
        caseworker, person, Purpose.SERVICES, Method.WRITTEN, timezone.now() - timedelta(days=1)
    )
    consent_services.require(
        supervisor, person, Purpose.STATISTICS, override_reason="Police asked for numbers"
    )
    entry = catalogue.shipped_entry("quick_youth_indicators")
    screening = identify_services.record_screening(
        caseworker, entry, setting="outreach", answers={"q_unsafe_work": "yes"}, language="en"
    )
    identify_services.attach_person(caseworker, screening, person, ConsentMethod.VERBAL)
    return person


# ---- scans -----------------------------------------------------------------------------------------------------


def test_a_scan_finds_the_people_recorded_twice_and_audits_one_read(
    org: Organisation, caseworker: Actor, supervisor: Actor
) -> None:
    persons = [create_person(caseworker, identity) for identity in SIMILAR]
    scan = _scan(supervisor)
    assert (scan.status, scan.note, scan.progress) == (ScanStatus.DONE, "", 100)
    assert (scan.records_scanned, scan.pairs_found) == (10, 3)
    found = {(p.person_a_id, p.person_b_id) for p in DuplicatePair.objects.filter(organisation=org)}
    assert found == {
        (persons[0].pk, persons[1].pk),
        (persons[2].pk, persons[3].pk),
        (persons[4].pk, persons[5].pk),
    }
    assert all(p.band == "likely" and p.probability > 0.9 for p in DuplicatePair.objects.all())
    reads = AuditEntry.objects.filter(action=Action.LIST, purpose="duplicate scan")
    (read,) = reads
    assert (read.actor_id, read.details["count"], read.details["scan"]) == (supervisor.user.pk, 10, scan.pk)
    text = str(list(AuditEntry.objects.values_list("details", "purpose")))
    assert not any(name in text for name in ("Olena", "Kovalenko", "Amara", "Grace", "Owusu"))


def test_a_scan_with_fewer_than_two_records_proposes_nothing(caseworker: Actor, supervisor: Actor) -> None:
    assert _scan(supervisor).note == ScanNote.FEWER_THAN_TWO
    create_person(caseworker, SIMILAR[0])
    scan = _scan(supervisor)
    assert (scan.status, scan.note, scan.records_scanned, scan.pairs_found) == (
        ScanStatus.DONE,
        ScanNote.FEWER_THAN_TWO,
        1,
        0,
    )


def test_the_demo_organisation_is_compared_although_it_is_small(caseworker: Actor, supervisor: Actor) -> None:
    """The demo shelter's twelve fictitious people share no date of birth: the model keeps its priors where it has
    nothing to learn from, and the scan completes."""
    for person in demo_people():
        if person.org_key == "shelter":
            create_person(caseworker, person.identity)
    scan = _scan(supervisor)
    assert scan.status == ScanStatus.DONE
    assert scan.records_scanned == 12
    assert scan.note == ""
    assert scan.pairs_found == DuplicatePair.objects.count()


def test_the_demo_shelters_second_records_are_proposed(caseworker: Actor, supervisor: Actor) -> None:
    """What a new user sees: the demo shelter's two people recorded twice (another spelling, a guessed date; the
    family name first, an estimated age) are put to the supervisor, and nobody else is."""
    first_records = {}
    for person in (*demo_people(), *demo_shared_people()):
        if person.org_key == "shelter":
            first_records[person.identity.full_name] = create_person(caseworker, person.identity)
    seconds = [create_person(caseworker, person.identity) for person in demo_recorded_twice()]
    scan = _scan(supervisor)
    proposed = {frozenset((pair.person_a_id, pair.person_b_id)) for pair in DuplicatePair.objects.all()}
    expected = {
        frozenset((seconds[0].pk, first_records["Наталья Ковальчук"].pk)),
        frozenset((seconds[1].pk, first_records["Ioana Popescu"].pk)),
    }
    assert (scan.pairs_found, proposed) == (2, expected)


def _failing(error: Exception) -> Any:
    def find_duplicates(*args: object, **kwargs: object) -> list[Pair]:
        raise error

    return find_duplicates


def test_an_unexpected_error_fails_the_scan_and_is_raised(
    caseworker: Actor, supervisor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for identity in SIMILAR[:3]:
        create_person(caseworker, identity)
    monkeypatch.setattr(duplicate_tasks, "find_duplicates", _failing(RuntimeError("disk full")))
    scan = duplicate_services.start_scan(supervisor)
    with pytest.raises(RuntimeError):
        run_duplicate_scan.call(scan.pk)
    scan.refresh_from_db()
    assert (scan.status, scan.note) == (ScanStatus.FAILED, ScanNote.UNEXPECTED)


def test_only_one_scan_runs_at_a_time_and_a_stale_one_stops_blocking(supervisor: Actor) -> None:
    first = DuplicateScan.objects.create(
        organisation_id=supervisor.org_id, started_by=supervisor.user, seed=1
    )
    with pytest.raises(DuplicateError):
        duplicate_services.start_scan(supervisor)
    DuplicateScan.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(hours=2))
    second = duplicate_services.start_scan(supervisor)
    first.refresh_from_db()
    assert (first.status, first.note) == (ScanStatus.FAILED, ScanNote.UNEXPECTED)
    assert second.status == ScanStatus.RUNNING


def test_a_scan_started_by_someone_who_lost_the_role_reads_nothing(supervisor: Actor) -> None:
    scan = duplicate_services.start_scan(supervisor)
    supervisor.membership.role = Role.CASEWORKER  # type: ignore[union-attr]
    supervisor.membership.save()  # type: ignore[union-attr]
    assert run_duplicate_scan.call(scan.pk) == "failed"
    scan.refresh_from_db()
    assert (scan.status, scan.note) == (ScanStatus.FAILED, ScanNote.STARTER_LEFT)
    assert not AuditEntry.objects.filter(purpose="duplicate scan", action=Action.LIST).exists()


def test_only_a_supervisor_scans(caseworker: Actor, make_member: MakeMember, org: Organisation) -> None:
    for actor in (caseworker, make_member(org, Role.ORG_ADMIN), make_member(org, Role.LEGAL_OFFICER)):
        with pytest.raises(PermissionDenied):
            duplicate_services.start_scan(actor)


def _finish(supervisor: Actor, pairs: list[tuple[Person, Person]]) -> DuplicateScan:
    scan = DuplicateScan.objects.create(organisation_id=supervisor.org_id, started_by=supervisor.user, seed=1)
    found = [Pair(str(a.pk), str(b.pk), 0.95, 5.0, Band.LIKELY) for a, b in pairs]
    assert duplicate_services.finish_scan(scan.pk, found, records=4)
    scan.refresh_from_db()
    return scan


def test_a_dismissed_pair_is_not_proposed_again_and_open_pairs_are_replaced(
    org: Organisation, caseworker: Actor, supervisor: Actor
) -> None:
    a, b, c, d = (create_person(caseworker, identity) for identity in SIMILAR[:4])
    _finish(supervisor, [(a, b), (c, d)])
    dismissed = DuplicatePair.objects.get(person_a=a, person_b=b)
    duplicate_services.dismiss(supervisor, dismissed)
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="protect.duplicatepair").latest("seq")
    assert entry.details["decision"] == "dismissed"
    old_open = DuplicatePair.objects.get(person_a=c, person_b=d)

    later = _finish(supervisor, [(b, a), (c, d), (a, c)])
    assert later.pairs_found == 2  # (a, b) is not proposed again
    assert DuplicatePair.objects.get(pk=dismissed.pk).status == PairStatus.DISMISSED
    assert not DuplicatePair.objects.filter(pk=old_open.pk).exists()  # replaced by the new scan's
    assert set(DuplicatePair.objects.filter(status=PairStatus.OPEN).values_list("scan_id", flat=True)) == {
        later.pk
    }
    with pytest.raises(DuplicateError):
        duplicate_services.dismiss(supervisor, dismissed)


# ---- merge and undo --------------------------------------------------------------------------------------------


@pytest.fixture
def merged_world(org: Organisation, caseworker: Actor, supervisor: Actor, make_member: MakeMember) -> dict:
    kept = _with_work(caseworker, supervisor, SIMILAR[0])
    other_caseworker = make_member(org, Role.CASEWORKER)
    dup = _with_work(other_caseworker, supervisor, SIMILAR[1])
    pair = _pair(org, kept, dup)
    return {"kept": kept, "dup": dup, "pair": pair, "other_caseworker": other_caseworker}


def _state(person: Person) -> dict[str, object]:
    return {
        "cases": sorted(Case.objects.filter(person=person).values_list("pk", flat=True)),
        "consents": sorted(Consent.objects.filter(person=person).values_list("pk", flat=True)),
        "overrides": sorted(ConsentOverride.objects.filter(person=person).values_list("pk", flat=True)),
        "screenings": sorted(Screening.objects.filter(person=person).values_list("pk", flat=True)),
        "assigned": sorted(person.assigned_to.values_list("pk", flat=True)),
        "identity": bytes(Person.objects.get(pk=person.pk).identity),
        "merged_into": Person.objects.get(pk=person.pk).merged_into_id,
    }


def test_a_merge_moves_the_work_and_undo_restores_it_exactly(
    merged_world: dict, caseworker: Actor, supervisor: Actor
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    before = {"kept": _state(kept), "dup": _state(dup)}

    record = duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    after = {"kept": _state(kept), "dup": _state(dup)}
    assert after["dup"]["merged_into"] == kept.pk
    assert after["dup"]["identity"] == before["dup"]["identity"]  # not copied, not re-sealed
    assert after["kept"]["identity"] == before["kept"]["identity"]
    for kind in ("cases", "consents", "overrides", "screenings"):
        assert after["kept"][kind] == sorted([*before["kept"][kind], *before["dup"][kind]])  # type: ignore[misc]
        assert after["dup"][kind] == []
    assert merged_world["other_caseworker"].user.pk in after["kept"]["assigned"]  # type: ignore[operator]
    assert record.moved_counts == {
        "cases": 1,
        "consents": 1,
        "consent_overrides": 1,
        "screenings": 1,
        "referrals": 0,
        "assignments": 1,
    }
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.MERGED
    actions = set(
        AuditEntry.objects.filter(
            purpose__in=("merge", "duplicate review"), action__in=("create", "update")
        ).values_list("object_type", "object_id")
    )
    assert {
        ("protect.personmerge", str(record.pk)),
        ("protect.person", str(kept.pk)),
        ("protect.person", str(dup.pk)),
    } <= actions

    # Work done on the kept record after the merge stays with it on undo.
    kept_after = Person.objects.get(pk=kept.pk)
    later_case = case_services.open_case(caseworker, kept_after, reason=REASON)

    duplicate_services.undo(supervisor, record)
    restored = {"kept": _state(kept), "dup": _state(dup)}
    assert restored["dup"] == before["dup"]
    assert restored["kept"] == {**before["kept"], "cases": sorted([*before["kept"]["cases"], later_case.pk])}  # type: ignore[misc]
    record.refresh_from_db()
    assert record.undone_at is not None
    assert record.undone_by == supervisor.user
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    assert AuditEntry.objects.filter(purpose="undo merge", object_type="protect.person").count() == 2
    with pytest.raises(DuplicateError):
        duplicate_services.undo(supervisor, record)


def test_the_moved_values_stay_readable_under_the_merged_persons_key(
    merged_world: dict, supervisor: Actor, caseworker: Actor
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    moved = Case.objects.get(person=kept, created_by=merged_world["other_caseworker"].user)
    key = DataKey.objects.get(pk=sealed.key_id(bytes(moved.context)))
    assert (key.purpose, key.subject) == (KeyPurpose.SUBJECT, dup.reference)
    opened = case_access.open_case(caseworker, moved.reference)
    assert opened.case.person_id == kept.pk


def test_a_stale_version_changes_nothing(merged_world: dict, supervisor: Actor, caseworker: Actor) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    versions = _versions(kept, dup)
    before = {"kept": _state(kept), "dup": _state(dup)}
    from threefold.protect import services

    services.update_identity(
        caseworker, kept, Identity("Olena", "Kovalenko-Smith"), expected_version=kept.version
    )
    with pytest.raises(ConflictError):
        duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=versions)
    assert _state(dup) == before["dup"]
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    assert not PersonMerge.objects.exists()


def test_a_merge_needs_a_record_of_the_pair_and_an_open_pair(
    merged_world: dict, supervisor: Actor, org: Organisation, caseworker: Actor
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    stranger = create_person(caseworker, SIMILAR[7])
    with pytest.raises(DuplicateError):
        duplicate_services.merge(supervisor, pair, keep=stranger.pk, versions=_versions(kept, dup))
    duplicate_services.dismiss(supervisor, pair)
    with pytest.raises(DuplicateError):
        duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    assert Person.objects.get(pk=dup.pk).merged_into_id is None


def test_a_merge_of_a_merge_is_undone_last_first(
    org: Organisation, caseworker: Actor, supervisor: Actor
) -> None:
    a, b, c = (create_person(caseworker, identity) for identity in SIMILAR[:3])
    first = duplicate_services.merge(supervisor, _pair(org, a, b), keep=a.pk, versions=_versions(a, b))
    second = duplicate_services.merge(supervisor, _pair(org, a, c), keep=c.pk, versions=_versions(a, c))
    assert [p.pk for p in access.merged_records_of(c)] == [a.pk, b.pk]
    with pytest.raises(DuplicateError, match="undo that merge first"):
        duplicate_services.undo(supervisor, first)
    duplicate_services.undo(supervisor, second)
    duplicate_services.undo(supervisor, first)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_only_a_supervisor_of_the_organisation_merges(
    merged_world: dict, caseworker: Actor, make_member: MakeMember, other_org: Organisation
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    outsider = make_member(other_org, Role.SUPERVISOR)
    for actor in (caseworker, outsider):
        with pytest.raises(PermissionDenied):
            duplicate_services.merge(actor, pair, keep=kept.pk, versions=_versions(kept, dup))
        with pytest.raises(PermissionDenied):
            duplicate_services.dismiss(actor, pair)
    with pytest.raises(PermissionDenied):
        duplicate_access.queue(caseworker)
    assert duplicate_access.queue(outsider)[1] == []  # their own organisation's queue, empty
    with pytest.raises(Http404):
        duplicate_access.open_pair(outsider, pair.pk)
    assert PairStatus(DuplicatePair.objects.get(pk=pair.pk).status) == PairStatus.OPEN


# ---- merged records are left out -------------------------------------------------------------------------------


def test_a_merged_record_is_left_out_of_lists_searches_counts_and_duplicate_checks(
    merged_world: dict, caseworker: Actor, supervisor: Actor
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    dup.assigned_to.add(caseworker.user)
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    assert [o.person.pk for o in access.my_persons(caseworker)] == [kept.pk]
    assert dup.pk not in [o.person.pk for o in access.search(caseworker, "Коваленко")]
    assert dup.pk not in access.caseload(supervisor).values_list("pk", flat=True)
    assert not access.visible_persons(caseworker).filter(pk=dup.pk).exists()
    report = access.possible_duplicates(
        caseworker, Identity("Олена", "Коваленко", date_of_birth=date(1990, 5, 14))
    )
    assert [m.opened.person.pk for m in report.visible] == [kept.pk]
    assert not report.in_organisation
    # Cases are counted once, under the kept person.
    assert case_access.caseload_counts(supervisor) == {
        caseworker.user.email: {"open": 1},
        merged_world["other_caseworker"].user.email: {"open": 1},
    }
    assert {c.person_id for c in case_access.supervised_cases(supervisor)} == {kept.pk}
    with pytest.raises(Http404):
        access.open_person(caseworker, dup.reference)
    with pytest.raises(Http404):
        access.get_person_for_supervision(supervisor, dup.reference)
    # A merged record is never proposed again by a scan: it is not even read.
    assert dup.pk not in [
        o.person.pk for o in duplicate_access.scan_records(supervisor, _running(supervisor))
    ]


def _running(supervisor: Actor) -> DuplicateScan:
    return DuplicateScan.objects.create(organisation_id=supervisor.org_id, started_by=supervisor.user, seed=1)


def test_the_merged_records_page_points_at_the_kept_record(
    merged_world: dict, caseworker: Actor, supervisor: Actor, make_member: MakeMember, org: Organisation
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    page = login(Client(), caseworker).get(reverse("protect:person", args=[dup.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("protect:person", args=[kept.reference]) in text
    assert "Коваленко" not in text
    assert "Kovalenko" not in text
    stranger = make_member(org, Role.CASEWORKER)
    assert login(Client(), stranger).get(reverse("protect:person", args=[dup.reference])).status_code == 404


def test_the_kept_records_page_lists_the_other_record_and_audits_reading_it(
    merged_world: dict, caseworker: Actor, supervisor: Actor
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    page = login(Client(), caseworker).get(reverse("protect:person", args=[kept.reference]))
    text = page.content.decode()
    assert "Other records of this person" in text
    assert dup.reference in text
    assert "Олена Коваленко" in text
    assert len([c for c in Case.objects.filter(person=kept)]) == 2
    entry = AuditEntry.objects.filter(
        object_type="protect.person", object_id=str(dup.pk), action=Action.VIEW
    ).latest("seq")
    assert (entry.actor_id, entry.purpose) == (caseworker.user.pk, f"other record of {kept.reference}")


# ---- data rights follow the kept person ------------------------------------------------------------------------


def test_erasing_the_kept_person_erases_the_merged_records_too(
    merged_world: dict, supervisor: Actor, org: Organisation
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    tombstone = subject_data.erase_person(
        supervisor, kept, ERASE_REASON, category=ErasureCategory.SURVIVOR_REQUEST
    )
    assert tombstone.erased["merged_records"] == 1
    for person in (kept, dup):
        person.refresh_from_db()
        assert person.erased_at is not None
        assert person.identity is None
        assert (
            DataKey.objects.filter(
                purpose=KeyPurpose.SUBJECT, subject=person.reference, destroyed_at__isnull=True
            ).count()
            == 0
        )
        assert AuditEntry.objects.filter(action=Action.SHRED, object_id=str(person.pk)).exists()
    assert not Case.objects.filter(person__in=[kept, dup]).exists()
    assert not Consent.objects.filter(person__in=[kept, dup]).exists()
    assert not DuplicatePair.objects.exists()
    assert not PersonMerge.objects.exists()
    shred = AuditEntry.objects.get(action=Action.SHRED, object_id=str(dup.pk))
    assert shred.details["merged_into"] == kept.reference


def test_a_copy_of_the_kept_persons_data_includes_the_merged_records(
    merged_world: dict, supervisor: Actor, make_member: MakeMember, org: Organisation
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    legal = make_member(org, Role.LEGAL_OFFICER)
    kept.assigned_to.add(legal.user)
    export = subject_data.export_person(legal, kept)
    sections = {section["key"]: section for section in export["sections"]}
    assert len(sections["cases"]["data"]) == 2
    (other,) = sections["merged_records"]["data"]
    assert other["reference"] == dup.reference
    inner = {section["key"]: section["data"] for section in other["sections"]}
    assert inner["identity"]["given_names"] == "Олена"
    assert inner["cases"] == []
    entry = AuditEntry.objects.filter(action=Action.EXPORT).latest("seq")
    assert entry.details["merged_records"] == [dup.reference]


def test_a_merged_record_cannot_be_erased_on_its_own(merged_world: dict, supervisor: Actor) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    with pytest.raises(Http404):
        subject_data.erasable(supervisor, dup.reference)


# ---- the queue -------------------------------------------------------------------------------------------------


def test_the_queue_lists_likely_pairs_first_and_audits_each_record_shown(
    org: Organisation, caseworker: Actor, supervisor: Actor
) -> None:
    a, b, c, d = (create_person(caseworker, identity) for identity in SIMILAR[:4])
    possible = _pair(org, a, c, 0.6)
    likely = _pair(org, c, d, 0.93)
    likelier = _pair(org, a, b, 0.99)
    page, pairs = duplicate_access.queue(supervisor)
    assert [item.pair.pk for item in pairs] == [likelier.pk, likely.pk, possible.pk]
    assert pairs[0].a.identity.given_names in ("Olena", "Олена")
    views = AuditEntry.objects.filter(
        action=Action.VIEW, purpose="duplicate review", actor_id=supervisor.user.pk
    )
    assert sorted(views.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in (a, b, c, d))
    assert page.paginator.count == 3
    assert duplicate_access.open_pair_count(supervisor) == 3
    assert duplicate_access.open_pair_count(caseworker) == 0


def test_the_printable_copy_shows_the_merged_record(
    merged_world: dict, supervisor: Actor, make_member: MakeMember, org: Organisation
) -> None:
    kept, dup, pair = merged_world["kept"], merged_world["dup"], merged_world["pair"]
    duplicate_services.merge(supervisor, pair, keep=kept.pk, versions=_versions(kept, dup))
    legal = make_member(org, Role.LEGAL_OFFICER)
    kept.assigned_to.add(legal.user)
    page = login(Client(), legal).get(reverse("protect:subject_data", args=[kept.reference]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Other records of this person, merged into this one" in text
    assert dup.reference in text
    assert "Коваленко" in text


def test_the_caseload_links_to_the_queue_with_its_count(
    org: Organisation, caseworker: Actor, supervisor: Actor
) -> None:
    a, b = (create_person(caseworker, identity) for identity in SIMILAR[:2])
    _pair(org, a, b)
    text = login(Client(), supervisor).get(reverse("protect:caseload")).content.decode()
    assert f'href="{reverse("protect:duplicates")}"' in text
    assert "Possible duplicates (1)" in text
