"""Referrals between organisations: consent, the sealed packet, access by grant, its end, notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import AccessGrant, Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Consent, Method, Purpose
from threefold.notifications.models import Notification
from threefold.protect import access as protect_access
from threefold.protect import case_access, case_services
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity
from threefold.protect.models import Case
from threefold.referrals import access, services
from threefold.referrals.models import PartnerService, Referral, Status
from threefold.vault import crypto, sealed

FAMILY = "Petrova"
PHONE = "+44 20 7946 0958"
OVERRIDE = "Child at immediate risk, the court asked for shelter today"


@dataclass
class Setup:
    org: Organisation
    partner: Organisation
    caseworker: Actor
    supervisor: Actor
    partner_caseworker: Actor
    partner_supervisor: Actor
    case: Case

    def consent(self) -> Consent:
        return consent_services.record_consent(
            self.caseworker,
            self.case.person,
            Purpose.REFERRAL,
            Method.WRITTEN,
            timezone.now() - timedelta(minutes=1),
            recipient=self.partner,
        )

    def send(self, actor: Actor | None = None, **kwargs: object) -> Referral:
        arguments: dict[str, object] = {
            "services": ["shelter"],
            "fields": ["names", "languages"],
            "access_days": 30,
            **kwargs,
        }
        return services.send(actor or self.caseworker, self.case, self.partner, **arguments)  # type: ignore[arg-type]


@pytest.fixture
def setup(org: Organisation, other_org: Organisation, make_member: MakeMember) -> Setup:
    caseworker = make_member(org, Role.CASEWORKER)
    supervisor = make_member(org, Role.SUPERVISOR)
    person = protect_services.create_person(
        caseworker,
        Identity(given_names="Olga", family_names=FAMILY, phones=(PHONE,), languages=("ru",)),
    )
    person.assigned_to.add(supervisor.user)
    case = case_services.open_case(caseworker, person, reason="Referred by the outreach team")
    PartnerService.objects.create(organisation=other_org, service="shelter", country="MX")
    return Setup(
        org,
        other_org,
        caseworker,
        supervisor,
        make_member(other_org, Role.CASEWORKER),
        make_member(other_org, Role.SUPERVISOR),
        case,
    )


# ---- consent


def test_a_referral_without_consent_is_refused_and_creates_nothing(setup: Setup) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(services.ConsentRequired, match="No consent to refer"):
        setup.send()
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_the_send_page_says_what_consent_is_missing(setup: Setup) -> None:
    client = login(Client(), setup.caseworker)
    url = reverse("referrals:send", args=[setup.case.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "to_org": setup.partner.pk,
            "services": ["shelter"],
            "urgency": "routine",
            "shared": ["names"],
            "access_days": 30,
        },
    )
    assert response.status_code == 200
    assert "No consent to refer" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_caseworker_cannot_override_missing_consent(setup: Setup) -> None:
    with pytest.raises(consent_services.OverrideRefused):
        setup.send(override_reason=OVERRIDE)
    assert not Referral.objects.exists()


def test_a_supervisor_overrides_with_a_reason_and_it_is_audited(setup: Setup) -> None:
    referral = setup.send(setup.supervisor, override_reason=OVERRIDE)
    assert referral.consent_override is not None
    assert referral.consent is None
    assert AuditEntry.objects.filter(action=Action.BREAK_GLASS, actor_id=setup.supervisor.user.pk).exists()
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="referrals.referral")
    assert created.details["consent_override"] == referral.consent_override.pk
    assert OVERRIDE not in str(created.details)


def test_with_consent_the_referral_is_sent_on_that_basis(setup: Setup) -> None:
    consent = setup.consent()
    referral = setup.send()
    assert referral.consent == consent
    assert referral.status == Status.SENT
    assert referral.reference.startswith("R-")


def test_sending_needs_the_right_to_change_the_case(setup: Setup, make_member: MakeMember) -> None:
    setup.consent()
    legal = make_member(setup.org, Role.LEGAL_OFFICER)
    setup.case.person.assigned_to.add(legal.user)
    with pytest.raises(PermissionDenied):
        setup.send(legal)


# ---- the packet


def test_the_packet_is_sealed_under_the_recipients_key_and_holds_only_the_chosen_groups(setup: Setup) -> None:
    setup.consent()
    referral = setup.send(fields=["names"])
    raw = bytes(Referral.objects.get(pk=referral.pk).packet or b"")
    assert FAMILY.encode() not in raw
    assert b"Olga" not in raw
    context = sealed.row_context("referrals.referral.packet", referral.reference)
    with pytest.raises(crypto.DecryptionError):
        sealed.unseal_json(raw, organisation_id=setup.org.pk, context=context)
    data = sealed.unseal_json(raw, organisation_id=setup.partner.pk, context=context)
    assert data["identity"] == {"given_names": "Olga", "family_names": FAMILY}
    assert "phones" not in data["identity"]
    assert "context" not in data


# ---- access through acceptance


def _accepted(setup: Setup) -> Referral:
    setup.consent()
    return services.accept(setup.partner_caseworker, setup.send())


def test_before_acceptance_the_receiver_sees_only_the_summary(setup: Setup) -> None:
    setup.consent()
    referral = setup.send()
    view = access.open_referral(setup.partner_caseworker, referral.reference)
    assert view.received
    assert view.packet is None
    with pytest.raises(Http404):
        access.open_packet(setup.partner_caseworker, referral.reference)
    page = login(Client(), setup.partner_caseworker).get(
        reverse("referrals:referral", args=[referral.reference])
    )
    assert page.status_code == 200
    assert FAMILY not in page.content.decode()


def test_accepting_grants_the_packet_and_only_the_packet(setup: Setup) -> None:
    referral = _accepted(setup)
    grant = AccessGrant.objects.get(pk=referral.grant_id)
    assert (grant.object_type, grant.object_id, grant.grantee_organisation_id) == (
        "referrals.referral",
        str(referral.pk),
        setup.partner.pk,
    )
    assert referral.expires_at == grant.expires_at
    packet = access.open_packet(setup.partner_caseworker, referral.reference)
    assert packet.identity.family_names == FAMILY
    assert packet.identity.phones == ()
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_id=str(referral.pk), purpose="referral packet"
    )
    # The sender's live record stays closed to the partner.
    with pytest.raises(Http404):
        protect_access.open_person(setup.partner_caseworker, setup.case.person.reference)
    with pytest.raises(Http404):
        case_access.open_case(setup.partner_caseworker, setup.case.reference)
    client = login(Client(), setup.partner_caseworker)
    assert client.get(reverse("protect:person", args=[setup.case.person.reference])).status_code == 404
    assert client.get(reverse("protect:case", args=[setup.case.reference])).status_code == 404
    page = client.get(reverse("referrals:referral", args=[referral.reference]))
    assert FAMILY in page.content.decode()


def test_only_caseworkers_and_supervisors_of_the_receiver_answer(
    setup: Setup, make_member: MakeMember
) -> None:
    setup.consent()
    referral = setup.send()
    with pytest.raises(PermissionDenied):
        services.accept(make_member(setup.partner, Role.ORG_ADMIN), referral)
    with pytest.raises(PermissionDenied):
        services.accept(setup.supervisor, referral)
    assert services.accept(setup.partner_supervisor, referral).status == Status.ACCEPTED
    with pytest.raises(ValidationError):
        services.accept(setup.partner_caseworker, referral)  # answered already


def test_declining_needs_a_reason_and_ends_everything(setup: Setup) -> None:
    setup.consent()
    referral = setup.send()
    with pytest.raises(ValidationError):
        services.decline(setup.partner_caseworker, referral, "no")
    services.decline(setup.partner_caseworker, referral, "No bed free until next month")
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.packet is None
    with pytest.raises(Http404):
        access.open_packet(setup.partner_caseworker, referral.reference)
    assert access.open_referral(setup.caseworker, referral.reference).reason == "No bed free until next month"
    with pytest.raises(ValidationError):
        services.accept(setup.partner_caseworker, referral)


def test_revoking_ends_the_grant_at_once(setup: Setup) -> None:
    referral = _accepted(setup)
    with pytest.raises(PermissionDenied):
        services.revoke(setup.partner_caseworker, referral, "Not theirs to revoke at all")
    services.revoke(setup.caseworker, referral, "The person moved to another city")
    assert AccessGrant.objects.get(pk=referral.grant_id).revoked_at is not None
    assert referral.status == Status.REVOKED
    assert referral.packet is None
    with pytest.raises(Http404):
        access.open_packet(setup.partner_caseworker, referral.reference)
    # The summary stays, to say that it ended.
    assert (
        access.open_referral(setup.partner_caseworker, referral.reference).referral.status == Status.REVOKED
    )


def test_withdrawing_the_referral_consent_revokes_the_referral(setup: Setup) -> None:
    consent = setup.consent()
    referral = services.accept(setup.partner_caseworker, setup.send())
    consent_services.withdraw(setup.caseworker, consent)
    referral.refresh_from_db()
    assert referral.status == Status.REVOKED
    with pytest.raises(Http404):
        access.open_packet(setup.partner_caseworker, referral.reference)


def test_expiry_ends_access_at_the_time_set(setup: Setup) -> None:
    start = timezone.now()
    with freeze_time(start):
        referral = _accepted(setup)
    with freeze_time(start + timedelta(days=29)):
        assert access.open_packet(setup.partner_caseworker, referral.reference)
        assert services.expire_due().expired == 0
    with freeze_time(start + timedelta(days=30, seconds=1)):
        # The grant is no longer active: access ends even before anything marks the referral expired.
        with pytest.raises(Http404):
            access.open_packet(setup.partner_caseworker, referral.reference)
        call_command("expire_referrals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED
    assert referral.packet is None
    assert Notification.objects.filter(key="referral.expired", user=setup.caseworker.user).exists()


def test_an_unanswered_referral_is_overdue_and_reminded_once(setup: Setup) -> None:
    setup.consent()
    start = timezone.now()
    with freeze_time(start):
        referral = setup.send(urgency="urgent")
    with freeze_time(start + timedelta(days=2)):
        assert Referral.objects.get(pk=referral.pk).is_overdue
        assert services.expire_due().overdue_reminders == 1
        assert services.expire_due().overdue_reminders == 0
    assert (
        Notification.objects.filter(key="referral.overdue", user=setup.partner_supervisor.user).count() == 1
    )


# ---- notifications


def test_the_receivers_are_notified_and_e_mailed_without_personal_data(
    setup: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    setup.consent()
    with django_capture_on_commit_callbacks(execute=True):
        referral = setup.send()
    told = set(Notification.objects.filter(key="referral.received").values_list("user_id", flat=True))
    assert told == {setup.partner_caseworker.user.pk, setup.partner_supervisor.user.pk}
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert referral.reference in text
        assert "Olga" not in text
        assert FAMILY not in text
        assert PHONE not in text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(setup.partner_caseworker, referral)
    assert [m.to for m in mail.outbox] == [[setup.caseworker.user.email]]
    assert Notification.objects.filter(key="referral.accepted", user=setup.caseworker.user).exists()


# ---- lists


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("referrals:list")).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(setup: Setup) -> None:
    setup.consent()
    setup.send()
    sender, receiver = login(Client(), setup.caseworker), login(Client(), setup.partner_caseworker)
    one = (_list_queries(sender), _list_queries(receiver))
    for _ in range(4):
        setup.send()
    assert (_list_queries(sender), _list_queries(receiver)) == one


def test_the_lists_show_each_side_its_referrals(setup: Setup, make_member: MakeMember) -> None:
    setup.consent()
    referral = setup.send()
    assert list(access.outgoing(setup.caseworker)) == [referral]
    assert list(access.incoming(setup.partner_caseworker)) == [referral]
    assert not access.outgoing(make_member(setup.org, Role.CASEWORKER)).exists()  # not on the case
    assert not access.incoming(make_member(setup.partner, Role.TRAINER)).exists()
    assert not access.incoming(setup.caseworker).exists()


def test_rotating_the_receivers_key_keeps_the_packet_readable(setup: Setup) -> None:
    referral = _accepted(setup)
    before = bytes(Referral.objects.get(pk=referral.pk).packet or b"")
    assert sealed.rotate_organisation(setup.partner.pk) >= 1
    assert bytes(Referral.objects.get(pk=referral.pk).packet or b"") != before
    assert access.open_packet(setup.partner_caseworker, referral.reference).identity.given_names == "Olga"


def test_erasing_the_person_ends_their_referrals_and_drops_the_packets(setup: Setup) -> None:
    referral = _accepted(setup)
    assert services.export_referrals(setup.case.person)[0]["reference"] == referral.reference
    assert services.erase_referrals(setup.case.person) == 1
    referral.refresh_from_db()
    assert referral.status == Status.REVOKED
    assert referral.packet is None
    with pytest.raises(Http404):
        access.open_packet(setup.partner_caseworker, referral.reference)


def test_the_dashboard_counts_referral_flows_per_partner_with_small_counts_hidden(setup: Setup) -> None:
    setup.consent()
    for _ in range(12):
        services.accept(setup.partner_caseworker, setup.send())
    setup.send()  # one still waiting
    assert access.flows(setup.supervisor) == {setup.partner.name: {"sent_accepted": 12, "sent_other": 1}}
    assert access.flows(setup.caseworker) == {}  # counts about the organisation are for supervisors
    assert access.flows(setup.partner_supervisor) == {
        setup.org.name: {"received_accepted": 12, "received_other": 1}
    }
    page = login(Client(), setup.supervisor).get(reverse("protect:dashboard")).content.decode()
    assert "Referrals with partner organisations" in page
    assert ">12<" not in page  # 13 - 12 would give the single waiting referral away
    assert ">13<" in page
    assert "fewer than 5" in page
