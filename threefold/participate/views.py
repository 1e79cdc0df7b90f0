"""Consultation pages for staff: the module's home page, a new consultation, its page (questions, state,
links), adding a question, opening and closing it, issuing single-use links, the results with "you said, we
did", and reading free-text answers.

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

from threefold.accounts.rules import allowed
from threefold.participate import access, services
from threefold.participate.core import tokens
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.forms import ChangeForm, ConsultationForm, LinksForm, QuestionForm
from threefold.participate.models import Consultation
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
        lambda data: services.create_consultation(
            actor,
            services.ConsultationInput(
                data["title"],
                data["topic"],
                data["languages"],
                data["opens_on"],
                data["closes_on"],
                data["k"],
            ),
        ),
    )
    if saved is not None:
        messages.success(request, _("Consultation saved as a draft: add its questions, then open it."))
        return redirect("participate:consultation", saved.reference)
    return render(request, "participate/consultation_form.html", {"form": form})


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
        "may_invite": allowed(actor, "participate.invite")
        and access.is_answerable(found, timezone.localdate()),
        "may_view_results": allowed(actor, "participate.view_results"),
        "question_form": extra.get("question_form")
        or (QuestionForm(languages=found.languages) if may_change and found.state == "draft" else None),
        "links_form": LinksForm(),
        "public_url": reverse("participate:summary", args=[found.reference]),
    }


@require_POST
def add_question(request: HttpRequest, reference: str) -> HttpResponse:
    actor = permitted(request, "participate.manage")
    found = access.consultation(actor, reference)
    if not allowed(actor, "participate.change", found):
        raise PermissionDenied
    form = QuestionForm(request.POST, languages=found.languages)

    def save(data: dict[str, Any]) -> Any:
        draft = QuestionDraft(
            Kind(data["kind"]),
            {code: data.get(f"text_{code}", "") for code in found.languages},
            {code: (data.get(f"options_{code}") or "").splitlines() for code in found.languages},
        )
        return services.add_question(actor, found, draft)

    if save_form(request, form, save) is not None:
        messages.success(request, _("Question added."))
        return redirect("participate:consultation", found.reference)
    context = _consultation_context(actor, found, question_form=form)
    return render(request, "participate/consultation.html", context, status=400)


@require_POST
def change_state(request: HttpRequest, reference: str) -> HttpResponse:
    actor = permitted(request, "participate.manage")
    found = access.consultation(actor, reference)
    if not allowed(actor, "participate.change", found):
        raise PermissionDenied
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
    actor = permitted(request, "participate.manage")
    found = access.consultation(actor, reference)
    if not allowed(actor, "participate.change", found):
        raise PermissionDenied
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
