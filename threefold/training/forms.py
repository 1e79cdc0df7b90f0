"""Forms of the training pages. They only parse: the rules live in ``services``, whose ``TrainingError`` names the
field of these forms it is about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import User
from threefold.training.core import questionbank
from threefold.training.models import Audience, Format, Module, Participant, Question, Sector
from threefold.training.services import MAX_OPTIONS, ParticipantInput

NO_VICTIM_DETAILS = _("Never write the name or story of anyone you helped: what, not who.")


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=10_000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, widget=forms.RadioSelect)
    languages = forms.MultipleChoiceField(
        label=_("Languages it is given in"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title of the module"), max_length=200)
    objective = forms.CharField(
        label=_("Learning objective"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            'What participants can do after the module, e.g. "name three indicators of forced labour".'
        ),
    )


class QuestionForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module"), coerce=int)
    text = forms.CharField(label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    correct = forms.TypedChoiceField(
        label=_("Which answer is correct?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, _("Answer %(n)s") % {"n": n + 1}) for n in range(MAX_OPTIONS)],
    )

    def __init__(self, *args: Any, modules: Sequence[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m.pk, f"{m.position}. {m.title}") for m in modules]  # type: ignore[attr-defined]
        for n in range(MAX_OPTIONS):
            self.fields[f"option_{n}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": n + 1},
                max_length=300,
                required=n < 2,
                help_text=_("At least two answers; leave the others empty.") if n == 0 else "",
            )
        self.order_fields(["module", "text", *(f"option_{n}" for n in range(MAX_OPTIONS)), "correct"])

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{n}") or "" for n in range(MAX_OPTIONS)]


class SessionForm(forms.Form):
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"))
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_('A venue and town, or "online" with the platform.')
    )
    trainer = forms.TypedChoiceField(label=_("Trainer"), coerce=int)
    language = forms.ChoiceField(label=_("Language"))
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(label=_("Number of places"), required=False, min_value=1, max_value=1000)

    def __init__(
        self,
        *args: Any,
        trainers: Sequence[User],
        languages: Sequence[str],
        areas: Sequence[tuple[str, str]] = (),
        no_trainer: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].choices = [(u.pk, u.display_name or u.email) for u in trainers]  # type: ignore[attr-defined]
        if no_trainer:
            # Editing a session that has no trainer yet: keep it so unless one is chosen.
            trainer = self.fields["trainer"]
            trainer.required = False
            trainer.empty_value = None  # type: ignore[attr-defined]
            trainer.choices = [("", _("No trainer yet")), *trainer.choices]  # type: ignore[attr-defined]
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [(code, names.get(code, code)) for code in languages]  # type: ignore[attr-defined]
        if areas:
            # Only for organisations with prevention areas: the vulnerability map shows training by area.
            self.fields["area_code"] = forms.ChoiceField(
                label=_("Area"), choices=[("", _("Online, or not listed")), *areas], required=False
            )


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("UTF-8 text, at most %(kb)s KB and %(n)s questions.") % {
            "kb": questionbank.MAX_BYTES // 1024,
            "n": questionbank.MAX_ROWS,
        }


class ParticipantForm(forms.Form):
    employer = forms.CharField(
        label=_("Participant's organisation"),
        max_length=200,
        help_text=_('For example "City police, unit 4".'),
    )
    sector = forms.ChoiceField(label=_("Sector and role"), choices=[("", "—"), *Sector.choices])
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Only if the participant wants their name on the certificate. Stored encrypted."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_(
            "Only if the participant wants reminders of the follow-ups at 3 and 6 months. Stored encrypted."
        ),
    )

    def given(self) -> ParticipantInput:
        data = self.cleaned_data
        return ParticipantInput(data["employer"], data["sector"], data["name"], data.get("email", ""))


class JoinForm(ParticipantForm):
    """The trainer's participant form, worded for the participant registering themselves on their phone: the
    same fields but the e-mail address, checked by the same service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["employer"].label = _("Your organisation")
        fields["employer"].help_text = _('Where you work, for example "City police, unit 4".')
        fields["sector"].label = _("Your sector and role")
        fields["name"].label = _("Your name")
        fields["name"].help_text = _(
            "Only if you want your name on your certificate. Stored encrypted; only the trainers see it."
        )
        # No e-mail address here: nobody checks that an address typed through a shared link is the typist's own,
        # and a reminder about an anti-trafficking course sent to someone else's (perhaps watched) inbox can harm
        # them. Follow-ups wait on the personal link page; a trainer can record an address given in person.
        del fields["email"]
        # The participant's own data: the phone may fill it in (WCAG 1.3.5, identify input purpose).
        for name, purpose in (("employer", "organization"), ("name", "name")):
            fields[name].widget.attrs["autocomplete"] = purpose


class AttendanceForm(forms.Form):
    """One checkbox per participant and session day: ticked = present."""

    def __init__(
        self, *args: Any, participants: Sequence[Participant], days: Sequence[dt.date], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grid: list[tuple[Participant, list[str]]] = []
        for participant in participants:
            names = []
            for day in days:
                name = f"p{participant.pk}-{day.isoformat()}"
                self.fields[name] = forms.BooleanField(
                    label=_("Participant %(n)s present on %(day)s")
                    % {"n": participant.number, "day": day.isoformat()},
                    required=False,
                )
                names.append(name)
            self.grid.append((participant, names))
        self.days = list(days)

    def marks(self) -> dict[tuple[int, dt.date], bool]:
        return {
            (participant.pk, day): bool(self.cleaned_data.get(name))
            for participant, names in self.grid
            for day, name in zip(self.days, names, strict=True)
        }

    def rows(self) -> list[tuple[Participant, list[tuple[dt.date, forms.BoundField]]]]:
        return [
            (participant, [(day, self[name]) for day, name in zip(self.days, names, strict=True)])
            for participant, names in self.grid
        ]


class AnswerSheetForm(forms.Form):
    """One radio group per frozen question. Through the personal link every question is required; a trainer typing
    a paper test in may leave blanks."""

    def __init__(
        self, *args: Any, questions: Sequence[Question], blanks_allowed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=_("%(n)s. %(text)s") % {"n": number, "text": question.text},
                choices=list(enumerate(question.options)),
                coerce=int,
                empty_value=None,
                required=not blanks_allowed,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question (choose one answer).")},
            )
        self.questions = list(questions)

    def answers(self) -> dict[int, int | None]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class FollowUpForm(forms.Form):
    identified = _count(_("How many people have you identified who might be victims of trafficking?"))
    referred = _count(_("How many have you referred to help (police, an NGO, a hotline, a shelter)?"))
    helped = forms.CharField(
        label=_("What from the training helped?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_VICTIM_DETAILS,
    )
    missing = forms.CharField(
        label=_("What was missing?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_VICTIM_DETAILS,
    )


class CertificateForm(forms.Form):
    name = forms.CharField(
        label=_("Name printed on the certificate"),
        required=False,
        max_length=200,
        help_text=_(
            "Typed here, it is printed and not stored. Leave it empty for a certificate without a name."
        ),
    )
