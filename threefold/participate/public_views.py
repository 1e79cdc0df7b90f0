"""The anonymous pages: answering a consultation or a feedback survey with a single-use code, the thank-you
page, and a consultation's public summary ("you said, we did", counts with small ones suppressed).

No account, no session: these views never write to ``request.session`` nor add a message (either would create a
session row), and keep nothing of the request. A code that opens nothing (unknown, used, expired, consultation
closed) gets one calm page with status 404, the same for every reason. Its response is marked as logged, so that
Django's request logger does not write "Not Found: /participate/a/<code>/" (the code) into the logs (ADR 0030).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.views.decorators.http import require_GET, require_http_methods

from threefold.participate import access, services
from threefold.participate.core import tokens
from threefold.participate.forms import CodeForm, FeedbackForm, answer_form
from threefold.participate.models import AnswerLink, Consultation
from threefold.participate.pages import chart


def unlogged(response: HttpResponse) -> HttpResponse:
    """Django logs every 4xx with the request path, which holds the code: no code may reach the logs
    (django.utils.log.log_response skips a response already marked as logged)."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return unlogged(render(request, "participate/public/unusable.html", status=404))


def _languages(consultation: Consultation, current: str) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": get_language_info(code)["name_local"], "current": code == current}
        for code in consultation.languages
    ]


@login_not_required
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """The short address on a card: type the code, go to its questions."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = tokens.normalise(form.cleaned_data["code"])
        if access.link_for(code) is None:
            return _not_found(request)
        return redirect("participate:answer", code)
    return render(request, "participate/public/enter_code.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    link = access.link_for(code)
    if link is None:
        return _not_found(request)
    if link.consultation is None:
        return _feedback(request, code, link)
    consultation = link.consultation
    language = access.language_of(consultation, request.GET.get("lang") or request.POST.get("lang"))
    with translation.override(language):
        questions = access.questions(consultation)
        labels = {
            q.pk: (access.text_of(q, language, consultation), access.option_labels(q, language, consultation))
            for q in questions
        }
        form = answer_form(questions, labels, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            given = services.Answers(
                chosen={
                    q.pk: _as_list(form.cleaned_data.get(f"q{q.pk}")) for q in questions if q.kind != "text"
                },
                texts={q.pk: form.cleaned_data.get(f"q{q.pk}") or "" for q in questions if q.kind == "text"},
            )
            try:
                services.answer_consultation(code, given)
            except services.LinkUnusable:
                return _not_found(request)
            except services.ParticipateError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(
                    reverse("participate:thanks", args=[consultation.reference]) + f"?lang={language}"
                )
        return unlogged(
            render(
                request,
                "participate/public/answer.html",
                {
                    "consultation": consultation,
                    "form": form,
                    "language": language,
                    "languages": _languages(consultation, language),
                    "count": len(questions),
                },
                status=400 if request.method == "POST" else 200,
            )
        )


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _feedback(request: HttpRequest, code: str, link: AnswerLink) -> HttpResponse:
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        given = services.FeedbackAnswers(**form.cleaned_data)
        try:
            services.answer_feedback(code, given)
        except services.LinkUnusable:
            return _not_found(request)
        except services.ParticipateError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return render(request, "participate/public/feedback_thanks.html")
    return unlogged(
        render(
            request,
            "participate/public/feedback.html",
            {"form": form, "service": link.get_service_display(), "provider": link.provider},
            status=400 if request.method == "POST" else 200,
        )
    )


@login_not_required
@require_GET
def thanks(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = access.published(reference)
    language = access.language_of(consultation, request.GET.get("lang"))
    with translation.override(language):
        return render(
            request, "participate/public/thanks.html", {"consultation": consultation, "language": language}
        )


@login_not_required
@require_GET
def summary(request: HttpRequest, reference: str) -> HttpResponse:
    """What respondents said, in counts with small ones suppressed, and what the organisation did about it."""
    consultation = access.published(reference)
    language = access.language_of(consultation, request.GET.get("lang"))
    with translation.override(language):
        items = [
            {
                "item": item,
                "chart": chart(item.text, item.result, consultation.k, f"q{item.question.position}"),
            }
            for item in access.results(consultation, language)
            if item.result is not None
        ]
        return render(
            request,
            "participate/public/summary.html",
            {
                "consultation": consultation,
                "results": items,
                "changes": access.changes(consultation),
                "language": language,
                "languages": _languages(consultation, language),
            },
        )
