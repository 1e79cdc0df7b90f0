"""Reads of accounts data (memberships, invitations, grants, API tokens), scoped to the acting org or user."""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.models import AccessGrant, ApiToken, Invitation, Membership
from threefold.accounts.roles import IDENTITY_READER_ROLES
from threefold.accounts.rules import allowed

SCOPES = {"view": ("view", "edit"), "edit": ("edit",)}


def organisation_grant_filter(actor: Actor) -> Q:
    """Grants to the actor's organisation as a whole (referrals)."""
    return Q(grantee_organisation_id=actor.org_id) if actor.organisation_id is not None else Q(pk__in=[])


def user_grant_filter(actor: Actor) -> Q:
    """Grants to the actor personally (break the glass). They count only while acting for the organisation
    that owns the object: the caller checks that, since only it knows the object's organisation."""
    return Q(grantee_user_id=actor.user.pk)


def active_grant_exists(actor: Actor, obj: Model, *, scope: str = "view") -> bool:
    grants = AccessGrant.objects.active().filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), scope__in=SCOPES[scope]
    )
    who = organisation_grant_filter(actor)
    if getattr(obj, "organisation_id", None) == actor.organisation_id:
        who |= user_grant_filter(actor)
    return grants.filter(who).exists()


def granted_ids(actor: Actor, object_type: str, *, personal: bool) -> QuerySet[AccessGrant, str]:
    """Ids of objects granted to the actor's organisation, or (``personal``) to the actor themself."""
    who = user_grant_filter(actor) if personal else organisation_grant_filter(actor)
    return (
        AccessGrant.objects.active().filter(who, object_type=object_type).values_list("object_id", flat=True)
    )


def assignable_members(actor: Actor) -> QuerySet[Membership]:
    """Active colleagues a supervisor may assign records to (roles that read identities), never themself:
    a supervisor who needs a record not assigned to them breaks the glass, with a reason and a time limit."""
    if not allowed(actor, "protect.view_caseload"):
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            organisation_id=actor.org_id, is_active=True, role__in=IDENTITY_READER_ROLES
        )
        .exclude(user_id=actor.user.pk)
        .select_related("user")
        .order_by("user__email")
    )


def members(actor: Actor) -> QuerySet[Membership]:
    if not allowed(actor, "accounts.manage_members"):
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=actor.org_id).select_related("user")


def get_membership(actor: Actor, membership_id: int) -> Membership:
    try:
        return members(actor).get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def invitations(actor: Actor) -> QuerySet[Invitation]:
    if not allowed(actor, "accounts.manage_members"):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=actor.org_id).select_related("invited_by")


def get_invitation(actor: Actor, invitation_id: int) -> Invitation:
    try:
        return invitations(actor).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None


def colleague_ids(actor: Actor) -> QuerySet[Membership, int]:
    """Users who are members of the actor's organisation (whose activity a supervisor or admin may review)."""
    return Membership.objects.filter(organisation_id=actor.org_id).values_list("user_id", flat=True)


def my_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own API tokens that were not revoked (a token is a credential: nobody sees another's)."""
    return ApiToken.objects.filter(user_id=actor.user.pk, revoked_at__isnull=True)


def get_my_token(actor: Actor, token_id: int) -> ApiToken:
    """One of the actor's own live tokens; anyone else's, or one already revoked, is a 404."""
    try:
        return my_tokens(actor).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None
