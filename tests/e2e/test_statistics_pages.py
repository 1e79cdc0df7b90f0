"""The statistics pages in a real browser: an analyst counts a dataset by citizenship, sees a protected table,
its chart and a world map, and nothing small is printed. axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from tests.insight_datasets import dataset_of
from threefold.accounts.roles import Role
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset

pytestmark = pytest.mark.browser


def _dataset(organisation) -> Dataset:  # type: ignore[no-untyped-def]
    rows = [("Female", "TH", "1")] * 40 + [("Male", "TH", "0")] * 25 + [("Female", "MM", "1")] * 14
    rows += [("Male", "KH", "0")] * 3 + [("Female", "VN", "1")] * 18
    frame = Frame.from_records(("gender", "citizenship", "isSexualExploit"), rows)
    return dataset_of(organisation, "Mekong shelters 2024", frame)


def test_analyst_counts_a_dataset(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    analyst = make_member(org, Role.ANALYST)
    dataset = _dataset(org)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)
    page.get_by_role("link", name="Statistics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    browser.check("statistics-home")
    page.get_by_role("link", name=dataset.name).click()
    page.get_by_label("Count by").select_option(label="Citizenship")
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.counts-table")
    expect(table).to_contain_text("fewer than 11")  # Cambodia's 3
    expect(page.get_by_role("img", name="World map of the counts")).to_be_visible()
    browser.check("statistics-by-citizenship")
    page.get_by_label("and by (optional)").select_option(label="Gender")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("Female")
    browser.check("statistics-by-citizenship-and-gender")
    csv = page.request.get(browser.url(f"/insight/{dataset.pk}/?rows=citizenship&columns=gender&format=csv"))
    assert csv.ok
    assert "fewer than 11" in csv.text()
    assert "\nKH,Male,3," not in csv.text()


def test_analyst_releases_with_differential_privacy_until_the_budget_is_spent(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    dataset = _dataset(org)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)
    browser.visit(f"/insight/{dataset.pk}/", "statistics-dataset")
    page.get_by_role("link", name="Differentially private releases").click()
    expect(page.locator("main")).to_contain_text("Nothing has been released from this dataset yet.")
    page.get_by_label("Count by").select_option(label="Gender")
    page.get_by_label("Privacy cost (ε)").fill("0.6")
    page.get_by_role("button", name="Show the expected error").click()
    expect(page.locator(".panel")).to_contain_text("Each count will be within ±5 of the true count")
    browser.check("private-release-preview")
    page.get_by_role("button", name="Release and spend this ε").click()
    expect(page.locator("main")).to_contain_text("spent ε = 0.60 in 1 releases")
    # A second release of 0.6 does not fit in the 0.4 left: refused, nothing spent.
    page.get_by_label("Count by").select_option(label="Gender")
    page.get_by_label("Privacy cost (ε)").fill("0.6")
    page.get_by_role("button", name="Show the expected error").click()
    page.get_by_role("button", name="Release and spend this ε").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "only ε = 0.40 of this dataset's budget of 1.00 is left"
    )
    expect(page.locator("main")).to_contain_text("spent ε = 0.60 in 1 releases")
    browser.check("private-release-refused")
    assert dataset.releases.count() == 1
