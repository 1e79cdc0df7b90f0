"""The anonymous pages: answering a consultation or a feedback survey with a single-use code, the thank-you
page, and a consultation's public summary ("you said, we did", counts with small ones suppressed).

After answering, the browser lands on ``/participate/thanks/``: an address that names no consultation (not its
reference, not its title, not the code), so the browser's history of a survivor's phone, which someone else may
look at, does not tell what they were asked about. Only the language of the answers travels, as ``?lang=``.

No account, no session: these views never write to ``request.session`` nor add a message (either would create a
session row), and keep nothing of the request. The pages opened with a code set no cookie at all
(``no_csrf_cookie``), and the enter-code page shows the questions at its own address, so that neither the code
nor the consultation's title lands in the browser's history. A code that opens nothing (unknown, used, expired,
consultation closed) gets one calm page with status 404, the same for every reason. Its response is marked as
logged, so that Django's request logger does not write "Not Found: /participate/a/<code>/" (the code) into the
logs (ADR 0030).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.views.decorators.csrf import csrf_exempt
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


def no_csrf_cookie(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the pages opened with a code: no CSRF check, and no CSRF cookie left on the visitor's phone.

    The code is the credential of these forms, not a session: nobody is signed in and no session exists, so a
    forged cross-site POST could only use a code its author already holds, which they could use directly. A
    CSRF token protects nothing here, and its cookie would be a trace on a survivor's phone that they visited
    Threefold. ``csrf_exempt`` skips the check. The pages leave out the footer's language form, which would ask for
    the cookie (participate/public/base.html); the request is also told not to set it, should any template ask
    again. A visitor already holding the cookie (a signed-in member) keeps it unchanged."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        return response

    return csrf_exempt(wrapped)


def _not_found(request: HttpRequest) -> HttpResponse:
    return unlogged(render(request, "participate/public/unusable.html", status=404))


def _languages(consultation: Consultation, current: str) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": get_language_info(code)["name_local"], "current": code == current}
        for code in consultation.languages
    ]


@login_not_required
@no_csrf_cookie
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """The short address on a card: type the code, and the questions are shown here, at this address.

    No redirect to ``/a/<code>/``: the code would land in the browser's history, with the consultation's title.
    The code travels in the body of each POST instead (a hidden field), and the page's title says nothing."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = tokens.normalise(form.cleaned_data["code"])
        link = access.link_for(code)
        if link is None:
            return _not_found(request)
        return _answer_page(
            request, code, link, submitted=request.POST.get("step") == "answers", by_code=True
        )
    return unlogged(
        render(
            request,
            "participate/public/enter_code.html",
            {"form": form},
            status=400 if request.method == "POST" else 200,
        )
    )


@login_not_required
@no_csrf_cookie
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    link = access.link_for(code)
    if link is None:
        return _not_found(request)
    return _answer_page(request, code, link, submitted=request.method == "POST", by_code=False)


def _answer_page(
    request: HttpRequest, code: str, link: AnswerLink, *, submitted: bool, by_code: bool
) -> HttpResponse:
    """The questions a code opens, and their answers once sent (``submitted``). ``by_code``: the page is the
    enter-code address, so the code is carried in a hidden field and the language is chosen by a POST."""
    if link.consultation is None:
        return _feedback(request, code, link, submitted=submitted, by_code=by_code)
    consultation = link.consultation
    language = access.language_of(consultation, request.GET.get("lang") or request.POST.get("lang"))
    with translation.override(language):
        questions = access.questions(consultation)
        labels = {
            q.pk: (access.text_of(q, language, consultation), access.option_labels(q, language, consultation))
            for q in questions
        }
        form = answer_form(questions, labels, request.POST if submitted else None)
        if submitted and form.is_valid():
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
                # Nothing of the consultation in the address the browser keeps (module docstring).
                return redirect(reverse("participate:thanks") + f"?lang={language}")
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
                    "code": tokens.grouped(code) if by_code else "",
                },
                status=400 if submitted else 200,
            )
        )


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _feedback(
    request: HttpRequest, code: str, link: AnswerLink, *, submitted: bool, by_code: bool
) -> HttpResponse:
    form = FeedbackForm(request.POST if submitted else None)
    if submitted and form.is_valid():
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
            {
                "form": form,
                "service": link.get_service_display(),
                "provider": link.provider,
                "code": tokens.grouped(code) if by_code else "",
            },
            status=400 if submitted else 200,
        )
    )


@login_not_required
@no_csrf_cookie
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The same page for every consultation: what happens next, and how to keep the visit private. Shown in the
    language the questions were answered in when it is one of the site's; else in the phone's."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        return render(request, "participate/public/thanks.html")
    with translation.override(language):
        return render(request, "participate/public/thanks.html", {"language": language})


@login_not_required
@require_GET
def summary(request: HttpRequest, reference: str) -> HttpResponse:
    """What respondents said, in counts with small ones suppressed, and what the organisation did about it."""
    consultation = access.published(reference)
    language = access.language_of(consultation, request.GET.get("lang"))
    with translation.override(language):
        released = access.results(consultation, language)
        items = [
            {
                "item": item,
                "chart": chart(item.text, item.result, consultation.k, f"q{item.question.position}"),
            }
            for item in released or []
            if item.result is not None
        ]
        return render(
            request,
            "participate/public/summary.html",
            {
                "consultation": consultation,
                "released": released is not None,
                "results": items,
                "changes": access.changes(consultation),
                "language": language,
                "languages": _languages(consultation, language),
            },
        )
