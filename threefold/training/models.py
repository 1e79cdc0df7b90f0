"""Training of officials and frontline staff (issue 8): courses, modules, a question bank per course, sessions
with a frozen question set, participants with minimal data, attendance, pre- and post-tests, certificates and
follow-ups at 3 and 6 months (ADR 0028).

Participants are officials, not survivors, but what could name one is still personal data: the optional name and
e-mail (given only for a named certificate or follow-up reminders) are sealed together in ``identity``, and the
follow-up notes in ``notes``. Their personal link is a random token stored only as its SHA-256.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code(prefix: str, length: int = 8) -> str:
    return prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(length))


def new_course_reference() -> str:
    return _code("TC-")


def new_session_reference() -> str:
    return _code("TS-")


def new_certificate_code() -> str:
    # Long enough that guessing a valid code on the public verification page is hopeless (32^12).
    return _code("", 12)


class Audience(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement (police, border guards)")
    PROSECUTORS = "prosecutors", _("Prosecutors")
    JUDICIARY = "judiciary", _("Judges and court staff")
    FIRST_RESPONDERS = "first_responders", _("First responders")
    LABOUR_INSPECTORS = "labour_inspectors", _("Labour inspectors")
    OTHER_OFFICIALS = "other_officials", _("Other officials")
    HEALTH = "health", _("Health staff")
    HOSPITALITY = "hospitality", _("Hospitality staff")
    AIRLINE = "airline", _("Airline and airport staff")
    SCHOOL = "school", _("School staff")
    MIXED = "mixed", _("Mixed audience")


class Sector(models.TextChoices):
    """A participant's sector and role, the only thing always recorded about them besides their employer."""

    POLICE = "police", _("Police officer")
    BORDER = "border", _("Border or immigration officer")
    LABOUR = "labour", _("Labour inspector")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge or court staff")
    SOCIAL = "social", _("Social worker")
    OFFICIAL = "official", _("Other public official")
    HEALTH = "health", _("Health worker")
    HOSPITALITY = "hospitality", _("Hospitality staff")
    AIRLINE = "airline", _("Airline or airport staff")
    SCHOOL = "school", _("Teacher or school staff")
    NGO = "ngo", _("NGO staff")
    OTHER = "other", _("Other")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class Kind(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


class Course(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_course_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=30, choices=Audience.choices)
    description = models.TextField(blank=True)
    languages = models.JSONField(default=list)  # language codes (settings.LANGUAGES) the course is given in
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="training_module_position")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A single-choice question of the course's bank. Never edited once written (old results point at it):
    a wrong question is retired and a new one written."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField()
    options = models.JSONField()  # list of option texts, 2 to 6
    correct = models.PositiveSmallIntegerField()  # index into options
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module__position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Session(models.Model):
    reference = models.CharField(max_length=12, unique=True, default=new_session_reference, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField()
    ends_on = models.DateField()
    place = models.CharField(max_length=200)
    # An administrative area of the organisation (threefold.prevent), so the vulnerability map can show where
    # officials were trained; blank when the organisation has no areas or the session is online.
    area_code = models.CharField(max_length=40, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10)
    format = models.CharField(max_length=12, choices=Format.choices)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    questions_frozen_at = models.DateTimeField(null=True, blank=True)
    # Self-registration: the SHA-256 of the join link's code while registration is open (NULL: closed). The code
    # itself is shown once to the trainer, to project in the room, and not kept.
    join_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    join_opened_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return self.reference


class SessionQuestion(models.Model):
    """The frozen question set of a session: its pre-test and post-test ask exactly these, in this order."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="frozen")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "question"], name="training_frozen_question")
        ]


class Participant(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()  # "participant 7" on pages that show no names
    employer = models.CharField(max_length=200)  # the participant's own organisation, e.g. "City police"
    sector = models.CharField(max_length=20, choices=Sector.choices)
    identity = models.BinaryField(null=True)  # sealed {"name", "email"}; NULL when neither was given
    token_hash = models.CharField(max_length=64, unique=True)
    certificate_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    certificate_issued_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="training_participant_number")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.number}"


class Attendance(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    present = models.BooleanField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="training_attendance_day")]


class Attempt(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(  # the trainer who typed a paper test in; NULL when taken through the link
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "kind"], name="training_one_attempt")]


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    chosen = models.PositiveSmallIntegerField(null=True)  # NULL: left blank
    correct = models.BooleanField()  # as marked when submitted, against the question's answer then

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="training_one_answer")]


class FollowUp(models.Model):
    """The question asked 3 and 6 months after the session ended; created with the participant."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    identified = models.PositiveIntegerField(null=True, blank=True)
    referred = models.PositiveIntegerField(null=True, blank=True)
    notes = models.BinaryField(null=True)  # sealed {"helped", "missing"}
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    # A one-use link e-mailed with the reminder (the personal link's token is not kept, so it cannot be re-sent).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "months"], name="training_one_follow_up")
        ]


IDENTITY_CONTEXT = sealed.register(Participant, "identity", row_field="uid")
NOTES_CONTEXT = sealed.register(FollowUp, "notes", row_field="uid")
