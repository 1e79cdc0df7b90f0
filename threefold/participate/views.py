"""Consultation pages for staff: the module's home page, a new consultation, its page (questions, state,
links), adding a question, opening and closing it, issuing single-use links, the results with "you said, we
did", and reading free-text answers. While a consultation is a draft its details and questions are edited here
(changed, deleted, moved up or down); once it is open they stay as they are. "You said, we did" entries are
corrected or withdrawn.

Thin views: ``access`` reads (another organisation's consultation is a 404), ``services`` writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.participate import access, services
from threefold.participate.core import tokens
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.forms import ChangeForm, ConsultationForm, LinksForm, QuestionForm
from threefold.participate.models import Change, Consultation, Question, State
from threefold.participate.pages import chart, member, permitted, qr_svg, save_form


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = member(request)
    return render(
        request,
        "participate/home.html",
        {
            "consultations": access.consultations(actor),
            "issued": access.my_link_issues(actor),
            "can_manage": allowed(actor, "participate.manage"),
            "can_invite": allowed(actor, "participate.invite"),
            "can_lead": allowed(actor, "participate.leaders"),
            "can_view_results": allowed(actor, "participate.view_results"),
        },
    )


@require_http_methods(["GET", "POST"])
def new_consultation(request: HttpRequest) -> HttpResponse:
    actor = permitted(request, "participate.manage")
    form = ConsultationForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda data: services.create_consultation(actor, _consultation_input(data)),
    )
    if saved is not None:
        messages.success(request, _("Consultation saved as a draft: add its questions, then open it."))
        return redirect("participate:consultation", saved.reference)
    return render(request, "participate/consultation_form.html", {"form": form})


def _consultation_input(data: dict[str, Any]) -> services.ConsultationInput:
    return services.ConsultationInput(
        data["title"], data["topic"], data["languages"], data["opens_on"], data["closes_on"], data["k"]
    )


def _question_rows(consultation: Consultation) -> list[dict[str, Any]]:
    language = consultation.first_language
    return [
        {
            "question": question,
            "text": access.text_of(question, language, consultation),
            "options": access.option_labels(question, language, consultation)
            if question.kind != Kind.TEXT
            else [],
            "translated": sorted(question.texts),
        }
        for question in access.questions(consultation)
    ]


@require_GET
def consultation(request: HttpRequest, reference: str) -> HttpResponse:
    actor = member(request)
    found = access.consultation(actor, reference)
    return render(request, "participate/consultation.html", _consultation_context(actor, found))


def _consultation_context(actor: Any, found: Consultation, **extra: Any) -> dict[str, Any]:
    may_change = allowed(actor, "participate.change", found)
    return {
        "consultation": found,
        "questions": _question_rows(found),
        "may_change": may_change,
        # Details and questions are edited while it is a draft; afterwards the page says why they no longer are.
        "may_edit": may_change and found.state == State.DRAFT,
        "not_a_draft": services.not_a_draft_message() if may_change and found.state != State.DRAFT else "",
        "may_invite": allowed(actor, "participate.invite")
        and access.is_answerable(found, timezone.localdate()),
        "may_view_results": allowed(actor, "participate.view_results"),
        "question_form": extra.get("question_form")
        or (QuestionForm(languages=found.languages) if may_change and found.state == State.DRAFT else None),
        "links_form": LinksForm(),
        "public_url": reverse("participate:summary", args=[found.reference]),
    }


def _managed(request: HttpRequest, reference: str) -> tuple[Actor, Consultation]:
    """The consultation, for those who manage consultations: a wrong role is a 403, another organisation's
    consultation a 404."""
    actor = permitted(request, "participate.manage")
    found = access.consultation(actor, reference)
    if not allowed(actor, "participate.change", found):
        raise PermissionDenied
    return actor, found


def _draft_of(found: Consultation, data: dict[str, Any]) -> QuestionDraft:
    return QuestionDraft(
        Kind(data["kind"]),
        {code: data.get(f"text_{code}", "") for code in found.languages},
        {code: (data.get(f"options_{code}") or "").splitlines() for code in found.languages},
    )


def _questions_url(found: Consultation) -> str:
    return reverse("participate:consultation", args=[found.reference]) + "#questions-title"


def _not_a_draft(request: HttpRequest, found: Consultation) -> HttpResponse:
    """What an edit page of an open or closed consultation says instead of its form."""
    return render(
        request,
        "participate/not_a_draft.html",
        {"consultation": found, "message": services.not_a_draft_message()},
        status=409 if request.method == "POST" else 200,
    )


@require_POST
def add_question(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _managed(request, reference)
    form = QuestionForm(request.POST, languages=found.languages)
    saved = save_form(request, form, lambda data: services.add_question(actor, found, _draft_of(found, data)))
    if saved is not None:
        messages.success(request, _("Question added."))
        return redirect("participate:consultation", found.reference)
    context = _consultation_context(actor, found, question_form=form)
    return render(request, "participate/consultation.html", context, status=400)


@require_http_methods(["GET", "POST"])
def edit_consultation(request: HttpRequest, reference: str) -> HttpResponse:
    """A draft's details: the fields of its creation form."""
    actor, found = _managed(request, reference)
    if found.state != State.DRAFT:
        return _not_a_draft(request, found)
    initial = {
        "title": found.title,
        "topic": found.topic,
        "languages": found.languages,
        "opens_on": found.opens_on,
        "closes_on": found.closes_on,
        "k": found.k,
    }
    form = ConsultationForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.update_consultation(actor, found, _consultation_input(data)),
    )
    if saved is not None:
        messages.success(request, _("The consultation's details were saved."))
        return redirect("participate:consultation", found.reference)
    return render(
        request,
        "participate/consultation_form.html",
        {"form": form, "consultation": found},
        status=400 if request.method == "POST" else 200,
    )


def _question_initial(question: Question, found: Consultation) -> dict[str, Any]:
    initial: dict[str, Any] = {"kind": question.kind}
    for code in found.languages:
        initial[f"text_{code}"] = question.texts.get(code, "")
        labels = [option.get(code, "") for option in question.options]
        initial[f"options_{code}"] = "\n".join(labels) if all(labels) else ""
    return initial


@require_http_methods(["GET", "POST"])
def edit_question(request: HttpRequest, reference: str, question: int) -> HttpResponse:
    actor, found = _managed(request, reference)
    row = access.question(found, question)
    if found.state != State.DRAFT:
        return _not_a_draft(request, found)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        languages=found.languages,
        initial=_question_initial(row, found),
    )
    saved = save_form(
        request, form, lambda data: services.update_question(actor, found, row, _draft_of(found, data))
    )
    if saved is not None:
        messages.success(request, _("Question %(n)s saved.") % {"n": row.position})
        return redirect(_questions_url(found))
    return render(
        request,
        "participate/question_form.html",
        {"form": form, "consultation": found, "question": row},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def delete_question(request: HttpRequest, reference: str, question: int) -> HttpResponse:
    actor, found = _managed(request, reference)
    row = access.question(found, question)
    try:
        services.delete_question(actor, found, row)
    except services.ParticipateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Question %(n)s deleted; the questions after it moved up.") % {"n": row.position}
        )
    return redirect(_questions_url(found))


MOVES = {"up": -1, "down": 1}


@require_POST
def move_question(request: HttpRequest, reference: str, question: int) -> HttpResponse:
    actor, found = _managed(request, reference)
    row = access.question(found, question)
    step = MOVES.get(request.POST.get("direction", ""))
    if step is None:
        raise Http404
    before = row.position
    try:
        moved = services.move_question(actor, found, row, step)
    except services.ParticipateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Question %(old)s moved: it is now question %(new)s.") % {"old": before, "new": moved.position},
        )
    return redirect(_questions_url(found))


@require_POST
def change_state(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _managed(request, reference)
    action = request.POST.get("action", "")
    try:
        if action == "open":
            services.open_consultation(actor, found)
            messages.success(request, _("The consultation is open: caseworkers can now issue links to it."))
        elif action == "close":
            services.close_consultation(actor, found)
            messages.success(request, _("The consultation is closed; its unused links no longer work."))
        else:
            raise Http404
    except services.ParticipateError as error:
        messages.error(request, error.message)
    return redirect("participate:consultation", found.reference)


@require_http_methods(["GET", "POST"])
def issue_links(request: HttpRequest, reference: str) -> HttpResponse:
    """Issue single-use links and show them once, as cards to print or to copy; they are never shown again."""
    actor = permitted(request, "participate.invite")
    found = access.consultation(actor, reference)
    form = LinksForm(request.POST if request.method == "POST" else None)
    codes = save_form(request, form, lambda data: services.issue_links(actor, found, data["count"]))
    return render(
        request,
        "participate/links.html",
        {
            "form": form,
            "title": found.title,
            "consultation": found,
            "action": reverse("participate:issue_links", args=[found.reference]),
            "back": reverse("participate:consultation", args=[found.reference]),
            "cards": cards(request, codes or []),
        },
        status=400 if request.method == "POST" and codes is None else 200,
    )


def cards(request: HttpRequest, codes: list[str]) -> list[dict[str, Any]]:
    """Each code as a card: the short address, the code to type there, the full link and its QR code."""
    cards = []
    for code in codes:
        url = request.build_absolute_uri(reverse("participate:answer", args=[code]))
        cards.append(
            {
                "code": tokens.grouped(code),
                "url": url,
                "short": request.build_absolute_uri(reverse("participate:enter_code")),
                "qr": qr_svg(url),
            }
        )
    return cards


@require_GET
def results(request: HttpRequest, reference: str) -> HttpResponse:
    """The protected counts, once the consultation is closed; while it is open, when they will appear and why."""
    actor = permitted(request, "participate.view_results")
    found = access.consultation(actor, reference)
    language = access.language_of(found)
    released = access.results(found, language)
    return render(
        request,
        "participate/results.html",
        {
            "consultation": found,
            "released": released is not None,
            "results": [
                {"item": item, "chart": chart(item.text, item.result, found.k, f"q{item.question.position}")}
                if item.result
                else {"item": item}
                for item in released or []
            ],
            "changes": access.changes(found),
            "may_change": allowed(actor, "participate.change", found),
            "change_form": ChangeForm() if released is not None else None,
            "free_text_ready": access.free_text_ready(found),
        },
    )


@require_GET
def free_text(request: HttpRequest, reference: str, position: int) -> HttpResponse:
    """One free-text question's answers, shuffled, for those who manage the consultation (audited)."""
    actor = permitted(request, "participate.manage")
    found = access.consultation(actor, reference)
    question = next(
        (q for q in access.questions(found) if q.position == position and q.kind == Kind.TEXT), None
    )
    if question is None:
        raise Http404
    texts = access.free_text(actor, found, question)
    return render(
        request,
        "participate/free_text.html",
        {
            "consultation": found,
            "question": access.text_of(question, access.language_of(found), found),
            "texts": texts,
            "released": access.results_released(found),
        },
    )


@require_POST
def add_change(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _managed(request, reference)
    form = ChangeForm(request.POST)
    saved = save_form(
        request,
        form,
        lambda data: services.record_change(
            actor, found, services.ChangeInput(data["on"], data["you_said"], data["we_did"])
        ),
    )
    if saved is not None:
        messages.success(request, _("Recorded: respondents see it on the consultation's public summary."))
        return redirect("participate:results", found.reference)
    return render(
        request,
        "participate/change_form.html",
        {"consultation": found, "form": form},
        status=400,
    )


def _changes_url(found: Consultation) -> str:
    return reverse("participate:results", args=[found.reference]) + "#changes-title"


@require_http_methods(["GET", "POST"])
def edit_change(request: HttpRequest, reference: str, change: int) -> HttpResponse:
    """Correct a "you said, we did" entry."""
    actor, found = _managed(request, reference)
    entry: Change = access.change(found, change)
    form = ChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"on": entry.on, "you_said": entry.you_said, "we_did": entry.we_did},
    )
    saved = save_form(
        request,
        form,
        lambda data: services.update_change(
            actor, found, entry, services.ChangeInput(data["on"], data["you_said"], data["we_did"])
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved: the public summary shows the corrected entry."))
        return redirect(_changes_url(found))
    return render(
        request,
        "participate/change_form.html",
        {"consultation": found, "form": form, "change": entry},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def delete_change(request: HttpRequest, reference: str, change: int) -> HttpResponse:
    """Withdraw a "you said, we did" entry from the results and the public summary."""
    actor, found = _managed(request, reference)
    entry = access.change(found, change)
    services.delete_change(actor, found, entry)
    messages.success(request, _("Deleted: the entry no longer appears on the public summary."))
    return redirect(_changes_url(found))
