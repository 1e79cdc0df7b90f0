"""The US federal prosecutions dataset in a real browser: an analyst chooses the kind on the import page, uploads
the three files, reads the report of a refused line, imports the valid lines, and reads the dashboard and the
count page of the defendants. Then the real files (``../shared/data``), imported from the page. axe at phone and
desktop width (Browser.check)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests import prosecution_files as pf
from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.insight.core.prosecutions import PUBLISHED_FILE_NAMES, TABLES
from threefold.insight.models import Dataset

pytestmark = pytest.mark.browser

FIELDS = ("Cases file", "Defendants file", "Judges file")


def _world() -> tuple[str, str, str]:
    """36 cases over five years in three states; one defendant names a case that is not in the cases file."""
    plan = [("CA", "2011")] * 9 + [("CA", "2012")] * 8 + [("TX", "2012")] * 7 + [("TX", "2013")] * 6
    plan += [("FL", "2013")] * 4 + [("FL", "2014")] * 2
    cases, defendants, judges = [], [], []
    for i, (state, year) in enumerate(plan):
        cases.append(pf.case(405 + i, state=state, year=year))
        outcome = {}
        if i % 4 == 1:
            outcome = {
                "statute_plea_guilty": "['0', '0']",
                "statute_trial_guilty": "['1', '1']",
                "total_months_sentenced": "1200" if i % 8 == 1 else "300",
            }
        defendants.append(pf.defendant(1797 + 2 * i, 405 + i, restitution=str(2500 * (i % 7)), **outcome))
        defendants.append(pf.defendant(1798 + 2 * i, 405 + i, total_months_sentenced=str(12 * (i % 6))))
        judges.append(pf.judge(i, 405 + i, appointed_by="Democrat" if i % 3 else "Republican"))
    defendants.append(pf.defendant(5000, 9999))  # line 74: no case 9999
    return pf.texts(cases, defendants, judges)


def _files(texts: tuple[str, str, str]) -> list[dict[str, object]]:
    names = ("cases.csv", "defendants.csv", "judges.csv")
    return [
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
        for name, text in zip(names, texts, strict=True)
    ]


def test_analyst_imports_the_three_files_and_reads_the_dashboard(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)

    browser.visit("/insight/import/")
    page.get_by_role("link", name=re.compile("US federal human-trafficking prosecutions")).click()
    expect(page.get_by_role("heading", name="What is kept, and what is not")).to_be_visible()
    browser.check("prosecutions-import")
    page.get_by_label("Name of the dataset").fill("US federal prosecutions")
    for label, file in zip(FIELDS, _files(_world()), strict=True):
        page.get_by_label(label).set_input_files(file)
    page.get_by_role("button", name="Import", exact=True).click()

    report = page.locator(".error-summary")
    expect(report).to_contain_text("1 rejected")
    expect(report).to_contain_text("Defendants: 73 lines, 1 rejected, 72 valid.")
    problems = page.get_by_role("table", name="The problem found")
    expect(problems).to_contain_text("case 9999 is not in the cases file")
    browser.check("prosecutions-import-refused")
    assert not Dataset.objects.exists()

    page.get_by_label("Import only the valid lines").check()
    for label, file in zip(FIELDS, _files(_world()), strict=True):
        page.get_by_label(label).set_input_files(file)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "Imported “US federal prosecutions”: 36 cases, 72 defendants and 36 judges. "
        "1 line with problems was left out."
    )
    expect(page.get_by_role("heading", name="Cases by year")).to_be_visible()
    expect(page.get_by_role("img", name="Defendants by outcome")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Defendants per case, on average")
    browser.check("prosecutions-dashboard")

    page.get_by_label("State", exact=True).select_option("CA")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"state=CA"), timeout=20_000)
    page.get_by_text("The figures: Cases by year").click()
    expect(page.locator("main")).to_contain_text("fewer than 11")
    browser.check("prosecutions-dashboard-filtered")

    page.get_by_role("link", name="Count by any field").click()
    page.get_by_role("link", name=re.compile("^Defendants")).click()
    page.get_by_label("Count by").select_option(label="Outcome")
    page.get_by_label("and by (optional)").select_option(label="State of the case")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table", name="Counts")).to_contain_text("Pleaded guilty")
    browser.check("prosecutions-count-defendants")


@pytest.mark.realdata
def test_the_real_files_import_from_the_page(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    folder = Path(settings.SHARED_DATA_DIR)
    paths = [folder / PUBLISHED_FILE_NAMES[table] for table in TABLES]
    if not all(path.is_file() for path in paths):
        pytest.skip(f"the prosecution files are not in {folder} (set THREEFOLD_SHARED_DATA)")
    analyst = make_member(org, Role.ANALYST)
    browser = open_browser()
    page = browser.page
    log_in(browser, analyst.user.email)

    browser.visit("/insight/import/?kind=us_prosecutions")
    page.get_by_label("Name of the dataset").fill("US federal prosecutions 2000-2016")
    for label, path in zip(FIELDS, paths, strict=True):
        page.get_by_label(label).set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "674 cases, 1762 defendants and 675 judges.", timeout=30_000
    )
    expect(page.get_by_role("heading", name="Cases by state")).to_be_visible()
    browser.check("prosecutions-dashboard-real")
    assert Dataset.objects.get().table_sizes == {"cases": 674, "defendants": 1762, "judges": 675}
