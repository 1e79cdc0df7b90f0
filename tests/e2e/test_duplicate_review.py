"""Reviewing duplicates in a real browser: a supervisor finds the queue from the caseload, watches a scan that is
running (HTMX polling a <progress> in a live region) until it ends, scans again, reads a pair side by side, merges
it keeping one record, finds the merge in the history and undoes it. axe at phone and desktop width
(Browser.check)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.protect import case_services
from threefold.protect.identity import Identity
from threefold.protect.models import DuplicatePair, DuplicateScan, PairStatus, Person, ScanStatus
from threefold.protect.services import create_person

pytestmark = pytest.mark.browser

PEOPLE = [
    Identity("Olena", "Kovalenko", date_of_birth=date(1990, 5, 14), gender="Feminine", citizenships=("UA",)),
    Identity("Олена", "Коваленко", date_of_birth=date(1990, 5, 14), gender="Feminine", citizenships=("UA",)),
    Identity("Amara", "Obiageli", date_of_birth=date(1987, 9, 2), gender="Feminine", citizenships=("NG",)),
    Identity("Obiageli", "Amara", date_of_birth=date(1987, 9, 2), gender="Feminine"),
    Identity("Maria", "Garcia", date_of_birth=date(1980, 2, 3)),
    Identity("Fatima", "Bello", date_of_birth=date(1975, 11, 30)),
    Identity("Thi Lan", "Nguyen", date_of_birth=date(1999, 4, 4)),
]


def test_supervisor_scans_merges_and_undoes(
    open_browser: OpenBrowser, org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    supervisor = make_member(org, Role.SUPERVISOR)
    persons = [create_person(caseworker, identity) for identity in PEOPLE]
    case_services.open_case(caseworker, persons[1], reason="Referred by the outreach team")
    running = DuplicateScan.objects.create(organisation=org, started_by=supervisor.user, seed=1, progress=40)

    browser = open_browser()
    page = browser.page
    log_in(browser, supervisor.user.email)

    browser.visit("/protect/caseload/")
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicates")
    region = page.locator("#scan-progress")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("40% done: comparing the records.")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    browser.check("duplicates-running")

    # Written just after a poll answered, never while one runs (the browser tests share one SQLite database).
    progress_url = re.compile(rf"/protect/duplicates/scans/{running.pk}/progress/$")
    with page.expect_response(progress_url, timeout=10_000):
        pass
    DuplicateScan.objects.filter(pk=running.pk).update(
        status=ScanStatus.FAILED, note="unexpected", progress=100
    )
    scan_button = page.get_by_role("button", name="Scan for duplicates")
    expect(scan_button).to_be_visible(timeout=10_000)  # the page reloaded by itself
    expect(page.locator(".warning")).to_contain_text("unexpected error")

    scan_button.click()  # the test settings run the scan at once, inside the request
    expect(page.get_by_role("heading", name="Likely the same person")).to_be_visible()
    expect(page.locator("main")).to_contain_text("7 records compared, 2 pairs found.")
    pair = DuplicatePair.objects.get(person_a=persons[0], person_b=persons[1])
    section = page.locator(
        "section", has=page.get_by_role("heading", name=f"{persons[0].reference} and {persons[1].reference}")
    )
    expect(section.get_by_role("table")).to_contain_text("Олена Коваленко")
    expect(section).to_contain_text("Match probability")
    browser.check("duplicates-queue")

    section.get_by_role("link", name=re.compile("^Merge")).click()
    expect(page).to_have_url(re.compile(rf"/protect/duplicates/{pair.pk}/merge/$"))
    expect(page.get_by_role("table", name="What will move")).to_contain_text("Cases, with their timelines")
    page.get_by_role("button", name="Merge the records").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose which record to keep.")
    browser.check("duplicate-merge-refused")
    page.get_by_label(re.compile(rf"{persons[0].reference}:")).check()
    browser.check("duplicate-merge")
    page.get_by_role("button", name="Merge the records").click()
    expect(page.locator(".messages")).to_contain_text(
        f"{persons[1].reference} was merged into {persons[0].reference}"
    )
    assert Person.objects.get(pk=persons[1].pk).merged_into_id == persons[0].pk
    assert (persons[0].cases.count(), persons[1].cases.count()) == (1, 0)  # the case moved to the kept record
    browser.check("duplicates-after-merge")

    page.get_by_role("link", name="Merges, and undoing them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merges")
    row = page.get_by_role("row", name=re.compile(persons[1].reference))
    expect(row).to_contain_text("Cases, with their timelines, plans and files: 1")
    browser.check("duplicate-merges")

    browser.visit(f"/protect/people/{persons[1].reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("was merged")
    browser.check("person-merged")

    browser.visit("/protect/duplicates/merges/")
    page.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.locator(".messages")).to_contain_text(f"{persons[1].reference} is a record of its own again")
    expect(page.get_by_role("row", name=re.compile(persons[1].reference))).to_contain_text("Undone by")
    assert Person.objects.get(pk=persons[1].pk).merged_into_id is None
    assert Person.objects.get(pk=persons[1].pk).cases.count() == 1
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    browser.check("duplicate-merges-undone")
