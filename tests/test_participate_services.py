"""Participate's services: consultations, single-use links, anonymous answers that nothing ties to a person, a
link, a device or a moment, suppressed results, feedback and survivor leaders."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import AuditEntry
from threefold.participate import access, sealing, services
from threefold.participate.core import results as results_core
from threefold.participate.core import tokens
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.models import (
    AnswerLink,
    Change,
    Consultation,
    FeedbackComment,
    FeedbackHeld,
    FeedbackTally,
    Leader,
    LinkIssue,
    Question,
    Tally,
    TextAnswer,
)

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
    assert not client.cookies  # not even a CSRF cookie: the code is the credential
    rows = _all_participate_rows()
    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    for needle in (IP, AGENT, "DistinctiveAgent", *codes, *(tokens.grouped(c) for c in codes)):
        assert needle not in rows, needle
        assert needle not in logs, needle
    assert SECRET not in rows  # sealed at rest
    # The codes are stored as a keyed hash only: the plain SHA-256 of a code is nowhere.
    for code in codes:
        assert hashlib.sha256(code.encode()).hexdigest() not in rows
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
    AnswerLink.objects.filter(code_hash=access.code_hash(expired)).update(
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
    found = services.close_consultation(people["supervisor"], found)
    results = access.results(found, "en")
    assert results is not None
    single = next(r for r in results if r.kind == "single")
    assert single.result is not None
    assert [bar.cell.value for bar in single.result.bars] == [9, None, None]
    assert single.result.total.value == 14
    texts = access.free_text(people["supervisor"], found, q["text"])
    assert texts is not None
    assert sorted(texts) == sorted(f"idea {i}" for i in range(14))


def _answer(found: Consultation, code: str, choice: str, scale: str, text: str) -> None:
    q = _questions(found)
    services.answer_consultation(
        code,
        services.Answers(
            chosen={q["single"].pk: [choice], q["scale"].pk: [scale]}, texts={q["text"].pk: text}
        ),
    )


def _urls(found: Consultation) -> dict[str, str]:
    return {
        "results": reverse("participate:results", args=[found.reference]),
        "consultation": reverse("participate:consultation", args=[found.reference]),
        "summary": reverse("participate:summary", args=[found.reference]),
        "free_text": reverse("participate:free_text", args=[found.reference, 4]),
    }


def _stable(text: str) -> str:
    """A page without its CSRF tokens (masked anew on every render)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _main(page: Any) -> str:
    return _stable(str(page.content.decode().split("<main")[1].split("</main>")[0]))


@pytest.mark.django_db
def test_results_are_hidden_while_open_and_shown_once_closed(people: dict[str, Actor]) -> None:
    """Reading the results before and after one person answered would tell that person's answers: nothing of
    the answers is shown while the consultation is open, not even how many people answered."""
    supervisor, caseworker = people["supervisor"], people["caseworker"]
    found = make_consultation(supervisor, k=3)
    codes = services.issue_links(caseworker, found, 7)
    for index, code in enumerate(codes[:6]):
        _answer(found, code, "0", "4", f"before {index}")
    found.refresh_from_db()
    assert access.results(found, "en") is None
    assert access.free_text(supervisor, found, _questions(found)["text"]) is None
    client = Client()
    client.force_login(supervisor.user)
    before = {name: _main(client.get(url)) for name, url in _urls(found).items()}
    _answer(found, codes[6], "1", "2", "the one who answered last")  # one person answers...
    for name, url in _urls(found).items():
        after = _main(client.get(url))
        assert after == before[name], name  # ...and no page changes
        assert "before 0" not in after
        assert "the one who answered last" not in after
        assert ">6<" not in after
        assert ">7<" not in after
    assert "nobody can tell one person" in before["results"]
    assert "nobody can tell one person" in before["summary"]

    services.close_consultation(supervisor, found)
    found.refresh_from_db()
    results = access.results(found, "en")
    assert results is not None
    single = next(r for r in results if r.kind == "single")
    assert single.result is not None
    assert single.result.total.value == 7
    assert "the one who answered last" in _main(client.get(_urls(found)["free_text"]))
    assert ">7<" in _main(client.get(_urls(found)["consultation"]))
    summary = _main(Client().get(_urls(found)["summary"]))
    assert "Are the rules clear?" in summary
    assert "nobody can tell one person" not in summary


@pytest.mark.django_db
def test_closing_writes_every_counter_and_free_text_again(people: dict[str, Actor]) -> None:
    """On PostgreSQL every row version carries its transaction's id: closing rewrites every counter and
    free-text row in one transaction, and re-inserts free text under new keys in a random order."""
    found = make_consultation(people["supervisor"], k=3)
    for index, code in enumerate(services.issue_links(people["caseworker"], found, 4)):
        _answer(found, code, "0", "5", f"idea {index}")
    before = set(TextAnswer.objects.values_list("uid", flat=True))
    counts = dict(Tally.objects.values_list("pk", "count"))
    with CaptureQueriesContext(connection) as queries:
        services.close_consultation(people["supervisor"], found)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert any(sql.startswith('UPDATE "participate_tally" SET "count" = ') for sql in updates), updates
    assert any(sql.startswith('UPDATE "participate_question" SET "respondents" = ') for sql in updates)
    after = set(TextAnswer.objects.values_list("uid", flat=True))
    assert len(after) == 4
    assert not after & before
    assert dict(Tally.objects.values_list("pk", "count")) == counts
    texts = access.free_text(people["supervisor"], found, _questions(found)["text"])
    assert sorted(texts or []) == [f"idea {i}" for i in range(4)]


@pytest.mark.django_db
def test_a_mean_is_published_only_when_no_count_of_its_question_is_hidden(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"], k=3)
    codes = services.issue_links(people["caseworker"], found, 7)
    for code, value in zip(codes, ["4", "5", "5", "5", "5", "5", "5"], strict=True):
        _answer(found, code, "0", value, "")
    found = services.close_consultation(people["supervisor"], found)
    scale = next(r for r in access.results(found, "en") or [] if r.kind == "scale")
    assert scale.result is not None
    assert scale.result.total.value == 7
    assert scale.mean is None  # 7 answers and 4.9 would tell the one 4 and the six 5s


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
    codes = services.issue_feedback_links(people["caseworker"], "shelter", org, 10)
    for index, code in enumerate(codes):
        services.answer_feedback(
            code,
            services.FeedbackAnswers(
                satisfaction="5" if index else "2", felt_safe="yes", comment=f"kind staff {index}"
            ),
        )
    assert "kind staff" not in _all_participate_rows()
    (result,) = access.feedback_results(people["analyst"])
    assert result.respondents.total.value == 10
    satisfaction = result.questions[0][1]
    assert satisfaction.bars[1].cell.value is None  # the one "2" is never shown, nor worked out from the rest
    assert all(bar.cell.value in (None, 0) or bar.cell.value >= 5 for bar in satisfaction.bars)
    assert result.mean is None  # hidden counts: no mean
    assert sorted(access.feedback_comments(people["supervisor"], "shelter", org.pk) or []) == sorted(
        f"kind staff {i}" for i in range(10)
    )
    with pytest.raises(services.LinkUnusable):
        services.answer_feedback(codes[0], services.FeedbackAnswers(satisfaction="3"))


def _respondents(org: Organisation) -> int:
    return FeedbackTally.objects.get(organisation=org, question="responses").count


@pytest.mark.django_db
def test_feedback_is_released_only_in_groups_of_at_least_k(
    people: dict[str, Actor], org: Organisation
) -> None:
    """A caseworker who gives one client a link and reads the results before and after learns nothing: answers
    are held back, sealed, and moved into the counters k at a time."""
    k = access.FEEDBACK_K
    codes = services.issue_feedback_links(people["caseworker"], "shelter", org, 2 * k + 1)
    client = Client()
    client.force_login(people["supervisor"].user)
    page = _main(client.get(reverse("participate:feedback")))
    assert f"groups of at least {k}" in page
    for index, code in enumerate(codes[: k - 1]):
        services.answer_feedback(code, services.FeedbackAnswers(satisfaction="4", comment=f"held {index}"))
        assert _respondents(org) == 0
        assert not FeedbackComment.objects.exists()
        assert access.feedback_comments(people["supervisor"], "shelter", org.pk) is None
        assert _main(client.get(reverse("participate:feedback"))) == page
    assert FeedbackHeld.objects.count() == k - 1
    held = FeedbackHeld.objects.first()
    assert held is not None
    assert held.week.weekday() == 0
    assert b"held" not in bytes(held.answers)  # sealed
    assert not [
        f
        for f in FeedbackHeld._meta.get_fields()
        if getattr(f, "related_model", None) in (AnswerLink, LinkIssue)
    ]

    services.answer_feedback(
        codes[k - 1], services.FeedbackAnswers(satisfaction="4", comment=f"held {k - 1}")
    )
    assert _respondents(org) == k  # the k-th answer releases the whole group...
    assert not FeedbackHeld.objects.exists()  # ...and the holding rows are gone
    assert FeedbackComment.objects.count() == k
    assert len({c.week for c in FeedbackComment.objects.all()}) == 1  # dated to the release, all alike
    assert sorted(access.feedback_comments(people["supervisor"], "shelter", org.pk) or []) == [
        f"held {i}" for i in range(k)
    ]
    released = _main(client.get(reverse("participate:feedback")))

    for code in codes[k : 2 * k - 1]:
        services.answer_feedback(code, services.FeedbackAnswers(satisfaction="5", comment="later"))
    assert _respondents(org) == k
    assert _main(client.get(reverse("participate:feedback"))) == released
    services.answer_feedback(codes[2 * k - 1], services.FeedbackAnswers(satisfaction="5"))
    assert _respondents(org) == 2 * k
    assert not FeedbackHeld.objects.exists()
    services.answer_feedback(codes[2 * k], services.FeedbackAnswers(satisfaction="1"))
    assert (_respondents(org), FeedbackHeld.objects.count()) == (2 * k, 1)


@pytest.mark.django_db
def test_you_said_we_did_waits_for_the_consultation_to_close(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"], k=3)
    change = services.ChangeInput(timezone.localdate(), "Curfew too early", "Moved it to 23:00")
    with pytest.raises(services.ParticipateError, match="closed"):
        services.record_change(people["supervisor"], found, change)
    client = Client()
    client.force_login(people["supervisor"].user)
    page = client.get(reverse("participate:results", args=[found.reference])).content.decode()
    assert "Record what you changed" not in page
    found = services.close_consultation(people["supervisor"], found)
    services.record_change(people["supervisor"], found, change)
    assert Change.objects.count() == 1
    page = client.get(reverse("participate:results", args=[found.reference])).content.decode()
    assert "Never write a survivor" in page


@pytest.mark.django_db
def test_the_enter_code_page_keeps_the_code_and_title_out_of_the_address(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"])
    (code,) = services.issue_links(people["caseworker"], found, 1)
    client = Client()
    page = client.get(reverse("participate:enter_code"))
    assert page.status_code == 200
    shown = client.post(reverse("participate:enter_code"), {"code": tokens.grouped(code).lower()})
    assert shown.status_code == 200  # the questions, at the enter-code address: no redirect to /a/<code>/
    text = shown.content.decode()
    assert "Are the rules clear?" in text
    title = text.split("<title>")[1].split("</title>")[0]
    assert found.title not in title
    assert 'class="language-form"' not in text  # the footer's form would post a CSRF token (cookie)
    french = client.post(reverse("participate:enter_code"), {"code": tokens.grouped(code), "lang": "fr"})
    assert 'name="step"' in french.content.decode()
    q = _questions(found)
    sent = client.post(
        reverse("participate:enter_code"),
        {"code": tokens.grouped(code), "step": "answers", f"q{q['single'].pk}": "0"},
    )
    assert sent.status_code == 302
    assert code not in sent["Location"]
    assert tokens.grouped(code) not in sent["Location"]
    assert not client.cookies  # no CSRF cookie, no session
    assert not AnswerLink.objects.exists()
    unusable = client.post(reverse("participate:enter_code"), {"code": tokens.grouped(code)})
    assert unusable.status_code == 404


@pytest.mark.django_db
def test_survivor_leaders_totals_consent_and_deletion(people: dict[str, Actor]) -> None:
    supervisor = people["supervisor"]
    leader = services.create_leader(
        supervisor,
        services.LeaderInput("Sunrise", dt.date(2025, 1, 2), "Advisory group", "Phone via caseworker 0612"),
    )
    assert b"0612" not in bytes(Leader.objects.get().contact_notes or b"")
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


# ---- editing a draft; nothing changes once it is open


def _draft(manager: Actor, *questions: str) -> Consultation:
    today = timezone.localdate()
    found = services.create_consultation(
        manager,
        services.ConsultationInput(
            "Night curfew", "The curfew at night", ["en", "fr"], today, today + dt.timedelta(days=10), 5
        ),
    )
    for text in questions:
        services.add_question(
            manager, found, QuestionDraft(Kind.TEXT, {"en": text, "fr": f"{text} (fr)"}, {})
        )
    return found


def _details(found: Consultation) -> list[dict[str, Any]]:
    """The details of the audit entries about one consultation, oldest first."""
    return list(
        AuditEntry.objects.filter(object_type="participate.consultation", object_id=str(found.pk))
        .order_by("seq")
        .values_list("details", flat=True)
    )


def _order(found: Consultation) -> list[tuple[int, str]]:
    return [(q.position, q.texts["en"]) for q in access.questions(found)]


@pytest.mark.django_db
def test_a_draft_s_details_are_edited_and_audited_without_what_was_typed(people: dict[str, Actor]) -> None:
    analyst = people["analyst"]
    found = _draft(analyst, "First?")
    today = timezone.localdate()
    edited = services.update_consultation(
        analyst,
        found,
        services.ConsultationInput(
            "Evening curfew 5b1c", "Rules at 21:00", ["en", "fr"], today, today + dt.timedelta(days=30), 7
        ),
    )
    stored = Consultation.objects.get(pk=found.pk)
    assert (stored.title, stored.topic, stored.k, stored.closes_on) == (
        "Evening curfew 5b1c",
        "Rules at 21:00",
        7,
        today + dt.timedelta(days=30),
    )
    assert edited.title == stored.title
    last = _details(found)[-1]
    assert last["details_changed"] == ["closes_on", "k", "title", "topic"]
    assert "5b1c" not in repr(_details(found))  # field names, never what was typed
    assert "21:00" not in repr(_details(found))

    # The same checks as on creation, each on its field.
    for given, field in [
        (
            services.ConsultationInput("T", "About", ["en"], today, today - dt.timedelta(days=1), 5),
            "closes_on",
        ),
        (services.ConsultationInput("T", "About", ["en"], today, today, 2), "k"),
        (services.ConsultationInput("", "About", ["en"], today, today, 5), "title"),
        (services.ConsultationInput("T", "About", [], today, today, 5), "languages"),
    ]:
        with pytest.raises(services.ParticipateError) as error:
            services.update_consultation(analyst, found, given)
        assert error.value.field == field
    assert Consultation.objects.get(pk=found.pk).title == "Evening curfew 5b1c"

    # Languages: a question must be written in the new first language; a language dropped takes its text along.
    services.add_question(analyst, found, QuestionDraft(Kind.TEXT, {"en": "English only?"}, {}))
    with pytest.raises(services.ParticipateError, match="Question 2") as error:
        services.update_consultation(
            analyst, found, services.ConsultationInput("T", "About", ["fr", "en"], today, today, 5)
        )
    assert error.value.field == "languages"
    assert Consultation.objects.get(pk=found.pk).languages == ["en", "fr"]
    services.update_consultation(
        analyst, found, services.ConsultationInput("T", "About", ["en"], today, today, 5)
    )
    assert [q.texts for q in access.questions(found)] == [{"en": "First?"}, {"en": "English only?"}]
    assert _details(found)[-1]["languages"] == ["en"]

    with pytest.raises(PermissionDenied):
        services.update_consultation(
            people["other_supervisor"], found, services.ConsultationInput("X", "Y", ["en"], today, today, 5)
        )
    with pytest.raises(PermissionDenied):
        services.update_consultation(
            people["caseworker"], found, services.ConsultationInput("X", "Y", ["en"], today, today, 5)
        )
    assert Consultation.objects.get(pk=found.pk).title == "T"


@pytest.mark.django_db
def test_a_draft_s_questions_are_edited_deleted_and_moved_up_and_down(people: dict[str, Actor]) -> None:
    supervisor = people["supervisor"]
    found = _draft(supervisor, "Alpha?", "Bravo?", "Charlie?")
    alpha, bravo, charlie = access.questions(found)

    services.move_question(supervisor, found, charlie, -1)
    assert _order(found) == [(1, "Alpha?"), (2, "Charlie?"), (3, "Bravo?")]
    assert _details(found)[-1]["question_moved"] == 3
    assert _details(found)[-1]["to"] == 2
    services.move_question(supervisor, found, alpha, 1)
    assert _order(found) == [(1, "Charlie?"), (2, "Alpha?"), (3, "Bravo?")]
    with pytest.raises(services.ParticipateError, match="already the first"):
        services.move_question(supervisor, found, charlie, -1)
    with pytest.raises(services.ParticipateError, match="already the last"):
        services.move_question(supervisor, found, bravo, 1)
    assert _order(found) == [(1, "Charlie?"), (2, "Alpha?"), (3, "Bravo?")]

    edited = services.update_question(
        supervisor,
        found,
        alpha,
        QuestionDraft(Kind.SINGLE, {"en": "Alpha 6d2e?"}, {"en": ["Yes", "No"], "fr": ["Oui", "Non"]}),
    )
    assert (edited.kind, edited.position, edited.options) == (
        "single",
        2,
        [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}],
    )
    assert _details(found)[-1]["question_changed"] == 2
    with pytest.raises(services.ParticipateError) as error:
        services.update_question(
            supervisor, found, alpha, QuestionDraft(Kind.SINGLE, {"en": "Q"}, {"en": ["One"]})
        )
    assert error.value.field == "options"
    assert access.questions(found)[1].texts == {"en": "Alpha 6d2e?"}

    services.delete_question(supervisor, found, charlie)
    assert _order(found) == [(1, "Alpha 6d2e?"), (2, "Bravo?")]
    assert _details(found)[-1]["question_deleted"] == 1
    services.add_question(supervisor, found, QuestionDraft(Kind.TEXT, {"en": "Delta?"}, {}))
    assert _order(found) == [(1, "Alpha 6d2e?"), (2, "Bravo?"), (3, "Delta?")]
    assert "6d2e" not in repr(_details(found))  # positions, never the wording

    # Only the organisation's managers, and only the consultation's own questions.
    other = _draft(supervisor, "Elsewhere?")
    (elsewhere,) = access.questions(other)
    with pytest.raises(PermissionDenied):
        services.delete_question(supervisor, found, elsewhere)
    with pytest.raises(PermissionDenied):
        services.move_question(people["other_supervisor"], found, bravo, -1)
    with pytest.raises(PermissionDenied):
        services.update_question(
            people["caseworker"], found, bravo, QuestionDraft(Kind.TEXT, {"en": "X"}, {})
        )
    assert Question.objects.filter(pk=elsewhere.pk).exists()
    assert _order(found) == [(1, "Alpha 6d2e?"), (2, "Bravo?"), (3, "Delta?")]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "closed"])
def test_once_open_its_details_and_questions_no_longer_change(people: dict[str, Actor], state: str) -> None:
    supervisor = people["supervisor"]
    found = make_consultation(supervisor)
    if state == "closed":
        found = services.close_consultation(supervisor, found)
    first, second = access.questions(found)[:2]
    before = (_order_all(found), Consultation.objects.filter(pk=found.pk).values().get())
    audits = AuditEntry.objects.count()
    today = timezone.localdate()
    attempts = [
        lambda: services.update_consultation(
            supervisor, found, services.ConsultationInput("New", "New", ["en"], today, today, 5)
        ),
        lambda: services.update_question(
            supervisor, found, first, QuestionDraft(Kind.TEXT, {"en": "New?"}, {})
        ),
        lambda: services.delete_question(supervisor, found, first),
        lambda: services.move_question(supervisor, found, second, -1),
    ]
    for attempt in attempts:
        with pytest.raises(services.ParticipateError, match="no longer a draft"):
            attempt()
    assert (_order_all(found), Consultation.objects.filter(pk=found.pk).values().get()) == before
    assert AuditEntry.objects.count() == audits

    # The page shows no button to do it, and says why; the edit pages say it instead of a form.
    client = Client()
    client.force_login(supervisor.user)
    page = client.get(reverse("participate:consultation", args=[found.reference])).content.decode()
    for absent in (
        "Edit the details",
        "Move up",
        "Move down",
        reverse("participate:edit_consultation", args=[found.reference]),
    ):
        assert absent not in page, absent
    assert "no longer a draft" in page
    edit = client.get(reverse("participate:edit_consultation", args=[found.reference]))
    assert edit.status_code == 200
    assert "no longer a draft" in edit.content.decode()
    assert 'name="title"' not in edit.content.decode()
    sent = client.post(
        reverse("participate:edit_question", args=[found.reference, first.pk]),
        {"kind": "text", "text_en": "New?"},
    )
    assert sent.status_code == 409
    moved = client.post(
        reverse("participate:move_question", args=[found.reference, second.pk]), {"direction": "up"}
    )
    assert moved.status_code == 302
    assert "no longer a draft" in client.get(moved["Location"]).content.decode()  # the service's refusal
    assert _order_all(found) == before[0]


def _order_all(found: Consultation) -> list[tuple[int, str, Any, Any]]:
    return [(q.position, q.kind, q.texts, q.options) for q in access.questions(found)]


@pytest.mark.django_db
def test_a_draft_s_questions_are_edited_and_moved_through_its_page(people: dict[str, Actor]) -> None:
    analyst = people["analyst"]
    found = _draft(analyst, "Alpha?", "Bravo?")
    alpha, bravo = access.questions(found)
    client = Client()
    client.force_login(analyst.user)
    page = client.get(reverse("participate:consultation", args=[found.reference])).content.decode()
    assert page.count("Move up") == 1  # not for the first question
    assert page.count("Move down") == 1  # not for the last
    assert reverse("participate:edit_question", args=[found.reference, bravo.pk]) in page
    form = client.get(reverse("participate:edit_question", args=[found.reference, alpha.pk])).content.decode()
    assert "Alpha? (fr)" in form  # the form starts from the question as it is
    client.post(reverse("participate:move_question", args=[found.reference, bravo.pk]), {"direction": "up"})
    assert _order(found) == [(1, "Bravo?"), (2, "Alpha?")]
    assert (
        client.post(
            reverse("participate:move_question", args=[found.reference, bravo.pk]), {"direction": "sideways"}
        ).status_code
        == 404
    )
    saved = client.post(
        reverse("participate:edit_question", args=[found.reference, alpha.pk]),
        {"kind": "scale", "text_en": "How fair?", "text_fr": ""},
    )
    assert saved.status_code == 302
    assert _order(found) == [(1, "Bravo?"), (2, "How fair?")]
    details = client.get(reverse("participate:edit_consultation", args=[found.reference])).content.decode()
    assert 'value="Night curfew"' in details
    client.post(reverse("participate:delete_question", args=[found.reference, bravo.pk]))
    assert _order(found) == [(1, "How fair?")]


# ---- "you said, we did" corrected and withdrawn


@pytest.mark.django_db
def test_you_said_we_did_entries_are_corrected_and_deleted_with_an_audit_entry(
    people: dict[str, Actor],
) -> None:
    supervisor = people["supervisor"]
    found = services.close_consultation(supervisor, make_consultation(supervisor))
    change = services.record_change(
        supervisor, found, services.ChangeInput(timezone.localdate(), "Curfew too early", "Moved it")
    )
    corrected = services.update_change(
        supervisor,
        found,
        change,
        services.ChangeInput(timezone.localdate(), "Curfew too early 8f3a", "Moved it to 23:00 8f3a"),
    )
    assert (corrected.you_said, corrected.we_did) == ("Curfew too early 8f3a", "Moved it to 23:00 8f3a")
    assert Change.objects.get().we_did == "Moved it to 23:00 8f3a"
    assert _details(found)[-1]["change_edited"] == change.pk
    summary = Client().get(reverse("participate:summary", args=[found.reference])).content.decode()
    assert "Moved it to 23:00 8f3a" in summary

    with pytest.raises(services.ParticipateError) as error:
        services.update_change(supervisor, found, change, services.ChangeInput(timezone.localdate(), "", "x"))
    assert error.value.field == "you_said"
    with pytest.raises(services.ParticipateError) as error:
        services.update_change(
            supervisor,
            found,
            change,
            services.ChangeInput(timezone.localdate() + dt.timedelta(days=2), "Said", "Did"),
        )
    assert error.value.field == "on"
    for outsider in (people["other_supervisor"], people["caseworker"]):
        with pytest.raises(PermissionDenied):
            services.update_change(
                outsider, found, change, services.ChangeInput(timezone.localdate(), "A", "B")
            )
        with pytest.raises(PermissionDenied):
            services.delete_change(outsider, found, change)
    another = services.close_consultation(supervisor, make_consultation(supervisor))
    with pytest.raises(PermissionDenied):
        services.delete_change(supervisor, another, change)  # not that consultation's entry
    assert Change.objects.get().you_said == "Curfew too early 8f3a"

    services.delete_change(supervisor, found, change)
    assert not Change.objects.exists()
    assert _details(found)[-1]["change_deleted"] == change.pk
    assert "8f3a" not in repr(_details(found))  # ids, never what was typed
    summary = Client().get(reverse("participate:summary", args=[found.reference])).content.decode()
    assert "8f3a" not in summary


# ---- held feedback does not wait for ever


def _held(code: str, comment: str, week: dt.date) -> None:
    """One answer, held back (fewer than k waiting), then dated back to ``week``."""
    before = set(FeedbackHeld.objects.values_list("uid", flat=True))
    services.answer_feedback(code, services.FeedbackAnswers(satisfaction="4", comment=comment))
    (new,) = set(FeedbackHeld.objects.values_list("uid", flat=True)) - before
    FeedbackHeld.objects.filter(uid=new).update(week=week)


def _expiry_entries() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type="participate.feedback", object_id="held").order_by("seq")
    )


@pytest.mark.django_db
def test_held_feedback_that_never_reached_a_batch_is_destroyed_unread_after_the_period(
    people: dict[str, Actor],
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    k = access.FEEDBACK_K
    today = timezone.localdate()
    old = results_core.week_of(today - dt.timedelta(days=200))
    # Its Monday is over 180 days ago, but an answer of its last days may not be: it waits on.
    recent = results_core.week_of(today - dt.timedelta(days=180))
    codes = services.issue_feedback_links(people["caseworker"], "shelter", org, 6)
    for index, code in enumerate(codes[:2]):
        _held(code, f"old comment {index}", old)
    _held(codes[2], "recent comment", recent)
    legal = services.issue_feedback_links(people["caseworker"], "legal", org, 1)
    _held(legal[0], "old legal comment", old)
    outsider = make_member(other_org, Role.CASEWORKER)
    _held(services.issue_feedback_links(outsider, "shelter", other_org, 1)[0], "their old comment", old)
    # A batch released long ago: its comments are not held feedback, and stay.
    released = services.issue_feedback_links(people["caseworker"], "health", org, k)
    for code in released:
        services.answer_feedback(code, services.FeedbackAnswers(satisfaction="5", comment="released"))
    FeedbackComment.objects.update(week=old)
    assert FeedbackHeld.objects.count() == 5

    # An answer past the period is never released, even before the daily run destroys it.
    for code in codes[3:5]:
        services.answer_feedback(code, services.FeedbackAnswers(satisfaction="3"))
    assert FeedbackHeld.objects.filter(service="shelter", organisation=org).count() == k
    assert _respondents_of(org, "shelter") == 0

    def unread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a held answer was opened")

    monkeypatch.setattr(sealing, "open_data", unread)
    monkeypatch.setattr(sealing, "open_text", unread)
    assert services.expire_held_feedback() == 4
    left = FeedbackHeld.objects.all()
    assert {(row.organisation_id, row.service) for row in left} == {(org.pk, "shelter")}
    assert len(left) == 3  # the recent answer and the two fresh ones
    assert all(row.week >= recent for row in left)
    assert FeedbackComment.objects.filter(organisation=org).count() == k  # released comments untouched
    # One platform entry per run, with the period only: no organisation, no count.
    entries = _expiry_entries()
    assert [(e.organisation_id, e.actor_id, e.action, e.details) for e in entries] == [
        (None, None, "delete", {"older_than_days": 180})
    ]
    assert entries[0].actor_label == "system:expire_held_feedback"
    # A run that destroys nothing writes the same entry: the trail does not tell the days something went.
    assert services.expire_held_feedback() == 0
    assert [e.details for e in _expiry_entries()] == [{"older_than_days": 180}] * 2
    monkeypatch.undo()

    # The feedback page says why answers are discarded, never how many.
    client = Client()
    client.force_login(people["caseworker"].user)
    page = _main(client.get(reverse("participate:feedback")))
    assert "destroyed without being read" in page
    assert "after 180 days" in page
    assert "discarded is not shown" in page
    assert not re.search(r"\b[34] held answers?\b", page)

    # A shorter period set in the settings reaches the recent answer too.
    with override_settings(PARTICIPATE_HELD_FEEDBACK_DAYS=30):
        assert services.held_feedback_days() == 30
        assert services.expire_held_feedback() == 1
    assert _expiry_entries()[-1].details == {"older_than_days": 30}
    with override_settings(PARTICIPATE_HELD_FEEDBACK_DAYS=0), pytest.raises(ImproperlyConfigured):
        services.held_feedback_days()


def _respondents_of(org: Organisation, service: str) -> int:
    return FeedbackTally.objects.get(organisation=org, service=service, question="responses").count


@pytest.mark.django_db
def test_the_expiry_command_reports_a_count_only(people: dict[str, Actor], org: Organisation) -> None:
    (code,) = services.issue_feedback_links(people["caseworker"], "shelter", org, 1)
    _held(code, "a comment 2c4d", dt.date(2020, 1, 6))
    out = io.StringIO()
    call_command("expire_held_feedback", stdout=out)
    assert out.getvalue().strip() == "Held feedback answers older than 180 days destroyed unread."
    assert not FeedbackHeld.objects.exists()
    assert "2c4d" not in repr([e.details for e in _expiry_entries()])


# ---- the thank-you page names no consultation


@pytest.mark.django_db
def test_after_answering_the_address_names_no_consultation(people: dict[str, Actor]) -> None:
    found = make_consultation(people["supervisor"])
    codes = services.issue_links(people["caseworker"], found, 2)
    client = Client()
    sent = _post_answers(client, codes[0], found)
    assert sent.status_code == 302
    assert sent["Location"] == "/participate/thanks/?lang=en"
    q = _questions(found)
    by_code = client.post(
        reverse("participate:enter_code"),
        {"code": tokens.grouped(codes[1]), "step": "answers", "lang": "fr", f"q{q['single'].pk}": "0"},
    )
    assert by_code["Location"] == "/participate/thanks/?lang=fr"
    pages = {
        language: client.get(location)
        for language, location in (("en", sent["Location"]), ("fr", by_code["Location"]))
    }
    for language, page in pages.items():
        text = page.content.decode()
        assert page.status_code == 200
        assert f'<html lang="{language}"' in text  # in the language the questions were answered in
        for secret in (found.reference, found.title, found.topic, "Are the rules clear?"):
            assert secret not in text
        assert "data-quick-exit" in text  # quick exit, as on every public page
        assert 'class="language-form"' not in text  # no CSRF token, so no cookie
    assert "What happens next" in pages["en"].content.decode()
    assert reverse("participate:enter_code") in pages["en"].content.decode()
    assert not client.cookies
    odd = client.get(reverse("participate:thanks") + "?lang=xx")
    assert odd.status_code == 200
    assert "What happens next" in odd.content.decode()
