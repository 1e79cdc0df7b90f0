"""Thin views: parse the request, call ``access`` to read and ``services`` to write, render."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from threefold.accounts import access as accounts_access
from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.protect import access, case_access, duplicate_access, services
from threefold.protect.forms import BreakGlassForm, PersonForm, SearchForm, identity_details, shown_matches
from threefold.protect.identity import IdentityError
from threefold.protect.models import Person


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not actor.reads_identities:
        if allowed(actor, "protect.add_person"):
            # A screener records people but never reads them back: Protect is the recording form for them.
            return redirect("protect:add_person")
        # Roles outside the Protect module (trainer, analyst, org admin) get no search box over survivor data.
        raise PermissionDenied
    # Searches are POSTed: a name in a URL would end up in server logs and the browser history.
    form = SearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        results = access.search(actor, form.cleaned_data["q"])
    people = access.my_persons(actor) if results is None else results
    return render(
        request,
        "protect/home.html",
        {
            "form": form,
            "people": people,
            "searched": results is not None,
            "can_add_person": allowed(actor, "protect.add_person"),
        },
    )


@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    """Record a person in two steps when needed: first show who they may already be, then record on request."""
    actor = acting_member(request)
    if not allowed(actor, "protect.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = form.identity()
            # Sent only by the "record anyway" button of the possible-duplicates panel.
            if request.POST.get("confirmed_new") != "1":
                duplicates = access.possible_duplicates(actor, identity)
            if duplicates is None or not duplicates.found:
                return _recorded(request, actor, services.create_person(actor, identity))
        except IdentityError as exc:
            _add_identity_error(form, exc)
    return render(
        request,
        "protect/person_form.html",
        {
            "form": form,
            "creating": True,
            "duplicates": shown_matches(duplicates) if duplicates and duplicates.found else None,
            "can_view_caseload": allowed(actor, "protect.view_caseload"),
        },
    )


def _recorded(request: HttpRequest, actor: Actor, person: Person) -> HttpResponse:
    messages.success(request, _("Person %(ref)s recorded.") % {"ref": person.reference})
    if actor.reads_identities:
        return redirect("protect:person", reference=person.reference)
    return redirect("web:home")


def _add_identity_error(form: PersonForm, exc: IdentityError) -> None:
    """Put the message next to the field it names, where the form has that field."""
    field, _separator, message = str(exc).partition(": ")
    if field in form.fields and message:
        form.add_error(field, message)
    else:
        form.add_error(None, str(exc))


@require_http_methods(["GET"])
def person(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    try:
        opened = access.open_person(actor, reference, purpose="case work")
    except Http404:
        # A record merged into another answers with the record it lives on now, to those who may know it.
        kept = access.merged_into_for(actor, reference)
        if kept is None:
            raise
        return render(
            request,
            "protect/person_merged.html",
            {
                "reference": reference,
                "kept": kept,
                "can_open": access.visible_persons(actor).filter(pk=kept.pk).exists(),
                "can_break_glass": allowed(actor, "protect.break_glass", kept),
            },
        )
    return render(
        request,
        "protect/person.html",
        {
            "opened": opened,
            "details": identity_details(opened.identity),
            "other_records": access.other_records(actor, opened),
            "can_change": allowed(actor, "protect.change_person", opened.person),
            "can_view_history": allowed(actor, "audit.view_history"),
            "cases": case_access.cases_of(actor, reference),
            "can_open_case": allowed(actor, "protect.open_case", opened.person),
            "can_export": allowed(actor, "protect.export_subject_data", opened.person),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_person(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_person(actor, reference, purpose="edit")
    if not allowed(actor, "protect.change_person", opened.person):
        raise PermissionDenied
    form = PersonForm(
        request.POST or None, initial=PersonForm.initial_from(opened.identity, opened.person.version)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_identity(
                actor, opened.person, form.identity(), expected_version=form.cleaned_data["version"] or 0
            )
        except services.ConflictError:
            form.add_error(
                None,
                _(
                    "Someone else saved this record while you were editing it. Nothing was "
                    "overwritten: reload the page to see their changes, then make yours again."
                ),
            )
        except IdentityError as exc:
            _add_identity_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("protect:person", reference=reference)
    return render(request, "protect/person_form.html", {"form": form, "creating": False, "opened": opened})


@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "protect.view_caseload"):
        raise PermissionDenied
    return render(
        request,
        "protect/caseload.html",
        {
            "persons": access.caseload(actor)[:500],
            "assignable": accounts_access.assignable_members(actor),
            "can_review_duplicates": duplicate_access.may_review(actor),
            "open_pairs": duplicate_access.open_pair_count(actor),
        },
    )


@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    person = access.get_person_for_supervision(actor, reference)
    membership = (
        accounts_access.assignable_members(actor).filter(pk=request.POST.get("membership") or 0).first()
    )
    if membership is None:
        messages.error(request, _("Choose a caseworker, supervisor or legal officer of your organisation."))
        return redirect("protect:caseload")
    services.assign(actor, person, membership.user)
    messages.success(request, _("%(ref)s assigned to %(who)s.") % {"ref": reference, "who": membership.user})
    return redirect("protect:caseload")


@require_http_methods(["GET", "POST"])
@reauthentication_required
def break_glass(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    person = access.get_person_for_supervision(actor, reference)
    if not allowed(actor, "protect.break_glass", person):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(actor, person, form.cleaned_data["reason"])
        except IdentityError as exc:
            form.add_error("reason", str(exc).split(": ", 1)[-1])
        else:
            messages.warning(request, _("Break-the-glass access granted and recorded."))
            return redirect("protect:person", reference=reference)
    return render(request, "protect/break_glass.html", {"form": form, "person": person})
