"""The supervisor's review pages and the ODK / Kobo import, as a supervisor uses them.

Who may open them is in tests/test_personas_identify_review.py; here: the counts table never shows a suppressed
count, the filters, a review stored sealed and audited, and imports that store all of a file or nothing of it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.identify import access, catalogue, services
from threefold.identify.models import Channel, Outcome, ReviewDecision, Screening

QYIT = "quick_youth_indicators"
ITEMS = ("q_unsafe_work", "q_afraid_to_leave", "q_sex_exchange", "q_told_to_lie")
# What to answer for each outcome of the quick youth screen: one yes is positive, four no are negative, and
# nothing answered is inconclusive.
ANSWERS: dict[str, dict[str, str]] = {
    Outcome.POSITIVE: {"q_unsafe_work": "yes"},
    Outcome.NEGATIVE: dict.fromkeys(ITEMS, "no"),
    Outcome.INCONCLUSIVE: {},
}
HIDDEN = "hidden to protect another cell"
FEWER = "fewer than 5"


def screen(actor: Actor, outcome: str, setting: str = "outreach") -> Screening:
    screening = services.start_screening(actor, catalogue.shipped_entry(QYIT), setting=setting, language="en")
    for item_id, value in ANSWERS[outcome].items():
        screening = services.save_answer(
            actor, screening, item_id, value, language="en", expected_version=screening.version
        )
    screening = services.finish_screening(actor, screening)
    assert screening.outcome == outcome
    return screening


@pytest.fixture
def supervisor(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.SUPERVISOR)


@pytest.fixture
def screener(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.SCREENER)


@pytest.fixture
def browser(supervisor: Actor) -> Client:
    return login(Client(), supervisor)


def text(response: Any) -> str:
    return str(response.content.decode())


def main_text(response: Any) -> str:
    """The visible words of the page's main element, tags removed."""
    page = text(response)
    main = page[page.index("<main") : page.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def counts_table(response: Any) -> list[list[str]]:
    """The counts table as rows of cell texts (header row first)."""
    page = text(response)
    start = page.index('<table class="table counts-table"')
    table = page[start : page.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


# ---- the counts table


@pytest.mark.django_db
def test_counts_table_suppresses_small_cells_and_never_shows_a_suppressed_count(
    browser: Client, screener: Actor
) -> None:
    # Outreach: 6 positive, 7 inconclusive, 1 negative; youth shelters: 2, 7, 6. The 1 and the 2 are small;
    # the row totals (14, 15) are shown, so one more cell in each row must go, and each column total then
    # needs a second hidden cell: the two 6s. Nothing else hides a 6, so no 6 may be on the page.
    table = {
        "outreach": {Outcome.POSITIVE: 6, Outcome.INCONCLUSIVE: 7, Outcome.NEGATIVE: 1},
        "youth_shelter": {Outcome.POSITIVE: 2, Outcome.INCONCLUSIVE: 7, Outcome.NEGATIVE: 6},
    }
    for setting, row in table.items():
        for outcome, n in row.items():
            for _ in range(n):
                screen(screener, outcome, setting)

    response = browser.get(reverse("identify:review"))
    assert response.status_code == 200
    assert counts_table(response) == [
        ["Setting", "Indicators present", "Inconclusive", "No indicators found", "All outcomes"],
        ["Outreach", HIDDEN, "7", FEWER, "14"],
        ["Youth shelters and drop-in centres", FEWER, "7", HIDDEN, "15"],
        ["All settings", "8", "14", "7", "29"],
    ]
    words = main_text(response)
    # The suppressed 6s are nowhere: not in the table, the chart, the queue or anywhere else on the page.
    assert not re.search(r"(?<![\w.,:/-])6(?![\w.,:/-])", words), "a suppressed count is on the page"
    # The page says why each kind of cell is hidden.
    assert "a count below 5, zero included, is not shown" in words
    assert "would let anyone work out a small count from the totals" in words
    # The chart draws the shown cells only: the two inconclusive 7s, and no bar for any hidden cell.
    page = text(response)
    assert page.count('fill="#8a5300"') == 2
    assert 'fill="#a4001d"' not in page
    assert 'fill="#0b4f8a"' not in page
    assert words.count(f"Indicators present: {FEWER}") == 1
    assert words.count(f"Indicators present: {HIDDEN}") == 1
    assert words.count("Inconclusive: 7") == 2


@pytest.mark.django_db
def test_a_lone_screening_shows_no_count_not_even_a_zero(browser: Client, screener: Actor) -> None:
    """One positive screening in outreach: "0 inconclusive, 0 negative" would say that it was positive."""
    screen(screener, Outcome.POSITIVE)
    rows = counts_table(browser.get(reverse("identify:review")))
    assert rows[1] == ["Outreach", FEWER, FEWER, FEWER, FEWER]
    assert rows[2] == ["All settings", FEWER, FEWER, FEWER, FEWER]


@pytest.mark.django_db
def test_no_screenings_yet_shows_an_empty_state(browser: Client) -> None:
    response = browser.get(reverse("identify:review"))
    assert response.status_code == 200
    assert "No completed screenings yet" in text(response)
    assert "counts-table" not in text(response)


# ---- the queue and its filters


@pytest.fixture
def queue(supervisor: Actor, screener: Actor) -> dict[str, Screening]:
    screenings = {
        "outreach_positive": screen(screener, Outcome.POSITIVE, "outreach"),
        "youth_negative": screen(screener, Outcome.NEGATIVE, "youth_shelter"),
        "outreach_negative": screen(screener, Outcome.NEGATIVE, "outreach"),
    }
    services.review_screening(supervisor, screenings["outreach_negative"], ReviewDecision.AGREED, "")
    services.start_screening(screener, catalogue.shipped_entry(QYIT), setting="outreach", language="en")
    return screenings


def listed(browser: Client, queue: dict[str, Screening], query: dict[str, str]) -> set[str]:
    response = browser.get(reverse("identify:review"), query)
    assert response.status_code == 200
    page = text(response)
    return {key for key, screening in queue.items() if screening.reference in page}


@pytest.mark.django_db
def test_filters(browser: Client, queue: dict[str, Screening]) -> None:
    assert listed(browser, queue, {}) == set(queue)
    assert listed(browser, queue, {"setting": "outreach"}) == {"outreach_positive", "outreach_negative"}
    assert listed(browser, queue, {"outcome": "negative"}) == {"youth_negative", "outreach_negative"}
    assert listed(browser, queue, {"unreviewed": "on"}) == {"outreach_positive", "youth_negative"}
    assert listed(browser, queue, {"setting": "outreach", "outcome": "negative", "unreviewed": "on"}) == set()
    response = browser.get(reverse("identify:review"), {"setting": "youth_shelter", "outcome": "positive"})
    assert "No screening matches these filters" in text(response)


@pytest.mark.django_db
def test_an_unfinished_screening_is_not_in_the_queue_and_cannot_be_reviewed(
    browser: Client, screener: Actor, queue: dict[str, Screening]
) -> None:
    unfinished = Screening.objects.get(status="in_progress")
    assert unfinished.reference not in text(browser.get(reverse("identify:review")))
    response = browser.get(reverse("identify:review_screening", args=[unfinished.reference]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_another_organisations_screening_cannot_be_reviewed(
    browser: Client, other_org: Organisation, make_member: MakeMember
) -> None:
    theirs = screen(make_member(other_org, Role.SCREENER), Outcome.POSITIVE)
    url = reverse("identify:review_screening", args=[theirs.reference])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"decision": "agreed"}).status_code == 404
    assert Screening.objects.get(pk=theirs.pk).review_decision == ""


# ---- reviewing one screening

NOTE = "Ask the outreach team to visit the site again on Thursday."


@pytest.mark.django_db
def test_review_is_stored_audited_and_its_note_sealed(
    browser: Client, supervisor: Actor, queue: dict[str, Screening]
) -> None:
    screening = queue["outreach_positive"]
    url = reverse("identify:review_screening", args=[screening.reference])
    page = browser.get(url, {"setting": "outreach"})
    assert page.status_code == 200
    assert "Has any work or task you did for someone ever made you feel afraid or in danger?" in text(page)

    # Follow-up needs a note: nothing is stored without one.
    refused = browser.post(f"{url}?setting=outreach", {"decision": ReviewDecision.FOLLOW_UP, "note": "  "})
    assert refused.status_code == 200
    assert "Write what needs to happen next" in text(refused)
    assert Screening.objects.get(pk=screening.pk).review_decision == ""

    response = browser.post(f"{url}?setting=outreach", {"decision": ReviewDecision.FOLLOW_UP, "note": NOTE})
    assert response.status_code == 302
    assert response["Location"] == reverse("identify:review") + "?setting=outreach"
    stored = Screening.objects.get(pk=screening.pk)
    assert stored.review_decision == ReviewDecision.FOLLOW_UP
    assert stored.reviewed_by == supervisor.user
    assert stored.reviewed_at is not None
    assert access.review_note(supervisor, stored) == NOTE

    entry = AuditEntry.objects.get(action=Action.UPDATE, purpose="review", object_id=str(screening.pk))
    assert entry.details["decision"] == ReviewDecision.FOLLOW_UP
    assert entry.actor_id == supervisor.user.pk
    assert NOTE not in json.dumps(entry.details)

    # The note is sealed: the raw column holds no readable trace of it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT review_note FROM identify_screening WHERE id = %s", [screening.pk])
        raw = bytes(cursor.fetchone()[0])
    assert raw
    for fragment in (NOTE, "outreach team", "Thursday"):
        assert fragment.encode() not in raw
        assert fragment.encode("utf-16-le") not in raw

    # The queue says it was reviewed, and the review page shows the note to change it.
    follow = browser.get(response["Location"])
    assert f"Review of {screening.reference} saved" in text(follow)
    assert NOTE in text(browser.get(url))


@pytest.mark.django_db
def test_the_screener_reads_nothing_of_the_review_page(queue: dict[str, Screening], screener: Actor) -> None:
    url = reverse("identify:review_screening", args=[queue["outreach_positive"].reference])
    client = login(Client(), screener)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "agreed"}).status_code == 403
    assert Screening.objects.get(pk=queue["outreach_positive"].pk).review_decision == ""


# ---- importing ODK / Kobo submissions

HEADER = "SubmissionDate,q_unsafe_work,q_afraid_to_leave,q_sex_exchange,q_told_to_lie,meta-instanceID,KEY\n"


def odk_csv(*rows: tuple[str, str, str, str, str]) -> bytes:
    lines = [
        f"2025-03-0{n}T10:15:00.000Z,{','.join(answers[:4])},uuid:{answers[4]},uuid:{answers[4]}\n"
        for n, answers in enumerate(rows, start=1)
    ]
    return (HEADER + "".join(lines)).encode()


VALID = odk_csv(
    ("yes", "no", "no", "no", "sub-positive"),
    ("no", "no", "no", "no", "sub-negative"),
    ("", "", "", "", "sub-inconclusive"),
)


def upload(browser: Client, data: bytes, *, name: str = "export.csv", setting: str = "youth_shelter") -> Any:
    return browser.post(
        reverse("identify:import_submissions"),
        {"instrument": QYIT, "setting": setting, "file": SimpleUploadedFile(name, data)},
    )


def imported(org: Organisation) -> dict[str, Screening]:
    return {s.external_id: s for s in Screening.objects.filter(organisation=org, channel=Channel.ODK)}


@pytest.mark.django_db
def test_a_valid_odk_export_creates_screenings_with_the_right_outcomes(
    browser: Client, org: Organisation
) -> None:
    response = upload(browser, VALID)
    assert response.status_code == 200
    rows = imported(org)
    assert {external_id: s.outcome for external_id, s in rows.items()} == {
        "sub-positive": Outcome.POSITIVE,
        "sub-negative": Outcome.NEGATIVE,
        "sub-inconclusive": Outcome.INCONCLUSIVE,
    }
    for screening in rows.values():
        assert screening.is_complete
        assert screening.setting == "youth_shelter"
        assert screening.source.instrument_id == QYIT
    page = text(response)
    assert "3 screenings imported" in page
    words = main_text(response)
    for outcome in ("Indicators present", "Inconclusive", "No indicators found"):
        assert f"{outcome}: 1" in words
    for screening in rows.values():
        assert reverse("identify:result", args=[screening.reference]) in page
    assert rows["sub-positive"].completed_at is not None
    assert rows["sub-positive"].completed_at.isoformat().startswith("2025-03-01T10:15")
    assert AuditEntry.objects.filter(action=Action.CREATE, purpose="ODK/Kobo import").count() == 1


@pytest.mark.django_db
def test_a_kobo_json_export_is_imported_too(browser: Client, org: Organisation) -> None:
    data = json.dumps(
        {
            "results": [
                {"_uuid": "kobo-1", "_submission_time": "2025-03-01T10:15:00", "q_told_to_lie": "yes"},
                {"_uuid": "kobo-2", "_submission_time": "2025-03-02T10:15:00", **dict.fromkeys(ITEMS, "no")},
            ]
        }
    ).encode()
    response = upload(browser, data, name="kobo.json")
    assert response.status_code == 200
    assert {k: s.outcome for k, s in imported(org).items()} == {
        "kobo-1": Outcome.POSITIVE,
        "kobo-2": Outcome.NEGATIVE,
    }


@pytest.mark.django_db
def test_a_file_with_two_bad_lines_stores_nothing_and_names_both_lines(
    browser: Client, org: Organisation
) -> None:
    data = odk_csv(
        ("yes", "no", "no", "no", "a"),
        ("maybe", "no", "no", "no", "b"),  # line 3
        ("no", "no", "no", "no", "c"),
        ("no", "no", "perhaps", "no", "d"),  # line 5
    )
    before = AuditEntry.objects.count()
    response = upload(browser, data)
    assert response.status_code == 200
    words = main_text(response)
    assert "Nothing was imported" in words
    assert re.findall(r"line (\d+) :", words) == ["3", "5"]
    assert "'maybe' is not allowed" in words
    assert "'perhaps' is not allowed" in words
    assert imported(org) == {}
    assert Screening.objects.count() == 0
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_importing_the_same_file_again_is_refused_and_stores_nothing(
    browser: Client, org: Organisation
) -> None:
    upload(browser, VALID)
    first = {k: s.reference for k, s in imported(org).items()}
    assert len(first) == 3

    response = upload(browser, VALID)
    assert response.status_code == 200
    words = main_text(response)
    assert "Nothing was imported: these submissions were imported before" in words
    assert re.findall(r"line (\d+) : submission", words) == ["2", "3", "4"]
    assert {k: s.reference for k, s in imported(org).items()} == first

    # One new submission among old ones: still nothing, so that the file is fixed and imported whole.
    mixed = odk_csv(("yes", "no", "no", "no", "sub-positive"), ("yes", "yes", "no", "no", "sub-new"))
    assert "imported before" in text(upload(browser, mixed))
    assert set(imported(org)) == set(first)


@pytest.mark.django_db
def test_the_same_file_may_be_imported_by_another_organisation(
    browser: Client, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    upload(browser, VALID)
    other = login(Client(), make_member(other_org, Role.SUPERVISOR))
    assert "3 screenings imported" in text(upload(other, VALID))
    assert len(imported(org)) == 3
    assert len(imported(other_org)) == 3


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("export.xlsx", b"PK\x03\x04 spreadsheet"),
        ("export.txt", VALID),
        ("export", VALID),
    ],
)
@pytest.mark.django_db
def test_a_wrong_file_type_is_refused(browser: Client, org: Organisation, name: str, data: bytes) -> None:
    response = upload(browser, data, name=name)
    assert response.status_code == 200
    assert "Choose the .csv or .json file exported from ODK Central or KoboToolbox." in text(response)
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_another_form_is_refused(browser: Client) -> None:
    response = upload(browser, b"SubmissionDate,q_worked,meta-instanceID\n2025-03-01,yes,uuid:x\n")
    assert "does not look like an export of instrument quick_youth_indicators" in text(response)
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_the_setting_must_be_one_the_instrument_is_made_for(browser: Client) -> None:
    response = upload(browser, VALID, setting="labour_inspection")
    assert response.status_code == 200
    assert "is not made for this setting" in text(response)
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_imported_screenings_appear_in_the_review_queue(browser: Client, org: Organisation) -> None:
    upload(browser, VALID)
    page = text(browser.get(reverse("identify:review")))
    for screening in imported(org).values():
        assert screening.reference in page
    assert "ODK / Kobo import" in page
