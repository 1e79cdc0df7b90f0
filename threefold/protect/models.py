"""Survivor identity records. Identifying fields live only in the sealed ``identity`` column (see vault)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.protect.lifecycle import Stage
from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: references are read aloud on phones


def new_reference() -> str:
    return "P-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class ErasureCategory(models.TextChoices):
    SURVIVOR_REQUEST = "survivor_request", _("The person asked for erasure")
    RETENTION = "retention", _("Retention period over")
    COURT_ORDER = "court_order", _("Court or authority order")
    OTHER = "other", _("Other")


class Person(models.Model):
    """A victim or survivor known to one organisation.

    ``reference`` is the only identifier shown in lists, URLs and audit entries: it says nothing about the
    person. ``version`` makes concurrent edits fail loudly instead of overwriting each other.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="persons"
    )
    identity = models.BinaryField(null=True)
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_persons", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)
    # Tombstone of an erasure (subject_data.erase_person): the row stays, with ``identity`` NULL and the person's
    # key shredded, so the reference answers "erased on <date>". Only a category is kept, never a free-text reason:
    # a reason written about a person can identify them, and whatever is kept here outlives the erasure.
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erasure_category = models.CharField(max_length=20, choices=ErasureCategory.choices, blank=True)
    # Set when a supervisor merged this record into another one of the same person (duplicate_services.merge):
    # the row keeps its own sealed identity and key, and is left out of every list, search and count; its cases
    # and what hangs off them moved to the kept record, and ``PersonMerge`` says exactly what, for undo.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")

    def __str__(self) -> str:
        return self.reference


IDENTITY_CONTEXT = sealed.register(Person, "identity", row_field="reference")


def identity_context(person: Person) -> str:
    """The authenticated context of a person's sealed identity: the column and the person's reference."""
    return sealed.row_context(IDENTITY_CONTEXT, person.reference)


class PersonIndex(models.Model):
    """Keyed blind-index digests of a person's names, phones, e-mails and date of birth, for lookup."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="index_terms")
    kind = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "digest"], name="unique_index_term")]


def new_case_reference() -> str:
    return "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class CaseStage(models.TextChoices):
    OPEN = Stage.OPEN.value, _("Open")
    ASSESSMENT = Stage.ASSESSMENT.value, _("Assessment")
    PLAN = Stage.PLAN.value, _("Assistance plan")
    SERVICES = Stage.SERVICES.value, _("Services")
    FOLLOW_UP = Stage.FOLLOW_UP.value, _("Follow-up")
    CLOSED = Stage.CLOSED.value, _("Closed")
    REOPENED = Stage.REOPENED.value, _("Reopened")


class Case(models.Model):
    """The organisation's work with one person. Who may open it follows who may open the person.

    ``context`` holds the sealed HTCDS victim context (victim_context.py). ``pending_stage`` is set while a move
    waits for the approval the organisation asked for; ``version`` makes concurrent edits fail loudly.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_case_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(max_length=20, choices=CaseStage.choices, default=CaseStage.OPEN)
    pending_stage = models.CharField(max_length=20, choices=CaseStage.choices, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_cases"
    )
    context = models.BinaryField(null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["organisation", "stage"]),
            models.Index(fields=["caseworker", "stage"]),
        ]

    def __str__(self) -> str:
        return self.reference


CASE_CONTEXT = sealed.register(Case, "context", row_field="reference")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STAGE = "stage", _("Stage changed")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVAL_REFUSED = "approval_refused", _("Approval refused")
    ASSIGNED = "assigned", _("Caseworker assigned")
    CONTEXT = "context", _("Victim context updated")
    NOTE = "note", _("Note")
    NRM_REFERRAL = "nrm_referral", _("Referred to the national referral mechanism")
    NRM_DECISION = "nrm_decision", _("Identification decision recorded")
    ATTACHMENT = "attachment", _("File attached")


class CaseEvent(models.Model):
    """One entry of a case's timeline. ``text`` (a reason or a note) is sealed: caseworkers write about people."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=CaseEventKind.choices)
    from_stage = models.CharField(max_length=20, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=CaseStage.choices, blank=True)
    text = models.BinaryField(null=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


CASE_EVENT_TEXT = sealed.register(CaseEvent, "text", row_field="uid")


class StageApproval(models.Model):
    """A stage an organisation wants approved by a supervisor before a case enters it (e.g. plan, closed)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=CaseStage.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "stage"], name="unique_stage_approval")
        ]


class NrmReferral(models.Model):
    """A case's referral into a national referral mechanism, under one jurisdiction's rules (reference/nrm/).

    Children are flagged because their cases follow other rules: no means are needed, the best interests of the
    child come first, and a guardian must be appointed.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="nrm")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=20)
    referred_on = models.DateField()
    is_child = models.BooleanField(default=False)
    guardian_appointed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)


class NrmDecision(models.Model):
    """A reasonable-grounds or conclusive-grounds decision, with the outcome code of the jurisdiction's rules."""

    referral = models.ForeignKey(NrmReferral, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=30)
    outcome = models.CharField(max_length=60)
    decided_on = models.DateField()
    authority = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "stage"], name="one_decision_per_stage")]


DEFAULT_CLOSE_TO_ERASE_MONTHS = 72


class RetentionPolicy(models.Model):
    """How long an organisation keeps a person after their last case closed (``manage.py apply_retention``).

    An organisation without a row keeps the default. Unfinished screenings have their own, shorter clock
    (identify's ``purge_unfinished_screenings``).
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    close_to_erase_months = models.PositiveSmallIntegerField(
        _("months from closing to erasure"),
        default=DEFAULT_CLOSE_TO_ERASE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("People whose every case has been closed this long are erased."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "retention policies"


class CaseAttachment(models.Model):
    """A file kept with a case. The bytes and the file's name are sealed under the person's key (a name such as
    "passport_olga.pdf" identifies); only the checked kind and the size stay in the clear, for lists."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    name = models.BinaryField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]


ATTACHMENT_NAME = sealed.register(CaseAttachment, "name", row_field="uid")
ATTACHMENT_CONTENT = sealed.register(CaseAttachment, "content", row_field="uid")


# ---- de-duplication within an organisation (duplicate_services.py, ADR 0021) ---------------------------------


class ScanStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScanNote(models.TextChoices):
    """Why a scan proposed nothing or stopped, as a code the page words in the reader's language."""

    NONE = "", _("None")
    FEWER_THAN_TWO = "fewer_than_two", _("Fewer than two records")
    STARTER_LEFT = "starter_left", _("The member who started it may no longer review duplicates")
    UNEXPECTED = "unexpected", _("Unexpected error")


class DuplicateScan(models.Model):
    """One run of the de-duplication model over an organisation's records. Counts only, never who."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.RUNNING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    records_scanned = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    seed = models.IntegerField()
    note = models.CharField(max_length=20, choices=ScanNote.choices, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def finished(self) -> bool:
        return self.status != ScanStatus.RUNNING


class PairStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same person")


class PairBand(models.TextChoices):
    LIKELY = "likely", _("Likely the same person")
    POSSIBLE = "possible", _("Possibly the same person")


class DuplicatePair(models.Model):
    """Two records of one organisation that a scan found may be one person. ``person_a`` has the smaller id, so
    a pair is stored once; a dismissed pair stays, so that later scans do not propose it again."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    band = models.CharField(max_length=10, choices=PairBand.choices)
    scan = models.ForeignKey(DuplicateScan, null=True, on_delete=models.SET_NULL, related_name="pairs")
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"], name="one_duplicate_pair_per_two_persons"
            ),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="pair_a_before_b"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]


class PersonMerge(models.Model):
    """A merge of ``merged`` into ``kept`` and the ids of exactly what moved, so that undo moves those back.

    ``moved`` maps a kind ("cases", "consents", "consent_overrides", "screenings", "referrals", "assignments")
    to the ids moved from the merged record to the kept one (for assignments: the users added to the kept one).
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_merged")
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    @property
    def moved_counts(self) -> dict[str, int]:
        return {kind: len(ids) for kind, ids in self.moved.items()}
