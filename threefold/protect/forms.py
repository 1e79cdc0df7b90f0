from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pycountry
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from threefold.protect.access import DuplicateReport, VisibleMatch
from threefold.protect.duplicates import Band, Reason
from threefold.protect.identity import MAX_AGE, Identity, estimated_birth_year

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # a development dependency: for annotations only

# ---- vocabulary shown on Protect pages -----------------------------------------------------------------------

# Written out, not gettext_lazy(label) over htcds.GENDER, so that makemessages finds every label; a test checks
# that the keys and English labels still equal the HTCDS picklist.
GENDER_LABELS: dict[str, StrPromise] = {
    "Feminine": _("Feminine"),
    "Masculine": _("Masculine"),
    "TransgenderFeminine": _("Transgender feminine"),
    "TransgenderMasculine": _("Transgender masculine"),
    "NonConforming": _("Non-conforming"),
    "NonSpecifiedUnknown": _("Not specified or unknown"),
}

BAND_LABELS: dict[Band, StrPromise] = {Band.LIKELY: _("Likely match"), Band.POSSIBLE: _("Possible match")}

REASON_LABELS: dict[Reason, StrPromise] = {
    Reason.SAME_NAME: _("Same name"),
    Reason.NAME_OTHER_WRITING: _("written in another script, or with other accents or punctuation"),
    Reason.NAME_REORDERED: _("name parts in another order"),
    Reason.NAME_SOUNDS_ALIKE: _("Name sounds alike"),
    Reason.NAME_SPELT_SIMILARLY: _("Name spelt similarly"),
    Reason.NAME_PARTS_SHARED: _("Shares part of the name"),
    Reason.NAME_MATCHES_ALIAS: _("matches another name or alias"),
    Reason.SAME_PHONE: _("Same phone number"),
    Reason.SAME_EMAIL: _("Same e-mail address"),
    Reason.SAME_DATE_OF_BIRTH: _("Same date of birth"),
    Reason.CLOSE_DATE_OF_BIRTH: _("Nearly the same date of birth"),
    Reason.AGES_COMPATIBLE: _("Ages fit together"),
    Reason.DATES_OF_BIRTH_DIFFER: _("But the dates of birth differ"),
    Reason.AGES_DIFFER: _("But the ages are far apart"),
}


@lru_cache(maxsize=16)
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    # pycountry ships the iso-codes project's translations of country and language names.
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _translated(domain: str, english: str) -> str:
    return _catalogue(domain, translation.get_language() or "en").gettext(english)


def _country(code: str) -> Any:
    return pycountry.countries.get(alpha_2=code)


def country_name(code: str) -> str:
    country = _country(code)
    if country is None:
        return code
    # The common name where there is one: "Bolivia" reads better than "Bolivia, Plurinational State of".
    return _translated("iso3166-1", getattr(country, "common_name", country.name))


def country_choices() -> list[tuple[str, str]]:
    choices = [(country.alpha_2, country_name(country.alpha_2)) for country in pycountry.countries]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def _language(code: str) -> Any:
    return pycountry.languages.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})


def language_name(code: str) -> str:
    language = _language(code)
    return _translated("iso639-3", language.name) if language is not None else code


@lru_cache(maxsize=8)
def _languages_by_translated_name(language: str) -> dict[str, str]:
    catalogue = _catalogue("iso639-3", language)
    return {catalogue.gettext(lang.name).casefold(): _preferred_code(lang) for lang in pycountry.languages}


def _preferred_code(language: Any) -> str:
    return str(getattr(language, "alpha_2", None) or language.alpha_3)


_CODE = re.compile(r"[a-z]{2,3}")


def language_code(text: str) -> str | None:
    """The ISO 639 code for what someone typed: a code as given, or a language's name in the page's language or
    in English ("Russian", "russe", "ru" and "rus" all work). A 2-3 letter entry is read as a code first."""
    value = text.strip().casefold()
    if _CODE.fullmatch(value) and _language(value) is not None:
        return value
    by_name = _languages_by_translated_name(translation.get_language() or "en").get(value)
    if by_name:
        return by_name
    try:
        return _preferred_code(pycountry.languages.lookup(value))
    except LookupError:
        return None


def _language_entry(code: str) -> str:
    # The name when it reads back as the same code (so editing a record does not change it), else the code.
    name = language_name(code)
    return name if "," not in name and language_code(name) == code else code


@dataclass(frozen=True)
class IdentityDetails:
    """The coded fields of an identity in words, in the page's language."""

    languages: list[str]
    citizenships: list[str]
    gender: str
    estimated_age: int | None
    age_estimated_on: Any
    estimated_birth_year: int | None


def identity_details(identity: Identity) -> IdentityDetails:
    return IdentityDetails(
        languages=[language_name(code) for code in identity.languages],
        citizenships=[country_name(code) for code in identity.citizenships],
        gender=str(GENDER_LABELS.get(identity.gender, identity.gender)),
        estimated_age=identity.estimated_age,
        age_estimated_on=identity.age_estimated_on,
        estimated_birth_year=None if identity.date_of_birth else estimated_birth_year(identity),
    )


# ---- the person form -----------------------------------------------------------------------------------------


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


def _date_input() -> forms.DateInput:
    # ISO format whatever the page's language: a type="date" input shows nothing for "27/11/2026".
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
        widget=_date_input(),
        help_text=_("Leave empty if unknown."),
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("In years, if the date of birth is unknown or doubtful."),
    )
    age_estimated_on = forms.DateField(
        label=_("Age estimated on"),
        required=False,
        initial=timezone.localdate,
        widget=_date_input(),
        help_text=_("The day the age was estimated; used only with an estimated age."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not recorded")), *GENDER_LABELS.items()],
    )
    citizenships = forms.MultipleChoiceField(
        label=_("Citizenships"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Choose every citizenship the person has: hold Ctrl (or Cmd on a Mac) to choose more than one. "
            "Leave empty if unknown or stateless."
        ),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=500,
        help_text=_(
            "Separated by commas, by name or ISO 639 code, for example: Russian, Ukrainian, Rohingya "
            "(or ru, uk, rhg)."
        ),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so the names are in the language of the request.
        self.fields["citizenships"].choices = country_choices()  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> object:
        return self._not_in_future("date_of_birth", _("The date of birth cannot be in the future."))

    def clean_age_estimated_on(self) -> object:
        return self._not_in_future("age_estimated_on", _("The age cannot be estimated on a future day."))

    def _not_in_future(self, field: str, message: StrPromise) -> object:
        value = self.cleaned_data.get(field)
        if value and value > timezone.localdate():
            raise forms.ValidationError(message)
        return value

    def clean_languages(self) -> tuple[str, ...]:
        entries = [entry.strip() for entry in re.split(r"[,;\n]", self.cleaned_data.get("languages", ""))]
        codes = {entry: language_code(entry) for entry in entries if entry}
        unknown = [entry for entry, code in codes.items() if code is None]
        if unknown:
            raise forms.ValidationError(
                _("Not a language we know: %(entries)s. Use its name or its ISO 639 code."),
                params={"entries": ", ".join(unknown)},
            )
        return tuple(dict.fromkeys(code for code in codes.values() if code))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("given_names") or data.get("family_names") or data.get("aliases")):
            raise forms.ValidationError(_("Enter at least a name or an alias."))
        if data.get("estimated_age") is not None and not data.get("age_estimated_on"):
            self.add_error("age_estimated_on", _("Say on which day the age was estimated."))
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        has_age = data["estimated_age"] is not None
        return Identity(
            given_names=data["given_names"].strip(),
            family_names=data["family_names"].strip(),
            aliases=_lines(data["aliases"]),
            date_of_birth=data["date_of_birth"],
            phones=_lines(data["phones"]),
            emails=_lines(data["emails"]),
            languages=data["languages"],
            citizenships=tuple(data["citizenships"]),
            gender=data["gender"],
            estimated_age=data["estimated_age"],
            # The field defaults to today; without an age that date would mean nothing, so it is not kept.
            age_estimated_on=data["age_estimated_on"] if has_age else None,
        )

    def resubmission(self) -> list[tuple[str, str]]:
        """What was submitted, as (name, value) pairs for hidden inputs that send it again unchanged. Without ids,
        unlike ``as_hidden``, which would give the visible fields' labels a second element to point at."""
        getlist = getattr(self.data, "getlist", None)
        return [
            (name, str(value))
            for name in self.fields
            for value in (getlist(name) if getlist else [self.data.get(name, "")])
        ]

    @classmethod
    def initial_from(cls, identity: Identity, version: int) -> dict[str, object]:
        initial: dict[str, object] = {
            "given_names": identity.given_names,
            "family_names": identity.family_names,
            "aliases": "\n".join(identity.aliases),
            "date_of_birth": identity.date_of_birth,
            "phones": "\n".join(identity.phones),
            "emails": "\n".join(identity.emails),
            "languages": ", ".join(_language_entry(code) for code in identity.languages),
            "citizenships": list(identity.citizenships),
            "gender": identity.gender,
            "estimated_age": identity.estimated_age,
            "version": version,
        }
        if identity.age_estimated_on:
            initial["age_estimated_on"] = identity.age_estimated_on
        return initial


# ---- the possible-duplicates panel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownMatch:
    reference: str
    band: str
    name: str = ""
    url: str = ""
    reasons: tuple[str, ...] = ()


def _shown_visible(match: VisibleMatch) -> ShownMatch:
    reference = match.opened.person.reference
    return ShownMatch(
        reference=reference,
        band=str(BAND_LABELS[match.band]) if match.band else "",
        name=match.opened.identity.full_name or ", ".join(match.opened.identity.aliases),
        url=reverse("protect:person", args=[reference]),
        reasons=tuple(str(REASON_LABELS[reason]) for reason in match.assessment.reasons),
    )


def shown_matches(report: DuplicateReport) -> dict[str, Any]:
    """The report as the add-person page shows it: everything already limited to what the actor may know."""
    return {
        "visible": [_shown_visible(match) for match in report.visible],
        "in_organisation": [
            ShownMatch(reference=match.reference, band=str(BAND_LABELS[match.band]))
            for match in report.in_organisation
        ],
        "elsewhere": report.elsewhere,
        "withheld": report.withheld,
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
