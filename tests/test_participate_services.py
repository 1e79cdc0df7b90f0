"""Participate's services: consultations, single-use links, anonymous answers that nothing ties to a person, a
link, a device or a moment, suppressed results, feedback and survivor leaders."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import AuditEntry
from threefold.participate import access, services
from threefold.participate.core import tokens
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.models import AnswerLink, Consultation, Leader, LinkIssue, Tally, TextAnswer

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 DistinctiveAgent/9.9 (unlinkability-probe)"
SECRET = "I stayed in room 14 with Amira"


def make_consultation(
    manager: Actor, *, k: int = 3, languages: tuple[str, ...] = ("en", "fr")
) -> Consultation:
    today = timezone.localdate()
    found = services.create_consultation(
        manager,
        services.ConsultationInput(
            "House rules", "The shelter's rules", list(languages), today, today + dt.timedelta(days=20), k
        ),
    )
    services.add_question(
        manager,
        found,
        QuestionDraft(Kind.SINGLE, {"en": "Are the rules clear?"}, {"en": ["Yes", "No", "Unsure"]}),
    )
    services.add_question(manager, found, QuestionDraft(Kind.SCALE, {"en": "How safe do you feel?"}, {}))
    services.add_question(
        manager, found, QuestionDraft(Kind.MULTIPLE, {"en": "Which rules?"}, {"en": ["Curfew", "Phones"]})
    )
    services.add_question(manager, found, QuestionDraft(Kind.TEXT, {"en": "What would you change?"}, {}))
    return services.open_consultation(manager, found)


@pytest.fixture
def people(org: Organisation, other_org: Organisation, make_member: MakeMember) -> dict[str, Actor]:
    return {
        "supervisor": make_member(org, Role.SUPERVISOR),
        "caseworker": make_member(org, Role.CASEWORKER),
        "analyst": make_member(org, Role.ANALYST),
        "trainer": make_member(org, Role.TRAINER),
        "other_supervisor": make_member(other_org, Role.SUPERVISOR),
    }


def _questions(found: Consultation) -> dict[str, Any]:
    return {q.kind: q for q in access.questions(found)}


def _post_answers(client: Client, code: str, found: Consultation, text: str = SECRET) -> Any:
    q = _questions(found)
    return client.post(
        reverse("participate:answer", args=[code]),
        {
            f"q{q['single'].pk}": "1",
            f"q{q['scale'].pk}": "4",
            f"q{q['multiple'].pk}": ["0", "1"],
            f"q{q['text'].pk}": text,
        },
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
    )


def _all_participate_rows() -> str:
    """Every row of every participate table, the audit trail and the sessions, as one text."""
    dump = []
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names() if t.startswith("participate_")]
        for table in [*tables, "audit_auditentry", "django_session"]:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            dump += [f"{table}: {row!r}" for row in cursor.fetchall()]
    return "\n".join(dump)


@pytest.mark.django_db
def test_an_anonymous_answer_cannot_be_tied_to_a_person_a_link_an_ip_or_a_moment(
    people: dict[str, Actor], caplog: pytest.LogCaptureFixture
) -> None:
    found = make_consultation(people["supervisor"])
    codes = services.issue_links(people["caseworker"], found, 3)
    audit_before = AuditEntry.objects.count()
    sessions_before = Session.objects.count()
    client = Client()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        response = _post_answers(client, codes[0], found)
        assert response.status_code == 302
        again = _post_answers(client, codes[0], found)
        assert again.status_code == 404
    now = timezone.now()

    # The link is gone; the response left counters and one sealed text, nothing else.
    assert AnswerLink.objects.count() == 2
    assert AuditEntry.objects.count() == audit_before  # using a link is not audited
    assert Session.objects.count() == sessions_before  # the anonymous pages made no session
    assert not client.cookies.get("sessionid")
    rows = _all_participate_rows()
    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    for needle in (IP, AGENT, "DistinctiveAgent", *codes, *(tokens.grouped(c) for c in codes)):
        assert needle not in rows, needle
        assert needle not in logs, needle
    assert SECRET not in rows  # sealed at rest
    # No precise time: nothing of today's time of day, and the text answer is dated to its week only.
    assert now.strftime("%H:%M") not in rows.split("audit_auditentry")[0]
    answer = TextAnswer.objects.get()
    assert answer.week.weekday() == 0
    assert len(str(answer.pk)) == 36  # a random UUID, not a sequence
    # No column of an answer refers to a link or an issue, and no link row remains of the used link.
    for model in (TextAnswer, Tally):
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) not in (AnswerLink, LinkIssue), field
    # The issue records who issued how many, on which day, and nothing about any link.
    issue = LinkIssue.objects.get()
    assert (issue.count, issue.issued_on, issue.issued_by_id) == (
        3,
        timezone.localdate(),
        people["caseworker"].user.pk,
    )
    assert not [f for f in LinkIssue._meta.get_fields() if getattr(f, "related_model", None) is AnswerLink]
    found.refresh_from_db()
    assert found.responses == 1


@pytest.mark.django_db
def test_used_unknown_expired_and_closed_links_are_refused_alike(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"])
    used, expired, closed = services.issue_links(people["caseworker"], found, 3)
    services.answer_consultation(used, services.Answers(texts={_questions(found)["text"].pk: "ok"}))
    AnswerLink.objects.filter(code_hash=tokens.digest(expired)).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client = Client()
    pages = [client.get(reverse("participate:answer", args=[code])) for code in (used, expired, "NOPE" * 3)]
    services.close_consultation(people["supervisor"], found)
    pages.append(client.get(reverse("participate:answer", args=[closed])))
    assert {page.status_code for page in pages} == {404}
    mains = {page.content.decode().split("<main")[1].split("</main>")[0] for page in pages}
    assert len(mains) == 1  # one calm message, no hint of why
    with pytest.raises(services.LinkUnusable):
        services.answer_consultation(used, services.Answers(texts={_questions(found)["text"].pk: "again"}))


@pytest.mark.django_db
def test_a_bad_answer_changes_nothing_and_keeps_the_link(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"])
    (code,) = services.issue_links(people["caseworker"], found, 1)
    single = _questions(found)["single"]
    with pytest.raises(services.ParticipateError):
        services.answer_consultation(code, services.Answers(chosen={single.pk: ["9"]}))
    assert AnswerLink.objects.count() == 1
    assert Tally.objects.filter(count__gt=0).count() == 0


@pytest.mark.django_db
def test_small_counts_are_suppressed_and_free_text_waits_for_k(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"], k=5)
    q = _questions(found)
    codes = services.issue_links(people["caseworker"], found, 14)
    for index, code in enumerate(codes):
        choice = "0" if index < 9 else ("1" if index < 13 else "2")
        services.answer_consultation(
            code, services.Answers(chosen={q["single"].pk: [choice]}, texts={q["text"].pk: f"idea {index}"})
        )
        if index == 2:
            assert access.free_text(people["supervisor"], found, q["text"]) is None
    found.refresh_from_db()
    single = next(r for r in access.results(found, "en") if r.kind == "single")
    assert single.result is not None
    assert [bar.cell.value for bar in single.result.bars] == [9, None, None]
    assert single.result.total.value == 14
    texts = access.free_text(people["supervisor"], found, q["text"])
    assert texts is not None
    assert sorted(texts) == sorted(f"idea {i}" for i in range(14))


@pytest.mark.django_db
def test_only_the_organisation_s_managers_change_a_consultation(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"])
    with pytest.raises(PermissionDenied):
        services.close_consultation(people["other_supervisor"], found)
    with pytest.raises(PermissionDenied):
        services.issue_links(people["analyst"], found, 1)  # analysts manage, they do not meet survivors
    with pytest.raises(PermissionDenied):
        services.issue_links(people["other_supervisor"], found, 1)
    with pytest.raises(services.ParticipateError, match="draft"):
        services.add_question(people["supervisor"], found, QuestionDraft(Kind.TEXT, {"en": "More?"}, {}))


@pytest.mark.django_db
def test_questions_are_checked(people: dict[str, Actor]) -> None:
    today = timezone.localdate()
    found = services.create_consultation(
        people["analyst"], services.ConsultationInput("T", "About", ["en", "fr"], today, today, 5)
    )
    for draft, field in [
        (QuestionDraft(Kind.SINGLE, {"en": "Q"}, {"en": ["Only one"]}), "options"),
        (QuestionDraft(Kind.SINGLE, {"en": "Q"}, {"en": ["A", "B"], "fr": ["A"]}), "options"),
        (QuestionDraft(Kind.TEXT, {"fr": "Q"}, {}), "text_en"),
    ]:
        with pytest.raises(services.ParticipateError) as error:
            services.add_question(people["analyst"], found, draft)
        assert error.value.field == field
    with pytest.raises(services.ParticipateError, match="Add at least one question"):
        services.open_consultation(people["analyst"], found)
    with pytest.raises(services.ParticipateError):
        services.create_consultation(
            people["analyst"], services.ConsultationInput("T", "About", ["en"], today, today, 2)
        )


@pytest.mark.django_db
def test_feedback_is_counted_per_service_and_provider_and_its_comment_sealed(
    people: dict[str, Actor], org: Organisation
) -> None:
    codes = services.issue_feedback_links(people["caseworker"], "shelter", org, 6)
    for index, code in enumerate(codes):
        services.answer_feedback(
            code,
            services.FeedbackAnswers(
                satisfaction="5" if index else "2", felt_safe="yes", comment=f"kind staff {index}"
            ),
        )
    assert "kind staff" not in _all_participate_rows()
    (result,) = access.feedback_results(people["analyst"])
    assert result.respondents.total.value == 6
    satisfaction = result.questions[0][1]
    assert satisfaction.bars[1].cell.value is None  # the one "2" is never shown, nor worked out from the rest
    assert all(bar.cell.value in (None, 0) or bar.cell.value >= 5 for bar in satisfaction.bars)
    assert sorted(access.feedback_comments(people["supervisor"], "shelter", org.pk) or []) == sorted(
        f"kind staff {i}" for i in range(6)
    )
    with pytest.raises(services.LinkUnusable):
        services.answer_feedback(codes[0], services.FeedbackAnswers(satisfaction="3"))


@pytest.mark.django_db
def test_survivor_leaders_totals_consent_and_deletion(people: dict[str, Actor]) -> None:
    supervisor = people["supervisor"]
    leader = services.create_leader(
        supervisor,
        services.LeaderInput("Sunrise", dt.date(2025, 1, 2), "Advisory group", "Phone via caseworker 0612"),
    )
    assert b"0612" not in bytes(Leader.objects.get().contact_notes)
    services.add_activity(
        supervisor, leader, services.ActivityInput("advisory", dt.date(2025, 2, 1), "Rules", Decimal("2.5"))
    )
    services.add_payment(
        supervisor, leader, services.PaymentInput("fee", dt.date(2025, 2, 1), Decimal("60"), "eur")
    )
    services.add_payment(
        supervisor, leader, services.PaymentInput("expenses", dt.date(2025, 2, 1), Decimal("8.40"), "EUR")
    )
    (year,) = access.leader_record(leader).years
    assert (year.year, year.hours, year.paid) == (
        2025,
        Decimal("2.5"),
        (("EUR", "expenses", Decimal("8.40")), ("EUR", "fee", Decimal("60"))),
    )
    with pytest.raises(services.ParticipateError):
        services.add_payment(
            supervisor, leader, services.PaymentInput("fee", dt.date(2025, 2, 1), Decimal("5"), "euro")
        )
    with pytest.raises(PermissionDenied):
        services.add_activity(
            people["other_supervisor"],
            leader,
            services.ActivityInput("advisory", dt.date(2025, 2, 1), "x", Decimal(1)),
        )
    services.withdraw_consent(supervisor, leader, dt.date(2025, 3, 1))
    with pytest.raises(services.ParticipateError, match="withdrawn"):
        services.add_support(supervisor, leader, services.SupportInput("travel", dt.date(2025, 3, 2)))
    services.delete_leader(supervisor, leader)
    assert not Leader.objects.exists()
