"""The only way to send, answer, revoke or expire a referral, and to keep the partner directory.

Each change is one transaction with its audit entry and its notifications; the e-mails leave once it commits.
Sending checks consent inside that transaction (consent.services.require), so an override is kept only if the
referral is, and a withdrawal cannot slip in between the check and the referral.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import AccessGrant, Organisation, User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent import services as consent_services
from threefold.consent.models import Purpose
from threefold.notifications.services import notify
from threefold.protect import access as protect_access
from threefold.protect.case_access import read_context
from threefold.protect.models import Case, Person
from threefold.referrals import packet as packets
from threefold.referrals.models import (
    ANSWER_WITHIN,
    MAX_ACCESS_DAYS,
    OPEN_STATUSES,
    PACKET_CONTEXT,
    REASON_CONTEXT,
    PartnerService,
    Referral,
    Service,
    SharedField,
    Status,
    Urgency,
)
from threefold.vault import sealed

MIN_REASON_CHARS = 10
MAX_REASON_CHARS = 500
REFERRAL = Referral._meta.label_lower

# Re-exported so views catch one name: the consent a referral needs is missing and no override was allowed.
ConsentRequired = consent_services.ConsentRequired


def _url(referral: Referral) -> str:
    return reverse("referrals:referral", args=[referral.reference])


# ---- sending


def send(
    actor: Actor,
    case: Case,
    to_org: Organisation,
    services: Iterable[str],
    fields: Iterable[str],
    access_days: int,
    *,
    urgency: str = Urgency.ROUTINE,
    override_reason: str | None = None,
) -> Referral:
    """Refer ``case`` to ``to_org`` with the chosen groups of the person's data.

    Needs ``protect.change_case`` and the person's consent to be referred to ``to_org`` (or an override by a
    supervisor or legal officer, with a reason): otherwise ConsentRequired and nothing is created. Bad choices
    raise ValidationError keyed by argument name.
    """
    if not allowed(actor, "referrals.send", case):
        raise PermissionDenied
    chosen_services = _checked(services, Service, "services", _("Choose at least one service."))
    chosen_fields = _checked(fields, SharedField, "fields", _("Choose what of the person's data to share."))
    _validate_send(case, to_org, access_days, urgency)
    opened = protect_access.open_many([case.person])
    if not opened:
        raise ValidationError({"fields": _("This person's data was erased: there is nothing to refer.")})
    now = timezone.now()
    with transaction.atomic():
        basis = consent_services.require(
            actor, case.person, Purpose.REFERRAL, recipient=to_org, override_reason=override_reason
        )
        referral = Referral(
            case=case,
            person=case.person,
            from_organisation_id=case.organisation_id,
            to_organisation=to_org,
            services=",".join(chosen_services),
            urgency=urgency,
            fields=",".join(chosen_fields),
            consent=basis.consent,
            consent_override=basis.override,
            sent_by=actor.user,
            sent_at=now,
            answer_by=now + ANSWER_WITHIN[Urgency(urgency)],
            access_days=access_days,
            # An offer nobody answers lapses after the access period it offered.
            expires_at=now + timedelta(days=access_days),
        )
        data = packets.build(chosen_fields, opened[0].identity, read_context(case))
        # Under the person's key at the receiving organisation: erasing the person shreds this copy too.
        referral.packet = sealed.seal_json(
            data,
            organisation_id=to_org.pk,
            context=sealed.row_context(PACKET_CONTEXT, referral.reference),
            subject=case.person.reference,
        )
        referral.save()
        audit.record(
            actor,
            Action.CREATE,
            referral,
            details={
                "case": case.reference,
                "to_organisation": to_org.pk,
                "fields": chosen_fields,
                **basis.audit_details(),
            },
        )
        notify(
            _responders(to_org),
            "referral.received",
            {"reference": referral.reference, "organisation": case.organisation.name},
            _url(referral),
        )
    return referral


def _checked(values: Iterable[str], choices: type, name: str, empty: str) -> list[str]:
    wanted = set(values)
    if not wanted:
        raise ValidationError({name: empty})
    unknown = wanted - set(choices.values)  # type: ignore[attr-defined]
    if unknown:
        raise ValidationError(
            {name: _("Unknown choice: %(values)s.") % {"values": ", ".join(sorted(unknown))}}
        )
    return [value for value in choices.values if value in wanted]  # type: ignore[attr-defined]


def _validate_send(case: Case, to_org: Organisation, access_days: int, urgency: str) -> None:
    errors: dict[str, str] = {}
    if to_org.pk == case.organisation_id:
        errors["to_org"] = _("Choose another organisation than your own.")
    elif to_org.is_demo != case.is_demo:
        # Fictitious demonstration records never travel to real organisations, nor real ones to demo ones.
        errors["to_org"] = _("Choose an organisation of the same kind (demonstration or real) as the case.")
    if not 1 <= access_days <= MAX_ACCESS_DAYS:
        errors["access_days"] = _("Access lasts from 1 to %(max)s days.") % {"max": MAX_ACCESS_DAYS}
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    if errors:
        raise ValidationError(errors)


def _responders(organisation: Organisation) -> QuerySet[User]:
    """Who answers referrals for an organisation: its active caseworkers and supervisors."""
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__role__in=(Role.CASEWORKER, Role.SUPERVISOR),
        is_active=True,
    ).distinct()


# ---- answering


def accept(actor: Actor, referral: Referral) -> Referral:
    """The receiving organisation takes the referral: it may read the packet for ``access_days`` days."""
    if not allowed(actor, "referrals.respond", referral):
        raise PermissionDenied
    now = timezone.now()
    expires_at = now + timedelta(days=referral.access_days)
    with transaction.atomic():
        _claim(referral, Status.SENT, _("Only a referral waiting for an answer can be accepted."))
        grant = AccessGrant.objects.create(
            object_type=REFERRAL,
            object_id=str(referral.pk),
            grantee_organisation_id=referral.to_organisation_id,
            scope="view",
            reason=f"referral {referral.reference}",
            granted_by=actor.user,
            starts_at=now,
            expires_at=expires_at,
        )
        Referral.objects.filter(pk=referral.pk).update(
            status=Status.ACCEPTED,
            responded_by=actor.user,
            responded_at=now,
            grant=grant,
            expires_at=expires_at,
        )
        audit.record(
            actor, Action.GRANT, referral, details={"grant": str(grant.pk), "days": referral.access_days}
        )
        referral.refresh_from_db()
        _tell_sender(referral, "referral.accepted")
    return referral


def decline(actor: Actor, referral: Referral, reason: str) -> Referral:
    """The receiving organisation says no, and why; the packet is erased."""
    if not allowed(actor, "referrals.respond", referral):
        raise PermissionDenied
    reason = _clean_reason(reason)
    with transaction.atomic():
        _claim(referral, Status.SENT, _("Only a referral waiting for an answer can be declined."))
        now = timezone.now()
        _end(referral, Status.DECLINED, reason=reason, responded_by=actor.user, responded_at=now)
        audit.record(actor, Action.UPDATE, referral, details={"status": Status.DECLINED})
        _tell_sender(referral, "referral.declined")
    return referral


def revoke(actor: Actor, referral: Referral, reason: str) -> Referral:
    """The sender withdraws the referral: the receiving organisation's access ends at once."""
    if not allowed(actor, "referrals.revoke", referral):
        raise PermissionDenied
    reason = _clean_reason(reason)
    with transaction.atomic():
        _revoke(referral, reason=reason, by=actor.user)
        audit.record(actor, Action.REVOKE, referral, details={"grant": str(referral.grant_id or "")})
    return referral


def revoke_for_withdrawn_consent(
    person: Person, recipient: Organisation | None, *, actor: Actor | None = None
) -> int:
    """The person withdrew their consent to be referred to ``recipient``: end their open referrals there,
    unless another consent to it is still in force. Called by consent.services.withdraw, in its transaction.
    Referrals sent on an override end too: a withdrawal says the person objects now."""
    if recipient is None or consent_services.has_consent(person, Purpose.REFERRAL, recipient):
        return 0
    ended = 0
    for referral in Referral.objects.filter(
        person=person, to_organisation=recipient, status__in=OPEN_STATUSES
    ):
        _revoke(referral, reason="", by=actor.user if actor else None)
        audit.record(
            actor,
            Action.REVOKE,
            referral,
            purpose="consent withdrawn",
            details={"grant": str(referral.grant_id or "")},
            system_label="system:consent_withdrawn",
            organisation_id=referral.from_organisation_id,
        )
        ended += 1
    return ended


def _revoke(referral: Referral, *, reason: str, by: User | None) -> None:
    _claim(referral, OPEN_STATUSES, _("This referral has already ended."))
    _end(referral, Status.REVOKED, reason=reason, ended_by=by, ended_at=timezone.now())
    _tell_both(referral, "referral.revoked")


@dataclass(frozen=True)
class Expiry:
    expired: int
    overdue_reminders: int


def expire_due(now: datetime | None = None) -> Expiry:
    """End the referrals whose access (or unanswered offer) ran out, and remind receivers of overdue answers once.

    Idempotent: run it as often as you like (the ``expire_referrals`` command, or the task of that name).
    """
    now = now or timezone.now()
    expired = 0
    for referral in Referral.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=now).select_related(
        "from_organisation"
    ):
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, status__in=OPEN_STATUSES).exists():
                continue  # ended meanwhile by someone else
            _end(referral, Status.EXPIRED, ended_at=now)
            audit.record(
                None,
                Action.REVOKE,
                referral,
                purpose="referral expired",
                system_label="system:expire_referrals",
                organisation_id=referral.from_organisation_id,
            )
            _tell_both(referral, "referral.expired")
            expired += 1
    reminders = 0
    overdue = Referral.objects.filter(
        status=Status.SENT, answer_by__lte=now, overdue_notified_at__isnull=True
    ).select_related("from_organisation", "to_organisation")
    for referral in overdue:
        with transaction.atomic():
            if Referral.objects.filter(pk=referral.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            ):
                notify(
                    _responders(referral.to_organisation),
                    "referral.overdue",
                    {"reference": referral.reference, "organisation": referral.from_organisation.name},
                    _url(referral),
                )
                reminders += 1
    return Expiry(expired, reminders)


def _claim(referral: Referral, statuses: str | tuple[str, ...], message: str) -> None:
    """Lock the row and check its status, so two answers (or an answer and a revocation) cannot both win."""
    wanted = (statuses,) if isinstance(statuses, str) else statuses
    current = (
        Referral.objects.select_for_update().filter(pk=referral.pk).values_list("status", flat=True).first()
    )
    if current not in wanted:
        raise ValidationError(message)
    referral.refresh_from_db()  # the caller's copy may predate an acceptance (and its grant)


def _end(referral: Referral, status: str, *, reason: str = "", **fields: object) -> None:
    """End a referral: revoke its grant, erase its packet, seal the reason. The summary stays, to say it ended."""
    now = timezone.now()
    if referral.grant_id:
        AccessGrant.objects.filter(pk=referral.grant_id, revoked_at__isnull=True).update(revoked_at=now)
    sealed_reason = (
        sealed.seal_json(
            {"reason": reason},
            organisation_id=referral.from_organisation_id,
            context=sealed.row_context(REASON_CONTEXT, referral.reference),
            subject=referral.person.reference,
        )
        if reason
        else None
    )
    Referral.objects.filter(pk=referral.pk).update(status=status, packet=None, reason=sealed_reason, **fields)
    referral.refresh_from_db()


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not MIN_REASON_CHARS <= len(reason) <= MAX_REASON_CHARS:
        raise ValidationError(
            {
                "reason": _("Give a reason of %(min)s to %(max)s characters.")
                % {"min": MIN_REASON_CHARS, "max": MAX_REASON_CHARS}
            }
        )
    return reason


def _tell_sender(referral: Referral, key: str) -> None:
    notify(
        [referral.sent_by],
        key,
        {"reference": referral.reference, "organisation": referral.to_organisation.name},
        _url(referral),
    )


def _tell_both(referral: Referral, key: str) -> None:
    """The sender, and the receiving organisation's responders (who lose access)."""
    notify(
        [referral.sent_by, *_responders(referral.to_organisation)],
        key,
        {"reference": referral.reference},
        _url(referral),
    )


def open_reason(referral: Referral) -> str:
    if not referral.reason:
        return ""
    return str(
        sealed.unseal_json(
            bytes(referral.reason),
            organisation_id=referral.from_organisation_id,
            context=sealed.row_context(REASON_CONTEXT, referral.reference),
        )["reason"]
    )


# ---- the partner directory


PARTNER_FIELDS = ("service", "country", "region", "description", "accepts_referrals")


def save_partner_service(actor: Actor, entry: PartnerService) -> PartnerService:
    """Create or update one of the actor's organisation's entries (the form has filled it in)."""
    if entry.pk is None:
        if not allowed(actor, "referrals.manage_partners"):
            raise PermissionDenied
        entry.organisation_id = actor.org_id
    elif not allowed(actor, "referrals.change_partner", entry):
        raise PermissionDenied
    entry.updated_at = timezone.now()
    entry.updated_by = actor.user
    entry.full_clean()
    with transaction.atomic():
        created = entry.pk is None
        entry.save()
        audit.record(
            actor,
            Action.CREATE if created else Action.UPDATE,
            entry,
            details={"service": entry.service, "country": entry.country},
        )
    return entry


def delete_partner_service(actor: Actor, entry: PartnerService) -> None:
    if not allowed(actor, "referrals.change_partner", entry):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, entry, details={"service": entry.service})
        entry.delete()


# ---- survivor data rights (registered in apps.py)


def export_referrals(person: Person) -> list[dict[str, object]]:
    """What the referrals of ``person`` say, for the person's own copy of their data (packets as summaries:
    their content is the person's identity, exported whole elsewhere)."""
    rows = Referral.objects.filter(person=person).select_related("from_organisation", "to_organisation")
    return [
        {
            "reference": referral.reference,
            "from_organisation": referral.from_organisation.name,
            "to_organisation": referral.to_organisation.name,
            "services": referral.service_list,
            "shared": referral.field_list,
            "status": referral.status,
            "sent_at": referral.sent_at,
            "responded_at": referral.responded_at,
            "ended_at": referral.ended_at,
            "reason": open_reason(referral),
        }
        for referral in rows
    ]


def erase_referrals(person: Person) -> int:
    """End every open referral of ``person`` (their grants revoked) and drop every packet and reason."""
    now = timezone.now()
    referrals = Referral.objects.filter(person=person)
    grants = referrals.exclude(grant=None).values("grant_id")
    AccessGrant.objects.filter(pk__in=grants, revoked_at__isnull=True).update(revoked_at=now)
    referrals.filter(status__in=OPEN_STATUSES).update(status=Status.REVOKED, ended_at=now)
    return referrals.update(packet=None, reason=None)
