"""The only way to read referrals and the partner directory for a user.

* The sending side sees its referrals through the case: only those of people the actor may open.
* The receiving side sees a summary that identifies nobody (reference, services, urgency, sender, dates)
  and, only while its organisation holds an active grant on the referral, the packet. Every opening of a
  packet is audited. An ended referral keeps its summary, so both sides can see that and when it ended.

Anything else is a 404, so nobody learns that a referral exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect import access as protect_access
from threefold.protect import case_access
from threefold.protect.case_access import OpenedCase
from threefold.referrals.models import PACKET_CONTEXT, PartnerService, Referral, Status
from threefold.referrals.packet import Packet
from threefold.referrals.services import open_reason
from threefold.vault import sealed

# The columns a summary needs: the sealed packet and reason are never loaded for a list.
_SUMMARY = ("packet", "reason")


def outgoing(actor: Actor) -> QuerySet[Referral]:
    """Referrals the actor's organisation sent, for people the actor may open (cases follow people)."""
    if actor.organisation_id is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            from_organisation_id=actor.org_id, person__in=protect_access.visible_persons(actor)
        )
        .defer(*_SUMMARY)
        .select_related("to_organisation", "case")
    )


def incoming(actor: Actor) -> QuerySet[Referral]:
    """Referrals to the actor's organisation, as summaries, for the caseworkers and supervisors who answer them."""
    if not allowed(actor, "referrals.view_incoming"):
        return Referral.objects.none()
    return (
        Referral.objects.filter(to_organisation_id=actor.org_id)
        .defer(*_SUMMARY)
        .select_related("from_organisation")
    )


def waiting_count(actor: Actor) -> int:
    """How many referrals wait for the actor's organisation's answer (for a home-page reminder)."""
    return incoming(actor).filter(status=Status.SENT).count()


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    sent: bool  # the actor's organisation sent it (else it received it)
    reason: str = ""  # why it was declined or revoked: for the sending side, whose case record it is
    packet: Packet | None = None  # for the receiving side, only while its grant is active

    @property
    def received(self) -> bool:
        return not self.sent


def get_referral(actor: Actor, reference: str) -> Referral:
    """The referral, if the actor is on either side of it; otherwise 404."""
    referral = (
        Referral.objects.select_related(
            "from_organisation", "to_organisation", "case", "case__person", "sent_by"
        )
        .filter(reference=reference)
        .first()
    )
    if referral is None or not (
        allowed(actor, "referrals.view_sent", referral) or allowed(actor, "referrals.view_received", referral)
    ):
        raise Http404
    return referral


def open_referral(actor: Actor, reference: str) -> ReferralView:
    """The referral as the actor's side may see it. The packet is unsealed (and the reading audited) only for
    the receiving organisation while its grant is active; the reason only for the sending side."""
    referral = get_referral(actor, reference)
    if allowed(actor, "referrals.view_sent", referral):
        reason = open_reason(referral)
        if reason:
            audit.record(actor, Action.VIEW, referral, purpose="referral reason")
        return ReferralView(referral, sent=True, reason=reason)
    packet = None
    if (
        referral.status == Status.ACCEPTED
        and referral.packet
        and allowed(actor, "referrals.open_packet", referral)
    ):
        packet = _unseal(referral)
        audit.record(actor, Action.VIEW, referral, purpose="referral packet")
    return ReferralView(referral, sent=False, packet=packet)


def open_packet(actor: Actor, reference: str) -> Packet:
    """The packet alone, or 404: declined, revoked, expired or not (yet) granted all look the same."""
    view = open_referral(actor, reference)
    if view.packet is None:
        raise Http404
    return view.packet


def _unseal(referral: Referral) -> Packet:
    assert referral.packet is not None
    return Packet.from_json(
        sealed.unseal_json(
            bytes(referral.packet),
            organisation_id=referral.to_organisation_id,
            context=sealed.row_context(PACKET_CONTEXT, referral.reference),
        )
    )


def referral_for_action(actor: Actor, reference: str, permission: str) -> Referral:
    """A referral to answer or revoke: 404 if the actor is on neither side, 403 if on a side that may not."""
    referral = get_referral(actor, reference)
    if not allowed(actor, permission, referral):
        raise PermissionDenied
    return referral


def case_to_refer(actor: Actor, case_reference: str) -> OpenedCase:
    """The case a referral is being written for, opened (and audited) as a case view; 403 without the right."""
    opened = case_access.open_case(actor, case_reference, purpose="referral")
    if not allowed(actor, "referrals.send", opened.case):
        raise PermissionDenied
    return opened


def referrals_of_case(actor: Actor, case_reference: str) -> QuerySet[Referral]:
    """The referrals of one case, for the case page (empty for whoever may not open it)."""
    return outgoing(actor).filter(case__reference=case_reference)


# ---- the partner directory


def directory(
    actor: Actor, *, service: str = "", country: str = "", region: str = ""
) -> QuerySet[PartnerService]:
    """Services organisations offer to referrals, filtered, in area order. Every member may look them up."""
    if not allowed(actor, "referrals.view_directory"):
        raise PermissionDenied
    entries = PartnerService.objects.select_related("organisation")
    if actor.organisation is not None:
        # Demonstration organisations and real ones never see each other's entries.
        entries = entries.filter(organisation__is_demo=actor.organisation.is_demo)
    if service:
        entries = entries.filter(service=service)
    if country:
        entries = entries.filter(country=country.upper())
    if region:
        entries = entries.filter(Q(region__icontains=region) | Q(region=""))
    return entries.order_by("country", "region", "service", "organisation__name")


def recipients(
    actor: Actor, case: OpenedCase, *, service: str = "", country: str = "", region: str = ""
) -> QuerySet[Organisation]:
    """Organisations a case may be referred to: in the directory, accepting referrals, not the case's own."""
    listed = directory(actor, service=service, country=country, region=region).filter(accepts_referrals=True)
    return (
        Organisation.objects.filter(pk__in=listed.values("organisation_id"))
        .exclude(pk=case.case.organisation_id)
        .order_by("name")
    )


def my_partner_services(actor: Actor) -> QuerySet[PartnerService]:
    if not allowed(actor, "referrals.manage_partners"):
        raise PermissionDenied
    return PartnerService.objects.filter(organisation_id=actor.org_id)


def get_partner_service(actor: Actor, entry_id: int) -> PartnerService:
    """One of the actor's organisation's entries; another organisation's (or none) is a 404."""
    entry = my_partner_services(actor).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def flows(actor: Actor) -> dict[str, dict[str, int]]:
    """For a supervisor: referrals sent to and received from each partner organisation (counts only, no
    people), in four columns that add up to the row total: sent and accepted, sent and not (yet) accepted,
    received and accepted, received and not (yet) accepted."""
    if not allowed(actor, "protect.view_caseload"):
        return {}
    counts: dict[str, dict[str, int]] = {}
    directions = (
        (
            "sent",
            Referral.objects.filter(from_organisation_id=actor.org_id).annotate(
                partner=F("to_organisation__name")
            ),
        ),
        (
            "received",
            Referral.objects.filter(to_organisation_id=actor.org_id).annotate(
                partner=F("from_organisation__name")
            ),
        ),
    )
    for direction, referrals in directions:
        for row in referrals.values("partner", "status").annotate(n=Count("pk")):
            column = f"{direction}_{'accepted' if row['status'] == Status.ACCEPTED else 'other'}"
            by_column = counts.setdefault(str(row["partner"]), {})
            by_column[column] = by_column.get(column, 0) + int(row["n"])
    return counts
