"""The only way to read consents for a user: always through the person, opened with Protect's own scoping.

Whoever may not open the person gets a 404 for their consents too, so nobody learns that a record exists.
Opening the person is audited there (purpose "consent"); override reasons are unsealed only for that viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.rules import allowed
from threefold.consent.models import Consent, ConsentOverride, Purpose, Status, open_reason
from threefold.protect import access as protect_access
from threefold.protect.access import OpenedPerson
from threefold.protect.models import Person
from threefold.vault import sealed


@dataclass(frozen=True)
class OpenedOverride:
    override: ConsentOverride
    reason: str


@dataclass(frozen=True)
class PurposeHistory:
    purpose: Purpose
    consents: list[Consent]  # newest first, withdrawn and expired ones included

    @property
    def in_force(self) -> list[Consent]:
        return [consent for consent in self.consents if consent.status() == Status.IN_FORCE]


@dataclass(frozen=True)
class ConsentHistory:
    opened: OpenedPerson
    purposes: list[PurposeHistory]  # every purpose, in the order of ``Purpose``, even those never asked
    overrides: list[OpenedOverride]


@dataclass(frozen=True)
class OpenedConsent:
    opened: OpenedPerson
    consent: Consent


def _open(actor: Actor, reference: str, purpose: str) -> OpenedPerson:
    opened = protect_access.open_person(actor, reference, purpose=purpose)
    # open_person already applies the same rule; asking again keeps this page right if the rules drift apart.
    if not allowed(actor, "consent.view", opened.person):
        raise Http404
    return opened


def consents_for(actor: Actor, reference: str) -> ConsentHistory:
    """Every consent of the person, current and past, by purpose, and every override with its reason."""
    opened = _open(actor, reference, "consent")
    consents = list(
        Consent.objects.filter(person=opened.person).select_related(
            "recorded_by", "withdrawn_by", "recipient_organisation"
        )
    )
    overrides = list(
        ConsentOverride.objects.filter(person=opened.person).select_related("by", "recipient_organisation")
    )
    keys = sealed.keys_for(bytes(o.reason) for o in overrides)
    return ConsentHistory(
        opened,
        [PurposeHistory(purpose, [c for c in consents if c.purpose == purpose]) for purpose in Purpose],
        [OpenedOverride(o, open_reason(o, keys)) for o in overrides],
    )


def open_person(actor: Actor, reference: str) -> OpenedPerson:
    """The person whose consent is being recorded (the caller checks ``consent.record``)."""
    return _open(actor, reference, "record consent")


def open_consent(actor: Actor, reference: str, consent_id: int) -> OpenedConsent:
    """One consent of a person the actor may open; any other id, or someone else's person, is a 404."""
    opened = _open(actor, reference, "withdraw consent")
    consent = (
        Consent.objects.filter(person=opened.person, pk=consent_id)
        .select_related("recorded_by", "recipient_organisation")
        .first()
    )
    if consent is None:
        raise Http404
    return OpenedConsent(opened, consent)


def recipient_organisations(person: Person) -> QuerySet[Organisation]:
    """Organisations a person may agree to be referred to or to have data shared with: any but their own."""
    return Organisation.objects.exclude(pk=person.organisation_id).filter(is_demo=person.is_demo)
