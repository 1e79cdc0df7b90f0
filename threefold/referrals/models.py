"""Referrals of a case to a partner organisation, and the directory of partners that accept them.

A referral carries a *packet*: the subset of the person's data the sender chose (and the survivor consented to
share), sealed under the RECEIVING organisation's key. The receiving organisation never gets a grant on the
sender's live record, only on the referral: it sees what was sent, as it was sent, and nothing else. When the
referral ends (declined, revoked, expired) the packet is erased, so an ended referral holds no personal data.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.protect.models import _REFERENCE_ALPHABET
from threefold.vault import sealed


def new_referral_reference() -> str:
    return "R-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class Service(models.TextChoices):
    SHELTER = "shelter", _("Shelter or safe accommodation")
    HEALTH = "health", _("Health care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL = "legal", _("Legal aid")
    ECONOMIC = "economic", _("Economic support, training or work")
    SOCIAL = "social", _("Social support")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    INTERPRETING = "interpreting", _("Interpreting")
    RETURN = "return", _("Safe return or resettlement")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a few days")
    URGENT = "urgent", _("Urgent: today")


# How long the receiving organisation has to answer, by urgency: past this the referral is overdue.
ANSWER_WITHIN = {
    Urgency.ROUTINE: timedelta(days=7),
    Urgency.SOON: timedelta(days=3),
    Urgency.URGENT: timedelta(days=1),
}


class SharedField(models.TextChoices):
    """What of the person may travel in a referral. Each is a group of identity or context values."""

    NAMES = "names", _("Names and aliases")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth or estimated age")
    CONTACTS = "contacts", _("Phones and e-mail addresses")
    LANGUAGES = "languages", _("Languages")
    CITIZENSHIPS = "citizenships", _("Citizenships")
    GENDER = "gender", _("Gender")
    VICTIM_CONTEXT = "victim_context", _("Trafficking situation (exploitation, recruitment, journey)")


class Status(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (Status.SENT, Status.ACCEPTED)
DEFAULT_ACCESS_DAYS = 30
MAX_ACCESS_DAYS = 90


def _choice_list(choices: type[models.TextChoices]) -> RegexValidator:
    # Several choices in one column, comma-separated: small fixed vocabularies, read whole, never queried apart.
    pattern = "|".join(choices.values)
    return RegexValidator(rf"^({pattern})(,({pattern}))*$")


class Referral(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_referral_reference, editable=False)
    case = models.ForeignKey("protect.Case", on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("protect.Person", on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    services = models.CharField(max_length=200, validators=[_choice_list(Service)])
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # The names of the groups shared (not their values): the sender can say what left, even after the packet is gone.
    fields = models.CharField(max_length=200, validators=[_choice_list(SharedField)])
    packet = models.BinaryField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    # Why it was declined or revoked: sealed, since a reason about a referral is often about the person.
    reason = models.BinaryField(null=True)
    # The basis the sender relied on: a consent in force, or an override recorded at sending (exactly one).
    consent = models.ForeignKey("consent.Consent", null=True, on_delete=models.PROTECT, related_name="+")
    consent_override = models.ForeignKey(
        "consent.ConsentOverride", null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    # The sender's administrative area (threefold.prevent Area.code) the referral comes from, for the prevention
    # coverage dashboard; a code, not a key, so areas can be re-imported without touching referrals.
    area_code = models.CharField(max_length=40, blank=True)
    answer_by = models.DateTimeField()
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    access_days = models.PositiveSmallIntegerField(
        default=DEFAULT_ACCESS_DAYS, validators=[MinValueValidator(1), MaxValueValidator(MAX_ACCESS_DAYS)]
    )
    grant = models.ForeignKey(
        "accounts.AccessGrant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # While sent: when the offer lapses unanswered. Once accepted: when the receiving organisation's access ends.
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["from_organisation", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(access_days__gte=1, access_days__lte=MAX_ACCESS_DAYS),
                name="referral_access_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def service_list(self) -> list[str]:
        return [value for value in self.services.split(",") if value]

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(value).label) for value in self.service_list]

    @property
    def field_list(self) -> list[str]:
        return [value for value in self.fields.split(",") if value]

    @property
    def field_labels(self) -> list[str]:
        return [str(SharedField(value).label) for value in self.field_list]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.SENT and self.answer_by <= timezone.now()


# The packet belongs to the receiving organisation: its key, its rotation, its erasure.
PACKET_CONTEXT = sealed.register(
    Referral, "packet", row_field="reference", organisation_field="to_organisation_id"
)
# The reason is part of the sender's case record.
REASON_CONTEXT = sealed.register(
    Referral, "reason", row_field="reference", organisation_field="from_organisation_id"
)


class PartnerService(models.Model):
    """A service an organisation of this deployment offers to referrals, kept by that organisation's admin.

    Unlike identify's DirectoryEntry (public contacts for people met in the field, any service anywhere), an
    entry here says "send us referrals through Threefold": it names a platform organisation that can answer.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partner_services"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("ISO 3166 two-letter code, e.g. FR."),
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter country code such as FR."))],
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Leave empty when it serves the whole country.")
    )
    description = models.TextField(
        _("description"),
        max_length=1000,
        blank=True,
        help_text=_("Who the service is for, capacity, languages, how to reach it. No personal data."),
    )
    accepts_referrals = models.BooleanField(_("accepts referrals now"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country", "region", "service", "organisation__name"]
        indexes = [models.Index(fields=["service", "country"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_service_display()}"
