"""Training in a real browser: a trainer creates a session of a course, adds a participant and hands over the
personal link; the participant opens it on a phone-sized window and takes the pre-test (first with a question
left out, to see the error summary) and the post-test; the trainer marks attendance, reads the results and
prints the certificate. axe at phone and desktop width on every page (Browser.check)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import SCREENSHOTS, OpenBrowser, sign_in_directly
from tests.training_world import COURSE, make_course
from threefold.accounts.roles import Role
from threefold.training.models import Attempt, Participant

pytestmark = pytest.mark.browser

A4 = {"width": 794, "height": 1123}
PHONE = {"width": 360, "height": 740}


def _print_screenshot(page: Any, name: str) -> None:
    before = page.viewport_size
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".certificate-tools")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size(before)


def _answer(page: Any, wrong: set[int] = frozenset(), skip: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    """Choose an answer in every question group (the first option for the ones in ``wrong``, else the right one,
    which the test knows from the question bank: see tests/training_world.QUESTIONS)."""
    from tests.training_world import QUESTIONS

    groups = page.locator("main fieldset")
    for index in range(groups.count()):
        if index in skip:
            continue
        _module, _text, options, correct = QUESTIONS[index]
        choice = (correct + 1) % len(options) if index in wrong else correct
        groups.nth(index).get_by_label(options[choice], exact=True).check()


def test_a_trainer_runs_a_session_and_a_participant_takes_both_tests_on_a_phone(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    trainer = make_member(org, Role.TRAINER)
    make_course(trainer)
    supervisor = make_member(org, Role.SUPERVISOR)

    browser = open_browser()
    page = browser.page
    sign_in_directly(browser, trainer.user)
    browser.visit("/training/", "training-home")
    page.get_by_role("link", name=re.compile(COURSE)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(COURSE)
    browser.check("training-course")
    page.get_by_role("link", name="New session").click()
    today = timezone.localdate()
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Last day").fill(
        (today - dt.timedelta(days=1)).isoformat()
    )  # before the first: refused
    page.get_by_label("Place", exact=True).fill("Police academy, room 3")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Create the session").click()
    expect(page.locator(".error-summary")).to_contain_text("cannot end before it starts")
    browser.check("training-session-form-error")
    page.get_by_label("Last day").fill(today.isoformat())
    page.get_by_role("button", name="Create the session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session")
    browser.check("training-session-empty")

    page.get_by_role("link", name="Add a participant").click()
    page.get_by_label("Participant's organisation").fill("City police, unit 4")
    page.get_by_label("Sector and role").select_option("police")
    page.get_by_label("Name").fill("Amira Haddad")
    browser.check("training-participant-form")
    page.get_by_role("button", name="Add and show their link").click()
    link = page.locator("[data-personal-link]").get_attribute("href")
    assert link
    assert "/training/p/" in link
    browser.check("training-link")
    participant = Participant.objects.get()
    assert participant.identity is not None

    # The participant, on their phone, without an account.
    phone = open_browser(desktop_too=True)
    phone.page.set_viewport_size(PHONE)
    phone.page.goto(link)
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(phone.page.locator(".quick-exit")).to_be_visible()
    phone.check("training-participant-page")
    phone.page.get_by_role("link", name="Take the pre-test").click()
    _answer(phone.page, wrong={0, 1, 3}, skip={2})
    phone.page.get_by_role("button", name="Send my answers").click()
    expect(phone.page.locator(".error-summary")).to_contain_text("Answer this question")
    phone.check("training-pre-test-error")
    _answer(phone.page, wrong={0, 1, 3})
    phone.check("training-pre-test")
    phone.page.get_by_role("button", name="Send my answers").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Thank you")
    phone.page.get_by_role("link", name="Back to my training page").click()
    expect(phone.page.locator("main")).to_contain_text("Pre-test: sent")
    phone.page.get_by_role("link", name="Take the post-test").click()
    _answer(phone.page, wrong={3})
    phone.page.get_by_role("button", name="Send my answers").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Thank you")
    phone.check("training-post-test-done")
    assert Attempt.objects.count() == 2

    # The trainer marks attendance, reads the results and prints the certificate.
    page.get_by_role("link", name="Done").click()
    page.get_by_role("link", name="Attendance").click()
    page.get_by_label(f"Present on {date_format(today, 'D j M')}").check()
    browser.check("training-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messages")).to_contain_text("Attendance saved")
    page.get_by_role("link", name="Results").click()
    expect(page.locator("main")).to_contain_text("+50 points")
    expect(page.locator("main")).not_to_contain_text("Amira Haddad")
    expect(page.get_by_role("img", name=re.compile("Correct answers per module"))).to_be_visible()
    expect(page.locator("tr.weak")).not_to_have_count(0)
    browser.check("training-results")
    page.get_by_role("link", name="Back to the session").click()
    page.get_by_role("link", name=re.compile("^Print")).click()
    expect(page.get_by_label("Name printed on the certificate")).to_have_value("Amira Haddad")
    browser.check("training-certificate-form")
    page.get_by_role("button", name="Show the certificate to print").click()
    expect(page.locator("article.certificate")).to_contain_text("Amira Haddad")
    expect(page.locator("article.certificate")).to_contain_text("Verification code")
    browser.check("training-certificate")
    _print_screenshot(page, "training-certificate-print.png")
    participant.refresh_from_db()
    assert participant.certificate_code

    # Anyone can check the code; the check never shows the name.
    phone.page.goto(browser.url(f"/training/verify/{participant.certificate_code}/"))
    expect(phone.page.locator("main")).to_contain_text("is genuine")
    expect(phone.page.locator("main")).not_to_contain_text("Amira")
    phone.check("training-verify")

    # A supervisor reads the results but never the names.
    reader = open_browser()
    sign_in_directly(reader, supervisor.user)
    reader.visit(f"/training/sessions/{participant.session.reference}/")
    expect(reader.page.locator("main")).not_to_contain_text("Amira Haddad")
    expect(reader.page.locator("main")).to_contain_text("City police, unit 4")
