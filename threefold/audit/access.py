"""Reads of the audit trail: only supervisors and organisation admins, only their own organisation's entries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from threefold.accounts.access import colleague_ids
from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.rules import allowed
from threefold.audit import services
from threefold.audit.models import Action, AuditEntry

PAGE = 200


def _scope(actor: Actor) -> QuerySet[AuditEntry]:
    if not allowed(actor, "audit.view_history"):
        raise Http404
    return AuditEntry.objects.filter(organisation_id=actor.organisation_id).order_by("-seq")


def recent(actor: Actor) -> QuerySet[AuditEntry]:
    entries = _scope(actor)[:PAGE]
    services.record(actor, Action.VIEW, ("audit.activity", ""))
    return entries


def object_history(actor: Actor, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    """Who saw or changed one record, as far as the actor's organisation is concerned."""
    scoped = _scope(actor).filter(object_type=object_type, object_id=object_id)
    if not scoped.exists():
        # Not-yours is a 404: another organisation's record (or one that does not exist) has no history here.
        raise Http404
    entries = scoped[:PAGE]
    services.record(actor, Action.VIEW, ("audit.object_history", f"{object_type}:{object_id}"[:64]))
    return entries


def user_activity(actor: Actor, user_id: int) -> tuple[User, QuerySet[AuditEntry]]:
    if not colleague_ids(actor).filter(user_id=user_id).exists():
        raise Http404
    _scope(actor)
    user = User.objects.get(pk=user_id)
    entries = _scope(actor).filter(actor_id=user_id)[:PAGE]
    services.record(actor, Action.VIEW, ("audit.user_activity", str(user_id)))
    return user, entries
