"""Consent: recorded per purpose, withdrawable at once, enforced by ``services.require``, overridable only by a
supervisor or legal officer with a reason, which is sealed, audited and shown on the person's consent page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import AccessGrant, Organisation, OrganisationType
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import access, services
from threefold.consent.models import Consent, ConsentOverride, Method, Purpose, Status, open_reason
from threefold.consent.services import ConsentRequired, OverrideRefused
from threefold.protect.models import Person

REASON = "Police request for the trial of the recruiter next week"


@pytest.fixture
def people(org: Organisation, make_member: MakeMember) -> dict[str, Actor]:
    return {
        role: make_member(org, role)
        for role in (Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER, Role.SCREENER, Role.ANALYST)
    }


@pytest.fixture
def caseworker(people: dict[str, Actor]) -> Actor:
    return people[Role.CASEWORKER]


@pytest.fixture
def person(caseworker: Actor, make_person: Callable[..., Person]) -> Person:
    return make_person(caseworker)


@pytest.fixture
def shelter(db: None) -> Organisation:
    return Organisation.objects.create(name="Shelter Nord", type=OrganisationType.NGO, country="FR")


@pytest.fixture
def clinic(db: None) -> Organisation:
    return Organisation.objects.create(name="Clinique Sud", type=OrganisationType.HEALTH, country="FR")


def give(actor: Actor, person: Person, purpose: Purpose, **extra: Any) -> Consent:
    extra.setdefault("given_at", timezone.now())
    method = extra.pop("method", Method.WRITTEN)
    return services.record_consent(actor, person, purpose, method, **extra)


# ---- recording


@pytest.mark.django_db
def test_a_recorded_consent_counts_at_once_and_is_audited(caseworker: Actor, person: Person) -> None:
    assert not services.has_consent(person, Purpose.SERVICES)
    consent = give(caseworker, person, Purpose.SERVICES)
    assert services.has_consent(person, Purpose.SERVICES)
    assert not services.has_consent(person, Purpose.CONTACT)  # one purpose at a time
    assert consent.organisation_id == person.organisation_id
    assert consent.recorded_by == caseworker.user
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="consent.consent")
    assert entry.object_id == str(consent.pk)
    assert entry.details == {
        "reference": person.reference,
        "purpose": "services",
        "recipient_organisation": None,
        "method": "written",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEGAL_OFFICER, Role.SCREENER, Role.ANALYST])
def test_only_those_who_may_change_the_person_record_consent(
    people: dict[str, Actor], person: Person, role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        give(people[role], person, Purpose.SERVICES)
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_another_caseworker_of_the_organisation_may_not_record_consent(
    org: Organisation, make_member: MakeMember, person: Person
) -> None:
    with pytest.raises(PermissionDenied):
        give(make_member(org, Role.CASEWORKER), person, Purpose.SERVICES)


@pytest.mark.django_db
def test_a_guardians_consent_needs_their_relationship(caseworker: Actor, person: Person) -> None:
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.SERVICES, method=Method.GUARDIAN, guardian_relationship="  ")
    assert set(error.value.message_dict) == {"guardian_relationship"}
    consent = give(
        caseworker, person, Purpose.SERVICES, method=Method.GUARDIAN, guardian_relationship=" mother "
    )
    assert consent.guardian_relationship == "mother"


@pytest.mark.django_db
def test_a_relationship_is_kept_only_for_a_guardians_consent(caseworker: Actor, person: Person) -> None:
    consent = give(caseworker, person, Purpose.SERVICES, method=Method.VERBAL, guardian_relationship="aunt")
    assert consent.guardian_relationship == ""


@pytest.mark.django_db
def test_a_referral_consent_names_another_organisation(
    caseworker: Actor, person: Person, org: Organisation, shelter: Organisation
) -> None:
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.REFERRAL)
    assert set(error.value.message_dict) == {"recipient"}
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.REFERRAL, recipient=org)
    assert set(error.value.message_dict) == {"recipient"}
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.STATISTICS, recipient=shelter)
    assert set(error.value.message_dict) == {"recipient"}
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_dates_must_make_sense(caseworker: Actor, person: Person) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.SERVICES, given_at=now + timedelta(days=1))
    assert set(error.value.message_dict) == {"given_at"}
    with pytest.raises(ValidationError) as error:
        give(caseworker, person, Purpose.SERVICES, given_at=now, expires_at=now - timedelta(days=1))
    assert set(error.value.message_dict) == {"expires_at"}


@pytest.mark.django_db
def test_the_database_refuses_a_referral_consent_without_a_recipient(
    caseworker: Actor, person: Person
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=person,
            organisation_id=person.organisation_id,
            purpose=Purpose.REFERRAL,
            method=Method.WRITTEN,
            given_at=timezone.now(),
            recorded_by=caseworker.user,
        )


# ---- withdrawing


@pytest.mark.django_db
def test_withdrawal_takes_effect_at_once_and_keeps_the_record(caseworker: Actor, person: Person) -> None:
    consent = give(caseworker, person, Purpose.SERVICES)
    before = timezone.now()
    services.withdraw(caseworker, consent)
    assert not services.has_consent(person, Purpose.SERVICES)
    with pytest.raises(ConsentRequired):
        services.require(caseworker, person, Purpose.SERVICES)
    consent.refresh_from_db()
    assert consent.status() == Status.WITHDRAWN
    assert consent.withdrawn_by == caseworker.user
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_at >= before
    assert consent.withdrawal_recorded_at == consent.withdrawn_at
    # It did count before it was withdrawn: history stays true.
    assert services.has_consent(person, Purpose.SERVICES, at=before - timedelta(microseconds=1))
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="consent.consent")
    assert entry.details["withdrawn"] is True


@pytest.mark.django_db
def test_a_consent_is_withdrawn_once(caseworker: Actor, person: Person) -> None:
    consent = give(caseworker, person, Purpose.SERVICES)
    services.withdraw(caseworker, consent)
    with pytest.raises(ValidationError):
        services.withdraw(caseworker, consent)
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="consent.consent").count() == 1


@pytest.mark.django_db
def test_only_those_who_may_change_the_person_withdraw(people: dict[str, Actor], person: Person) -> None:
    consent = give(people[Role.CASEWORKER], person, Purpose.SERVICES)
    with pytest.raises(PermissionDenied):
        services.withdraw(people[Role.LEGAL_OFFICER], consent)
    assert services.has_consent(person, Purpose.SERVICES)


# ---- require() and has_consent()


@pytest.mark.django_db
def test_require_returns_the_consent_in_force(caseworker: Actor, person: Person) -> None:
    consent = give(caseworker, person, Purpose.STATISTICS)
    basis = services.require(caseworker, person, Purpose.STATISTICS)
    assert basis.consent == consent
    assert not basis.is_override
    assert basis.audit_details() == {"consent": consent.pk}


@pytest.mark.django_db
def test_require_works_inside_the_callers_transaction(caseworker: Actor, person: Person) -> None:
    consent = give(caseworker, person, Purpose.STATISTICS)
    with transaction.atomic():
        assert services.require(caseworker, person, Purpose.STATISTICS).consent == consent


@pytest.mark.django_db
def test_require_refuses_without_consent_and_says_which(caseworker: Actor, person: Person) -> None:
    with pytest.raises(ConsentRequired) as error:
        services.require(caseworker, person, Purpose.CONTACT)
    assert str(error.value) == f"No consent to contact {person.reference}."
    assert error.value.purpose == Purpose.CONTACT


@pytest.mark.django_db
def test_an_expired_consent_no_longer_counts(caseworker: Actor, person: Person) -> None:
    now = timezone.now()
    consent = give(
        caseworker,
        person,
        Purpose.SERVICES,
        given_at=now - timedelta(days=30),
        expires_at=now - timedelta(days=1),
    )
    assert consent.status() == Status.EXPIRED
    assert not services.has_consent(person, Purpose.SERVICES)
    assert services.has_consent(person, Purpose.SERVICES, at=now - timedelta(days=2))
    with pytest.raises(ConsentRequired):
        services.require(caseworker, person, Purpose.SERVICES)


@pytest.mark.django_db
def test_a_referral_consent_is_for_the_named_recipient_only(
    caseworker: Actor, person: Person, shelter: Organisation, clinic: Organisation
) -> None:
    consent = give(caseworker, person, Purpose.REFERRAL, recipient=shelter)
    assert services.require(caseworker, person, Purpose.REFERRAL, recipient=shelter).consent == consent
    with pytest.raises(ConsentRequired) as error:
        services.require(caseworker, person, Purpose.REFERRAL, recipient=clinic)
    assert str(error.value) == f"No consent to refer {person.reference} to Clinique Sud."
    # Consent to be referred is not consent to have data shared, nor the other way round.
    assert not services.has_consent(person, Purpose.DATA_SHARING, shelter)


@pytest.mark.django_db
def test_data_sharing_consent_covers_its_named_recipient_or_any_when_none_is_named(
    caseworker: Actor, person: Person, shelter: Organisation, clinic: Organisation
) -> None:
    give(caseworker, person, Purpose.DATA_SHARING, recipient=shelter)
    assert services.has_consent(person, Purpose.DATA_SHARING, shelter)
    assert not services.has_consent(person, Purpose.DATA_SHARING, clinic)
    assert not services.has_consent(person, Purpose.DATA_SHARING)
    give(caseworker, person, Purpose.DATA_SHARING)
    assert services.has_consent(person, Purpose.DATA_SHARING, clinic)
    assert services.has_consent(person, Purpose.DATA_SHARING)


@pytest.mark.django_db
def test_asking_the_wrong_question_is_a_programming_error(
    caseworker: Actor, person: Person, shelter: Organisation
) -> None:
    with pytest.raises(ValueError, match="named recipient"):
        services.require(caseworker, person, Purpose.REFERRAL)
    with pytest.raises(ValueError, match="no recipient"):
        services.has_consent(person, Purpose.STATISTICS, shelter)


@pytest.mark.django_db
def test_in_force_lists_consenting_people_in_bulk(
    caseworker: Actor, person: Person, make_person: Callable[..., Person]
) -> None:
    other = make_person(caseworker, "Ana", "Lima")
    give(caseworker, person, Purpose.STATISTICS)
    services.withdraw(caseworker, give(caseworker, other, Purpose.STATISTICS))
    assert list(Consent.objects.in_force(Purpose.STATISTICS).values_list("person_id", flat=True)) == [
        person.pk
    ]


# ---- overrides


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEGAL_OFFICER])
def test_a_supervisor_or_legal_officer_may_override_with_a_reason(
    people: dict[str, Actor], person: Person, shelter: Organisation, role: Role
) -> None:
    actor = people[role]
    basis = services.require(
        actor, person, Purpose.REFERRAL, recipient=shelter, override_reason=f"  {REASON} "
    )
    override = basis.override
    assert basis.is_override
    assert override is not None
    assert basis.consent is None
    assert basis.audit_details() == {"consent_override": override.pk}
    assert (override.by, override.role, override.recipient_organisation) == (actor.user, role, shelter)
    assert open_reason(override) == REASON
    assert REASON.encode() not in bytes(ConsentOverride.objects.get().reason)  # sealed at rest
    entry = AuditEntry.objects.get(action=Action.BREAK_GLASS, object_type="consent.consentoverride")
    assert entry.details["override"] is True
    assert entry.details["reference"] == person.reference
    assert entry.details["despite_withdrawal"] is False
    assert REASON not in str(entry.details) + entry.purpose  # audit entries are not encrypted
    # An override authorises the action it was recorded for; it is not a consent.
    assert not services.has_consent(person, Purpose.REFERRAL, shelter)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SCREENER, Role.ANALYST])
def test_other_roles_may_not_override(people: dict[str, Actor], person: Person, role: Role) -> None:
    with pytest.raises(OverrideRefused) as error:
        services.require(people[role], person, Purpose.STATISTICS, override_reason=REASON)
    assert isinstance(error.value, ConsentRequired)
    assert str(error.value).startswith(f"No consent to include {person.reference} in statistics.")
    assert "supervisor or legal officer" in str(error.value)
    assert not ConsentOverride.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.BREAK_GLASS).exists()


@pytest.mark.django_db
def test_a_supervisor_of_another_organisation_may_not_override(
    other_org: Organisation, make_member: MakeMember, person: Person
) -> None:
    with pytest.raises(OverrideRefused):
        services.require(
            make_member(other_org, Role.SUPERVISOR), person, Purpose.STATISTICS, override_reason=REASON
        )
    assert not ConsentOverride.objects.exists()


@pytest.mark.django_db
def test_an_override_needs_a_reason_of_twenty_characters(people: dict[str, Actor], person: Person) -> None:
    with pytest.raises(OverrideRefused, match="at least 20 characters"):
        services.require(
            people[Role.SUPERVISOR], person, Purpose.STATISTICS, override_reason="   too short, sorry    "
        )
    assert not ConsentOverride.objects.exists()


@pytest.mark.django_db
def test_no_override_is_recorded_when_consent_is_in_force(people: dict[str, Actor], person: Person) -> None:
    consent = give(people[Role.CASEWORKER], person, Purpose.STATISTICS)
    basis = services.require(people[Role.SUPERVISOR], person, Purpose.STATISTICS, override_reason=REASON)
    assert basis.consent == consent
    assert not ConsentOverride.objects.exists()


@pytest.mark.django_db
def test_an_override_against_a_withdrawal_says_so(people: dict[str, Actor], person: Person) -> None:
    services.withdraw(people[Role.CASEWORKER], give(people[Role.CASEWORKER], person, Purpose.CONTACT))
    services.require(people[Role.LEGAL_OFFICER], person, Purpose.CONTACT, override_reason=REASON)
    entry = AuditEntry.objects.get(action=Action.BREAK_GLASS)
    assert entry.details["despite_withdrawal"] is True


@pytest.mark.django_db
def test_overrides_are_listed_with_their_reason(
    people: dict[str, Actor], person: Person, shelter: Organisation
) -> None:
    services.require(
        people[Role.SUPERVISOR], person, Purpose.REFERRAL, recipient=shelter, override_reason=REASON
    )
    history = access.consents_for(people[Role.CASEWORKER], person.reference)
    assert [(o.override.purpose, o.reason) for o in history.overrides] == [(Purpose.REFERRAL, REASON)]
    assert [group.purpose for group in history.purposes] == list(Purpose)


# ---- access


@pytest.mark.django_db
def test_another_organisation_gets_404(
    other_org: Organisation, make_member: MakeMember, caseworker: Actor, person: Person
) -> None:
    consent = give(caseworker, person, Purpose.SERVICES)
    outsider = make_member(other_org, Role.CASEWORKER)
    with pytest.raises(Http404):
        access.consents_for(outsider, person.reference)
    with pytest.raises(Http404):
        access.open_consent(outsider, person.reference, consent.pk)


@pytest.mark.django_db
def test_a_consent_of_another_person_is_a_404(
    caseworker: Actor, person: Person, make_person: Callable[..., Person]
) -> None:
    other = make_person(caseworker, "Ana", "Lima")
    consent = give(caseworker, other, Purpose.SERVICES)
    with pytest.raises(Http404):
        access.open_consent(caseworker, person.reference, consent.pk)


@pytest.mark.django_db
def test_a_partner_with_a_referral_grant_sees_consents_but_may_not_override(
    other_org: Organisation, make_member: MakeMember, caseworker: Actor, person: Person
) -> None:
    partner = make_member(other_org, Role.SUPERVISOR)
    # Referrals will make such grants; here one is made by hand.
    AccessGrant.objects.create(
        object_type="protect.person",
        object_id=str(person.pk),
        grantee_organisation=other_org,
        reason="referral",
        granted_by=caseworker.user,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert access.consents_for(partner, person.reference).opened.person == person
    with pytest.raises(OverrideRefused):
        services.require(partner, person, Purpose.SERVICES, override_reason=REASON)


# ---- pages


def _post_record(client: Client, person: Person, **data: Any) -> Any:
    form = {
        "purpose": Purpose.SERVICES,
        "method": Method.VERBAL,
        "given_at": timezone.localdate().isoformat(),
        "confirm": "on",
        **data,
    }
    return client.post(reverse("consent:record", args=[person.reference]), form)


@pytest.mark.django_db
def test_the_form_shows_each_rule_next_to_its_field(
    client_for: Callable[[Actor], Client], caseworker: Actor, person: Person
) -> None:
    client = client_for(caseworker)
    response = _post_record(client, person, purpose=Purpose.REFERRAL, method=Method.GUARDIAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'id="id_recipient_error"' in page
    assert 'id="id_guardian_relationship_error"' in page
    assert "Choose the organisation the person agreed to be referred to." in page
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_the_form_records_a_referral_consent(
    client_for: Callable[[Actor], Client], caseworker: Actor, person: Person, shelter: Organisation
) -> None:
    client = client_for(caseworker)
    response = _post_record(client, person, purpose=Purpose.REFERRAL, recipient=shelter.pk)
    assert response.status_code == 302
    assert services.has_consent(person, Purpose.REFERRAL, shelter)
    page = client.get(response["Location"]).content.decode()
    assert "Shelter Nord" in page
    assert "In force" in page


@pytest.mark.django_db
def test_the_form_offers_other_organisations_only(
    client_for: Callable[[Actor], Client],
    caseworker: Actor,
    person: Person,
    shelter: Organisation,
    org: Organisation,
) -> None:
    page = client_for(caseworker).get(reverse("consent:record", args=[person.reference])).content.decode()
    assert f'value="{shelter.pk}"' in page
    assert f'value="{org.pk}"' not in page
    assert "<legend>What did the person agree to?</legend>" in page  # a radio group has a legend


@pytest.mark.django_db
def test_a_consent_given_on_an_earlier_day_counts_from_that_day(
    client_for: Callable[[Actor], Client], caseworker: Actor, person: Person
) -> None:
    three_days_ago = timezone.localdate() - timedelta(days=3)
    _post_record(client_for(caseworker), person, given_at=three_days_ago.isoformat())
    consent = Consent.objects.get()
    assert timezone.localtime(consent.given_at).date() == three_days_ago


@pytest.mark.django_db
def test_the_withdraw_button_withdraws(
    client_for: Callable[[Actor], Client], caseworker: Actor, person: Person
) -> None:
    consent = give(caseworker, person, Purpose.SERVICES)
    client = client_for(caseworker)
    url = reverse("consent:withdraw", args=[person.reference, consent.pk])
    assert "Withdraw the consent" in client.get(url).content.decode()
    assert not Consent.objects.get().withdrawn_at  # asking for confirmation changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert Consent.objects.get().withdrawn_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Withdrawn" in page
    assert client.post(url).status_code == 302  # a second withdrawal is refused politely
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="consent.consent").count() == 1


@pytest.mark.django_db
def test_the_consent_page_highlights_overrides(
    client_for: Callable[[Actor], Client], people: dict[str, Actor], person: Person
) -> None:
    services.require(people[Role.SUPERVISOR], person, Purpose.STATISTICS, override_reason=REASON)
    page = client_for(people[Role.CASEWORKER]).get(reverse("consent:consents", args=[person.reference]))
    text = page.content.decode()
    assert "Went ahead without consent" in text
    assert 'class="row-alert"' in text
    assert REASON in text
