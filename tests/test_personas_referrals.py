"""Four-persona rows for the referral pages (threefold/referrals/views.py) and notifications.

The world adds to ``test_personas.build_world``: a case on our survivor, the survivor's consent to be referred
to the other organisation, the other organisation's shelter in the partner directory, and two referrals from
us to them: one waiting for an answer, one accepted (so its packet, with the survivor's name, is readable).

A referral has two sides. On the sending side (rows on our pages) the authorised caller is our caseworker. On
the receiving side the authorised caller is a member of the *other* organisation, and the slot the table keeps
for "another organisation" is its organisation admin, who answers no referral: the other organisation's
caseworkers legitimately see our organisation's name on a referral we sent them, so they cannot stand in for an
outsider there. Our own members who are not on the case are the refused callers of both sides.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import SURVIVOR, Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.notifications.models import Notification
from threefold.protect import case_services
from threefold.referrals import services
from threefold.referrals.models import PartnerService, Referral

PARTNER_DESCRIPTION = "Shelter for women and children, Spanish and English"
OUR_DESCRIPTION = "Legal clinic on Tuesdays"


def build_referral_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    caseworker = world.actors["caseworker"]
    case = case_services.open_case(caseworker, world.person, reason="Referred by the outreach team")
    consent_services.record_consent(
        caseworker, world.person, Purpose.REFERRAL, Method.WRITTEN, timezone.now(), recipient=other_org
    )
    PartnerService.objects.create(
        organisation=other_org, service="shelter", country="MX", description=PARTNER_DESCRIPTION
    )
    waiting = services.send(caseworker, case, other_org, ["shelter"], ["names"], 30)
    accepted = services.send(caseworker, case, other_org, ["health"], ["names", "contacts"], 30)
    services.accept(world.actors["other_caseworker"], accepted)
    world.extras.update(case=case, waiting=waiting, accepted=accepted)
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_referral_world(org, other_org, make_member)


def _our_entry(w: World) -> PartnerService:
    """Our organisation's directory entry, made only for the rows that manage it: on the directory page it
    would (rightly) show our name to the other organisation."""
    if "entry" not in w.extras:
        w.extras["entry"] = PartnerService.objects.create(
            organisation=w.org, service="legal", country="FR", description=OUR_DESCRIPTION
        )
    entry: PartnerService = w.extras["entry"]
    return entry


def _entry_url(name: str) -> Any:
    return lambda w: reverse(f"referrals:{name}", args=[_our_entry(w).pk])


def _ref(key: str) -> Any:
    return lambda w: str(w.extras[key].reference)


def _referral_url(name: str, key: str) -> Any:
    return lambda w: reverse(f"referrals:{name}", args=[w.extras[key].reference])


def _status(key: str) -> Any:
    return lambda w: Referral.objects.get(pk=w.extras[key].pk).status


def _referrals(w: World) -> object:
    return Referral.objects.filter(from_organisation=w.org).count()


def _our_entries(w: World) -> object:
    return PartnerService.objects.filter(organisation=w.org).count()


def _entry_state(w: World) -> object:
    entry = PartnerService.objects.filter(pk=_our_entry(w).pk).first()
    return entry.description if entry else None


def _caseworker_unread(w: World) -> object:
    return Notification.objects.filter(user=w.user("caseworker"), read_at__isnull=True).count()


def _reason(w: World) -> dict[str, Any]:
    return {"reason": "No bed free until next month"}


# Our members who may not open the case (and so see none of its referrals).
NOT_ON_THE_CASE = ("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "loner")
# On the receiving side, nobody of ours may answer: the sender's caseworker is refused too (403).
NOT_THE_RECEIVER = ("caseworker", *NOT_ON_THE_CASE, "invitee")
NOT_ADMINS = ("caseworker", "supervisor", "screener", "trainer", "loner")

ROWS: tuple[Row, ...] = (
    # ---- sending side
    Row(
        "referrals:send",
        "GET",
        lambda w: reverse("referrals:send", args=[w.extras["case"].reference]),
        other_org="other_caseworker",
        denied=("legal_officer", *NOT_ON_THE_CASE),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: 'name="shared"',
        secret=lambda w: SURVIVOR,
    ),
    Row(
        "referrals:send",
        "POST",
        lambda w: reverse("referrals:send", args=[w.extras["case"].reference]),
        other_org="other_caseworker",
        denied=("legal_officer", *NOT_ON_THE_CASE),
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "to_org": w.other_org.pk,
            "services": ["shelter"],
            "urgency": "routine",
            "shared": ["names"],
            "access_days": 30,
        },
        state=_referrals,
    ),
    Row(
        "referrals:list",
        "GET",
        lambda w: reverse("referrals:list"),
        other_org="other_admin",
        # A caseworker not on the case gets the page, empty: it names our organisation in the footer, so the
        # table cannot list them; test_referrals checks that lists show each member only their referrals.
        denied=("screener", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=_ref("waiting"),
        other_org_status=(403,),
    ),
    Row(
        "referrals:referral",
        "GET",
        _referral_url("referral", "waiting"),
        other_org="other_admin",
        denied=NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        # Only the sending side sees which case a referral came from.
        shows=lambda w: str(w.extras["case"].reference),
        never_shown=lambda w: SURVIVOR,
    ),
    Row(
        "referrals:revoke",
        "POST",
        _referral_url("revoke", "accepted"),
        # The receiving organisation's caseworker sees the referral but may not revoke it.
        other_org="other_caseworker",
        denied=("legal_officer", *NOT_ON_THE_CASE),
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"reason": "The person moved to another city"},
        state=_status("accepted"),
        other_org_status=(403,),
    ),
    # ---- receiving side
    Row(
        "referrals:referral",
        "GET",
        _referral_url("referral", "accepted"),
        other_org="other_admin",
        denied=(*NOT_ON_THE_CASE, "invitee"),
        authorised="other_caseworker",
        ok_status=200,
        shows=lambda w: SURVIVOR,
    ),
    Row(
        "referrals:accept",
        "POST",
        _referral_url("accept", "waiting"),
        other_org="other_admin",
        denied=NOT_THE_RECEIVER,
        authorised="other_caseworker",
        ok_status=302,
        state=_status("waiting"),
    ),
    Row(
        "referrals:decline",
        "POST",
        _referral_url("decline", "waiting"),
        other_org="other_admin",
        denied=NOT_THE_RECEIVER,
        authorised="other_supervisor",
        ok_status=302,
        data=_reason,
        state=_status("waiting"),
    ),
    # ---- partner directory
    Row(
        "referrals:partners",
        "GET",
        lambda w: reverse("referrals:partners"),
        other_org="other_caseworker",
        denied=("loner",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: PARTNER_DESCRIPTION,
        secret=lambda w: SURVIVOR,
        other_org_status=(200,),
    ),
    Row(
        "referrals:our_services",
        "GET",
        lambda w: (_our_entry(w), reverse("referrals:our_services"))[1],
        other_org="other_admin",
        denied=NOT_ADMINS,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_DESCRIPTION,
        other_org_status=(200,),
    ),
    Row(
        "referrals:our_services",
        "POST",
        lambda w: reverse("referrals:our_services"),
        other_org="other_admin",
        denied=NOT_ADMINS,
        authorised="admin",
        ok_status=302,
        data=lambda w: {"service": "health", "country": "fr", "region": "", "description": "Clinic"},
        state=_our_entries,
        # The other organisation's admin adds a service of their own: ours are untouched.
        other_org_status=(302,),
    ),
    Row(
        "referrals:edit_service",
        "GET",
        _entry_url("edit_service"),
        other_org="other_admin",
        denied=NOT_ADMINS,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_DESCRIPTION,
    ),
    Row(
        "referrals:edit_service",
        "POST",
        _entry_url("edit_service"),
        other_org="other_admin",
        denied=NOT_ADMINS,
        authorised="admin",
        ok_status=302,
        data=lambda w: {"service": "legal", "country": "FR", "region": "Lyon", "description": "Closed"},
        state=_entry_state,
    ),
    Row(
        "referrals:delete_service",
        "POST",
        _entry_url("delete_service"),
        other_org="other_admin",
        denied=NOT_ADMINS,
        authorised="admin",
        ok_status=302,
        state=_entry_state,
    ),
    # ---- notifications: everyone signed in has their own, and sees nobody else's
    Row(
        "notifications:inbox",
        "GET",
        lambda w: reverse("notifications:inbox"),
        other_org="other_admin",
        # Our other members get the page too, with their own notifications (and our name in the footer).
        denied=("loner",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: f"accepted referral {w.extras['accepted'].reference}",
        other_org_status=(200,),
        denied_status=(200,),
    ),
    Row(
        "notifications:mark_read",
        "POST",
        lambda w: reverse("notifications:mark_read"),
        other_org="other_admin",
        denied=("trainer", "loner"),  # they mark their own read, never the caseworker's
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"all": "1"},
        state=_caseworker_unread,
        other_org_status=(302,),
        denied_status=(302,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    assert world.extras["waiting"].status == "sent"
    assert world.extras["accepted"].status == "accepted"
    assert Notification.objects.filter(user=world.user("caseworker"), read_at__isnull=True).exists()
    assert not PartnerService.objects.filter(organisation=world.org).exists()
