"""The consent, NRM, plan and referral endpoints: what a client gets back when a change is refused, stale or
allowed, in the world of tests/test_personas_api_protect.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import World, bearer
from tests.test_personas_api_protect import FAMILY_NAME, build_api_protect_world
from threefold.accounts.models import Organisation, OrganisationType
from threefold.plans import services as plan_services
from threefold.plans.models import Goal
from threefold.protect.models import NrmDecision
from threefold.referrals.models import PartnerService, Referral

pytestmark = pytest.mark.django_db

Api = Callable[[str], Client]


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_api_protect_world(org, other_org, make_member)


@pytest.fixture
def api(world: World) -> Api:
    """A client holding the token of one of the world's members."""
    return lambda key: Client(**bearer(world.raw_tokens[key]))


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def _purpose(history: dict[str, Any], purpose: str) -> dict[str, Any]:
    return next(entry for entry in history["purposes"] if entry["purpose"] == purpose)


def test_a_consent_is_recorded_read_back_and_withdrawn(world: World, api: Api) -> None:
    client = api("caseworker")
    url = reverse("api:person_consents", args=[world.person.reference])
    assert not _purpose(client.get(url).json(), "contact")["in_force"]

    missing = _post(
        client, url, {"purpose": "contact", "method": "guardian", "given_at": timezone.now().isoformat()}
    )
    assert missing.status_code == 400
    assert "guardian_relationship" in missing.json()

    created = _post(
        client, url, {"purpose": "contact", "method": "verbal", "given_at": timezone.now().isoformat()}
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "in_force"
    contact = _purpose(client.get(url).json(), "contact")
    assert contact["in_force"]
    assert [c["id"] for c in contact["consents"]] == [created.json()["id"]]

    withdraw_url = reverse("api:person_consent_withdraw", args=[world.person.reference, created.json()["id"]])
    withdrawn = _post(client, withdraw_url)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_by"] == world.user("caseworker").email
    assert not _purpose(client.get(url).json(), "contact")["in_force"]
    # Withdrawing twice records nothing more: the answer says it is already done.
    assert _post(client, withdraw_url).status_code == 400


def test_a_referral_without_consent_is_refused_and_nothing_is_created(world: World, api: Api) -> None:
    third = Organisation.objects.create(name="Third NGO", type=OrganisationType.NGO, country="ES")
    PartnerService.objects.create(organisation=third, service="shelter", country="ES")
    url = reverse("api:case_referrals", args=[world.extras["case"].reference])
    request = {"to_organisation": third.pk, "services": ["shelter"], "fields": ["names"]}
    before = Referral.objects.count()

    refused = _post(api("caseworker"), url, request)
    assert refused.status_code == 400
    assert refused.json() == {"consent": [f"No consent to refer {world.person.reference} to Third NGO."]}

    # A caseworker may not override the missing consent: the refusal names the override instead.
    refused = _post(
        api("caseworker"), url, {**request, "override_reason": "A child in danger tonight, no time"}
    )
    assert refused.status_code == 400
    assert "override_reason" in refused.json()
    assert Referral.objects.count() == before

    # With the consent she gave (to the other organisation), the same request goes through.
    sent = _post(api("caseworker"), url, {**request, "to_organisation": world.other_org.pk})
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "sent"
    assert sent.json()["packet"] is None
    assert Referral.objects.count() == before + 1


def test_the_receiver_reads_the_packet_once_accepted_and_not_after_a_revocation(
    world: World, api: Api
) -> None:
    reference = world.extras["waiting"].reference
    receiver = api("other_caseworker")
    packet_url = reverse("api:referral_packet", args=[reference])
    assert receiver.get(packet_url).status_code == 404  # not accepted yet
    assert receiver.get(reverse("api:referral", args=[reference])).json()["packet"] is None

    accepted = _post(receiver, reverse("api:referral_accept", args=[reference]))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    packet = receiver.get(packet_url)
    assert packet.status_code == 200
    assert packet.json()["groups"] == ["names"]
    assert packet.json()["identity"]["family_names"] == FAMILY_NAME
    assert "phones" not in packet.json()["identity"]  # only the groups that were shared travel
    # Accepting twice is refused: the referral is no longer waiting.
    assert _post(receiver, reverse("api:referral_accept", args=[reference])).status_code == 400

    revoked = _post(
        api("caseworker"),
        reverse("api:referral_revoke", args=[reference]),
        {"reason": "She moved to another city"},
    )
    assert revoked.status_code == 200
    assert revoked.json()["reason"] == "She moved to another city"  # the sender's record keeps why
    assert receiver.get(packet_url).status_code == 404
    summary = receiver.get(reverse("api:referral", args=[reference])).json()
    assert (summary["status"], summary["packet"], summary["reason"]) == ("revoked", None, "")


def test_a_goal_without_the_survivors_agreement_is_refused_naming_the_field(world: World, api: Api) -> None:
    case = world.extras["case"]
    before = Goal.objects.filter(case=case).count()
    refused = _post(
        api("caseworker"),
        reverse("api:plan_goals", args=[case.reference]),
        {"domain": "social", "description": "See her sister", "agreed_with_survivor": False},
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["agreed_with_survivor"]
    assert Goal.objects.filter(case=case).count() == before


def test_a_stale_version_answers_409_and_writes_nothing(world: World, api: Api) -> None:
    client = api("caseworker")
    case = world.extras["case"]
    plan = client.get(reverse("api:case_plan", args=[case.reference])).json()
    read = next(s for d in plan["domains"] for s in d["services"] if s["id"] == world.extras["service"].pk)
    # Someone starts the service after the client read the plan.
    plan_services.start_service(
        world.actors["caseworker"], case, world.extras["service"], expected_version=read["version"]
    )
    url = reverse("api:plan_service_delivered", args=[case.reference, read["id"]])
    stale = _post(client, url, {"outcome": "helped", "version": read["version"]})
    assert stale.status_code == 409
    plan = client.get(reverse("api:case_plan", args=[case.reference])).json()
    now = next(s for d in plan["domains"] for s in d["services"] if s["id"] == read["id"])
    assert (now["status"], now["version"]) == ("in_progress", read["version"] + 1)

    delivered = _post(client, url, {"outcome": "helped", "note": "Papers filed", "version": now["version"]})
    assert delivered.status_code == 200
    assert (delivered.json()["status"], delivered.json()["outcome_note"]) == ("delivered", "Papers filed")


def test_an_nrm_decision_before_the_referral_is_refused_naming_the_field(world: World, api: Api) -> None:
    client = api("caseworker")
    unreferred = world.extras["unreferred"]
    decision = {
        "stage": "reasonable_grounds",
        "outcome": "positive",
        "decided_on": timezone.localdate().isoformat(),
        "authority": "Single Competent Authority",
    }
    refused = _post(client, reverse("api:case_nrm_decisions", args=[unreferred.reference]), decision)
    assert refused.status_code == 400
    assert "stage" in refused.json()
    assert not NrmDecision.objects.filter(referral__case=unreferred).exists()

    referred = _post(
        client,
        reverse("api:case_nrm", args=[unreferred.reference]),
        {"jurisdiction": "gb-eaw", "referred_on": timezone.localdate().isoformat()},
    )
    assert referred.status_code == 201, referred.content
    assert referred.json()["jurisdiction"] == "gb-eaw"
    # Conclusive grounds cannot come first: decisions are recorded in order.
    early = _post(
        client,
        reverse("api:case_nrm_decisions", args=[unreferred.reference]),
        {**decision, "stage": "conclusive_grounds"},
    )
    assert early.status_code == 400
    assert "stage" in early.json()
    decided = _post(client, reverse("api:case_nrm_decisions", args=[unreferred.reference]), decision)
    assert decided.status_code == 201, decided.content
    assert [d["outcome"] for d in decided.json()["decisions"]] == ["positive"]


def test_the_jurisdictions_list_the_outcomes_the_decisions_accept(api: Api) -> None:
    jurisdictions = {j["id"]: j for j in api("caseworker").get(reverse("api:nrm_jurisdictions")).json()}
    stages = {s["stage"]: s for s in jurisdictions["gb-eaw"]["stages"]}
    assert "positive" in [o["code"] for o in stages["reasonable_grounds"]["outcomes"]]


NEW_PATHS = (
    "/api/v1/persons/{reference}/consents/",
    "/api/v1/persons/{reference}/consents/{consent_id}/withdraw/",
    "/api/v1/cases/{reference}/nrm/",
    "/api/v1/cases/{reference}/nrm/decisions/",
    "/api/v1/nrm/jurisdictions/",
    "/api/v1/cases/{reference}/plan/",
    "/api/v1/cases/{reference}/plan/needs/",
    "/api/v1/cases/{reference}/plan/goals/",
    "/api/v1/cases/{reference}/plan/services/",
    "/api/v1/cases/{reference}/plan/services/{id}/delivered/",
    "/api/v1/cases/{reference}/plan/follow-ups/",
    "/api/v1/cases/{reference}/plan/follow-ups/{id}/done/",
    "/api/v1/tasks/",
    "/api/v1/referrals/",
    "/api/v1/cases/{reference}/referrals/",
    "/api/v1/referrals/{reference}/",
    "/api/v1/referrals/{reference}/packet/",
    "/api/v1/referrals/{reference}/accept/",
    "/api/v1/referrals/{reference}/decline/",
    "/api/v1/referrals/{reference}/revoke/",
)


def test_the_schema_documents_every_new_endpoint(api: Api) -> None:
    schema = (
        api("caseworker").get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    missing = [path for path in NEW_PATHS if path not in schema["paths"]]
    assert not missing
    for path in NEW_PATHS:
        for method, operation in schema["paths"][path].items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            if method == "post":
                assert set(operation["responses"]) & {"200", "201"}, f"{method} {path} documents no answer"
