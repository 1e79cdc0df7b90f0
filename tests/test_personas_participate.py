"""Four-persona rows for the participate pages (threefold/participate).

Caseworkers, supervisors, analysts and org admins work with consultations (``participate.view_results``);
supervisors, analysts and org admins manage them (``participate.manage``); caseworkers and supervisors issue
single-use links (``participate.invite``); supervisors and org admins keep survivor leaders' records
(``participate.leaders``). Trainers, screeners and legal officers get 403; another organisation's consultation or
leader answers 404; pages holding no record of ours (home, lists, forms) serve an outsider their own
organisation's.

The anonymous answer pages (``PUBLIC_ROWS``) are open to anyone by design: they are checked apart, for every
persona alike (``test_public_page``): the same page for a signed-in member as for a stranger, and never anything
of the organisation beyond the consultation itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from tests.test_participate_services import make_consultation
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.participate import services
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.models import Change, Consultation, Leader, LeaderActivity, LinkIssue, Question

DRAFT = "Draft on curfew 4d1a"
LEADER = "Pseudonym Kestrel 9c2b"
NOT_MEMBERS = ("loner", "deactivated")
NOT_PARTICIPATION = ("trainer", "screener", "legal_officer")


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    supervisor, caseworker = world.actors["supervisor"], world.actors["caseworker"]
    open_one = make_consultation(supervisor, k=3)
    codes = services.issue_links(caseworker, open_one, 4)
    text_question = Question.objects.get(consultation=open_one, kind=Kind.TEXT)
    for index, code in enumerate(codes[:3]):
        services.answer_consultation(
            code, services.Answers(texts={text_question.pk: f"Idea number {index} 7e3f"})
        )
    # Results, free text and "you said, we did" are read once a consultation is closed (ADR 0030).
    closed = make_consultation(supervisor, k=3)
    text_question = Question.objects.get(consultation=closed, kind=Kind.TEXT)
    for index, code in enumerate(services.issue_links(caseworker, closed, 3)):
        services.answer_consultation(
            code, services.Answers(texts={text_question.pk: f"Idea number {index} 7e3f"})
        )
    closed = services.close_consultation(supervisor, closed)
    today = timezone.localdate()
    draft = services.create_consultation(
        supervisor, services.ConsultationInput(DRAFT, "Curfew", ["en"], today, today + dt.timedelta(days=9))
    )
    services.add_question(supervisor, draft, QuestionDraft(Kind.SCALE, {"en": "Fair?"}, {}))
    services.add_question(supervisor, draft, QuestionDraft(Kind.TEXT, {"en": "Late buses 3e7d?"}, {}))
    change = services.record_change(
        supervisor, closed, services.ChangeInput(today, "Rota unclear 5c8a", "Posted it in the hall")
    )
    services.issue_feedback_links(caseworker, "shelter", org, 1)
    leader = services.create_leader(
        supervisor, services.LeaderInput(LEADER, dt.date(2025, 1, 1), "Advisory group", "")
    )
    world.extras.update(
        open=open_one, closed=closed, draft=draft, code=codes[3], leader=leader, change=change
    )
    return world


def _open(w: World) -> str:
    return w.extras["open"].reference


def _closed(w: World) -> str:
    return w.extras["closed"].reference


def _draft(w: World) -> str:
    return w.extras["draft"].reference


def _draft_question(w: World, position: int) -> Question:
    return Question.objects.get(consultation=w.extras["draft"], position=position)


def _draft_order(w: World) -> object:
    return list(
        Question.objects.filter(consultation=w.extras["draft"])
        .order_by("position")
        .values_list("pk", flat=True)
    )


def _change(w: World) -> Change:
    return w.extras["change"]


def _count(model: Any, **where: Any) -> Any:
    return lambda w: model.objects.filter(**where).count()


def _org_count(model: Any) -> Any:
    return lambda w: model.objects.filter(organisation=w.org).count()


def _today() -> str:
    return timezone.localdate().isoformat()


MEMBER_ROWS: tuple[Row, ...] = (
    Row(
        "participate:home",
        "GET",
        lambda w: reverse("participate:home"),
        other_org="other_caseworker",
        denied=(*NOT_MEMBERS, *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "House rules",
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:new_consultation",
        "GET",
        lambda w: reverse("participate:new_consultation"),
        other_org="other_analyst",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="analyst",
        ok_status=200,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:new_consultation",
        "POST",
        lambda w: reverse("participate:new_consultation"),
        other_org="other_analyst",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="analyst",
        ok_status=302,
        data=lambda w: {
            "title": "Food",
            "topic": "Meals",
            "languages": ["en"],
            "opens_on": _today(),
            "closes_on": _today(),
            "k": "5",
        },
        state=_org_count(Consultation),
        other_org_status=(302,),
        denied_status=(403,),
    ),
    Row(
        "participate:consultation",
        "GET",
        lambda w: reverse("participate:consultation", args=[_open(w)]),
        other_org="other_supervisor",
        denied=NOT_PARTICIPATION,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "Are the rules clear?",
        denied_status=(403,),
    ),
    Row(
        "participate:add_question",
        "POST",
        lambda w: reverse("participate:add_question", args=[w.extras["draft"].reference]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"kind": "text", "text_en": "Anything else?"},
        state=lambda w: Question.objects.filter(consultation=w.extras["draft"]).count(),
    ),
    Row(
        "participate:edit_consultation",
        "GET",
        lambda w: reverse("participate:edit_consultation", args=[_draft(w)]),
        other_org="other_analyst",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: DRAFT,
    ),
    Row(
        "participate:edit_consultation",
        "POST",
        lambda w: reverse("participate:edit_consultation", args=[_draft(w)]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {
            "title": "Curfew, again",
            "topic": "Curfew",
            "languages": ["en"],
            "opens_on": _today(),
            "closes_on": _today(),
            "k": "5",
        },
        state=lambda w: Consultation.objects.values_list("title", "closes_on").get(pk=w.extras["draft"].pk),
    ),
    Row(
        "participate:edit_question",
        "GET",
        lambda w: reverse("participate:edit_question", args=[_draft(w), _draft_question(w, 2).pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=200,
        shows=lambda w: "Late buses 3e7d?",
    ),
    Row(
        "participate:edit_question",
        "POST",
        lambda w: reverse("participate:edit_question", args=[_draft(w), _draft_question(w, 2).pk]),
        other_org="other_analyst",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="analyst",
        ok_status=302,
        data=lambda w: {"kind": "text", "text_en": "Early buses?"},
        state=lambda w: _draft_question(w, 2).texts,
    ),
    Row(
        "participate:delete_question",
        "POST",
        lambda w: reverse("participate:delete_question", args=[_draft(w), _draft_question(w, 1).pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        state=_draft_order,
    ),
    Row(
        "participate:move_question",
        "POST",
        lambda w: reverse("participate:move_question", args=[_draft(w), _draft_question(w, 2).pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"direction": "up"},
        state=_draft_order,
    ),
    Row(
        "participate:change_state",
        "POST",
        lambda w: reverse("participate:change_state", args=[w.extras["draft"].reference]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"action": "open"},
        state=lambda w: Consultation.objects.get(pk=w.extras["draft"].pk).state,
    ),
    Row(
        "participate:issue_links",
        "GET",
        lambda w: reverse("participate:issue_links", args=[_open(w)]),
        other_org="other_caseworker",
        denied=("analyst", *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "House rules",
    ),
    Row(
        "participate:issue_links",
        "POST",
        lambda w: reverse("participate:issue_links", args=[_open(w)]),
        other_org="other_caseworker",
        denied=("analyst", *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        data=lambda w: {"count": "2"},
        state=_org_count(LinkIssue),
        shows=lambda w: "<svg",
    ),
    Row(
        "participate:results",
        "GET",
        lambda w: reverse("participate:results", args=[_closed(w)]),
        other_org="other_analyst",
        denied=NOT_PARTICIPATION,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "Which rules?",
        denied_status=(403,),
    ),
    Row(
        "participate:free_text",
        "GET",
        lambda w: reverse("participate:free_text", args=[_closed(w), 4]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "Idea number 1 7e3f",
    ),
    Row(
        "participate:add_change",
        "POST",
        lambda w: reverse("participate:add_change", args=[_closed(w)]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"on": _today(), "you_said": "Curfew too early", "we_did": "Moved it to 23:00"},
        state=_count(Change),
    ),
    Row(
        "participate:edit_change",
        "GET",
        lambda w: reverse("participate:edit_change", args=[_closed(w), _change(w).pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "Rota unclear 5c8a",
    ),
    Row(
        "participate:edit_change",
        "POST",
        lambda w: reverse("participate:edit_change", args=[_closed(w), _change(w).pk]),
        other_org="other_analyst",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="analyst",
        ok_status=302,
        data=lambda w: {
            "on": _today(),
            "you_said": "The rota was unclear",
            "we_did": "Posted it in the hall",
        },
        state=lambda w: Change.objects.get(pk=_change(w).pk).you_said,
    ),
    Row(
        "participate:delete_change",
        "POST",
        lambda w: reverse("participate:delete_change", args=[_closed(w), _change(w).pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=302,
        state=_count(Change),
    ),
    Row(
        "participate:feedback",
        "GET",
        lambda w: reverse("participate:feedback"),
        other_org="other_caseworker",
        denied=(*NOT_MEMBERS, *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "Shelter or safe accommodation · " + w.org.name,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:feedback_links",
        "GET",
        lambda w: reverse("participate:feedback_links"),
        other_org="other_caseworker",
        denied=("analyst", *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: f'<option value="{w.org.pk}"',  # the organisation itself is a provider
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:feedback_links",
        "POST",
        lambda w: reverse("participate:feedback_links"),
        other_org="other_caseworker",
        denied=("analyst", *NOT_PARTICIPATION),
        authorised="caseworker",
        ok_status=200,
        data=lambda w: {"service": "legal", "provider": str(w.org.pk), "count": "1"},
        state=_org_count(LinkIssue),
        other_org_status=(400,),  # our organisation is not a provider they can choose
        denied_status=(403,),
    ),
    Row(
        "participate:feedback_comments",
        "GET",
        lambda w: reverse("participate:feedback_comments", args=["shelter", w.org.pk]),
        other_org="other_supervisor",
        denied=("caseworker", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=200,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:leaders",
        "GET",
        lambda w: reverse("participate:leaders"),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: LEADER,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:new_leader",
        "GET",
        lambda w: reverse("participate:new_leader"),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=200,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "participate:new_leader",
        "POST",
        lambda w: reverse("participate:new_leader"),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=302,
        data=lambda w: {
            "pseudonym": "Wren",
            "consent_on": _today(),
            "consent_scope": "Speaking",
            "contact_notes": "",
        },
        state=_org_count(Leader),
        other_org_status=(302,),
        denied_status=(403,),
    ),
    Row(
        "participate:leader",
        "GET",
        lambda w: reverse("participate:leader", args=[w.extras["leader"].reference]),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: LEADER,
    ),
    Row(
        "participate:add_leader_entry",
        "POST",
        lambda w: reverse("participate:add_leader_entry", args=[w.extras["leader"].reference, "activity"]),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {
            "activity-kind": "speaking",
            "activity-on": _today(),
            "activity-topic": "Panel",
            "activity-hours": "1.5",
        },
        state=_count(LeaderActivity),
    ),
    Row(
        "participate:withdraw_consent",
        "POST",
        lambda w: reverse("participate:withdraw_consent", args=[w.extras["leader"].reference]),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"on": _today()},
        state=lambda w: Leader.objects.get(pk=w.extras["leader"].pk).consent_withdrawn_on,
    ),
    Row(
        "participate:delete_leader",
        "POST",
        lambda w: reverse("participate:delete_leader", args=[w.extras["leader"].reference]),
        other_org="other_supervisor",
        denied=("caseworker", "analyst", *NOT_PARTICIPATION),
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"confirm": "yes"},
        state=_org_count(Leader),
    ),
)

PUBLIC_ROWS: tuple[Row, ...] = tuple(
    Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=NOT_MEMBERS,
        authorised="caseworker",
        ok_status=200,
        shows=shows,
    )
    for view, url, shows in (
        ("participate:enter_code", lambda w: reverse("participate:enter_code"), lambda w: "Your code"),
        (
            "participate:answer",
            lambda w: reverse("participate:answer", args=[w.extras["code"]]),
            lambda w: "Are the rules clear?",
        ),
        (
            "participate:thanks",
            lambda w: reverse("participate:thanks") + "?lang=en",
            lambda w: "What happens next",
        ),
        (
            "participate:summary",
            lambda w: reverse("participate:summary", args=[_open(w)]),
            lambda w: "You said, we did",
        ),
        (
            "participate:summary",
            lambda w: reverse("participate:summary", args=[_closed(w)]),
            lambda w: "Which rules?",
        ),
    )
)

ROWS = MEMBER_ROWS + PUBLIC_ROWS


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(MEMBER_ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
@pytest.mark.parametrize("row", [pytest.param(row, id=row.view) for row in PUBLIC_ROWS])
@pytest.mark.parametrize("key", [None, "caseworker", "other_caseworker", "trainer", "loner"])
def test_public_page(row: Row, key: str | None, world: World) -> None:
    """The same page for anyone; it never shows free-text answers, leaders, or who issued links."""
    client = Client()
    if key is not None:
        login(client, world.user(key))
    response = client.get(row.url(world))
    text = response.content.decode()
    assert response.status_code == 200, text[:300]
    assert row.shows is not None
    assert row.shows(world) in text
    for secret in ("Idea number", LEADER, world.user("caseworker").email, DRAFT):
        assert secret not in text


@pytest.mark.django_db
def test_a_draft_has_no_public_page(world: World) -> None:
    draft = world.extras["draft"].reference
    assert Client().get(reverse("participate:summary", args=[draft])).status_code == 404


@pytest.mark.django_db
def test_the_thank_you_page_names_no_consultation(world: World) -> None:
    """It is the same page after every consultation: its address and its text name none of them."""
    url = reverse("participate:thanks")
    assert url == "/participate/thanks/"
    page = Client().get(url).content.decode()
    for consultation in (world.extras["open"], world.extras["closed"]):
        for secret in (consultation.reference, consultation.title, consultation.topic):
            assert secret not in page
