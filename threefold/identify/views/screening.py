"""Screening in the browser: choose the setting, pick an instrument by its evidence, answer one question per
screen, and read the result with what it means here and where to turn next."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.identify import access, services
from threefold.identify.answer_forms import AnswerForm, display_answer, initial_for
from threefold.identify.core.answers import AnswerError, parse_answers
from threefold.identify.core.definition import Instrument
from threefold.identify.core.predictive_values import predictive_values
from threefold.identify.core.xlsform import to_xlsform_rows, write_xlsx
from threefold.identify.forms import AttachPersonForm, PrevalenceForm, StartForm
from threefold.identify.models import Screening
from threefold.identify.navigation import asked_items, position
from threefold.identify.presentation import (
    explain,
    instrument_rank,
    setting_label,
    settings_with_counts,
)
from threefold.identify.records import read_record
from threefold.identify.templatetags.identify_tags import current_language
from threefold.prevent import access as prevent_access
from threefold.prevent import services as prevent_services
from threefold.protect import access as protect_access


def _screener(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "identify.screen"):
        raise PermissionDenied
    return actor


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    can_screen = allowed(actor, "identify.screen")
    entries = access.instruments(actor) if can_screen else []
    return render(
        request,
        "identify/home.html",
        {
            "can_screen": can_screen,
            "settings": settings_with_counts(entries),
            "recent": access.my_screenings(actor) if can_screen else [],
            "can_review": allowed(actor, "identify.review_list"),
            "can_import": allowed(actor, "identify.import_submissions"),
            "can_manage_instruments": allowed(actor, "identify.manage_instruments"),
        },
    )


@require_http_methods(["GET"])
def setting(request: HttpRequest, setting: str) -> HttpResponse:
    actor = _screener(request)
    entries = sorted(
        (entry for entry in access.instruments(actor) if setting in entry.instrument.settings),
        key=instrument_rank,
    )
    if not entries:
        raise Http404
    return render(
        request,
        "identify/setting.html",
        {"setting": setting, "setting_label": setting_label(setting), "entries": entries},
    )


@require_http_methods(["GET"])
def instrument_detail(request: HttpRequest, instrument_id: str) -> HttpResponse:
    actor = _screener(request)
    entry = access.instrument(actor, instrument_id)
    return render(
        request,
        "identify/instrument.html",
        {
            "entry": entry,
            "instrument": entry.instrument,
            "settings": [(s, setting_label(s)) for s in entry.instrument.settings],
            "chosen_setting": request.GET.get("setting", ""),
            "areas": prevent_access.area_choices(actor),
            "indicators_by_dimension": [
                (dimension, entry.instrument.indicators_of(dimension.id))
                for dimension in entry.instrument.dimensions
            ],
        },
    )


@require_http_methods(["GET"])
def xlsform(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """The instrument as an XLSForm for ODK Collect / KoboCollect, in the page's language."""
    actor = _screener(request)
    entry = access.instrument(actor, instrument_id)
    lang = current_language()
    if lang not in entry.instrument.languages:
        lang = "en"
    buffer = io.BytesIO()
    write_xlsx(to_xlsform_rows(entry.instrument, lang), buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{entry.instrument.id}-{entry.instrument.version}-{lang}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def start(request: HttpRequest, instrument_id: str) -> HttpResponse:
    actor = _screener(request)
    entry = access.instrument(actor, instrument_id)
    form = StartForm(entry.instrument, request.POST, areas=prevent_access.area_choices(actor))
    if not form.is_valid():
        messages.error(request, _("Choose the setting you are screening in."))
        return redirect("identify:instrument", instrument_id=instrument_id)
    screening = services.start_screening(
        actor, entry, setting=form.cleaned_data["setting"], language=current_language()
    )
    if form.cleaned_data.get("area_code"):
        prevent_services.set_screening_area(actor, screening, form.cleaned_data["area_code"])
    return _to_first_question(screening.reference, entry.instrument, {})


def _to_first_question(reference: str, instrument: Instrument, answers: dict[str, object]) -> HttpResponse:
    asked = asked_items(instrument, parse_answers(instrument, answers))
    return redirect("identify:question", reference=reference, item_id=asked[0].id)


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, reference: str, item_id: str) -> HttpResponse:
    actor = _screener(request)
    opened = access.screening_in_progress(actor, reference)
    instrument = opened.instrument
    item = instrument.items_by_id.get(item_id)
    asked = asked_items(instrument, parse_answers(instrument, opened.answers))
    place = position(asked, item_id)
    if item is None or place is None:
        # Not asked (an earlier answer now skips it) or not an item: carry on from the first question.
        return _to_first_question(reference, instrument, opened.answers)
    screening = opened.screening
    if request.method == "POST":
        form = AnswerForm(item, request.POST)
        if form.is_valid():
            try:
                screening = services.save_answer(
                    actor,
                    screening,
                    item.id,
                    form.raw_value(),
                    language=current_language(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.ConflictError:
                messages.warning(
                    request,
                    _("This screening was changed in another window. Check the answer and save it again."),
                )
                return redirect("identify:question", reference=reference, item_id=item.id)
            except AnswerError as error:
                form.add_error("answer", "; ".join(problem.message for problem in error.problems))
            else:
                return _after_answer(request, screening, instrument, item.id)
    else:
        form = AnswerForm(
            item, initial={**initial_for(item, opened.answers.get(item.id)), "version": screening.version}
        )
    return render(
        request,
        "identify/question.html",
        {
            "screening": screening,
            "instrument": instrument,
            "item": item,
            "form": form,
            "place": place,
            "percent_done": round(100 * (place.number - 1) / place.total),
        },
    )


def _after_answer(
    request: HttpRequest, screening: Screening, instrument: Instrument, item_id: str
) -> HttpResponse:
    """Back, Next or the answers summary; positions are recomputed because this answer may change what is asked."""
    opened_answers = read_record(screening).answers
    asked = asked_items(instrument, parse_answers(instrument, opened_answers))
    place = position(asked, item_id)
    move = request.POST.get("move", "next")
    if place is not None and move == "back" and place.previous:
        return redirect("identify:question", reference=screening.reference, item_id=place.previous)
    if place is not None and move == "next" and place.next:
        return redirect("identify:question", reference=screening.reference, item_id=place.next)
    return redirect("identify:answers", reference=screening.reference)


@require_http_methods(["GET"])
def answers(request: HttpRequest, reference: str) -> HttpResponse:
    """Every question asked with its answer, to check and change before the result is worked out."""
    actor = _screener(request)
    opened = access.screening_in_progress(actor, reference)
    instrument = opened.instrument
    asked = asked_items(instrument, parse_answers(instrument, opened.answers))
    rows = [(item, display_answer(item, opened.answers.get(item.id))) for item in asked]
    unanswered = sum(1 for item in asked if item.id not in opened.answers)
    return render(
        request,
        "identify/answers.html",
        {"screening": opened.screening, "instrument": instrument, "rows": rows, "unanswered": unanswered},
    )


@require_POST
def finish(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _screener(request)
    opened = access.screening_in_progress(actor, reference)
    services.finish_screening(actor, opened.screening)
    return redirect("identify:result", reference=reference)


@require_POST
def discard(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _screener(request)
    opened = access.screening_in_progress(actor, reference)
    services.discard_screening(actor, opened.screening)
    messages.success(request, _("Screening %(ref)s discarded.") % {"ref": reference})
    return redirect("identify:home")


def _result_context(request: HttpRequest, actor: Actor, opened: access.OpenedScreening) -> dict[str, object]:
    instrument = opened.instrument
    result = opened.result
    assert result is not None
    prevalence_form = PrevalenceForm(request.GET or None, default=_default_prevalence(instrument))
    prevalence = prevalence_form.share()
    studies = [
        (study, predictive_values(study.sensitivity, study.specificity, prevalence))
        for study in instrument.validation
    ]
    return {
        "screening": opened.screening,
        "instrument": instrument,
        "result": result,
        "explained": explain(instrument, result, opened.answers),
        "setting_label": setting_label(opened.screening.setting),
        "prevalence_form": prevalence_form,
        "prevalence": prevalence,
        "studies": studies,
        "next_steps": access.next_steps(actor, opened),
    }


def _default_prevalence(instrument: Instrument) -> Decimal:
    for study in instrument.validation:
        if study.prevalence is not None:
            return Decimal(str(round(study.prevalence * 100, 1)))
    return Decimal("5")


@require_http_methods(["GET"])
def result(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_screening(actor, reference, purpose="screening result")
    if not opened.screening.is_complete:
        if allowed(actor, "identify.continue_screening", opened.screening):
            return redirect("identify:answers", reference=reference)
        raise Http404
    context = _result_context(request, actor, opened)
    can_attach = opened.screening.person_id is None and allowed(
        actor, "identify.attach_person", opened.screening
    )
    context.update(
        {
            "attach_form": AttachPersonForm() if can_attach else None,
            "can_open_person": opened.screening.person is not None
            and allowed(actor, "protect.view_person", opened.screening.person),
            "can_add_person": allowed(actor, "protect.add_person"),
            # The hand-over to case work: a kept screening shows on the person's cases' timelines.
            "can_open_case": opened.screening.person is not None
            and allowed(actor, "protect.open_case", opened.screening.person),
            "can_review": allowed(actor, "identify.review", opened.screening),
        }
    )
    return render(request, "identify/result.html", context)


@require_http_methods(["GET"])
def print_summary(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_screening(actor, reference, purpose="printed summary")
    if not opened.screening.is_complete:
        raise Http404
    return render(request, "identify/print.html", _result_context(request, actor, opened))


@require_POST
def attach(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_screening(actor, reference, purpose="attach to a person")
    if not allowed(actor, "identify.attach_person", opened.screening):
        raise PermissionDenied
    form = AttachPersonForm(request.POST)
    if form.is_valid():
        person = protect_access.open_person(
            actor, form.cleaned_data["person"], purpose=f"attach screening {reference}"
        ).person
        services.attach_person(actor, opened.screening, person, form.cleaned_data["consent"])
        messages.success(
            request,
            _("Screening %(ref)s is now kept with %(person)s.")
            % {"ref": reference, "person": person.reference},
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("identify:result", reference=reference)


urlpatterns = [
    path("", home, name="home"),
    path("settings/<slug:setting>/", setting, name="setting"),
    path("instruments/<slug:instrument_id>/", instrument_detail, name="instrument"),
    path("instruments/<slug:instrument_id>/start/", start, name="start"),
    path("instruments/<slug:instrument_id>/xlsform/", xlsform, name="xlsform"),
    path("screenings/<str:reference>/", result, name="result"),
    path("screenings/<str:reference>/questions/<slug:item_id>/", question, name="question"),
    path("screenings/<str:reference>/answers/", answers, name="answers"),
    path("screenings/<str:reference>/finish/", finish, name="finish"),
    path("screenings/<str:reference>/discard/", discard, name="discard"),
    path("screenings/<str:reference>/print/", print_summary, name="print"),
    path("screenings/<str:reference>/attach/", attach, name="attach"),
]
