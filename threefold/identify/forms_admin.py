"""Forms of Identify's organisation pages: the referral directory and organisations' own instruments.

They only parse and check what people type or upload; saving goes through ``services``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from threefold.identify.models import DirectoryEntry, DirectoryKind
from threefold.identify.services import DIRECTORY_FIELDS, MAX_INSTRUMENT_BYTES

COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
# Digits and the separators people write phone numbers with; the link dials the digits (and a leading +).
PHONE = re.compile(r"^\+?[0-9 ()./\-]+$")
INSTRUMENT_SUFFIXES = (".yaml", ".yml")


def normalise_country(value: str) -> str:
    return (value or "").strip().upper()


class DirectoryEntryForm(forms.ModelForm[DirectoryEntry]):
    """One service of the referral directory, as its organisation's admin types it."""

    # A typed "hotline.example.org" becomes https://, not http://.
    website = forms.URLField(
        label=capfirst(DirectoryEntry._meta.get_field("website").verbose_name),
        max_length=200,
        required=False,
        assume_scheme="https",
    )
    # Longer than a code on purpose, so that "France" gets the message below rather than "at most 2 characters".
    country = forms.CharField(
        label=capfirst(DirectoryEntry._meta.get_field("country").verbose_name),
        help_text=DirectoryEntry._meta.get_field("country").help_text,
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "code", "size": 4}
        ),
    )

    class Meta:
        model = DirectoryEntry
        fields = list(DIRECTORY_FIELDS)
        labels = {"kind": _("Kind of service")}
        help_texts = {
            "name": _("The name people know the service by, e.g. “National anti-trafficking hotline”."),
            "phone": _("With the country code if people may call from abroad, e.g. +33 1 23 45 67 89."),
            "hours": _("e.g. 24/7, or Mon-Fri 9:00-17:00."),
            "notes": _(
                "What to know before referring someone: who they help, what to bring, how to ask for them. "
                "Never write anything about a person here."
            ),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", _("Choose the kind of service")), *DirectoryKind.choices]

    def clean_country(self) -> str:
        country = normalise_country(self.cleaned_data.get("country", ""))
        if not COUNTRY_CODE.match(country):
            raise forms.ValidationError(
                _("Enter the country's two-letter ISO 3166 code, for example FR, MX or NG."), code="country"
            )
        return country

    def clean_phone(self) -> str:
        phone: str = (self.cleaned_data.get("phone") or "").strip()
        if not phone:
            return phone
        if not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 2:
            raise forms.ValidationError(
                _(
                    "Enter a phone number with digits, spaces and + - ( ) . / only. Put opening hours in "
                    "the opening hours field."
                ),
                code="phone",
            )
        return phone


class CountryChoiceField(forms.ChoiceField):
    def to_python(self, value: Any) -> str:
        return normalise_country(super().to_python(value))


class DirectoryFilterForm(forms.Form):
    """The filters of the directory page (a GET form: nothing in it is personal)."""

    country = CountryChoiceField(label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        required=False,
        help_text=_("Services for the whole country are always listed too."),
    )
    kind = forms.ChoiceField(label=_("Kind of service"), required=False)

    def __init__(
        self, *args: Any, countries: Iterable[str] = (), regions: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {region.casefold(): region for region in regions if region}
        codes = sorted(set(countries))
        asked = normalise_country(self.data.get("country", "")) if self.is_bound else ""
        if COUNTRY_CODE.match(asked) and asked not in codes:
            codes.append(asked)  # a bookmarked country with no entry yet: say "nothing there", not "invalid"
        country = cast(forms.ChoiceField, self.fields["country"])
        kind = cast(forms.ChoiceField, self.fields["kind"])
        country.choices = [("", _("All countries")), *((code, code) for code in codes)]
        kind.choices = [("", _("All kinds")), *DirectoryKind.choices]

    def clean_region(self) -> str:
        region: str = self.cleaned_data.get("region", "").strip()
        # As the directory spells it: "île-de-france" finds "Île-de-France" on every database (SQLite compares
        # only ASCII letters without regard to case).
        return self.regions.get(region.casefold(), region)

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            name: self.cleaned_data[name] for name in ("country", "region", "kind") if self.cleaned_data[name]
        }


class InstrumentUploadForm(forms.Form):
    """An instrument file: checked here for what a file must be (name, size, UTF-8); what an instrument must be
    (YAML without aliases or deep nesting, the schema, the cross-references) is checked by the engine, in
    ``services.upload_instrument``."""

    file = forms.FileField(label=_("Instrument file"), widget=forms.FileInput(attrs={"accept": ".yaml,.yml"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = ""  # the file's text, once it is clean
        # Set per request (not at import), so that the size is written the way the page's language writes it.
        self.fields["file"].help_text = _("A .yaml or .yml file, UTF-8 encoded, at most %(size)s.") % {
            "size": filesizeformat(MAX_INSTRUMENT_BYTES)
        }

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(INSTRUMENT_SUFFIXES):
            raise forms.ValidationError(
                _("Choose a .yaml or .yml file: instruments are written in YAML."), code="suffix"
            )
        if upload.size is not None and upload.size > MAX_INSTRUMENT_BYTES:
            raise forms.ValidationError(self._too_large(upload.size), code="size")
        raw = upload.read(MAX_INSTRUMENT_BYTES + 1)
        if len(raw) > MAX_INSTRUMENT_BYTES:
            raise forms.ValidationError(self._too_large(len(raw)), code="size")
        raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _(
                    "This file is not UTF-8 text (byte %(position)s). Save it again as UTF-8, in most editors "
                    "with “Save as” and the encoding UTF-8, and upload it again."
                ),
                code="encoding",
                params={"position": error.start + 1},
            ) from error
        self.text = text
        return upload

    @staticmethod
    def _too_large(size: int) -> str:
        return str(
            _("This file is %(size)s; an instrument file may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_INSTRUMENT_BYTES)}
        )
