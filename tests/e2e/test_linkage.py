"""Record linkage between two organisations in a real browser: organisation A's analyst makes encodings with a new
secret (shown once) and downloads the file; organisation B's analyst makes encodings with the same secret, imports
A's file (first with a mistyped secret, refused with the reason, then with the right one), compares the two sets,
sees the overlap drawn and counted, and starts an estimate of the hidden number from it. A's record of Olga
Petrova is in Cyrillic and B's in Latin; B recorded Nguyen Thi Lan with the family name first: both are found.
axe at phone and desktop width (Browser.check)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, log_in
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.insight.models import EncodingSet, Estimate, LinkageRun
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity

pytestmark = pytest.mark.browser

DOB = timezone.datetime(1990, 4, 2).date()
A_PEOPLE = [
    Identity("Ольга", "Петрова", date_of_birth=DOB, gender="Feminine"),
    Identity("Thi Lan", "Nguyen", date_of_birth=DOB.replace(year=1999, month=7, day=21), gender="Feminine"),
    Identity("Amina", "Diallo", date_of_birth=DOB.replace(year=1987, month=1, day=15), gender="Feminine"),
]
B_PEOPLE = [
    Identity("Olga", "Petrova", date_of_birth=DOB, gender="Feminine"),
    Identity("Nguyen", "Thi Lan", date_of_birth=DOB.replace(year=1999, month=7, day=21), gender="Feminine"),
    Identity(
        "Carmen", "Ruiz Ortega", date_of_birth=DOB.replace(year=2001, month=6, day=9), gender="Feminine"
    ),
]


def _people(organisation: Organisation, make_member: MakeMember, identities: list[Identity]) -> None:
    caseworker = make_member(organisation, Role.CASEWORKER)
    for identity in identities:
        person = protect_services.create_person(caseworker, identity)
        consent_services.record_consent(
            caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )


def test_two_organisations_link_their_lists_and_estimate_from_the_overlap(
    open_browser: OpenBrowser,
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    tmp_path: Path,
) -> None:
    _people(org, make_member, A_PEOPLE)
    _people(other_org, make_member, B_PEOPLE)
    analyst_a = make_member(org, Role.ANALYST)
    analyst_b = make_member(other_org, Role.ANALYST)

    # --- Organisation A: a new secret, shown once, and the file -------------------------------------------------
    a = open_browser()
    page = a.page
    log_in(a, analyst_a.user.email)
    a.visit("/insight/")
    page.get_by_role("link", name="Find people on several lists without sharing names").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Find people on several lists without sharing names"
    )
    a.check("linkage-empty")
    page.get_by_role("link", name="Make encodings of your people").click()
    a.check("linkage-make")
    page.get_by_label("Name of this encoding set").fill("For Other NGO, June")
    expect(page.get_by_label("Make a new secret: I will give it to the other organisation")).to_be_checked()
    page.get_by_role("button", name="Make the encodings").click()
    expect(page.get_by_role("heading", name="Your new linkage secret")).to_be_visible()
    expect(page.get_by_role("heading", name="3 people encoded")).to_be_visible()
    secret = page.get_by_label("Linkage secret", exact=True).input_value()
    assert len(secret) == 43
    key_check = EncodingSet.objects.get(organisation=org).key_check_short
    expect(page.locator("main")).to_contain_text(f"Its key check is {key_check}")
    a.check("linkage-secret")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the encoding file").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.name.endswith(".tfenc")
    assert exported.read_bytes().startswith(b"TF-PPRL\n")

    # --- Organisation B: the same secret, A's file, a run ---------------------------------------------------------
    b = open_browser()
    page = b.page
    log_in(b, analyst_b.user.email)
    b.visit("/insight/linkage/")
    page.get_by_role("link", name="Make encodings of your people").click()
    page.get_by_label("Name of this encoding set").fill("Other NGO, June")
    page.get_by_label("Use the secret the other organisation gave me").check()
    page.get_by_label("The secret the other organisation gave you").fill(secret)
    page.get_by_role("button", name="Make the encodings").click()
    expect(page.get_by_role("heading", name="3 people encoded")).to_be_visible()
    expect(page.locator("main")).to_contain_text(key_check)  # the same secret: the same key check
    expect(page.get_by_role("heading", name="Your new linkage secret")).to_have_count(0)
    b.check("linkage-set")

    page.get_by_role("link", name="Find people on several lists").first.click()
    page.get_by_role("link", name="Import another organisation's encodings").click()
    page.get_by_label("Name of this encoding set").fill("From Home NGO")
    page.get_by_label("The encoding file").set_input_files(str(exported))
    page.get_by_label("The linkage secret you share with them").fill(
        secret[:-2] + ("AA" if secret[-2:] != "AA" else "BB")
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".error-summary")).to_contain_text("made with a different linkage secret")
    expect(page.get_by_label("The encoding file")).to_have_attribute("aria-invalid", "true")
    b.check("linkage-import-refused")
    assert not EncodingSet.objects.filter(organisation=other_org, label="From Home NGO").exists()
    page.get_by_label("The encoding file").set_input_files(str(exported))
    page.get_by_label("The linkage secret you share with them").fill(secret)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("main")).to_contain_text(
        "Imported “From Home NGO”: 3 encodings, checked with your secret."
    )
    b.check("linkage-imported")

    page.get_by_role("link", name="Compare it with other encoding sets").click()
    page.get_by_label("Name of the run").fill("Home and Other, June")
    page.get_by_label(re.compile(r"Other NGO, June: made here")).check()
    page.get_by_label(re.compile(r"From Home NGO: imported")).check()
    b.check("linkage-run-new")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"/insight/linkage/runs/\d+/$"))
    expect(page.locator(".estimate-words")).to_have_text(
        "2 people are on both lists; only on Other NGO, June: 1; only on From Home NGO: 1."
    )
    expect(page.get_by_role("img", name="Who is on which lists")).to_be_visible()
    expect(page.get_by_role("table", name="The figures")).to_contain_text("On both lists")
    b.check("linkage-run")
    assert LinkageRun.objects.get().result is not None

    page.get_by_role("button", name="Estimate the hidden number from this overlap").click()
    expect(page).to_have_url(re.compile(r"/insight/estimates/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Home and Other, June")
    expect(page.get_by_role("heading", name="The estimate", exact=True)).to_be_visible(timeout=60_000)
    expect(page.locator(".estimate-words")).to_contain_text("of whom 4 were known to at least one list")
    b.check("linkage-estimate", screenshot=True)
    assert Estimate.objects.get().lists == ["Other NGO, June", "From Home NGO"]
