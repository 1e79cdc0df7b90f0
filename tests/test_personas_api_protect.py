"""Four-persona rows for the consent, NRM, plan and referral endpoints of the API (threefold/api/*_views.py).

The world is the referral world (tests/test_personas_referrals.py: a case on our survivor, her consent to be
referred to the other organisation, which lists a shelter, and two referrals to it, one waiting and one
accepted) plus what the other pages' tables add: a consent given by her aunt and an override for statistics
(test_personas_consent), a plan with a need, a goal, a service and a follow-up due today (test_personas_plans),
an NRM referral of the case, and a second case not yet referred.

As in the other API tables, callers use tokens, so the member without an organisation is replaced by a
deactivated member's token. Referral rows keep the two sides of test_personas_referrals: on the receiving side
the authorised caller belongs to the other organisation and its admin, who answers no referral, stands in for
"another organisation".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, check_persona, personas
from tests.test_personas_cases import API_CANNOT_CHANGE, API_NOT_ON_THE_CASE, REFERRED_ON
from tests.test_personas_consent import OVERRIDE_REASON, RELATIONSHIP
from tests.test_personas_plans import FOLLOW_UP, GOAL, NEED, TODAY
from tests.test_personas_referrals import build_referral_world
from threefold.accounts.models import Organisation
from threefold.consent import services as consent_services
from threefold.consent.models import Consent, Method, Purpose
from threefold.plans import services as plan_services
from threefold.plans.models import FollowUp, Goal, Need, PlannedService
from threefold.protect import case_services, nrm_services
from threefold.protect.models import NrmDecision, NrmReferral
from threefold.referrals.models import Referral

# In a packet, names travel as given and family names: the family name alone shows the packet was read.
FAMILY_NAME = "Petrova"


def build_api_protect_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_referral_world(org, other_org, make_member)
    caseworker, case = world.actors["caseworker"], world.extras["case"]
    consent = consent_services.record_consent(
        caseworker,
        world.person,
        Purpose.SERVICES,
        Method.GUARDIAN,
        timezone.now(),
        guardian_relationship=RELATIONSHIP,
    )
    consent_services.require(
        world.actors["supervisor"], world.person, Purpose.STATISTICS, override_reason=OVERRIDE_REASON
    )
    need = plan_services.add_need(
        caseworker, case, domain="physical", assessed_on=TODAY, priority="high", description=NEED
    )
    goal = plan_services.add_goal(
        caseworker, case, domain="economic", description=GOAL, agreed_with_survivor=True, agreed_on=TODAY
    )
    service = plan_services.plan_service(
        caseworker, case, service_type="legal_status", planned_start=TODAY, goal=goal
    )
    follow_up = plan_services.schedule_follow_up(caseworker, case, due_on=TODAY, note=FOLLOW_UP)
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=REFERRED_ON, is_child=False)
    unreferred = case_services.open_case(caseworker, world.person, reason="Second episode of support")
    world.extras.update(
        consent=consent, need=need, goal=goal, service=service, follow_up=follow_up, unreferred=unreferred
    )
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_api_protect_world(org, other_org, make_member)


def _case(w: World) -> str:
    return str(w.extras["case"].reference)


def _on_case(name: str, row_key: str | None = None) -> Any:
    """The URL of an endpoint under our case (and one of its plan rows)."""
    if row_key is None:
        return lambda w: reverse(f"api:{name}", args=[_case(w)])
    return lambda w: reverse(f"api:{name}", args=[_case(w), w.extras[row_key].pk])


def _on_referral(name: str, key: str) -> Any:
    return lambda w: reverse(f"api:{name}", args=[w.extras[key].reference])


def _fresh(w: World, key: str) -> Any:
    row = w.extras[key]
    return type(row).objects.get(pk=row.pk)


def _count(model: type[Any]) -> Any:
    return lambda w: model.objects.filter(case=w.extras["case"]).count()


def _referral_status(key: str) -> Any:
    return lambda w: Referral.objects.get(pk=w.extras[key].pk).status


def _reason(w: World) -> dict[str, Any]:
    return {"reason": "No bed free until next month"}


def _today() -> str:
    return TODAY.isoformat()


# On the receiving side nobody of ours may answer: the sender's caseworker is refused too (403).
API_NOT_THE_RECEIVER = ("caseworker", *API_NOT_ON_THE_CASE, "invitee")


def _case_reader(view: str, url: Any, shows: Any, **extra: Any) -> Row:
    """A read that follows the case: whoever may open it (the assigned caseworker and legal officer)."""
    return Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=API_NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        shows=shows,
        api=True,
        **extra,
    )


def _case_write(view: str, url: Any, data: Any, state: Any, ok_status: int = 201, **extra: Any) -> Row:
    """A change that needs ``protect.change_case`` (or ``consent.record``): the caseworker, not the legal
    officer, who may only read."""
    return Row(
        view,
        "POST",
        url,
        other_org="other_caseworker",
        denied=API_CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=ok_status,
        data=data,
        state=state,
        api=True,
        **extra,
    )


def _receiver(view: str, url: Any, authorised: str, **extra: Any) -> Row:
    return Row(
        view,
        "POST",
        url,
        other_org="other_admin",
        denied=API_NOT_THE_RECEIVER,
        authorised=authorised,
        ok_status=200,
        state=_referral_status("waiting"),
        api=True,
        **extra,
    )


ROWS: tuple[Row, ...] = (
    # ---- consent
    Row(
        "api:person_consents",
        "GET",
        lambda w: reverse("api:person_consents", args=[w.person.reference]),
        other_org="other_caseworker",
        denied=API_NOT_ON_THE_CASE,
        # The assigned legal officer reads the consents (and the override's sealed reason) without changing them.
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: OVERRIDE_REASON,
        api=True,
    ),
    _case_write(
        "api:person_consents",
        lambda w: reverse("api:person_consents", args=[w.person.reference]),
        lambda w: {
            "purpose": Purpose.CONTACT,
            "method": Method.VERBAL,
            "given_at": timezone.now().isoformat(),
        },
        lambda w: Consent.objects.filter(person=w.person).count(),
    ),
    _case_write(
        "api:person_consent_withdraw",
        lambda w: reverse("api:person_consent_withdraw", args=[w.person.reference, w.extras["consent"].pk]),
        None,
        lambda w: _fresh(w, "consent").withdrawn_at is not None,
        ok_status=200,
        secret=lambda w: RELATIONSHIP,
    ),
    # ---- NRM
    _case_write(
        "api:case_nrm",
        lambda w: reverse("api:case_nrm", args=[w.extras["unreferred"].reference]),
        lambda w: {"jurisdiction": "gb-eaw", "referred_on": REFERRED_ON.isoformat()},
        lambda w: NrmReferral.objects.filter(case=w.extras["unreferred"]).exists(),
    ),
    _case_write(
        "api:case_nrm_decisions",
        _on_case("case_nrm_decisions"),
        lambda w: {
            "stage": "reasonable_grounds",
            "outcome": "positive",
            "decided_on": (REFERRED_ON + timedelta(days=3)).isoformat(),
            "authority": "Single Competent Authority",
        },
        lambda w: NrmDecision.objects.filter(referral__case=w.extras["case"]).count(),
    ),
    # Shipped reference data, the same for every organisation: outsiders see it too, but nothing of ours.
    Row(
        "api:nrm_jurisdictions",
        "GET",
        lambda w: reverse("api:nrm_jurisdictions"),
        other_org="other_caseworker",
        denied=("deactivated",),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: '"id":"gb-eaw"',
        secret=lambda w: w.org.name,
        api=True,
        other_org_status=(200,),
    ),
    # ---- assistance plan
    _case_reader("api:case_plan", _on_case("case_plan"), lambda w: NEED),
    _case_write(
        "api:plan_needs",
        _on_case("plan_needs"),
        lambda w: {"domain": "social", "priority": "low", "description": "Wants to call her mother"},
        _count(Need),
        secret=lambda w: NEED,
    ),
    _case_write(
        "api:plan_goals",
        _on_case("plan_goals"),
        lambda w: {"domain": "social", "description": "See her sister", "agreed_with_survivor": True},
        _count(Goal),
        secret=lambda w: GOAL,
    ),
    _case_write(
        "api:plan_services",
        _on_case("plan_services"),
        lambda w: {
            "service_type": "counselling",
            "goal": w.extras["goal"].pk,
            "provider_name": "Riverside clinic",
        },
        _count(PlannedService),
    ),
    _case_write(
        "api:plan_service_delivered",
        _on_case("plan_service_delivered", "service"),
        lambda w: {"delivered_on": _today(), "outcome": "helped", "version": _fresh(w, "service").version},
        lambda w: _fresh(w, "service").status,
        ok_status=200,
    ),
    _case_write(
        "api:plan_follow_ups",
        _on_case("plan_follow_ups"),
        lambda w: {"due_on": _today(), "assigned_to": w.user("legal_officer").email, "note": "Court date"},
        _count(FollowUp),
        secret=lambda w: FOLLOW_UP,
    ),
    _case_write(
        "api:plan_follow_up_done",
        _on_case("plan_follow_up_done", "follow_up"),
        lambda w: {"note": "She has a bed", "version": _fresh(w, "follow_up").version},
        lambda w: _fresh(w, "follow_up").done_on,
        ok_status=200,
        secret=lambda w: FOLLOW_UP,
    ),
    Row(
        "api:tasks",
        "GET",
        lambda w: reverse("api:tasks"),
        other_org="other_caseworker",
        denied=("screener", "trainer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=_case,
        other_org_status=(200,),
        never_shown=lambda w: FOLLOW_UP,  # references and dates only
        api=True,
    ),
    # ---- referrals: sending side
    Row(
        "api:referrals",
        "GET",
        lambda w: reverse("api:referrals"),
        other_org="other_admin",
        denied=("screener", "trainer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: str(w.extras["waiting"].reference),
        other_org_status=(403,),
        api=True,
    ),
    _case_write(
        "api:case_referrals",
        _on_case("case_referrals"),
        lambda w: {
            "to_organisation": w.other_org.pk,
            "services": ["shelter"],
            "fields": ["names"],
            "access_days": 30,
        },
        lambda w: Referral.objects.filter(from_organisation=w.org).count(),
    ),
    Row(
        "api:referral",
        "GET",
        _on_referral("referral", "waiting"),
        other_org="other_admin",
        denied=API_NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        # Only the sending side sees which case a referral came from, and it never sees the packet.
        shows=_case,
        never_shown=lambda w: FAMILY_NAME,
        api=True,
    ),
    Row(
        "api:referral_revoke",
        "POST",
        _on_referral("referral_revoke", "accepted"),
        # The receiving organisation's caseworker sees the referral but may not revoke it.
        other_org="other_caseworker",
        denied=("legal_officer", *API_NOT_ON_THE_CASE),
        authorised="caseworker",
        ok_status=200,
        data=_reason,
        state=_referral_status("accepted"),
        other_org_status=(403,),
        api=True,
    ),
    # ---- referrals: receiving side
    Row(
        "api:referral",
        "GET",
        _on_referral("referral", "accepted"),
        other_org="other_admin",
        denied=(*API_NOT_ON_THE_CASE, "invitee"),
        authorised="other_caseworker",
        ok_status=200,
        shows=lambda w: FAMILY_NAME,
        api=True,
    ),
    Row(
        "api:referral_packet",
        "GET",
        _on_referral("referral_packet", "accepted"),
        other_org="other_admin",
        # The sender's own caseworker too: the packet is the receiver's copy (404, like any missing packet).
        denied=API_NOT_THE_RECEIVER,
        authorised="other_caseworker",
        ok_status=200,
        shows=lambda w: FAMILY_NAME,
        api=True,
    ),
    _receiver("api:referral_accept", _on_referral("referral_accept", "waiting"), "other_caseworker"),
    _receiver(
        "api:referral_decline", _on_referral("referral_decline", "waiting"), "other_supervisor", data=_reason
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
    assert _fresh(world, "consent").withdrawn_at is None
    assert _fresh(world, "service").status == "planned"
    assert NrmReferral.objects.filter(case=world.extras["case"]).exists()
    assert not NrmReferral.objects.filter(case=world.extras["unreferred"]).exists()
    assert not world.person.assigned_to.filter(pk=world.user("supervisor").pk).exists()
