"""Forms of the referral pages. They check types and offer choices; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation
from threefold.referrals.models import (
    DEFAULT_ACCESS_DAYS,
    MAX_ACCESS_DAYS,
    PartnerService,
    Service,
    SharedField,
    Urgency,
)
from threefold.referrals.services import MAX_REASON_CHARS


class RecipientFilterForm(forms.Form):
    """Narrows the organisations the send form offers (GET): by service and area."""

    service = forms.ChoiceField(
        label=_("Service needed"), choices=[("", _("Any service")), *Service.choices], required=False
    )
    country = forms.CharField(label=_("Country (two-letter code)"), max_length=2, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {key: str(value).strip() for key, value in self.cleaned_data.items() if value}


class SendForm(forms.Form):
    to_org = forms.ModelChoiceField(
        label=_("Organisation to refer to"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        help_text=_(
            "Organisations of the partner directory that accept referrals. The person must have agreed "
            "to be referred to the one you choose."
        ),
    )
    services = forms.MultipleChoiceField(
        label=_("Services requested"), choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    # "shared", not "fields": that name is the form's own dict of fields.
    shared = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Share only what the partner needs to help, and only what the person agreed to. Notes are "
            "never shared."
        ),
    )
    access_days = forms.IntegerField(
        label=_("Days of access once accepted"),
        min_value=1,
        max_value=MAX_ACCESS_DAYS,
        initial=DEFAULT_ACCESS_DAYS,
        help_text=_(
            "The partner can read what you share for this many days after accepting; you can revoke "
            "it sooner."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason to go ahead without the person's consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only if the person has not agreed and the referral cannot wait (for example, a child in "
            "danger). It is recorded and reviewed. Leave empty otherwise."
        ),
    )

    def __init__(
        self,
        *args: Any,
        recipients: QuerySet[Organisation],
        available: list[str],
        may_override: bool,
        areas: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if areas:
            # Only for organisations that imported prevention areas (threefold.prevent): the coverage dashboard
            # counts referrals by the area they come from.
            self.fields["area_code"] = forms.ChoiceField(
                label=_("Area the referral comes from"),
                choices=[("", _("Not known or not listed")), *areas],
                required=False,
                help_text=_(
                    "For your organisation's prevention coverage figures; not shared with the partner."
                ),
            )
        recipient_field = self.fields["to_org"]
        assert isinstance(recipient_field, forms.ModelChoiceField)
        recipient_field.queryset = recipients
        field_choices = self.fields["shared"]
        assert isinstance(field_choices, forms.MultipleChoiceField)
        # Only the groups this person has something in: an empty group would promise data that is not there.
        field_choices.choices = [(value, label) for value, label in SharedField.choices if value in available]
        if not may_override:
            del self.fields["override_reason"]

    def send_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_org": data["to_org"],
            "services": data["services"],
            "fields": data["shared"],
            "access_days": data["access_days"],
            "urgency": data["urgency"],
            "override_reason": data.get("override_reason") or None,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say why, briefly, with no more detail about the person than needed. The sending "
            "organisation keeps it with the case."
        ),
    )


class PartnerServiceForm(forms.ModelForm):
    class Meta:
        model = PartnerService
        fields = ("service", "country", "region", "description", "accepts_referrals")

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()
