"""Imported datasets and the differential-privacy releases made from them.

A dataset is kept apart from live case data: its own table, its own organisation scope, its records packed as a
columnar frame (threefold.insight.core.frame) in one row. Imported datasets are already published or
k-anonymised microdata (CTDC); they hold no names and are not sealed, but they are still read only through
``threefold.insight.access`` and every read of a table from them is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation
from threefold.vault import sealed


class DatasetKind(models.TextChoices):
    CTDC = "ctdc", _("CTDC victim records")
    # Three linked tables (cases, defendants, judges) stored together; see threefold.insight.core.prosecutions
    # and ADR 0027 for what of them is kept.
    PROSECUTIONS = "us_prosecutions", _("US federal human-trafficking prosecutions")


class Dataset(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="datasets")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=DatasetKind.choices)
    layout = models.CharField(_("file layout"), max_length=40)
    source = models.CharField(_("source"), max_length=300)
    terms = models.TextField(_("licence or terms of use"))
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    row_count = models.PositiveIntegerField(_("records"))
    data_lines = models.PositiveIntegerField()
    rejected_lines = models.PositiveIntegerField(default=0)
    # What the import normalised and refused: {"missing": {column: {spelling: n}}, "problems": [...]} (capped).
    report = models.JSONField(default=dict)
    # The records as one columnar frame (CTDC), or the named frames of linked tables (threefold.insight.core.frame).
    frame = models.BinaryField()
    # Differential privacy: the most this dataset may ever give away, summed over every release (ADR 0017).
    epsilon_budget = models.FloatField(_("privacy budget (ε)"), default=1.0)
    delta_budget = models.FloatField(_("privacy budget (δ)"), default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="insight_dataset_unique_name"),
            models.CheckConstraint(
                condition=models.Q(epsilon_budget__gte=0), name="insight_epsilon_budget_gte_0"
            ),
        ]
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def table_sizes(self) -> dict[str, int]:
        """The records kept in each table of a dataset of linked tables (empty for a single table)."""
        tables = self.report.get("tables", {}) if isinstance(self.report, dict) else {}
        return {name: int(counts.get("valid", 0)) for name, counts in tables.items()}


class Release(models.Model):
    """One differentially private release: the privacy it spent, who made it and what was published.

    A release belongs to the file its dataset was imported from (organisation and SHA-256), not only to the
    dataset row: deleting the dataset keeps the release, and importing the same file again finds what was
    already spent on the same people. Otherwise delete-and-import would be a way round the budget."""

    dataset = models.ForeignKey(Dataset, null=True, on_delete=models.SET_NULL, related_name="releases")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)  # count | histogram | mean
    query = models.JSONField()  # the field(s), filters and bounds asked, so the ledger says what was released
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    mechanism = models.CharField(max_length=200)
    result = models.JSONField()  # the noisy values as published (post-processing of them costs nothing)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-released_at"]
        indexes = [models.Index(fields=["organisation", "file_sha256"], name="insight_release_file")]
        constraints = [
            models.CheckConstraint(condition=models.Q(epsilon__gt=0), name="insight_release_epsilon_gt_0")
        ]


def releases_of(dataset: Dataset) -> models.QuerySet[Release]:
    """Every release made from the dataset's file in its organisation, under this import or an earlier one."""
    return Release.objects.filter(organisation_id=dataset.organisation_id, file_sha256=dataset.file_sha256)


class RawCountsAllowance(models.Model):
    """An explicit, reasoned permission for one member to see true counts without protection (issue 5, point 8).

    Nobody has it by default, whatever their role: raw counts of small groups can single a survivor out. Each
    raw table read is audited with the allowance it relied on.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    granted_by = models.CharField(max_length=200)  # a member's e-mail or the command that granted it
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="insight_one_raw_counts_allowance",
            )
        ]


class EstimateStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Estimate(models.Model):
    """An estimate of the hidden number of victims by multiple systems estimation (threefold.insight.core.mse).

    What the user entered (the names of the lists and the counts of each combination of them) is kept as given;
    the work runs in the background (threefold.insight.tasks) and fills in the progress, then the result or the
    reason there is none. The table holds counts of cases, never who they are.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="estimates")
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lists = models.JSONField(_("lists"))  # the names of the lists, in the order entered
    # The combinations of lists that have cases: [[0 or 1 per list..., count], ...] (repeated ones added up).
    table = models.JSONField(_("overlap table"))
    pthresh = models.FloatField(_("p-value threshold"))
    nboot = models.PositiveIntegerField(_("bootstrap replicates"))
    seed = models.IntegerField(_("random seed"))
    status = models.CharField(
        _("status"), max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)  # the last sign of life of the worker on it
    # The model, the estimate, the intervals and the sensitivity rows (see threefold.insight.tasks.compute).
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(_("why there is no estimate"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pthresh__gte=0) & models.Q(pthresh__lte=1),
                name="insight_estimate_pthresh_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def finished(self) -> bool:
        return self.status in (EstimateStatus.DONE, EstimateStatus.FAILED)

    @property
    def percent(self) -> int:
        """How much of the work is done, 0 to 100 (rounded down: 100 only when it is all done)."""
        if self.status == EstimateStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)

    @property
    def stalled(self) -> bool:
        """Unfinished with no sign of its worker for ``ESTIMATE_STALLED_AFTER``: the worker stopped (a restart of
        the server, say) or none is running, and the estimate would wait for ever."""
        last = self.progress_at or self.created_at
        return not self.finished and last is not None and timezone.now() - last > ESTIMATE_STALLED_AFTER


# A running estimate reports progress after every bootstrap replicate, seconds apart; a queued one waits for a
# worker. Fifteen minutes without either is a worker that is gone.
ESTIMATE_STALLED_AFTER = dt.timedelta(minutes=15)


# --- Privacy-preserving record linkage (issue 6): encoding sets and linkage runs ----------------------------------
# Encodings are personal data (threefold.insight.core.pprl, ADR 0022): every byte of them, and the list of whose
# they are, is sealed under the organisation's data key, read only through threefold.insight.linkage_access and
# deleted when it expires (manage.py purge_expired_encodings).


def new_encoding_set_reference() -> str:
    """A random reference, fixed before the first save: the sealed columns are bound to it."""
    return "E-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class EncodingSource(models.TextChoices):
    MADE = "made", _("Made here")
    IMPORTED = "imported", _("Imported")


class EncodingSet(models.Model):
    """One list of keyed Bloom-filter encodings, made here from the organisation's own people or imported from a
    file another party made with the same linkage secret.

    ``data`` is the encoding file (threefold.insight.core.pprl.files) as written or as received, sealed. For a set
    made here ``mapping`` (sealed) says which person each position is, so that a run can leave out anyone
    erased or no longer consenting since; it is never exported. The linkage secret is never kept: while a set is
    waiting for the worker that makes it, ``pending_secret`` hands it over sealed, and the worker erases it
    before anything else (linkage_services.take_secret). ``key_check`` and ``fingerprint`` are one-way values
    derived from the secret: equal for sets made with the same secret and schema, revealing nothing of it.
    """

    reference = models.CharField(
        max_length=16, unique=True, default=new_encoding_set_reference, editable=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="encoding_sets")
    label = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("source"), max_length=10, choices=EncodingSource.choices)
    schema_name = models.CharField(max_length=60)
    schema_version = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the schema and the key check value
    key_check = models.CharField(_("key check"), max_length=32)
    file_id = models.CharField(
        max_length=32, blank=True
    )  # the file's random id (its header), once there is one
    record_count = models.PositiveIntegerField(_("records"), default=0)
    left_out = models.PositiveIntegerField(
        default=0
    )  # made here: people without a statistics consent in force
    data = models.BinaryField(null=True)
    mapping = models.BinaryField(null=True)
    pending_secret = models.BinaryField(null=True)
    valid_days = models.PositiveSmallIntegerField(default=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    status = models.CharField(
        _("status"), max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_id"],
                condition=~models.Q(file_id=""),
                name="insight_encodingset_one_file_once",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_days__gte=1) & models.Q(valid_days__lte=90),
                name="insight_encodingset_valid_1_90_days",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def finished(self) -> bool:
        return self.status in (EstimateStatus.DONE, EstimateStatus.FAILED)

    @property
    def usable(self) -> bool:
        return self.status == EstimateStatus.DONE and self.expires_at > timezone.now()

    @property
    def percent(self) -> int:
        if self.status == EstimateStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)

    @property
    def key_check_short(self) -> str:
        """The first 8 hex digits of the key check, in two groups: what people compare by telephone."""
        return f"{self.key_check[:4]} {self.key_check[4:8]}"


ENCODING_DATA_CONTEXT = sealed.register(EncodingSet, "data", row_field="reference")
ENCODING_MAPPING_CONTEXT = sealed.register(EncodingSet, "mapping", row_field="reference")
ENCODING_SECRET_CONTEXT = sealed.register(EncodingSet, "pending_secret", row_field="reference")


class LinkageRun(models.Model):
    """A comparison of two or more encoding sets made with the same secret, and what it found: counts of people
    by the lists they are on (capture histories), never who they are nor which records matched."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="linkage_runs")
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    set_ids = models.JSONField()  # the encoding sets compared, in order (they may be gone since: expired)
    lists = models.JSONField(_("lists"))  # their names at the time, in the same order
    threshold = models.FloatField(_("Dice threshold"))
    status = models.CharField(
        _("status"), max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.QUEUED
    )
    stage = models.CharField(max_length=20, blank=True)  # reading | comparing | deciding
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # {"histories": [[0 or 1 per list..., count], ...], "records": [...], "method": ..., ...}: counts only.
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gt=0) & models.Q(threshold__lte=1),
                name="insight_linkagerun_threshold_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def finished(self) -> bool:
        return self.status in (EstimateStatus.DONE, EstimateStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == EstimateStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)
