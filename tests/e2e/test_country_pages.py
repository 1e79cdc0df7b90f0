"""Country pages in a real browser: a member opens the list and its world map, a country page, the printable
advocacy brief (also as printed on A4) and a comparison. axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import SCREENSHOTS, OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.countries import services

pytestmark = pytest.mark.browser


def test_member_reads_a_country_page_and_its_brief(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    services.load_shipped()
    trainer = make_member(org, Role.TRAINER)
    browser = open_browser()
    page = browser.page
    log_in(browser, trainer.user.email)
    page.get_by_role("link", name="Countries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Countries")
    expect(
        page.get_by_role("img", name="Estimated prevalence of modern slavery (per 1,000 people)")
    ).to_be_visible()
    browser.check("countries-index")

    page.get_by_label("Name or ISO code").fill("thai")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=thai"))
    page.get_by_role("link", name="Thailand", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thailand")
    expect(page.locator("main")).to_contain_text("17 Oct 2013")
    expect(page.get_by_role("img", name=re.compile("TIP Report tier by report year"))).to_be_visible()
    browser.check("country-page")

    page.get_by_role("link", name="Printable advocacy brief").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thailand")
    expect(page.locator("main")).to_contain_text("Generated on")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    browser.check("country-brief")
    # As printed: no navigation, A4 pages; the PDF is kept beside the screenshots to look at.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "country-brief-print.png"), full_page=True)
    page.pdf(path=str(SCREENSHOTS / "country-brief.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")


def test_member_compares_countries(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:  # type: ignore[no-untyped-def]
    services.load_shipped()
    screener = make_member(org, Role.SCREENER)
    browser = open_browser()
    page = browser.page
    log_in(browser, screener.user.email)
    browser.visit("/countries/compare/?indicator=victims&region=South-eastern+Asia", "countries-ranking")
    expect(page.locator("main")).to_contain_text("Thailand")
    page.get_by_label("Country 1").select_option(label="Thailand")
    page.get_by_label("Country 2").select_option(label="Viet Nam")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Side by side")).to_be_visible()
    expect(page.locator("main")).to_contain_text("party since 2013")
    browser.check("countries-side-by-side")
