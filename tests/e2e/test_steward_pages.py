"""A data steward's pages in a real browser: the import page, empty and with the report of a refused file, then
the valid lines imported; the mean on the private-release page; the budget form and the delete confirmation.
axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.insight.models import Dataset, Release

pytestmark = pytest.mark.browser


def victim(**values: str) -> str:
    values = {"yearOfRegistration": "2016", "Datasource": "Hotline", "citizenship": "PH"} | values
    return ",".join(values.pop(name, "") for name in SURE_2018_COLUMNS) + "\n"


def ctdc_file() -> dict[str, object]:
    lines = [",".join(SURE_2018_COLUMNS) + "\n"]
    lines += [victim(gender="Female", yearOfRegistration=str(2010 + i % 8)) for i in range(30)]
    lines += [victim(gender="Male", yearOfRegistration="139912")]  # line 32: an impossible year
    lines += [victim(gender="Male", yearOfRegistration="2015", citizenship="Philippines")]  # line 33
    return {"name": "ctdc-2024.csv", "mimeType": "text/csv", "buffer": "".join(lines).encode()}


def test_analyst_imports_a_file_after_reading_its_report(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)

    browser.visit("/insight/import/", "insight-import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a dataset")
    page.get_by_label("Name of the dataset").fill("CTDC 2024")
    page.get_by_label("CTDC file").set_input_files(ctdc_file())
    page.get_by_role("button", name="Import", exact=True).click()

    report = page.locator(".error-summary")
    expect(report).to_contain_text("32 lines were read after the header: 2 rejected, 30 valid.")
    expect(report).to_contain_text("choose the file again")
    problems = page.get_by_role("table", name="The first 2 problems found")
    expect(problems).to_contain_text("impossible year 139912")
    expect(problems).to_contain_text("Philippines")
    expect(page.get_by_label("Import only the valid lines")).not_to_be_checked()
    browser.check("insight-import-refused")
    assert not Dataset.objects.exists()

    page.get_by_label("Import only the valid lines").check()
    page.get_by_label("CTDC file").set_input_files(ctdc_file())
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "Imported “CTDC 2024”: 30 records. 2 lines with problems were left out."
    )
    assert Dataset.objects.get().row_count == 30

    page.get_by_role("link", name="Differentially private releases").click()
    page.get_by_label("Numeric field", exact=True).select_option(label="Year of registration")
    page.get_by_label("Lower bound").fill("2000")
    page.get_by_label("Upper bound").fill("2025")
    page.get_by_label("Privacy cost of the mean (ε)").fill("0.5")
    page.get_by_role("button", name="Show the mean's expected error").click()
    expect(page.locator(".panel")).to_contain_text("The number of known values will be within ±")
    browser.check("insight-mean-plan")
    page.get_by_role("button", name="Release the mean and spend this ε").click()
    expect(page.locator("table.table")).to_contain_text(
        "Mean of Year of registration, values clamped to 2000 to 2025"
    )
    browser.check("insight-mean-ledger")
    assert Release.objects.get().kind == "mean"


def test_admin_sets_the_budget_and_deletes_the_dataset(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    from threefold.insight import services

    admin = make_member(org, Role.ORG_ADMIN)
    lines = [",".join(SURE_2018_COLUMNS) + "\n", *[victim(gender="Female")] * 12]
    dataset, _ = services.import_ctdc(
        services.Importer(org, system_label="system:test"),
        lines,
        name="Shelters 2023",
        file_name="f.csv",
        file_sha256="ab" * 32,
    )
    browser = open_browser()
    page = browser.page
    log_in(browser, admin.user.email)

    browser.visit(f"/insight/{dataset.pk}/private/")
    page.get_by_label("Total budget (ε)").fill("nonsense")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.locator("#budget-error")).to_contain_text("Give ε as a number above 0")
    expect(page.get_by_label("Total budget (ε)")).to_have_attribute("aria-invalid", "true")
    browser.check("insight-budget-refused")
    page.get_by_label("Total budget (ε)").fill("2")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.locator(".messages")).to_contain_text("The privacy budget is now ε = 2, δ = 0.")
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 2.0

    page.get_by_role("link", name="Delete this dataset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Shelters 2023”?")
    browser.check("insight-delete")
    page.get_by_role("button", name="Delete the dataset").click()
    expect(page).to_have_url(re.compile(r"/insight/$"))
    expect(page.locator(".messages")).to_contain_text(
        "The dataset “Shelters 2023” was deleted. Its ledger of releases is kept"
    )
    browser.check("insight-home-after-delete")
    assert not Dataset.objects.exists()
