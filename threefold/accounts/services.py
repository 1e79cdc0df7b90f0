"""Changes to organisations, memberships, invitations and API tokens. Each is checked, transactional and audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action

INVITATION_DAYS = 7
TOKEN_DAYS = 90


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require(actor: Actor, permission: str) -> None:
    if not allowed(actor, permission):
        raise PermissionDenied


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invite(actor: Actor, email: str, role: Role) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the one-time token for the link (not stored)."""
    _require(actor, "accounts.manage_members")
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(organisation_id=actor.org_id, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of this organisation.") % {"email": email})
    token = new_invitation_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation_id=actor.org_id,
            email=email,
            role=role,
            token_hash=token_hash(token),
            invited_by=actor.user,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit.record(actor, Action.INVITE, invitation, details={"role": str(role)})
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()
    )
    return invitation if invitation and invitation.is_pending else None


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if not invitation.is_pending:
        raise ValidationError(_("This invitation has expired or was withdrawn."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "is_active": True},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit.record(
            Actor(user, membership),
            Action.ROLE,
            membership,
            details={"role": invitation.role, "via": "invitation", "invitation": invitation.pk},
        )
    return membership


def revoke_invitation(actor: Actor, invitation: Invitation) -> None:
    _require(actor, "accounts.manage_members")
    if invitation.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(actor, Action.REVOKE, invitation)


def change_role(actor: Actor, membership: Membership, role: Role) -> None:
    _require(actor, "accounts.manage_members")
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if membership.user_id == actor.user.pk and role != Role.ORG_ADMIN:
        # An admin demoting themselves could leave the organisation with nobody able to manage it.
        raise ValidationError(_("You cannot change your own role; ask another organisation admin."))
    with transaction.atomic():
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(actor, Action.ROLE, membership, details={"from": old, "to": str(role)})


def set_active(actor: Actor, membership: Membership, active: bool) -> None:
    _require(actor, "accounts.manage_members")
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if membership.user_id == actor.user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        audit.record(actor, Action.ROLE, membership, details={"active": active})


def reset_mfa(actor: Actor, membership: Membership) -> int:
    """Remove a member's authenticators after a lost phone. They must enrol again at their next request.

    Refused for people who also belong to another organisation: one organisation's admin must not weaken an
    account that others rely on; the platform admin handles those.
    """
    _require(actor, "accounts.manage_members")
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if membership.user_id == actor.user.pk:
        raise ValidationError(_("You cannot reset your own two-factor authentication; ask another admin."))
    if Membership.objects.filter(user_id=membership.user_id).exclude(organisation_id=actor.org_id).exists():
        raise ValidationError(_("This person also belongs to another organisation: ask the platform admin."))
    with transaction.atomic():
        removed, _kinds = Authenticator.objects.filter(user_id=membership.user_id).delete()
        audit.record(actor, Action.MFA, membership, details={"event": "reset_by_admin", "removed": removed})
    return removed


def create_organisation(
    name: str, type: str, country: str, *, is_demo: bool = False, system_label: str = "system"
) -> Organisation:
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationError(_("country: use an ISO 3166-1 alpha-2 code such as FR or MX."))
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"type": type, "country": country, "is_demo": is_demo}
        )
        if created:
            audit.record(
                None, Action.CREATE, organisation, system_label=system_label, organisation_id=organisation.pk
            )
    return organisation


def create_api_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    _require(actor, "api.use")
    raw = "tf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.user,
            name=name.strip()[:100] or "API token",
            prefix=raw[:10],
            key_hash=token_hash(raw),
            expires_at=timezone.now() + timedelta(days=TOKEN_DAYS),
        )
        audit.record(actor, Action.GRANT, token, details={"kind": "api_token"})
    return token, raw


def revoke_api_token(actor: Actor, token: ApiToken) -> None:
    if token.user_id != actor.user.pk:
        raise PermissionDenied
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, Action.REVOKE, token, details={"kind": "api_token"})
