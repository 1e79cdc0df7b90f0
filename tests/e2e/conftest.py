"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

``Browser.check(name)`` is the one place where a page is judged. It
- runs axe-core (``axe_playwright_python``) at 360x740 (phone) and again at 1280x800 (desktop) on the same page,
- fails a page that scrolls sideways on the phone or whose controls are smaller than 44x44 px there,
- saves a full-page screenshot to ``test-artifacts/screenshots/<name>-360.png`` (and ``<name>-1280.png`` when
  THREEFOLD_E2E_DESKTOP_SCREENSHOTS=1).
Problems are collected and reported together when the test ends, so one run shows all of them.

Every page the browser loads (checked or not) is also watched for Content-Security-Policy violations
(``securitypolicyviolation`` events and the console reports) and JavaScript errors, which fail the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls made from that
# thread (the fixtures create users and people) unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP_SCREENSHOTS = os.environ.get("THREEFOLD_E2E_DESKTOP_SCREENSHOTS") == "1"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Controls that must offer a 44x44 px target on a phone. Links inside running text are exempt (WCAG 2.5.8).
TOUCH_TARGETS = (
    "button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    " .field-checkbox .checkbox, .brand, .quick-exit, .site-nav a, .account-links a, .row-actions a,"
    " .button, .button-secondary, .button-danger, .table td > a:only-child, .choice-list a, .choices label,"
    " .back-link, .answer-row a"
)
SMALL_TARGETS_JS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(e => e.getClientRects().length > 0 && !e.closest('.visually-hidden'))
  .map(e => { const r = e.getBoundingClientRect();
              return {html: e.outerHTML.slice(0, 100), w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(r => r.h < 44 || r.w < 44)"""

# Added before any page script through the DevTools protocol, so the page's CSP does not block it (the context
# does NOT bypass CSP). Console reports are how violations reach the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-VIOLATION " + e.effectiveDirective + " blocked=" + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber
    + " sample=" + JSON.stringify(e.sample || ""));
}, true);
"""


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need Debian's chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev dependency
        pytest.skip(f"playwright is not installed: {exc}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe

    class OnceAxe(Axe):
        """``Axe().run(page)``, injecting axe.min.js only once per document (each page is checked twice)."""

        def run(self, page: Any, context: Any = None, options: dict | None = DEFAULT_OPTIONS) -> AxeResults:
            if page.evaluate("typeof window.axe === 'undefined'"):
                return super().run(page, context=context, options=options)
            args = self._format_script_args(context=context, options=options)
            return AxeResults(page.evaluate(f"axe.run({args}).then(results => results)"))

    return OnceAxe()


@pytest.fixture
def e2e_settings(settings: Any, live_server: Any) -> Any:
    # Quick exit must not leave for the internet during tests: send it to a page of the live server.
    settings.QUICK_EXIT_URL = live_server.url + "/healthz"
    return settings


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth remembers used TOTP codes and rate limits in the cache, and user ids repeat across tests.
    from django.core.cache import cache

    cache.clear()


@dataclass
class Browser:
    """One browser context with the checks every page goes through."""

    page: Any
    base_url: str
    axe: Any
    desktop_too: bool = True
    csp_violations: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    a11y_failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, name: str | None = None) -> Any:
        self.page.goto(self.url(path))
        if name:
            self.check(name)
        return self.page

    def check(self, name: str, *, screenshot: bool = True) -> None:
        """Judge the current page at phone width, then at desktop width, and screenshot it."""
        page = self.page
        page.wait_for_load_state("load")
        self.checked.append(f"{name} ({page.url})")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        start = page.viewport_size
        sizes = [PHONE, DESKTOP] if self.desktop_too else [PHONE]
        for size in sizes:
            if page.viewport_size != size:
                page.set_viewport_size(size)
            width = size["width"]
            results = self.axe.run(page)
            if results.violations_count:
                self.a11y_failures.append(
                    f"--- {name} at {width}px: {page.url}\n{results.generate_report()}\n"
                    + _violation_nodes(results.response)
                )
            if size is PHONE:
                self._check_phone_layout(name)
            if screenshot and (size is PHONE or DESKTOP_SCREENSHOTS):
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        if page.viewport_size != start:
            page.set_viewport_size(start)

    def _check_phone_layout(self, name: str) -> None:
        page = self.page
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            self.a11y_failures.append(f"--- {name} at 360px scrolls sideways by {overflow}px ({page.url})")
        small = page.evaluate(SMALL_TARGETS_JS, TOUCH_TARGETS)
        if small:
            lines = "\n".join(f"  {s['w']}x{s['h']}px {s['html']}" for s in small)
            self.a11y_failures.append(
                f"--- {name} at 360px: touch targets under 44x44 px ({page.url})\n{lines}"
            )

    def fail_on_problems(self) -> None:
        problems = []
        if self.a11y_failures:
            problems.append("Accessibility problems:\n" + "\n".join(self.a11y_failures))
        if self.csp_violations:
            problems.append("Content-Security-Policy violations:\n  " + "\n  ".join(self.csp_violations))
        if self.js_errors:
            problems.append("JavaScript errors:\n  " + "\n  ".join(self.js_errors))
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)


def _violation_nodes(response: dict[str, Any]) -> str:
    lines = []
    for violation in response.get("violations", []):
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"  [{violation['id']}] {node.get('target')}: {node.get('html', '')[:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def _is_csp_message(text: str) -> bool:
    return "CSP-VIOLATION" in text or "Content Security Policy" in text or "Content-Security-Policy" in text


OpenBrowser = Callable[..., Browser]


@pytest.fixture
def open_browser(chromium: Any, axe: Any, live_server: Any, e2e_settings: Any) -> Iterator[OpenBrowser]:
    """Open a fresh browser context (phone-sized); the test fails at the end on any problem it saw."""
    opened: list[tuple[Any, Browser]] = []

    def open_(*, desktop_too: bool = True) -> Browser:
        context = chromium.new_context(viewport=PHONE, locale="en-GB")
        # Generous: the live server shares two cores with the suite (and a first page may load the demo world); a
        # wrong page still fails fast on its assertions, this only bounds the waits.
        context.set_default_timeout(20_000)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        browser = Browser(page, live_server.url, axe, desktop_too=desktop_too)

        def on_console(message: Any) -> None:
            if _is_csp_message(message.text):
                browser.csp_violations.append(f"{page.url}: {message.text}")

        def on_page_error(error: Any) -> None:
            browser.js_errors.append(f"{page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        opened.append((context, browser))
        return browser

    yield open_

    for context, _browser in opened:
        context.close()
    for _context, browser in opened:
        browser.fail_on_problems()


SIGN_IN = re.compile(r"^\s*sign in\s*$", re.I)


def log_in(browser: Browser, email: str, *, check_pages: bool = False, mfa: bool = True) -> None:
    """Sign in through the real pages: e-mail and password, then the authenticator code."""
    from tests.conftest import PASSWORD, totp_now

    page = browser.page
    page.goto(browser.url("/accounts/login/"))
    if check_pages:
        browser.check("login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    if not mfa:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    if check_pages:
        browser.check("mfa-code")
    page.get_by_label("Code", exact=True).fill(totp_now())
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(browser.url("/"))


def confirm_access(browser: Browser, name: str | None = None) -> None:
    """Answer allauth's "Confirm Access" (reauthentication) page with the password."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page = browser.page
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    if name:
        browser.check(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def sign_in_directly(browser: Browser, user: Any) -> None:
    """Give the browser a signed-in session without the sign-in pages (for tests about something else)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser.page.context.add_cookies(
        [
            {
                "name": cookie.key,
                "value": cookie.value,
                "url": browser.base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
