"""Organisation admin pages (members, roles, invitations) and accepting an invitation."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts import access, services
from threefold.accounts.actor import Actor
from threefold.accounts.forms import AcceptInvitationForm, InviteForm, RoleForm
from threefold.accounts.middleware import acting_member
from threefold.accounts.models import User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.web.tasks import send_email_in_background


def _admin(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "accounts.manage_members"):
        raise PermissionDenied
    return actor


@require_GET
def members(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    return render(
        request,
        "accounts/members.html",
        {
            "members": access.members(actor),
            "invitations": [i for i in access.invitations(actor) if i.is_pending],
            "invite_form": InviteForm(),
            "roles": Role,
        },
    )


@require_http_methods(["GET", "POST"])
@reauthentication_required
def invite(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.invite(
                actor, form.cleaned_data["email"], Role(form.cleaned_data["role"])
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            link = request.build_absolute_uri(reverse("accounts:accept_invitation", args=[token]))
            send_email_in_background(
                _("You are invited to Threefold"),
                _("%(org)s invites you to join Threefold. Open this link within 7 days: %(link)s")
                % {"org": invitation.organisation.name, "link": link},
                [invitation.email],
            )
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members")
    return render(request, "accounts/invite.html", {"form": form})


@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = _admin(request)
    services.revoke_invitation(actor, access.get_invitation(actor, invitation_id))
    messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:members")


@require_http_methods(["GET", "POST"])
@reauthentication_required
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _admin(request)
    membership = access.get_membership(actor, membership_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(actor, membership, Role(form.cleaned_data["role"]))
        except ValidationError as exc:
            form.add_error("role", exc)
        else:
            messages.success(request, _("Role changed."))
            return redirect("accounts:members")
    return render(request, "accounts/change_role.html", {"form": form, "membership": membership})


@require_POST
@reauthentication_required
def toggle_active(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _admin(request)
    membership = access.get_membership(actor, membership_id)
    try:
        services.set_active(actor, membership, not membership.is_active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:members")


@require_POST
@reauthentication_required
def reset_mfa(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _admin(request)
    membership = access.get_membership(actor, membership_id)
    try:
        services.reset_mfa(actor, membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Two-factor authentication of %(email)s was reset; they must set it up again when they next sign in."
            )
            % {"email": membership.user.email},
        )
    return redirect("accounts:members")


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                services.accept_invitation(invitation, existing)
                messages.success(request, _("You joined %(org)s.") % {"org": invitation.organisation.name})
                return redirect("web:home")
            return render(request, "accounts/accept_existing.html", {"invitation": invitation})
        return redirect(f"{reverse('account_login')}?next={request.path}")
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email,
                form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
            # The link reached this inbox, which verifies the address.
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            services.accept_invitation(invitation, user)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        # They just chose their password: that counts as a sign-in for the two-factor set-up that follows.
        record_authentication(request, user, method="password", email=user.email)
        return redirect("mfa_activate_totp")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})
