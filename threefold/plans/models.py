"""A case's assessment and assistance plan: needs, goals agreed with the survivor, planned services and follow-ups.

Every row belongs to one case and is as visible as that case (``access``). Free text written about a survivor
(descriptions, notes, reasons) identifies them as surely as a name, so it is sealed like ``CaseEvent.text``:
under the person's own key, bound to the row's ``uid``. ``version`` makes concurrent edits fail loudly.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.plans import domains
from threefold.vault import sealed

DOMAIN_CHOICES = [(code, _(label)) for code, label in domains.DOMAINS.items()]


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    HELPED = "helped", _("It helped")
    PARTLY = "partly", _("It partly helped")
    NOT_HELPED = "not_helped", _("It did not help")
    REFUSED = "refused", _("Refused by the survivor")


class PlanRow(models.Model):
    """What every row of a plan has: its case, the case's organisation (the key owner), who wrote it, when."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("protect.Case", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Need(PlanRow):
    """A need found when assessing the case with the survivor, in one domain of assistance."""

    domain = models.CharField(max_length=20, choices=DOMAIN_CHOICES)
    assessed_on = models.DateField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    description = models.BinaryField(null=True)

    class Meta:
        ordering = ["assessed_on", "pk"]


class Goal(PlanRow):
    """A goal set with the survivor, never for them: it is saved only once the caseworker confirms they agreed."""

    domain = models.CharField(max_length=20, choices=DOMAIN_CHOICES)
    description = models.BinaryField(null=True)
    agreed_with_survivor = models.BooleanField(default=False)
    agreed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    status_reason = models.BinaryField(null=True)  # why it was dropped (or how it was achieved)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class PlannedService(PlanRow):
    """A service the plan arranges, by the case's organisation or a provider, from planning to its outcome."""

    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    domain = models.CharField(max_length=20, choices=DOMAIN_CHOICES)
    service_type = models.CharField(max_length=40)
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A provider outside Threefold (a clinic, a school): its name only, never an address, as shelters' are secret.
    provider_name = models.CharField(max_length=200, blank=True)
    planned_start = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)
    delivered_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.BinaryField(null=True)
    cancel_reason = models.BinaryField(null=True)

    class Meta:
        ordering = ["planned_start", "pk"]
        indexes = [models.Index(fields=["status", "planned_start"])]

    @property
    def service_label(self) -> str:
        return str(_(domains.service_label(self.service_type)))


class FollowUp(PlanRow):
    """A check-in with the survivor due on a date, by whoever it is assigned to."""

    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.BinaryField(null=True)  # what to follow up on
    done_note = models.BinaryField(null=True)  # what came out of it

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on", "due_on"])]


SEALED_TEXTS: dict[tuple[type[models.Model], str], str] = {
    (model, field): sealed.register(model, field, row_field="uid")
    for model, field in (
        (Need, "description"),
        (Goal, "description"),
        (Goal, "status_reason"),
        (PlannedService, "outcome_note"),
        (PlannedService, "cancel_reason"),
        (FollowUp, "note"),
        (FollowUp, "done_note"),
    )
}
