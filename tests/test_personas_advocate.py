"""Four-persona rows for the advocacy pages (threefold/advocate): the tracker, evidence, legislation reviews and
advocacy actions.

Every member of an organisation reads its tracker, approved evidence, reviews and actions, whatever their role
(``advocate.view``); analysts and org admins enter them, and approve evidence another member entered
(``advocate.enter``, ``advocate.approve_evidence``); drafts are read by those two roles only. Another
organisation's records answer 404; the pages that hold no record of ours (the home page, the lists, the forms to
record something) serve a member of the other organisation their own organisation's, never ours.

The world adds to ``test_personas.build_world`` an analyst in each organisation and, in ours, approved evidence on
Ghana, a draft by the analyst, two reviews of a law (the second after an amendment) and an action whose follow-up
is due today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.advocate import services
from threefold.advocate.models import AdvocacyAction, Evidence, LegislationReview
from threefold.advocate.services import ActionInput, AnswerInput, EvidenceInput, LawInput

APPROVED_SOURCE = "Shelter shadow report 7a1c"
DRAFT_SOURCE = "Draft finding 3b9e"
LAW = "Anti-Trafficking Act 5e2d"
AMENDED = "Anti-Trafficking (Amendment) Act 6f3e"
ACTION = "Letter to the minister 8f0a"
NO_ORGANISATION = ("loner", "deactivated")
NOT_ADVOCATES = ("caseworker", "supervisor", "trainer", "screener", "legal_officer")


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_analyst=make_member(other_org, Role.ANALYST)
    )
    analyst, admin = world.actors["analyst"], world.actors["admin"]
    approved = services.record_evidence(
        analyst,
        "GHA",
        EvidenceInput(
            "ratify", "partly_met", dt.date(2024, 5, 1), APPROVED_SOURCE, "https://example.org/a.pdf"
        ),
    )
    services.approve_evidence(admin, approved, expected_version=approved.version)
    draft = services.record_evidence(
        analyst,
        "GHA",
        EvidenceInput("survivors", "not_met", dt.date(2024, 6, 1), DRAFT_SOURCE, source_citation="p. 4"),
    )
    review = services.create_review(analyst, "GHA", LawInput(LAW, dt.date(2005, 12, 5)))
    services.save_review(
        analyst,
        review,
        LawInput(LAW, dt.date(2005, 12, 5)),
        {"victims_non_punishment": AnswerInput("no", "", "no provision")},
        expected_version=1,
    )
    amended = services.new_review_version(analyst, review, LawInput(AMENDED, dt.date(2009, 6, 1)))
    today = timezone.localdate()
    action = services.record_action(
        analyst,
        "GHA",
        ActionInput(
            "letter",
            ACTION,
            today - dt.timedelta(days=20),
            "Ministry of the Interior",
            asks=["survivors"],
            follow_up_on=today,
            owner=analyst.user,
        ),
    )
    world.extras.update(
        approved=Evidence.objects.get(pk=approved.pk),
        draft=draft,
        review=review,
        amended=amended,
        action=action,
    )
    return world


def _ref(key: str) -> Any:
    return lambda w: w.extras[key].reference


def _count(model: Any) -> Any:
    return lambda w: model.objects.filter(organisation=w.org).count()


def _version(key: str, model: Any) -> Any:
    return lambda w: model.objects.get(pk=w.extras[key].pk).version


def _state(w: World) -> object:
    return Evidence.objects.get(pk=w.extras["draft"].pk).state


def _evidence_form(w: World) -> dict[str, Any]:
    return {
        "ask": "criminalise",
        "status": "met",
        "as_of": "2025-01-10",
        "source_title": "Gazette notice",
        "source_url": "https://example.org/gazette",
        "source_citation": "",
        "note": "",
    }


def _draft_form(w: World) -> dict[str, Any]:
    return {**_evidence_form(w), "version": w.extras["draft"].version}


def _law_form(title: str = LAW, day: str = "2005-12-05") -> dict[str, Any]:
    return {"law_title": title, "law_date": day, "law_citation": "", "law_url": "", "summary": ""}


def _answers_form(w: World) -> dict[str, Any]:
    return {
        **_law_form(),
        "version": LegislationReview.objects.get(pk=w.extras["review"].pk).version,
        "act_recruitment-answer": "yes",
        "act_recruitment-articles": "s. 1",
        "act_recruitment-note": "",
    }


def _action_form(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "country": "GHA",
        "asks": ["prosecute"],
        "kind": "meeting",
        "title": "Meeting with the committee",
        "on": "2026-10-01",
        "target_body": "Parliamentary committee on gender",
        "target_role": "Chair",
        "target_name": "",
        "status": "done",
        "outcome": "none_yet",
        "outcome_note": "",
        "documents": "",
        "follow_up_on": "",
        "owner": "",
        "note": "",
        **extra,
    }


def _edit_action_form(w: World) -> dict[str, Any]:
    data = _action_form(w, version=w.extras["action"].version)
    del data["country"]
    return data


ROWS: tuple[Row, ...] = (
    # ---- the module's home page, the tracker and the asks
    Row(
        "advocate:home",
        "GET",
        lambda w: reverse("advocate:home"),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: ACTION,  # the follow-up due today, on its owner's page
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:tracker",
        "GET",
        lambda w: reverse("advocate:tracker") + "?scope=all&q=GHA",
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: '<span class="basis">evidence</span>',
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:framework",
        "GET",
        lambda w: reverse("advocate:framework"),
        other_org="other_caseworker",
        denied=NO_ORGANISATION,
        authorised="screener",
        ok_status=200,
        shows=lambda w: "Ratify and implement the Palermo Protocol",
        secret=lambda w: APPROVED_SOURCE,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:country",
        "GET",
        lambda w: reverse("advocate:country", args=["GHA"]),
        other_org="other_supervisor",
        denied=NO_ORGANISATION,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: APPROVED_SOURCE,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:ask",
        "GET",
        lambda w: reverse("advocate:ask", args=["GHA", "ratify"]),
        other_org="other_caseworker",
        denied=NO_ORGANISATION,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: w.extras["approved"].reference,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    # ---- evidence
    Row(
        "advocate:add_evidence",
        "GET",
        lambda w: reverse("advocate:add_evidence", args=["GHA"]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: 'name="source_title"',
        secret=lambda w: APPROVED_SOURCE,
        other_org_status=(200,),
    ),
    Row(
        "advocate:add_evidence",
        "POST",
        lambda w: reverse("advocate:add_evidence", args=["GHA"]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=302,
        data=_evidence_form,
        state=_count(Evidence),
        other_org_status=(302,),  # evidence of their own organisation; ours unchanged (``state``)
    ),
    Row(
        "advocate:evidence",
        "GET",
        lambda w: reverse("advocate:evidence", args=[w.extras["approved"].reference]),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="caseworker",  # approved evidence: every member
        ok_status=200,
        shows=lambda w: APPROVED_SOURCE,
        denied_status=(403,),
    ),
    Row(
        "advocate:evidence",
        "GET",
        lambda w: reverse("advocate:evidence", args=[w.extras["draft"].reference]),
        other_org="other_admin",
        denied=(*NOT_ADVOCATES, "loner"),  # a draft: analysts and org admins only
        authorised="admin",
        ok_status=200,
        shows=lambda w: DRAFT_SOURCE,
    ),
    Row(
        "advocate:edit_evidence",
        "GET",
        lambda w: reverse("advocate:edit_evidence", args=[w.extras["draft"].reference]),
        other_org="other_analyst",
        denied=("admin", *NOT_ADVOCATES, "loner"),  # only its author changes a draft
        authorised="analyst",
        ok_status=200,
        shows=lambda w: DRAFT_SOURCE,
    ),
    Row(
        "advocate:edit_evidence",
        "POST",
        lambda w: reverse("advocate:edit_evidence", args=[w.extras["draft"].reference]),
        other_org="other_analyst",
        denied=("admin", *NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=302,
        data=_draft_form,
        state=_version("draft", Evidence),
    ),
    Row(
        "advocate:approve_evidence",
        "POST",
        lambda w: reverse("advocate:approve_evidence", args=[w.extras["draft"].reference]),
        other_org="other_admin",
        denied=("analyst", *NOT_ADVOCATES, "loner"),  # never one's own
        authorised="admin",
        ok_status=302,
        data=lambda w: {"approve-version": w.extras["draft"].version, "approve-note": ""},
        state=_state,
    ),
    Row(
        "advocate:decline_evidence",
        "POST",
        lambda w: reverse("advocate:decline_evidence", args=[w.extras["draft"].reference]),
        other_org="other_admin",
        denied=("analyst", *NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"decline-version": w.extras["draft"].version, "decline-reason": "Another year."},
        state=_state,
    ),
    # ---- legislation reviews
    Row(
        "advocate:reviews",
        "GET",
        lambda w: reverse("advocate:reviews"),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: LAW,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:add_review",
        "GET",
        lambda w: reverse("advocate:add_review"),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="law_title"',
        secret=lambda w: LAW,
        other_org_status=(200,),
    ),
    Row(
        "advocate:add_review",
        "POST",
        lambda w: reverse("advocate:add_review"),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=302,
        data=lambda w: {"country": "NGA", **_law_form("Trafficking in Persons Act", "2015-03-26")},
        state=_count(LegislationReview),
        other_org_status=(302,),
    ),
    Row(
        "advocate:compare_reviews",
        "GET",
        lambda w: (
            reverse("advocate:compare_reviews")
            + f"?a={w.extras['review'].reference}&b={w.extras['amended'].reference}"
        ),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: AMENDED,
        denied_status=(403,),
    ),
    Row(
        "advocate:review",
        "GET",
        lambda w: reverse("advocate:review", args=[w.extras["review"].reference]),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="screener",
        ok_status=200,
        shows=lambda w: LAW,
        denied_status=(403,),
    ),
    Row(
        "advocate:answer_review",
        "GET",
        lambda w: reverse("advocate:answer_review", args=[w.extras["review"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: f'value="{LAW}"',
    ),
    Row(
        "advocate:answer_review",
        "POST",
        lambda w: reverse("advocate:answer_review", args=[w.extras["review"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=302,
        data=_answers_form,
        state=_version("review", LegislationReview),
    ),
    Row(
        "advocate:gap_report",
        "GET",
        lambda w: reverse("advocate:gap_report", args=[w.extras["review"].reference]),
        other_org="other_supervisor",
        denied=NO_ORGANISATION,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "CETS 197 Art. 26",  # the gap: no non-punishment provision
        secret=lambda w: LAW,
        denied_status=(403,),
    ),
    Row(
        "advocate:new_review_version",
        "GET",
        lambda w: reverse("advocate:new_review_version", args=[w.extras["review"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: f'value="{LAW}"',
    ),
    Row(
        "advocate:new_review_version",
        "POST",
        lambda w: reverse("advocate:new_review_version", args=[w.extras["review"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=302,
        data=lambda w: _law_form("Anti-Trafficking Act, as amended in 2020", "2020-02-01"),
        state=_count(LegislationReview),
    ),
    # ---- advocacy actions
    Row(
        "advocate:actions",
        "GET",
        lambda w: reverse("advocate:actions"),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: ACTION,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "advocate:add_action",
        "GET",
        lambda w: reverse("advocate:add_action"),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: 'name="target_body"',
        secret=lambda w: ACTION,
        other_org_status=(200,),
    ),
    Row(
        "advocate:add_action",
        "POST",
        lambda w: reverse("advocate:add_action"),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=302,
        data=_action_form,
        state=_count(AdvocacyAction),
        other_org_status=(302,),
    ),
    Row(
        "advocate:action",
        "GET",
        lambda w: reverse("advocate:action", args=[w.extras["action"].reference]),
        other_org="other_analyst",
        denied=NO_ORGANISATION,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: ACTION,
        denied_status=(403,),
    ),
    Row(
        "advocate:edit_action",
        "GET",
        lambda w: reverse("advocate:edit_action", args=[w.extras["action"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: f'value="{ACTION}"',
    ),
    Row(
        "advocate:edit_action",
        "POST",
        lambda w: reverse("advocate:edit_action", args=[w.extras["action"].reference]),
        other_org="other_analyst",
        denied=(*NOT_ADVOCATES, "loner"),
        authorised="analyst",
        ok_status=302,
        data=_edit_action_form,
        state=_version("action", AdvocacyAction),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
