"""Quick exit, language switch, skip link and focus, and a self-test of the checks, in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import Browser, OpenBrowser, sign_in_directly
from threefold.accounts.roles import Role

pytestmark = pytest.mark.browser


def visible_text_count(browser: Browser, text: str) -> int:
    return browser.page.get_by_text(text).filter(visible=True).count()


@pytest.mark.parametrize("how", ["click", "escape-twice"])
def test_quick_exit_leaves_and_back_does_not_return(
    how: str, open_browser: OpenBrowser, org, make_member: MakeMember, make_person
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker, "Olga", "Petrova")
    browser = open_browser(desktop_too=False)
    page = browser.page
    sign_in_directly(browser, caseworker.user)
    browser.visit("/")
    browser.visit("/protect/")
    page.get_by_role("link", name=person.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga Petrova")
    length_before = page.evaluate("history.length")

    with page.expect_request(re.compile(r"/accounts/logout/$")):
        if how == "click":
            page.get_by_role("button", name="Quick exit").click()
        else:
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
        page.wait_for_url(browser.url("/healthz"))

    # The protected page's history entry was replaced, not followed by a new one.
    assert page.evaluate("history.length") == length_before
    # Going back never shows the person again: the session is over and pages kept in memory are not shown.
    for _ in range(2):  # back to "My people" (names!), then to the home page
        page.go_back()
        # A page of this site reached with Back leaves again at once (or asks for a sign-in).
        page.wait_for_url(re.compile(r"/healthz$|/accounts/login/"))
        page.wait_for_load_state("load")
        assert "/protect/people/" not in page.url
        assert visible_text_count(browser, "Petrova") == 0, page.url
    browser.visit("/protect/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_one_escape_does_not_exit(open_browser: OpenBrowser) -> None:
    browser = open_browser(desktop_too=False)
    page = browser.visit("/accounts/login/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1100)
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.url.endswith("/accounts/login/")


def test_language_switch_sets_html_lang(open_browser: OpenBrowser) -> None:
    browser = open_browser(desktop_too=False)
    page = browser.visit("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    select = page.get_by_label("Language", exact=True)
    select.select_option(label="Français")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page).to_have_url(browser.url("/accounts/login/"))
    expect(page.locator("#language-select")).to_have_value("fr")
    browser.check("login-fr")


def test_skip_link_and_visible_focus(open_browser: OpenBrowser) -> None:
    browser = open_browser(desktop_too=False)
    page = browser.visit("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["height"] >= 24
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands in the main content, with a visible focus indicator.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {inMain: !!e.closest('main'), outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"
    )
    assert focused["inMain"]
    assert focused["outline"] != "none", focused
    assert focused["width"] != "0px", focused


def test_the_checks_catch_problems(open_browser: OpenBrowser) -> None:
    """The harness itself: the CSP header is enforced and reported, and axe reports a violation it should."""
    browser = open_browser(desktop_too=False)
    page = browser.visit("/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("getComputedStyle(document.body).color !== 'rgb(255, 0, 0)'")
    page.wait_for_timeout(200)
    assert any("style-src" in v for v in browser.csp_violations), browser.csp_violations
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\">')"
    )
    browser.check("harness-self-test", screenshot=False)
    assert any("image-alt" in failure for failure in browser.a11y_failures), browser.a11y_failures
    # Both were provoked on purpose: do not fail the test for them.
    browser.csp_violations.clear()
    browser.a11y_failures.clear()
