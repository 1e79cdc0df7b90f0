"""Four-persona rows for the prevention pages (threefold/prevent): areas and their imports, the map, education
sessions, the materials library, campaigns and the coverage dashboard.

Every member of an organisation reads its prevention records (``prevent.view``); trainers and org admins record
them and import (``prevent.manage``, ``prevent.change``); the coverage dashboard is for trainers, org admins,
analysts and supervisors (``prevent.view_coverage``). Another organisation's records answer 404; the pages that
hold no record of ours (lists, forms) serve a member of the other organisation their own organisation's.

Editing and deleting a session, a campaign, an activity, a material or one of its language versions is for the
trainers and org admins of the record's organisation (``prevent.change``): other members get a 403, another
organisation a 404. A deletion is a POST with ``confirm=yes`` from the record's page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember, login
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.prevent import services
from threefold.prevent.models import (
    Area,
    AreaIndicator,
    Campaign,
    CampaignActivity,
    EducationSession,
    Material,
    MaterialVersion,
)

AREA = "Persona district 7c2e"
CAMPAIGN = "Safe jobs campaign 4d1a"
MATERIAL = "Know your rights leaflet 9b3f"
PDF = b"%PDF-1.4\n% persona test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NO_ORGANISATION = ("loner", "deactivated")
NOT_MANAGERS = ("caseworker", "supervisor", "screener", "legal_officer", "loner")
NO_COVERAGE = ("caseworker", "screener", "legal_officer", "loner")


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors.update(
        analyst=make_member(org, Role.ANALYST), other_trainer=make_member(other_org, Role.TRAINER)
    )
    trainer = world.actors["trainer"]
    services.import_areas(trainer, f"code,name\nP01,{AREA}\nP02,Persona district two\n".encode())
    services.import_indicators(trainer, b"area_code,indicator,year,value\nP01,poverty_rate,2024,31.5\n")
    session = services.record_session(
        trainer,
        services.SessionInput(
            held_on=dt.date(2025, 3, 4),
            setting="school",
            topics=["safe_migration"],
            language="fr",
            reach={"15_17": {"female": 24}},
            area_code="P01",
            place="Persona school 5e6f",
        ),
    )
    material = services.record_material(
        trainer,
        services.MaterialInput(MATERIAL, "leaflet", "rights"),
        services.VersionInput("fr", SimpleUploadedFile("leaflet.pdf", PDF)),
    )
    campaign = services.record_campaign(
        trainer, services.CampaignInput(CAMPAIGN, dt.date(2025, 3, 1), area_codes=["P01"])
    )
    activity = services.record_activity(
        trainer, campaign, services.ActivityInput("radio", dt.date(2025, 3, 5), "P01", people_reached=1200)
    )
    world.extras.update(
        session=session,
        material=material,
        campaign=campaign,
        activity=activity,
        version=material.versions.get(),
    )
    return world


def _ref(key: str) -> Any:
    return lambda w: w.extras[key].reference


def _count(model: Any, **scope: Any) -> Any:
    return lambda w: model.objects.filter(**{k: v(w) for k, v in scope.items()}).count()


def _row(model: Any, key: str) -> Any:
    """The stored values of the world's record ``key`` (an empty list once it is deleted)."""
    return lambda w: list(model.objects.filter(pk=w.extras[key].pk).values())


def _areas(w: World) -> object:
    return sorted(Area.objects.filter(organisation=w.org).values_list("code", "name"))


def _boundaries(w: World) -> object:
    return sorted(Area.objects.filter(organisation=w.org).values_list("code", "boundary"))


def _indicators(w: World) -> object:
    return sorted(AreaIndicator.objects.filter(organisation=w.org).values_list("area__code", "year", "value"))


def _upload(name: str, content: bytes, field: str, **extra: Any) -> Any:
    return lambda w: {field: SimpleUploadedFile(name, content), **extra}


SQUARE = (
    b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"P01"},'
    b'"geometry":{"type":"Polygon","coordinates":[[[2,48],[3,48],[3,49],[2,49],[2,48]]]}}]}'
)


def _session_form(w: World) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": "2025-04-02",
        "setting": "community",
        "topics": ["rights"],
        "language": "en",
        "area": "P02",
        "place": "",
        "facilitator": "",
        "note": "",
    }
    for band in ("under_12", "12_14", "15_17", "18_24", "25_plus"):
        for gender in ("female", "male", "other"):
            data[f"reach_{band}_{gender}"] = 3 if band == "12_14" else 0
    return data


def _material_form(w: World) -> dict[str, Any]:
    return {
        "title": "Poster on safe migration",
        "kind": "poster",
        "topic": "safe_migration",
        "audience": "",
        "language": "en",
        "link": "https://example.org/poster",
    }


def _campaign_form(w: World) -> dict[str, Any]:
    return {
        "title": "Second campaign",
        "objective": "",
        "starts_on": "2025-05-01",
        "ends_on": "",
        "areas": ["P02"],
    }


def _activity_form(w: World) -> dict[str, Any]:
    return {
        "channel": "event",
        "held_on": "2025-03-10",
        "area": "P02",
        "description": "",
        "cost_amount": "250.00",
        "currency": "EUR",
        "people_reached": "80",
        "materials_distributed": "40",
        "hotline_contacts": "2",
    }


def _material_details(w: World) -> dict[str, Any]:
    return {"title": "Know your rights poster", "kind": "poster", "topic": "rights", "audience": "Parents"}


def _change_row(view: str, method: str, url: Any, authorised: str, **extra: Any) -> Row:
    """A page or action for the trainers and org admins of the record's organisation."""
    values: dict[str, Any] = {
        "other_org": "other_trainer",
        "denied": NOT_MANAGERS,
        "authorised": authorised,
        "ok_status": 200 if method == "GET" else 302,
        "denied_status": (403,),
        **extra,
    }
    return Row(view, method, url, **values)


def _url(view: str, *keys: str) -> Any:
    """The URL of ``view`` for the world's records: "campaign" gives its reference, "activity" its id..."""

    def url(w: World) -> str:
        args = [
            w.extras[key].reference if hasattr(w.extras[key], "reference") else w.extras[key].pk
            for key in keys
        ]
        return reverse(view, args=args)

    return url


CONFIRM = {"confirm": "yes"}


def _reader_row(view: str, url: Any, shows: Any, **extra: Any) -> Row:
    values: dict[str, Any] = {
        "other_org": "other_trainer",
        "denied": NO_ORGANISATION,
        "authorised": "screener",
        "ok_status": 200,
        "shows": shows,
        "denied_status": (403,),
        **extra,
    }
    return Row(view, "GET", url, **values)


ROWS: tuple[Row, ...] = (
    _reader_row("prevent:home", lambda w: reverse("prevent:home"), lambda w: AREA, other_org_status=(200,)),
    _reader_row("prevent:areas", lambda w: reverse("prevent:areas"), lambda w: AREA, other_org_status=(200,)),
    _reader_row(
        "prevent:example",
        lambda w: reverse("prevent:example", args=["areas.csv"]),
        lambda w: "Demo district 1",
        secret=lambda w: AREA,
        other_org_status=(200,),
    ),
    _reader_row("prevent:map", lambda w: reverse("prevent:map"), lambda w: AREA, other_org_status=(200,)),
    _reader_row(
        "prevent:sessions",
        lambda w: reverse("prevent:sessions"),
        lambda w: _ref("session")(w),
        other_org_status=(200,),
    ),
    _reader_row(
        "prevent:session",
        lambda w: reverse("prevent:session", args=[_ref("session")(w)]),
        lambda w: "Persona school 5e6f",
    ),
    _reader_row(
        "prevent:materials",
        lambda w: reverse("prevent:materials"),
        lambda w: MATERIAL,
        other_org_status=(200,),
    ),
    _reader_row(
        "prevent:material",
        lambda w: reverse("prevent:material", args=[_ref("material")(w)]),
        lambda w: MATERIAL,
    ),
    _reader_row(
        "prevent:download",
        lambda w: reverse("prevent:download", args=[_ref("material")(w), w.extras["version"].pk]),
        lambda w: "persona test",
    ),
    _reader_row(
        "prevent:campaigns",
        lambda w: reverse("prevent:campaigns"),
        lambda w: CAMPAIGN,
        other_org_status=(200,),
    ),
    _reader_row(
        "prevent:campaign",
        lambda w: reverse("prevent:campaign", args=[_ref("campaign")(w)]),
        lambda w: CAMPAIGN,
    ),
    Row(
        "prevent:coverage",
        "GET",
        lambda w: reverse("prevent:coverage") + "?months=24",
        other_org="other_supervisor",
        denied=NO_COVERAGE,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: AREA,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    # ---- imports
    Row(
        "prevent:import_areas",
        "POST",
        lambda w: reverse("prevent:import_areas"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=302,
        data=_upload("areas.csv", b"code,name\nP03,Persona district three\n", "areas-file"),
        state=_areas,
        other_org_status=(302,),
    ),
    Row(
        "prevent:import_boundaries",
        "POST",
        lambda w: reverse("prevent:import_boundaries"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="admin",
        ok_status=302,
        data=_upload("areas.geojson", SQUARE, "boundaries-file", **{"boundaries-code_property": "code"}),
        state=_boundaries,
        # The other organisation has no areas: its import is refused, changing nothing of ours.
        other_org_status=(400,),
    ),
    Row(
        "prevent:import_indicators",
        "POST",
        lambda w: reverse("prevent:import_indicators"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=302,
        data=_upload(
            "ind.csv", b"area_code,indicator,year,value\nP02,poverty_rate,2024,12\n", "indicators-file"
        ),
        state=_indicators,
        other_org_status=(400,),
    ),
    # ---- forms to record
    Row(
        "prevent:add_session",
        "GET",
        lambda w: reverse("prevent:add_session"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: AREA,  # in the area select
        other_org_status=(200,),
    ),
    Row(
        "prevent:add_session",
        "POST",
        lambda w: reverse("prevent:add_session"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="admin",
        ok_status=302,
        data=_session_form,
        state=_count(EducationSession, organisation=lambda w: w.org),
        other_org_status=(200,),  # our area is not one of theirs: the form comes back with the error
    ),
    Row(
        "prevent:add_material",
        "GET",
        lambda w: reverse("prevent:add_material"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=200,
        shows=lambda w: "Add a material",
        secret=lambda w: MATERIAL,
        other_org_status=(200,),
    ),
    Row(
        "prevent:add_material",
        "POST",
        lambda w: reverse("prevent:add_material"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=302,
        data=_material_form,
        state=_count(Material, organisation=lambda w: w.org),
        other_org_status=(302,),
    ),
    Row(
        "prevent:add_version",
        "POST",
        lambda w: reverse("prevent:add_version", args=[_ref("material")(w)]),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="admin",
        ok_status=302,
        data=lambda w: {"language": "es", "link": "https://example.org/es"},
        state=_count(MaterialVersion, material=lambda w: w.extras["material"]),
    ),
    Row(
        "prevent:add_campaign",
        "GET",
        lambda w: reverse("prevent:add_campaign"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="admin",
        ok_status=200,
        shows=lambda w: AREA,
        other_org_status=(200,),
    ),
    Row(
        "prevent:add_campaign",
        "POST",
        lambda w: reverse("prevent:add_campaign"),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=302,
        data=_campaign_form,
        state=_count(Campaign, organisation=lambda w: w.org),
        other_org_status=(200,),
    ),
    Row(
        "prevent:add_activity",
        "POST",
        lambda w: reverse("prevent:add_activity", args=[_ref("campaign")(w)]),
        other_org="other_trainer",
        denied=NOT_MANAGERS,
        authorised="trainer",
        ok_status=302,
        data=_activity_form,
        state=_count(CampaignActivity, campaign=lambda w: w.extras["campaign"]),
    ),
    # ---- edits and deletions
    _change_row(
        "prevent:edit_session",
        "GET",
        _url("prevent:edit_session", "session"),
        "trainer",
        shows=lambda w: 'value="Persona school 5e6f"',
    ),
    _change_row(
        "prevent:edit_session",
        "POST",
        _url("prevent:edit_session", "session"),
        "admin",
        data=_session_form,
        state=_row(EducationSession, "session"),
    ),
    _change_row(
        "prevent:delete_session",
        "POST",
        _url("prevent:delete_session", "session"),
        "trainer",
        data=lambda w: CONFIRM,
        state=_row(EducationSession, "session"),
    ),
    _change_row(
        "prevent:edit_material",
        "GET",
        _url("prevent:edit_material", "material"),
        "admin",
        shows=lambda w: f'value="{MATERIAL}"',
    ),
    _change_row(
        "prevent:edit_material",
        "POST",
        _url("prevent:edit_material", "material"),
        "trainer",
        data=_material_details,
        state=_row(Material, "material"),
    ),
    _change_row(
        "prevent:delete_material",
        "POST",
        _url("prevent:delete_material", "material"),
        "admin",
        data=lambda w: CONFIRM,
        state=_row(Material, "material"),
    ),
    _change_row(
        "prevent:delete_version",
        "POST",
        _url("prevent:delete_version", "material", "version"),
        "trainer",
        data=lambda w: CONFIRM,
        state=_row(MaterialVersion, "version"),
    ),
    _change_row(
        "prevent:edit_campaign",
        "GET",
        _url("prevent:edit_campaign", "campaign"),
        "trainer",
        shows=lambda w: f'value="{CAMPAIGN}"',
    ),
    _change_row(
        "prevent:edit_campaign",
        "POST",
        _url("prevent:edit_campaign", "campaign"),
        "admin",
        data=_campaign_form,
        state=lambda w: (
            _row(Campaign, "campaign")(w),
            list(Area.objects.filter(campaigns=w.extras["campaign"]).values_list("code", flat=True)),
        ),
    ),
    _change_row(
        "prevent:delete_campaign",
        "POST",
        _url("prevent:delete_campaign", "campaign"),
        "trainer",
        data=lambda w: CONFIRM,
        state=lambda w: (_row(Campaign, "campaign")(w), _row(CampaignActivity, "activity")(w)),
    ),
    _change_row(
        "prevent:edit_activity",
        "GET",
        _url("prevent:edit_activity", "campaign", "activity"),
        "admin",
        shows=lambda w: 'value="1200"',
    ),
    _change_row(
        "prevent:edit_activity",
        "POST",
        _url("prevent:edit_activity", "campaign", "activity"),
        "trainer",
        data=_activity_form,
        state=_row(CampaignActivity, "activity"),
    ),
    _change_row(
        "prevent:delete_activity",
        "POST",
        _url("prevent:delete_activity", "campaign", "activity"),
        "admin",
        data=lambda w: CONFIRM,
        state=_row(CampaignActivity, "activity"),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


# ---- the edit and delete pages beyond access: current values, no-op edits, refusals, confirmation, controls


def _client(world: World, key: str) -> Client:
    return login(Client(), world.actors[key])


def _session_values(w: World) -> dict[str, Any]:
    """The edit form of the world's session filled with its current values (as the edit page shows them)."""
    data = {**_session_form(w), "held_on": "2025-03-04", "setting": "school", "topics": ["safe_migration"]}
    data.update(language="fr", area="P01", place="Persona school 5e6f", reach_12_14_female=0)
    data.update({f"reach_12_14_{gender}": 0 for gender in ("female", "male", "other")}, reach_15_17_female=24)
    return data


@pytest.mark.django_db
def test_the_session_edit_page_shows_every_current_value(world: World) -> None:
    page = _client(world, "trainer").get(_url("prevent:edit_session", "session")(world)).content.decode()
    assert "Edit the education session" in page
    assert re.search(r'<input type="number" name="reach_15_17_female" value="24"', page)
    assert re.search(r'<input type="number" name="reach_15_17_male" value="0"', page)
    assert re.search(r'<option value="P01" selected>', page)
    assert re.search(r'<input type="radio" name="setting" value="school"[^>]* checked', page)
    assert re.search(r'<input type="checkbox" name="topics" value="safe_migration"[^>]* checked', page)
    assert 'name="held_on" value="2025-03-04"' in page
    assert "Save the changes" in page


@pytest.mark.django_db
def test_saving_the_current_values_changes_nothing_and_says_so(world: World) -> None:
    client = _client(world, "trainer")  # signing in is audited too
    entries = AuditEntry.objects.count()
    response = client.post(
        _url("prevent:edit_session", "session")(world), _session_values(world), follow=True
    )
    assert "Nothing was changed." in response.content.decode()
    assert AuditEntry.objects.count() == entries
    changed = {**_session_values(world), "place": "Persona school renamed"}
    response = client.post(_url("prevent:edit_session", "session")(world), changed, follow=True)
    assert "Your changes were saved." in response.content.decode()
    assert EducationSession.objects.get(pk=world.extras["session"].pk).place == "Persona school renamed"
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="prevent.educationsession")
    assert entry.details["changed"] == ["place"]


@pytest.mark.django_db
def test_an_invalid_edit_shows_the_error_beside_its_field_and_changes_nothing(world: World) -> None:
    before = _row(Campaign, "campaign")(world)
    data = {**_campaign_form(world), "starts_on": "2025-05-01", "ends_on": "2025-04-01"}
    response = _client(world, "admin").post(_url("prevent:edit_campaign", "campaign")(world), data)
    assert response.status_code == 200
    assert "The campaign cannot end before it starts." in response.content.decode()
    assert 'id="id_ends_on_error"' in response.content.decode()
    assert _row(Campaign, "campaign")(world) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "keys", "model", "key"),
    [
        ("prevent:delete_session", ("session",), EducationSession, "session"),
        ("prevent:delete_material", ("material",), Material, "material"),
        ("prevent:delete_version", ("material", "version"), MaterialVersion, "version"),
        ("prevent:delete_campaign", ("campaign",), Campaign, "campaign"),
        ("prevent:delete_activity", ("campaign", "activity"), CampaignActivity, "activity"),
    ],
)
def test_a_deletion_needs_the_confirmation(
    world: World, view: str, keys: tuple[str, ...], model: Any, key: str
) -> None:
    client = _client(world, "trainer")
    assert client.post(_url(view, *keys)(world)).status_code == 403
    assert client.post(_url(view, *keys)(world), {"confirm": "no"}).status_code == 403
    assert client.get(_url(view, *keys)(world)).status_code == 405
    assert model.objects.filter(pk=world.extras[key].pk).exists()


CONTROLS = {
    "session": ("prevent:edit_session", "prevent:delete_session"),
    "material": ("prevent:edit_material", "prevent:delete_material"),
    "campaign": ("prevent:edit_campaign", "prevent:delete_campaign"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(CONTROLS))
def test_edit_and_delete_controls_show_only_to_those_who_may_use_them(world: World, page: str) -> None:
    urls = [_url(view, page)(world) for view in CONTROLS[page]]
    if page == "material":
        urls.append(_url("prevent:delete_version", "material", "version")(world))
    if page == "campaign":
        urls += [
            _url(view, "campaign", "activity")(world)
            for view in ("prevent:edit_activity", "prevent:delete_activity")
        ]
    detail = _url(f"prevent:{page}", page)(world)
    for key in ("trainer", "admin"):
        shown = _client(world, key).get(detail).content.decode()
        assert all(url in shown for url in urls), key
    for key in ("caseworker", "supervisor", "screener", "analyst"):
        shown = _client(world, key).get(detail).content.decode()
        assert not any(url in shown for url in urls), key
        assert 'name="confirm"' not in shown


@pytest.mark.django_db
def test_the_campaign_delete_says_how_many_activities_go_with_it(world: World) -> None:
    campaign = world.extras["campaign"]
    client = _client(world, "trainer")
    assert (
        "Deletes the campaign and the 1 activity recorded for it."
        in client.get(_url("prevent:campaign", "campaign")(world)).content.decode()
    )
    client.post(reverse("prevent:add_activity", args=[campaign.reference]), _activity_form(world))
    page = client.get(_url("prevent:campaign", "campaign")(world)).content.decode()
    assert "Deletes the campaign and the 2 activities recorded for it." in page
    response = client.post(_url("prevent:delete_campaign", "campaign")(world), CONFIRM, follow=True)
    assert f"Campaign {campaign.reference} deleted, with its activities." in response.content.decode()
    assert not CampaignActivity.objects.filter(campaign_id=campaign.pk).exists()
    entry = AuditEntry.objects.get(action=Action.DELETE, object_type="prevent.campaign")
    assert entry.details == {"activities": 2, "reference": campaign.reference}
