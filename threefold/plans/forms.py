"""Forms of the plan pages. They only parse: the rules (dates, the survivor's agreement) live in ``services``, whose
``PlanError`` names the field of these forms it is about, so each message lands next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation, User
from threefold.plans import domains
from threefold.plans.access import Entry
from threefold.plans.models import DOMAIN_CHOICES, Goal, GoalStatus, Outcome, Priority
from threefold.plans.services import MAX_TEXT_CHARS, agreement_needed

_NO_PERSONAL_DATA = _("Seen by everyone who works on the case. Write only what the plan needs.")


def _date(label: Any, *, required: bool = True, today: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        # ISO, or browsers' date pickers show an empty field for a pre-filled date.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if today else None,
        help_text=help_text,
    )


def _text(label: Any, *, required: bool = True, help_text: Any = _NO_PERSONAL_DATA) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def _domain() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Domain of assistance"), choices=DOMAIN_CHOICES, widget=forms.RadioSelect
    )


class Versioned(forms.Form):
    """An edit: the version of the row the form was shown with, so a concurrent save is caught, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class NeedForm(forms.Form):
    domain = _domain()
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.RadioSelect, initial=Priority.MEDIUM
    )
    assessed_on = _date(_("Assessed on"), today=True)
    description = _text(_("The need, as the survivor and you see it"))


class NeedEditForm(NeedForm, Versioned):
    pass


class GoalForm(forms.Form):
    domain = _domain()
    description = _text(_("The goal, in the survivor's words if you can"))
    # Not "required": Django's "This field is required." would not say why; ``clean`` gives the service's reason.
    agreed_with_survivor = forms.BooleanField(
        label=_("The survivor and I set this goal together, and they agree with it"), required=False
    )
    agreed_on = _date(_("Agreed on"), today=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("agreed_with_survivor"):
            self.add_error("agreed_with_survivor", agreement_needed())
        return cleaned


class GoalEditForm(GoalForm, Versioned):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, widget=forms.RadioSelect)
    reason = _text(
        _("Why it was dropped, or how it was achieved"),
        required=False,
        help_text=_("Needed when the goal is dropped."),
    )


def service_choices() -> list[tuple[Any, Any]]:
    """Service types grouped by domain (``<optgroup>``s): picking a service picks its domain."""
    return [
        (_(domains.DOMAINS[domain]), [(code, _(label)) for code, label in services.items()])
        for domain, services in domains.SERVICE_TYPES.items()
    ]


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=service_choices)
    goal = forms.TypedChoiceField(label=_("Goal it serves"), required=False, coerce=int, empty_value=None)
    provider = forms.ModelChoiceField(
        label=_("Provided by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Nobody chosen yet"),
    )
    provider_name = forms.CharField(
        label=_("Or a provider outside Threefold"),
        max_length=200,
        required=False,
        help_text=_("The organisation's name only, never an address: shelters' addresses are secret."),
    )
    planned_start = _date(_("Planned start"), today=True)
    planned_end = _date(_("Planned end"), required=False)

    def __init__(
        self, *args: Any, goals: list[Entry[Goal]], providers: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.TypedChoiceField)
        goal_field.choices = [("", _("No goal")), *((e.row.pk, e.texts["description"][:80]) for e in goals)]
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        provider_field.queryset = providers


class DeliverForm(Versioned):
    delivered_on = _date(_("Delivered on"), today=True)
    outcome = forms.ChoiceField(
        label=_("Outcome for the survivor"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note on the outcome"), required=False)


class CancelForm(Versioned):
    reason = _text(_("Why the service is cancelled"))


class FollowUpForm(forms.Form):
    due_on = _date(_("Due on"))
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none())
    note = _text(_("What to follow up on"), required=False)

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignees


class DoneForm(Versioned):
    done_on = _date(_("Done on"), today=True)
    note = _text(_("What came out of it"), required=False)
