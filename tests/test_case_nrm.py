"""A case's referral into a national referral mechanism: decisions checked against the jurisdiction's rules,
the reflection period and the deadlines shown to the caseworker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.protect import case_access, case_services, nrm_services
from threefold.protect.case_services import CaseError
from threefold.protect.models import Case, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.CASEWORKER)


@pytest.fixture
def case(caseworker: Actor, make_person: Callable[..., Person]) -> Case:
    return case_services.open_case(
        caseworker, make_person(caseworker), reason="Referred by the outreach team"
    )


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def test_a_positive_reasonable_grounds_decision_starts_the_reflection_period(
    caseworker: Actor, case: Case, client_for: Callable[[Actor], Client]
) -> None:
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=_days_ago(20), is_child=False)
    nrm_services.record_decision(
        caseworker,
        case,
        stage="reasonable_grounds",
        outcome="positive",
        decided_on=_days_ago(18),
        authority="SCA",
    )
    status = case_access.nrm_status(case_access.open_case(caseworker, case.reference), timezone.localdate())
    assert status is not None
    assert status.reflection is not None
    assert status.reflection.minimum_ends_on == _days_ago(18) + timedelta(days=30)
    assert [stage for stage, _ in status.open_stages] == ["conclusive_grounds"]
    page = client_for(caseworker).get(reverse("protect:case", args=[case.reference])).content.decode()
    assert "Recovery and reflection period" in page
    assert "Record the conclusive-grounds decision" in page
    assert 'value="victim_of_human_trafficking"' in page


def test_an_overdue_decision_is_flagged_on_my_cases(
    caseworker: Actor, case: Case, client_for: Callable[[Actor], Client]
) -> None:
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=_days_ago(20), is_child=False)
    deadlines = case_access.deadlines(caseworker, timezone.localdate())
    assert [(c.reference, a.kind.value) for c, a in deadlines] == [(case.reference, "rg_overdue")]
    page = client_for(caseworker).get(reverse("protect:cases")).content.decode()
    assert "Deadlines that need you" in page
    assert "days late" in page
    nrm_services.record_decision(
        caseworker,
        case,
        stage="reasonable_grounds",
        outcome="negative",
        decided_on=_days_ago(1),
        authority="SCA",
    )
    assert case_access.deadlines(caseworker, timezone.localdate()) == []


@pytest.mark.parametrize(
    ("stage", "outcome", "decided", "message"),
    [
        ("reasonable_grounds", "victim_of_human_trafficking", 5, "^outcome: "),
        ("reasonable_grounds", "positive", 15, "^decided_on: .*before the referral"),
        ("conclusive_grounds", "insufficient_evidence", 5, "^decided_on: .*needs an RG decision"),
        ("reasonable_grounds", "positive", -2, "^decided_on: .*future"),
        ("identity_check", "positive", 5, "^outcome: "),
    ],
)
def test_decisions_the_rules_do_not_allow_are_refused(
    caseworker: Actor, case: Case, stage: str, outcome: str, decided: int, message: str
) -> None:
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=_days_ago(10), is_child=False)
    with pytest.raises(CaseError, match=message):
        nrm_services.record_decision(
            caseworker, case, stage=stage, outcome=outcome, decided_on=_days_ago(decided), authority="SCA"
        )


def test_a_case_is_referred_once_under_a_known_jurisdiction(caseworker: Actor, case: Case) -> None:
    with pytest.raises(CaseError, match=r"^jurisdiction: not one"):
        nrm_services.refer(
            caseworker, case, jurisdiction="atlantis", referred_on=_days_ago(1), is_child=False
        )
    nrm_services.refer(caseworker, case, jurisdiction="de", referred_on=_days_ago(1), is_child=False)
    with pytest.raises(CaseError, match="already been referred"):
        nrm_services.refer(caseworker, case, jurisdiction="de", referred_on=_days_ago(1), is_child=False)


def test_where_only_the_reflection_period_is_known_reasonable_grounds_still_start_it(
    caseworker: Actor, case: Case
) -> None:
    nrm_services.refer(caseworker, case, jurisdiction="de", referred_on=_days_ago(10), is_child=False)
    nrm_services.record_decision(
        caseworker,
        case,
        stage="reasonable_grounds",
        outcome="positive",
        decided_on=_days_ago(9),
        authority="Police",
    )
    status = case_access.nrm_status(case_access.open_case(caseworker, case.reference), timezone.localdate())
    assert status is not None
    assert status.reflection is not None
    assert status.reflection.minimum.months == 3
    assert status.open_stages == []  # Germany's data holds no conclusive-grounds stage


def test_a_child_case_without_a_guardian_is_flagged(
    caseworker: Actor, case: Case, client_for: Callable[[Actor], Client]
) -> None:
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=_days_ago(1), is_child=True)
    page = client_for(caseworker).get(reverse("protect:case", args=[case.reference])).content.decode()
    assert "Child case" in page
    assert "No guardian is recorded as appointed." in page
