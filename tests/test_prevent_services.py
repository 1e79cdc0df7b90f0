"""Prevention services: all-or-nothing imports with line numbers, uploads refused by content and size, the
coverage figures by area and month with small screening counts suppressed, and an audit entry for every change.

Edits and deletions: an edit accepts what recording accepts (one check per kind), changes the values, and writes one
UPDATE entry naming the changed fields (none when nothing changed); a refused edit changes nothing; a deletion
removes the rows and, once committed, the stored files; only trainers and org admins of the record's organisation
may do either."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.disclosure import Status
from threefold.identify import catalogue
from threefold.identify import services as identify_services
from threefold.prevent import access, dashboard, services
from threefold.prevent.core import files
from threefold.prevent.models import (
    Area,
    AreaIndicator,
    Campaign,
    CampaignActivity,
    EducationSession,
    Material,
    MaterialVersion,
)
from threefold.prevent.services import ImportRefused, PreventError

AREAS = b"code,name,level\nD1,District one,district\nD2,District two,district\n"
PDF = b"%PDF-1.4\nhello\n%%EOF\n"


@pytest.fixture
def trainer(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.TRAINER)


@pytest.fixture
def with_areas(trainer: Actor) -> Actor:
    services.import_areas(trainer, AREAS)
    return trainer


def _entries(object_type: str) -> int:
    return AuditEntry.objects.filter(object_type=object_type).count()


def test_areas_import_adds_updates_and_audits(trainer: Actor) -> None:
    assert services.import_areas(trainer, AREAS) == services.ImportResult(2, 0)
    result = services.import_areas(trainer, b"code,name\nD1,District One (renamed)\nD3,Three\n")
    assert result == services.ImportResult(1, 1)
    assert Area.objects.get(code="D1").name == "District One (renamed)"
    assert _entries("prevent.area") == 2


def test_a_file_with_one_bad_line_changes_nothing(with_areas: Actor) -> None:
    before = list(Area.objects.values_list("code", "name"))
    with pytest.raises(ImportRefused) as refused:
        services.import_areas(with_areas, b"code,name\nD1,Renamed\nD4,\nD5,Five\n=cmd|x,Bad\n")
    assert [p.split(":")[0] for p in refused.value.problems] == ["line 3", "line 5"]
    assert list(Area.objects.values_list("code", "name")) == before
    with pytest.raises(ImportRefused, match="line 3"):
        services.import_indicators(
            with_areas, b"area_code,indicator,year,value\nD1,poverty_rate,2024,10\nD9,poverty_rate,2024,10\n"
        )
    assert not AreaIndicator.objects.exists()


def test_indicators_and_boundaries_import(with_areas: Actor) -> None:
    services.import_indicators(
        with_areas, b"area_code,indicator,year,value,source\nD1,poverty_rate,2024,10,S\n"
    )
    assert services.import_indicators(
        with_areas, b"area_code,indicator,year,value,source\nD1,poverty_rate,2024,12,S2\n"
    ) == services.ImportResult(0, 1)
    assert AreaIndicator.objects.get().value == 12
    geo = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"D2"},'
        b'"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}}]}'
    )
    services.import_boundaries(with_areas, geo, "id")
    assert Area.objects.get(code="D2").boundary == [[[[1, 1], [2, 1], [2, 2], [1, 1]]]]
    with pytest.raises(ImportRefused, match="feature 1"):
        services.import_boundaries(with_areas, geo, "code")


def test_only_trainers_and_admins_import(org: Organisation, make_member: MakeMember) -> None:
    with pytest.raises(PermissionDenied):
        services.import_areas(make_member(org, Role.CASEWORKER), AREAS)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leaflet.pdf", b"<html><script>alert(1)</script>", "PDF, PNG or JPEG"),
        ("photo.png", b"GIF89a......", "PDF, PNG or JPEG"),
        ("big.pdf", b"%PDF-" + b"0" * files.MAX_MATERIAL_BYTES, "larger"),
    ],
)
def test_uploads_are_refused_by_content_and_size(
    trainer: Actor, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(PreventError, match=message):
        services.record_material(
            trainer,
            services.MaterialInput("Leaflet", "leaflet", "rights"),
            services.VersionInput("fr", SimpleUploadedFile(name, content, content_type="application/pdf")),
        )
    assert not MaterialVersion.objects.exists()


def test_an_upload_is_kept_under_a_random_name_with_its_sniffed_type(trainer: Actor) -> None:
    material = services.record_material(
        trainer,
        services.MaterialInput("Leaflet", "leaflet", "rights"),
        services.VersionInput(
            "fr", SimpleUploadedFile("../../etc/passwd.png", PDF, content_type="image/png")
        ),
    )
    version = material.versions.get()
    assert version.content_type == "application/pdf"
    assert version.extension == "pdf"
    name = version.file.name or ""
    assert "passwd" not in name
    assert name.startswith("prevent/materials/")
    assert access.material_file(trainer, material.reference, version.pk)[1] == PDF
    with pytest.raises(PreventError, match="https"):
        services.add_material_version(
            trainer, material, services.VersionInput("en", link="http://example.org")
        )
    assert _entries("prevent.material") == 1
    assert _entries("prevent.materialversion") == 1


def test_campaign_costs_and_reach(with_areas: Actor) -> None:
    campaign = services.record_campaign(
        with_areas, services.CampaignInput("C", dt.date(2025, 1, 1), area_codes=["D1"])
    )
    with pytest.raises(PreventError, match="currency"):
        services.record_activity(
            with_areas,
            campaign,
            services.ActivityInput("radio", dt.date(2025, 1, 2), cost_amount=Decimal(10), currency="€"),
        )
    services.record_activity(
        with_areas,
        campaign,
        services.ActivityInput(
            "radio", dt.date(2025, 1, 2), "D1", cost_amount=Decimal(300), currency="eur", people_reached=600
        ),
    )
    assert access.activities(campaign)[0].currency == "EUR"
    assert access.activities_by_area(with_areas) == {"D1": 1}
    assert _entries("prevent.campaign") == 1
    assert _entries("prevent.campaignactivity") == 1


def _screen(actor: Actor, area: str) -> None:
    entry = catalogue.shipped_entry("quick_youth_indicators")
    screening = identify_services.start_screening(actor, entry, setting="outreach", language="en")
    services.set_screening_area(actor, screening, area)
    identify_services.finish_screening(actor, screening)


def test_coverage_by_area_and_month_suppresses_small_screening_counts(
    with_areas: Actor, org: Organisation, make_member: MakeMember
) -> None:
    screener = make_member(org, Role.SCREENER)
    for _ in range(3):
        _screen(screener, "D1")
    for _ in range(14):
        _screen(screener, "D2")
    today = timezone.localdate()
    services.record_session(
        with_areas,
        services.SessionInput(today, "school", ["rights"], "fr", {"15_17": {"female": 30}}, area_code="D1"),
    )
    figures = dashboard.coverage(make_member(org, Role.ANALYST), today, 6)
    month = figures.months[-1]
    by_code = {section.code: section for section in figures.areas}
    d1 = next(row for row in by_code["D1"].months if row.month == month)
    assert d1.education_reach == 30
    assert d1.screenings is not None
    assert d1.screenings.status is Status.PRIMARY
    assert d1.screenings.value is None
    assert dashboard.cell_text(d1.screenings) == "fewer than 11"
    d2 = next(row for row in by_code["D2"].months if row.month == month)
    # 14 alone would be shown; it is hidden so that 3 cannot be worked out from the month's total of 17.
    assert d2.screenings is not None
    assert d2.screenings.suppressed
    area_entries = AuditEntry.objects.filter(action=Action.UPDATE, object_type="identify.screening")
    assert sum(1 for entry in area_entries if entry.details.get("fields") == ["area_code"]) == 17


def test_an_area_of_another_organisation_is_refused(
    with_areas: Actor, other_org: Organisation, make_member: MakeMember
) -> None:
    outsider = make_member(other_org, Role.SCREENER)
    entry = catalogue.shipped_entry("quick_youth_indicators")
    screening = identify_services.start_screening(outsider, entry, setting="outreach", language="en")
    with pytest.raises(PreventError):
        services.set_screening_area(outsider, screening, "D1")
    with pytest.raises(PermissionDenied):
        services.set_screening_area(with_areas, screening, "D1")


def test_the_coverage_counts_need_the_coverage_permission(org: Organisation, make_member: MakeMember) -> None:
    with pytest.raises(PermissionDenied):
        access.screening_events(make_member(org, Role.CASEWORKER), dt.date(2025, 1, 1))


# ---- edits and deletions


SESSION = services.SessionInput(
    held_on=dt.date(2025, 3, 4),
    setting="school",
    topics=["safe_migration", "rights"],
    language="fr",
    reach={"15_17": {"female": 24, "male": 3}},
    area_code="D1",
    place="Lycee Victor Hugo 7a1b",
    facilitator="Facilitator 2c3d",
    note="Note 4e5f",
)
CAMPAIGN = services.CampaignInput(
    "Safe jobs", dt.date(2025, 3, 1), dt.date(2025, 4, 30), "Objective 6a7b", area_codes=["D1"]
)
ACTIVITY = services.ActivityInput(
    "radio", dt.date(2025, 3, 5), "D1", "Spots 8c9d", Decimal("300.00"), "EUR", 1200, 0, 4
)
MATERIAL = services.MaterialInput("Know your rights", "leaflet", "rights", "Girls 12 to 17")


def _audit(action: Action, object_type: str) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(action=action, object_type=object_type).order_by("seq")
    return [entry.details for entry in entries]


def _snapshot(model: Any) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def session(with_areas: Actor) -> EducationSession:
    return services.record_session(with_areas, SESSION)


@pytest.fixture
def campaign(with_areas: Actor) -> Campaign:
    campaign = services.record_campaign(with_areas, CAMPAIGN)
    services.record_activity(with_areas, campaign, ACTIVITY)
    return campaign


@pytest.fixture
def activity(campaign: Campaign) -> CampaignActivity:
    return campaign.activities.get()


@pytest.fixture
def material(trainer: Actor) -> Material:
    material = services.record_material(
        trainer, MATERIAL, services.VersionInput("fr", SimpleUploadedFile("leaflet.pdf", PDF))
    )
    services.add_material_version(
        trainer, material, services.VersionInput("en", link="https://example.org/en")
    )
    return material


def test_a_session_edit_changes_every_field_given_and_audits_the_field_names(
    with_areas: Actor, session: EducationSession
) -> None:
    changed = services.change_session(
        with_areas,
        session,
        dataclasses.replace(
            SESSION,
            held_on=dt.date(2025, 3, 5),
            setting="community",
            topics=["where_to_get_help"],
            reach={"18_24": {"other": 2}},
            area_code="D2",
            place="Community hall 1f2e",
        ),
    )
    assert changed == ["area", "held_on", "place", "reach", "setting", "topics"]
    stored = EducationSession.objects.select_related("area").get()
    assert (stored.held_on, stored.setting, stored.topics) == (
        dt.date(2025, 3, 5),
        "community",
        ["where_to_get_help"],
    )
    assert stored.area is not None
    assert stored.area.code == "D2"
    assert stored.place == "Community hall 1f2e"
    assert stored.people_reached == 2
    assert (stored.facilitator, stored.note, stored.language) == ("Facilitator 2c3d", "Note 4e5f", "fr")
    [details] = _audit(Action.UPDATE, "prevent.educationsession")
    assert details == {"changed": changed, "reference": session.reference}
    # Free text a person typed never reaches the audit trail: only field names.
    services.change_session(with_areas, session, dataclasses.replace(SESSION, note="Private words 3a4b"))
    assert "Private words 3a4b" not in str(_audit(Action.UPDATE, "prevent.educationsession"))


def test_an_edit_that_changes_nothing_writes_nothing(
    with_areas: Actor, session: EducationSession, campaign: Campaign, activity: CampaignActivity
) -> None:
    material = services.record_material(
        with_areas, MATERIAL, services.VersionInput("fr", link="https://example.org/fr")
    )
    entries = AuditEntry.objects.count()
    # Fresh copies from the database, as an edit page would read them; the same values given again.
    assert services.change_session(with_areas, EducationSession.objects.get(), SESSION) == []
    assert services.change_campaign(with_areas, Campaign.objects.get(), CAMPAIGN) == []
    assert services.change_activity(with_areas, CampaignActivity.objects.get(), ACTIVITY) == []
    assert services.change_material(with_areas, Material.objects.get(pk=material.pk), MATERIAL) == []
    # Surrounding spaces and a cost typed without decimals are the same values.
    same = dataclasses.replace(
        ACTIVITY, cost_amount=Decimal(300), currency=" eur ", description=" Spots 8c9d "
    )
    assert services.change_activity(with_areas, activity, same) == []
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (dataclasses.replace(SESSION, topics=[]), "topics"),
        (dataclasses.replace(SESSION, topics=["rights", "astrology"]), "topics"),
        (dataclasses.replace(SESSION, area_code="ELSEWHERE"), "area"),
        (dataclasses.replace(SESSION, setting="moon"), "setting"),
        (dataclasses.replace(SESSION, language="français!"), "language"),
        (dataclasses.replace(SESSION, place="x" * 201), "place"),
        (dataclasses.replace(SESSION, note="bell\x07"), "note"),
        (dataclasses.replace(SESSION, reach={}), ""),
    ],
)
def test_an_invalid_session_edit_is_refused_naming_the_field_and_changes_nothing(
    with_areas: Actor, session: EducationSession, given: services.SessionInput, field: str
) -> None:
    before, entries = _snapshot(EducationSession), AuditEntry.objects.count()
    with pytest.raises(PreventError) as refused:
        services.change_session(with_areas, session, dataclasses.replace(given, place=given.place or "Moved"))
    assert refused.value.field == field
    assert _snapshot(EducationSession) == before
    assert AuditEntry.objects.count() == entries


def test_a_campaign_edit_changes_dates_objective_and_areas(with_areas: Actor, campaign: Campaign) -> None:
    changed = services.change_campaign(
        with_areas,
        campaign,
        dataclasses.replace(CAMPAIGN, title="Safe jobs 2025", ends_on=None, area_codes=["D1", "D2"]),
    )
    assert changed == ["areas", "ends_on", "title"]
    stored = Campaign.objects.get()
    assert (stored.title, stored.ends_on) == ("Safe jobs 2025", None)
    assert sorted(stored.areas.values_list("code", flat=True)) == ["D1", "D2"]
    assert _audit(Action.UPDATE, "prevent.campaign") == [
        {"changed": changed, "reference": campaign.reference}
    ]
    assert services.change_campaign(with_areas, stored, dataclasses.replace(CAMPAIGN, area_codes=[])) == [
        "areas",
        "ends_on",
        "title",
    ]
    assert not Campaign.objects.get().areas.exists()


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (dataclasses.replace(CAMPAIGN, ends_on=dt.date(2025, 2, 1)), "ends_on"),
        (dataclasses.replace(CAMPAIGN, title="  "), "title"),
        (dataclasses.replace(CAMPAIGN, area_codes=["D2", "ELSEWHERE"]), "areas"),
    ],
)
def test_an_invalid_campaign_edit_changes_nothing(
    with_areas: Actor, campaign: Campaign, given: services.CampaignInput, field: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(PreventError) as refused:
        services.change_campaign(with_areas, campaign, dataclasses.replace(given, objective="Changed"))
    assert refused.value.field == field
    stored = Campaign.objects.get()
    assert (stored.title, stored.objective, stored.ends_on) == (
        "Safe jobs",
        "Objective 6a7b",
        CAMPAIGN.ends_on,
    )
    assert list(stored.areas.values_list("code", flat=True)) == ["D1"]
    assert AuditEntry.objects.count() == entries


def test_an_activity_edit_and_its_refusals(with_areas: Actor, activity: CampaignActivity) -> None:
    before = _snapshot(CampaignActivity)
    for given, field in (
        (dataclasses.replace(ACTIVITY, currency="€", people_reached=5), "currency"),
        (dataclasses.replace(ACTIVITY, cost_amount=Decimal(-1)), "cost_amount"),
        (dataclasses.replace(ACTIVITY, hotline_contacts=-2), "hotline_contacts"),
        (dataclasses.replace(ACTIVITY, channel="pigeon"), "channel"),
        (dataclasses.replace(ACTIVITY, area_code="ELSEWHERE"), "area"),
    ):
        with pytest.raises(PreventError) as refused:
            services.change_activity(with_areas, activity, given)
        assert refused.value.field == field
    assert _snapshot(CampaignActivity) == before
    changed = services.change_activity(
        with_areas, activity, dataclasses.replace(ACTIVITY, cost_amount=None, people_reached=1500)
    )
    assert changed == ["cost_amount", "currency", "people_reached"]
    stored = CampaignActivity.objects.get()
    assert (stored.cost_amount, stored.currency, stored.people_reached) == (None, "", 1500)
    [details] = _audit(Action.UPDATE, "prevent.campaignactivity")
    assert details == {"campaign": activity.campaign.reference, "changed": changed}


def test_a_material_edit_changes_its_description_not_its_versions(trainer: Actor, material: Material) -> None:
    versions = _snapshot(MaterialVersion)
    with pytest.raises(PreventError) as refused:
        services.change_material(trainer, material, dataclasses.replace(MATERIAL, kind="sculpture"))
    assert refused.value.field == "kind"
    assert Material.objects.get().kind == "leaflet"
    changed = services.change_material(
        trainer, material, dataclasses.replace(MATERIAL, title="Your rights", topic="labour_rights")
    )
    assert changed == ["title", "topic"]
    assert Material.objects.values_list("title", "topic").get() == ("Your rights", "labour_rights")
    assert _snapshot(MaterialVersion) == versions
    assert _audit(Action.UPDATE, "prevent.material") == [
        {"changed": changed, "reference": material.reference}
    ]


def test_deleting_a_session_or_an_activity_removes_it_and_audits(
    with_areas: Actor, session: EducationSession, activity: CampaignActivity
) -> None:
    reference, activity_id = session.reference, activity.pk
    services.delete_session(with_areas, session)
    assert not EducationSession.objects.exists()
    assert _audit(Action.DELETE, "prevent.educationsession") == [{"people": 27, "reference": reference}]
    services.delete_activity(with_areas, activity)
    assert not CampaignActivity.objects.exists()
    assert Campaign.objects.exists()
    entry = AuditEntry.objects.get(action=Action.DELETE, object_type="prevent.campaignactivity")
    assert entry.object_id == str(activity_id)
    assert entry.details == {"campaign": activity.campaign.reference, "channel": "radio"}


def test_deleting_a_campaign_deletes_its_activities(with_areas: Actor, campaign: Campaign) -> None:
    services.record_activity(with_areas, campaign, dataclasses.replace(ACTIVITY, channel="event"))
    other = services.record_campaign(with_areas, dataclasses.replace(CAMPAIGN, title="Other"))
    services.record_activity(with_areas, other, ACTIVITY)
    reference = campaign.reference
    services.delete_campaign(with_areas, campaign)
    assert list(Campaign.objects.values_list("title", flat=True)) == ["Other"]
    assert list(CampaignActivity.objects.values_list("campaign__title", flat=True)) == ["Other"]
    assert Area.objects.count() == 2
    assert _audit(Action.DELETE, "prevent.campaign") == [{"activities": 2, "reference": reference}]


def _stored(version: MaterialVersion) -> tuple[Any, str]:
    assert version.file.name
    return version.file.storage, version.file.name


def test_deleting_a_version_removes_its_file_once_committed(
    trainer: Actor, material: Material, django_capture_on_commit_callbacks: Any
) -> None:
    version = material.versions.get(language="fr")
    storage, name = _stored(version)
    with django_capture_on_commit_callbacks() as callbacks:
        services.delete_material_version(trainer, version)
        # Still there until the deletion is committed.
        assert storage.exists(name)
    assert len(callbacks) == 1
    callbacks[0]()
    assert not storage.exists(name)
    assert list(material.versions.values_list("language", flat=True)) == ["en"]
    assert _audit(Action.DELETE, "prevent.materialversion") == [
        {"material": material.reference, "language": "fr", "type": "application/pdf"}
    ]
    # A link has no file: nothing to remove from storage.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.delete_material_version(trainer, material.versions.get())
    assert callbacks == []
    assert Material.objects.filter(pk=material.pk).exists()


def test_deleting_a_material_removes_every_version_and_file(
    trainer: Actor, material: Material, django_capture_on_commit_callbacks: Any
) -> None:
    services.add_material_version(
        trainer, material, services.VersionInput("es", SimpleUploadedFile("es.pdf", PDF))
    )
    files = [_stored(v) for v in material.versions.all() if v.file]
    assert len(files) == 2
    reference = material.reference
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_material(trainer, material)
    assert not Material.objects.exists()
    assert not MaterialVersion.objects.exists()
    assert not any(storage.exists(name) for storage, name in files)
    assert _audit(Action.DELETE, "prevent.material") == [{"versions": 3, "files": 2, "reference": reference}]


def _delete_then_fail(actor: Actor, material: Material) -> None:
    with transaction.atomic():
        services.delete_material(actor, material)
        raise RuntimeError("something later in the same transaction failed")


def test_a_rolled_back_deletion_keeps_the_file(
    trainer: Actor, material: Material, django_capture_on_commit_callbacks: Any
) -> None:
    storage, name = _stored(material.versions.get(language="fr"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _delete_then_fail(trainer, material)
    assert callbacks == []
    assert storage.exists(name)
    assert MaterialVersion.objects.count() == 2


Change = Callable[[Actor, dict[str, Any]], object]

CHANGES: dict[str, Change] = {
    "change_session": lambda actor, made: services.change_session(
        actor, made["session"], dataclasses.replace(SESSION, place="Moved")
    ),
    "delete_session": lambda actor, made: services.delete_session(actor, made["session"]),
    "change_campaign": lambda actor, made: services.change_campaign(
        actor, made["campaign"], dataclasses.replace(CAMPAIGN, title="Renamed")
    ),
    "delete_campaign": lambda actor, made: services.delete_campaign(actor, made["campaign"]),
    "change_activity": lambda actor, made: services.change_activity(
        actor, made["activity"], dataclasses.replace(ACTIVITY, people_reached=1)
    ),
    "delete_activity": lambda actor, made: services.delete_activity(actor, made["activity"]),
    "change_material": lambda actor, made: services.change_material(
        actor, made["material"], dataclasses.replace(MATERIAL, title="Renamed")
    ),
    "delete_material": lambda actor, made: services.delete_material(actor, made["material"]),
    "delete_material_version": lambda actor, made: services.delete_material_version(
        actor, made["material"].versions.get(language="fr")
    ),
}


@pytest.fixture
def made(
    session: EducationSession, campaign: Campaign, activity: CampaignActivity, material: Material
) -> dict[str, Any]:
    return {"session": session, "campaign": campaign, "activity": activity, "material": material}


@pytest.mark.parametrize("name", sorted(CHANGES))
@pytest.mark.parametrize("who", ["other organisation's trainer", "caseworker", "analyst", "supervisor"])
def test_only_trainers_and_admins_of_the_organisation_change_or_delete(
    name: str,
    who: str,
    org: Organisation,
    other_org: Organisation,
    make_member: MakeMember,
    made: dict[str, Any],
) -> None:
    roles = {"caseworker": Role.CASEWORKER, "analyst": Role.ANALYST, "supervisor": Role.SUPERVISOR}
    actor = make_member(other_org, Role.TRAINER) if who not in roles else make_member(org, roles[who])
    models = (EducationSession, Campaign, CampaignActivity, Material, MaterialVersion)
    before, entries = [_snapshot(model) for model in models], AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        CHANGES[name](actor, made)
    assert [_snapshot(model) for model in models] == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_an_org_admin_changes_and_deletes(
    name: str, org: Organisation, make_member: MakeMember, made: dict[str, Any]
) -> None:
    entries = AuditEntry.objects.count()
    CHANGES[name](make_member(org, Role.ORG_ADMIN), made)
    assert AuditEntry.objects.count() == entries + 1
