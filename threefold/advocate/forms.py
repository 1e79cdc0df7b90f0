"""Forms of the advocacy pages. They only parse: the rules (a source is an address or a citation, no contact
details in a target, dates) live in ``services``, whose ``AdvocateError`` names the field of these forms it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.accounts.models import User
from threefold.advocate import access
from threefold.advocate.core.checklist import Item
from threefold.advocate.models import ActionKind, ActionStatus, Answer, Outcome, Status
from threefold.countries import access as country_access

NO_PERSONAL_DATA = _(
    "About the state, not about anyone you help: never write a survivor's name or story here."
)


def _date(label: Any, *, required: bool = True, today: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if today else None,
        help_text=help_text,
    )


def _line(
    label: Any, *, required: bool = False, max_length: int = 300, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def _text(label: Any, *, help_text: Any = NO_PERSONAL_DATA, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def country_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose a country…"))] + [(info.alpha3, info.name) for info in country_access.countries()]


def ask_choices() -> list[tuple[str, str]]:
    return [(ask.id, ask.title) for ask in access.framework().asks]


class Versioned(forms.Form):
    """An edit: the version of the record the form was shown with, so a concurrent save is caught."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Country"), choices=country_choices, **kwargs)


# ---- evidence


class EvidenceForm(forms.Form):
    ask = forms.ChoiceField(label=_("Ask"), choices=ask_choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        help_text=_("How far the government meets the ask, on the date below, as the source shows."),
    )
    as_of = _date(_("The status holds on"), today=True, help_text=_("Usually the date of the source."))
    source_title = _line(
        _("Source title"), required=True, help_text=_("A report, a law, a statement, a finding.")
    )
    source_url = _line(
        _("Source address"), max_length=500, help_text=_("A web address starting with https://.")
    )
    source_citation = _line(
        _("Citation"),
        max_length=500,
        help_text=_("Where no web address exists: the document, page or symbol."),
    )
    note = _text(_("Note"))


class EvidenceEditForm(Versioned, EvidenceForm):
    pass


class ApproveForm(Versioned):
    note = forms.CharField(label=_("Remark"), required=False, max_length=4000)


class DeclineForm(Versioned):
    reason = forms.CharField(
        label=_("Why it is declined"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author sees this, and enters the evidence again if it can be corrected."),
    )


# ---- legislation reviews


class LawForm(forms.Form):
    law_title = _line(
        _("Title of the law"), required=True, help_text=_("As enacted, with its number if it has one.")
    )
    law_date = _date(
        _("Date of the law"),
        help_text=_("The date it was enacted, or of the latest amendment this review covers."),
    )
    law_citation = _line(_("Citation"), help_text=_("The official gazette or statute book reference."))
    law_url = _line(
        _("Address of the law"), max_length=500, help_text=_("A web address starting with https://.")
    )
    summary = _text(_("Summary"), help_text=_("What the review found, in a few sentences."))


class ReviewForm(LawForm):
    country = CountryField()

    field_order = ["country", "law_title", "law_date", "law_citation", "law_url", "summary"]


class NewVersionForm(LawForm):
    pass


def answer_field(item: Item) -> str:
    return f"{item.id}-answer"


class AnswersForm(Versioned, LawForm):
    """The law's details and, for every item of the checklist, an answer, the law's article(s) and a note."""

    def __init__(self, *args: Any, items: tuple[Item, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"{item.id}-answer"] = forms.ChoiceField(
                label=_("Answer"),
                choices=[("", _("Not answered yet")), *Answer.choices],
                required=False,
            )
            self.fields[f"{item.id}-articles"] = forms.CharField(
                label=_("Article(s) of the national law"), required=False, max_length=200
            )
            self.fields[f"{item.id}-note"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def item_fields(self, item: Item) -> list[forms.BoundField]:
        return [self[f"{item.id}-{part}"] for part in ("answer", "articles", "note")]


# ---- advocacy actions


class ActionForm(forms.Form):
    country = CountryField()
    asks = forms.MultipleChoiceField(
        label=_("Asks it is about"), choices=ask_choices, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    title = _line(
        _("Title"), required=True, max_length=200, help_text=_("A few words: what, to whom, about what.")
    )
    on = _date(_("Date"), today=True, help_text=_("When it was sent or held, or is planned."))
    target_body = _line(
        _("Body"),
        required=True,
        max_length=200,
        help_text=_("The ministry, parliament committee, UN body or GRETA."),
    )
    target_role = _line(
        _("Official's role"), max_length=200, help_text=_("For example: Minister of Justice.")
    )
    target_name = _line(
        _("Official's name"),
        max_length=120,
        help_text=_(
            "A public official's name only: never an address, e-mail, phone number or anyone else's data."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, initial=Outcome.NONE_YET)
    outcome_note = _text(_("What came of it"))
    documents = forms.CharField(
        label=_("Documents"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One link a line: the address first, then a title (the letter, the submission, the answer)."
        ),
    )
    follow_up_on = _date(
        _("Follow up on"),
        required=False,
        help_text=_("Its owner is reminded on that day, on their home page."),
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    note = _text(_("Note"))

    def __init__(self, *args: Any, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Nobody in particular"))] + [
            (user.pk, user.display_name or user.email) for user in owners
        ]
        self.owners = {user.pk: user for user in owners}

    def owner_user(self) -> User | None:
        pk = self.cleaned_data.get("owner")
        return self.owners.get(pk) if pk is not None else None


class ActionEditForm(Versioned, ActionForm):
    """An action's country does not change: a different country is a different action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["country"]
