"""One form per instrument item: the answer widget that fits its type, with don't know and refused always offered.

The form turns what was posted into the raw value ``core.answers.parse_answers`` reads ("yes", a choice id, a
list of ids, a number, a text, or a state word), so the browser, the API and ODK imports all feed the engine the
same thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from threefold.identify.core.answers import AnswerState
from threefold.identify.core.definition import NO, YES, AnswerType, Item
from threefold.identify.templatetags.identify_tags import local

MAX_TEXT = 2000
DONT_KNOW = AnswerState.DONT_KNOW.value
REFUSED = AnswerState.REFUSED.value


def state_choices() -> list[tuple[str, str]]:
    return [(DONT_KNOW, _("Don't know")), (REFUSED, _("Refused to answer"))]


class AnswerForm(forms.Form):
    """``answer`` holds the value; ``state`` (don't know / refused) is offered beside items whose widget cannot."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, item: Item, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        label = local(item.prompt)
        help_text = local(item.help) if item.help else ""
        match item.answer_type:
            case AnswerType.YES_NO | AnswerType.SINGLE_CHOICE:
                # Don't know and refused sit in the same radio group: one answer, whichever it is.
                options = (
                    [(YES, _("Yes")), (NO, _("No"))]
                    if item.answer_type is AnswerType.YES_NO
                    else [(choice.id, local(choice.label)) for choice in item.choices]
                )
                self.fields["answer"] = forms.ChoiceField(
                    label=label,
                    help_text=help_text,
                    choices=options + state_choices(),
                    widget=forms.RadioSelect,
                    required=False,
                )
            case AnswerType.MULTI_CHOICE:
                self.fields["answer"] = forms.MultipleChoiceField(
                    label=label,
                    help_text=help_text,
                    choices=[(choice.id, local(choice.label)) for choice in item.choices],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
                self._add_state_field()
            case AnswerType.NUMBER:
                self.fields["answer"] = forms.DecimalField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    localize=True,
                    max_digits=12,
                    decimal_places=3,
                )
                self._add_state_field()
            case AnswerType.TEXT:
                self.fields["answer"] = forms.CharField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    max_length=MAX_TEXT,
                    widget=forms.Textarea,
                )
                self._add_state_field()

    def _add_state_field(self) -> None:
        self.fields["state"] = forms.ChoiceField(
            label=gettext_lazy("Or"), choices=state_choices(), widget=forms.RadioSelect, required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answer = cleaned.get("answer")
        if cleaned.get("state") and answer not in (None, "", []):
            raise forms.ValidationError(
                _("Give an answer or choose “Don't know” or “Refused to answer”, not both."), code="both"
            )
        return cleaned

    def raw_value(self) -> object:
        """What to store; None clears the item back to unanswered."""
        state = self.cleaned_data.get("state")
        if state:
            return str(state)
        answer = self.cleaned_data.get("answer")
        if answer in (None, "", []):
            return None
        if self.item.answer_type is AnswerType.MULTI_CHOICE:
            return list(answer)
        if self.item.answer_type is AnswerType.NUMBER:
            return float(answer)
        return str(answer)


def initial_for(item: Item, raw: object) -> dict[str, Any]:
    """The form's initial values for an answer stored earlier, so Back shows what was said."""
    if raw is None:
        return {}
    if (
        isinstance(raw, str)
        and raw in (DONT_KNOW, REFUSED)
        and item.answer_type
        not in (
            AnswerType.YES_NO,
            AnswerType.SINGLE_CHOICE,
        )
    ):
        return {"state": raw}
    return {"answer": raw}


def display_answer(item: Item, raw: object) -> str:
    """An answer as the screener reads it back, in the page language."""
    if raw is None:
        return _("Not answered")
    words = {YES: _("Yes"), NO: _("No"), DONT_KNOW: _("Don't know"), REFUSED: _("Refused to answer")}
    if isinstance(raw, str) and raw in words:
        return words[raw]
    labels = {choice.id: local(choice.label) for choice in item.choices}
    if isinstance(raw, list):
        return ", ".join(str(labels.get(value, value)) for value in raw) or _("None selected")
    if isinstance(raw, float):
        from django.utils.formats import number_format

        return number_format(raw, decimal_pos=None if not raw.is_integer() else 0)
    return labels.get(str(raw), str(raw))
