"""Survivor data rights (threefold/protect/subject_data.py): export, erasure by crypto-shredding, retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from tests.test_personas import reauthenticate
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.audit.verify import verify_stored_chain
from threefold.consent import services as consent_services
from threefold.consent.models import Consent, ConsentOverride, Method, Purpose
from threefold.identify import catalogue
from threefold.identify import services as identify_services
from threefold.identify.models import ConsentMethod, ReviewDecision, Screening
from threefold.protect import access, case_access, case_services, nrm_services, subject_data
from threefold.protect.identity import Identity
from threefold.protect.models import Case, CaseEvent, ErasureCategory, Person, PersonIndex, RetentionPolicy
from threefold.protect.services import create_person
from threefold.vault import crypto, sealed
from threefold.vault.models import DataKey, KeyPurpose

pytestmark = pytest.mark.django_db

NOTE = "Moved to the riverside shelter on Tuesday"
OVERRIDE_REASON = "Police asked for numbers today, she could not be reached"
REVIEW_NOTE = "Agreed: follow up with the outreach team"
REASON = "She asked us in writing on her last visit to erase everything"


@dataclass
class World:
    org: Organisation
    caseworker: Actor
    supervisor: Actor
    legal_officer: Actor
    olga: Person
    maria: Person


def _with_data(caseworker: Actor, supervisor: Actor, given: str) -> Person:
    """A person with a case (and a note), a consent, a consent override and a reviewed screening."""
    person = create_person(
        caseworker, Identity(given_names=given, family_names="Petrova", phones=("+4420794609",))
    )
    case = case_services.open_case(caseworker, person, reason="Referred by the outreach team")
    case_services.add_note(caseworker, case, f"{NOTE} ({given})")
    consent_services.record_consent(
        caseworker, person, Purpose.SERVICES, Method.WRITTEN, timezone.now() - timedelta(days=1)
    )
    consent_services.require(supervisor, person, Purpose.STATISTICS, override_reason=OVERRIDE_REASON)
    entry = catalogue.shipped_entry("quick_youth_indicators")
    screening = identify_services.record_screening(
        caseworker, entry, setting="outreach", answers={"q_unsafe_work": "yes"}, language="en"
    )
    identify_services.attach_person(caseworker, screening, person, ConsentMethod.VERBAL)
    identify_services.review_screening(supervisor, screening, ReviewDecision.AGREED, REVIEW_NOTE)
    return person


@pytest.fixture
def world(org: Organisation, make_member: MakeMember) -> World:
    caseworker = make_member(org, Role.CASEWORKER)
    supervisor = make_member(org, Role.SUPERVISOR)
    legal_officer = make_member(org, Role.LEGAL_OFFICER)
    olga = _with_data(caseworker, supervisor, "Olga")
    maria = _with_data(caseworker, supervisor, "Maria")
    olga.assigned_to.add(legal_officer.user)
    return World(org, caseworker, supervisor, legal_officer, olga, maria)


# ---- sealing under the person's key


def test_everything_about_a_person_is_sealed_under_their_key(world: World) -> None:
    olga = world.olga
    blobs = [bytes(olga.identity)]
    blobs += [bytes(c.context) for c in Case.objects.filter(person=olga)]
    blobs += [bytes(e.text) for e in CaseEvent.objects.filter(case__person=olga) if e.text]
    blobs += [bytes(o.reason) for o in ConsentOverride.objects.filter(person=olga)]
    for screening in Screening.objects.filter(person=olga):
        blobs += [bytes(screening.record), bytes(screening.review_note)]
    assert len(blobs) >= 6
    keys = {DataKey.objects.get(pk=sealed.key_id(blob)) for blob in blobs}
    assert {(k.purpose, k.subject) for k in keys} == {(KeyPurpose.SUBJECT, olga.reference)}


def test_an_anonymous_screening_stays_under_the_organisation_key(world: World) -> None:
    entry = catalogue.shipped_entry("quick_youth_indicators")
    screening = identify_services.record_screening(
        world.caseworker, entry, setting="outreach", answers={"q_unsafe_work": "no"}, language="en"
    )
    assert DataKey.objects.get(pk=sealed.key_id(bytes(screening.record))).purpose == KeyPurpose.DATA


# ---- export


def test_the_export_holds_the_note_the_consent_and_the_screening_answers(world: World) -> None:
    export = subject_data.export_person(world.legal_officer, world.olga)
    sections = {section["key"]: section for section in export["sections"]}
    assert {"identity", "search_terms", "cases", "consents", "consent_overrides", "screenings"} <= set(
        sections
    )
    assert all(section["correction"] for section in sections.values())
    assert sections["identity"]["data"]["given_names"] == "Olga"
    assert sections["search_terms"]["data"]["count"] > 0
    (case,) = sections["cases"]["data"]
    assert f"{NOTE} (Olga)" in [event["text"] for event in case["timeline"]]
    assert [c["purpose"] for c in sections["consents"]["data"]] == [Purpose.SERVICES]
    assert sections["consent_overrides"]["data"][0]["reason"] == OVERRIDE_REASON
    (screening,) = sections["screenings"]["data"]
    assert screening["answers"] == {"q_unsafe_work": "yes"}
    assert screening["review_note"] == REVIEW_NOTE
    assert "Maria" not in str(export)
    entry = AuditEntry.objects.filter(action=Action.EXPORT).latest("seq")
    assert (entry.actor_id, entry.object_id) == (world.legal_officer.user.pk, str(world.olga.pk))


def test_only_a_supervisor_or_legal_officer_who_may_open_the_person_exports(
    world: World, make_member: MakeMember, other_org: Organisation
) -> None:
    for actor in (world.caseworker, world.supervisor, make_member(other_org, Role.SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            subject_data.export_person(actor, world.olga)
    world.olga.assigned_to.add(world.supervisor.user)
    assert subject_data.export_person(world.supervisor, world.olga)["reference"] == world.olga.reference


def test_the_json_export_is_a_download_never_cached(world: World) -> None:
    client = login(Client(), world.legal_officer)
    response = client.get(reverse("protect:subject_data_json", args=[world.olga.reference]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{world.olga.reference}-data.json"'
    assert "no-store" in response["Cache-Control"]
    assert f"{NOTE} (Olga)" in response.content.decode()


def test_the_print_view_says_where_to_correct_each_section(world: World) -> None:
    client = login(Client(), world.legal_officer)
    response = client.get(reverse("protect:subject_data", args=[world.olga.reference]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f"{NOTE} (Olga)" in page
    assert REVIEW_NOTE in page
    assert page.count("Where to correct it:") >= 6


# ---- erasure


@dataclass(frozen=True)
class Sealed:
    column: sealed.SealedColumn
    pk: int
    organisation_id: int
    context: str
    blob: bytes
    subject: str | None


def _every_sealed_value() -> list[Sealed]:
    """Every value of every registered sealed column, with the person it is about where the column says."""
    paths = {(link.column.model, link.column.field): link.subject_path for link in sealed.SUBJECT_LINKS}
    found = []
    for column in sealed.SEALED_COLUMNS:
        path = paths.get((column.model, column.field))
        rows: models.QuerySet[Any] = column.model._default_manager.exclude(
            **{f"{column.field}__isnull": True}
        )
        for row in rows:
            blob = getattr(row, column.field)
            if blob:
                subject = rows.filter(pk=row.pk).values_list(path, flat=True).get() if path else None
                org_id = getattr(row, column.organisation_field)
                found.append(Sealed(column, row.pk, org_id, column.row_context(row), bytes(blob), subject))
    return found


def _opens(value: Sealed) -> bool:
    try:
        sealed.unseal(value.blob, organisation_id=value.organisation_id, context=value.context)
    except crypto.VaultError:
        return False
    return True


def _erase(world: World, person: Person | None = None) -> subject_data.Tombstone:
    return subject_data.erase_person(
        world.supervisor, person or world.olga, REASON, category=ErasureCategory.SURVIVOR_REQUEST
    )


def test_erasure_leaves_nothing_decryptable(world: World) -> None:
    olga = world.olga
    before = _every_sealed_value()  # what a copy of the database taken now would hold
    theirs = [v for v in before if v.subject == olga.reference]
    assert {v.column.context for v in theirs} >= {
        "protect.person.identity",
        "protect.case.context",
        "protect.caseevent.text",
        "consent.consentoverride.reason",
        "identify.screening.record",
        "identify.screening.review_note",
    }
    assert all(_opens(v) for v in before)

    _erase(world)

    # Not one of the person's values opens, not even from the copy taken before the erasure...
    assert not any(_opens(v) for v in theirs)
    # ...and what is left in the database about them (nothing, here) does not open either.
    subject_keys = set(DataKey.objects.filter(subject=olga.reference).values_list("pk", flat=True))
    after = _every_sealed_value()
    assert not [v for v in after if v.subject == olga.reference or sealed.key_id(v.blob) in subject_keys]
    # Everyone else's values, Maria's first, still open.
    assert [v for v in after if not _opens(v)] == []
    assert any(v.subject == world.maria.reference for v in after)


def test_erasure_catches_a_value_an_app_forgot_and_one_still_under_the_organisation_key(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    olga = world.olga
    override = ConsentOverride.objects.get(person=olga)
    # An override reason sealed before per-person keys existed...
    plain = sealed.unseal(bytes(override.reason), organisation_id=world.org.pk, context=_context(override))
    legacy = sealed.seal(plain, organisation_id=world.org.pk, context=_context(override))
    ConsentOverride.objects.filter(pk=override.pk).update(reason=legacy)
    # ...and an app whose eraser forgets it.
    holding = subject_data._HOLDINGS["consent_overrides"]
    monkeypatch.setitem(
        subject_data._HOLDINGS,
        "consent_overrides",
        subject_data.Holding(**{**vars(holding), "erase": lambda p: 0}),
    )

    _erase(world)

    override.refresh_from_db()
    assert DataKey.objects.get(pk=sealed.key_id(bytes(override.reason))).subject == olga.reference
    with pytest.raises(crypto.VaultError, match="erased"):
        sealed.unseal(bytes(override.reason), organisation_id=world.org.pk, context=_context(override))


def _context(override: ConsentOverride) -> str:
    return sealed.SealedColumn.row_context(
        next(c for c in sealed.SEALED_COLUMNS if c.model is ConsentOverride), override
    )


def test_erasure_keeps_a_tombstone_and_an_audit_entry_and_the_chain_verifies(world: World) -> None:
    olga = world.olga
    tombstone = _erase(world)

    olga.refresh_from_db()
    assert olga.identity is None
    assert (olga.erased_by, olga.erasure_category) == (
        world.supervisor.user,
        ErasureCategory.SURVIVOR_REQUEST,
    )
    assert olga.erased_at == tombstone.erased_at
    assert not olga.assigned_to.exists()
    assert not PersonIndex.objects.filter(person=olga).exists()
    for model in (Case, Consent, ConsentOverride, Screening):
        assert not model.objects.filter(person=olga).exists()
    assert tombstone.erased["cases"] >= 3  # the case, its events
    entry = AuditEntry.objects.get(action=Action.SHRED, object_id=str(olga.pk))
    assert entry.details["category"] == ErasureCategory.SURVIVOR_REQUEST
    assert entry.details["reference"] == olga.reference
    assert entry.details["keys_destroyed"] == 1
    # The free-text reason is not kept anywhere: it was written about the person.
    assert not AuditEntry.objects.filter(purpose__contains="in writing").exists()
    assert REASON not in str(list(AuditEntry.objects.values_list("details", flat=True)))
    assert verify_stored_chain().ok


def test_an_erased_person_disappears_from_lists_and_searches(world: World) -> None:
    _erase(world)
    caseworker = world.caseworker
    assert [o.person.reference for o in access.my_persons(caseworker)] == [world.maria.reference]
    assert [o.person.reference for o in access.search(caseworker, "Petrova")] == [world.maria.reference]
    assert [o.person.reference for o in access.search(caseworker, "+4420794609")] == [world.maria.reference]
    assert {row.case.person_id for row in case_access.my_cases(caseworker)} == {world.maria.pk}


def test_an_erased_reference_answers_erased_to_supervisors_and_404_to_others(world: World) -> None:
    _erase(world)
    url = reverse("protect:subject_data", args=[world.olga.reference])
    page = login(Client(), world.supervisor).get(url)
    assert page.status_code == 200
    assert "was erased on" in page.content.decode()
    assert "The person asked for erasure" in page.content.decode()
    for actor in (world.caseworker, world.legal_officer):
        assert login(Client(), actor).get(url).status_code == 404
    client = reauthenticate(login(Client(), world.supervisor), world.supervisor.user)
    assert (
        "was erased on"
        in client.get(reverse("protect:erase_subject", args=[world.olga.reference])).content.decode()
    )


def test_the_erase_page_needs_the_typed_reference_and_a_reason(world: World) -> None:
    client = reauthenticate(login(Client(), world.supervisor), world.supervisor.user)
    url = reverse("protect:erase_subject", args=[world.olga.reference])
    base = {
        "category": ErasureCategory.SURVIVOR_REQUEST,
        "reason": REASON,
        "confirm_reference": world.olga.reference,
    }
    for bad in ({"confirm_reference": world.maria.reference}, {"reason": "too short"}):
        response = client.post(url, {**base, **bad})
        assert response.status_code == 200
        assert Person.objects.get(pk=world.olga.pk).erased_at is None
    response = client.post(url, {**base, "confirm_reference": world.olga.reference.lower()})
    assert response.status_code == 302
    assert Person.objects.get(pk=world.olga.pk).erased_at is not None


def test_only_a_supervisor_of_the_persons_organisation_erases(
    world: World, make_member: MakeMember, other_org: Organisation
) -> None:
    for actor in (world.caseworker, world.legal_officer, make_member(other_org, Role.SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            subject_data.erase_person(actor, world.olga, REASON, category=ErasureCategory.OTHER)
    with pytest.raises(subject_data.ErasureError, match="reason"):
        subject_data.erase_person(world.supervisor, world.olga, "short", category=ErasureCategory.OTHER)
    _erase(world)
    with pytest.raises(subject_data.ErasureError, match="already"):
        _erase(world)
    assert Person.objects.get(pk=world.maria.pk).erased_at is None


# ---- retention


def _close(person: Person, months_ago: int) -> None:
    Case.objects.filter(person=person).update(
        stage="closed", closed_at=timezone.now() - timedelta(days=30 * months_ago + 1)
    )


def _retention_world(world: World) -> dict[str, Person]:
    caseworker = world.caseworker
    people = {"due": world.olga, "recent": world.maria}
    _close(world.olga, 80)
    _close(world.maria, 10)
    people["open"] = _with_data(caseworker, world.supervisor, "Anna")
    _close(people["open"], 80)
    case_services.open_case(caseworker, people["open"], reason="She came back for more support")
    people["nrm"] = _with_data(caseworker, world.supervisor, "Daria")
    case = Case.objects.get(person=people["nrm"])
    nrm_services.refer(
        caseworker,
        case,
        jurisdiction="gb-eaw",
        referred_on=timezone.localdate() - timedelta(days=9),
        is_child=False,
    )
    _close(people["nrm"], 80)
    people["no_case"] = create_person(caseworker, Identity(given_names="Elena", family_names="Petrova"))
    return people


def test_apply_retention_dry_run_changes_nothing_and_names_nobody(world: World) -> None:
    people = _retention_world(world)
    audit_before = AuditEntry.objects.count()
    out = StringIO()
    call_command("apply_retention", stdout=out)
    text = out.getvalue()
    assert f"would erase {people['due'].reference}" in text
    assert f"keep {people['nrm'].reference}: still needed by cases" in text
    for key in ("recent", "open", "no_case"):
        assert people[key].reference not in text
    assert "Dry run: 1 people would be erased" in text
    assert not any(name in text for name in ("Olga", "Maria", "Anna", "Daria", "Elena", "Petrova"))
    assert not Person.objects.filter(erased_at__isnull=False).exists()
    assert AuditEntry.objects.count() == audit_before


def test_apply_retention_erases_only_those_past_the_policy(world: World) -> None:
    people = _retention_world(world)
    call_command("apply_retention", "--apply", stdout=StringIO())
    erased = set(Person.objects.filter(erased_at__isnull=False).values_list("reference", flat=True))
    assert erased == {people["due"].reference}
    entry = AuditEntry.objects.get(action=Action.SHRED)
    assert (entry.actor_label, entry.details["category"]) == ("system:apply_retention", "retention")
    assert verify_stored_chain().ok
    # A longer policy keeps everyone else, including the next one that would have been due.
    RetentionPolicy.objects.create(organisation=world.org, close_to_erase_months=120)
    out = StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert "0 people erased" in out.getvalue()


def test_the_retention_policy_is_set_by_the_organisation_admin(world: World, make_member: MakeMember) -> None:
    admin = make_member(world.org, Role.ORG_ADMIN)
    assert subject_data.retention_policy(admin).close_to_erase_months == 72
    subject_data.set_retention(admin, 36)
    assert subject_data.close_to_erase_months(world.org.pk) == 36
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="protect.retentionpolicy").exists()
    with pytest.raises(PermissionDenied):
        subject_data.set_retention(world.supervisor, 1)


def test_rows_an_app_does_not_erase_stop_the_erasure_and_change_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def erase_nothing(person: Person) -> int:
        # What deleting a case still pointed at by an app's rows (PROTECT) raises.
        raise models.ProtectedError("referrals still point at the case", {world.olga})

    # Registered first, so erased last: everything else has been deleted by then, and must come back.
    unerased = subject_data.Holding("unerased", "Unerased", lambda p: {}, erase_nothing)
    monkeypatch.setattr(subject_data, "_HOLDINGS", {"unerased": unerased, **subject_data._HOLDINGS})
    with pytest.raises(subject_data.ErasureError, match=r"protect\.person still point at this person"):
        _erase(world)
    olga = Person.objects.get(pk=world.olga.pk)
    assert olga.erased_at is None
    assert Case.objects.filter(person=olga).exists()
    assert access.open_person(world.caseworker, olga.reference).identity.given_names == "Olga"
