"""Every page of the web interface, at phone and desktop width: axe finds nothing, no CSP violation, no JS error.

``Browser.check`` runs axe at 360 and 1280 px, checks the phone layout and saves screenshots; the
``open_browser`` fixture fails the test at the end with every problem it saw (see conftest).
"""

from __future__ import annotations

import re

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD, MakeMember
from tests.e2e.conftest import OpenBrowser, confirm_access, log_in
from threefold.accounts.models import Membership
from threefold.accounts.roles import Role

pytestmark = pytest.mark.browser


def test_caseworker_pages(open_browser: OpenBrowser, org, make_member: MakeMember, make_person) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    browser = open_browser()
    page = browser.page

    log_in(browser, caseworker.user.email, check_pages=True)

    # Home shows the caseworker's cards, and only those.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator(".cards .card h2")).to_have_text(
        [
            "Screen for trafficking",
            "Record a person",
            "My people",
            "My cases",
            "Referrals",
            "Survivors' voice",
        ]
    )
    browser.check("home")
    browser.visit("/protect/cases/", "cases-empty")
    expect(page.get_by_role("heading", name="No cases here")).to_be_visible()

    browser.visit("/protect/", "protect-empty")
    expect(page.get_by_role("heading", name="Nobody is assigned to you yet")).to_be_visible()

    # The form, then a submit with two errors: no name at all and a date of birth in the future.
    browser.visit("/protect/people/new/", "person-form")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter at least a name or an alias.")
    expect(summary).to_contain_text("The date of birth cannot be in the future.")
    expect(page.get_by_label("Date of birth")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile(r"^Error: "))
    browser.check("person-form-errors")
    # The summary's links lead to the field in error.
    summary.get_by_role("link", name="Date of birth: The date of birth cannot be in the future.").click()
    expect(page.get_by_label("Date of birth")).to_be_focused()

    page.get_by_label("Given names").fill("Olga")
    page.get_by_label("Family names").fill("Petrova")
    page.get_by_label("Other names and aliases").fill("Ольга Петрова\nOlia")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Phone numbers").fill("+33 6 12 34 56 78")
    page.get_by_label("E-mail addresses").fill("olga.petrova.example@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga Petrova")
    expect(page.locator(".messages")).to_contain_text("recorded")
    browser.check("person")
    page.get_by_role("link", name="Consent").click()
    browser.check("consent")
    page.get_by_role("link", name=re.compile("Record a consent", re.I)).first.click()
    browser.check("consent-form")

    make_person(caseworker, "Maria José", "Fernández de la Cruz-Villanueva")
    browser.visit("/protect/", "protect-people")
    expect(page.locator("main table tbody tr")).to_have_count(2)

    browser.visit("/accounts/2fa/", "mfa-index")
    # Tokens need a fresh confirmation of the password (allauth reauthentication); MFA is offered as well.
    browser.visit("/api/tokens/")
    page.get_by_role("link", name=re.compile("authenticator app", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/reauthenticate/"))
    browser.check("reauthenticate-mfa")
    page.go_back()
    confirm_access(browser, "reauthenticate")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    browser.check("api-tokens")
    page.get_by_label("What is this token for?").fill("Case export script")
    page.get_by_role("button", name="Create a token").click()
    expect(page.locator(".token")).to_be_visible()
    browser.check("api-tokens-created")


def test_supervisor_pages(
    open_browser: OpenBrowser, org, other_org, make_member: MakeMember, make_person
) -> None:
    supervisor = make_member(org, Role.SUPERVISOR)
    Membership.objects.create(user=supervisor.user, organisation=other_org, role=Role.CASEWORKER)
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker)
    make_person(caseworker, "Amina", "Diallo")
    browser = open_browser()
    page = browser.page
    log_in(browser, supervisor.user.email)
    expect(page.locator(".cards .card h2")).to_have_text(
        [
            "Screen for trafficking",
            "Review screenings",
            "Record a person",
            "My people",
            "My cases",
            "Referrals",
            "Cases of your organisation",
            "Case dashboard",
            "Caseload",
            "Survivors' voice",
            "Statistics",
            "Audit",
        ]
    )
    browser.visit("/protect/cases/supervision/", "cases-supervision")
    browser.visit("/protect/cases/dashboard/", "case-dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case dashboard")

    browser.visit("/protect/caseload/", "caseload")
    expect(page.get_by_role("cell", name=person.reference, exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Break the glass for {person.reference}").click()
    confirm_access(browser)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Break the glass")
    browser.check("break-glass")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".error-summary")).to_be_focused()
    browser.check("break-glass-errors")

    # Erasure (the password was confirmed for break-the-glass a moment ago, so no second confirmation): an
    # empty form is refused and nothing happens.
    page.goto(browser.url(f"/protect/people/{person.reference}/erase/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.reference)
    browser.check("erase")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.locator(".error-summary")).to_be_focused()
    browser.check("erase-errors")
    # The survivor's copy of everything held about them (a supervisor assigned to the person may export it).
    person.assigned_to.add(supervisor.user)
    browser.visit(f"/protect/people/{person.reference}/data/", "subject-data")
    expect(page.locator("main")).to_contain_text("Petrova")

    browser.visit("/audit/", "audit")
    expect(page.get_by_role("table")).to_be_visible()

    # A member of two organisations switches in the footer; the home page follows the other role.
    page.get_by_label("Act for").select_option(label="Other NGO · Caseworker")
    page.get_by_role("button", name="Switch organisation").click()
    expect(page.locator(".cards .card h2")).to_have_text(
        [
            "Screen for trafficking",
            "Record a person",
            "My people",
            "My cases",
            "Referrals",
            "Survivors' voice",
        ]
    )
    expect(page.locator(".account-links .who")).to_have_text("Other NGO · Caseworker")
    browser.check("home-switched")


def test_org_admin_pages(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    admin = make_member(org, Role.ORG_ADMIN)
    make_member(org, Role.CASEWORKER)
    make_member(org, Role.ANALYST, mfa=False)
    browser = open_browser()
    page = browser.page
    log_in(browser, admin.user.email)
    expect(page.locator(".cards .card h2")).to_have_text(
        [
            "Our services for partners",
            "Retention",
            "Case approvals",
            "Members and invitations",
            "Training",
            "Prevention",
            "Survivors' voice",
            "Statistics",
            "Audit",
        ]
    )
    browser.visit("/protect/retention/", "retention")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention policy")
    browser.visit("/protect/cases/approval-settings/", "case-approval-settings")
    page.get_by_label("Closed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Approval is needed now to enter: Closed")

    browser.visit("/org/members/", "members")
    page.get_by_role("link", name="Invite someone").click()
    if "/reauthenticate/" in page.url:
        confirm_access(browser)
    browser.check("invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".error-summary")).to_be_visible()
    browser.check("invite-errors")

    page.get_by_label("E-mail address").fill("new.colleague@example.org")
    page.get_by_label("Role").select_option("analyst")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text("Invitation sent")
    browser.check("members-with-invitation")

    page.get_by_role("link", name=re.compile(r"^Change role of caseworker")).click()
    browser.check("change-role")

    browser.visit("/audit/", "audit-admin")

    # The invited person opens the e-mailed link in their own browser.
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    invited = open_browser()
    invited.page.goto(link)
    expect(invited.page.get_by_role("heading", level=1)).to_contain_text("Join Home NGO")
    invited.check("accept-invitation")
    invited.page.get_by_label("Choose a password").fill("short")
    invited.page.get_by_role("button", name="Create my account").click()
    expect(invited.page.locator(".error-summary")).to_be_focused()
    invited.check("accept-invitation-errors")


def test_sign_in_errors_and_password_reset(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    member = make_member(org, Role.CASEWORKER)
    browser = open_browser()
    page = browser.page
    browser.visit("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(member.user.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.I)).click()
    expect(page.locator(".error-summary")).to_be_focused()
    browser.check("login-errors")

    page.goto(browser.url("/accounts/login/"))
    page.get_by_label("Email", exact=True).fill(member.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.I)).click()
    page.get_by_label(re.compile(r"code", re.I)).first.fill("000000")
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.I)).click()
    expect(page.locator(".error-summary, .field-error").first).to_be_visible()
    browser.check("mfa-code-errors")

    browser.visit("/accounts/password/reset/", "password-reset")
    page.get_by_label(re.compile(r"e-?mail", re.I)).fill(member.user.email)
    page.get_by_role("button", name=re.compile(r"reset", re.I)).click()
    browser.check("password-reset-done")


def test_mfa_enrolment_pages(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    """A caseworker without an authenticator is sent to set one up: QR code, secret, code, recovery codes."""
    member = make_member(org, Role.CASEWORKER, mfa=False)
    browser = open_browser()
    page = browser.page
    log_in(browser, member.user.email, mfa=False)
    if "/reauthenticate/" in page.url:
        confirm_access(browser)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator("img.qr")).to_be_visible()
    browser.check("mfa-activate")
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".error-summary")).to_be_focused()
    browser.check("mfa-activate-errors")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    browser.check("mfa-after-activation")
    browser.visit("/accounts/2fa/recovery-codes/", "recovery-codes")
    browser.visit("/accounts/2fa/recovery-codes/generate/", "recovery-codes-generate")
    browser.visit("/accounts/logout/", "logout")
