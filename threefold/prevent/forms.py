"""Forms of the prevention pages. They only parse: the rules (areas of the organisation, counts, file types) live
in ``services``, whose ``PreventError`` names the field of these forms it is about. The ``*_initial`` functions
fill a form with a record's current values, for its edit page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.prevent.models import (
    AgeBand,
    Campaign,
    CampaignActivity,
    Channel,
    EducationSession,
    Gender,
    Material,
    MaterialKind,
    Setting,
    Topic,
)

NO_NAMES = _("Counts only: never write the name of anyone who took part.")


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if required else None,
    )


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class AreaChoiceField(forms.ChoiceField):
    """An optional choice among the organisation's areas, given as (code, name) pairs by the view."""

    def __init__(self, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Area"))
        super().__init__(choices=[("", _("No particular area")), *areas], required=False, **kwargs)


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))


class BoundariesImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        widget=forms.FileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    code_property = forms.CharField(
        label=_("Property that holds the area code"),
        initial="code",
        max_length=60,
        help_text=_("The name of the feature property whose value is the code of one of your areas."),
    )


def reach_field_name(band: str, gender: str) -> str:
    return f"reach_{band}_{gender}"


class SessionForm(forms.Form):
    held_on = _date(_("Date"))
    setting = forms.ChoiceField(label=_("Setting"), choices=Setting.choices, widget=forms.RadioSelect)
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("A school or community centre, not an address."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    facilitator = forms.CharField(label=_("Facilitator"), required=False, max_length=200)
    language = forms.CharField(
        label=_("Language"), max_length=12, help_text=_("A code such as fr, en or pt-BR.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAMES,
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(areas)
        for band, band_label in AgeBand.choices:
            for gender, gender_label in Gender.choices:
                self.fields[reach_field_name(band, gender)] = forms.IntegerField(
                    label=f"{band_label}: {gender_label}",
                    min_value=0,
                    max_value=100_000,
                    initial=0,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def reach_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The count fields as a table: one row per age band, one column per gender."""
        return [
            (str(label), [self[reach_field_name(band, gender)] for gender, _g in Gender.choices])
            for band, label in AgeBand.choices
        ]

    def reach(self) -> dict[str, dict[str, int]]:
        data = self.cleaned_data
        return {
            band: {gender: data[reach_field_name(band, gender)] for gender in Gender.values}
            for band in AgeBand.values
        }


class VersionForm(forms.Form):
    language = forms.CharField(
        label=_("Language"), max_length=12, help_text=_("A code such as fr, en or pt-BR.")
    )
    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG, at most 10 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
    link = forms.URLField(
        label=_("Or a link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address, for a video for example."),
    )


class MaterialDetailsForm(forms.Form):
    """What describes a material, whatever its language versions: its edit form."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    audience = forms.CharField(
        label=_("Audience"),
        required=False,
        max_length=200,
        help_text=_("Girls aged 12 to 17, parents, teachers..."),
    )


class MaterialForm(MaterialDetailsForm, VersionForm):
    """A new material with its first language version."""

    field_order = ["title", "kind", "topic", "audience", "language", "file", "link"]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    objective = forms.CharField(
        label=_("Objective"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = _date(_("Starts on"))
    ends_on = _date(_("Ends on"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"] = forms.MultipleChoiceField(
            label=_("Areas"), choices=areas, required=False, widget=forms.CheckboxSelectMultiple
        )


class ActivityForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    held_on = _date(_("Date"))
    description = forms.CharField(label=_("What was done"), required=False, max_length=300)
    cost_amount = forms.DecimalField(
        label=_("Cost"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("Three letters, such as EUR.")
    )
    people_reached = _count(_("People reached"))
    materials_distributed = _count(_("Materials distributed"))
    hotline_contacts = _count(_("Hotline contacts attributed"))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(areas)
        self.order_fields(["channel", "held_on", "area"])


# ---- a record's current values, as the initial data of its edit form


def _values(record: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _area_code(record: EducationSession | CampaignActivity) -> str:
    return record.area.code if record.area is not None else ""


def session_initial(session: EducationSession) -> dict[str, Any]:
    initial = _values(session, ("held_on", "setting", "place", "topics", "facilitator", "language", "note"))
    initial["area"] = _area_code(session)
    for band in AgeBand.values:
        for gender in Gender.values:
            initial[reach_field_name(band, gender)] = session.reach.get(band, {}).get(gender, 0)
    return initial


def material_initial(material: Material) -> dict[str, Any]:
    return _values(material, ("title", "kind", "topic", "audience"))


def campaign_initial(campaign: Campaign) -> dict[str, Any]:
    initial = _values(campaign, ("title", "objective", "starts_on", "ends_on"))
    initial["areas"] = [area.code for area in campaign.areas.all()]
    return initial


def activity_initial(activity: CampaignActivity) -> dict[str, Any]:
    initial = _values(
        activity,
        (
            "channel",
            "held_on",
            "description",
            "cost_amount",
            "currency",
            "people_reached",
            "materials_distributed",
            "hotline_contacts",
        ),
    )
    initial["area"] = _area_code(activity)
    return initial
