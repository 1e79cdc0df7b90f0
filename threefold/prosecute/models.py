"""Criminal proceedings linked to a survivor's case, and the survivor's part in them as a witness.

Every row belongs to one case of the organisation (through its proceeding, or directly for the survivor's own
charges) and is as visible as the rules in ``accounts.rules`` say (legal officers and caseworkers assigned to the
case's person, supervisors of the organisation). What identifies anyone is sealed under the case's person's key,
bound to the row's ``uid`` (or the proceeding's ``reference``), so erasing the survivor erases it (ADR 0015):

* offenders' names (third parties, but named in the survivor's file and found nowhere else),
* the court's case number (it leads to court records that name the victim) and free-text notes,
* the offence the survivor is charged with (non-punishment): a survivor's own criminal matter.

Codes, dates, amounts and outcomes stay in the clear: statistics count them, and they name nobody.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.prosecute.core import outcomes
from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "J-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class Stage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution (charges brought)")
    TRIAL = "trial", _("Trial")
    VERDICT = "verdict", _("Verdict")
    SENTENCE = "sentence", _("Sentence")
    APPEAL = "appeal", _("Appeal")


assert tuple(Stage.values) == outcomes.STAGES


class Verdict(models.TextChoices):
    PENDING = outcomes.Verdict.PENDING.value, _("Pending")
    CONVICTED = outcomes.Verdict.CONVICTED.value, _("Convicted")
    ACQUITTED = outcomes.Verdict.ACQUITTED.value, _("Acquitted")
    DISMISSED = outcomes.Verdict.DISMISSED.value, _("Dismissed or withdrawn")


class PerpetratorRole(models.TextChoices):
    """HTCDS 2.0 per_RoleInProcess, values verbatim."""

    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class OrderKind(models.TextChoices):
    COMPENSATION = "compensation", _("Compensation")
    RESTITUTION = "restitution", _("Restitution")


class Measure(models.TextChoices):
    ANONYMITY = "anonymity", _("Anonymity (name and details withheld)")
    SCREEN = "screen", _("Testimony behind a screen")
    VIDEO_LINK = "video_link", _("Testimony by video link")
    RECORDED = "recorded", _("Pre-recorded evidence")
    SUPPORT_PERSON = "support_person", _("Support person in court")
    CLOSED_COURT = "closed_court", _("Closed court (public excluded)")
    SEPARATE_WAITING = "separate_waiting", _("Separate waiting area and entrance")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other measure")


class MeasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CourtDateKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    TESTIMONY = "testimony", _("The survivor testifies")
    TRIAL = "trial", _("Trial day")
    VERDICT = "verdict", _("Verdict")
    SENTENCING = "sentencing", _("Sentencing")
    APPEAL = "appeal", _("Appeal hearing")
    OTHER = "other", _("Other")


class CourtDateStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class AccompanimentKind(models.TextChoices):
    COURT = "court", _("To court")
    POLICE = "police", _("Police interview")
    PROSECUTOR = "prosecutor", _("Meeting with the prosecutor")
    LAWYER = "lawyer", _("Meeting with a lawyer")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    SEVERE = "severe", _("Severe")


class OwnChargeStatus(models.TextChoices):
    INVESTIGATED = "investigated", _("Under investigation")
    CHARGED = "charged", _("Charged")
    DROPPED = "dropped", _("Dropped or not prosecuted")
    ACQUITTED = "acquitted", _("Acquitted")
    CONVICTED = "convicted", _("Convicted")
    QUASHED = "quashed", _("Conviction quashed or record cleared")


POINT_LABELS: dict[str, Any] = {
    outcomes.Point.NONE: _("No criminal proceeding"),
    outcomes.Point.INVESTIGATION: _("Investigation only"),
    outcomes.Point.PROSECUTION: _("Charges brought, no trial yet"),
    outcomes.Point.TRIAL: _("At trial, no verdict yet"),
    outcomes.Point.NOT_CONVICTED: _("Verdict without a conviction"),
    outcomes.Point.CONVICTED: _("Conviction"),
}

OPEN_OWN_CHARGE = (OwnChargeStatus.INVESTIGATED, OwnChargeStatus.CHARGED)


class NonPunishment(models.TextChoices):
    NOT_RAISED = "not_raised", _("Not raised yet")
    PENDING = "pending", _("Raised, waiting for the decision")
    ACCEPTED = "accepted", _("Accepted: not prosecuted or not punished")
    REJECTED = "rejected", _("Rejected")


class Proceeding(models.Model):
    """A criminal proceeding about what happened to a case's survivor, from the investigation to an appeal.

    ``stage`` is the furthest stage recorded (``StageEvent``); ``details`` holds the sealed court case number and
    notes. ``court`` is the court seized now, a public institution.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    case = models.ForeignKey("protect.Case", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=20)
    court = models.CharField(max_length=200, blank=True)
    opened_on = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INVESTIGATION)
    closed_on = models.DateField(null=True, blank=True)
    details = models.BinaryField(null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return self.reference


class ProceedingRow(models.Model):
    """What every part of a proceeding has: the proceeding, its organisation (the key owner), who wrote it, when."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class StageEvent(ProceedingRow):
    """One dated stage of the proceeding, in the court and jurisdiction where it happened."""

    stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField()
    court = models.CharField(max_length=200, blank=True)
    jurisdiction = models.CharField(max_length=20)
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["on", "pk"]


class Offender(ProceedingRow):
    """A suspect or accused person. The name is sealed: a third party's identity in the survivor's file."""

    name = models.BinaryField(null=True)
    roles = models.JSONField(default=list)  # PerpetratorRole values (HTCDS per_RoleInProcess, multi-select)

    class Meta:
        ordering = ["pk"]


class Charge(ProceedingRow):
    """An offence (``<jurisdiction>:<code>`` of reference/offences) charged against one offender, and its verdict."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="charges")
    offence = models.CharField(max_length=80)
    offence_version = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=12, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class Sentence(ProceedingRow):
    """The sentence one offender received (one per offender; changed after an appeal)."""

    offender = models.OneToOneField(Offender, on_delete=models.CASCADE, related_name="sentence")
    sentenced_on = models.DateField()
    custody_months = models.PositiveIntegerField(null=True, blank=True)
    suspended = models.BooleanField(default=False)
    fine_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    fine_currency = models.CharField(max_length=3, blank=True)


class CompensationOrder(ProceedingRow):
    """Compensation or restitution the court ordered for the survivor, and (with its payments) what was paid."""

    kind = models.CharField(max_length=15, choices=OrderKind.choices, default=OrderKind.COMPENSATION)
    offender = models.ForeignKey(
        Offender, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    ordered_on = models.DateField()

    class Meta:
        ordering = ["ordered_on", "pk"]


class CompensationPayment(ProceedingRow):
    order = models.ForeignKey(CompensationOrder, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()

    class Meta:
        ordering = ["paid_on", "pk"]


class ProtectionMeasure(ProceedingRow):
    """A measure protecting the survivor as a witness, from the request to the court's decision."""

    measure = models.CharField(max_length=20, choices=Measure.choices)
    status = models.CharField(max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.REQUESTED)
    requested_on = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["requested_on", "pk"]


class CourtDate(ProceedingRow):
    """A date in court. The people assigned to the case are reminded a week and a day before (``reminders``)."""

    on = models.DateField()
    time = models.TimeField(null=True, blank=True)
    court = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=CourtDateKind.choices, default=CourtDateKind.HEARING)
    survivor_attends = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=CourtDateStatus.choices, default=CourtDateStatus.SCHEDULED
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0)  # 1: a week before, 2: the day before
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["on", "time", "pk"]
        indexes = [models.Index(fields=["status", "on"])]


class Accompaniment(ProceedingRow):
    """Someone went with the survivor: to court, to the police, to the prosecutor."""

    on = models.DateField()
    kind = models.CharField(max_length=12, choices=AccompanimentKind.choices)
    court_date = models.ForeignKey(
        CourtDate, null=True, blank=True, on_delete=models.SET_NULL, related_name="accompaniments"
    )
    accompanied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["on", "pk"]


class RiskAssessment(ProceedingRow):
    """An assessment of the risks to the survivor as a witness; a new one replaces the last, which stays."""

    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    assessed_on = models.DateField()
    review_on = models.DateField()
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["assessed_on", "pk"]


class OwnCharge(models.Model):
    """An offence the survivor is suspected of or charged with, followed for the non-punishment principle.

    ``details`` holds the sealed offence and notes: a survivor's own criminal matter is among the most sensitive
    facts a file can hold. Status and outcome stay in the clear, for the legal officer's list.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("protect.Case", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=20)
    charged_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=15, choices=OwnChargeStatus.choices, default=OwnChargeStatus.INVESTIGATED
    )
    non_punishment = models.CharField(
        max_length=12, choices=NonPunishment.choices, default=NonPunishment.NOT_RAISED
    )
    raised_on = models.DateField(null=True, blank=True)
    details = models.BinaryField(null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    @property
    def followed(self) -> bool:
        """Still needs the legal officer: the matter is open, or non-punishment was not decided."""
        return self.status in OPEN_OWN_CHARGE or self.non_punishment == NonPunishment.PENDING


# Every sealed column: (model, field) -> column context. Rows of a proceeding are bound to their ``uid``.
SEALED: dict[tuple[type[models.Model], str], str] = {
    (Proceeding, "details"): sealed.register(Proceeding, "details", row_field="reference"),
    **{
        (model, field): sealed.register(model, field, row_field="uid")
        for model, field in (
            (StageEvent, "note"),
            (Offender, "name"),
            (ProtectionMeasure, "note"),
            (CourtDate, "note"),
            (Accompaniment, "note"),
            (RiskAssessment, "note"),
            (OwnCharge, "details"),
        )
    },
}
# How to reach the survivor's reference from a row (vault.sealed.link_subject; erasure and reseal_subjects).
SUBJECT_PATHS: dict[type[models.Model], str] = {
    Proceeding: "case__person__reference",
    OwnCharge: "case__person__reference",
    StageEvent: "proceeding__case__person__reference",
    Offender: "proceeding__case__person__reference",
    ProtectionMeasure: "proceeding__case__person__reference",
    CourtDate: "proceeding__case__person__reference",
    Accompaniment: "proceeding__case__person__reference",
    RiskAssessment: "proceeding__case__person__reference",
}
