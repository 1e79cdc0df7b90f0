"""Screening in the browser, end to end through the Django test client: one question per page, skip logic, a
language switch half-way, the result with its predictive values, consent-gated attachment to a person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember, login
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.identify import catalogue
from threefold.identify.models import InstrumentSource, Screening, Status
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity

pytestmark = pytest.mark.django_db


def _start(client: Client, instrument_id: str, setting: str) -> tuple[Screening, str]:
    response = client.post(reverse("identify:start", args=[instrument_id]), {"setting": setting})
    assert response.status_code == 302
    screening = Screening.objects.latest("started_at")
    return screening, response["Location"]


def _answer(client: Client, url: str, value: str, *, move: str = "next") -> str:
    page = client.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.content.decode())
    assert version, page.content.decode()[:500]
    response = client.post(url, {"answer": value, "version": version.group(1), "move": move})
    assert response.status_code == 302, response.content.decode()[:1000]
    return str(response["Location"])


def _finished(client: Client) -> tuple[Screening, str]:
    """A quick youth screen with its first question answered yes, finished; and that question's URL."""
    screening, url = _start(client, "quick_youth_indicators", "outreach")
    _answer(client, url, "yes")
    client.post(reverse("identify:finish", args=[screening.reference]))
    screening.refresh_from_db()
    return screening, url


def test_a_whole_screening_with_a_language_switch_half_way(
    org: Organisation, make_member: MakeMember
) -> None:
    screener = make_member(org, Role.SCREENER)
    client = login(Client(), screener)
    screening, url = _start(client, "quick_youth_indicators", "outreach")
    assert url.endswith("/questions/q_unsafe_work/")
    page = client.get(url).content.decode()
    assert "Question 1 of 4" in page
    assert '<progress max="4" value="0"' in page

    url = _answer(client, url, "no")
    url = _answer(client, url, "yes")  # afraid to leave: the quick screen's ">= 1 yes" rule is met
    # The person prefers French: the screener switches language; the answers so far are kept.
    client.post(reverse("set_language"), {"language": "fr", "next": url})
    page = client.get(url).content.decode()
    assert "Question 3 sur 4" in page
    url = _answer(client, url, "refused")
    url = _answer(client, url, "dont_know")
    assert url == reverse("identify:answers", args=[screening.reference])
    summary = client.get(url).content.decode()
    assert "Refuse de répondre" in summary
    assert "Ne sait pas" in summary

    response = client.post(reverse("identify:finish", args=[screening.reference]))
    assert response["Location"] == reverse("identify:result", args=[screening.reference])
    screening.refresh_from_db()
    assert (screening.status, screening.outcome, screening.languages) == (
        Status.COMPLETE,
        "positive",
        ["en", "fr"],
    )
    result = client.get(response["Location"]).content.decode()
    assert "86,7\u00a0%" in result  # the published sensitivity, formatted for French
    # At the study's own prevalence (8.8%) a positive is right about a quarter of the time.
    assert "26,3\u00a0%" in result
    # The supervisor's counterpart: an edited prevalence changes what a positive means.
    lower = client.get(response["Location"], {"prevalence": "1"}).content.decode()
    assert "3,6\u00a0%" in lower


def test_skip_logic_moves_past_questions_an_earlier_answer_rules_out(
    org: Organisation, make_member: MakeMember
) -> None:
    client = login(Client(), make_member(org, Role.CASEWORKER))
    screening, url = _start(client, "icls_2018_forced_labour", "outreach")
    assert url.endswith("/questions/q_worked/")
    # "No work in the reference period": every follow-up depends on it, so the next page is the summary.
    assert _answer(client, url, "no") == reverse("identify:answers", args=[screening.reference])
    # Going back and answering yes brings the follow-ups in.
    assert _answer(client, url, "yes").endswith("/questions/q_no_free_consent/")
    # A question that skip logic rules out cannot be reached by URL either.
    _answer(client, url, "no")
    hidden = reverse("identify:question", args=[screening.reference, "q_debt"])
    assert client.get(hidden)["Location"].endswith("/questions/q_worked/")


def test_a_value_the_question_does_not_accept_is_refused_and_nothing_changes(
    org: Organisation, make_member: MakeMember
) -> None:
    client = login(Client(), make_member(org, Role.SCREENER))
    screening, url = _start(client, "quick_youth_indicators", "outreach")
    response = client.post(url, {"answer": "maybe<script>", "version": screening.version, "move": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "maybe<script>" not in page
    assert "Select a valid choice" in page
    screening.refresh_from_db()
    assert screening.version == 1


def test_a_stale_page_does_not_overwrite_a_newer_answer(org: Organisation, make_member: MakeMember) -> None:
    client = login(Client(), make_member(org, Role.SCREENER))
    _screening, url = _start(client, "quick_youth_indicators", "outreach")
    client.post(url, {"answer": "yes", "version": 1, "move": "next"})
    response = client.post(url, {"answer": "no", "version": 1, "move": "next"}, follow=True)
    assert "changed in another window" in response.content.decode()
    page = client.get(url).content.decode()
    assert 'value="yes" id="id_answer_0" checked' in page


def test_answers_are_sealed_and_audit_entries_name_items_never_answers(
    org: Organisation, make_member: MakeMember
) -> None:
    client = login(Client(), make_member(org, Role.SCREENER))
    screening, _url = _finished(client)
    raw = bytes(screening.record or b"")
    assert b"q_unsafe_work" not in raw
    assert b"yes" not in raw
    entries = AuditEntry.objects.filter(object_type="identify.screening", object_id=str(screening.pk))
    assert {entry.action for entry in entries} >= {Action.CREATE, Action.UPDATE, Action.VIEW}
    assert all("yes" not in str(entry.details) for entry in entries)


def test_a_finished_screening_is_never_reopened_for_editing(
    org: Organisation, make_member: MakeMember
) -> None:
    client = login(Client(), make_member(org, Role.SCREENER))
    _screening, url = _finished(client)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "yes", "version": 2}).status_code == 404


def test_the_result_is_read_with_the_instrument_text_it_was_scored_with(
    org: Organisation, make_member: MakeMember
) -> None:
    client = login(Client(), make_member(org, Role.SCREENER))
    screening, _url = _finished(client)
    source = InstrumentSource.objects.get(pk=screening.source_id)
    assert source.text == catalogue.shipped_entry("quick_youth_indicators").text
    # Were the shipped file edited later, the stored text (here changed in place to prove which one is read) rules.
    band = "Screen positive: indicators of possible trafficking"
    assert band in source.text
    InstrumentSource.objects.filter(pk=source.pk).update(text=source.text.replace(band, "Stored-text band"))
    assert (
        "Stored-text band"
        in client.get(reverse("identify:result", args=[screening.reference])).content.decode()
    )


def test_keeping_a_screening_with_a_person_needs_consent(
    org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    client = login(Client(), caseworker)
    person = protect_services.create_person(caseworker, Identity(given_names="Ana", family_names="Lima"))
    screening, _url = _start(client, "quick_youth_indicators", "outreach")
    client.post(reverse("identify:finish", args=[screening.reference]))
    attach = reverse("identify:attach", args=[screening.reference])

    client.post(attach, {"person": person.reference, "consent": "verbal"})  # consent not confirmed
    screening.refresh_from_db()
    assert screening.person_id is None

    outsider = protect_services.create_person(
        make_member(other_org, Role.CASEWORKER), Identity(given_names="Bo", family_names="Chen")
    )
    assert (
        client.post(attach, {"person": outsider.reference, "consent": "verbal", "confirm": "on"}).status_code
        == 404
    )

    client.post(attach, {"person": person.reference.lower(), "consent": "written", "confirm": "on"})
    screening.refresh_from_db()
    assert (screening.person_id, screening.consent_method, screening.consent_recorded_by_id) == (
        person.pk,
        "written",
        caseworker.user.pk,
    )
    page = client.get(reverse("identify:result", args=[screening.reference])).content.decode()
    assert person.reference in page
    assert "Written" in page
    # The hand-over: from the kept screening straight to opening a case for that person.
    assert reverse("protect:open_case", args=[person.reference]) in page
