"""Append-only audit entries, chained by hash. Database triggers refuse UPDATE and DELETE (see migration 0002)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    SEARCH = "search", _("searched")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    BREAK_GLASS = "break_glass", _("broke the glass")
    GRANT = "grant", _("granted access")
    REVOKE = "revoke", _("revoked access")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("failed to sign in")
    LOGOUT = "logout", _("signed out")
    MFA = "mfa", _("changed two-factor authentication")
    ROLE = "role", _("changed a role")
    INVITE = "invite", _("invited")
    KEYS = "keys", _("managed keys")
    SHRED = "shred", _("erased by destroying the key")


class AuditEntry(models.Model):
    # No foreign keys: an entry must outlive the user, organisation or record it names, and a cascading
    # delete must never reach this table. Names are kept as ids plus a label captured at the time.
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "created_at"]),
        ]
        verbose_name_plural = "audit entries"

    def chained_fields(self) -> dict[str, Any]:
        """What the hash covers: every column except the hashes themselves and the surrogate id."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "ip": self.ip,
            "details": self.details,
        }


class AuditHead(models.Model):
    """The newest entry's sequence number and hash, in one row that writers lock to append in order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
