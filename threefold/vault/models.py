"""Wrapped data keys. Plaintext keys never reach the database: each row holds a key wrapped by the master key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class KeyPurpose(models.TextChoices):
    DATA = "data", "data"  # encrypts one organisation's identifying fields
    BLIND_INDEX = (
        "blind_index",
        "blind index",
    )  # deployment-wide, so possible duplicates show across organisations
    PLATFORM = "platform", "platform"  # secrets that belong to no organisation (users' TOTP seeds)
    # One person's values, within one organisation: destroying the key erases that person and nobody else
    # (crypto-shredding, ADR 0015). ``DataKey.subject`` names the person by their public reference.
    SUBJECT = "subject", "subject"


class DataKey(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="data_keys"
    )
    purpose = models.CharField(max_length=20, choices=KeyPurpose.choices)
    # Empty except for SUBJECT keys. A reference, never a name: the key table must identify nobody.
    subject = models.CharField(max_length=40, blank=True, default="")
    version = models.PositiveIntegerField()
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose", "subject", "version"], name="one_key_per_version"
            ),
            # NULL organisations are never equal in a unique index: platform keys need their own constraint.
            models.UniqueConstraint(
                fields=["purpose", "subject", "version"],
                condition=models.Q(organisation__isnull=True),
                name="one_platform_key_per_version",
            ),
        ]
        ordering = ["organisation_id", "purpose", "version"]

    def wrap_aad(self) -> bytes:
        # Binding the wrapped key to its row stops anyone swapping one organisation's key into another's slot.
        # A subject key is also bound to its subject, so one person's key cannot stand in for another's. Keys
        # without a subject keep the original form, so keys wrapped before subjects existed still unwrap.
        subject = f":{self.subject}" if self.subject else ""
        return f"datakey:{self.organisation_id or 0}:{self.purpose}:{self.version}{subject}".encode()
