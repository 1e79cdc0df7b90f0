"""Forms of the prosecution pages. They only parse: the rules (dates, offences of the jurisdiction, a conviction
before a sentence) live in ``services``, whose ``ProsecuteError`` names the field of these forms it is about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.prosecute.core import offences
from threefold.prosecute.models import (
    AccompanimentKind,
    CourtDateKind,
    CourtDateStatus,
    Measure,
    MeasureStatus,
    NonPunishment,
    OrderKind,
    OwnChargeStatus,
    PerpetratorRole,
    RiskLevel,
    Stage,
    Verdict,
)
from threefold.prosecute.services import MAX_NAME_CHARS, MAX_TEXT_CHARS

SEALED_HINT = _(
    "Encrypted. Seen only by the people who work on this case: write only what the proceeding needs."
)


def _date(label: Any, *, required: bool = True, today: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if today else None,
        help_text=help_text,
    )


def _text(label: Any, *, required: bool = False, help_text: Any = SEALED_HINT) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def _line(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=MAX_NAME_CHARS, help_text=help_text)


def jurisdiction_choices() -> list[tuple[str, str]]:
    return [(j.id, j.name) for j in offences.load_all()]


def _jurisdiction(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Jurisdiction"),
        choices=[("", _("Choose…"))] if not required else [],
        required=required,
        help_text=_("The law the charges are brought under. “Another jurisdiction” lists generic offences."),
    )


class Versioned(forms.Form):
    """An edit: the version of the row the form was shown with, so a concurrent save is caught, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ProceedingForm(forms.Form):
    jurisdiction = _jurisdiction()
    opened_on = _date(_("The investigation began on"), today=True)
    court = _line(
        _("Court or prosecutor's office"), help_text=_("Its public name, if one is seized already.")
    )
    court_reference = _line(
        _("The court's case number"),
        help_text=_("Encrypted: it leads to court records that may name the survivor."),
    )
    notes = _text(_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = jurisdiction_choices()


class ProceedingEditForm(Versioned):
    court = _line(_("Court or prosecutor's office"))
    court_reference = _line(_("The court's case number"), help_text=SEALED_HINT)
    notes = _text(_("Notes"))
    closed_on = _date(
        _("The proceeding ended on"),
        required=False,
        help_text=_("Only once nothing more can happen: every appeal decided or out of time."),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, widget=forms.RadioSelect)
    on = _date(_("Date"), today=True)
    court = _line(_("Court"))
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    note = _text(_("Note"))

    def __init__(self, *args: Any, default_jurisdiction: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = jurisdiction_choices()
        field.initial = default_jurisdiction


class OffenderForm(forms.Form):
    name = _line(
        _("Name"),
        required=True,
        help_text=_("Encrypted. The name the proceeding knows them by; add the names they used, if any."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Role in the trafficking (HTCDS)"),
        choices=PerpetratorRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class OffenderEditForm(OffenderForm, Versioned):
    pass


def _pick(label: Any, choices: Sequence[tuple[Any, str]], *, required: bool = True) -> forms.TypedChoiceField:
    empty = [] if required else [("", _("None"))]
    return forms.TypedChoiceField(
        label=label, choices=[*empty, *choices], coerce=int, required=required, empty_value=None
    )


class ChargeForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        offenders: Sequence[tuple[int, str]],
        offence_choices: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offender"] = _pick(_("Charged person"), offenders)
        self.fields["offence"] = forms.ChoiceField(label=_("Offence"), choices=offence_choices)


class VerdictForm(Versioned):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    verdict_on = _date(
        _("Date of the verdict"), required=False, help_text=_("Needed unless the verdict is pending.")
    )


class SentenceForm(forms.Form):
    sentenced_on = _date(_("Sentenced on"), today=True)
    custody_months = forms.IntegerField(
        label=_("Prison term, in months"), required=False, min_value=0, help_text=_("Leave empty for none.")
    )
    suspended = forms.BooleanField(label=_("The prison term is suspended"), required=False)
    fine_amount = forms.DecimalField(
        label=_("Fine"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    fine_currency = _line(_("Currency of the fine"), help_text=_("ISO 4217 code, such as EUR."))


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ordered"), choices=OrderKind.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2, max_digits=14)
    currency = _line(_("Currency"), required=True, help_text=_("ISO 4217 code, such as EUR or MXN."))
    ordered_on = _date(_("Ordered on"), today=True)

    def __init__(self, *args: Any, offenders: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offender"] = _pick(_("To be paid by"), offenders, required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid"), min_value=0, decimal_places=2, max_digits=14)
    paid_on = _date(_("Paid on"), today=True)


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(
        label=_("Protection measure"), choices=Measure.choices, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(
        label=_("Where it stands"), choices=MeasureStatus.choices, initial=MeasureStatus.REQUESTED
    )
    requested_on = _date(_("Requested on"), today=True)
    decided_on = _date(_("Decided on"), required=False)
    note = _text(_("Note"))


class MeasureEditForm(Versioned):
    status = forms.ChoiceField(label=_("Where it stands"), choices=MeasureStatus.choices)
    decided_on = _date(_("Decided on"), required=False)
    note = _text(_("Note"))


class CourtDateForm(forms.Form):
    on = _date(_("Date"), help_text=_("The people on the case are reminded a week and a day before."))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    court = _line(_("Court"))
    kind = forms.ChoiceField(
        label=_("What happens"), choices=CourtDateKind.choices, initial=CourtDateKind.HEARING
    )
    survivor_attends = forms.BooleanField(label=_("The survivor attends or testifies"), required=False)
    note = _text(_("Note"))


class CourtDateEditForm(CourtDateForm, Versioned):
    status = forms.ChoiceField(label=_("Status"), choices=CourtDateStatus.choices)


class AccompanimentForm(forms.Form):
    on = _date(_("Date"), today=True)
    kind = forms.ChoiceField(
        label=_("Accompanied"), choices=AccompanimentKind.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"))

    def __init__(
        self,
        *args: Any,
        court_dates: Sequence[tuple[int, str]],
        people: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court_date"] = _pick(_("Court date"), court_dates, required=False)
        self.fields["accompanied_by"] = _pick(_("Accompanied by"), people, required=False)
        self.order_fields(["on", "kind", "court_date", "accompanied_by", "note"])


class RiskForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk to the survivor as a witness"), choices=RiskLevel.choices, widget=forms.RadioSelect
    )
    assessed_on = _date(_("Assessed on"), today=True)
    review_on = _date(_("Review on"), help_text=_("The people on the case are reminded on that day."))
    note = _text(_("What the risks are, and what is done about them"))


class OwnChargeForm(forms.Form):
    offence = _line(
        _("Offence the survivor is suspected of or charged with"),
        required=True,
        help_text=_("Encrypted. For example: use of a false document, cannabis cultivation, illegal entry."),
    )
    jurisdiction = _jurisdiction()
    charged_on = _date(_("Charged on"), required=False)
    status = forms.ChoiceField(label=_("Where it stands"), choices=OwnChargeStatus.choices)
    non_punishment = forms.ChoiceField(
        label=_("Non-punishment principle"),
        choices=NonPunishment.choices,
        help_text=_(
            "Whether it was argued that the survivor must not be punished for an offence they were compelled to commit."
        ),
    )
    raised_on = _date(_("Raised on"), required=False)
    notes = _text(_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = jurisdiction_choices()


class OwnChargeEditForm(OwnChargeForm, Versioned):
    pass
