"""Forms of the screening pages (the per-item answer form is in ``answer_forms``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from threefold.identify.core.definition import Instrument
from threefold.identify.models import ConsentMethod


class StartForm(forms.Form):
    setting = forms.ChoiceField(label=_("Where are you screening?"))

    def __init__(
        self, instrument: Instrument, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        from threefold.identify.presentation import setting_label

        super().__init__(*args, **kwargs)
        field = self.fields["setting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, setting_label(s)) for s in instrument.settings]
        if areas:
            # Only for organisations that imported prevention areas (threefold.prevent): the coverage dashboard
            # counts screenings by area. Optional: a screener may not know, or the area may not be listed.
            self.fields["area_code"] = forms.ChoiceField(
                label=_("Area"), choices=[("", _("Not known or not listed")), *areas], required=False
            )


class PrevalenceForm(forms.Form):
    """The share of people screened here who are victims: the figure that turns accuracy into meaning."""

    prevalence = forms.DecimalField(
        label=_("Share of people screened here who are likely victims (%)"),
        help_text=_("Use your service's own figure if you know it; the default is the study's."),
        min_value=Decimal("0.1"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        localize=True,
    )

    def __init__(self, data: Any = None, *, default: Decimal) -> None:
        super().__init__(data if data and "prevalence" in data else None, initial={"prevalence": default})
        self.default = default

    def share(self) -> float:
        if self.is_bound and self.is_valid():
            return float(self.cleaned_data["prevalence"]) / 100
        return float(self.default) / 100


class AttachPersonForm(forms.Form):
    person = forms.CharField(
        label=_("Person's reference"),
        help_text=_("As shown on the person's record, e.g. P-7KQ2M9XA."),
        max_length=12,
    )
    consent = forms.ChoiceField(
        label=_("How did the person consent to keeping this screening with their record?"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I have explained what is kept, who can see it, and that they can withdraw consent."),
    )

    def clean_person(self) -> str:
        reference = str(self.cleaned_data["person"]).strip().upper()
        if not re.fullmatch(r"P-[A-Z2-9]{8}", reference):
            raise forms.ValidationError(_("A person's reference looks like P-7KQ2M9XA."), code="invalid")
        return reference
