"""A consultation end to end in a real browser: a supervisor opens it, a caseworker issues a single-use link, a
survivor answers it on a phone-sized window (360 px) without an account, and the supervisor, who sees no count
while the consultation is open, closes it and reads the protected results. axe at phone and desktop width on every
page (Browser.check)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.participate import services
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.models import Question

pytestmark = pytest.mark.browser


def test_a_survivor_answers_a_consultation_on_a_phone_and_the_manager_sees_the_counts(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    supervisor = make_member(org, Role.SUPERVISOR)
    caseworker = make_member(org, Role.CASEWORKER)
    today = timezone.localdate()
    draft = services.create_consultation(
        supervisor,
        services.ConsultationInput(
            "House rules", "Tell us about the rules.", ["en", "fr"], today, today + dt.timedelta(days=9), 3
        ),
    )
    services.add_question(
        supervisor,
        draft,
        QuestionDraft(
            Kind.SINGLE,
            {"en": "Do you know the rules?", "fr": "Connaissez-vous les règles ?"},
            {"en": ["Yes", "No"], "fr": ["Oui", "Non"]},
        ),
    )
    services.add_question(supervisor, draft, QuestionDraft(Kind.SCALE, {"en": "How fair are they?"}, {}))
    services.add_question(supervisor, draft, QuestionDraft(Kind.TEXT, {"en": "What would you change?"}, {}))

    # The supervisor opens the consultation.
    manager = open_browser()
    page = manager.page
    log_in(manager, supervisor.user.email)
    manager.visit("/participate/", "participate-home")
    page.get_by_role("link", name="House rules").click()
    manager.check("participate-consultation-draft")
    page.get_by_role("button", name="Open the consultation").click()
    expect(page.locator(".messages")).to_contain_text("The consultation is open")

    # Three earlier respondents, so the counts can show (k = 3).
    draft.refresh_from_db()
    single = Question.objects.get(consultation=draft, kind=Kind.SINGLE)
    for code in services.issue_links(caseworker, draft, 3):
        services.answer_consultation(code, services.Answers(chosen={single.pk: ["0"]}))

    # The caseworker issues one link.
    staff = open_browser()
    log_in(staff, caseworker.user.email)
    staff.visit(f"/participate/consultations/{draft.reference}/")
    staff.page.get_by_label("How many links").fill("1")
    staff.page.get_by_role("button", name="Issue links").click()
    expect(staff.page.locator(".link-cards")).to_be_visible()
    staff.check("participate-links")
    link = staff.page.locator(".link-cards .break").first.inner_text().strip()

    # The survivor answers on a phone, in French, with no account.
    survivor = open_browser()
    phone = survivor.page
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("House rules")
    expect(phone.locator(".notice")).to_contain_text("Your answers are anonymous")
    expect(phone.locator("[data-quick-exit]")).to_be_visible()
    survivor.check("participate-answer")
    phone.get_by_role("link", name="français").click()
    expect(phone.get_by_text("Connaissez-vous les règles ?")).to_be_visible()
    phone.get_by_label("Oui").check()
    phone.get_by_label("4", exact=True).check()
    phone.get_by_label("What would you change?").fill("Later curfew at weekends")
    survivor.check("participate-answer-filled")
    phone.get_by_role("button").filter(has_text=re.compile("Send|Envoyer")).click()
    expect(phone).to_have_url(re.compile(r"/participate/thanks/\?lang=fr$"))  # nothing names the consultation
    survivor.check("participate-thanks")
    phone.goto(survivor.url(f"/participate/c/{draft.reference}/?lang=fr"))
    survivor.check("participate-summary")
    phone.goto(link)  # used: one calm message
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        re.compile("does not open anything|n'ouvre rien")
    )
    survivor.check("participate-unusable")

    # While the consultation is open, the supervisor sees no count, only when results will appear and why.
    manager.visit(f"/participate/consultations/{draft.reference}/results/", "participate-results-open")
    expect(page.locator("main")).to_contain_text("Results appear when the consultation closes")
    expect(page.locator("main table")).to_have_count(0)

    # The supervisor closes the consultation, and sees the counts: 4 of 4 said yes.
    manager.visit(f"/participate/consultations/{draft.reference}/")
    page.get_by_role("button", name="Close the consultation").click()
    expect(page.locator(".messages")).to_contain_text("The consultation is closed")
    manager.visit(f"/participate/consultations/{draft.reference}/results/", "participate-results")
    expect(page.locator("main table").first).to_contain_text("4")
    page.get_by_role("link", name="Read the answers (in random order)").click()
    expect(page.locator("main")).to_contain_text("Later curfew at weekends")
    manager.check("participate-free-text")
