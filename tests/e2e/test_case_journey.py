"""The caseworker's journey on a phone: a screening, the person (past a possible duplicate written in another
script), the screening kept with consent, a case opened from it, moved on, a note, an NRM referral and decision.
Every page passes axe at 360 and 1280 px and is screenshotted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.identify.models import Screening
from threefold.protect import services as person_services
from threefold.protect.identity import Identity
from threefold.protect.models import Case, Person

pytestmark = pytest.mark.browser


def test_from_screening_to_case_on_a_phone(open_browser: OpenBrowser, org, make_member: MakeMember) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    colleague = make_member(org, Role.CASEWORKER)
    # Someone already recorded her, in Cyrillic, and the record is assigned to a colleague.
    known = person_services.create_person(colleague, Identity(given_names="Ольга", family_names="Петрова"))
    browser = open_browser()
    page = browser.page
    log_in(browser, caseworker.user.email)

    browser.visit("/identify/")
    page.get_by_role("link", name="Outreach").click()
    page.locator("ol.cards > li").first.get_by_role("button", name="Start screening").click()
    for answer in ["No", "Yes", "No", "No"]:
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name=re.compile("^Save and (continue|check)")).click()
    page.get_by_role("button", name="See the result").click()
    screening = Screening.objects.get()
    result_url = page.url

    page.get_by_role("link", name="Record a new person first").click()
    page.get_by_label("Given names").fill("Olga")
    page.get_by_label("Family names").fill("Petrova")
    page.get_by_role("button", name="Save").click()
    # The possible duplicate is reported by reference only: the record is not the caseworker's to open.
    expect(page.get_by_role("heading", name=re.compile("Possible duplicates"))).to_be_visible()
    expect(page.locator("main")).to_contain_text(known.reference)
    expect(page.locator("main")).not_to_contain_text("Петрова")
    browser.check("journey-person-duplicates")
    page.get_by_role("button", name=re.compile("record anyway")).click()
    person = Person.objects.exclude(pk=known.pk).get()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga Petrova")
    browser.check("journey-person")

    page.goto(result_url)
    page.get_by_label("Person's reference").fill(person.reference)
    page.get_by_label("Verbal", exact=False).first.check()
    page.get_by_label(re.compile("I have explained what is kept")).check()
    page.get_by_role("button", name="Keep with this record").click()
    screening.refresh_from_db()
    assert screening.person == person
    page.get_by_role("link", name="Open a case").click()
    browser.check("journey-case-open")
    page.get_by_label("Why open a case now?").fill("Screened positive at the outreach van; she asked for help")
    page.get_by_label("Forced labour").check()
    page.get_by_role("button", name="Open the case").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator(".timeline")).to_contain_text(screening.reference)

    page.get_by_label("Move the case to").select_option("assessment")
    page.get_by_label("Reason").fill("First meeting held with an interpreter")
    page.get_by_role("button", name="Move the case").click()
    expect(page.locator(".lead")).to_contain_text("Assessment")
    page.get_by_label("Add a note").fill("Prefers calls after six, on the shelter's phone")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".timeline")).to_contain_text("Prefers calls after six")

    referred = timezone.localdate() - timedelta(days=3)
    page.get_by_label("Jurisdiction").select_option("gb-eaw")
    page.get_by_label("Date of the referral").fill(referred.isoformat())
    page.get_by_role("button", name="Record the referral").click()
    expect(page.locator("main")).to_contain_text("Reasonable-grounds decision due")
    page.get_by_label("Positive reasonable-grounds decision").check()
    page.get_by_label("Date of the decision").fill((referred + timedelta(days=2)).isoformat())
    page.get_by_label("Decided by").fill("Single Competent Authority")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text("Recovery and reflection period")
    browser.check("journey-case")

    page.get_by_role("link", name="Update what happened").click()
    page.get_by_label("Debt bondage").check()
    page.get_by_label("What happened there").select_option("Exploitation")
    page.get_by_label("Country").select_option("GB")
    browser.check("journey-case-context")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Debt bondage")

    browser.visit("/protect/cases/", "journey-my-cases")
    expect(page.locator("main")).to_contain_text(case.reference)
