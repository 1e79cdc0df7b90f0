"""Legislation review pages: the list, a new review, the answers, the review with its gaps, the printable gap
report, a new version after an amendment, and the comparison of two reviews.

Every member reads the organisation's reviews; analysts and org admins make and change them (403 for others).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from threefold.accounts.rules import allowed
from threefold.advocate import access, services
from threefold.advocate.core import gaps
from threefold.advocate.forms import AnswersForm, NewVersionForm, ReviewForm
from threefold.advocate.models import LegislationReview
from threefold.advocate.services import AnswerInput, LawInput
from threefold.advocate.views import enterer, reader, save_form
from threefold.countries import access as country_access


def _law(data: dict[str, Any]) -> LawInput:
    return LawInput(
        law_title=data["law_title"],
        law_date=data["law_date"],
        law_citation=data["law_citation"],
        law_url=data["law_url"],
        summary=data["summary"],
    )


def _country_name(code: str) -> str:
    info = country_access.country(code)
    return info.name if info else code


@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    code = request.GET.get("country", "").strip().upper()
    found = access.reviews(actor, code or None)
    checklist = access.checklist()
    rows = [
        (review, gaps.report(checklist, access.answers(review)), _country_name(review.country_alpha3))
        for review in found
    ]
    return render(
        request,
        "advocate/reviews.html",
        {
            "rows": rows,
            "country": country_access.country(code) if code else None,
            "can_enter": allowed(actor, "advocate.enter"),
        },
    )


@require_http_methods(["GET", "POST"])
def add_review(request: HttpRequest) -> HttpResponse:
    actor = enterer(request)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"country": request.GET.get("country", "")},
    )
    saved = save_form(request, form, lambda data: services.create_review(actor, data["country"], _law(data)))
    if saved is not None:
        messages.success(
            request, _("Review %(reference)s started: answer the checklist.") % {"reference": saved}
        )
        return redirect("advocate:answer_review", saved.reference)
    return render(
        request,
        "advocate/review_form.html",
        {
            "form": form,
            "title": _("Review a law"),
            "submit": _("Start the review"),
            "back": reverse("advocate:reviews"),
            "back_label": _("Legislation reviews"),
        },
    )


def _review_context(review: LegislationReview) -> dict[str, Any]:
    checklist = access.checklist()
    return {
        "review": review,
        "info": country_access.country(review.country_alpha3),
        "checklist": checklist,
        "report": gaps.report(checklist, access.answers(review)),
        "later": access.later_versions(review),
        "outdated": review.checklist_version != checklist.version,
    }


@require_GET
def review(request: HttpRequest, reference: str) -> HttpResponse:
    actor = reader(request)
    found = access.review(actor, reference)
    context = _review_context(found)
    context["can_change"] = allowed(actor, "advocate.change", found)
    context["others"] = [
        other for other in access.reviews(actor, found.country_alpha3) if other.pk != found.pk
    ]
    return render(request, "advocate/review.html", context)


@require_GET
def gap_report(request: HttpRequest, reference: str) -> HttpResponse:
    actor = reader(request)
    found = access.review(actor, reference)
    context = _review_context(found)
    context["generated_at"] = timezone.now()
    return render(request, "advocate/gap_report.html", context)


@require_http_methods(["GET", "POST"])
def answer_review(request: HttpRequest, reference: str) -> HttpResponse:
    actor = enterer(request)
    found = access.review(actor, reference)
    if not allowed(actor, "advocate.change", found):
        raise PermissionDenied
    checklist = access.checklist()
    given = access.answers(found)
    initial: dict[str, Any] = {
        "version": found.version,
        "law_title": found.law_title,
        "law_date": found.law_date,
        "law_citation": found.law_citation,
        "law_url": found.law_url,
        "summary": found.summary,
    }
    for item_id, answer in given.items():
        initial[f"{item_id}-answer"] = answer.answer.value if answer.answer else ""
        initial[f"{item_id}-articles"] = answer.articles
        initial[f"{item_id}-note"] = answer.note
    form = AnswersForm(
        request.POST if request.method == "POST" else None, initial=initial, items=checklist.items
    )

    def save(data: dict[str, Any]) -> LegislationReview:
        answers = {
            item.id: AnswerInput(
                data[f"{item.id}-answer"], data[f"{item.id}-articles"], data[f"{item.id}-note"]
            )
            for item in checklist.items
        }
        return services.save_review(actor, found, _law(data), answers, expected_version=data["version"])

    saved = save_form(request, form, save)
    if saved is not None:
        messages.success(request, _("Review %(reference)s saved.") % {"reference": found.reference})
        return redirect("advocate:review", found.reference)
    groups = [
        (group, [(item, form.item_fields(item)) for item in checklist.in_group(group)])
        for group in checklist.groups
    ]
    law_fields = [form[name] for name in ("law_title", "law_date", "law_citation", "law_url", "summary")]
    return render(
        request,
        "advocate/answers.html",
        {
            "form": form,
            "review": found,
            "info": country_access.country(found.country_alpha3),
            "groups": groups,
            "law_fields": law_fields,
            "checklist": checklist,
        },
    )


@require_http_methods(["GET", "POST"])
def new_version(request: HttpRequest, reference: str) -> HttpResponse:
    actor = enterer(request)
    found = access.review(actor, reference)
    if not allowed(actor, "advocate.change", found):
        raise PermissionDenied
    initial = {
        "law_title": found.law_title,
        "law_citation": found.law_citation,
        "law_url": found.law_url,
    }
    form = NewVersionForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(request, form, lambda data: services.new_review_version(actor, found, _law(data)))
    if saved is not None:
        messages.success(
            request,
            _("Review %(reference)s made from %(previous)s: change the answers the amendment changed.")
            % {"reference": saved.reference, "previous": found.reference},
        )
        return redirect("advocate:answer_review", saved.reference)
    return render(
        request,
        "advocate/review_form.html",
        {
            "form": form,
            "title": _("The law was amended: a new review"),
            "about": _(
                "The new review starts from a copy of the answers of %(reference)s. Give the amended law's date; "
                "the two reviews can then be compared item by item."
            )
            % {"reference": found.reference},
            "submit": _("Make the new review"),
            "back": reverse("advocate:review", args=[found.reference]),
            "back_label": _("Back to the review"),
            "reference": found.reference,
        },
    )


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    first = access.review(actor, request.GET.get("a", ""))
    second = access.review(actor, request.GET.get("b", ""))
    # The older law first, so "better" means the law improved.
    before, after = sorted((first, second), key=lambda r: (r.law_date, r.created_at, r.pk))
    checklist = access.checklist()
    rows = gaps.compare(checklist, access.answers(before), access.answers(after))
    counts = {movement: sum(1 for row in rows if row.movement == movement) for movement in gaps.Movement}
    return render(
        request,
        "advocate/compare.html",
        {
            "before": before,
            "after": after,
            "rows": rows,
            "counts": counts,
            "before_country": _country_name(before.country_alpha3),
            "after_country": _country_name(after.country_alpha3),
        },
    )
