"""The only way to read an organisation's prevention records for a user: areas and indicators, education sessions,
materials, campaigns, and the counts the map and the coverage dashboard show.

Everything is scoped to the actor's organisation: another organisation's record is a 404, never a 403. Every member
reads (``prevent.view``); the screening and referral counts by area are statistics about survivors, read only with
``prevent.view_coverage`` and published only through ``threefold.disclosure`` (``threefold.prevent.dashboard``).
No personal data is kept here, so reads are not audited; every change is (``services``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.identify.models import Screening
from threefold.identify.models import Status as ScreeningStatus
from threefold.prevent.core import reach as reach_core
from threefold.prevent.core.geojson import Polygon
from threefold.prevent.models import (
    Area,
    AreaIndicator,
    Campaign,
    CampaignActivity,
    EducationSession,
    IndicatorKind,
    Material,
    MaterialVersion,
)
from threefold.referrals.models import Referral

Event = tuple[str, dt.date, int]  # (area code, day, count)


def _org(actor: Actor) -> int:
    if not allowed(actor, "prevent.view"):
        raise Http404
    return actor.org_id


# ---- areas and indicators


def areas(actor: Actor) -> list[Area]:
    return list(Area.objects.filter(organisation_id=_org(actor)))


def area_codes(actor: Actor) -> set[str]:
    return set(Area.objects.filter(organisation_id=_org(actor)).values_list("code", flat=True))


def area_choices(actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the organisation's areas, for the area select of other apps' forms; empty for an actor
    without an organisation, so those forms simply leave the select out."""
    if actor.organisation_id is None or not allowed(actor, "prevent.view"):
        return []
    return [(a.code, a.name) for a in Area.objects.filter(organisation_id=actor.org_id).only("code", "name")]


def area_by_code(actor: Actor, code: str) -> Area:
    found = Area.objects.filter(organisation_id=_org(actor), code=code).first()
    if found is None:
        raise Http404
    return found


def boundaries(actor: Actor) -> dict[str, list[Polygon]]:
    rows = Area.objects.filter(organisation_id=_org(actor), boundary__isnull=False).values_list(
        "code", "boundary"
    )
    return {
        code: [
            tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon)
            for polygon in boundary or []
        ]
        for code, boundary in rows
    }


@dataclass(frozen=True)
class IndicatorOption:
    kind: str
    label: str  # the custom label, "" for the fixed kinds
    years: tuple[int, ...]  # newest first

    @property
    def key(self) -> str:
        return f"custom:{self.label}" if self.kind == IndicatorKind.CUSTOM else self.kind

    @property
    def name(self) -> str:
        return self.label if self.kind == IndicatorKind.CUSTOM else str(IndicatorKind(self.kind).label)


def indicator_options(actor: Actor) -> list[IndicatorOption]:
    years: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, label, year in AreaIndicator.objects.filter(organisation_id=_org(actor)).values_list(
        "kind", "label", "year"
    ):
        years[(kind, label)].add(year)
    order = {kind: i for i, kind in enumerate(IndicatorKind.values)}
    return [
        IndicatorOption(kind, label, tuple(sorted(found, reverse=True)))
        for (kind, label), found in sorted(years.items(), key=lambda item: (order[item[0][0]], item[0][1]))
    ]


@dataclass(frozen=True)
class IndicatorValue:
    value: float
    source: str


def indicator_values(actor: Actor, option: IndicatorOption, year: int) -> dict[str, IndicatorValue]:
    rows = AreaIndicator.objects.filter(
        organisation_id=_org(actor), kind=option.kind, label=option.label, year=year
    ).values_list("area__code", "value", "source")
    return {code: IndicatorValue(value, source) for code, value, source in rows}


def indicator_count(actor: Actor) -> int:
    return AreaIndicator.objects.filter(organisation_id=_org(actor)).count()


# ---- education sessions


def sessions(actor: Actor) -> QuerySet[EducationSession]:
    return EducationSession.objects.filter(organisation_id=_org(actor)).select_related("area")


def session(actor: Actor, reference: str) -> EducationSession:
    found = sessions(actor).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


# ---- materials


def materials(actor: Actor) -> QuerySet[Material]:
    return Material.objects.filter(organisation_id=_org(actor)).prefetch_related("versions")


def material(actor: Actor, reference: str) -> Material:
    found = materials(actor).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def material_version(actor: Actor, reference: str, version_id: int) -> MaterialVersion:
    """One language version (an uploaded file or a link) of one of the organisation's materials."""
    version = (
        MaterialVersion.objects.filter(
            material__organisation_id=_org(actor), material__reference=reference, pk=version_id
        )
        .select_related("material")
        .first()
    )
    if version is None:
        raise Http404
    return version


def material_file(actor: Actor, reference: str, version_id: int) -> tuple[MaterialVersion, bytes]:
    """An uploaded language version and its bytes (a link has none: 404)."""
    version = material_version(actor, reference, version_id)
    if not version.file:
        raise Http404
    with version.file.open("rb") as handle:
        return version, handle.read()


# ---- campaigns


def campaigns(actor: Actor) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation_id=_org(actor)).prefetch_related("areas", "activities")


def campaign(actor: Actor, reference: str) -> Campaign:
    found = campaigns(actor).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def activities(campaign: Campaign) -> list[CampaignActivity]:
    return list(campaign.activities.select_related("area"))


def activity(actor: Actor, reference: str, activity_id: int) -> CampaignActivity:
    """One activity of one of the organisation's campaigns (the campaign's reference and the activity's id)."""
    found = (
        CampaignActivity.objects.filter(
            campaign__organisation_id=_org(actor), campaign__reference=reference, pk=activity_id
        )
        .select_related("campaign", "area")
        .first()
    )
    if found is None:
        raise Http404
    return found


def recent_activities(actor: Actor, limit: int = 5) -> list[CampaignActivity]:
    rows = CampaignActivity.objects.filter(campaign__organisation_id=_org(actor)).select_related(
        "campaign", "area"
    )
    return list(rows.order_by("-held_on", "-pk")[:limit])


# ---- coverage: what prevention reached, by area


def activities_by_area(actor: Actor) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for code in CampaignActivity.objects.filter(
        campaign__organisation_id=_org(actor), area__isnull=False
    ).values_list("area__code", flat=True):
        counts[code] += 1
    return dict(counts)


def sessions_by_area(actor: Actor) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for code in sessions(actor).filter(area__isnull=False).values_list("area__code", flat=True):
        counts[code] += 1
    return dict(counts)


def campaign_reach_events(actor: Actor, since: dt.date) -> list[Event]:
    rows = CampaignActivity.objects.filter(
        campaign__organisation_id=_org(actor), area__isnull=False, held_on__gte=since
    ).values_list("area__code", "held_on", "people_reached")
    return [(code, day, n) for code, day, n in rows]


def education_reach_events(actor: Actor, since: dt.date) -> list[Event]:
    rows = (
        sessions(actor)
        .filter(area__isnull=False, held_on__gte=since)
        .values_list("area__code", "held_on", "reach")
    )
    return [(code, day, reach_core.total(reach)) for code, day, reach in rows]


def _coverage_reader(actor: Actor) -> int:
    org = _org(actor)
    if not allowed(actor, "prevent.view_coverage"):
        raise PermissionDenied
    return org


def screening_events(actor: Actor, since: dt.date) -> list[Event]:
    """Completed screenings with an area, one event each (true counts: publish through disclosure only)."""
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows = (
        Screening.objects.filter(
            organisation_id=_coverage_reader(actor),
            status=ScreeningStatus.COMPLETE,
            completed_at__gte=since_at,
        )
        .exclude(area_code="")
        .values_list("area_code", "completed_at")
    )
    return [(code, timezone.localdate(at), 1) for code, at in rows]


def referral_events(actor: Actor, since: dt.date) -> list[Event]:
    """Referrals the organisation sent, with an area, one event each (true counts: disclosure only)."""
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows = (
        Referral.objects.filter(from_organisation_id=_coverage_reader(actor), sent_at__gte=since_at)
        .exclude(area_code="")
        .values_list("area_code", "sent_at")
    )
    return [(code, timezone.localdate(at), 1) for code, at in rows]


def month_start(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)
