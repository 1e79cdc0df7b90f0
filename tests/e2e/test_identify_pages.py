"""Identify's other pages in a real browser: instrument evidence and guidance, supervisor review with suppressed
counts, ODK import with a line-numbered refusal, the referral directory and organisations' own instruments."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.identify import catalogue, services

pytestmark = pytest.mark.browser

ODK_CSV = (
    "SubmissionDate,q_unsafe_work,q_afraid_to_leave,q_sex_exchange,q_told_to_lie,meta-instanceID\n"
    "2026-11-01T10:00:00.000Z,no,no,no,no,uuid:a1\n"
    "2026-11-01T11:00:00.000Z,perhaps,no,no,no,uuid:a2\n"
    "2026-11-01T12:00:00.000Z,no,no,no,YES!,uuid:a3\n"
)


def test_supervisor_review_import_and_instrument_pages(
    open_browser: OpenBrowser, org, make_member: MakeMember, tmp_path: Path
) -> None:
    supervisor = make_member(org, Role.SUPERVISOR)
    screener = make_member(org, Role.SCREENER)
    qyit = catalogue.shipped_entry("quick_youth_indicators")
    # Twelve screenings in outreach: the outcome cells split 7 / 0 / 5, so small cells must be hidden.
    for index in range(12):
        screening = services.start_screening(screener, qyit, setting="outreach", language="en")
        answers = {"q_unsafe_work": "yes" if index < 7 else "no"}
        if index >= 7:
            answers |= {"q_afraid_to_leave": "no", "q_sex_exchange": "no", "q_told_to_lie": "no"}
        for item, value in answers.items():
            screening = services.save_answer(
                screener, screening, item, value, language="en", expected_version=screening.version
            )
        services.finish_screening(screener, screening)

    browser = open_browser()
    page = browser.page
    log_in(browser, supervisor.user.email)

    browser.visit("/identify/", "identify-home")
    browser.visit("/identify/instruments/health_care_clinician_observation/", "identify-instrument-health")
    expect(page.get_by_role("heading", name="Never")).to_be_visible()
    expect(page.locator("main")).to_contain_text("T74.52")
    browser.visit("/identify/instruments/ilo_ec_delphi_adult_labour/", "identify-instrument-delphi")

    browser.visit("/identify/review/", "identify-review")
    # 7 / 0 / 5: the zero is "fewer than 5", so the 7 is hidden too (12 - 5 would give it away).
    expect(page.locator("main table").first).to_contain_text("hidden to protect another cell")
    browser.visit("/identify/import/", "identify-import")
    csv = tmp_path / "export.csv"
    csv.write_text(ODK_CSV, encoding="utf-8")
    page.get_by_label("Instrument").select_option("quick_youth_indicators")
    page.get_by_label("Where were the screenings done?").select_option("outreach")
    page.get_by_label("Export file").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    problems = page.locator(".error-summary")
    expect(problems).to_contain_text("line 3")
    expect(problems).to_contain_text("line 4")
    browser.check("identify-import-refused")

    browser.visit("/identify/my-instruments/", "identify-my-instruments")


def test_admin_directory_pages(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    browser = open_browser()
    page = browser.page
    log_in(browser, admin.user.email)
    browser.visit("/identify/directory/", "identify-directory-empty")
    browser.visit("/identify/directory/add/", "identify-directory-add")
    page.get_by_role("button", name="Add to the directory").click()
    expect(page.locator(".error-summary")).to_be_visible()
    browser.check("identify-directory-add-errors")
