"""A whole screening on a phone-sized screen, in French: every page passes axe, fits 360 px and is screenshotted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.roles import Role
from threefold.identify.models import Screening

pytestmark = pytest.mark.browser


def test_a_whole_screening_in_french_on_a_phone(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    screener = make_member(org, Role.SCREENER)
    browser = open_browser()
    page = browser.page
    log_in(browser, screener.user.email)

    # The screener switches the interface to French, as a screener in Lyon or Abidjan would.
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    browser.visit("/identify/", "identify-home-fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Repérer")
    page.get_by_role("link", name="Travail de proximité").click()
    browser.check("identify-setting-fr")
    # Recommended first: the quick youth screen, the one with a published accuracy study.
    first = page.locator("ol.cards > li").first
    expect(first).to_contain_text("86,7 %")
    first.get_by_role("button", name="Commencer le repérage").click()

    expect(page.locator(".progress-label")).to_contain_text("Question 1 sur 4")
    browser.check("identify-question-fr")
    answers = ["Non", "Oui", "Refuse de répondre", "Ne sait pas"]
    for number, answer in enumerate(answers, start=1):
        expect(page.locator(".progress-label")).to_contain_text(f"Question {number} sur 4")
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name=re.compile("^Enregistrer et (continuer|vérifier)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier les réponses")
    browser.check("identify-answers-fr")

    page.get_by_role("button", name="Voir le résultat").click()
    expect(page.locator(".outcome h2")).to_be_visible()
    expect(page.locator("main")).to_contain_text("26,3 %")
    browser.check("identify-result-fr")
    screening = Screening.objects.get()
    assert (screening.outcome, screening.languages) == ("positive", ["fr"])

    # A local prevalence of 2 % changes what a positive means, and the page says so.
    page.get_by_label(re.compile("Part des personnes")).fill("2")
    page.get_by_role("button", name="Recalculer").click()
    expect(page.locator("main")).to_contain_text("7,0 %")

    page.get_by_role("link", name="Résumé à imprimer").click()
    browser.check("identify-print-fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résumé du repérage")
