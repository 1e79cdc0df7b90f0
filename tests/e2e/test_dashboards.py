"""The dashboards in a real browser: an analyst opens a dataset's charts, filters them, downloads one, and
compares the dataset with the organisation's own cases. axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from tests.insight_datasets import dataset_of
from threefold.accounts.roles import Role
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset

pytestmark = pytest.mark.browser

COLUMNS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "isSexualExploit",
)


def _dataset(organisation) -> Dataset:  # type: ignore[no-untyped-def]
    rows = [("2019", "Female", "18--20", "TH", "MY", "1")] * 40 + [
        ("2020", "Male", "30--38", "MM", "TH", "0")
    ] * 25
    rows += [("2020", "Female", "18--20", "VN", "CN", "1")] * 30 + [
        ("2021", "Male", "9--17", "KH", "TH", "0")
    ] * 3
    rows += [("2021", "Female", "21--23", "PH", "MY", "0")] * 15
    frame = Frame.from_records(COLUMNS, rows)
    return dataset_of(organisation, "Mekong shelters 2019-2021", frame)


def test_analyst_reads_filters_and_compares_a_dataset(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    dataset = _dataset(org)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)
    browser.visit(f"/insight/{dataset.pk}/dashboard/", "dashboard-dataset")
    expect(page.get_by_role("heading", name="Records by year of registration")).to_be_visible()
    expect(page.get_by_role("img", name="Records by gender")).to_be_visible()
    # Cambodia's 3 (2021, a minor) are hidden in every chart and named only as "fewer than 11".
    page.get_by_text("The figures: Records by age band").click()
    expect(page.locator("main")).to_contain_text("fewer than 11")
    browser.check("dashboard-dataset-table-open")
    page.get_by_label("From the year").select_option("2020")
    page.get_by_label("Gender", exact=True).select_option(label="Female")
    page.get_by_role("button", name="Apply").click()
    # Wait for the filtered page itself: "30" is on the unfiltered page too, and axe must not run mid-navigation.
    # The page draws six charts, two of them world maps: allow for a busy machine.
    expect(page).to_have_url(re.compile(r"year_from=2020.*gender=Female"), timeout=20_000)
    expect(page.locator("main")).to_contain_text("30")  # the 2020 Vietnamese women
    browser.check("dashboard-dataset-filtered")
    svg = page.request.get(browser.url(f"/insight/{dataset.pk}/dashboard/?chart=years&format=svg&download=1"))
    assert svg.ok
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in svg.headers["content-disposition"]
    assert ">3<" not in svg.text()
    page.get_by_role("link", name="Compare with your cases").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your cases beside", timeout=20_000)
    expect(page.locator("main")).to_contain_text("None of your cases can be counted yet")
    browser.check("dashboard-compare")


def test_own_cases_dashboard_without_consenting_cases_says_so(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    supervisor = make_member(org, Role.SUPERVISOR)
    browser = open_browser()
    page = browser.page
    log_in(browser, supervisor.user.email)
    browser.visit("/insight/cases/dashboard/", "dashboard-own-empty")
    expect(page.locator(".empty-state")).to_contain_text("No case can be counted yet")
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)
