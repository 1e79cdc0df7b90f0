"""The only way to change an organisation's prevention records: permission, validation, transaction and audit
entry together.

Imports (areas, boundaries, indicators) are all or nothing: a file with any problem changes nothing and every
problem comes back with its line (or feature) number. Uploaded materials are kept only when their bytes are a
PDF, PNG or JPEG under the size limit, whatever their name says, under a random name (ADR 0029).

Sessions, materials, campaigns and activities are recorded and changed through one check of their values per
kind (``_session_values``...), so an edit accepts exactly what recording accepts. A change is audited with the
names of the fields it changed (never their values), and a change that changes nothing writes nothing. Deleting
removes the record with what belongs to it; a stored file goes from storage only once the deletion is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError, require
from threefold.countries.loaders.results import BadFileError, Parsed
from threefold.identify.models import Screening
from threefold.prevent import access
from threefold.prevent.core import areas as areas_core
from threefold.prevent.core import files as files_core
from threefold.prevent.core import geojson as geojson_core
from threefold.prevent.core import indicators as indicators_core
from threefold.prevent.core import reach as reach_core
from threefold.prevent.core.text import problem_with_text
from threefold.prevent.core.vocabulary import CHANNELS, MATERIAL_KINDS, SETTINGS, TOPICS
from threefold.prevent.models import (
    Area,
    AreaIndicator,
    Campaign,
    CampaignActivity,
    EducationSession,
    Material,
    MaterialVersion,
)
from threefold.referrals.models import Referral

RowT = TypeVar("RowT")
LANGUAGE_CODE_CHARS = 12


class PreventError(FieldError):
    """A change the records cannot take. ``field`` names the form field it is about ("" for the whole form)."""


check = Checks(PreventError)


class ImportRefused(ValueError):
    """A file that was not imported, with every reason (line- or feature-numbered where they have one)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


def _read(parse: Callable[[], Parsed[RowT]]) -> tuple[RowT, ...]:
    """The rows of a file without problems, or ImportRefused with every problem."""
    try:
        parsed = parse()
    except BadFileError as error:
        raise ImportRefused([str(error)]) from None
    if parsed.problems:
        raise ImportRefused([str(problem) for problem in parsed.problems])
    if not parsed.rows:
        raise ImportRefused([_("The file has no data rows.")])
    return parsed.rows


def _text(field_name: str, value: str, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if problem_with_text(value, limit=limit, required=required) is not None:
        if required and not value:
            raise PreventError(field_name, _("Write a few words; this cannot be empty."))
        if len(value) > limit:
            raise PreventError(field_name, _("Write at most %(n)s characters.") % {"n": limit})
        raise PreventError(field_name, _("Control characters are not allowed."))
    return value


def _area(actor: Actor, field_name: str, code: str) -> Area | None:
    if not code:
        return None
    found = Area.objects.filter(organisation_id=actor.org_id, code=code).first()
    if found is None:
        raise PreventError(field_name, _("Choose one of your organisation's areas."))
    return found


def _language(field_name: str, code: str) -> str:
    code = (code or "").strip()
    if (
        not code
        or len(code) > LANGUAGE_CODE_CHARS
        or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in code)
    ):
        raise PreventError(field_name, _("Give a language code such as fr, en or pt-BR."))
    return code


def _https(field_name: str, url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or any(ch.isspace() for ch in url) or len(url) > 500:
        raise PreventError(field_name, _("Give a web address starting with https://."))
    return url


def _save_changes(
    actor: Actor,
    obj: models.Model,
    values: Mapping[str, Any],
    *,
    also: Mapping[str, Callable[[], None]] | None = None,
    details: Mapping[str, Any] | None = None,
) -> list[str]:
    """Give ``obj`` the checked ``values`` and audit the names of the fields that changed; ``also`` holds the
    changes that are not plain fields (a set of areas), by name, to make only when needed. Nothing is written,
    audit entry included, when nothing changed. Returns the sorted names of the changed fields."""
    fields = {name: value for name, value in values.items() if getattr(obj, name) != value}
    others = dict(also or {})
    changed = sorted([*fields, *others])
    if not changed:
        return []
    with transaction.atomic():
        for name, value in fields.items():
            setattr(obj, name, value)
        if fields:
            obj.save(update_fields=list(fields))
        for change in others.values():
            change()
        audit.record(actor, Action.UPDATE, obj, details={**(details or {}), "changed": changed})
    return changed


def _delete(
    actor: Actor, obj: models.Model, details: dict[str, Any], files: Sequence[FieldFile] = ()
) -> None:
    """Delete ``obj`` and what cascades with it, with its audit entry. Its stored ``files`` are removed once the
    deletion is committed (a rolled-back deletion keeps them); a file that cannot be removed then is logged,
    not raised: the records are already gone."""
    stored = [(file.storage, name) for file in files if (name := file.name)]
    with transaction.atomic():
        audit.record(actor, Action.DELETE, obj, details=details)
        obj.delete()
        for storage, name in stored:
            transaction.on_commit(partial(storage.delete, name), robust=True)


# ---- imports


def import_areas(actor: Actor, data: bytes) -> ImportResult:
    """Add the file's areas and update those already there (matched by code); nothing if any line is wrong."""
    require(actor, "prevent.manage")
    org = actor.org_id
    existing = {area.code: area for area in Area.objects.filter(organisation_id=org)}
    rows = _read(lambda: areas_core.parse_areas(data, existing))
    added = updated = 0
    with transaction.atomic():
        for row in rows:
            values = {
                "name": row.name,
                "level": row.level,
                "parent_code": row.parent_code,
                "tile_row": row.row,
                "tile_col": row.col,
            }
            if row.code in existing:
                Area.objects.filter(pk=existing[row.code].pk).update(**values)
                updated += 1
            else:
                Area.objects.create(organisation_id=org, code=row.code, **values)
                added += 1
        audit.record(
            actor, Action.CREATE, ("prevent.area", "import"), details={"added": added, "updated": updated}
        )
    return ImportResult(added, updated)


def import_boundaries(actor: Actor, data: bytes, code_property: str) -> ImportResult:
    """Set the boundaries of the areas the FeatureCollection names; nothing if any feature is wrong."""
    require(actor, "prevent.manage")
    code_property = _text("code_property", code_property, limit=60, required=True)
    org = actor.org_id
    codes = set(Area.objects.filter(organisation_id=org).values_list("code", flat=True))
    if not codes:
        raise ImportRefused([_("Import the areas first: boundaries belong to areas.")])
    rows = _read(lambda: geojson_core.parse_boundaries(data, code_property, codes))
    with transaction.atomic():
        for boundary in rows:
            shape = [[[list(point) for point in ring] for ring in polygon] for polygon in boundary.polygons]
            Area.objects.filter(organisation_id=org, code=boundary.code).update(boundary=shape)
        audit.record(actor, Action.UPDATE, ("prevent.area", "boundaries"), details={"areas": len(rows)})
    return ImportResult(0, len(rows))


def import_indicators(actor: Actor, data: bytes) -> ImportResult:
    """Add or replace the file's values (one per area, indicator and year); nothing if any line is wrong."""
    require(actor, "prevent.manage")
    org = actor.org_id
    areas = {area.code: area for area in Area.objects.filter(organisation_id=org)}
    if not areas:
        raise ImportRefused([_("Import the areas first: indicators belong to areas.")])
    rows = _read(lambda: indicators_core.parse_indicators(data, areas))
    added = updated = 0
    with transaction.atomic():
        for row in rows:
            _obj, created = AreaIndicator.objects.update_or_create(
                organisation_id=org,
                area=areas[row.area_code],
                kind=row.kind,
                label=row.label,
                year=row.year,
                defaults={"value": row.value, "source": row.source},
            )
            added, updated = (added + 1, updated) if created else (added, updated + 1)
        audit.record(
            actor,
            Action.CREATE,
            ("prevent.areaindicator", "import"),
            details={"added": added, "updated": updated},
        )
    return ImportResult(added, updated)


# ---- education sessions


@dataclass(frozen=True)
class SessionInput:
    held_on: dt.date
    setting: str
    topics: Sequence[str]
    language: str
    reach: dict[str, dict[str, int]]
    area_code: str = ""
    place: str = ""
    facilitator: str = ""
    note: str = ""


def _session_values(actor: Actor, given: SessionInput) -> dict[str, Any]:
    """The checked fields of a session, for recording one and for changing one."""
    topics = [topic for topic in TOPICS if topic in set(given.topics)]
    if not topics or len(topics) != len(set(given.topics)):
        raise PreventError("topics", _("Choose at least one topic from the list."))
    try:
        reach = reach_core.normalise(given.reach)
    except ValueError:
        raise PreventError("", _("Counts of people reached are whole numbers from 0 to 100,000.")) from None
    if reach_core.total(reach) == 0:
        raise PreventError("", _("Count at least one person reached."))
    return {
        "held_on": given.held_on,
        "area": _area(actor, "area", given.area_code),
        "setting": check.choice("setting", given.setting, SETTINGS),
        "place": _text("place", given.place, limit=200),
        "topics": topics,
        "facilitator": _text("facilitator", given.facilitator, limit=200),
        "language": _language("language", given.language),
        "reach": reach,
        "note": check.text("note", given.note),
    }


def record_session(actor: Actor, given: SessionInput) -> EducationSession:
    require(actor, "prevent.manage")
    values = _session_values(actor, given)
    with transaction.atomic():
        session = EducationSession.objects.create(
            organisation_id=actor.org_id, recorded_by=actor.user, **values
        )
        audit.record(actor, Action.CREATE, session, details={"people": session.people_reached})
    return session


def change_session(actor: Actor, session: EducationSession, given: SessionInput) -> list[str]:
    """Change every field of a session; the names of the changed fields (none: nothing written)."""
    require(actor, "prevent.change", session)
    return _save_changes(actor, session, _session_values(actor, given))


def delete_session(actor: Actor, session: EducationSession) -> None:
    require(actor, "prevent.change", session)
    _delete(actor, session, {"people": session.people_reached})


# ---- materials


@dataclass(frozen=True)
class MaterialInput:
    title: str
    kind: str
    topic: str
    audience: str = ""


@dataclass(frozen=True)
class VersionInput:
    language: str
    upload: UploadedFile | None = None
    link: str = ""


def _material_values(given: MaterialInput) -> dict[str, Any]:
    """The checked fields of a material (not its language versions), for adding one and for changing one."""
    return {
        "title": _text("title", given.title, limit=200, required=True),
        "kind": check.choice("kind", given.kind, MATERIAL_KINDS),
        "topic": check.choice("topic", given.topic, TOPICS),
        "audience": _text("audience", given.audience, limit=200),
    }


def record_material(actor: Actor, given: MaterialInput, first: VersionInput) -> Material:
    """A material with its first language version."""
    require(actor, "prevent.manage")
    values = _material_values(given)
    with transaction.atomic():
        material = Material.objects.create(organisation_id=actor.org_id, recorded_by=actor.user, **values)
        audit.record(actor, Action.CREATE, material, details={"kind": material.kind})
        _add_version(actor, material, first)
    return material


def change_material(actor: Actor, material: Material, given: MaterialInput) -> list[str]:
    """Change what describes a material (title, kind, topic, audience); its versions are added or deleted."""
    require(actor, "prevent.change", material)
    return _save_changes(actor, material, _material_values(given))


def delete_material(actor: Actor, material: Material) -> None:
    """Delete a material with every language version and its stored files."""
    require(actor, "prevent.change", material)
    versions = list(material.versions.all())
    files = [version.file for version in versions if version.file]
    _delete(actor, material, {"versions": len(versions), "files": len(files)}, files)


def delete_material_version(actor: Actor, version: MaterialVersion) -> None:
    """Delete one language version of a material, and its stored file if it has one."""
    material = version.material
    require(actor, "prevent.change", material)
    details = {
        "material": material.reference,
        "language": version.language,
        "type": version.content_type or "link",
    }
    _delete(actor, version, details, [version.file])


def add_material_version(actor: Actor, material: Material, given: VersionInput) -> MaterialVersion:
    require(actor, "prevent.change", material)
    with transaction.atomic():
        return _add_version(actor, material, given)


def _add_version(actor: Actor, material: Material, given: VersionInput) -> MaterialVersion:
    language = _language("language", given.language)
    if material.versions.filter(language=language).exists():
        raise PreventError("language", _("This material already has a version in this language."))
    if (given.upload is None) == (not given.link.strip()):
        raise PreventError("file", _("Upload a file or give a link, not both."))
    version = MaterialVersion(material=material, language=language)
    if given.upload is not None:
        content = _checked_upload(given.upload)
        version.content_type, version.extension = files_core.sniff(content) or ("", "")
        version.size = len(content)
        version.file.save("material", ContentFile(content), save=False)
    else:
        version.link = _https("link", given.link)
    version.save()
    audit.record(
        actor,
        Action.CREATE,
        version,
        details={
            "material": material.reference,
            "language": language,
            "type": version.content_type or "link",
        },
    )
    return version


def _checked_upload(upload: UploadedFile) -> bytes:
    limit = files_core.MAX_MATERIAL_BYTES
    if upload.size is None or upload.size > limit:
        raise PreventError("file", _("The file is larger than %(n)s MB.") % {"n": limit // (1024 * 1024)})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise PreventError("file", _("The file is larger than %(n)s MB.") % {"n": limit // (1024 * 1024)})
    if files_core.sniff(content[:16]) is None:
        raise PreventError("file", _("Upload a PDF, PNG or JPEG file (its contents, not its name, decide)."))
    return content


# ---- campaigns


@dataclass(frozen=True)
class CampaignInput:
    title: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    objective: str = ""
    area_codes: Sequence[str] = ()


def _campaign_values(actor: Actor, given: CampaignInput) -> tuple[dict[str, Any], list[Area]]:
    """The checked fields of a campaign and its areas, for recording one and for changing one."""
    if given.ends_on is not None and given.ends_on < given.starts_on:
        raise PreventError("ends_on", _("The campaign cannot end before it starts."))
    found = [_area(actor, "areas", code) for code in dict.fromkeys(given.area_codes)]
    areas = [area for area in found if area is not None]
    values = {
        "title": _text("title", given.title, limit=200, required=True),
        "objective": check.text("objective", given.objective),
        "starts_on": given.starts_on,
        "ends_on": given.ends_on,
    }
    return values, areas


def record_campaign(actor: Actor, given: CampaignInput) -> Campaign:
    require(actor, "prevent.manage")
    values, areas = _campaign_values(actor, given)
    with transaction.atomic():
        campaign = Campaign.objects.create(organisation_id=actor.org_id, recorded_by=actor.user, **values)
        campaign.areas.set(areas)
        audit.record(actor, Action.CREATE, campaign, details={"areas": len(areas)})
    return campaign


def change_campaign(actor: Actor, campaign: Campaign, given: CampaignInput) -> list[str]:
    """Change a campaign's title, dates, objective and areas (its activities are changed one by one)."""
    require(actor, "prevent.change", campaign)
    values, areas = _campaign_values(actor, given)
    also: dict[str, Callable[[], None]] = {}
    if {area.pk for area in areas} != set(campaign.areas.values_list("pk", flat=True)):
        also["areas"] = partial(campaign.areas.set, areas)
    return _save_changes(actor, campaign, values, also=also)


def delete_campaign(actor: Actor, campaign: Campaign) -> None:
    """Delete a campaign with all its activities."""
    require(actor, "prevent.change", campaign)
    _delete(actor, campaign, {"activities": campaign.activities.count()})


@dataclass(frozen=True)
class ActivityInput:
    channel: str
    held_on: dt.date
    area_code: str = ""
    description: str = ""
    cost_amount: Decimal | None = None
    currency: str = ""
    people_reached: int = 0
    materials_distributed: int = 0
    hotline_contacts: int = 0


def _activity_values(actor: Actor, given: ActivityInput) -> dict[str, Any]:
    """The checked fields of a campaign activity, for recording one and for changing one."""
    currency = (given.currency or "").strip().upper()
    if given.cost_amount is not None:
        if given.cost_amount < 0:
            raise PreventError("cost_amount", _("A cost cannot be negative."))
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            raise PreventError("currency", _("Give the currency as a three-letter code such as EUR."))
    else:
        currency = ""
    for name in ("people_reached", "materials_distributed", "hotline_contacts"):
        if not 0 <= getattr(given, name) <= 100_000_000:
            raise PreventError(name, _("A count is a whole number, 0 or more."))
    return {
        "channel": check.choice("channel", given.channel, CHANNELS),
        "held_on": given.held_on,
        "area": _area(actor, "area", given.area_code),
        "description": _text("description", given.description, limit=300),
        "cost_amount": given.cost_amount,
        "currency": currency,
        "people_reached": given.people_reached,
        "materials_distributed": given.materials_distributed,
        "hotline_contacts": given.hotline_contacts,
    }


def record_activity(actor: Actor, campaign: Campaign, given: ActivityInput) -> CampaignActivity:
    require(actor, "prevent.change", campaign)
    values = _activity_values(actor, given)
    with transaction.atomic():
        activity = CampaignActivity.objects.create(campaign=campaign, recorded_by=actor.user, **values)
        audit.record(
            actor,
            Action.CREATE,
            activity,
            details={"campaign": campaign.reference, "channel": activity.channel},
        )
    return activity


def change_activity(actor: Actor, activity: CampaignActivity, given: ActivityInput) -> list[str]:
    campaign = activity.campaign
    require(actor, "prevent.change", campaign)
    values = _activity_values(actor, given)
    return _save_changes(actor, activity, values, details={"campaign": campaign.reference})


def delete_activity(actor: Actor, activity: CampaignActivity) -> None:
    campaign = activity.campaign
    require(actor, "prevent.change", campaign)
    _delete(actor, activity, {"campaign": campaign.reference, "channel": activity.channel})


# ---- areas of screenings and referrals (the coverage dashboard's link to identify and referrals)


def _checked_area_code(actor: Actor, code: str) -> str:
    code = (code or "").strip()
    if code and code not in access.area_codes(actor):
        raise PreventError("area_code", _("Choose one of your organisation's areas."))
    return code


def set_screening_area(actor: Actor, screening: Screening, code: str) -> None:
    """Record where a screening of the actor's organisation took place (an area code, or "" for none)."""
    if screening.organisation_id != actor.organisation_id:
        raise PermissionDenied
    code = _checked_area_code(actor, code)
    with transaction.atomic():
        Screening.objects.filter(pk=screening.pk).update(area_code=code)
        audit.record(actor, Action.UPDATE, screening, details={"fields": ["area_code"]})
    screening.area_code = code


def set_referral_area(actor: Actor, referral: Referral, code: str) -> None:
    """Record the area a referral the actor's organisation sent comes from (an area code, or "" for none)."""
    if referral.from_organisation_id != actor.organisation_id:
        raise PermissionDenied
    code = _checked_area_code(actor, code)
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(area_code=code)
        audit.record(actor, Action.UPDATE, referral, details={"fields": ["area_code"]})
    referral.area_code = code
