"""The edit and delete pages of prevention, training and participation in a real browser, each judged by axe,
the touch-target check and the CSP listener at phone and desktop width (Browser.check):

- prevention: a trainer edits an education session, a campaign and one of its activities (deleting another),
  a material's details (deleting one of its language versions), and deletes the session;
- training: a trainer edits a course, a module and a session, imports questions (a refused file first, listed by
  line), opens self-registration; a participant registers on a phone through the join link; the trainer closes
  registration, after which the link opens the not-found page; the course's results pool its sessions;
- participation: a supervisor edits a draft consultation's details and questions (moving and deleting one), and
  once it is closed corrects one "you said, we did" entry and deletes another.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import MakeMember
from tests.e2e.conftest import OpenBrowser, sign_in_directly
from tests.training_world import COURSE, make_world, right
from threefold.accounts.roles import Role

pytestmark = pytest.mark.browser

AREAS = "code,name,level,row,col\nN1,North valley,district,0,0\nN2,River plain,district,0,1\n"


def test_a_trainer_edits_and_deletes_prevention_records(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    from threefold.prevent import services
    from threefold.prevent.models import CampaignActivity, EducationSession, MaterialVersion

    trainer = make_member(org, Role.TRAINER)
    services.import_areas(trainer, AREAS.encode())
    today = timezone.localdate()
    session = services.record_session(
        trainer,
        services.SessionInput(
            held_on=today,
            setting="school",
            topics=["safe_migration"],
            language="en",
            reach={"15_17": {"female": 12, "male": 9}},
            area_code="N1",
            place="North valley school",
        ),
    )
    campaign = services.record_campaign(
        trainer, services.CampaignInput("Safe jobs abroad", dt.date(2025, 1, 15), area_codes=["N1"])
    )
    for channel, cost, reached in (("radio", "400", 800), ("event", "100", 50)):
        services.record_activity(
            trainer,
            campaign,
            services.ActivityInput(
                channel,
                dt.date(2025, 2, 1),
                "N1",
                cost_amount=Decimal(cost),
                currency="EUR",
                people_reached=reached,
            ),
        )
    material = services.record_material(
        trainer,
        services.MaterialInput("Safe travel leaflet", "leaflet", "safe_migration", "Teenagers"),
        services.VersionInput("en", link="https://example.org/leaflet-en"),
    )
    services.add_material_version(
        trainer, material, services.VersionInput("fr", link="https://example.org/leaflet-fr")
    )

    browser = open_browser()
    page = browser.page
    main = page.locator("main")
    sign_in_directly(browser, trainer.user)

    # The education session: change its place and one count of people reached.
    browser.visit(f"/prevent/sessions/{session.reference}/", "issue8-prevent-session")
    expect(page.locator("#reach-caption")).to_have_text("21 people reached")
    page.get_by_role("link", name="Edit the session").click()
    expect(page.get_by_label("Place")).to_have_value("North valley school")
    browser.check("issue8-prevent-session-edit")
    page.get_by_label("Place").fill("River plain college")
    page.get_by_label("15 to 17: Women and girls").fill("20")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".messages")).to_contain_text("Your changes were saved.")
    expect(main).to_contain_text("River plain college")
    expect(page.locator("#reach-caption")).to_have_text("29 people reached")
    browser.check("issue8-prevent-session-saved")

    # The campaign: a new title and a second area.
    browser.visit(f"/prevent/campaigns/{campaign.reference}/")
    page.get_by_role("link", name="Edit the campaign").click()
    expect(page.get_by_label("Title")).to_have_value("Safe jobs abroad")
    browser.check("issue8-prevent-campaign-edit")
    page.get_by_label("Title").fill("Safe jobs abroad, second wave")
    page.get_by_label("River plain").check()
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".messages")).to_contain_text("Your changes were saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safe jobs abroad, second wave")
    expect(main).to_contain_text("North valley, River plain")

    # Its radio activity reached more people than recorded; the event is withdrawn.
    expect(main).to_contain_text("0.59 per person reached")  # 500 EUR for 850 people
    page.get_by_role("link", name=re.compile(r"^Edit the activity of .*\(Radio\)$")).click()
    expect(page.get_by_label("People reached")).to_have_value("800")
    browser.check("issue8-prevent-activity-edit")
    page.get_by_label("People reached").fill("1200")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".messages")).to_contain_text("Your changes were saved.")
    expect(main).to_contain_text("0.40 per person reached")  # 500 EUR for 1250 people
    page.get_by_role("button", name=re.compile(r"^Delete the activity of .*\(Event\)$")).click()
    expect(page.locator(".messages")).to_contain_text("Activity deleted.")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table")).not_to_contain_text("Event")
    expect(main).to_contain_text("0.33 per person reached")  # 400 EUR for 1200 people
    browser.check("issue8-prevent-campaign-edited")
    assert list(CampaignActivity.objects.values_list("channel", "people_reached")) == [("radio", 1200)]

    # The material: its details, then its French version.
    browser.visit(f"/prevent/materials/{material.reference}/", "issue8-prevent-material")
    page.get_by_role("link", name="Edit the details").click()
    expect(page.get_by_label("Title")).to_have_value("Safe travel leaflet")
    browser.check("issue8-prevent-material-edit")
    page.get_by_label("Title").fill("Safe travel poster")
    page.get_by_label("Kind").select_option(label="Poster")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".messages")).to_contain_text("Your changes were saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe travel poster")
    expect(main).to_contain_text("Poster · Safe migration")
    page.get_by_role("button", name="Delete the fr version").click()
    expect(page.locator(".messages")).to_contain_text("Language version fr deleted.")
    expect(page.get_by_role("button", name="Delete the fr version")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete the en version")).to_have_count(1)
    browser.check("issue8-prevent-material-edited")
    assert list(MaterialVersion.objects.values_list("language", flat=True)) == ["en"]

    # The session, from the confirmation form on its page.
    browser.visit(f"/prevent/sessions/{session.reference}/")
    page.get_by_role("button", name="Delete the session").click()
    expect(page.locator(".messages")).to_contain_text(f"Education session {session.reference} deleted.")
    expect(page).to_have_url(browser.url("/prevent/sessions/"))
    expect(page.get_by_role("link", name=re.compile(session.reference))).to_have_count(0)
    expect(main).to_contain_text("No education sessions recorded yet.")
    expect(main).not_to_contain_text("River plain college")
    browser.check("issue8-prevent-session-deleted")
    assert not EducationSession.objects.exists()


BAD_QUESTIONS = (
    "module,question,correct,option_1,option_2,option_3\n"
    "Referral and support,Who do you call first?,3,The hotline,The police\n"
    "No such module,Which document proves trafficking?,1,None is needed,A passport\n"
)
GOOD_QUESTIONS = (
    "module,question,correct,option_1,option_2,option_3\n"
    "The definition,Is moving across a border needed for trafficking?,2,Yes,No\n"
    'Referral and support,"Who decides whether a victim accepts support?",1,The victim,The police,The trainer\n'
)


def test_a_trainer_edits_a_course_imports_questions_and_runs_self_registration(
    open_browser: OpenBrowser, org, make_member: MakeMember, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from threefold.training import services
    from threefold.training.models import Kind, Participant, Question

    trainer = make_member(org, Role.TRAINER)
    world = make_world(trainer)  # ended yesterday: its results come from two participants
    for wrong_before in ((0, 1, 2, 3), (0, 1)):
        person, _token = services.add_participant(
            trainer, world.session, services.ParticipantInput("City police", "police")
        )
        services.submit_test(person, Kind.PRE, right(world, *wrong_before))
        services.submit_test(person, Kind.POST, right(world, 3))
    today = timezone.localdate()
    upcoming = services.create_session(
        trainer,
        world.course,
        services.SessionInput(
            today, today + dt.timedelta(days=1), "Academy, room 2", trainer.user, "en", "in_person", 20
        ),
    )

    browser = open_browser()
    page = browser.page
    main = page.locator("main")
    sign_in_directly(browser, trainer.user)

    # The course and its second module.
    browser.visit(f"/training/courses/{world.course.reference}/")
    page.get_by_role("link", name="Edit the course").click()
    expect(page.get_by_label("Title")).to_have_value(COURSE)
    browser.check("issue8-training-course-edit")
    page.get_by_label("Title").fill(f"{COURSE} (2025)")
    page.get_by_label("Description").fill("Two days for border guards and their supervisors.")
    page.get_by_role("button", name="Save the course").click()
    expect(page.locator(".messages")).to_contain_text("Course saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{COURSE} (2025)")
    expect(main).to_contain_text("Two days for border guards")
    page.get_by_role("link", name="Edit module 2").click()
    expect(page.get_by_label("Title of the module")).to_have_value("Referral")
    browser.check("issue8-training-module-edit")
    page.get_by_label("Title of the module").fill("Referral and support")
    page.get_by_role("button", name="Save the module").click()
    expect(page.locator(".messages")).to_contain_text("Module saved.")
    expect(page.get_by_role("heading", level=3, name="2. Referral and support")).to_be_visible()

    # The question bank: a refused file lists its problems by line, and nothing is added; then a good one.
    page.get_by_role("link", name="Import questions from a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import questions")
    browser.check("issue8-training-import")
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_QUESTIONS, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import the questions").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("Line 2: The correct answer is number 3, but only 2 answers are given.")
    expect(summary).to_contain_text("Line 3: The course has no module called “No such module”.")
    browser.check("issue8-training-import-refused")
    assert Question.objects.filter(course=world.course).count() == 4
    good = tmp_path / "good.csv"
    good.write_text(GOOD_QUESTIONS, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import the questions").click()
    expect(page.locator(".messages")).to_contain_text("2 questions imported into the bank.")
    expect(main).to_contain_text("Who decides whether a victim accepts support?")
    assert Question.objects.filter(course=world.course).count() == 6

    # The upcoming session: another room, more places.
    browser.visit(f"/training/sessions/{upcoming.reference}/")
    page.get_by_role("link", name="Edit the session").click()
    expect(page.get_by_label("Place", exact=True)).to_have_value("Academy, room 2")
    browser.check("issue8-training-session-edit")
    page.get_by_label("Place", exact=True).fill("Academy, room 5")
    page.get_by_label("Number of places").fill("25")
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".messages")).to_contain_text(f"Session {upcoming.reference} saved.")
    expect(main).to_contain_text("Academy, room 5")
    expect(main).to_contain_text("0 / 25")

    # Self-registration: the page to project in the room.
    page.get_by_role("button", name="Open registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for this training")
    expect(page.locator(".join-qr svg")).to_be_visible()
    link = page.locator(".join-address a").get_attribute("href")
    assert link
    assert "/training/j/" in link
    browser.check("issue8-training-join-link")

    # A participant registers on a phone, without an account.
    phone = open_browser()
    phone.page.goto(link)
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(f"{COURSE} (2025)")
    expect(phone.page.locator("main")).to_contain_text("Academy, room 5")
    phone.check("issue8-training-join")
    phone.page.get_by_label("Your organisation").fill("Border police, east crossing")
    phone.page.get_by_label("Your sector and role").select_option("police")
    phone.page.get_by_label("Your name").fill("Jonas Berg")
    phone.page.get_by_role("button", name="Register").click()
    expect(phone.page).to_have_url(re.compile(r"/training/p/[^/]+/\?registered=1$"))
    expect(phone.page.locator(".notice")).to_contain_text("You are registered as participant 1.")
    expect(phone.page.locator(".personal-link")).to_contain_text("/training/p/")
    expect(phone.page.get_by_role("link", name="Take the pre-test")).to_be_visible()
    phone.check("issue8-training-join-registered")
    registered = Participant.objects.get(session=upcoming)
    assert registered.employer == "Border police, east crossing"

    # The trainer closes registration: the join link now opens the not-found page.
    page.get_by_role("link", name="Back to the session").click()
    expect(main).to_contain_text("1 / 25")
    page.get_by_role("button", name="Close registration").click()
    expect(page.locator(".messages")).to_contain_text("Registration is closed")
    expect(page.get_by_role("button", name="Open registration")).to_be_visible()
    browser.check("issue8-training-registration-closed")
    response = phone.page.goto(link)
    assert response is not None
    assert response.status == 404
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("This registration link does not work")
    expect(phone.page.locator("main form")).to_have_count(0)
    phone.check("issue8-training-join-closed")
    assert Participant.objects.filter(session=upcoming).count() == 1

    # The results of every session of the course, without names.
    browser.visit(f"/training/courses/{world.course.reference}/")
    page.get_by_role("link", name="Results of all sessions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results of all sessions")
    expect(main).to_contain_text(world.session.reference)
    expect(main).to_contain_text(upcoming.reference)  # same frozen questions: pooled with the first
    # 0 → 3 and 2 → 3 correct answers of 4; the registrant of the upcoming session took no test yet.
    expect(main).to_contain_text("Average score 25 % before and 75 % after the training: +50 points.")
    expect(page.locator("dl.facts")).to_contain_text(re.compile(r"Registered\s*3"))
    expect(page.locator("dl.facts")).to_contain_text(re.compile(r"Took both tests\s*2"))
    # The imported questions are in no session's test: the results list only the four frozen ones.
    expect(main).not_to_contain_text("Who decides whether a victim accepts support?")
    expect(main).not_to_contain_text("Jonas Berg")
    browser.check("issue8-training-course-results")


def test_a_supervisor_edits_a_draft_consultation_and_corrects_you_said_we_did(
    open_browser: OpenBrowser, org, make_member: MakeMember
) -> None:  # type: ignore[no-untyped-def]
    from threefold.participate import services
    from threefold.participate.core.questions import Kind, QuestionDraft
    from threefold.participate.models import Change, Question

    supervisor = make_member(org, Role.SUPERVISOR)
    today = timezone.localdate()
    draft = services.create_consultation(
        supervisor,
        services.ConsultationInput(
            "House rules", "Tell us about the rules.", ["en"], today, today + dt.timedelta(days=9), 3
        ),
    )
    services.add_question(
        supervisor, draft, QuestionDraft(Kind.SINGLE, {"en": "Do you know the rules?"}, {"en": ["Yes", "No"]})
    )
    services.add_question(supervisor, draft, QuestionDraft(Kind.SCALE, {"en": "How fair are they?"}, {}))
    services.add_question(supervisor, draft, QuestionDraft(Kind.TEXT, {"en": "What would you change?"}, {}))

    browser = open_browser()
    page = browser.page
    main = page.locator("main")
    sign_in_directly(browser, supervisor.user)

    # The draft's details.
    browser.visit(f"/participate/consultations/{draft.reference}/", "issue8-participate-draft")
    page.get_by_role("link", name="Edit the details").click()
    expect(page.get_by_label("Title")).to_have_value("House rules")
    browser.check("issue8-participate-consultation-edit")
    page.get_by_label("Title").fill("House rules of the shelter")
    page.get_by_label("Smallest group shown").fill("5")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".messages")).to_contain_text("The consultation's details were saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("House rules of the shelter")

    # Its questions: reword one, move one, delete one.
    questions = page.locator("#questions-title + ol > li")
    page.get_by_role("link", name="Edit question 2").click()
    expect(page.get_by_label("Question in English")).to_have_value("How fair are they?")
    browser.check("issue8-participate-question-edit")
    page.get_by_label("Question in English").fill("How fair are the house rules?")
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator(".messages")).to_contain_text("Question 2 saved.")
    expect(questions.nth(1)).to_contain_text("How fair are the house rules?")
    page.get_by_role("button", name="Move up question 3").click()
    expect(page.locator(".messages")).to_contain_text("Question 3 moved: it is now question 2.")
    expect(questions.nth(1)).to_contain_text("What would you change?")
    expect(questions.nth(2)).to_contain_text("How fair are the house rules?")
    page.get_by_role("button", name="Delete question 3").click()
    expect(page.locator(".messages")).to_contain_text("Question 3 deleted")
    expect(questions).to_have_count(2)
    expect(main).not_to_contain_text("How fair are the house rules?")
    browser.check("issue8-participate-questions-edited")
    assert list(
        Question.objects.filter(consultation=draft).order_by("position").values_list("kind", flat=True)
    ) == ["single", "text"]

    # Opened and closed, its details stay as they are; what was changed in response is recorded.
    page.get_by_role("button", name="Open the consultation").click()
    expect(page.locator(".messages")).to_contain_text("The consultation is open")
    page.get_by_role("button", name="Close the consultation").click()
    expect(page.locator(".messages")).to_contain_text("The consultation is closed")
    browser.visit(f"/participate/consultations/{draft.reference}/edit/", "issue8-participate-not-a-draft")
    expect(page.locator("form.stack")).to_have_count(0)
    draft.refresh_from_db()
    for you_said, we_did in (
        ("The curfew is too early.", "Curfew moved to 23:00."),
        ("The menu never changes.", "A weekly menu chosen with residents."),
    ):
        services.record_change(supervisor, draft, services.ChangeInput(today, you_said, we_did))

    browser.visit(f"/participate/consultations/{draft.reference}/results/", "issue8-participate-changes")
    cards = page.locator("#changes-title ~ ul > li.card")
    expect(cards).to_have_count(2)
    cards.filter(has_text="curfew").get_by_role("link", name=re.compile("^Correct")).click()
    expect(page.get_by_label("We did")).to_have_value("Curfew moved to 23:00.")
    browser.check("issue8-participate-change-edit")
    page.get_by_label("We did").fill("Curfew moved to 23:30 at weekends.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".messages")).to_contain_text("Saved: the public summary shows the corrected entry.")
    expect(cards.filter(has_text="curfew")).to_contain_text("Curfew moved to 23:30 at weekends.")
    cards.filter(has_text="menu").get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator(".messages")).to_contain_text("Deleted: the entry no longer appears")
    expect(cards).to_have_count(1)
    expect(main).not_to_contain_text("The menu never changes.")
    browser.check("issue8-participate-changes-edited")
    assert list(Change.objects.values_list("we_did", flat=True)) == ["Curfew moved to 23:30 at weekends."]

    # The public summary shows the corrected entry only.
    browser.visit(f"/participate/c/{draft.reference}/", "issue8-participate-summary")
    expect(main).to_contain_text("Curfew moved to 23:30 at weekends.")
    expect(main).not_to_contain_text("Curfew moved to 23:00.")
    expect(main).not_to_contain_text("The menu never changes.")
