"""Forms of the participate pages. They only parse: the rules live in ``services``, whose ``ParticipateError``
names the field of these forms it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import Organisation
from threefold.participate.core import questions as question_core
from threefold.participate.core import results as results_core
from threefold.participate.models import ActivityKind, Kind, PaymentKind, SupportKind
from threefold.referrals.models import Service

NO_NAMES = _("Never write a survivor's name or anything that identifies them here.")


def _date(label: Any, *, today: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if today else None,
        help_text=help_text,
    )


def _text(label: Any, *, required: bool = True, help_text: Any = NO_NAMES, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = _text(
        _("What it is about"),
        help_text=_("The policy or service, and what you want to learn. Respondents read this first."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Questions are written in each; the first one ticked is shown where a translation is missing."
        ),
    )
    opens_on = _date(_("Opens on"))
    closes_on = _date(_("Closes on"), today=False)
    k = forms.IntegerField(
        label=_("Smallest group shown"),
        min_value=results_core.MIN_K,
        max_value=50,
        initial=results_core.DEFAULT_K,
        help_text=_(
            "Counts below this are never shown, and free-text answers are read only once this many people answered."
        ),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Kind.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for index, code in enumerate(languages):
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question in %(language)s") % {"language": language_name(code)},
                required=index == 0,
                max_length=question_core.MAX_QUESTION_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for code in languages:
            self.fields[f"options_{code}"] = forms.CharField(
                label=_("Options in %(language)s") % {"language": language_name(code)},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_(
                    "For a list of answers only: one option a line, in the same order in every language."
                ),
            )


class LinksForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many links"),
        min_value=1,
        max_value=30,
        initial=1,
        help_text=_("One for each person you will give one to. Nothing records who receives them."),
    )


class FeedbackLinksForm(LinksForm):
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    provider = forms.TypedChoiceField(label=_("Given by"), coerce=int)

    field_order = ["service", "provider", "count"]

    def __init__(self, *args: Any, providers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(org.pk, org.name) for org in providers]
        self.providers = {org.pk: org for org in providers}


class ChangeForm(forms.Form):
    on = _date(_("Date of the change"))
    you_said = _text(
        _("You said"),
        help_text=_(
            "What respondents told you, in a sentence. Never write a survivor's name or anything that "
            "identifies them here: this is published."
        ),
    )
    we_did = _text(_("We did"), help_text=_("What changed because of it."))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=30,
        help_text=_("The 12 letters and numbers on your card, for example ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied were you with the service?"),
        choices=[("1", _("1 (not at all)")), ("2", "2"), ("3", "3"), ("4", "4"), ("5", _("5 (very)"))],
        widget=forms.RadioSelect,
        required=False,
    )
    felt_safe = forms.ChoiceField(
        label=_("Did you feel safe?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    respected = forms.ChoiceField(
        label=_("Were you treated with respect?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    recommend = forms.ChoiceField(
        label=_("Would you recommend this service to someone in your situation?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write your name or other people's names."),
    )


class LeaderForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=80,
        help_text=_("The name the survivor leader chose to be known by here."),
    )
    consent_on = _date(_("Consent given on"))
    consent_scope = _text(
        _("What they agreed to"),
        help_text=_("Which work, what may be recorded, and who may see it."),
    )
    contact_notes = _text(
        _("Contact notes"),
        required=False,
        help_text=_("How they prefer to be reached. Stored encrypted; leave empty if not needed."),
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    on = _date(_("Date"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1, max_digits=4)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    on = _date(_("Date"))
    detail = forms.CharField(label=_("Detail"), max_length=200, required=False, help_text=NO_NAMES)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    on = _date(_("Date"))
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2, max_digits=10)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="EUR", help_text=_("Three letters, such as EUR.")
    )


class WithdrawForm(forms.Form):
    on = _date(_("Consent withdrawn on"))


def answer_form(
    questions: list[Any], labels: dict[int, tuple[str, list[str]]], data: Any = None
) -> forms.Form:
    """The consultation's questions as one form: ``labels`` gives each question's text and option labels in the
    respondent's language. Every question may be skipped."""
    form = forms.Form(data)
    for question in questions:
        text, options = labels[question.pk]
        name = f"q{question.pk}"
        kind = question_core.Kind(question.kind)
        if kind is question_core.Kind.TEXT:
            form.fields[name] = forms.CharField(
                label=text,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Please do not write your name or other people's names."),
            )
        elif kind is question_core.Kind.MULTIPLE:
            form.fields[name] = forms.MultipleChoiceField(
                label=text,
                required=False,
                choices=list(enumerate(options)),
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose all that apply."),
            )
        else:
            choices: list[tuple[Any, Any]] = list(enumerate(options))
            if kind is question_core.Kind.SCALE:
                choices = [
                    (str(v), label) for v, label in zip(question_core.SCALE, _scale_labels(), strict=True)
                ]
            form.fields[name] = forms.ChoiceField(
                label=text, required=False, choices=choices, widget=forms.RadioSelect
            )
    return form


def _scale_labels() -> list[Any]:
    return [_("1 (not at all)"), "2", "3", "4", _("5 (completely)")]
