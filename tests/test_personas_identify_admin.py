"""Four personas for Identify's organisation pages: the referral directory and organisations' own instruments.

The directory is shared on purpose: every member of every organisation reads every entry (public contact details
of services) and sees which organisation keeps it. Only the keeping organisation's admins change an entry.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.identify import services
from threefold.identify.models import DirectoryEntry, DirectoryKind, InstrumentSource

REPO = Path(__file__).resolve().parent.parent
OUR_ENTRY = "Ligne d\u2019\u00e9coute traite 24h"  # a typographic apostrophe: HTML shows it as it is
OUR_PHONE = "+33 1 40 00 00 01"
THEIR_ENTRY = "Albergue Esperanza"
OUR_INSTRUMENT = "home_ngo_youth_screen"


def instrument_text(instrument_id: str, version: str, *, base: str = "quick_youth_indicators") -> str:
    """A shipped instrument under another id and version: a valid instrument of an organisation's own."""
    text = (REPO / "instruments" / f"{base}.yaml").read_text(encoding="utf-8")
    text, ids = re.subn(r"(?m)^id: .*$", f"id: {instrument_id}", text, count=1)
    text, versions = re.subn(r"(?m)^version: .*$", f'version: "{version}"', text, count=1)
    assert ids == versions == 1
    return text


def instrument_file(instrument_id: str, version: str, name: str = "instrument.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, instrument_text(instrument_id, version).encode(), content_type="text/yaml"
    )


def entry_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": DirectoryKind.HOTLINE.value,
        "name": OUR_ENTRY,
        "country": "FR",
        "region": "",
        "phone": OUR_PHONE,
        "website": "https://hotline.example.org/",
        "email": "ecoute@hotline.example.org",
        "hours": "24/7",
        "languages": "fr, en, ar",
        "serves_children": True,
        "urgent": True,
        "notes": "",
    }
    values.update(changes)
    return values


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """What a browser posts: unchecked boxes are left out."""
    return {key: value for key, value in values.items() if value is not False}


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    ours = services.save_directory_entry(world.actors["admin"], entry_values())
    theirs = services.save_directory_entry(
        world.actors["other_admin"],
        entry_values(
            kind=DirectoryKind.SHELTER.value,
            name=THEIR_ENTRY,
            country="MX",
            region="Jalisco",
            phone="+52 33 0000 0000",
            urgent=False,
        ),
    )
    source = services.upload_instrument(world.actors["supervisor"], instrument_text(OUR_INSTRUMENT, "1.0.0"))
    world.extras.update(entry=ours, other_entry=theirs, source=source)
    return world


def _entry(w: World) -> DirectoryEntry:
    entry: DirectoryEntry = w.extras["entry"]
    return entry


def _source(w: World) -> InstrumentSource:
    source: InstrumentSource = w.extras["source"]
    return source


def _our_entries(w: World) -> object:
    return DirectoryEntry.objects.filter(organisation=w.org).count()


def _entry_name(w: World) -> object:
    return DirectoryEntry.objects.filter(pk=_entry(w).pk).values_list("name", flat=True).first()


def _entry_exists(w: World) -> object:
    return DirectoryEntry.objects.filter(pk=_entry(w).pk).exists()


def _our_sources(w: World) -> object:
    return InstrumentSource.objects.filter(organisation=w.org).count()


def _source_retired(w: World) -> object:
    return InstrumentSource.objects.get(pk=_source(w).pk).retired_at is not None


ADMINS_ONLY = ("supervisor", "caseworker", "screener", "loner")
MANAGERS_ONLY = ("caseworker", "legal_officer", "screener", "trainer", "loner")

ROWS: tuple[Row, ...] = (
    # ---- referral directory
    # Every member reads every organisation's entries and sees who keeps them: that is the directory's purpose.
    # The outsider persona must never see our organisation's name, so this row lists another country, where
    # our member sees the other organisation's shelter. That outsiders do see our entries (with no way to change
    # them) is checked in tests/test_identify_admin_pages.py.
    Row(
        "identify:directory",
        "GET",
        lambda w: reverse("identify:directory") + "?country=MX",
        other_org="other_caseworker",
        denied=("loner", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: THEIR_ENTRY,
        secret=lambda w: OUR_ENTRY,
        other_org_status=(200,),
        denied_status=(403,),
    ),
    Row(
        "identify:directory_add",
        "GET",
        lambda w: reverse("identify:directory_add"),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="country"',
        secret=lambda w: OUR_ENTRY,
        # The outsider's admin adds to their own organisation's entries.
        other_org_status=(200,),
    ),
    Row(
        "identify:directory_add",
        "POST",
        lambda w: reverse("identify:directory_add"),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=302,
        data=lambda w: form_data(entry_values(name="Inspection du travail", kind="labour_inspectorate")),
        state=_our_entries,
        other_org_status=(302,),
    ),
    Row(
        "identify:directory_edit",
        "GET",
        lambda w: reverse("identify:directory_edit", args=[_entry(w).pk]),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=200,
        shows=lambda w: f'value="{OUR_PHONE}"',
    ),
    Row(
        "identify:directory_edit",
        "POST",
        lambda w: reverse("identify:directory_edit", args=[_entry(w).pk]),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=302,
        data=lambda w: form_data(entry_values(name="Ligne nationale 3919")),
        state=_entry_name,
        secret=lambda w: OUR_PHONE,
    ),
    Row(
        "identify:directory_delete",
        "GET",
        lambda w: reverse("identify:directory_delete", args=[_entry(w).pk]),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=200,
        shows=lambda w: OUR_PHONE,
    ),
    Row(
        "identify:directory_delete",
        "POST",
        lambda w: reverse("identify:directory_delete", args=[_entry(w).pk]),
        other_org="other_admin",
        denied=ADMINS_ONLY,
        authorised="admin",
        ok_status=302,
        state=_entry_exists,
    ),
    # ---- organisations' own instruments (supervisors and organisation admins)
    Row(
        "identify:my_instruments",
        "GET",
        lambda w: reverse("identify:my_instruments"),
        other_org="other_supervisor",
        denied=MANAGERS_ONLY,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_INSTRUMENT,
        # The outsider sees their own organisation's (empty) list.
        other_org_status=(200,),
    ),
    Row(
        "identify:upload_instrument",
        "POST",
        lambda w: reverse("identify:upload_instrument"),
        other_org="other_supervisor",
        denied=MANAGERS_ONLY,
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"file": instrument_file(OUR_INSTRUMENT, "1.1.0")},
        state=_our_sources,
        # The outsider stores the file in their own organisation; ours is untouched (checked by ``state``).
        other_org_status=(302,),
    ),
    Row(
        "identify:retire_instrument",
        "POST",
        lambda w: reverse("identify:retire_instrument", args=[_source(w).pk]),
        other_org="other_supervisor",
        denied=MANAGERS_ONLY,
        authorised="supervisor",
        ok_status=302,
        state=_source_retired,
    ),
    Row(
        "identify:instrument_source",
        "GET",
        lambda w: reverse("identify:instrument_source", args=[_source(w).pk]),
        other_org="other_supervisor",
        denied=MANAGERS_ONLY,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: f"id: {OUR_INSTRUMENT}",
    ),
    # The schema is the same for everybody and names no organisation: every member may read it.
    Row(
        "identify:instrument_schema",
        "GET",
        lambda w: reverse("identify:instrument_schema"),
        other_org="other_caseworker",
        denied=("loner", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "urn:threefold:instrument:1",
        secret=lambda w: OUR_INSTRUMENT,
        other_org_status=(200,),
        denied_status=(403,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)
