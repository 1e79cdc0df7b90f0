"""Survivor identity records. Identifying fields live only in the sealed ``identity`` column (see vault)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.vault import sealed

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: references are read aloud on phones


def new_reference() -> str:
    return "P-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


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
