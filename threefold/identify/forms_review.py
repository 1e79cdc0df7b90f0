"""Forms of the supervisor's pages: filtering and reviewing screenings, and importing ODK / Kobo submissions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from threefold.identify.access import ReviewFilters
from threefold.identify.catalogue import Entry
from threefold.identify.core.submissions import DEFAULT_MAX_BYTES
from threefold.identify.models import Outcome, ReviewDecision
from threefold.identify.presentation import setting_label
from threefold.identify.templatetags.identify_tags import local

MAX_NOTE = 2000
MAX_IMPORT_BYTES = DEFAULT_MAX_BYTES
IMPORT_EXTENSIONS = (".csv", ".json")


def _setting_choices(settings: Iterable[str]) -> list[tuple[str, str]]:
    return sorted(((s, setting_label(s)) for s in set(settings)), key=lambda choice: choice[1])


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ReviewFilterForm(forms.Form):
    """The queue's filters, sent with GET so that a filtered queue can be bookmarked."""

    setting = forms.ChoiceField(label=_("Setting"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *Outcome.choices]
    )
    unreviewed = forms.BooleanField(label=_("Only screenings not reviewed yet"), required=False)

    def __init__(self, data: Any = None, *, settings: Iterable[str] = ()) -> None:
        # An empty query string is an unbound form: no errors shown for a first visit.
        super().__init__(data or None)
        _choice_field(self, "setting").choices = [("", _("Any setting")), *_setting_choices(settings)]

    def filters(self) -> ReviewFilters:
        if not self.is_bound or not self.is_valid():
            return ReviewFilters()
        data = self.cleaned_data
        return ReviewFilters(
            setting=data["setting"], outcome=data["outcome"], unreviewed_only=bool(data["unreviewed"])
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Needed when you disagree or ask for follow-up. Stored encrypted; only people who may open this "
            "screening can read it. Say what should happen, not who the person is."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if (
            decision in (ReviewDecision.DISAGREED, ReviewDecision.FOLLOW_UP)
            and not data.get("note", "").strip()
        ):
            self.add_error(
                "note",
                forms.ValidationError(
                    _("Write what needs to happen next, or why you disagree."), code="note_needed"
                ),
            )
        return data


class ImportForm(forms.Form):
    instrument = forms.ChoiceField(
        label=_("Instrument"), help_text=_("The instrument the ODK or Kobo form was made from.")
    )
    setting = forms.ChoiceField(label=_("Where were the screenings done?"))
    file = forms.FileField(
        label=_("Export file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )

    def __init__(self, entries: list[Entry], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "A .csv or .json export of the submissions, at most %(size)s MB."
        ) % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        self.entries = {entry.instrument.id: entry for entry in entries}
        _choice_field(self, "instrument").choices = [
            (entry.instrument.id, f"{local(entry.instrument.title)} ({entry.instrument.version})")
            for entry in entries
        ]
        _choice_field(self, "setting").choices = _setting_choices(
            setting for entry in entries for setting in entry.instrument.settings
        )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                _("Choose the .csv or .json file exported from ODK Central or KoboToolbox."),
                code="file_type",
            )
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: export fewer submissions at a time.")
                % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
                code="file_size",
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        entry = self.entries.get(data.get("instrument", ""))
        setting = data.get("setting")
        if entry is not None and setting and setting not in entry.instrument.settings:
            self.add_error(
                "setting",
                forms.ValidationError(
                    _("%(instrument)s is not made for this setting. Choose one of: %(settings)s.")
                    % {
                        "instrument": local(entry.instrument.title),
                        "settings": ", ".join(setting_label(s) for s in entry.instrument.settings),
                    },
                    code="setting",
                ),
            )
        return data

    def entry(self) -> Entry:
        return self.entries[self.cleaned_data["instrument"]]
