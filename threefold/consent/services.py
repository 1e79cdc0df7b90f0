"""The only way to record, withdraw or override consent, and the check that other modules make before acting.

Referrals, exports and statistics call :func:`require` (or :func:`has_consent` for a plain yes or no) before
they include a person: DESIGN.md, "consent gates sharing".

Validation problems are raised as Django ``ValidationError`` keyed by argument name (``recipient``,
``guardian_relationship``, ``given_at``, ``expires_at``...), so a form whose fields carry those names shows
each message next to its field with ``form.add_error(None, error)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent.models import (
    NEEDS_RECIPIENT,
    TAKES_RECIPIENT,
    Consent,
    ConsentOverride,
    Method,
    Purpose,
    recipient_filter,
    seal_reason,
)
from threefold.protect.models import Person
from threefold.vault import sealed

MIN_OVERRIDE_REASON = 20


class ConsentRequired(Exception):
    """The person has not given the consent this action needs, and no override was recorded.

    ``str(error)`` is a translated sentence for the user, naming the person by reference and the recipient
    organisation by name, e.g. "No consent to refer P-7KQ2M9XA to Shelter Nord."
    """

    def __init__(
        self, person: Person, purpose: str, recipient: Organisation | None, message: str = ""
    ) -> None:
        self.person = person
        self.purpose = Purpose(purpose)
        self.recipient = recipient
        self.message = message or missing_consent_message(person, purpose, recipient)
        super().__init__(self.message)


class OverrideRefused(ConsentRequired):
    """An override was asked for but not allowed (role, organisation or reason): the consent is still missing."""


@dataclass(frozen=True)
class ConsentBasis:
    """Why an action may go ahead: the consent in force, or the override recorded just now (exactly one)."""

    consent: Consent | None = None
    override: ConsentOverride | None = None

    @property
    def is_override(self) -> bool:
        return self.override is not None

    def audit_details(self) -> dict[str, Any]:
        """Ids for the caller's own audit entry, so that every referral or export says on what basis it was made."""
        if self.override is not None:
            return {"consent_override": self.override.pk}
        assert self.consent is not None
        return {"consent": self.consent.pk}


def missing_consent_message(person: Person, purpose: str, recipient: Organisation | None) -> str:
    names = {"ref": person.reference, "org": recipient.name if recipient else ""}
    if purpose == Purpose.REFERRAL:
        return _("No consent to refer %(ref)s to %(org)s.") % names
    if purpose == Purpose.DATA_SHARING and recipient is not None:
        return _("No consent to share the data of %(ref)s with %(org)s.") % names
    messages = {
        Purpose.DATA_SHARING: _("No consent to share the data of %(ref)s."),
        Purpose.SERVICES: _("No consent from %(ref)s to receive services."),
        Purpose.STATISTICS: _("No consent to include %(ref)s in statistics."),
        Purpose.CONTACT: _("No consent to contact %(ref)s."),
    }
    return messages[Purpose(purpose)] % names


# ---- queries other modules use


def has_consent(
    person: Person, purpose: str, recipient: Organisation | None = None, at: datetime | None = None
) -> bool:
    """Whether ``person`` has consent in force for ``purpose`` (with ``recipient``) at ``at`` (default: now).

    No permission check and no audit entry: it answers yes or no and shows nothing. Overrides do not count;
    they authorise the one action they were recorded for, through :func:`require`.
    """
    return _in_force(person, purpose, recipient, at).exists()


def current_consent(person: Person, purpose: str, recipient: Organisation | None = None) -> Consent | None:
    """The consent in force now (the most recently given), or None."""
    return _in_force(person, purpose, recipient).first()


def _in_force(
    person: Person, purpose: str, recipient: Organisation | None, at: datetime | None = None
) -> QuerySet[Consent]:
    return Consent.objects.filter(person=person).in_force(purpose, recipient=recipient, at=at)


# ---- writes


def _validate(
    person: Person,
    purpose: str,
    method: str,
    given_at: datetime,
    recipient: Organisation | None,
    guardian_relationship: str,
    expires_at: datetime | None,
) -> None:
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose what the person agreed to.")
    elif purpose in NEEDS_RECIPIENT and recipient is None:
        errors["recipient"] = _("Choose the organisation the person agreed to be referred to.")
    elif purpose not in TAKES_RECIPIENT and recipient is not None:
        errors["recipient"] = _("Only a referral or data sharing names an organisation: leave it empty.")
    if recipient is not None and recipient.pk == person.organisation_id:
        errors["recipient"] = _("Choose another organisation than the one that holds the record.")
    if method not in Method.values:
        errors["method"] = _("Choose how the consent was given.")
    elif method == Method.GUARDIAN and not guardian_relationship:
        errors["guardian_relationship"] = _(
            "Say how the parent or guardian is related to the child, for example mother or legal guardian."
        )
    if given_at > timezone.now():
        errors["given_at"] = _("The date the consent was given cannot be in the future.")
    if expires_at is not None and expires_at <= given_at:
        errors["expires_at"] = _("The end date must come after the date the consent was given.")
    if errors:
        raise ValidationError(errors)


def record_consent(
    actor: Actor,
    person: Person,
    purpose: str,
    method: str,
    given_at: datetime,
    recipient: Organisation | None = None,
    guardian_relationship: str = "",
    expires_at: datetime | None = None,
) -> Consent:
    """Record a consent the person (or, for a child, their parent or guardian) gave. Audited."""
    if not allowed(actor, "consent.record", person):
        raise PermissionDenied
    guardian_relationship = guardian_relationship.strip() if method == Method.GUARDIAN else ""
    _validate(person, purpose, method, given_at, recipient, guardian_relationship, expires_at)
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            organisation_id=person.organisation_id,
            purpose=purpose,
            recipient_organisation=recipient,
            method=method,
            guardian_relationship=guardian_relationship,
            given_at=given_at,
            expires_at=expires_at,
            recorded_by=actor.user,
        )
        audit.record(actor, Action.CREATE, consent, details=_details(consent, method=method))
    return consent


def withdraw(actor: Actor, consent: Consent) -> Consent:
    """Record that the person withdrew this consent. It stops counting at once; the record is kept.

    No reason is asked: nobody owes one for withdrawing consent, and a reason would be free text about them.
    """
    if not allowed(actor, "consent.withdraw", consent.person):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: of two people withdrawing at once, one records it and the other is told.
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=actor.user, withdrawal_recorded_at=now
        )
        if not updated:
            raise ValidationError(_("This consent was already withdrawn."))
        audit.record(actor, Action.UPDATE, consent, details=_details(consent, withdrawn=True))
        if consent.purpose == Purpose.REFERRAL:  # the referrals it allowed end with it (same transaction)
            from threefold.referrals.services import revoke_for_withdrawn_consent

            revoke_for_withdrawn_consent(consent.person, consent.recipient_organisation, actor=actor)
    consent.refresh_from_db()
    return consent


def require(
    actor: Actor,
    person: Person,
    purpose: str,
    *,
    recipient: Organisation | None = None,
    override_reason: str | None = None,
) -> ConsentBasis:
    """The basis on which ``actor`` may act on ``person`` for ``purpose``, or :class:`ConsentRequired`.

    Call it inside the transaction of the action it authorises: an override is then kept only if the action
    is, and a withdrawal cannot slip in between this check and the action. Rules:

    * ``recipient`` is required for ``Purpose.REFERRAL`` and allowed for ``Purpose.DATA_SHARING`` (a consent
      naming no organisation covers any recipient there); for other purposes it must be None (ValueError).
    * A consent in force now wins: it is returned and ``override_reason`` is ignored.
    * Otherwise, with an ``override_reason``, a supervisor or legal officer of the person's organisation may
      go ahead: the override is recorded (reason sealed) and audited as breaking the glass, and shown on the
      person's consent page. Anyone else, or a reason shorter than 20 characters, gets
      :class:`OverrideRefused` (a ``ConsentRequired``) saying why.
    * Otherwise :class:`ConsentRequired`, whose message says which consent is missing.
    """
    in_force = _in_force(person, purpose, recipient)
    if transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction, lock the consent: a withdrawal recorded meanwhile waits until the
        # action commits, and every action that starts after the withdrawal sees it.
        in_force = in_force.select_for_update(of=("self",))
    consent = in_force.first()
    if consent is not None:
        return ConsentBasis(consent=consent)
    if override_reason is None:
        raise ConsentRequired(person, purpose, recipient)
    return ConsentBasis(override=_override(actor, person, purpose, recipient, override_reason.strip()))


def _override(
    actor: Actor, person: Person, purpose: str, recipient: Organisation | None, reason: str
) -> ConsentOverride:
    refusal = None
    if not allowed(actor, "consent.override", person):
        refusal = _(
            "Only a supervisor or legal officer of the organisation holding the record can override it."
        )
    elif len(reason) < MIN_OVERRIDE_REASON:
        refusal = _("To override it, say why in at least %(n)s characters.") % {"n": MIN_OVERRIDE_REASON}
    if refusal:
        missing = missing_consent_message(person, purpose, recipient)
        raise OverrideRefused(person, purpose, recipient, f"{missing} {refusal}")
    withdrawn = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=False)
    with transaction.atomic():
        override = ConsentOverride(
            person=person,
            organisation_id=person.organisation_id,
            purpose=purpose,
            recipient_organisation=recipient,
            by=actor.user,
            role=actor.role or "",
        )
        seal_reason(override, reason)
        # Under the person's key, not the organisation's: erasing the person must shred the reason (ADR 0015).
        sealed.move_to_subject(override, "reason", subject=person.reference)
        override.save()
        # The reason stays out of the audit entry: entries are not encrypted.
        audit.record(
            actor,
            Action.BREAK_GLASS,
            override,
            purpose="consent override",
            details={
                **_details(override),
                "override": True,
                "role": override.role,
                # Going ahead against a withdrawal is graver than going ahead where nobody asked: say so.
                "despite_withdrawal": withdrawn.filter(recipient_filter(purpose, recipient)).exists(),
            },
        )
    return override


def _details(row: Consent | ConsentOverride, **extra: Any) -> dict[str, Any]:
    # Ids and codes only (audit details are stored in the clear); the person's public reference is shown.
    return {
        "reference": row.person.reference,
        "purpose": row.purpose,
        "recipient_organisation": row.recipient_organisation_id,
        **extra,
    }
