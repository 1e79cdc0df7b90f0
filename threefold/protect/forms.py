from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.protect.identity import Identity


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


class PersonForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_names = forms.CharField(label=_("Family names"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Other names and aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in any script."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if unknown."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, with the country code if you know it."),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_date_of_birth(self) -> object:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("given_names") or data.get("family_names") or data.get("aliases")):
            raise forms.ValidationError(_("Enter at least a name or an alias."))
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        return Identity(
            given_names=data["given_names"].strip(),
            family_names=data["family_names"].strip(),
            aliases=_lines(data["aliases"]),
            date_of_birth=data["date_of_birth"],
            phones=_lines(data["phones"]),
            emails=_lines(data["emails"]),
        )

    @classmethod
    def initial_from(cls, identity: Identity, version: int) -> dict[str, object]:
        return {
            "given_names": identity.given_names,
            "family_names": identity.family_names,
            "aliases": "\n".join(identity.aliases),
            "date_of_birth": identity.date_of_birth,
            "phones": "\n".join(identity.phones),
            "emails": "\n".join(identity.emails),
            "version": version,
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, phone or e-mail"), max_length=200)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "This is recorded, shown to your supervisors and admins, and cannot be deleted. "
            "Do not write the person's name or other identifying details here."
        ),
    )
