"""Forms of the case pages. Picklists come from the HTCDS vocabulary, translated when shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from threefold import nrm
from threefold.protect import htcds, lifecycle
from threefold.protect.countries import country_choices
from threefold.protect.lifecycle import Stage
from threefold.protect.models import CaseStage
from threefold.protect.victim_context import JourneyEvent, VictimContext

REASON_HELP = gettext_lazy(
    "Shown on the case's timeline to everyone who works on it. Say why, in a sentence or two."
)


NOT_KNOWN = ("", gettext_lazy("Not known"))


def _choices(picklist: Mapping[str, str], *, blank: bool = False) -> list[tuple[str, Any]]:
    options = [(code, gettext_lazy(label)) for code, label in picklist.items()]
    return [NOT_KNOWN, *options] if blank else options


def _countries() -> list[tuple[str, Any]]:
    return [NOT_KNOWN, *country_choices()]


def _reason(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=lifecycle.MIN_REASON_CHARS if required else None,
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )


def _many(label: Any, picklist: Mapping[str, str]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=_choices(picklist), required=False, widget=forms.CheckboxSelectMultiple
    )


class ContextForm(forms.Form):
    """The HTCDS victim context of a case (the journey is a formset beside it)."""

    trafficking_status = forms.ChoiceField(
        label=gettext_lazy("Trafficking status"), choices=_choices(htcds.TRAFFICKING_STATUS)
    )
    status_decided_by = forms.ChoiceField(
        label=gettext_lazy("Who decided this status"),
        choices=_choices(htcds.DECISION_MAKER, blank=True),
        required=False,
        help_text=gettext_lazy("Needed once the status is more than “possible”."),
    )
    exploitation_types = _many(gettext_lazy("Types of exploitation"), htcds.TYPE_OF_EXPLOITATION)
    forced_labour_industries = _many(
        gettext_lazy("Industries of forced labour (ISIC sections)"), htcds.FORCED_LABOUR_INDUSTRY
    )
    sex_exploitation_types = _many(
        gettext_lazy("Types of sexual exploitation"), htcds.TYPE_OF_SEX_EXPLOITATION
    )
    recruitment_methods = _many(gettext_lazy("How the person was recruited"), htcds.METHOD_OF_RECRUITMENT)
    control_methods = _many(gettext_lazy("How the person was controlled"), htcds.METHODS_OF_CONTROL)
    relationship_to_trafficker = forms.ChoiceField(
        label=gettext_lazy("Relationship to the trafficker"),
        choices=_choices(htcds.RELATIONSHIP_TO_TRAFFICKER, blank=True),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("trafficking_status") not in ("", None, "PossibleVictimOfTrafficking") and not data.get(
            "status_decided_by"
        ):
            self.add_error("status_decided_by", _("Say who decided the trafficking status."))
        types = set(data.get("exploitation_types") or ())
        if data.get("forced_labour_industries") and "ForcedLabour" not in types:
            self.add_error("forced_labour_industries", _("Only for forced labour: tick forced labour too."))
        if data.get("sex_exploitation_types") and "SexualExploitation" not in types:
            self.add_error("sex_exploitation_types", _("Only for sexual exploitation: tick it too."))
        return data

    @classmethod
    def initial_from(cls, context: VictimContext) -> dict[str, Any]:
        return {name: getattr(context, name) for name in cls.base_fields}


class JourneyEventForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("What happened there"), choices=_choices(htcds.EVENT_TYPE))
    country = forms.ChoiceField(label=gettext_lazy("Country"), choices=_countries, required=False)
    place = forms.CharField(label=gettext_lazy("Town or area"), max_length=200, required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def event(self) -> JourneyEvent:
        data = self.cleaned_data
        return JourneyEvent(
            type=data["type"],
            country=data["country"],
            place=data["place"].strip(),
            start=data["start"],
            end=data["end"],
        )


JourneyFormSet = forms.formset_factory(
    JourneyEventForm, extra=1, max_num=30, validate_max=True, can_delete=True
)


def context_from(form: ContextForm, journey: Any = None) -> VictimContext:
    """The victim context a valid form (and, when editing, its valid journey formset) describes."""
    data = form.cleaned_data
    rows = journey.forms if journey is not None else []
    events = tuple(
        f.event() for f in rows if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    )
    return VictimContext(
        trafficking_status=data["trafficking_status"],
        status_decided_by=data["status_decided_by"],
        exploitation_types=tuple(data["exploitation_types"]),
        forced_labour_industries=tuple(data["forced_labour_industries"]),
        sex_exploitation_types=tuple(data["sex_exploitation_types"]),
        recruitment_methods=tuple(data["recruitment_methods"]),
        control_methods=tuple(data["control_methods"]),
        relationship_to_trafficker=data["relationship_to_trafficker"],
        journey=events,
    )


def journey_initial(context: VictimContext) -> list[dict[str, Any]]:
    return [event.to_json() | {"start": event.start, "end": event.end} for event in context.journey]


class OpenCaseForm(forms.Form):
    reason = _reason(gettext_lazy("Why open a case now?"))


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Move the case to"))
    reason = _reason(gettext_lazy("Reason"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CaseStage.choices)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.value, labels[s.value]) for s in lifecycle.next_stages(Stage(current))]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Add a note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Notes are encrypted and shown only to the people who work on this case."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = _reason(gettext_lazy("Reason (needed to refuse)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") == "refuse"
            and len((data.get("reason") or "").strip()) < lifecycle.MIN_REASON_CHARS
        ):
            self.add_error("reason", _("Say why you refuse, in at least 10 characters."))
        return data


class ApprovalStagesForm(forms.Form):
    stages = forms.MultipleChoiceField(
        label=gettext_lazy("Stages that need a supervisor's approval"),
        choices=[(value, label) for value, label in CaseStage.choices if value != CaseStage.OPEN],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "A caseworker's move into a ticked stage waits until a supervisor other than them approves it."
        ),
    )


def _jurisdictions() -> list[tuple[str, str]]:
    return [(j.id, j.name) for j in sorted(nrm.load_all(), key=lambda j: j.name)]


class NrmReferralForm(forms.Form):
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Jurisdiction"),
        choices=_jurisdictions,
        help_text=gettext_lazy(
            "Its rules set the decision targets and the reflection period shown on the case."
        ),
    )
    referred_on = forms.DateField(
        label=gettext_lazy("Date of the referral"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_child = forms.BooleanField(label=gettext_lazy("The person was under 18 when referred"), required=False)
    guardian_appointed = forms.BooleanField(
        label=gettext_lazy("A guardian has been appointed"), required=False
    )


class NrmDecisionForm(forms.Form):
    """The next decision to record (decisions come in order, so one form at a time); its outcomes are those of
    the jurisdiction's rules for that stage."""

    stage = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), widget=forms.RadioSelect)
    decided_on = forms.DateField(
        label=gettext_lazy("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    authority = forms.CharField(
        label=gettext_lazy("Decided by"),
        max_length=200,
        help_text=gettext_lazy("The competent authority or body that made the decision."),
    )

    def __init__(self, data: Any = None, *, stage: str, outcomes: Sequence[nrm.Outcome]) -> None:
        super().__init__(data, initial={"stage": stage})
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.code, o.label) for o in outcomes]
