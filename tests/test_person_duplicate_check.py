"""The duplicate check before recording a person: what each caller is told, the two-step form and the API's 409."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import MakeMember, login
from tests.test_personas import bearer
from threefold.accounts import services as account_services
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.protect import access, forms, htcds, services
from threefold.protect.duplicates import Band, Reason
from threefold.protect.identity import Identity
from threefold.protect.models import Person

MakePerson = Callable[..., Person]
ADD = "/protect/people/new/"
PERSONS = "/api/v1/persons/"
# What the stored records hold beyond the name that is typed in: none of it may reach a caller who may not see it.
HIDDEN_ALIAS = "Lena Sokolova"
HIDDEN_PHONE = "+44 20 7946 0958"


@pytest.fixture(autouse=True)
def _urls_are_as_assumed() -> None:
    assert reverse("protect:add_person") == ADD
    assert reverse("api:persons") == PERSONS


def _olga(actor: Actor, make_person: MakePerson, **extra: Any) -> Person:
    return make_person(actor, "Olga", "Petrova", aliases=(HIDDEN_ALIAS,), phones=(HIDDEN_PHONE,), **extra)


def _references(report: access.DuplicateReport) -> list[str]:
    return [match.opened.person.reference for match in report.visible]


@pytest.fixture
def opened_organisations(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The organisations whose sealed identities were opened during the test."""
    opened: list[int | None] = []
    real = access.sealed.unseal_json

    def spy(blob: bytes, *, organisation_id: int | None, **kwargs: Any) -> dict[str, Any]:
        opened.append(organisation_id)
        return real(blob, organisation_id=organisation_id, **kwargs)

    monkeypatch.setattr(access.sealed, "unseal_json", spy)
    return opened


# ---- what the access layer finds -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cyrillic_entry_finds_the_latin_record_with_reasons(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    olga = make_person(caseworker, "Olga", "Petrova")
    make_person(caseworker, "Anna", "Kuznetsova")
    report = access.possible_duplicates(caseworker, Identity("Ольга", "Петрова"))
    assert _references(report) == [olga.reference]
    assert report.visible[0].assessment.reasons == (Reason.SAME_NAME, Reason.NAME_OTHER_WRITING)
    assert report.visible[0].band is Band.POSSIBLE
    assert (report.in_organisation, report.elsewhere, report.withheld) == ((), False, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "entered", "reason"),
    [
        (Identity("Olga", "Petrova"), Identity("Petrova", "Olga"), Reason.NAME_REORDERED),
        (
            Identity("Lena", "Sokolova", aliases=("Olga Petrova",)),
            Identity("Ольга", "Петрова"),
            Reason.NAME_MATCHES_ALIAS,
        ),
        # Found by a shared name part only ("Petrowa" has other digests), then kept for the spelling and the age.
        (
            Identity("Olga", "Petrova", date_of_birth=date(1996, 6, 1)),
            Identity("Olga", "Petrowa", estimated_age=30, age_estimated_on=date(2026, 1, 15)),
            Reason.AGES_COMPATIBLE,
        ),
        (
            Identity("Irina", "Sokolova", phones=("+7 495 123 4567",)),
            Identity("Anna", "K", phones=("74951234567",)),
            Reason.SAME_PHONE,
        ),
    ],
    ids=["reordered", "alias", "approximate-age", "phone"],
)
def test_the_check_finds_variants(
    stored: Identity, entered: Identity, reason: Reason, org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = services.create_person(caseworker, stored)
    report = access.possible_duplicates(caseworker, entered)
    assert _references(report) == [person.reference]
    assert reason in report.visible[0].assessment.reasons


@pytest.mark.django_db
def test_a_colleagues_record_is_only_a_reference_and_a_band(
    org: Organisation,
    make_member: MakeMember,
    make_person: MakePerson,
    opened_organisations: list[int | None],
) -> None:
    colleagues = _olga(make_member(org, Role.CASEWORKER), make_person)
    caseworker = make_member(org, Role.CASEWORKER)
    report = access.possible_duplicates(caseworker, Identity("Ольга", "Петрова"))
    assert report.visible == ()
    assert report.in_organisation == (access.RestrictedMatch(colleagues.reference, Band.POSSIBLE),)
    assert not report.elsewhere


@pytest.mark.django_db
def test_another_organisation_is_a_bare_yes_decided_without_decrypting(
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    make_person: MakePerson,
    opened_organisations: list[int | None],
) -> None:
    _olga(make_member(other_org, Role.CASEWORKER), make_person)
    caseworker = make_member(org, Role.CASEWORKER)
    report = access.possible_duplicates(caseworker, Identity("Ольга", "Петрова"))
    assert report == access.DuplicateReport(elsewhere=True)
    assert other_org.pk not in opened_organisations
    # A phone alone is enough to ask; an unrelated person is not.
    assert access.possible_duplicates(caseworker, Identity("Anna", "K", phones=("00442079460958",))).elsewhere
    assert not access.possible_duplicates(caseworker, Identity("Irina", "Ivanova")).elsewhere


@pytest.mark.django_db
def test_elsewhere_needs_more_than_a_single_word_or_name_parts_alone(
    org: Organisation, other_org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    born = date(1990, 5, 1)
    make_person(make_member(other_org, Role.CASEWORKER), "Olga Maria", "Petrova", date_of_birth=born)
    caseworker = make_member(org, Role.CASEWORKER)
    assert not access.possible_duplicates(caseworker, Identity("Olga")).elsewhere
    # Every part of the entered name is among theirs, but only the date of birth makes it worth asking.
    assert not access.possible_duplicates(caseworker, Identity("Olga", "Petrova")).elsewhere
    assert access.possible_duplicates(caseworker, Identity("Petrova", "Olga", date_of_birth=born)).elsewhere


@pytest.mark.django_db
def test_other_organisations_demo_records_are_not_matches(
    org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    services.create_person(make_member(other_org, Role.CASEWORKER), Identity("Olga", "Petrova"), is_demo=True)
    assert not access.possible_duplicates(
        make_member(org, Role.CASEWORKER), Identity("Olga", "Petrova")
    ).found


@pytest.mark.django_db
def test_a_screener_learns_only_that_their_organisation_may_have_the_person(
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    make_person: MakePerson,
    opened_organisations: list[int | None],
) -> None:
    _olga(make_member(org, Role.CASEWORKER), make_person)
    make_person(make_member(other_org, Role.CASEWORKER), "Irina", "Sokolova")
    screener = make_member(org, Role.SCREENER)
    assert access.possible_duplicates(screener, Identity("Ольга", "Петрова")) == access.DuplicateReport(
        withheld=True
    )
    assert opened_organisations == [], "nothing is decrypted on behalf of a role that reads no identities"
    # Other organisations are not consulted for a screener.
    assert not access.possible_duplicates(screener, Identity("Irina", "Sokolova")).found


@pytest.mark.django_db
def test_the_check_is_audited_with_counts_only(
    org: Organisation, other_org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    make_person(caseworker, "Olga", "Petrova")
    _olga(make_member(org, Role.CASEWORKER), make_person)
    _olga(make_member(other_org, Role.CASEWORKER), make_person)
    access.possible_duplicates(caseworker, Identity("Ольга", "Петрова"))
    entry = AuditEntry.objects.filter(action=Action.SEARCH).last()
    assert entry is not None
    assert (entry.actor_id, entry.object_type, entry.purpose) == (
        caseworker.user.pk,
        "protect.person",
        "duplicate check",
    )
    assert entry.details == {"visible": 1, "in_organisation": 1, "elsewhere": 1, "withheld": 0}
    chained = str(entry.chained_fields())
    assert not any(secret in chained for secret in ("Petrova", "Петрова", "Olga", "P-"))


@pytest.mark.django_db
def test_only_roles_that_record_people_may_check(org: Organisation, make_member: MakeMember) -> None:
    from django.core.exceptions import PermissionDenied

    for role in (Role.LEGAL_OFFICER, Role.TRAINER, Role.ORG_ADMIN):
        with pytest.raises(PermissionDenied):
            access.possible_duplicates(make_member(org, role), Identity("Olga", "Petrova"))


# ---- the two-step form ---------------------------------------------------------------------------------------

ENTRY = {"given_names": "Ольга", "family_names": "Петрова", "age_estimated_on": "2026-01-15"}


def _count(org: Organisation) -> int:
    return Person.objects.filter(organisation=org).count()


@pytest.mark.django_db
def test_no_match_records_directly(org: Organisation, make_member: MakeMember) -> None:
    client = login(Client(), make_member(org, Role.CASEWORKER))
    response = client.post(ADD, ENTRY)
    assert response.status_code == 302
    assert _count(org) == 1


@pytest.mark.django_db
def test_a_visible_match_is_shown_and_confirming_records_the_person(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    olga = make_person(caseworker, "Olga", "Petrova")
    client = login(Client(), caseworker)
    response = client.post(ADD, ENTRY)
    page = response.content.decode()
    assert response.status_code == 200
    assert _count(org) == 1
    assert '<h2 id="duplicates-title">Possible duplicates</h2>' in page
    assert f'href="/protect/people/{olga.reference}/"' in page
    assert "Olga Petrova" in page
    assert "Same name; written in another script" in page
    assert 'name="confirmed_new" value="1"' in page
    assert 'value="Петрова"' in page  # the entries are kept
    # The "record anyway" form sends back exactly what was entered.
    assert '<input type="hidden" name="family_names" value="Петрова">' in page

    confirmed = client.post(ADD, {**ENTRY, "confirmed_new": "1"})
    assert confirmed.status_code == 302
    assert _count(org) == 2
    created = Person.objects.exclude(pk=olga.pk).get()
    assert confirmed["Location"] == f"/protect/people/{created.reference}/"


@pytest.mark.django_db
def test_a_colleagues_record_shows_only_its_reference(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    colleagues = _olga(make_member(org, Role.CASEWORKER), make_person)
    client = login(Client(), make_member(org, Role.CASEWORKER))
    page = client.post(ADD, ENTRY).content.decode()
    assert (
        f"a possible match exists in your organisation ({colleagues.reference}); ask your supervisor." in page
    )
    assert f"/protect/people/{colleagues.reference}/" not in page
    for secret in ("Olga", "Petrova", HIDDEN_ALIAS, "7946"):
        assert secret not in page
    assert _count(org) == 1


@pytest.mark.django_db
def test_a_match_in_another_organisation_is_only_a_yes(
    org: Organisation, other_org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    theirs = _olga(make_member(other_org, Role.CASEWORKER), make_person)
    client = login(Client(), make_member(org, Role.CASEWORKER))
    page = client.post(ADD, ENTRY).content.decode()
    assert "A possible match exists elsewhere; ask through a referral." in page
    for secret in (theirs.reference, other_org.name, "Olga", "Petrova", HIDDEN_ALIAS, "7946"):
        assert secret not in page
    assert _count(org) == 0


@pytest.mark.django_db
def test_a_screener_sees_no_detail_and_can_still_record(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    olga = _olga(make_member(org, Role.CASEWORKER), make_person)
    client = login(Client(), make_member(org, Role.SCREENER))
    page = client.post(ADD, ENTRY).content.decode()
    assert "Possible matches exist; a caseworker will check." in page
    for secret in (olga.reference, "Olga", "Petrova", HIDDEN_ALIAS, "ask your supervisor", "elsewhere"):
        assert secret not in page
    assert _count(org) == 1
    confirmed = client.post(ADD, {**ENTRY, "confirmed_new": "1"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("web:home")
    assert _count(org) == 2


@pytest.mark.django_db
def test_an_unknown_language_is_an_error_on_its_field(org: Organisation, make_member: MakeMember) -> None:
    client = login(Client(), make_member(org, Role.CASEWORKER))
    response = client.post(ADD, {**ENTRY, "languages": "Russian, Notalanguage"})
    assert response.status_code == 200
    assert response.context["form"].errors["languages"] == [
        "Not a language we know: Notalanguage. Use its name or its ISO 639 code."
    ]
    bad_country = client.post(ADD, {**ENTRY, "citizenships": ["ZZ"]})
    assert "citizenships" in bad_country.context["form"].errors
    assert _count(org) == 0


@pytest.mark.django_db
def test_an_estimated_age_needs_its_day(org: Organisation, make_member: MakeMember) -> None:
    client = login(Client(), make_member(org, Role.CASEWORKER))
    response = client.post(ADD, {"given_names": "Olga", "estimated_age": "30", "age_estimated_on": ""})
    assert "age_estimated_on" in response.context["form"].errors
    assert _count(org) == 0


@pytest.mark.django_db
def test_the_person_page_shows_names_not_codes_and_editing_keeps_the_codes(
    org: Organisation, make_member: MakeMember
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    client = login(Client(), caseworker)
    form = {
        "given_names": "Olga",
        "family_names": "Petrova",
        "languages": "russian, rhg, UK",
        "citizenships": ["UA", "MD"],
        "gender": "Feminine",
        "estimated_age": "30",
        "age_estimated_on": "2026-01-15",
    }
    response = client.post(ADD, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    identity = access.open_person(caseworker, person.reference).identity
    assert identity.languages == ("ru", "rhg", "uk")
    assert identity.citizenships == ("UA", "MD")
    assert (identity.gender, identity.estimated_age, identity.age_estimated_on) == (
        "Feminine",
        30,
        date(2026, 1, 15),
    )

    page = client.get(response["Location"]).content.decode()
    for shown in (
        "Russian, Rohingya, Ukrainian",
        "Ukraine, Moldova",
        "Feminine",
        "About 30",
        "born around 1996",
    ):
        assert shown in page
    edit_url = reverse("protect:edit_person", args=[person.reference])
    edit = client.get(edit_url).content.decode()
    assert 'value="Russian, Rohingya, Ukrainian"' in edit
    assert 'value="2026-01-15"' in edit
    resubmitted = {**form, "languages": "Russian, Rohingya, Ukrainian", "version": person.version}
    assert client.post(edit_url, resubmitted).status_code == 302
    assert access.open_person(caseworker, person.reference).identity.languages == ("ru", "rhg", "uk")


def test_language_names_are_read_in_the_page_language_too() -> None:
    with translation.override("fr"):
        assert forms.language_code("russe") == "ru"
        assert forms.country_name("DE") == "Allemagne"
    assert forms.language_code("Russian") == "ru"  # a name gives the shortest code
    assert forms.language_code("RUS") == "rus"  # a code is kept as given
    assert forms.language_code("Elvish") is None


def test_every_gender_and_reason_has_a_translatable_label() -> None:
    assert {key: str(label) for key, label in forms.GENDER_LABELS.items()} == dict(htcds.GENDER)
    assert set(forms.REASON_LABELS) == set(Reason)
    assert set(forms.BAND_LABELS) == set(Band)


# ---- the API -------------------------------------------------------------------------------------------------


def _api(actor: Actor) -> Client:
    _token, raw = account_services.create_api_token(actor, "sync")
    return Client(**bearer(raw))


def _post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post(PERSONS, payload, content_type="application/json")


PAYLOAD = {"given_names": "Ольга", "family_names": "Петрова"}


@pytest.mark.django_db
def test_the_api_answers_409_with_what_the_caller_may_see_unless_confirmed(
    org: Organisation, other_org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    mine = make_person(caseworker, "Olga", "Petrova")
    colleagues = _olga(make_member(org, Role.CASEWORKER), make_person)
    theirs = _olga(make_member(other_org, Role.CASEWORKER), make_person)
    client = _api(caseworker)

    response = _post(client, PAYLOAD)
    assert response.status_code == 409
    report = response.json()["possible_duplicates"]
    assert report == {
        "visible": [
            {
                "reference": mine.reference,
                "band": "possible",
                "name": "Olga Petrova",
                "reasons": ["same_name", "name_other_writing"],
            }
        ],
        "in_organisation": [{"reference": colleagues.reference, "band": "possible"}],
        "elsewhere": True,
        "withheld": False,
    }
    assert theirs.reference not in response.content.decode()
    assert HIDDEN_ALIAS not in response.content.decode()
    assert _count(org) == 2

    created = _post(client, {**PAYLOAD, "confirmed_new": True})
    assert created.status_code == 201
    assert _count(org) == 3


@pytest.mark.django_db
def test_the_api_tells_a_screener_only_that_matches_exist(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    olga = _olga(make_member(org, Role.CASEWORKER), make_person)
    response = _post(_api(make_member(org, Role.SCREENER)), PAYLOAD)
    assert response.status_code == 409
    assert response.json()["possible_duplicates"] == {
        "visible": [],
        "in_organisation": [],
        "elsewhere": False,
        "withheld": True,
    }
    assert olga.reference not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"languages": ["xx"]}, "languages"),
        ({"citizenships": ["ZZ"]}, "citizenships"),
        ({"gender": "female"}, "gender"),
        ({"estimated_age": 30}, "age_estimated_on"),
        ({"estimated_age": 200, "age_estimated_on": "2026-01-15"}, "estimated_age"),
    ],
)
def test_the_api_names_a_bad_new_field(
    extra: dict[str, Any], field: str, org: Organisation, make_member: MakeMember
) -> None:
    response = _post(_api(make_member(org, Role.CASEWORKER)), {**PAYLOAD, **extra})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert _count(org) == 0
    assert not AuditEntry.objects.filter(action=Action.SEARCH).exists()


@pytest.mark.django_db
def test_the_api_records_and_returns_the_new_fields(org: Organisation, make_member: MakeMember) -> None:
    client = _api(make_member(org, Role.CASEWORKER))
    payload = {
        **PAYLOAD,
        "languages": ["uk", "rhg"],
        "citizenships": ["ua"],
        "gender": "NonConforming",
        "estimated_age": 17,
        "age_estimated_on": "2026-01-15",
    }
    response = _post(client, payload)
    assert response.status_code == 201
    identity = client.get(f"{PERSONS}{response.json()['reference']}/").json()["identity"]
    assert {key: identity[key] for key in payload} == {**payload, "citizenships": ["UA"]}
