"""Prevention services: all-or-nothing imports with line numbers, uploads refused by content and size, the
coverage figures by area and month with small screening counts suppressed, and an audit entry for every change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
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
from threefold.prevent.models import Area, AreaIndicator, MaterialVersion
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
    assert "passwd" not in version.file.name
    assert version.file.name.startswith("prevent/materials/")
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
            services.ActivityInput("radio", dt.date(2025, 1, 2), cost_amount=10, currency="€"),
        )
    services.record_activity(
        with_areas,
        campaign,
        services.ActivityInput(
            "radio", dt.date(2025, 1, 2), "D1", cost_amount=300, currency="eur", people_reached=600
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
