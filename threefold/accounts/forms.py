from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import RoleChoices


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=RoleChoices.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=RoleChoices.choices)


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(label=_("Your name as colleagues will see it"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are different."))
        elif data.get("password1"):
            try:
                validate_password(str(data["password1"]))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
