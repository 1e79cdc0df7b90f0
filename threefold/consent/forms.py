"""The form to record a consent. It checks types only; the rules (which purpose names an organisation, what a
guardian's consent needs, dates) live in ``services.record_consent``, whose errors land on these fields."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation
from threefold.consent.models import Method, Purpose


def end_of_day(day: date) -> datetime:
    """A day typed in the form as a moment. The end of the day, not the start: a consent given "on 3 May" is
    surely in force after 3 May, and a consent ending "on 3 May" still covers that day."""
    return timezone.make_aware(datetime.combine(day, time.max))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What did the person agree to?"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    recipient = forms.ModelChoiceField(
        label=_("Organisation referred to or shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose an organisation"),
        help_text=_(
            "Only for a referral (required) or data sharing. For data sharing, leave it empty only if the "
            "person agreed to sharing with any partner organisation."
        ),
    )
    method = forms.ChoiceField(
        label=_("How was the consent given?"), choices=Method.choices, widget=forms.RadioSelect
    )
    guardian_relationship = forms.CharField(
        label=_("Relationship of the parent or guardian to the child"),
        max_length=60,
        required=False,
        help_text=_("Only for consent given by a parent or guardian, e.g. mother, legal guardian. No names."),
    )
    given_at = forms.DateField(label=_("Date given"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_at = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the consent has no end date. It can be withdrawn at any time."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I have explained what this consent covers, who will see what, and that it can be withdrawn at "
            "any time without giving a reason."
        ),
    )

    def __init__(self, *args: Any, recipients: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = recipients

    def record_arguments(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments of ``services.record_consent``."""
        data = self.cleaned_data
        today = timezone.localdate()
        given_on: date = data["given_at"]
        expires_on: date | None = data["expires_at"]
        return {
            "purpose": data["purpose"],
            "method": data["method"],
            # Given today: from now, so that the consent counts at once and never before it was recorded.
            "given_at": timezone.now() if given_on == today else end_of_day(given_on),
            "recipient": data["recipient"],
            "guardian_relationship": data["guardian_relationship"],
            "expires_at": end_of_day(expires_on) if expires_on else None,
        }
