"""Writes of the advocacy module (threefold/advocate/services.py): drafts approved only by another member, the
append-only history, audit entries, legislation reviews and their versions, advocacy actions and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.advocate import access, reminders, services
from threefold.advocate.models import AdvocacyAction, Evidence, EvidenceState, LegislationReview, ReviewAnswer
from threefold.advocate.services import (
    ActionInput,
    AdvocateError,
    AnswerInput,
    EvidenceInput,
    LawInput,
)
from threefold.audit.models import Action, AuditEntry
from threefold.notifications.models import Notification
from threefold.protect.services import ConflictError

pytestmark = pytest.mark.django_db


def _evidence(**changes: object) -> EvidenceInput:
    values: dict[str, object] = {
        "ask": "survivors",
        "status": "partly_met",
        "as_of": dt.date(2024, 5, 1),
        "source_title": "Shadow report to the CEDAW Committee",
        "source_url": "https://example.org/shadow-report.pdf",
    }
    values.update(changes)
    return EvidenceInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def advocates(org: Organisation, make_member: MakeMember) -> tuple[Actor, Actor]:
    return make_member(org, Role.ANALYST), make_member(org, Role.ORG_ADMIN)


def _entries(obj: object, action: Action) -> int:
    return AuditEntry.objects.filter(object_id=str(obj.pk), action=action).count()  # type: ignore[attr-defined]


# ---- evidence


def test_evidence_is_a_draft_until_another_member_approves_it(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    evidence = services.record_evidence(analyst, "gha", _evidence())
    assert evidence.state == EvidenceState.DRAFT
    assert evidence.country_alpha3 == "GHA"
    assert _entries(evidence, Action.CREATE) == 1
    # The other advocate is told it waits for them; the author is not.
    assert Notification.objects.filter(user=admin.user, key="advocate.evidence_waiting").count() == 1
    assert not Notification.objects.filter(user=analyst.user, key="advocate.evidence_waiting").exists()

    with pytest.raises(PermissionDenied):
        services.approve_evidence(analyst, evidence, expected_version=evidence.version)  # not one's own
    services.approve_evidence(admin, evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.APPROVED
    assert evidence.reviewed_by == admin.user
    assert evidence.reviewed_at is not None
    assert _entries(evidence, Action.UPDATE) == 1
    assert Notification.objects.filter(user=analyst.user, key="advocate.evidence_approved").exists()


def test_only_the_advocates_roles_enter_and_approve(org: Organisation, make_member: MakeMember) -> None:
    analyst = make_member(org, Role.ANALYST)
    for role in (Role.CASEWORKER, Role.SUPERVISOR, Role.TRAINER, Role.SCREENER, Role.LEGAL_OFFICER):
        with pytest.raises(PermissionDenied):
            services.record_evidence(make_member(org, role), "GHA", _evidence())
    draft = services.record_evidence(analyst, "GHA", _evidence())
    with pytest.raises(PermissionDenied):
        services.approve_evidence(make_member(org, Role.SUPERVISOR), draft, expected_version=draft.version)


def test_another_organisation_neither_approves_nor_sees_a_draft(
    advocates: tuple[Actor, Actor], other_org: Organisation, make_member: MakeMember
) -> None:
    analyst, _admin = advocates
    outsider = make_member(other_org, Role.ORG_ADMIN)
    draft = services.record_evidence(analyst, "GHA", _evidence())
    with pytest.raises(PermissionDenied):
        services.approve_evidence(outsider, draft, expected_version=draft.version)
    with pytest.raises(Http404):
        access.evidence(outsider, draft.reference)
    assert access.evidence_of_country(outsider, "GHA") == []


def test_approved_evidence_stays_with_its_organisation(
    advocates: tuple[Actor, Actor], other_org: Organisation, make_member: MakeMember
) -> None:
    analyst, admin = advocates
    draft = services.record_evidence(analyst, "GHA", _evidence())
    services.approve_evidence(admin, draft, expected_version=draft.version)
    outsider = make_member(other_org, Role.ANALYST)
    with pytest.raises(Http404):
        access.evidence(outsider, draft.reference)
    assert access.approved_evidence(outsider) == []


def test_drafts_are_read_only_by_those_who_enter_and_approve(
    advocates: tuple[Actor, Actor], org: Organisation, make_member: MakeMember
) -> None:
    analyst, admin = advocates
    draft = services.record_evidence(analyst, "GHA", _evidence())
    caseworker = make_member(org, Role.CASEWORKER)
    with pytest.raises(Http404):
        access.evidence(caseworker, draft.reference)
    services.approve_evidence(admin, draft, expected_version=draft.version)
    assert access.evidence(caseworker, draft.reference) == draft


def test_approved_evidence_never_changes_the_history_is_append_only(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    draft = services.record_evidence(analyst, "GHA", _evidence())
    services.approve_evidence(admin, draft, expected_version=draft.version)
    draft.refresh_from_db()
    # Not through the services...
    with pytest.raises(PermissionDenied):
        services.edit_evidence(analyst, draft, _evidence(status="met"), expected_version=draft.version)
    # ...nor through the ORM: the database itself refuses it.
    with pytest.raises(DatabaseError), transaction.atomic():
        Evidence.objects.filter(pk=draft.pk).update(status="met")
    with pytest.raises(DatabaseError), transaction.atomic():
        Evidence.objects.filter(pk=draft.pk).update(state=EvidenceState.DRAFT)
    draft.refresh_from_db()
    assert (draft.status, draft.state) == ("partly_met", EvidenceState.APPROVED)
    # A newer finding is new evidence: both stay on the timeline.
    later = services.record_evidence(admin, "GHA", _evidence(status="met", as_of=dt.date(2025, 1, 1)))
    services.approve_evidence(analyst, later, expected_version=later.version)
    assert [e.status for e in access.approved_evidence(analyst, ["GHA"])] == ["partly_met", "met"]


def test_the_author_changes_a_draft_with_a_compare_and_set(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    draft = services.record_evidence(analyst, "GHA", _evidence())
    with pytest.raises(PermissionDenied):
        services.edit_evidence(admin, draft, _evidence(status="met"), expected_version=draft.version)
    services.edit_evidence(analyst, draft, _evidence(status="met"), expected_version=1)
    assert draft.status == "met"
    assert draft.version == 2
    with pytest.raises(ConflictError):
        services.edit_evidence(analyst, draft, _evidence(status="not_met"), expected_version=1)
    assert _entries(draft, Action.UPDATE) == 1


def test_two_reviewers_deciding_at_once_cannot_both_win(
    advocates: tuple[Actor, Actor], org: Organisation, make_member: MakeMember
) -> None:
    analyst, admin = advocates
    other_admin = make_member(org, Role.ORG_ADMIN)
    draft = services.record_evidence(analyst, "GHA", _evidence())
    stale = Evidence.objects.get(pk=draft.pk)
    services.approve_evidence(admin, draft, expected_version=1)
    # The second reviewer's page still shows a draft: the compare-and-set on the state refuses the decision.
    with pytest.raises(ConflictError):
        services.decline_evidence(other_admin, stale, reason="no", expected_version=1)
    assert Evidence.objects.get(pk=draft.pk).state == EvidenceState.APPROVED


def test_declining_needs_a_reason_and_tells_the_author(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    draft = services.record_evidence(analyst, "GHA", _evidence())
    with pytest.raises(AdvocateError) as caught:
        services.decline_evidence(admin, draft, reason="  ", expected_version=draft.version)
    assert caught.value.field == "reason"
    services.decline_evidence(admin, draft, reason="The report is about another year.", expected_version=1)
    assert draft.state == EvidenceState.DECLINED
    assert Notification.objects.filter(user=analyst.user, key="advocate.evidence_declined").exists()
    assert access.approved_evidence(analyst) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source_url": "", "source_citation": ""}, "source_url"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"as_of": timezone.localdate() + dt.timedelta(days=2)}, "as_of"),
        ({"ask": "abolish_everything"}, "ask"),
        ({"status": "splendid"}, "status"),
        ({"source_title": ""}, "source_title"),
    ],
)
def test_bad_evidence_is_refused_with_its_field(
    advocates: tuple[Actor, Actor], changes: dict[str, object], field: str
) -> None:
    with pytest.raises(AdvocateError) as caught:
        services.record_evidence(advocates[0], "GHA", _evidence(**changes))
    assert caught.value.field == field
    assert not Evidence.objects.exists()


def test_a_citation_alone_is_a_source_and_an_unknown_country_is_refused(
    advocates: tuple[Actor, Actor],
) -> None:
    services.record_evidence(
        advocates[0], "GHA", _evidence(source_url="", source_citation="CEDAW/C/GHA/CO/8, para. 25")
    )
    with pytest.raises(AdvocateError) as caught:
        services.record_evidence(advocates[0], "XXX", _evidence())
    assert caught.value.field == "country"


# ---- legislation reviews


def _law(**changes: object) -> LawInput:
    values: dict[str, object] = {"law_title": "Anti-Trafficking Act", "law_date": dt.date(2005, 12, 5)}
    values.update(changes)
    return LawInput(**values)  # type: ignore[arg-type]


def test_a_review_is_answered_audited_and_versioned_when_the_law_is_amended(
    advocates: tuple[Actor, Actor],
) -> None:
    analyst, admin = advocates
    review = services.create_review(analyst, "GHA", _law())
    assert _entries(review, Action.CREATE) == 1
    answers = {
        "victims_non_punishment": AnswerInput("no", "", "no provision"),
        "act_recruitment": AnswerInput("yes", "s. 1(1)"),
    }
    services.save_review(admin, review, _law(), answers, expected_version=1)
    assert review.version == 2
    assert _entries(review, Action.UPDATE) == 1
    with pytest.raises(ConflictError):
        services.save_review(admin, review, _law(), answers, expected_version=1)

    amended = services.new_review_version(
        analyst, review, _law(law_title="Anti-Trafficking Act as amended", law_date=dt.date(2009, 6, 1))
    )
    assert amended.previous == review
    assert access.answers(amended) == access.answers(review)
    services.save_review(
        analyst,
        amended,
        _law(law_date=dt.date(2009, 6, 1)),
        {"victims_non_punishment": AnswerInput("yes", "s. 14")},
        expected_version=1,
    )
    assert access.answers(review)["victims_non_punishment"].answer == "no"  # the earlier review is unchanged
    with pytest.raises(AdvocateError) as caught:
        services.new_review_version(analyst, amended, _law(law_date=dt.date(2001, 1, 1)))
    assert caught.value.field == "law_date"


def test_review_answers_are_checked(advocates: tuple[Actor, Actor]) -> None:
    review = services.create_review(advocates[0], "GHA", _law())
    with pytest.raises(AdvocateError) as caught:
        services.save_review(
            advocates[0], review, _law(), {"act_receipt": AnswerInput("maybe")}, expected_version=1
        )
    assert caught.value.field == "act_receipt-answer"
    with pytest.raises(AdvocateError):
        services.save_review(
            advocates[0], review, _law(), {"made_up": AnswerInput("yes")}, expected_version=1
        )
    assert not ReviewAnswer.objects.exists()


def test_another_organisation_cannot_change_or_read_a_review(
    advocates: tuple[Actor, Actor], other_org: Organisation, make_member: MakeMember
) -> None:
    review = services.create_review(advocates[0], "GHA", _law())
    outsider = make_member(other_org, Role.ANALYST)
    with pytest.raises(PermissionDenied):
        services.save_review(outsider, review, _law(), {}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.new_review_version(outsider, review, _law())
    with pytest.raises(Http404):
        access.review(outsider, review.reference)
    assert LegislationReview.objects.count() == 1


# ---- advocacy actions


def _action(**changes: object) -> ActionInput:
    values: dict[str, object] = {
        "kind": "letter",
        "title": "Letter on the non-punishment principle",
        "on": dt.date(2026, 11, 2),
        "target_body": "Ministry of Gender, Children and Social Protection",
        "target_role": "Minister",
        "asks": ["survivors"],
    }
    values.update(changes)
    return ActionInput(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_name": "Jane Doe, jane.doe@example.org"}, "target_name"),
        ({"target_role": "Minister (+233 30 266 2000)"}, "target_role"),
        ({"asks": []}, "asks"),
        ({"asks": ["survivors", "bogus"]}, "asks"),
        ({"documents": "ftp://example.org/letter.pdf The letter"}, "documents"),
        ({"follow_up_on": dt.date(2026, 1, 1)}, "follow_up_on"),
    ],
)
def test_an_action_names_no_contact_details_and_checks_its_fields(
    advocates: tuple[Actor, Actor], changes: dict[str, object], field: str
) -> None:
    with pytest.raises(AdvocateError) as caught:
        services.record_action(advocates[0], "GHA", _action(**changes))
    assert caught.value.field == field
    assert not AdvocacyAction.objects.exists()


def test_an_action_keeps_its_documents_and_is_audited(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    action = services.record_action(
        analyst,
        "GHA",
        _action(
            documents="https://example.org/letter.pdf The letter\n\nhttps://example.org/answer.pdf",
            owner=admin.user,
        ),
    )
    assert action.documents == [
        {"url": "https://example.org/letter.pdf", "title": "The letter"},
        {"url": "https://example.org/answer.pdf", "title": "https://example.org/answer.pdf"},
    ]
    assert _entries(action, Action.CREATE) == 1
    services.edit_action(
        admin, action, _action(status="answered", outcome="commitment", owner=admin.user), expected_version=1
    )
    assert (action.status, action.outcome, action.version) == ("answered", "commitment", 2)
    entry = AuditEntry.objects.get(object_id=str(action.pk), action=Action.UPDATE)
    assert "status" in entry.details["fields"]
    assert "outcome" in entry.details["fields"]


def test_the_owner_must_be_an_advocate_of_the_organisation(
    advocates: tuple[Actor, Actor], org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    with pytest.raises(AdvocateError) as caught:
        services.record_action(advocates[0], "GHA", _action(owner=caseworker.user))
    assert caught.value.field == "owner"


def test_a_follow_up_reminds_its_owner_once_on_their_home_page(advocates: tuple[Actor, Actor]) -> None:
    analyst, admin = advocates
    today = timezone.localdate()
    action = services.record_action(
        analyst, "GHA", _action(on=today - dt.timedelta(days=10), follow_up_on=today, owner=admin.user)
    )
    later = services.record_action(
        analyst, "GHA", _action(on=today, follow_up_on=today + dt.timedelta(days=3))
    )
    assert access.follow_ups_due(admin, today) == [action]
    assert access.follow_ups_due(analyst, today) == [later]  # no owner: whoever recorded it
    assert reminders.send_due(today) == 1
    assert reminders.send_due(today) == 0  # once
    assert Notification.objects.filter(user=admin.user, key="advocate.follow_up_due").count() == 1
    # A new follow-up date gets its own reminder; a closed action none.
    services.edit_action(
        analyst,
        action,
        _action(on=action.on, follow_up_on=today, owner=admin.user, status="closed"),
        expected_version=1,
    )
    assert reminders.send_due(today + dt.timedelta(days=5)) == 1  # the other action only
