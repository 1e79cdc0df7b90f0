"""Prevention in a real browser: a trainer imports areas and indicators (a bad file first, refused with its line
numbers), records a campaign and one of its activities, and sees the map and the coverage dashboard. axe at phone
and desktop width (Browser.check)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, sign_in_directly
from threefold.accounts.roles import Role
from threefold.prevent.models import CampaignActivity

pytestmark = pytest.mark.browser

AREAS = (
    "code,name,level,row,col\n"
    "N1,North valley,district,0,0\nN2,River plain,district,0,1\nN3,Hill towns,district,1,0\n"
)
INDICATORS = (
    "area_code,indicator,year,value,source\n"
    "N1,poverty_rate,2024,34.5,Household survey\nN2,poverty_rate,2024,12.0,Household survey\n"
    "N3,poverty_rate,2024,22.1,Household survey\n"
)


def test_a_trainer_imports_areas_records_a_campaign_and_sees_the_map(
    open_browser: OpenBrowser, org, make_member: MakeMember, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    trainer = make_member(org, Role.TRAINER)
    browser = open_browser()
    page = browser.page
    sign_in_directly(browser, trainer.user)
    browser.visit("/prevent/", "prevent-home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevention")
    expect(page.locator("main")).to_contain_text("No areas yet")

    browser.visit("/prevent/areas/", "prevent-areas-empty")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nN1,North valley\n,No code\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import areas").click()
    expect(page.locator(".error-summary")).to_contain_text("line 3")
    browser.check("prevent-areas-refused")

    good = tmp_path / "areas.csv"
    good.write_text(AREAS, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import areas").click()
    expect(page.locator(".messages")).to_contain_text("3 added")
    indicators = tmp_path / "indicators.csv"
    indicators.write_text(INDICATORS, encoding="utf-8")
    page.locator("#id_indicators-file").set_input_files(str(indicators))
    page.get_by_role("button", name="Import indicators").click()
    expect(page.locator(".messages")).to_contain_text("3 added")
    browser.check("prevent-areas")

    browser.visit("/prevent/campaigns/new/")
    page.get_by_label("Title").fill("Safe jobs abroad")
    page.get_by_label("Starts on").fill("2025-01-15")
    page.get_by_label("North valley").check()
    browser.check("prevent-campaign-form")
    page.get_by_role("button", name="Record the campaign").click()
    expect(page.locator(".messages")).to_contain_text("Campaign recorded")
    page.get_by_label("Channel").select_option(label="Radio")
    page.locator("#id_area").select_option(label="North valley")
    page.get_by_label("Cost").fill("400")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("People reached").fill("800")
    page.get_by_role("button", name="Record the activity").click()
    expect(page.locator("main")).to_contain_text("0.50 per person reached")
    browser.check("prevent-campaign")
    assert CampaignActivity.objects.get().people_reached == 800

    browser.visit("/prevent/map/", "prevent-map")
    expect(page.locator("figure.prevent-map svg")).to_be_visible()
    expect(page.locator("table")).to_contain_text("34.5")
    expect(page.locator("table")).to_contain_text("River plain")

    browser.visit("/prevent/coverage/?months=24", "prevent-coverage")
    expect(page.locator("main")).to_contain_text("North valley")
    browser.fail_on_problems()
