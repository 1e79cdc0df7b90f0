"""Stored screenings, the exact instrument text each was scored with, and the referral directory.

A screening's answers and result are sealed with its organisation's key: even an anonymous screening says what
someone disclosed. Only what statistics and review need (setting, instrument, outcome band, dates) stays in the
clear, and none of it identifies anyone.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read aloud on phones: no 0/O or 1/I


def new_screening_reference() -> str:
    return "S-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class InstrumentSource(models.Model):
    """One exact version of an instrument's YAML text, kept for as long as a screening refers to it.

    Shipped instruments are copied in the first time they are used (``organisation`` empty), so that a later
    edit of a file in ``instruments/`` never changes how an old screening reads. Organisations' own instruments
    are uploaded here (``organisation`` set) and validated by the same engine before they are saved.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_id = models.CharField(max_length=64)
    version = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument_id", "-created_at"]
        constraints = [
            # A version names one text: re-uploading a changed file under the same version is refused.
            models.UniqueConstraint(
                fields=["organisation", "instrument_id", "version"],
                name="one_text_per_org_instrument_version",
            ),
            models.UniqueConstraint(
                fields=["instrument_id", "version", "sha256"],
                condition=Q(organisation__isnull=True),
                name="one_shipped_snapshot_per_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.version}"


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Indicators present")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    NEGATIVE = "negative", _("No indicators found")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")


class Channel(models.TextChoices):
    BROWSER = "browser", _("In Threefold")
    ODK = "odk", _("ODK / Kobo import")
    API = "api", _("API")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal, recorded by the screener")
    GUARDIAN = "guardian", _("By a parent or guardian (child)")


class ReviewDecision(models.TextChoices):
    AGREED = "agreed", _("Agree with the outcome")
    FOLLOW_UP = "follow_up", _("Needs follow-up")
    DISAGREED = "disagreed", _("Disagree: see note")


class Screening(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_screening_reference, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="screenings"
    )
    source = models.ForeignKey(InstrumentSource, on_delete=models.PROTECT, related_name="screenings")
    setting = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BROWSER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    # Languages the screening was conducted in, in the order used (a switch mid-screening adds one).
    languages = models.JSONField(default=list)
    # Sealed: {"answers": {...}} while in progress; plus "result" once scored.
    record = models.BinaryField(null=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    band = models.CharField(max_length=64, blank=True)
    urgency = models.CharField(max_length=10, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(max_length=100, blank=True)  # ODK instanceID / Kobo uuid on imports
    # The organisation's administrative area (threefold.prevent Area.code) the screening took place in, for the
    # prevention coverage dashboard; a code, not a key, so areas can be re-imported without touching screenings.
    area_code = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Attached to a person only with recorded consent; an anonymous screening has neither.
    person = models.ForeignKey(
        "protect.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    consent_method = models.CharField(max_length=10, choices=ConsentMethod.choices, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    review_decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.BinaryField(null=True)  # sealed: a reviewer's words may say who the person is
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | ~Q(consent_method=""), name="person_only_with_consent"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | ~Q(outcome=""), name="complete_screening_has_outcome"
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="one_screening_per_submission",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "setting", "outcome"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_complete(self) -> bool:
        return self.status == Status.COMPLETE


RECORD_CONTEXT = sealed.register(Screening, "record", row_field="reference")
REVIEW_NOTE_CONTEXT = sealed.register(Screening, "review_note", row_field="reference")


class DirectoryKind(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    SHELTER = "shelter", _("Shelter")
    POLICE = "police", _("Police")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SUPPORT_SERVICE = "support_service", _("Support organisation")
    EMBASSY = "embassy", _("Embassy or consulate")


class DirectoryEntry(models.Model):
    """A service people can be referred to. Public contact details, so every member of the deployment sees every
    entry; only the organisation that keeps an entry may change it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_entries"
    )
    kind = models.CharField(max_length=24, choices=DirectoryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("ISO 3166 two-letter code, e.g. FR."),
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter country code such as FR."))],
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Leave empty when it serves the whole country.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Languages spoken, e.g. fr, en, ar.")
    )
    serves_children = models.BooleanField(_("serves children"), default=True)
    urgent = models.BooleanField(_("for urgent situations"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country", "region", "kind", "name"]
        verbose_name_plural = "directory entries"

    def __str__(self) -> str:
        return self.name
