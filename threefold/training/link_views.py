"""The pages a participant opens on their phone, without an account: registering through the join link a trainer
shows in the room; with their personal link, the pre-test, the post-test and the follow-ups; and the public check of
a certificate's verification code.

The token in the address is the credential (stored only as its hash): an unknown, expired or spent link is a
404 and says nothing about why; so is a closed or replaced join link. No IP address is stored with the answers or
registrations (their audit entries have no actor), nothing is rate limited (the token space is too large to guess),
the join page sets no cookie but CSRF's, as the personal link's pages, and the quick exit of web/base.html stays.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from threefold.training import access, services
from threefold.training.forms import AnswerSheetForm, FollowUpForm, JoinForm
from threefold.training.models import FollowUp, Kind, Participant
from threefold.training.views import save_form


def _offers(participant: Participant) -> dict[str, bool]:
    taken = access.kinds_taken(participant)
    has_test = bool(access.frozen_questions(participant.session))
    return {
        "pre": has_test and Kind.PRE not in taken and Kind.POST not in taken,
        "post": has_test and Kind.POST not in taken,
    }


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Register for a session through its join link, then go to one's own personal link page. An unknown, closed
    or replaced link gets one and the same 404 page; an ended or full session says so instead of the form."""
    session = access.session_by_join_token(token)
    if session is None:
        return render(request, "training/join_unknown.html", status=404)
    form = JoinForm(request.POST if request.method == "POST" else None)
    refusal = access.join_refusal(session)
    if refusal is None:
        saved = save_form(request, form, lambda d: services.register_through_join_link(token, form.given()))
        if saved is not None:
            _participant, personal = saved
            return redirect(reverse("training:link_home", args=[personal]) + "?registered=1")
        refusal = access.join_refusal(session)  # filled or ended while the form was being filled in
    return render(
        request,
        "training/join.html",
        {
            "session": session,
            "form": form,
            "refused": services.join_refused_text(refusal) if refusal else "",
        },
        status=400 if not refusal and form.errors else 200,
    )


@login_not_required
@never_cache
@require_GET
def link_home(request: HttpRequest, token: str) -> HttpResponse:
    participant = access.by_token(token)
    return render(
        request,
        "training/link_home.html",
        {
            "participant": participant,
            "session": participant.session,
            "token": token,
            # Just registered through the join link: ask them to keep this page's address.
            "registered": request.GET.get("registered") == "1",
            "link": request.build_absolute_uri(reverse("training:link_home", args=[token])),
            "offers": _offers(participant),
            "taken": access.kinds_taken(participant),
            "follow_ups": access.open_follow_ups(participant),
            "today": timezone.localdate(),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_test(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    participant = access.by_token(token)
    if kind not in Kind.values or not _offers(participant)[kind]:
        raise Http404
    questions = access.frozen_questions(participant.session)
    form = AnswerSheetForm(
        request.POST if request.method == "POST" else None, questions=questions, blanks_allowed=False
    )
    saved = save_form(request, form, lambda d: services.submit_test(participant, kind, form.answers()))
    if saved is not None:
        return render(
            request, "training/link_done.html", {"token": token, "session": participant.session, "kind": kind}
        )
    return render(
        request,
        "training/test.html",
        {
            "form": form,
            "session": participant.session,
            "kind_label": Kind(kind).label,
            "back": "",
            "submit": _("Send my answers"),
            "public": True,
            "token": token,
        },
        status=400 if form.errors else 200,
    )


def _follow_up_page(request: HttpRequest, row: FollowUp, token: str, *, back_to_link: bool) -> HttpResponse:
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda d: services.answer_follow_up(
            row, services.FollowUpInput(d["identified"], d["referred"], d["helped"], d["missing"])
        ),
    )
    if saved is not None:
        return render(
            request,
            "training/link_done.html",
            {"token": token if back_to_link else "", "session": row.participant.session, "kind": "follow_up"},
        )
    return render(
        request,
        "training/follow_up.html",
        {"form": form, "follow_up": row, "session": row.participant.session, "public": True},
        status=400 if form.errors else 200,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_follow_up(request: HttpRequest, token: str, months: int) -> HttpResponse:
    participant = access.by_token(token)
    return _follow_up_page(
        request, access.participant_follow_up(participant, months), token, back_to_link=True
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer_follow_up(request: HttpRequest, token: str) -> HttpResponse:
    """The one-use link of a follow-up reminder e-mail."""
    return _follow_up_page(request, access.follow_up_by_token(token), token, back_to_link=False)


@login_not_required
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate's code is genuine: the course, dates and organisation, never the name."""
    participant = access.by_certificate(code)
    return render(
        request, "training/verify.html", {"participant": participant, "session": participant.session}
    )
