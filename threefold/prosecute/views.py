"""Prosecution pages: the actor's proceedings, a case's proceedings and own charges, one proceeding's file, small
pages to record each part, and the legal officer's non-punishment list.

Thin views: ``access`` reads (a case or proceeding the actor may not read is a 404), ``services`` writes.
Recording needs ``prosecute.record`` (an assigned legal officer or caseworker): a supervisor reads the same pages
without forms, and gets a 403 on the form pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.prosecute import access, services
from threefold.prosecute.access import OpenedProceeding
from threefold.prosecute.forms import (
    AccompanimentForm,
    ChargeForm,
    CourtDateEditForm,
    CourtDateForm,
    MeasureEditForm,
    MeasureForm,
    OffenderEditForm,
    OffenderForm,
    OrderForm,
    OwnChargeEditForm,
    OwnChargeForm,
    PaymentForm,
    ProceedingEditForm,
    ProceedingForm,
    RiskForm,
    SentenceForm,
    StageForm,
    VerdictForm,
)
from threefold.prosecute.models import CourtDate, Offender, ProtectionMeasure
from threefold.prosecute.services import ProsecuteError
from threefold.protect.models import Case
from threefold.protect.services import ConflictError

Save = Callable[[dict[str, Any]], object]


def _conflict() -> str:
    return _(
        "Someone else saved this while you were working on it. Nothing was overwritten: go back to the "
        "proceeding to see their changes, then make yours again."
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _versioned(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["expected_version"] = values.pop("version")
    return values


def _form_page(
    request: HttpRequest,
    form: Form,
    save: Save,
    *,
    title: str,
    done: str,
    submit: str,
    back: str,
    back_label: str,
    reference: str,
    about: str = "",
) -> HttpResponse:
    """Show a form; on a valid POST, save through the service, putting its refusal next to its field."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ConflictError:
            form.add_error(None, _conflict())
        except ProsecuteError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "prosecute/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "about": about,
            "back": back,
            "back_label": back_label,
            "reference": reference,
        },
    )


# ---- lists


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "prosecute.view_lists"):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "prosecute/home.html",
        {
            "overview": access.overview(actor, today),
            "today": today,
            "upcoming_days": access.UPCOMING_DAYS,
            "can_see_statistics": allowed(actor, "prosecute.view_statistics"),
        },
    )


@require_GET
def non_punishment(request: HttpRequest) -> HttpResponse:
    actor = acting_member(request)
    if not allowed(actor, "prosecute.view_lists"):
        raise PermissionDenied
    return render(request, "prosecute/non_punishment.html", {"entries": access.followed_own_charges(actor)})


# ---- a case


@require_GET
def case(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    found = access.case_for(actor, reference)
    today = timezone.localdate()
    return render(
        request,
        "prosecute/case.html",
        {
            "section": access.case_prosecution(actor, found, today),
            "can_open_case": allowed(actor, "protect.view_case", found),
            "today": today,
        },
    )


def _recording_case(request: HttpRequest, reference: str) -> tuple[Actor, Case]:
    """The actor and the case they are about to record on: 404 if they may not read it, 403 if only read it."""
    actor = acting_member(request)
    found = access.case_for(actor, reference)
    if not access.may_record(actor, found):
        raise PermissionDenied
    return actor, found


def _case_page(found: Case) -> str:
    return reverse("prosecute:case", args=[found.reference])


@require_http_methods(["GET", "POST"])
def new_proceeding(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _recording_case(request, reference)
    created: list[str] = []

    def save(data: dict[str, Any]) -> object:
        proceeding = services.open_proceeding(actor, found, **data)
        created.append(proceeding.reference)
        return proceeding

    response = _form_page(
        request,
        ProceedingForm(_data(request)),
        save,
        title=_("Record a criminal proceeding"),
        done=_("Proceeding recorded."),
        submit=_("Record the proceeding"),
        back=_case_page(found),
        back_label=_("Back to the case's proceedings"),
        reference=found.reference,
        about=_("An investigation, prosecution or trial about what happened to this case's survivor."),
    )
    if created:
        return redirect("prosecute:proceeding", reference=created[0])
    return response


@require_http_methods(["GET", "POST"])
def add_own_charge(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _recording_case(request, reference)
    return _form_page(
        request,
        OwnChargeForm(_data(request)),
        lambda data: services.add_own_charge(actor, found, **data),
        title=_("Flag a charge against the survivor"),
        done=_("Charge flagged: it is followed on the non-punishment list."),
        submit=_("Flag the charge"),
        back=_case_page(found),
        back_label=_("Back to the case's proceedings"),
        reference=found.reference,
        about=_(
            "Victims of trafficking should not be punished for offences they were compelled to commit. Record it "
            "here so that it is raised in time and followed to its outcome."
        ),
    )


@require_http_methods(["GET", "POST"])
def edit_own_charge(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, found = _recording_case(request, reference)
    entry = access.own_charge_of(actor, found, pk)
    row = entry.row
    initial = {
        "offence": entry.values.get("offence", ""),
        "notes": entry.values.get("notes", ""),
        "jurisdiction": row.jurisdiction,
        "charged_on": row.charged_on,
        "status": row.status,
        "non_punishment": row.non_punishment,
        "raised_on": row.raised_on,
        "version": row.version,
    }
    return _form_page(
        request,
        OwnChargeEditForm(_data(request), initial=initial),
        lambda data: services.update_own_charge(actor, found, row, **_versioned(data)),
        title=_("Update a charge against the survivor"),
        done=_("Changes saved."),
        submit=_("Save"),
        back=_case_page(found),
        back_label=_("Back to the case's proceedings"),
        reference=found.reference,
    )


# ---- a proceeding


@require_GET
def proceeding(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = access.open_proceeding(actor, reference, purpose="proceeding page")
    return render(
        request,
        "prosecute/proceeding.html",
        {
            "file": access.proceeding_file(actor, opened),
            "opened": opened,
            "can_record": opened.can_record,
            "can_open_case": allowed(actor, "protect.view_case", opened.case),
            "today": timezone.localdate(),
        },
    )


def _recording(request: HttpRequest, reference: str, purpose: str) -> tuple[Actor, OpenedProceeding]:
    actor = acting_member(request)
    opened = access.open_proceeding(actor, reference, purpose=purpose)
    if not opened.can_record:
        raise PermissionDenied
    return actor, opened


def _page(
    request: HttpRequest,
    opened: OpenedProceeding,
    form: Form,
    save: Save,
    *,
    title: str,
    done: str,
    submit: str = "",
    about: str = "",
) -> HttpResponse:
    return _form_page(
        request,
        form,
        save,
        title=title,
        done=done,
        submit=submit or _("Save"),
        back=reverse("prosecute:proceeding", args=[opened.proceeding.reference]),
        back_label=_("Back to the proceeding"),
        reference=opened.proceeding.reference,
        about=about,
    )


@require_http_methods(["GET", "POST"])
def edit_proceeding(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "change a proceeding")
    p = opened.proceeding
    initial = {
        "court": p.court,
        "court_reference": opened.details.get("court_reference", ""),
        "notes": opened.details.get("notes", ""),
        "closed_on": p.closed_on,
        "version": p.version,
    }
    return _page(
        request,
        opened,
        ProceedingEditForm(_data(request), initial=initial),
        lambda data: services.edit_proceeding(actor, p, **_versioned(data)),
        title=_("Change the proceeding"),
        done=_("Changes saved."),
    )


@require_http_methods(["GET", "POST"])
def add_stage(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a stage")
    p = opened.proceeding
    return _page(
        request,
        opened,
        StageForm(_data(request), default_jurisdiction=p.jurisdiction, initial={"court": p.court}),
        lambda data: services.record_stage(actor, p, **data),
        title=_("Record a stage"),
        done=_("Stage recorded."),
        submit=_("Record the stage"),
    )


def _offender_choices(actor: Actor, opened: OpenedProceeding) -> list[tuple[int, str]]:
    return [
        (e.row.pk, e.values.get("name", "") or _("(no name)")) for e in access.offenders_of(actor, opened)
    ]


@require_http_methods(["GET", "POST"])
def add_offender(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record an offender")
    return _page(
        request,
        opened,
        OffenderForm(_data(request)),
        lambda data: services.add_offender(actor, opened.proceeding, **data),
        title=_("Record a suspect or accused person"),
        done=_("Person recorded."),
        submit=_("Record the person"),
        about=_(
            "Their name is encrypted: it is another person's identity, kept only in this survivor's file."
        ),
    )


@require_http_methods(["GET", "POST"])
def edit_offender(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "change an offender")
    entry = access.row_of(actor, opened, Offender, pk)
    initial = {"name": entry.values.get("name", ""), "roles": entry.row.roles, "version": entry.row.version}
    return _page(
        request,
        opened,
        OffenderEditForm(_data(request), initial=initial),
        lambda data: services.edit_offender(actor, opened.proceeding, entry.row, **_versioned(data)),
        title=_("Change a suspect or accused person"),
        done=_("Changes saved."),
    )


@require_http_methods(["GET", "POST"])
def add_charge(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a charge")
    choices = _offender_choices(actor, opened)
    if not choices:
        messages.info(request, _("Record the person charged first."))
        return redirect("prosecute:add_offender", reference=reference)
    by_pk = {pk for pk, _name in choices}
    offence_choices = [
        (o.code, f"{o.label} — {o.citation}" if o.cited else f"{o.label} — {_('citation to be completed')}")
        for o in opened.jurisdiction.offences
    ]

    def save(data: dict[str, Any]) -> object:
        if data["offender"] not in by_pk:
            raise ProsecuteError("offender", _("Choose one of the options."))
        offender = access.row_of(actor, opened, Offender, data["offender"]).row
        return services.add_charge(actor, opened.proceeding, offender=offender, offence=data["offence"])

    return _page(
        request,
        opened,
        ChargeForm(_data(request), offenders=choices, offence_choices=offence_choices),
        save,
        title=_("Record a charge"),
        done=_("Charge recorded."),
        submit=_("Record the charge"),
        about=_("Offences of %(jurisdiction)s (reference data, version %(version)s).")
        % {"jurisdiction": opened.jurisdiction.name, "version": opened.jurisdiction.version},
    )


@require_http_methods(["GET", "POST"])
def charge_verdict(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a verdict")
    view = access.charge_of(opened, pk)
    charge = view.charge
    initial = {"verdict": charge.verdict, "verdict_on": charge.verdict_on, "version": charge.version}
    return _page(
        request,
        opened,
        VerdictForm(_data(request), initial=initial),
        lambda data: services.record_verdict(actor, opened.proceeding, charge, **_versioned(data)),
        title=_("Record a verdict"),
        done=_("Verdict recorded."),
        about=view.label,
    )


@require_http_methods(["GET", "POST"])
def sentence(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a sentence")
    entry = access.row_of(actor, opened, Offender, pk)
    current = getattr(entry.row, "sentence", None)
    initial = (
        {
            "sentenced_on": current.sentenced_on,
            "custody_months": current.custody_months,
            "suspended": current.suspended,
            "fine_amount": current.fine_amount,
            "fine_currency": current.fine_currency,
        }
        if current
        else {}
    )
    return _page(
        request,
        opened,
        SentenceForm(_data(request), initial=initial),
        lambda data: services.record_sentence(actor, opened.proceeding, entry.row, **data),
        title=_("Record a sentence"),
        done=_("Sentence recorded."),
        about=entry.values.get("name", ""),
    )


@require_http_methods(["GET", "POST"])
def add_order(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record compensation")
    choices = _offender_choices(actor, opened)
    by_pk = {pk for pk, _name in choices}

    def save(data: dict[str, Any]) -> object:
        chosen = data.pop("offender")
        offender = None
        if chosen is not None:
            if chosen not in by_pk:
                raise ProsecuteError("offender", _("Choose one of the options."))
            offender = access.row_of(actor, opened, Offender, chosen).row
        return services.add_order(actor, opened.proceeding, offender=offender, **data)

    return _page(
        request,
        opened,
        OrderForm(_data(request), offenders=choices),
        save,
        title=_("Record compensation or restitution ordered"),
        done=_("Order recorded."),
        submit=_("Record the order"),
    )


@require_http_methods(["GET", "POST"])
def add_payment(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a payment")
    order = access.orders_of(opened, pk)
    return _page(
        request,
        opened,
        PaymentForm(_data(request)),
        lambda data: services.add_payment(actor, opened.proceeding, order, **data),
        title=_("Record a payment"),
        done=_("Payment recorded."),
        submit=_("Record the payment"),
        about=f"{order.get_kind_display()}: {order.amount} {order.currency}, "
        + date_format(order.ordered_on, "DATE_FORMAT"),
    )


@require_http_methods(["GET", "POST"])
def add_measure(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a protection measure")
    return _page(
        request,
        opened,
        MeasureForm(_data(request)),
        lambda data: services.add_measure(actor, opened.proceeding, **data),
        title=_("Record a protection measure"),
        done=_("Protection measure recorded."),
        submit=_("Record the measure"),
        about=_("How the survivor is protected when they give evidence."),
    )


@require_http_methods(["GET", "POST"])
def edit_measure(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "change a protection measure")
    entry = access.row_of(actor, opened, ProtectionMeasure, pk)
    row = entry.row
    initial = {"status": row.status, "decided_on": row.decided_on, "note": entry.text, "version": row.version}
    return _page(
        request,
        opened,
        MeasureEditForm(_data(request), initial=initial),
        lambda data: services.update_measure(actor, opened.proceeding, row, **_versioned(data)),
        title=_("Update a protection measure"),
        done=_("Changes saved."),
        about=row.get_measure_display(),
    )


@require_http_methods(["GET", "POST"])
def add_court_date(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record a court date")
    return _page(
        request,
        opened,
        CourtDateForm(_data(request), initial={"court": opened.proceeding.court}),
        lambda data: services.add_court_date(actor, opened.proceeding, **data),
        title=_("Record a court date"),
        done=_("Court date recorded. The people on the case will be reminded a week and a day before."),
        submit=_("Record the court date"),
    )


@require_http_methods(["GET", "POST"])
def edit_court_date(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, opened = _recording(request, reference, "change a court date")
    entry = access.row_of(actor, opened, CourtDate, pk)
    row = entry.row
    initial = {
        "on": row.on,
        "time": row.time,
        "court": row.court,
        "kind": row.kind,
        "survivor_attends": row.survivor_attends,
        "status": row.status,
        "note": entry.text,
        "version": row.version,
    }
    return _page(
        request,
        opened,
        CourtDateEditForm(_data(request), initial=initial),
        lambda data: services.update_court_date(actor, opened.proceeding, row, **_versioned(data)),
        title=_("Change a court date"),
        done=_("Changes saved."),
    )


@require_http_methods(["GET", "POST"])
def add_accompaniment(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "record an accompaniment")
    dates = {c.pk: c for c in access.court_dates_of(opened)}
    people = {user.pk: user for user in access.assignees(opened.case)}

    def save(data: dict[str, Any]) -> object:
        chosen_date, chosen_person = data.pop("court_date"), data.pop("accompanied_by")
        if (chosen_date is not None and chosen_date not in dates) or (
            chosen_person is not None and chosen_person not in people
        ):
            raise ProsecuteError("", _("Choose one of the options."))
        return services.add_accompaniment(
            actor,
            opened.proceeding,
            court_date=dates.get(chosen_date) if chosen_date else None,
            accompanied_by=people.get(chosen_person) if chosen_person else None,
            **data,
        )

    return _page(
        request,
        opened,
        AccompanimentForm(
            _data(request),
            court_dates=[
                (pk, f"{date_format(c.on, 'DATE_FORMAT')} · {c.get_kind_display()}")
                for pk, c in dates.items()
            ],
            people=[(pk, str(user)) for pk, user in people.items()],
            initial={"accompanied_by": actor.user.pk if actor.user.pk in people else None},
        ),
        save,
        title=_("Record an accompaniment"),
        done=_("Accompaniment recorded."),
        submit=_("Record the accompaniment"),
    )


@require_http_methods(["GET", "POST"])
def add_risk(request: HttpRequest, reference: str) -> HttpResponse:
    actor, opened = _recording(request, reference, "assess witness risk")
    return _page(
        request,
        opened,
        RiskForm(_data(request)),
        lambda data: services.assess_risk(actor, opened.proceeding, **data),
        title=_("Assess the risks to the survivor as a witness"),
        done=_("Risk assessment recorded."),
        submit=_("Record the assessment"),
    )
