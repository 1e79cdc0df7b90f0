"""Four-persona rows for the prevention pages (threefold/prevent): areas and their imports, the map, education
sessions, the materials library, campaigns and the coverage dashboard.

Every member of an organisation reads its prevention records (``prevent.view``); trainers and org admins record
them and import (``prevent.manage``, ``prevent.change``); the coverage dashboard is for trainers, org admins,
analysts and supervisors (``prevent.view_coverage``). Another organisation's records answer 404; the pages that
hold no record of ours (lists, forms) serve a member of the other organisation their own organisation's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
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
    services.record_activity(
        trainer, campaign, services.ActivityInput("radio", dt.date(2025, 3, 5), "P01", people_reached=1200)
    )
    world.extras.update(
        session=session, material=material, campaign=campaign, version=material.versions.get()
    )
    return world


def _ref(key: str) -> Any:
    return lambda w: w.extras[key].reference


def _count(model: Any, **scope: Any) -> Any:
    return lambda w: model.objects.filter(**{k: v(w) for k, v in scope.items()}).count()


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
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
