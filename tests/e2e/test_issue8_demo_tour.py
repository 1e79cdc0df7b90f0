"""The demo world's training, prevention and participation pages that the feature tests do not walk through, as a
new user finds them after ``make run``: each checked with axe at phone and desktop width (Browser.check), with
the demo banner shown. A survivor answers the feedback survey on a phone-sized window."""

from __future__ import annotations

from io import StringIO

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OpenBrowser, sign_in_directly

pytestmark = pytest.mark.browser


def _demo(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("demo", stdout=StringIO())


def test_the_demo_prevention_and_training_pages(open_browser: OpenBrowser, settings) -> None:  # type: ignore[no-untyped-def]
    from threefold.accounts.models import User
    from threefold.prevent.models import Campaign, EducationSession, Material
    from threefold.training.models import Session

    _demo(settings)
    trainer = User.objects.get(email="trainer@demo.threefold.invalid")
    browser = open_browser()
    sign_in_directly(browser, trainer)
    page = browser.page
    browser.visit("/prevent/", "demo-prevent-home")
    expect(page.get_by_role("link", name="Training")).not_to_have_count(0)
    browser.visit("/prevent/sessions/", "demo-prevent-education")
    session = EducationSession.objects.first()
    assert session is not None
    browser.visit(f"/prevent/sessions/{session.reference}/", "demo-prevent-education-session")
    browser.visit("/prevent/sessions/new/", "demo-prevent-education-form")
    browser.visit("/prevent/materials/", "demo-prevent-materials")
    material = Material.objects.first()
    assert material is not None
    browser.visit(f"/prevent/materials/{material.reference}/", "demo-prevent-material")
    browser.visit("/prevent/campaigns/", "demo-prevent-campaigns")
    campaign = Campaign.objects.first()
    assert campaign is not None
    browser.visit(f"/prevent/campaigns/{campaign.reference}/", "demo-prevent-campaign")
    browser.visit("/prevent/map/?overlay=training", "demo-prevent-map-training")
    expect(page.locator("main")).to_contain_text("Training sessions")
    browser.visit("/training/follow-ups/", "demo-training-follow-ups")
    past = Session.objects.filter(is_demo=True).order_by("starts_on").first()
    assert past is not None
    browser.visit(f"/training/sessions/{past.reference}/", "demo-training-session")
    browser.visit(f"/training/courses/{past.course.reference}/", "demo-training-course")


def test_the_demo_feedback_and_survivor_leader_pages(open_browser: OpenBrowser, settings) -> None:  # type: ignore[no-untyped-def]
    from threefold.accounts.actor import Actor
    from threefold.accounts.models import Membership, User
    from threefold.participate import services
    from threefold.participate.models import Leader

    _demo(settings)
    supervisor = User.objects.get(email="supervisor@demo.threefold.invalid")
    browser = open_browser()
    sign_in_directly(browser, supervisor)
    page = browser.page
    browser.visit("/participate/", "demo-participate-home")
    browser.visit("/participate/feedback/", "demo-participate-feedback")
    expect(page.locator("main")).to_contain_text("Shelter or safe accommodation")
    # The demo's feedback comes in whole groups of 5, so all of it is released and counted.
    expect(page.locator("main")).to_contain_text("groups of at least 5")
    expect(page.locator("main")).to_contain_text("Respondents (released answers): 10")
    browser.visit("/participate/feedback/links/", "demo-participate-feedback-links")
    browser.visit("/participate/leaders/", "demo-participate-leaders")
    leader = Leader.objects.filter(is_demo=True).first()
    assert leader is not None
    browser.visit(f"/participate/leaders/{leader.reference}/", "demo-participate-leader")
    browser.visit("/participate/leaders/new/", "demo-participate-leader-form")

    # A survivor gives feedback on a phone, with a code the caseworker handed over.
    caseworker = User.objects.get(email="caseworker@demo.threefold.invalid")
    membership = Membership.objects.get(user=caseworker)
    (code,) = services.issue_feedback_links(
        Actor(caseworker, membership), "shelter", membership.organisation, 1
    )
    phone = open_browser(desktop_too=False)
    phone.page.set_viewport_size({"width": 360, "height": 740})
    phone.page.goto(phone.url(f"/participate/a/{code}/"))
    expect(phone.page.get_by_text("How satisfied were you with the service?")).to_be_visible()
    phone.page.locator("main fieldset").first.locator("input").last.check()
    phone.check("demo-participate-feedback-answer")
    phone.page.get_by_role("button").filter(has_text="Send").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Thank you")
    phone.check("demo-participate-feedback-thanks")
