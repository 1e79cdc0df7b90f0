"""Advocacy in a real browser: an analyst records evidence on Thailand, an org admin of the same organisation
approves it, and it shows on the country page and the printable brief; then a legislation review with its gap
report, the tracker's overview, an ask's timeline and an action. axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import SCREENSHOTS, OpenBrowser, log_in, sign_in_directly
from threefold.accounts.roles import Role
from threefold.advocate.models import Evidence, EvidenceState
from threefold.countries import services

pytestmark = pytest.mark.browser

SOURCE = "Shadow report on assistance to survivors (2025)"
A4 = {"width": 794, "height": 1123}  # an A4 page at 96 dpi


def _print_screenshot(page: Any, name: str) -> None:
    """The page as printed on A4 (no navigation), kept beside the screenshots to look at."""
    before = page.viewport_size
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size(before)


def test_evidence_approved_by_another_member_shows_on_the_country_page_and_brief(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    services.load_shipped()
    analyst = make_member(org, Role.ANALYST)
    admin = make_member(org, Role.ORG_ADMIN)

    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)
    page.get_by_role("link", name="Advocacy", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advocacy")
    browser.check("advocate-home")

    browser.visit("/advocate/countries/THA/", "advocate-country")
    expect(page.locator("main")).to_contain_text("Party since 17 Oct 2013")
    page.get_by_role("link", name="Record evidence").first.click()
    page.get_by_label("Ask").select_option(
        label="Protect survivors' rights: non-punishment, assistance not conditional on cooperation"
    )
    page.get_by_label("Partly met").check()
    page.get_by_label("The status holds on").fill("2025-03-01")
    page.get_by_label("Source title").fill(SOURCE)
    page.get_by_label("Source address").fill("https://example.org/shadow-report.pdf")
    browser.check("advocate-evidence-form")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("main")).to_contain_text("it counts nowhere until another member approves it")
    browser.check("advocate-evidence-draft")
    evidence = Evidence.objects.get()
    # The author cannot approve their own evidence: the page offers no approval.
    expect(page.get_by_role("button", name="Approve the evidence")).to_have_count(0)

    reviewer = open_browser()
    sign_in_directly(
        reviewer, admin.user
    )  # one real sign-in per test: the TOTP code is the same for all users
    reviewer.visit(f"/advocate/evidence/{evidence.reference}/", "advocate-evidence-approve")
    reviewer.page.get_by_role("button", name="Approve the evidence").click()
    expect(reviewer.page.locator(".messages")).to_contain_text("approved")
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.APPROVED

    browser.visit("/countries/THA/")
    section = page.locator("section.ask-status-section")
    expect(section.get_by_role("heading", name="Status on every ask")).to_be_visible()
    expect(section).to_contain_text(SOURCE)
    expect(section).to_contain_text("Partly met")
    browser.check("advocate-country-page-asks")
    page.get_by_role("link", name="Printable advocacy brief").click()
    expect(page.locator("article.brief")).to_contain_text(SOURCE)
    expect(page.locator("article.brief")).to_contain_text("https://example.org/shadow-report.pdf")
    browser.check("advocate-brief-asks")
    _print_screenshot(page, "advocate-brief-asks-print.png")

    browser.visit("/advocate/countries/THA/asks/survivors/", "advocate-ask-timeline")
    expect(page.get_by_role("img", name=re.compile("status over time"))).to_be_visible()
    browser.visit("/advocate/tracker/", "advocate-tracker")
    expect(page.locator("main")).to_contain_text("Thailand")


def test_a_legislation_review_and_its_gap_report(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    services.load_shipped()
    analyst = make_member(org, Role.ANALYST)
    browser = open_browser()
    page = browser.page
    sign_in_directly(browser, analyst.user)

    browser.visit("/advocate/reviews/")
    page.get_by_role("link", name="Review a law").click()
    page.get_by_label("Country").select_option(label="Ghana")
    page.get_by_label("Title of the law").fill("Human Trafficking Act (test)")
    page.get_by_label("Date of the law").fill("2005-12-05")
    browser.check("advocate-review-form")
    page.get_by_role("button", name="Start the review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Answer the checklist")
    for item in ("act_recruitment", "act_transportation", "means_fraud", "children_no_means"):
        page.locator(f"#id_{item}-answer").select_option("yes")
    page.locator("#id_victims_non_punishment-answer").select_option("no")
    page.locator("#id_purpose_organs-answer").select_option("partly")
    page.locator("#id_purpose_organs-articles").fill("s. 1(3)")
    page.locator("#id_consent_irrelevant-answer").select_option("unclear")
    browser.check("advocate-answers")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("heading", name="2 gaps")).to_be_visible()
    browser.check("advocate-review")

    page.get_by_role("link", name="Printable gap report").click()
    report = page.locator("article.brief")
    expect(report).to_contain_text("Gap report")
    expect(report).to_contain_text("CETS 197 Art. 26")
    expect(report).to_contain_text("Protocol Art. 3(a)")
    browser.check("advocate-gap-report")
    _print_screenshot(page, "advocate-gap-report-print.png")

    browser.visit("/advocate/actions/new/?country=GHA")
    page.get_by_label("Prosecute traffickers effectively").check()
    page.get_by_label("Kind").select_option(label="Letter")
    page.get_by_label("Title", exact=True).fill("Letter on the gap report")
    page.get_by_label("Body", exact=True).fill("Ministry of the Interior")
    page.get_by_label("Follow up on").fill("2030-01-15")
    browser.check("advocate-action-form")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Letter on the gap report")
    browser.check("advocate-action")
