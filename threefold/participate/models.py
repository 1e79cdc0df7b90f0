"""Models of participate (issue 8): anonymous consultations, anonymous service feedback, survivor leaders.

Anonymous answers are kept so that nothing can tie one to a person, a link, a device or a moment (ADR 0030):

- there is no response row. A choice or scale answer adds one to a counter (``Tally``: question, option,
  count); counters exist from the moment a consultation opens, so even their insertion order says nothing;
- a free-text answer is a row of its own (random UUID key, sealed text, the Monday of the week it came in),
  with no reference to the other answers of the same respondent, nor to a link;
- a link (``AnswerLink``) holds only the HMAC-SHA256 of its code under a server secret, what it is for and its
  expiry date; it is deleted when used, so "used" leaves nothing behind to compare. Who issued links, how many
  and on which day is kept apart (``LinkIssue``), with no reference to any link;
- counts are never shown while they move one answer at a time: a consultation's results appear once it is
  closed, and service feedback is held back, sealed (``FeedbackHeld``), until k answers on the same service and
  provider can be released together.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.participate.core import questions as question_core
from threefold.participate.core import results as results_core
from threefold.referrals.models import Service
from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def new_consultation_reference() -> str:
    return _reference("CO-")


def new_leader_reference() -> str:
    return _reference("SL-")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class Kind(models.TextChoices):
    # Values equal threefold.participate.core.questions.Kind.
    SINGLE = question_core.Kind.SINGLE.value, _("One answer from a list")
    MULTIPLE = question_core.Kind.MULTIPLE.value, _("Several answers from a list")
    SCALE = question_core.Kind.SCALE.value, _("A scale from 1 to 5")
    TEXT = question_core.Kind.TEXT.value, _("Free text")


class Consultation(models.Model):
    """A consultation of survivors on a policy or a service."""

    reference = models.CharField(
        max_length=12, unique=True, default=new_consultation_reference, editable=False
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    topic = models.TextField(_("what it is about"))
    languages = models.JSONField(
        _("languages offered"), default=list
    )  # language codes, the first is the default
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    k = models.PositiveSmallIntegerField(_("smallest group shown"), default=results_core.DEFAULT_K)
    responses = models.PositiveIntegerField(default=0)  # a counter: there is no row per respondent
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="participate_dates"
            ),
            models.CheckConstraint(condition=Q(k__gte=results_core.MIN_K), name="participate_k_floor"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def first_language(self) -> str:
        return self.languages[0] if self.languages else "en"


class Question(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    texts = models.JSONField(default=dict)  # {language: text}
    options = models.JSONField(default=list)  # [{language: label}, ...] for choice questions
    respondents = models.PositiveIntegerField(default=0)  # how many answered this question

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="participate_question_position")
        ]


class Tally(models.Model):
    """How many respondents gave one answer (an option's index, or a scale value) to one question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    key = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="participate_tally_key")]


class TextAnswer(models.Model):
    """One free-text answer: sealed, dated to its week, tied to nothing but its question."""

    uid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="text_answers")
    week = models.DateField()
    text = models.BinaryField()


class Change(models.Model):
    """ "You said, we did": what the organisation changed in response to a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="changes")
    on = models.DateField(_("date"))
    you_said = models.TextField(
        _("you said"),
        help_text=_(
            "What respondents told you, in a sentence. Never write a survivor's name or anything that "
            "identifies them here: this is published."
        ),
    )
    we_did = models.TextField(_("we did"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]


class AnswerLink(models.Model):
    """A single-use link to one consultation, or to the feedback survey of one service by one provider. Deleted
    when it is used; nothing records to whom it was given."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(Consultation, null=True, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(consultation__isnull=False, service="", provider__isnull=True))
                | (Q(consultation__isnull=True, provider__isnull=False) & ~Q(service="")),
                name="participate_link_purpose",
            )
        ]


class LinkIssue(models.Model):
    """Who issued how many links, for what, on which day: never to whom, and no reference to the links."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, null=True, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField()
    count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-issued_on", "-pk"]


# ---- service feedback


class FeedbackQuestion(models.TextChoices):
    SATISFACTION = "satisfaction", _("How satisfied were you with the service?")
    FELT_SAFE = "felt_safe", _("Did you feel safe?")
    RESPECTED = "respected", _("Were you treated with respect?")
    RECOMMEND = "recommend", _("Would you recommend this service to someone in your situation?")


class FeedbackTally(models.Model):
    """How many respondents gave one answer to one question of the feedback on one service by one provider.
    ``question`` "responses" with key "n" counts the respondents."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=20)
    key = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service", "provider", "question", "key"],
                name="participate_feedback_key",
            )
        ]


class FeedbackHeld(models.Model):
    """One client's feedback, held back until k answers on the same service and provider are waiting, then moved
    into ``FeedbackTally`` and ``FeedbackComment`` with the others in one transaction and deleted (ADR 0030).

    Random UUID key, the answers and comment sealed together with the organisation's key, the Monday of the week
    as its only time, and no reference to the link it came through."""

    uid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    answers = models.BinaryField()


class FeedbackComment(models.Model):
    uid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    text = models.BinaryField()


# ---- survivor leaders


class Leader(models.Model):
    """A survivor leader, under the pseudonym they chose: no link to any person record."""

    reference = models.CharField(max_length=12, unique=True, default=new_leader_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(_("pseudonym"), max_length=80)
    contact_notes = models.BinaryField(null=True, blank=True)  # sealed: how to reach them, what they prefer
    consent_on = models.DateField(_("consent given on"))
    consent_scope = models.TextField(_("what they agreed to"))
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["pseudonym", "pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def consent_active(self) -> bool:
        return self.consent_withdrawn_on is None


class ActivityKind(models.TextChoices):
    ADVISORY = "advisory", _("Advisory group")
    POLICY = "policy", _("Policy review")
    TRAINING = "training", _("Training delivery")
    SPEAKING = "speaking", _("Speaking")


class SupportKind(models.TextChoices):
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    CHILDCARE = "childcare", _("Childcare")
    TRAVEL = "travel", _("Travel")
    COUNSELLING = "counselling", _("Counselling")


class PaymentKind(models.TextChoices):
    FEE = "fee", _("Fee")
    EXPENSES = "expenses", _("Expenses")


class LeaderActivity(models.Model):
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["-on", "-pk"]


class LeaderSupport(models.Model):
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(_("kind"), max_length=16, choices=SupportKind.choices)
    on = models.DateField(_("date"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-on", "-pk"]


class LeaderPayment(models.Model):
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="participate_payment_positive")
        ]


# Every sealed column: (model, field) -> column context.
SEALED: dict[tuple[type[models.Model], str], str] = {
    (TextAnswer, "text"): sealed.register(TextAnswer, "text", row_field="uid"),
    (FeedbackComment, "text"): sealed.register(FeedbackComment, "text", row_field="uid"),
    (FeedbackHeld, "answers"): sealed.register(FeedbackHeld, "answers", row_field="uid"),
    (Leader, "contact_notes"): sealed.register(Leader, "contact_notes", row_field="reference"),
}
