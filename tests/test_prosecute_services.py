"""Prosecution records: who may read and record them, what is sealed at rest, what is audited, the rules the
services keep, the survivor's data rights, and the reminders of court dates and risk reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.notifications import access as notification_access
from threefold.notifications.models import Notification
from threefold.prosecute import access, reminders, services
from threefold.prosecute.data_rights import export_prosecution
from threefold.prosecute.models import (
    SEALED,
    Charge,
    CourtDate,
    Offender,
    OwnCharge,
    Proceeding,
    RiskAssessment,
    StageEvent,
)
from threefold.prosecute.services import ProsecuteError
from threefold.protect import case_services, subject_data
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.models import Case, CaseEvent, ErasureCategory, Person
from threefold.protect.services import ConflictError
from threefold.vault import sealed
from threefold.vault.models import DataKey, KeyPurpose

OFFENDER = "Bogdan Ilie Munteanu"
COURT_NUMBER = "PARQUET 23/448812"
NOTE = "She is afraid of meeting his brother at the courthouse"
OWN = "Possession of a forged identity card"
TODAY = date(2026, 3, 2)


@dataclass
class World:
    org: Organisation
    caseworker: Actor
    legal: Actor
    supervisor: Actor
    unassigned: Actor
    analyst: Actor
    outsider: Actor
    person: Person
    case: Case
    proceeding: Proceeding


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    # Load the URLconf (and what the statistics pages import) now: importing pandas under a frozen clock hangs.
    reverse("prosecute:home")
    caseworker = make_member(org, Role.CASEWORKER)
    legal = make_member(org, Role.LEGAL_OFFICER)
    supervisor = make_member(org, Role.SUPERVISOR)
    person = protect_services.create_person(caseworker, Identity("Mihaela", "Dumitru"))
    protect_services.assign(supervisor, person, legal.user)
    case = case_services.open_case(caseworker, person, reason="Referred by the labour inspectorate")
    with freeze_time(TODAY):
        proceeding = services.open_proceeding(
            legal,
            case,
            jurisdiction="fr",
            opened_on=TODAY - timedelta(days=100),
            court="Tribunal judiciaire de Lille",
            court_reference=COURT_NUMBER,
            notes=NOTE,
        )
    return World(
        org,
        caseworker,
        legal,
        supervisor,
        make_member(org, Role.CASEWORKER),
        make_member(org, Role.ANALYST),
        make_member(other_org, Role.CASEWORKER),
        person,
        case,
        proceeding,
    )


def _everything_stored() -> bytes:
    with connection.cursor() as cursor:
        blobs = []
        for model in {model for model, _field in SEALED}:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    blobs.append(
                        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    )
        cursor.execute("SELECT details, purpose FROM audit_auditentry")
        blobs += [str(row).encode() for row in cursor.fetchall()]
    return b"\n".join(blobs)


# ---- sealing and audit


@pytest.mark.django_db
def test_names_numbers_notes_and_own_offences_are_sealed_at_rest(world: World) -> None:
    with freeze_time(TODAY):
        services.add_offender(world.legal, world.proceeding, name=OFFENDER, roles=["Exploiter"])
        services.add_measure(
            world.legal, world.proceeding, measure="screen", status="requested", requested_on=TODAY, note=NOTE
        )
        services.add_own_charge(world.legal, world.case, offence=OWN, jurisdiction="fr", status="charged")
    stored = _everything_stored()
    for secret in (OFFENDER, COURT_NUMBER, NOTE, OWN, "Munteanu"):
        assert secret.encode() not in stored, secret
    # Under the survivor's own key, so that erasing her erases them (ADR 0015).
    blob = bytes(Offender.objects.get().name)
    key = DataKey.objects.get(pk=sealed.key_id(blob))
    assert (key.purpose, key.subject) == (KeyPurpose.SUBJECT, world.person.reference)


@pytest.mark.django_db
def test_every_write_is_audited_without_values_and_noted_on_the_case(world: World) -> None:
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="prosecute.proceeding")
    assert created.details["case"] == world.case.reference
    assert created.actor_id == world.legal.user.pk
    with freeze_time(TODAY):
        offender = services.add_offender(world.legal, world.proceeding, name=OFFENDER)
    entry = AuditEntry.objects.filter(object_type="prosecute.offender").get()
    assert entry.details == {"proceeding": world.proceeding.reference, "fields": ["name"]}
    assert OFFENDER not in str(entry.details) + entry.purpose
    notes = [case_services_text(e) for e in CaseEvent.objects.filter(case=world.case, kind="note")]
    assert any("criminal proceeding" in text and world.proceeding.reference in text for text in notes)
    assert Offender.objects.get() == offender


def case_services_text(event: CaseEvent) -> str:
    from threefold.protect.case_access import event_text

    return event_text(event)


# ---- who may read and record


@pytest.mark.django_db
def test_not_yours_is_a_404(world: World) -> None:
    reference = world.proceeding.reference
    for actor in (world.outsider, world.unassigned, world.analyst):
        with pytest.raises(Http404):
            access.open_proceeding(actor, reference)
        with pytest.raises(Http404):
            access.case_for(actor, world.case.reference)
    with pytest.raises(Http404):
        access.open_proceeding(world.legal, "J-NOTTHERE")


@pytest.mark.django_db
def test_assigned_workers_record_and_supervisors_only_read(world: World) -> None:
    opened = access.open_proceeding(world.supervisor, world.proceeding.reference)
    assert opened.details["court_reference"] == COURT_NUMBER
    assert not opened.can_record
    with pytest.raises(PermissionDenied):
        services.add_offender(world.supervisor, world.proceeding, name=OFFENDER)
    with pytest.raises(PermissionDenied):
        services.add_own_charge(
            world.supervisor, world.case, offence=OWN, jurisdiction="fr", status="charged"
        )
    with pytest.raises(PermissionDenied):
        services.open_proceeding(world.unassigned, world.case, jurisdiction="fr", opened_on=TODAY)
    assert access.open_proceeding(world.caseworker, world.proceeding.reference).can_record
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_type="prosecute.proceeding", actor_id=world.supervisor.user.pk
    ).exists()


@pytest.mark.django_db
def test_lists_are_scoped_to_assignment_unless_supervising(world: World, make_member: MakeMember) -> None:
    today = timezone.localdate()
    assert [line.proceeding for line in access.overview(world.legal, today).proceedings] == [world.proceeding]
    assert [line.proceeding for line in access.overview(world.supervisor, today).proceedings] == [
        world.proceeding
    ]
    assert access.overview(world.unassigned, today).proceedings == []
    assert access.overview(world.analyst, today).proceedings == []


# ---- the rules the services keep


@pytest.mark.django_db
def test_stages_move_the_proceeding_and_dates_are_checked(world: World) -> None:
    with freeze_time(TODAY):
        services.record_stage(world.legal, world.proceeding, stage="trial", on=TODAY - timedelta(days=5))
        services.record_stage(
            world.legal, world.proceeding, stage="prosecution", on=TODAY - timedelta(days=50)
        )
        assert Proceeding.objects.get().stage == "trial"
        with pytest.raises(ProsecuteError) as future:
            services.record_stage(
                world.legal, world.proceeding, stage="verdict", on=TODAY + timedelta(days=1)
            )
        assert future.value.field == "on"
        with pytest.raises(ProsecuteError) as early:
            services.record_stage(
                world.legal, world.proceeding, stage="verdict", on=TODAY - timedelta(days=400)
            )
        assert early.value.field == "on"
    assert StageEvent.objects.count() == 3  # the investigation, the trial, the prosecution


@pytest.mark.django_db
def test_charges_verdicts_and_sentences(world: World) -> None:
    with freeze_time(TODAY):
        offender = services.add_offender(world.legal, world.proceeding, name=OFFENDER)
        with pytest.raises(ProsecuteError):
            services.add_charge(
                world.legal, world.proceeding, offender=offender, offence="msa-s2"
            )  # not French law
        charge = services.add_charge(world.legal, world.proceeding, offender=offender, offence="225-4-1")
        assert (charge.offence, charge.offence_version) == ("fr:225-4-1", 1)
        with pytest.raises(ProsecuteError) as early:
            services.record_sentence(
                world.legal, world.proceeding, offender, sentenced_on=TODAY, custody_months=24
            )
        assert "conviction" in early.value.message
        with pytest.raises(ProsecuteError) as undated:
            services.record_verdict(
                world.legal,
                world.proceeding,
                charge,
                verdict="convicted",
                verdict_on=None,
                expected_version=1,
            )
        assert undated.value.field == "verdict_on"
        services.record_verdict(
            world.legal, world.proceeding, charge, verdict="convicted", verdict_on=TODAY, expected_version=1
        )
        with pytest.raises(ConflictError):  # someone saved the charge since version 1 was shown
            services.record_verdict(
                world.legal,
                world.proceeding,
                charge,
                verdict="acquitted",
                verdict_on=TODAY,
                expected_version=1,
            )
        assert Charge.objects.get().verdict == "convicted"
        first = services.record_sentence(
            world.legal, world.proceeding, offender, sentenced_on=TODAY, custody_months=24, suspended=False
        )
        again = services.record_sentence(
            world.legal, world.proceeding, offender, sentenced_on=TODAY, custody_months=18, suspended=True
        )
        assert first.pk == again.pk
        assert again.custody_months == 18
        with pytest.raises(ProsecuteError) as currency:
            services.add_order(
                world.legal,
                world.proceeding,
                kind="compensation",
                amount="10",
                currency="EURO",
                ordered_on=TODAY,
            )
        assert currency.value.field == "currency"
        order = services.add_order(
            world.legal,
            world.proceeding,
            kind="compensation",
            amount="1500.5",
            currency="eur",
            ordered_on=TODAY,
        )
        services.add_payment(world.legal, world.proceeding, order, amount=Decimal("500"), paid_on=TODAY)
    file = access.proceeding_file(
        world.legal, access.open_proceeding(world.legal, world.proceeding.reference)
    )
    assert file.point.value == "convicted"
    assert file.offenders[0].name == OFFENDER
    assert file.offenders[0].charges[0].label.startswith("Trafficking")
    assert (file.orders[0].paid, file.orders[0].outstanding) == (Decimal(500), Decimal("1000.50"))


@pytest.mark.django_db
def test_a_row_of_another_proceeding_is_refused(world: World) -> None:
    other_case = case_services.open_case(world.caseworker, world.person, reason="A second episode of support")
    with freeze_time(TODAY):
        other = services.open_proceeding(world.legal, other_case, jurisdiction="es", opened_on=TODAY)
        offender = services.add_offender(world.legal, other, name=OFFENDER)
        with pytest.raises(PermissionDenied):
            services.add_charge(world.legal, world.proceeding, offender=offender, offence="225-4-1")
    opened = access.open_proceeding(world.legal, world.proceeding.reference)
    with pytest.raises(Http404):
        access.row_of(world.legal, opened, Offender, offender.pk)


@pytest.mark.django_db
def test_own_charges_are_followed_until_decided(world: World) -> None:
    with freeze_time(TODAY):
        row = services.add_own_charge(
            world.legal, world.case, offence=OWN, jurisdiction="fr", status="charged", charged_on=TODAY
        )
        assert [e.values["offence"] for e in access.followed_own_charges(world.legal)] == [OWN]
        with pytest.raises(ProsecuteError) as undated:
            services.update_own_charge(
                world.legal,
                world.case,
                row,
                offence=OWN,
                jurisdiction="fr",
                status="charged",
                non_punishment="pending",
                charged_on=TODAY,
                raised_on=None,
                notes="",
                expected_version=1,
            )
        assert undated.value.field == "raised_on"
        services.update_own_charge(
            world.legal,
            world.case,
            row,
            offence=OWN,
            jurisdiction="fr",
            status="dropped",
            non_punishment="accepted",
            charged_on=TODAY,
            raised_on=TODAY,
            notes="",
            expected_version=1,
        )
    assert access.followed_own_charges(world.legal) == []
    section = access.case_prosecution(world.caseworker, world.case, TODAY)
    assert [e.row.non_punishment for e in section.own_charges] == ["accepted"]
    assert OwnCharge.objects.get().version == 2


# ---- data rights


@pytest.mark.django_db
def test_a_copy_leaves_out_offenders_and_erasure_deletes_everything(world: World) -> None:
    with freeze_time(TODAY):
        services.add_offender(world.legal, world.proceeding, name=OFFENDER)
        services.add_own_charge(world.legal, world.case, offence=OWN, jurisdiction="fr", status="charged")
    copy = export_prosecution(world.person)
    text = str(copy)
    assert COURT_NUMBER in text
    assert NOTE in text
    assert OWN in text
    assert OFFENDER not in text  # another person's data
    assert copy["proceedings"][0]["offenders"] == 1
    # An open proceeding keeps the survivor from the retention policy (she may be needed as a witness).
    holding = next(h for h in subject_data.holdings() if h.key == "prosecute")
    assert holding.keeps_person
    assert holding.keeps_person(world.person)
    subject_data.erase_person(
        world.supervisor,
        world.person,
        "She asked for everything to be erased",
        category=ErasureCategory.SURVIVOR_REQUEST,
    )
    assert not Proceeding.objects.exists()
    assert not Offender.objects.exists()
    assert not OwnCharge.objects.exists()


# ---- reminders


def _notified(key: str) -> set[int]:
    return set(Notification.objects.filter(key=key).values_list("user_id", flat=True))


@pytest.mark.django_db
def test_court_dates_are_reminded_a_week_and_a_day_before_once_each(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with freeze_time(TODAY):
        court_date = services.add_court_date(
            world.legal, world.proceeding, on=TODAY + timedelta(days=6), note=NOTE
        )
        services.add_court_date(world.legal, world.proceeding, on=TODAY + timedelta(days=30))  # not yet
        cancelled = services.add_court_date(world.legal, world.proceeding, on=TODAY + timedelta(days=2))
        CourtDate.objects.filter(pk=cancelled.pk).update(status="cancelled")
    # The e-mails leave once the reminder commits (outside the frozen clock: the task backend needs a real one).
    with django_capture_on_commit_callbacks(execute=True), freeze_time(TODAY):
        assert reminders.send_due().court_dates == 1
    with freeze_time(TODAY):
        assert reminders.send_due().court_dates == 0
    # The caseworker and the legal officer on the case; not the supervisor, not anyone unassigned.
    assert _notified(reminders.COURT_DATE_WEEK) == {world.caseworker.user.pk, world.legal.user.pk}
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert world.proceeding.reference in message.body
        # The random reference may contain the day's digits, so look for the secrets in the rest.
        text = (message.subject + message.body).replace(world.proceeding.reference, "")
        for secret in ("Lille", NOTE, "Mihaela", "Dumitru", str(court_date.on.day)):
            assert secret not in text
    with freeze_time(TODAY + timedelta(days=5)):
        assert reminders.send_due().court_dates == 1
        assert reminders.send_due().court_dates == 0
    assert _notified(reminders.COURT_DATE_DAY) == {world.caseworker.user.pk, world.legal.user.pk}
    shown = notification_access.my_notifications(world.legal.user)[0]
    assert shown.text == f"Proceeding {world.proceeding.reference} has a date in court tomorrow or today."
    assert shown.notification.url == f"/prosecute/proceedings/{world.proceeding.reference}/"


@pytest.mark.django_db
def test_a_moved_court_date_is_reminded_again(world: World) -> None:
    with freeze_time(TODAY):
        court_date = services.add_court_date(world.legal, world.proceeding, on=TODAY + timedelta(days=1))
        assert reminders.send_due().court_dates == 1
        court_date.refresh_from_db()
        services.update_court_date(
            world.legal,
            world.proceeding,
            court_date,
            on=TODAY + timedelta(days=4),
            time=None,
            court="",
            kind="hearing",
            survivor_attends=False,
            status="postponed",
            note="",
            expected_version=court_date.version,
        )
        assert reminders.send_due().court_dates == 0  # postponed: no longer scheduled
        court_date.refresh_from_db()
        services.update_court_date(
            world.legal,
            world.proceeding,
            court_date,
            on=TODAY + timedelta(days=4),
            time=None,
            court="",
            kind="hearing",
            survivor_attends=False,
            status="scheduled",
            note="",
            expected_version=court_date.version,
        )
        assert CourtDate.objects.get().reminders_sent == 0
        assert reminders.send_due().court_dates == 1


@pytest.mark.django_db
def test_a_risk_review_is_reminded_once_and_only_for_the_latest_assessment(world: World) -> None:
    with freeze_time(TODAY - timedelta(days=60)):
        services.assess_risk(
            world.legal,
            world.proceeding,
            level="high",
            assessed_on=TODAY - timedelta(days=60),
            review_on=TODAY - timedelta(days=30),
        )
    with freeze_time(TODAY - timedelta(days=40)):
        services.assess_risk(
            world.legal,
            world.proceeding,
            level="medium",
            assessed_on=TODAY - timedelta(days=40),
            review_on=TODAY - timedelta(days=1),
        )
    with freeze_time(TODAY):
        assert reminders.send_due().risk_reviews == 1
        assert reminders.send_due().risk_reviews == 0
        out = StringIO()
        call_command("prosecute_reminders", stdout=out)
        assert "0 risk review reminder(s)" in out.getvalue()
    reminded = RiskAssessment.objects.exclude(review_reminded_at=None).get()
    assert reminded.level == "medium"
    assert _notified(reminders.RISK_REVIEW_DUE) == {world.caseworker.user.pk, world.legal.user.pk}
    line = access.overview(world.legal, TODAY).reviews_due
    assert [item.proceeding for item in line] == [world.proceeding]
