"""Estimating the hidden number in a real browser: an analyst finds the page from the statistics home, pastes a
table with a mistake and reads what is wrong, pastes a good one, and reads the result; a page opened while the
work runs follows it (HTMX polling a <progress> in a live region) and shows the result by itself when it is done.
axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.insight import services, tasks
from threefold.insight.core.mse_input import read_text
from threefold.insight.models import Estimate, EstimateStatus

pytestmark = pytest.mark.browser

TABLE = "Police,NGO,Health,count\n1,0,0,50\n0,1,0,41\n1,1,0,9\n0,0,1,33\n1,0,1,12\n0,1,1,7\n1,1,1,2\n"


def test_analyst_pastes_a_table_and_reads_the_estimate(
    open_browser: OpenBrowser, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)

    browser.visit("/insight/")
    page.get_by_role("link", name="Estimate the hidden number").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimate the hidden number")
    browser.check("estimates-empty")

    page.get_by_label("Name of the estimate").fill("Three lists, 2024")
    page.get_by_label("Or paste the table").fill(TABLE.replace("0,1,1,7", "0,2,1,7"))
    page.get_by_role("button", name="Estimate", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Line 7: a list value must be 0 or 1 (NGO='2')")
    expect(page.get_by_label("Or paste the table")).to_have_attribute("aria-invalid", "true")
    browser.check("estimates-refused")
    assert not Estimate.objects.exists()

    page.get_by_label("Or paste the table").fill(TABLE)
    page.get_by_label("Bootstrap replicates").fill("50")
    page.get_by_role("button", name="Estimate", exact=True).click()
    expect(page).to_have_url(re.compile(r"/insight/estimates/\d+/$"))
    expect(page.get_by_role("heading", name="The estimate", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator(".estimate-words")).to_contain_text(
        "victims, of whom 154 were known to at least one list."
    )
    expect(page.get_by_role("table", name="How much it depends on the model")).to_contain_text("(chosen)")
    expect(
        page.get_by_role("img", name="The estimate under each model, with its 95% interval")
    ).to_be_visible()
    browser.check("estimate-done")
    assert Estimate.objects.get().status == EstimateStatus.DONE

    page.get_by_role("link", name="Estimates of the hidden number").click()
    expect(page.get_by_role("link", name="Three lists, 2024")).to_be_visible()
    browser.check("estimates-list")

    page.get_by_label("Name of the estimate").fill("Two lists that never meet")
    page.get_by_label("Or paste the table").fill("Police,NGO,count\n1,0,12\n0,1,30\n")
    page.get_by_role("button", name="Estimate", exact=True).click()
    failed = page.locator(".error-summary")
    expect(failed).to_contain_text("There is no estimate for this table")
    expect(failed).to_contain_text("Lists Police and NGO never overlap (no case is on both).")
    browser.check("estimate-failed")


def test_the_page_follows_the_work_and_shows_the_result_when_it_is_done(
    open_browser: OpenBrowser, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    lists = read_text(TABLE, "table")
    made = Estimate.objects.create(
        organisation=org,
        name="Still running",
        created_by=analyst.user,
        lists=list(lists.names),
        table=services.table_rows(lists),
        pthresh=0.02,
        nboot=100,
        seed=1234,
        status=EstimateStatus.RUNNING,
        progress_done=30,
        progress_total=107,
    )
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)

    progress_url = re.compile(rf"/insight/estimates/{made.pk}/progress/$")
    browser.visit(f"/insight/estimates/{made.pk}/")
    region = page.locator("#estimate-progress")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("28% done: 30 of 107 bootstrap estimates.")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "28")
    browser.check("estimate-running")

    # Every write below is made just after a poll answered, never while one runs: the browser tests share one
    # in-memory SQLite database between threads, which refuses a read during a write ("table is locked").
    with page.expect_response(progress_url, timeout=10_000):
        pass
    services.save_progress(made.pk, 80, 107)  # the next poll, 2 s after the last, brings it
    expect(region).to_contain_text("74% done: 80 of 107 bootstrap estimates.")
    # Just after a poll, so that the work (a few milliseconds) is not writing while the next poll reads.
    with page.expect_response(progress_url, timeout=10_000):
        pass
    # Without the bootstrap the work takes milliseconds: the page's next poll, 2 s later, finds it done.
    Estimate.objects.filter(pk=made.pk).update(nboot=0)
    assert tasks.run_estimate.call(made.pk) == "done"
    expect(page.get_by_role("heading", name="The estimate", exact=True)).to_be_visible(timeout=10_000)
    expect(page.locator("#estimate-progress")).to_have_count(0)  # reloaded: nothing polls any more
    expect(page.locator("main")).to_contain_text("No bootstrap was asked for")
    browser.check("estimate-done-after-polling", screenshot=False)
