"""The only way to create or change a Person: validation, sealing, blind indexes and audit in one transaction."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.models import AccessGrant, Membership, User
from threefold.accounts.roles import IDENTITY_READER_ROLES
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect.identity import Identity, IdentityError, index_terms, validate
from threefold.protect.models import Person, PersonIndex, identity_context
from threefold.vault import sealed


class ConflictError(Exception):
    """Someone else saved this record since it was opened; nothing was overwritten."""


def _write_identity(person: Person, identity: Identity) -> None:
    person.identity = sealed.seal_json(
        identity.to_json(),
        organisation_id=person.organisation_id,
        context=identity_context(person),
        subject=person.reference,  # the person's own key: erasing them shreds it (ADR 0015)
    )


def _reindex(person: Person, identity: Identity) -> None:
    PersonIndex.objects.filter(person=person).delete()
    PersonIndex.objects.bulk_create(
        PersonIndex(person=person, kind=kind, digest=digest)
        for kind, digest in index_terms(identity, lambda value, kind: sealed.blind(value, kind=kind))
    )


def reindex_organisation(organisation_id: int) -> int:
    """Recompute every person's blind-index terms (after the way terms are built has changed)."""
    count = 0
    for person in Person.objects.filter(organisation_id=organisation_id).exclude(identity=None).iterator():
        if person.identity is None:
            continue
        blob = sealed.unseal_json(
            bytes(person.identity), organisation_id=organisation_id, context=identity_context(person)
        )
        with transaction.atomic():
            _reindex(person, Identity.from_json(blob))
        count += 1
    return count


def create_person(actor: Actor, identity: Identity, *, is_demo: bool = False, purpose: str = "") -> Person:
    if not allowed(actor, "protect.add_person"):
        raise PermissionDenied
    validate(identity, today=timezone.localdate())
    with transaction.atomic():
        person = Person(organisation_id=actor.org_id, created_by=actor.user, is_demo=is_demo)
        _write_identity(person, identity)
        person.save()
        _reindex(person, identity)
        # Whoever records a person can open it afterwards if their role reads identities; a screener cannot.
        if actor.reads_identities:
            person.assigned_to.add(actor.user)
        audit.record(actor, Action.CREATE, person, purpose=purpose)
    return person


def update_identity(actor: Actor, person: Person, identity: Identity, *, expected_version: int) -> Person:
    if not allowed(actor, "protect.change_person", person):
        raise PermissionDenied
    validate(identity, today=timezone.localdate())
    with transaction.atomic():
        _write_identity(person, identity)
        # Compare-and-set on the version: if another save happened since the form was opened, update 0 rows.
        updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
            identity=person.identity, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise ConflictError
        _reindex(person, identity)
        audit.record(actor, Action.UPDATE, person, details={"fields": ["identity"]})
    person.refresh_from_db()
    return person


def assign(actor: Actor, person: Person, user: User) -> None:
    if not allowed(actor, "protect.assign_person", person):
        raise PermissionDenied
    if user.pk == actor.user.pk:
        # Self-assignment would be lasting access without a reason: that is what break-the-glass is for.
        raise IdentityError("assigned_to: you cannot assign a record to yourself; break the glass instead.")
    membership = Membership.objects.filter(
        user=user, organisation_id=person.organisation_id, is_active=True
    ).first()
    if membership is None or membership.role not in IDENTITY_READER_ROLES:
        raise IdentityError(
            "assigned_to: only caseworkers, supervisors and legal officers of this organisation."
        )
    with transaction.atomic():
        person.assigned_to.add(user)
        audit.record(actor, Action.GRANT, person, details={"assigned_user_id": user.pk})


def break_glass(actor: Actor, person: Person, reason: str) -> AccessGrant:
    """A supervisor opens a record not assigned to them, for a stated reason, for a limited time. Audited."""
    if not allowed(actor, "protect.break_glass", person):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 10:
        raise IdentityError("reason: say in at least 10 characters why you need this record.")
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            object_type=person._meta.label_lower,
            object_id=str(person.pk),
            grantee_user=actor.user,
            reason=reason,
            is_break_glass=True,
            granted_by=actor.user,
            expires_at=timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        audit.record(actor, Action.BREAK_GLASS, person, purpose=reason, details={"grant": str(grant.pk)})
    return grant
