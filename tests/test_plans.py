"""Assistance plans (threefold/plans): the rules of their services, sealing at rest, the task list across cases,
the time to a first service, data rights, and pages whose query count does not grow with the plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.plans import access, domains, services
from threefold.plans.models import (
    SEALED_TEXTS,
    FollowUp,
    Goal,
    Need,
    PlannedService,
    ServiceStatus,
)
from threefold.plans.services import PlanError
from threefold.protect import case_access, case_services, subject_data
from threefold.protect import services as person_services
from threefold.protect.models import Case, CaseEvent, Person
from threefold.protect.services import ConflictError
from threefold.referrals.models import PartnerService

pytestmark = pytest.mark.django_db

MakePerson = Callable[..., Person]
TODAY = date.today()


@pytest.fixture
def team(org: Organisation, make_member: MakeMember) -> dict[str, Actor]:
    return {
        "caseworker": make_member(org, Role.CASEWORKER),
        "colleague": make_member(org, Role.CASEWORKER),
        "supervisor": make_member(org, Role.SUPERVISOR),
        "legal_officer": make_member(org, Role.LEGAL_OFFICER),
    }


def _open_case(team: dict[str, Actor], make_person: MakePerson, **names: str) -> Case:
    person = make_person(team["caseworker"], **names)
    person_services.assign(team["supervisor"], person, team["legal_officer"].user)
    return case_services.open_case(team["caseworker"], person, reason="Referred by the outreach team")


@pytest.fixture
def case(team: dict[str, Actor], make_person: MakePerson) -> Case:
    return _open_case(team, make_person)


def _need(
    actor: Actor, case: Case, text: str = "Needs a safe place to sleep tonight", **extra: object
) -> Need:
    values: dict[str, object] = {
        "domain": domains.PHYSICAL,
        "assessed_on": TODAY,
        "priority": "high",
        "description": text,
        **extra,
    }
    return services.add_need(actor, case, **values)  # type: ignore[arg-type]


def _service(actor: Actor, case: Case, **extra: object) -> PlannedService:
    values: dict[str, object] = {"service_type": "shelter", "planned_start": TODAY, **extra}
    return services.plan_service(actor, case, **values)  # type: ignore[arg-type]


def _plan(actor: Actor, case: Case) -> access.Plan:
    return access.plan(actor, case_access.open_case(actor, case.reference))


# ---- services: rules and messages


def test_a_need_is_recorded_in_its_domain_on_the_timeline_and_in_the_audit(
    team: dict[str, Actor], case: Case
) -> None:
    actor = team["caseworker"]
    need = _need(actor, case)
    plan = _plan(actor, case)
    physical = plan.sections[0]
    assert physical.domain == domains.PHYSICAL
    assert [e.texts["description"] for e in physical.needs] == ["Needs a safe place to sleep tonight"]
    assert all(section.is_empty for section in plan.sections[1:])
    events = case_access.timeline(case_access.open_case(actor, case.reference))
    assert ("note", "Plan: need recorded (Physical, high priority)") in [(e.kind, e.text) for e in events]
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="plans.need", object_id=str(need.pk))
    assert AuditEntry.objects.filter(action=Action.VIEW, details__plan__needs=1).exists()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, c: _need(a, c, assessed_on=TODAY + timedelta(days=1)), "assessed_on"),
        (lambda a, c: _need(a, c, text="   "), "description"),
        (lambda a, c: _need(a, c, text="x" * 2001), "description"),
        (lambda a, c: _need(a, c, text="bell\x07"), "description"),
        (lambda a, c: _need(a, c, domain="spiritual"), "domain"),
        (lambda a, c: _need(a, c, priority="urgent"), "priority"),
        (lambda a, c: _service(a, c, service_type="astrology"), "service_type"),
        (lambda a, c: _service(a, c, planned_end=TODAY - timedelta(days=1)), "planned_end"),
        (
            lambda a, c: _service(a, c, provider=a.organisation, provider_name="Riverside clinic"),
            "provider_name",
        ),
        (
            lambda a, c: services.schedule_follow_up(a, c, due_on=TODAY - timedelta(days=1)),
            "due_on",
        ),
    ],
    ids=[
        "need-in-future",
        "need-empty",
        "need-too-long",
        "need-control-char",
        "unknown-domain",
        "unknown-priority",
        "unknown-service",
        "end-before-start",
        "two-providers",
        "follow-up-in-past",
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(
    team: dict[str, Actor], case: Case, call: Callable[[Actor, Case], object], field: str
) -> None:
    with pytest.raises(PlanError, match=rf"^{field}: ") as refused:
        call(team["caseworker"], case)
    assert refused.value.field == field
    assert not any(model.objects.exists() for model in (Need, Goal, PlannedService, FollowUp))


def test_a_provider_is_our_organisation_or_one_in_the_partner_directory(
    team: dict[str, Actor], case: Case, other_org: Organisation
) -> None:
    actor = team["caseworker"]
    with pytest.raises(PlanError, match=r"^provider: "):
        _service(actor, case, provider=other_org)
    PartnerService.objects.create(organisation=other_org, service="shelter", country="FR")
    assert _service(actor, case, provider=other_org).provider == other_org
    assert _service(actor, case, provider=actor.organisation).provider == actor.organisation


def test_a_goal_is_saved_only_once_the_survivor_agreed(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    with pytest.raises(PlanError, match="set with the survivor") as refused:
        services.add_goal(
            actor,
            case,
            domain="economic",
            description="Find paid work",
            agreed_with_survivor=False,
            agreed_on=TODAY,
        )
    assert refused.value.field == "agreed_with_survivor"
    with pytest.raises(PlanError, match=r"^agreed_on: "):
        services.add_goal(
            actor,
            case,
            domain="economic",
            description="Find paid work",
            agreed_with_survivor=True,
            agreed_on=None,
        )
    assert not Goal.objects.exists()
    goal = services.add_goal(
        actor,
        case,
        domain="economic",
        description="Find paid work",
        agreed_with_survivor=True,
        agreed_on=TODAY,
    )
    assert goal.agreed_with_survivor
    assert goal.agreed_on == TODAY


def test_the_goal_page_explains_the_agreement_next_to_its_checkbox(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case
) -> None:
    response = client_for(team["caseworker"]).post(
        reverse("plans:add_goal", args=[case.reference]),
        {"domain": "social", "description": "See her sister again", "agreed_on": TODAY.isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert 'id="id_agreed_with_survivor_error"' in page
    assert "A goal is set with the survivor, not for them" in page
    assert not Goal.objects.exists()


def test_dropping_a_goal_needs_a_reason_and_reopening_clears_it(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    goal = services.add_goal(
        actor, case, domain="social", description="Move back home", agreed_with_survivor=True, agreed_on=TODAY
    )

    def edit(status: str, reason: str) -> Goal:
        return services.edit_goal(
            actor,
            case,
            goal,
            domain="social",
            description="Move back home",
            agreed_with_survivor=True,
            agreed_on=TODAY,
            status=status,
            reason=reason,
            expected_version=Goal.objects.get(pk=goal.pk).version,
        )

    with pytest.raises(PlanError, match=r"^reason: "):
        edit("dropped", "")
    goal = edit("dropped", "She decided to stay in the city")
    assert (goal.status, goal.closed_on) == ("dropped", TODAY)
    assert _plan(actor, case).sections[3].goals[0].texts["status_reason"] == "She decided to stay in the city"
    goal = edit("open", "ignored")
    assert (goal.status, goal.closed_on, goal.status_reason) == ("open", None, None)


def test_a_service_goes_from_planned_to_delivered_with_its_outcome(
    team: dict[str, Actor], case: Case
) -> None:
    actor = team["caseworker"]
    service = _service(actor, case, provider_name="Riverside shelter", planned_end=TODAY + timedelta(days=30))
    assert (service.domain, service.status) == ("physical", "planned")
    service = services.start_service(actor, case, service, expected_version=service.version)
    with pytest.raises(PlanError, match=r"^delivered_on: .*future"):
        services.deliver_service(
            actor,
            case,
            service,
            delivered_on=TODAY + timedelta(days=1),
            outcome="helped",
            expected_version=service.version,
        )
    with pytest.raises(PlanError, match=r"^outcome: "):
        services.deliver_service(
            actor, case, service, delivered_on=TODAY, outcome="great", expected_version=service.version
        )
    service = services.deliver_service(
        actor,
        case,
        service,
        delivered_on=TODAY,
        outcome="partly",
        note="Stayed two nights, then left",
        expected_version=service.version,
    )
    assert (service.status, service.delivered_on, service.outcome) == ("delivered", TODAY, "partly")
    with pytest.raises(PlanError, match=r"^status: "):
        services.cancel_service(actor, case, service, reason="Too late", expected_version=service.version)
    entry = _plan(actor, case).sections[0].services[0]
    assert entry.texts["outcome_note"] == "Stayed two nights, then left"


def test_a_service_is_cancelled_only_with_a_reason(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    service = _service(actor, case, service_type="counselling")
    with pytest.raises(PlanError, match=r"^reason: "):
        services.cancel_service(actor, case, service, reason=" ", expected_version=service.version)
    service = services.cancel_service(
        actor, case, service, reason="She prefers her own counsellor", expected_version=service.version
    )
    assert service.status == ServiceStatus.CANCELLED


def test_a_delivery_before_the_case_opened_is_refused(team: dict[str, Actor], case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=3))
    case.refresh_from_db()
    service = _service(team["caseworker"], case)
    with pytest.raises(PlanError, match=r"^delivered_on: .*before the case"):
        services.deliver_service(
            team["caseworker"],
            case,
            service,
            delivered_on=TODAY - timedelta(days=5),
            outcome="helped",
            expected_version=service.version,
        )


def test_follow_ups_go_to_someone_on_the_case_and_are_marked_done(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    with pytest.raises(PlanError, match=r"^assigned_to: "):
        services.schedule_follow_up(actor, case, due_on=TODAY, assigned_to=team["colleague"].user)
    follow_up = services.schedule_follow_up(
        actor, case, due_on=TODAY, assigned_to=team["legal_officer"].user, note="Ask about the hearing date"
    )
    assert follow_up.assigned_to == team["legal_officer"].user
    with pytest.raises(PlanError, match=r"^done_on: "):
        services.complete_follow_up(
            actor, case, follow_up, done_on=TODAY + timedelta(days=2), expected_version=follow_up.version
        )
    follow_up = services.complete_follow_up(
        actor, case, follow_up, done_on=TODAY, note="Hearing moved to May", expected_version=follow_up.version
    )
    assert follow_up.done_on == TODAY
    with pytest.raises(PlanError, match="already done"):
        services.complete_follow_up(actor, case, follow_up, done_on=TODAY, expected_version=follow_up.version)
    texts = _plan(actor, case).follow_ups[0].texts
    assert texts == {"note": "Ask about the hearing date", "done_note": "Hearing moved to May"}


def test_two_people_editing_the_same_need_get_a_conflict_not_an_overwrite(
    team: dict[str, Actor], case: Case
) -> None:
    actor = team["caseworker"]
    need = _need(actor, case)
    seen = need.version
    edit = {"domain": "physical", "assessed_on": TODAY, "priority": "low"}
    services.edit_need(actor, case, need, **edit, description="First edit", expected_version=seen)  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        services.edit_need(actor, case, need, **edit, description="Second edit", expected_version=seen)  # type: ignore[arg-type]
    assert _plan(actor, case).sections[0].needs[0].texts["description"] == "First edit"


def test_the_edit_page_says_so_when_someone_saved_first(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case
) -> None:
    actor = team["caseworker"]
    need = _need(actor, case)
    stale = need.version
    services.edit_need(
        actor,
        case,
        need,
        domain="physical",
        assessed_on=TODAY,
        priority="low",
        description="Changed",
        expected_version=stale,
    )
    response = client_for(actor).post(
        reverse("plans:edit_need", args=[case.reference, need.pk]),
        {
            "domain": "physical",
            "priority": "high",
            "assessed_on": TODAY.isoformat(),
            "description": "Mine",
            "version": stale,
        },
    )
    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    assert Need.objects.get(pk=need.pk).priority == "low"


def test_only_those_who_may_change_the_case_change_its_plan(
    org: Organisation, make_member: MakeMember, team: dict[str, Actor], case: Case, other_org: Organisation
) -> None:
    need = _need(team["caseworker"], case)
    for refused in (team["legal_officer"], team["colleague"], make_member(other_org, Role.CASEWORKER)):
        with pytest.raises(PermissionDenied):
            _need(refused, case)
        with pytest.raises(PermissionDenied):
            services.schedule_follow_up(refused, case, due_on=TODAY)
    # The assigned legal officer reads the plan, without the forms.
    assert _plan(team["legal_officer"], case).sections[0].needs[0].row == need


def test_a_row_of_another_case_cannot_be_changed_through_this_one(
    team: dict[str, Actor], case: Case, make_person: MakePerson
) -> None:
    other_case = _open_case(team, make_person, given="Ana", family="Silva")
    need = _need(team["caseworker"], other_case)
    with pytest.raises(PermissionDenied):
        services.edit_need(
            team["caseworker"],
            case,
            need,
            domain="physical",
            assessed_on=TODAY,
            priority="low",
            description="Moved",
            expected_version=need.version,
        )


def test_a_closed_case_keeps_its_plan_as_it_was(team: dict[str, Actor], case: Case) -> None:
    case = case_services.move(
        team["caseworker"], case, "closed", "She moved to another city", expected_version=case.version
    )
    with pytest.raises(PlanError, match="closed"):
        _need(team["caseworker"], case)


def test_every_plan_text_is_sealed_at_rest(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    need = _need(actor, case, text="SECRET-need")
    goal = services.add_goal(
        actor, case, domain="social", description="SECRET-goal", agreed_with_survivor=True, agreed_on=TODAY
    )
    goal = services.edit_goal(
        actor,
        case,
        goal,
        domain="social",
        description="SECRET-goal",
        agreed_with_survivor=True,
        agreed_on=TODAY,
        status="dropped",
        reason="SECRET-reason",
        expected_version=goal.version,
    )
    delivered = _service(actor, case)
    delivered = services.deliver_service(
        actor,
        case,
        delivered,
        delivered_on=TODAY,
        outcome="helped",
        note="SECRET-outcome",
        expected_version=1,
    )
    cancelled = services.cancel_service(
        actor, case, _service(actor, case), reason="SECRET-cancel", expected_version=1
    )
    follow_up = services.schedule_follow_up(actor, case, due_on=TODAY, note="SECRET-note")
    follow_up = services.complete_follow_up(
        actor, case, follow_up, done_on=TODAY, note="SECRET-done", expected_version=1
    )
    rows: dict[type[Model], list[Model]] = {
        Need: [need],
        Goal: [goal],
        PlannedService: [delivered, cancelled],
        FollowUp: [follow_up],
    }
    checked = 0
    for model, column in SEALED_TEXTS:
        for row in rows[model]:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [row.pk])  # noqa: S608
                raw = cursor.fetchone()[0]
            if raw is not None:
                assert b"SECRET" not in bytes(raw)
                checked += 1
    assert checked == len(SEALED_TEXTS)
    # The timeline says what changed, never the texts themselves.
    for event in CaseEvent.objects.filter(case=case):
        assert "SECRET" not in case_access.event_text(event)


# ---- across cases


def _overdue(follow_up: FollowUp, days: int) -> None:
    # A follow-up cannot be scheduled in the past; time passing is what makes one overdue.
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY - timedelta(days=days))


def test_tasks_list_due_and_overdue_work_across_cases_and_nobody_elses(
    team: dict[str, Actor], case: Case, make_person: MakePerson, org: Organisation, make_member: MakeMember
) -> None:
    actor = team["caseworker"]
    second = _open_case(team, make_person, given="Ana", family="Silva")
    overdue = services.schedule_follow_up(actor, case, due_on=TODAY)
    _overdue(overdue, 3)
    due_soon = services.schedule_follow_up(actor, second, due_on=TODAY + timedelta(days=2))
    services.schedule_follow_up(actor, second, due_on=TODAY + timedelta(days=30))  # not yet
    done = services.schedule_follow_up(actor, case, due_on=TODAY)
    services.complete_follow_up(actor, case, done, done_on=TODAY, expected_version=1)
    to_start = _service(actor, second, planned_start=TODAY)
    in_progress = _service(
        actor, case, planned_start=TODAY - timedelta(days=10), planned_end=TODAY - timedelta(days=1)
    )
    services.start_service(actor, case, in_progress, expected_version=1)
    _service(actor, case, planned_start=TODAY + timedelta(days=20))  # not yet

    found = access.tasks(actor, TODAY)
    assert [(t.follow_up or t.service) for t in found] == [overdue, in_progress, to_start, due_soon]
    assert [t.overdue for t in found] == [True, True, False, False]
    assert [t.case.reference for t in found][-2:] == [second.reference, second.reference]
    # A colleague not on these cases, and another organisation, see none of them.
    assert access.tasks(team["colleague"], TODAY) == []
    assert access.tasks(make_member(org, Role.SCREENER), TODAY) == []
    # A case closed since is nobody's task any more.
    case_services.move(actor, second, "closed", "She moved to another city", expected_version=second.version)
    assert [t.case.reference for t in access.tasks(actor, TODAY)] == [case.reference, case.reference]


def test_the_tasks_page_marks_overdue_in_words_not_only_colour(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case
) -> None:
    follow_up = services.schedule_follow_up(team["caseworker"], case, due_on=TODAY, note="SECRET-note")
    _overdue(follow_up, 2)
    page = client_for(team["caseworker"]).get(reverse("plans:tasks")).content.decode()
    assert "Overdue: 1 task" in page
    assert ">Overdue</span>" in page
    assert case.reference in page
    assert "SECRET-note" not in page  # the list opens no sealed text
    assert (
        client_for(team["colleague"]).get(reverse("plans:tasks")).content.decode().count(case.reference) == 0
    )


def test_time_to_first_service_counts_days_from_opening_to_the_first_delivery(
    org: Organisation, team: dict[str, Actor], case: Case, make_person: MakePerson
) -> None:
    actor = team["caseworker"]
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=10))
    case.refresh_from_db()
    for days_ago in (3, 6):
        service = _service(actor, case, planned_start=TODAY - timedelta(days=days_ago))
        services.deliver_service(
            actor,
            case,
            service,
            delivered_on=TODAY - timedelta(days=days_ago),
            outcome="helped",
            expected_version=1,
        )
    waiting = _open_case(team, make_person, given="Ana", family="Silva")
    _service(actor, waiting)  # planned, not delivered: no figure yet
    assert access.time_to_first_service(org.pk) == {case.reference: 4}
    assert access.time_to_first_service(org.pk + 1000) == {}


# ---- data rights


def test_a_survivors_copy_holds_the_plan_and_erasure_removes_it(team: dict[str, Actor], case: Case) -> None:
    actor = team["caseworker"]
    _need(actor, case, text="Needs a winter coat")
    services.schedule_follow_up(actor, case, due_on=TODAY, note="Call after school")
    exported = subject_data.export_person(team["legal_officer"], _fresh_person(case))
    plans = next(section for section in exported["sections"] if section["key"] == "plans")
    assert {item.get("description") or item.get("note") for item in plans["data"]} == {
        "Needs a winter coat",
        "Call after school",
    }
    assert not any("recorded_by" in item or "assigned_to" in item for item in plans["data"])
    subject_data.erase_person(
        team["supervisor"],
        _fresh_person(case),
        "She asked for everything to be erased",
        category="survivor_request",
    )
    assert not Need.objects.exists()
    assert not FollowUp.objects.exists()


def _fresh_person(case: Case) -> Person:
    return Person.objects.get(pk=case.person_id)


# ---- pages


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill(actor: Actor, case: Case, count: int) -> None:
    for index in range(count):
        _need(actor, case, text=f"Need {index}", domain=list(domains.DOMAINS)[index % 4])
        services.add_goal(
            actor,
            case,
            domain="economic",
            description=f"Goal {index}",
            agreed_with_survivor=True,
            agreed_on=TODAY,
        )
        service = _service(actor, case, service_type="education", provider=actor.organisation)
        services.deliver_service(
            actor, case, service, delivered_on=TODAY, outcome="helped", note="ok", expected_version=1
        )
        _service(actor, case, service_type="counselling")
        follow_up = services.schedule_follow_up(actor, case, due_on=TODAY, assigned_to=actor.user, note="n")
        _overdue(follow_up, 1)


def test_plan_and_tasks_pages_do_not_query_once_per_row(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case, make_person: MakePerson
) -> None:
    actor = team["caseworker"]
    client = client_for(actor)
    urls = [reverse("plans:plan", args=[case.reference]), reverse("plans:tasks")]
    _fill(actor, case, 1)
    before = [_queries(client, url) for url in urls]
    _fill(actor, case, 6)
    _fill(actor, _open_case(team, make_person, given="Ana", family="Silva"), 3)
    after = [_queries(client, url) for url in urls]
    assert after == before
    page = client.get(urls[0]).content.decode()
    assert "Need 5" in page
    assert "Goal 5" in page
    assert "Education" in page


def test_the_plan_page_shows_forms_only_to_those_who_may_change(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case
) -> None:
    url = reverse("plans:plan", args=[case.reference])
    add_need = reverse("plans:add_need", args=[case.reference])
    assert add_need in client_for(team["caseworker"]).get(url).content.decode()
    page = client_for(team["legal_officer"]).get(url).content.decode()
    assert "No need, goal or service recorded in this domain yet." in page
    assert add_need not in page
    assert client_for(team["legal_officer"]).get(add_need).status_code == 403
    assert client_for(team["colleague"]).get(url).status_code == 404


def test_a_service_is_planned_delivered_and_a_follow_up_done_through_the_pages(
    client_for: Callable[[Actor], Client], team: dict[str, Actor], case: Case
) -> None:
    actor = team["caseworker"]
    client = client_for(actor)
    goal = services.add_goal(
        actor,
        case,
        domain="economic",
        description="Learn a trade",
        agreed_with_survivor=True,
        agreed_on=TODAY,
    )
    response = client.post(
        reverse("plans:add_service", args=[case.reference]),
        {
            "service_type": "vocational_training",
            "goal": goal.pk,
            "provider": actor.organisation.pk,  # type: ignore[union-attr]
            "planned_start": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    service = PlannedService.objects.get()
    assert (service.goal, service.domain, service.provider) == (goal, "economic", actor.organisation)
    response = client.post(
        reverse("plans:deliver_service", args=[case.reference, service.pk]),
        {"delivered_on": TODAY.isoformat(), "outcome": "refused", "version": service.version},
    )
    assert response.status_code == 302
    assert PlannedService.objects.get().outcome == "refused"
    follow_up = services.schedule_follow_up(actor, case, due_on=TODAY)
    client.post(
        reverse("plans:follow_up_done", args=[case.reference, follow_up.pk]),
        {"done_on": TODAY.isoformat(), "note": "All well", "version": follow_up.version},
    )
    assert FollowUp.objects.get().done_on == TODAY
