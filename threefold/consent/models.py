"""Consent of a protected person, one purpose at a time, and the recorded overrides when it is missing.

A consent row is evidence: it is never deleted or edited. Withdrawing it stamps ``withdrawn_at``; from that
moment it no longer counts (see ``ConsentQuerySet.in_force``), but the page still shows that it was given.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation, RoleChoices
from threefold.vault import sealed
from threefold.vault.models import DataKey


class Purpose(models.TextChoices):
    SERVICES = "services", _("Receiving services")
    REFERRAL = "referral", _("Referral to a named organisation")
    DATA_SHARING = "data_sharing", _("Sharing their data")
    STATISTICS = "statistics", _("Inclusion in statistics")
    CONTACT = "contact", _("Being contacted")


# A referral is always to one named organisation; data sharing may name one (and then covers only it).
NEEDS_RECIPIENT = frozenset({Purpose.REFERRAL})
TAKES_RECIPIENT = frozenset({Purpose.REFERRAL, Purpose.DATA_SHARING})


class Method(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal")
    GUARDIAN = "guardian", _("By a parent or guardian, for a child")


class Status(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    NOT_YET = "not_yet", _("Not yet in force")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def recipient_filter(purpose: str, recipient: Organisation | None) -> Q:
    """Which consents cover sharing with ``recipient`` for ``purpose``.

    Referral: the consent must name this very organisation. Data sharing: a consent naming no organisation
    covers any recipient, one naming an organisation covers only that one. Other purposes have no recipient.
    Asking the wrong question (a referral to nobody, statistics for a recipient) is a programming error.
    """
    if purpose in NEEDS_RECIPIENT and recipient is None:
        raise ValueError(f"consent for {purpose} is always for a named recipient organisation")
    if purpose not in TAKES_RECIPIENT and recipient is not None:
        raise ValueError(f"consent for {purpose} has no recipient organisation")
    if recipient is None:
        return Q(recipient_organisation__isnull=True)
    named = Q(recipient_organisation=recipient)
    return named if purpose in NEEDS_RECIPIENT else named | Q(recipient_organisation__isnull=True)


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(
        self, purpose: str, *, recipient: Organisation | None = None, at: datetime | None = None
    ) -> ConsentQuerySet:
        """Consents that cover ``purpose`` (and ``recipient``) at ``at`` (now by default).

        Bulk callers (statistics, exports) use ``Consent.objects.in_force(...).values("person_id")``.
        """
        at = at or timezone.now()
        return self.filter(
            recipient_filter(purpose, recipient),
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
            Q(expires_at__isnull=True) | Q(expires_at__gt=at),
            purpose=purpose,
            given_at__lte=at,
        )


class Consent(models.Model):
    person = models.ForeignKey("protect.Person", on_delete=models.CASCADE, related_name="consents")
    # The person's organisation, copied so that scoping and key rotation never need a join.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how it was given"), max_length=10, choices=Method.choices)
    # A relationship ("mother", "appointed guardian"), never a name: the form says so and caps its length.
    guardian_relationship = models.CharField(max_length=60, blank=True)
    given_at = models.DateTimeField(_("given"))
    expires_at = models.DateTimeField(_("ends"), null=True, blank=True)
    # PROTECT: who recorded a consent is part of the evidence; accounts are deactivated, not deleted.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["person", "purpose"])]
        # The same rules as services.record_consent, so that no other path can store an impossible consent.
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose__in=NEEDS_RECIPIENT) | Q(recipient_organisation__isnull=False),
                name="consent_referral_names_recipient",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=TAKES_RECIPIENT) | Q(recipient_organisation__isnull=True),
                name="consent_recipient_only_where_it_applies",
            ),
            models.CheckConstraint(
                condition=~Q(method=Method.GUARDIAN) | ~Q(guardian_relationship=""),
                name="consent_guardian_relationship",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("given_at")),
                name="consent_ends_after_given",
            ),
            models.CheckConstraint(
                condition=Q(
                    withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawal_recorded_at__isnull=True
                )
                | Q(
                    withdrawn_at__isnull=False,
                    withdrawn_by__isnull=False,
                    withdrawal_recorded_at__isnull=False,
                ),
                name="consent_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} consent #{self.pk}"

    def status(self, at: datetime | None = None) -> Status:
        at = at or timezone.now()
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return Status.WITHDRAWN
        if self.expires_at is not None and self.expires_at <= at:
            return Status.EXPIRED
        if self.given_at > at:
            return Status.NOT_YET
        return Status.IN_FORCE


class ConsentOverride(models.Model):
    """Someone allowed to went ahead without the consent a purpose needs, and said why.

    The reason is sealed: a reason good enough to override consent describes the person's situation (a court
    date, a threat, a child's circumstances), and that can identify them as surely as a name.
    """

    key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False
    )  # binds the sealed reason to its row
    person = models.ForeignKey("protect.Person", on_delete=models.CASCADE, related_name="consent_overrides")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.BinaryField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=RoleChoices.choices)  # the role held at the time
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.purpose} override #{self.pk}"


OVERRIDE_REASON_CONTEXT = sealed.register(ConsentOverride, "reason", row_field="key")


def seal_reason(override: ConsentOverride, reason: str) -> None:
    override.reason = sealed.seal_json(
        {"reason": reason},
        organisation_id=override.organisation_id,
        context=sealed.row_context(OVERRIDE_REASON_CONTEXT, str(override.key)),
    )


def open_reason(override: ConsentOverride, keys: dict[int, DataKey] | None = None) -> str:
    data = sealed.unseal_json(
        bytes(override.reason),
        organisation_id=override.organisation_id,
        context=sealed.row_context(OVERRIDE_REASON_CONTEXT, str(override.key)),
        keys=keys,
    )
    return str(data.get("reason", ""))
