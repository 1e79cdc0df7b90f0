"""Advocacy records of an organisation: evidence on the asks to governments, legislation reviews and advocacy
actions. Public-interest work about states, never about survivors: nothing here is sealed, and target officials
are recorded by name and role only.

Evidence is a draft until a second member approves it; once approved, its content can never change (a database
trigger refuses it: migration 0002), so the approved evidence of a country and ask is the append-only history of
its status. A correction is new evidence.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from threefold.advocate.core import gaps, status

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def new_evidence_reference() -> str:
    return _reference("EV-")


def new_review_reference() -> str:
    return _reference("LR-")


def new_action_reference() -> str:
    return _reference("AA-")


class Status(models.TextChoices):
    # Values equal threefold.advocate.core.status.Status.
    MET = status.Status.MET.value, pgettext_lazy("status of an ask to a government", "Met")
    PARTLY_MET = status.Status.PARTLY_MET.value, _("Partly met")
    NOT_MET = status.Status.NOT_MET.value, _("Not met")
    REGRESSED = status.Status.REGRESSED.value, _("Regressed")
    UNKNOWN = status.Status.UNKNOWN.value, _("Unknown")


class EvidenceState(models.TextChoices):
    DRAFT = "draft", _("Draft: waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Evidence(models.Model):
    """An advocate's evidence of how far a country meets one ask, at a date, with its source."""

    reference = models.CharField(max_length=12, unique=True, default=new_evidence_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    country_alpha3 = models.CharField(_("country"), max_length=3)
    ask = models.CharField(_("ask"), max_length=40)
    framework_version = models.PositiveSmallIntegerField()
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    as_of = models.DateField(_("the status holds on"))
    source_title = models.CharField(_("source title"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_citation = models.CharField(_("citation"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(max_length=10, choices=EvidenceState.choices, default=EvidenceState.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)  # why it was declined (or a remark on approval)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-as_of", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "country_alpha3", "ask"], name="advocate_evidence_country"),
            models.Index(fields=["organisation", "state"], name="advocate_evidence_state"),
        ]
        constraints = [
            # A source is a title with an address or a citation.
            models.CheckConstraint(
                condition=~Q(source_url="") | ~Q(source_citation=""), name="advocate_evidence_has_source"
            ),
            # Approved or declined means someone reviewed it, and when.
            models.CheckConstraint(
                condition=Q(state=EvidenceState.DRAFT, reviewed_at__isnull=True)
                | (~Q(state=EvidenceState.DRAFT) & Q(reviewed_at__isnull=False)),
                name="advocate_evidence_reviewed_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_draft(self) -> bool:
        return self.state == EvidenceState.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.state == EvidenceState.APPROVED


class Answer(models.TextChoices):
    # Values equal threefold.advocate.core.gaps.Answer.
    YES = gaps.Answer.YES.value, _("Yes")
    PARTLY = gaps.Answer.PARTLY.value, _("Partly")
    NO = gaps.Answer.NO.value, _("No")
    UNCLEAR = gaps.Answer.UNCLEAR.value, _("Unclear")


class LegislationReview(models.Model):
    """A review of one national law (as it stood on ``law_date``) against the checklist of a given version.

    A law amended gets a new review, ``previous`` pointing to the review of the law before the amendment.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_review_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    country_alpha3 = models.CharField(_("country"), max_length=3)
    law_title = models.CharField(_("title of the law"), max_length=300)
    law_citation = models.CharField(_("citation"), max_length=300, blank=True)
    law_url = models.URLField(_("address of the law"), max_length=500, blank=True)
    law_date = models.DateField(_("date of the law, or of its latest amendment reviewed"))
    checklist_version = models.PositiveSmallIntegerField()
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions"
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-law_date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "country_alpha3"], name="advocate_review_country")]

    def __str__(self) -> str:
        return self.reference


class ReviewAnswer(models.Model):
    review = models.ForeignKey(LegislationReview, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=60)  # an item id of the checklist
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)  # "": not answered yet
    articles = models.CharField(_("article(s) of the national law"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="advocate_answer_unique_item")]


class ActionKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    TREATY_BODY = "treaty_body", _("Submission to a UN treaty body")
    UPR = "upr", _("Submission to the Universal Periodic Review")
    SPECIAL_PROCEDURE = "special_procedure", _("Communication to a UN special rapporteur")
    GRETA = "greta", _("Submission to GRETA (Council of Europe)")
    CAMPAIGN = "campaign", _("Campaign")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Sent or held")
    AWAITING = "awaiting", _("Waiting for an answer")
    ANSWERED = "answered", pgettext_lazy("an advocacy action that was answered", "Answered")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    NONE_YET = "none_yet", _("None yet")
    COMMITMENT = "commitment", _("A commitment was made")
    CHANGE = "change", _("Law, policy or practice changed")
    PARTIAL = "partial", _("A partial answer")
    REFUSED = "refused", _("Refused")
    NO_ANSWER = "no_answer", _("No answer")


class AdvocacyAction(models.Model):
    """A letter, meeting, submission or campaign about one country and one or more asks.

    The target is a body and an official's role (and, at most, a public official's name): never anyone's contact
    details or other personal data. ``documents`` is a list of ``{"url", "title"}`` links.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_action_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    country_alpha3 = models.CharField(_("country"), max_length=3)
    asks = models.JSONField(_("asks"), default=list)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    target_body = models.CharField(_("body"), max_length=200)
    target_role = models.CharField(_("official's role"), max_length=200, blank=True)
    target_name = models.CharField(_("official's name"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NONE_YET)
    outcome_note = models.TextField(_("what came of it"), blank=True)
    documents = models.JSONField(_("documents"), default=list)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_reminded_on = models.DateField(
        null=True, blank=True
    )  # the follow-up date a reminder was sent for
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "country_alpha3"], name="advocate_action_country"),
            models.Index(fields=["organisation", "follow_up_on"], name="advocate_action_follow_up"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != ActionStatus.CLOSED
