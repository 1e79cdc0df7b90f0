"""Models of prevent (issue 8): an organisation's administrative areas and their indicators, education sessions,
the materials library, and awareness campaigns with their activities. No personal data: reach is counted, never
named (ADR 0029)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.prevent.core import reach as reach_core


def _reference(prefix: str) -> str:
    return prefix + secrets.token_hex(4).upper()


def new_session_reference() -> str:
    return _reference("ES-")


def new_material_reference() -> str:
    return _reference("MT-")


def new_campaign_reference() -> str:
    return _reference("CP-")


def material_storage() -> Storage:
    """The project's storage (settings.MEDIA_ROOT, under the var directory by default); a callable so that a test
    setting takes effect and migrations do not record a path."""
    return default_storage


def material_path(_instance: Any, _filename: str) -> str:
    # A random name: the uploader's file name never reaches the disk or a URL (ADR 0029).
    return f"prevent/materials/{uuid.uuid4().hex}"


class Area(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=60, blank=True)
    parent_code = models.CharField(max_length=40, blank=True)
    tile_row = models.PositiveSmallIntegerField(null=True, blank=True)
    tile_col = models.PositiveSmallIntegerField(null=True, blank=True)
    # [[[[lon, lat], ...] ring, ...] polygon, ...], rounded (core.geojson); null when none was uploaded.
    boundary = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="prevent_area_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class IndicatorKind(models.TextChoices):
    POVERTY = "poverty_rate", _("Poverty rate (%)")
    OUT_OF_SCHOOL = "out_of_school_rate", _("Out-of-school rate (%)")
    UNEMPLOYMENT = "unemployment_rate", _("Unemployment rate (%)")
    OUT_MIGRATION = "out_migration_rate", _("Out-migration rate (%)")
    CUSTOM = "custom", _("Custom")


class AreaIndicator(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=24, choices=IndicatorKind.choices)
    label = models.CharField(max_length=120, blank=True)  # a custom indicator's name
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "label", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "kind", "label", "year"], name="prevent_indicator_unique")
        ]


class Setting(models.TextChoices):
    SCHOOL = "school", _("School")
    COMMUNITY = "community", _("Community")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    SAFE_MIGRATION = "safe_migration", _("Safe migration")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment risks")
    RIGHTS = "rights", _("Rights")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    WHERE_TO_GET_HELP = "where_to_get_help", _("Where to get help")


class AgeBand(models.TextChoices):
    UNDER_12 = "under_12", _("Under 12")
    A12_14 = "12_14", _("12 to 14")
    A15_17 = "15_17", _("15 to 17")
    A18_24 = "18_24", _("18 to 24")
    A25_PLUS = "25_plus", _("25 and over")


class Gender(models.TextChoices):
    FEMALE = "female", _("Women and girls")
    MALE = "male", _("Men and boys")
    OTHER = "other", _("Other or not recorded")


class EducationSession(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_session_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField()
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    setting = models.CharField(max_length=12, choices=Setting.choices)
    place = models.CharField(max_length=200, blank=True)  # "Lycée Jean Moulin", not an address of anyone
    topics = models.JSONField(default=list)
    facilitator = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=12)
    reach = models.JSONField(default=dict)  # {age band: {gender: count}} (core.reach)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    @property
    def people_reached(self) -> int:
        return reach_core.total(self.reach)

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics]


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("Leaflet")
    POSTER = "poster", _("Poster")
    VIDEO_LINK = "video_link", _("Video link")
    LESSON_PLAN = "lesson_plan", _("Lesson plan")


class Material(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_material_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=MaterialKind.choices)
    topic = models.CharField(max_length=24, choices=Topic.choices)
    audience = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]


class MaterialVersion(models.Model):
    """One language of a material: an uploaded file (PDF, PNG or JPEG, type read from its bytes) or a link."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=12)
    file = models.FileField(upload_to=material_path, storage=material_storage, blank=True, max_length=200)
    content_type = models.CharField(max_length=40, blank=True)
    extension = models.CharField(max_length=5, blank=True)
    size = models.PositiveIntegerField(default=0)
    link = models.URLField(max_length=500, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["material", "language"], name="prevent_material_language_unique"),
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(link="")) | (~models.Q(file="") & models.Q(link="")),
                name="prevent_material_file_or_link",
            ),
        ]


class Channel(models.TextChoices):
    EVENT = "event", _("Event")
    POSTER = "poster", _("Posters")
    SOCIAL_MEDIA = "social_media", _("Social media")
    RADIO = "radio", _("Radio")
    TV = "tv", _("Television")
    PRINT = "print", _("Print")
    SMS = "sms", _("SMS")
    OTHER = "other", _("Other")


class Campaign(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_campaign_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="campaigns")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]


class CampaignActivity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    channel = models.CharField(max_length=14, choices=Channel.choices)
    held_on = models.DateField()
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    description = models.CharField(max_length=300, blank=True)
    cost_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)  # ISO 4217
    people_reached = models.PositiveIntegerField(default=0)
    materials_distributed = models.PositiveIntegerField(default=0)
    hotline_contacts = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]
