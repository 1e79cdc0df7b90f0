"""A legal officer on a phone records a criminal proceeding from a survivor's case: the proceeding, a suspect and a
charge, a date in court when the survivor testifies, and a protection measure; then sees the coming court date on
their list. An analyst then reads the prosecution statistics, with small counts hidden. Every checked page passes
axe at 360 and 1280 px and is screenshotted."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in, sign_in_directly
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.prosecute import services as prosecute_services
from threefold.prosecute.models import CourtDate, Offender, Proceeding, ProtectionMeasure
from threefold.protect import case_services
from threefold.protect import services as person_services
from threefold.protect.identity import Identity
from threefold.protect.victim_context import VictimContext

pytestmark = pytest.mark.browser

NAMES = (
    "Ana Lupu",
    "Elena Stan",
    "Maria Popa",
    "Irina Dinu",
    "Lidia Marin",
    "Sofia Neagu",
    "Daria Ene",
    "Alina Toma",
    "Vera Nistor",
    "Olga Sirbu",
    "Nina Costea",
    "Rita Enache",
    "Dana Oprea",
    "Ilinca Voicu",
    "Corina Lazar",
    "Paula Ionita",
    "Ramona Dragan",
    "Silvia Mocanu",
    "Teodora Pavel",
    "Viorica Matei",
)


def test_legal_officer_records_a_proceeding_and_an_analyst_reads_the_statistics(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    legal = make_member(org, Role.LEGAL_OFFICER)
    supervisor = make_member(org, Role.SUPERVISOR)
    analyst = make_member(org, Role.ANALYST)
    today = timezone.localdate()
    # Enough counted cases for some counts to be shown at k = 11, and some hidden (six have no proceeding).
    for index, name in enumerate(NAMES):
        given, family = name.split()
        person = person_services.create_person(caseworker, Identity(given, family))
        case = case_services.open_case(
            caseworker,
            person,
            reason="Referred by the labour inspectorate",
            context=VictimContext(exploitation_types=("ForcedLabour",)),
        )
        consent_services.record_consent(
            caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )
        if 0 < index < 14:  # under investigation (11 with the witness's), charges brought in three
            proceeding = prosecute_services.open_proceeding(
                caseworker, case, jurisdiction="fr", opened_on=today - timedelta(days=100 + index)
            )
            if index > 10:
                prosecute_services.record_stage(
                    caseworker, proceeding, stage="prosecution", on=today - timedelta(days=20)
                )
        if index == 0:
            witness_case = case
            person_services.assign(supervisor, person, legal.user)

    browser = open_browser()
    page = browser.page
    log_in(browser, legal.user.email)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Prosecute")).to_be_visible()
    browser.visit(f"/protect/cases/{witness_case.reference}/")
    expect(page.get_by_role("heading", name="Criminal proceedings")).to_be_visible()
    browser.check("prosecute-case-section")

    page.get_by_role("link", name="Record a proceeding").click()
    browser.check("prosecute-proceeding-form")
    page.get_by_label("Jurisdiction").select_option("fr")
    page.get_by_label("The investigation began on").fill((today - timedelta(days=60)).isoformat())
    page.get_by_label("Court or prosecutor's office").fill("Tribunal judiciaire de Lille")
    page.get_by_label("The court's case number").fill("PARQUET 25/00917")
    page.get_by_role("button", name="Record the proceeding").click()
    recorded = Proceeding.objects.get(case=witness_case)
    expect(page.get_by_role("heading", level=1)).to_contain_text(recorded.reference)
    expect(page.locator("main")).to_contain_text("PARQUET 25/00917")

    page.get_by_role("link", name="Record a suspect or accused person").click()
    page.get_by_label("Name").fill("Sorin Dobre")
    page.get_by_label("Recruiter or intermediary").check()
    page.get_by_label("Exploiter").check()
    browser.check("prosecute-offender-form")
    page.get_by_role("button", name="Record the person").click()
    assert Offender.objects.filter(proceeding=recorded).count() == 1
    page.get_by_role("link", name="Record a charge").click()
    page.get_by_label("Offence").select_option("225-4-1")
    page.get_by_role("button", name="Record the charge").click()
    expect(page.locator("main")).to_contain_text("Code pénal, art. 225-4-1")

    hearing = today + timedelta(days=5)
    page.get_by_role("link", name="Record a court date").click()
    page.get_by_label("Date", exact=True).fill(hearing.isoformat())
    page.get_by_label("Time").fill("09:30")
    page.get_by_label("What happens").select_option("testimony")
    page.get_by_label("The survivor attends or testifies").check()
    browser.check("prosecute-court-date-form")
    page.get_by_role("button", name="Record the court date").click()
    expect(page.locator(".messages")).to_contain_text("reminded a week and a day before")
    assert CourtDate.objects.get(proceeding=recorded).survivor_attends

    page.get_by_role("link", name="Record a protection measure").click()
    page.get_by_label("Testimony by video link").check()
    page.get_by_label("Note").fill("She cannot face him in the courtroom")
    page.get_by_role("button", name="Record the measure").click()
    assert ProtectionMeasure.objects.get(proceeding=recorded).measure == "video_link"
    expect(page.locator("main")).to_contain_text("Testimony by video link")
    expect(page.locator("main")).to_contain_text("She cannot face him in the courtroom")
    browser.check("prosecute-proceeding")

    browser.visit("/prosecute/", "prosecute-home")
    expect(page.locator("main")).to_contain_text(recorded.reference)
    expect(page.locator("main")).to_contain_text("The survivor attends")

    # The analyst: statistics only, with small counts hidden; no proceeding page.
    reader = open_browser()
    log_in(reader, analyst.user.email)
    reader.page.get_by_role("navigation", name="Main").get_by_role("link", name="Prosecute").click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Prosecution statistics")
    main = reader.page.locator("main")
    expect(main).to_contain_text("Identified")
    expect(main).to_contain_text("fewer than 11")
    expect(main).not_to_contain_text("Sorin")
    reader.check("prosecute-statistics")
    assert reader.page.goto(reader.url(f"/prosecute/proceedings/{recorded.reference}/")).status == 404


def test_the_demo_world_statistics_and_a_convicted_proceeding(open_browser: OpenBrowser, settings) -> None:  # type: ignore[no-untyped-def]
    """The demo world as a new user finds it: the legal officer's list, a proceeding that ended in a conviction
    (sentence, compensation, payments, protection, risk review), and the statistics with the national figures."""
    from django.core.management import call_command

    from threefold.accounts.models import User

    settings.DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    # The pages are checked as a demo visitor sees them, banner included (axe "region" once failed on it).
    convicted = _convicted_demo_proceeding()
    legal = User.objects.get(email="legalofficer@demo.threefold.invalid")
    # The demo analyst acts for Casa Esperanza first; the shelter's supervisor reads its statistics too.
    supervisor = User.objects.get(email="supervisor@demo.threefold.invalid")
    browser = open_browser()
    sign_in_directly(browser, legal)
    browser.visit("/prosecute/", "prosecute-demo-home")
    expect(browser.page.get_by_role("banner")).to_contain_text("Demonstration site")
    expect(browser.page.locator("main")).to_contain_text("Witness risk assessments due for review")
    browser.visit(f"/prosecute/proceedings/{convicted.reference}/", "prosecute-demo-proceeding")
    main = browser.page.locator("main")
    expect(main).to_contain_text("Convicted")
    expect(main).to_contain_text("months in prison")
    expect(main).to_contain_text("EUR")
    browser.visit("/prosecute/non-punishment/", "prosecute-demo-non-punishment")
    expect(browser.page.locator("main")).to_contain_text("Use of a false passport at the border")

    reader = open_browser()
    sign_in_directly(reader, supervisor)
    reader.visit("/prosecute/statistics/", "prosecute-demo-statistics")
    main = reader.page.locator("main")
    expect(main).to_contain_text("National figures: France")
    expect(main).to_contain_text("Persons prosecuted (national)")
    expect(main).to_contain_text("fewer than 11")


def _convicted_demo_proceeding() -> Proceeding:
    from threefold.prosecute.models import CompensationOrder

    order = CompensationOrder.objects.filter(organisation__name__startswith="Safe").order_by("pk").first()
    assert order is not None
    return order.proceeding
