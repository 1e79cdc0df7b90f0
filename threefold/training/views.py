"""Staff pages of training: courses with their modules and question bank, sessions, participants, the join link
of a session's self-registration, attendance, tests typed in from paper, certificates, follow-ups, and results of a
session or of every session of a course.

Thin views: ``access`` reads (another organisation's record is a 404), ``services`` writes. Trainers and org
admins manage (``training.manage``, ``training.change``); analysts and supervisors read courses, sessions and
results (``training.view_results``), never names; other members get a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.models import User
from threefold.accounts.rules import allowed
from threefold.participate.pages import qr_svg
from threefold.prevent import access as prevent_access
from threefold.training import access, charts, services
from threefold.training.core import joining, questionbank
from threefold.training.forms import (
    AnswerSheetForm,
    AttendanceForm,
    CertificateForm,
    CourseForm,
    FollowUpForm,
    ModuleForm,
    ParticipantForm,
    QuestionForm,
    QuestionImportForm,
    SessionForm,
)
from threefold.training.models import Course, Kind, Participant, Session
from threefold.training.services import ImportRefused, TrainingError
from threefold.web.uploads import SizeLimit, limit_uploads

EXAMPLES = {"questions.csv": questionbank.EXAMPLE}


def reader(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not access.may_read(actor):
        raise PermissionDenied
    return actor


def manager(request: HttpRequest) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, "training.manage"):
        raise PermissionDenied
    return actor


def _course(request: HttpRequest, reference: str, *, change: bool = False) -> tuple[Actor, Course]:
    actor = manager(request) if change else reader(request)
    found = access.course(actor, reference)
    if change and not allowed(actor, "training.change", found):
        raise PermissionDenied
    return actor, found


def _session(request: HttpRequest, reference: str, *, change: bool = False) -> tuple[Actor, Session]:
    actor = manager(request) if change else reader(request)
    found = access.session(actor, reference)
    if change and not allowed(actor, "training.change", found):
        raise PermissionDenied
    return actor, found


def _participant(request: HttpRequest, reference: str, uid: str) -> tuple[Actor, Session, Participant]:
    actor, found = _session(request, reference, change=True)
    return actor, found, access.participant(found, uid)


def _session_input(data: dict[str, Any], trainers: Iterable[User], area_code: str) -> services.SessionInput:
    """The session form's values for the service; ``area_code`` when the form has no area field (the
    organisation has no areas)."""
    by_id = {user.pk: user for user in trainers}
    return services.SessionInput(
        data["starts_on"],
        data["ends_on"],
        data["place"],
        by_id.get(data["trainer"]),
        data["language"],
        data["format"],
        data["capacity"],
        data.get("area_code", area_code),
    )


def save_form(request: HttpRequest, form: Form, save: Callable[[dict[str, Any]], Any]) -> Any:
    """On a valid POST, save through the service and return what it returns; its refusal goes next to its field
    (None is returned then, and the page shows the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except TrainingError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None


def _form_page(
    request: HttpRequest, form: Form, title: str, submit: str, back: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, **extra},
        status=400 if form.errors else 200,
    )


def _saved(request: HttpRequest, changed: list[str], done: str) -> None:
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, _("Nothing was changed."))


def _confirmed(request: HttpRequest) -> None:
    """A deletion is made only from the confirmation form of the record's page (it sends confirm=yes)."""
    if request.POST.get("confirm") != "yes":
        raise PermissionDenied


def participant_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("training:link_home", args=[token]))


# ---- home, follow-ups


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    today = timezone.localdate()
    return render(
        request,
        "training/home.html",
        {
            "courses": access.courses(actor),
            "upcoming": access.upcoming_sessions(actor, today),
            "recent": [s for s in access.sessions(actor) if s.ends_on < today][:10],
            "due": access.follow_ups_due(actor, today),
            "can_manage": allowed(actor, "training.manage"),
        },
    )


@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    actor = manager(request)
    return render(
        request, "training/follow_ups.html", {"due": access.follow_ups_due(actor, timezone.localdate())}
    )


# ---- courses, modules, questions


@require_http_methods(["GET", "POST"])
def add_course(request: HttpRequest) -> HttpResponse:
    actor = manager(request)
    form = CourseForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda d: services.create_course(
            actor, services.CourseInput(d["title"], d["audience"], d["languages"], d["description"])
        ),
    )
    if saved is not None:
        messages.success(request, _("Course created: now add its modules and questions."))
        return redirect("training:course", saved.reference)
    return _form_page(request, form, _("New course"), _("Create the course"), reverse("training:home"))


@require_GET
def course(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference)
    questions = access.questions(found)
    modules = access.modules(found)
    return render(
        request,
        "training/course.html",
        {
            "course": found,
            "modules": [(m, [q for q in questions if q.module_id == m.pk]) for m in modules],
            "sessions": access.sessions(actor, found),
            "may_change": allowed(actor, "training.change", found),
            "may_see_results": allowed(actor, "training.view_results"),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_course(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title": found.title,
            "audience": found.audience,
            "languages": found.languages,
            "description": found.description,
        },
    )
    saved = save_form(
        request,
        form,
        lambda d: services.edit_course(
            actor, found, services.CourseInput(d["title"], d["audience"], d["languages"], d["description"])
        ),
    )
    if saved is not None:
        _saved(request, saved, _("Course saved."))
        return redirect("training:course", found.reference)
    back = reverse("training:course", args=[found.reference])
    return _form_page(request, form, _("Edit the course"), _("Save the course"), back, course=found)


@require_POST
def delete_course(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    _confirmed(request)
    try:
        services.delete_course(actor, found)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect("training:course", found.reference)
    messages.success(request, _("Course “%(title)s” deleted.") % {"title": found.title})
    return redirect("training:home")


@require_http_methods(["GET", "POST"])
def add_module(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    form = ModuleForm(request.POST if request.method == "POST" else None)
    saved = save_form(request, form, lambda d: services.add_module(actor, found, d["title"], d["objective"]))
    if saved is not None:
        messages.success(request, _("Module added."))
        return redirect("training:course", found.reference)
    back = reverse("training:course", args=[found.reference])
    return _form_page(request, form, _("New module"), _("Add the module"), back, course=found)


@require_http_methods(["GET", "POST"])
def edit_module(request: HttpRequest, reference: str, module_id: int) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    module = access.module(found, module_id)
    form = ModuleForm(
        request.POST if request.method == "POST" else None,
        initial={"title": module.title, "objective": module.objective},
    )
    saved = save_form(
        request, form, lambda d: services.edit_module(actor, module, d["title"], d["objective"])
    )
    if saved is not None:
        _saved(request, saved, _("Module saved."))
        return redirect("training:course", found.reference)
    back = reverse("training:course", args=[found.reference])
    return _form_page(
        request,
        form,
        _("Edit module %(n)s") % {"n": module.position},
        _("Save the module"),
        back,
        course=found,
    )


@require_http_methods(["GET", "POST"])
def add_question(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    modules = access.modules(found)
    form = QuestionForm(request.POST if request.method == "POST" else None, modules=modules)

    def save(d: dict[str, Any]) -> Any:
        options = form.options()
        return services.add_question(
            actor, found, services.QuestionInput(d["module"], d["text"], options, d["correct"])
        )

    saved = save_form(request, form, save)
    if saved is not None:
        messages.success(request, _("Question added to the bank."))
        return redirect("training:course", found.reference)
    back = reverse("training:course", args=[found.reference])
    if not modules:
        messages.info(request, _("Add a module first: every question belongs to one."))
        return redirect(back)
    return _form_page(request, form, _("New question"), _("Add the question"), back, course=found)


@require_POST
def retire_question(request: HttpRequest, reference: str, question_id: int) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    question = access.question(found, question_id)
    services.set_question_active(actor, question, not question.is_active)
    messages.success(
        request,
        _("Question brought back.")
        if question.is_active
        else _("Question retired: new sessions leave it out."),
    )
    return redirect("training:course", found.reference)


# Exempt from the CSRF middleware only so that the size limit comes first (the middleware would read the whole
# upload to find the token); csrf_protect on the inner view checks the token (threefold.web.uploads says why).
# Nobody without the role gets that far.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_questions(request: HttpRequest, reference: str) -> HttpResponse:
    """A CSV file of questions added to the bank whole, or not at all with every problem listed by line."""
    actor, found = _course(request, reference, change=True)
    return _import_questions(request, actor, found, limit_uploads(request, questionbank.MAX_BYTES))


@csrf_protect
def _import_questions(
    request: HttpRequest, actor: Actor, found: Course, size_limit: SizeLimit
) -> HttpResponse:
    modules = access.modules(found)
    back = reverse("training:course", args=[found.reference])
    if not modules:
        messages.info(request, _("Add a module first: every question belongs to one."))
        return redirect(back)
    form = QuestionImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: tuple[str, ...] = ()
    if request.method == "POST" and not form.is_valid() and size_limit.exceeded:
        # The file was dropped while it streamed in, for its size: say that, not "no file".
        form.errors.pop("file", None)
        problems = (services.file_too_large_text(),)
    elif request.method == "POST" and form.is_valid():
        # One byte past the largest accepted file is enough for the reader to refuse it by size.
        data = bytes(form.cleaned_data["file"].read(questionbank.MAX_BYTES + 1))
        try:
            added = services.import_questions(actor, found, data)
        except ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s question imported into the bank.", "%(n)s questions imported into the bank.", added
                )
                % {"n": added},
            )
            return redirect(back)
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "course": found,
            "modules": modules,
            "problems": problems,
            "columns": ",".join(questionbank.COLUMNS),
            "back": back,
        },
        status=400 if problems or form.errors else 200,
    )


@require_GET
def example(request: HttpRequest, name: str) -> HttpResponse:
    manager(request)
    if name not in EXAMPLES:
        raise Http404
    response = HttpResponse(EXAMPLES[name], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="example-{name}"'
    return response


# ---- sessions


@require_http_methods(["GET", "POST"])
def add_session(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _course(request, reference, change=True)
    trainers = access.trainers(actor)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        trainers=trainers,
        languages=found.languages,
        areas=prevent_access.area_choices(actor),
        initial={"trainer": actor.user.pk, "language": (found.languages or [""])[0]},
    )

    def save(d: dict[str, Any]) -> Any:
        return services.create_session(actor, found, _session_input(d, trainers, ""))

    saved = save_form(request, form, save)
    if saved is not None:
        messages.success(request, _("Session %(reference)s created.") % {"reference": saved.reference})
        return redirect("training:session", saved.reference)
    back = reverse("training:course", args=[found.reference])
    return _form_page(request, form, _("New session"), _("Create the session"), back, course=found)


@require_GET
def session(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference)
    listed = access.participants(found)
    may_change = allowed(actor, "training.change", found)
    names = access.names(actor, found, listed) if may_change else {}
    rows = [
        {
            "participant": p,
            "name": names.get(p.pk),
            "kinds": access.kinds_taken(p),
            "eligible": access.is_eligible(found, p),
        }
        for p in listed
    ]
    return render(
        request,
        "training/session.html",
        {
            "session": found,
            "rows": rows,
            "questions": access.frozen_questions(found),
            "may_change": may_change,
            "may_see_results": allowed(actor, "training.view_results"),
            "days": access.days(found),
            "ended": found.ends_on < timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_session(request: HttpRequest, reference: str) -> HttpResponse:
    """Every field of the new-session form; the dates and language only while nothing is recorded for the
    session's participants (services.edit_session says what may change when)."""
    actor, found = _session(request, reference, change=True)
    trainers = access.trainers(actor)
    if found.trainer is not None and found.trainer.pk not in {user.pk for user in trainers}:
        trainers.append(found.trainer)  # a trainer who has left stays until another is chosen
    areas = prevent_access.area_choices(actor)
    if found.area_code and found.area_code not in {code for code, _name in areas}:
        areas.append((found.area_code, found.area_code))
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        trainers=trainers,
        languages=list(dict.fromkeys([*found.course.languages, found.language])),
        areas=areas,
        no_trainer=found.trainer_id is None,
        initial={
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
            "place": found.place,
            "trainer": found.trainer_id,
            "language": found.language,
            "format": found.format,
            "capacity": found.capacity,
            "area_code": found.area_code,
        },
    )
    if access.has_records(found):
        for name in services.FIXED_ONCE_RECORDED:
            form.fields[name].disabled = True
            form.fields[name].help_text = _(
                "Fixed: tests, attendance or follow-ups are already recorded for this session."
            )

    def save(d: dict[str, Any]) -> Any:
        return services.edit_session(actor, found, _session_input(d, trainers, found.area_code))

    saved = save_form(request, form, save)
    if saved is not None:
        _saved(request, saved, _("Session %(reference)s saved.") % {"reference": found.reference})
        return redirect("training:session", found.reference)
    back = reverse("training:session", args=[found.reference])
    return _form_page(
        request,
        form,
        _("Edit the session"),
        _("Save the session"),
        back,
        session=found,
        intro=_(
            "A session's course and test questions never change, so its scores compare. Its dates and "
            "language can change until tests, attendance or follow-ups are recorded for its participants."
        ),
    )


@require_POST
def delete_session(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    _confirmed(request)
    try:
        services.delete_session(actor, found)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect("training:session", found.reference)
    messages.success(request, _("Session %(reference)s deleted.") % {"reference": found.reference})
    return redirect("training:course", found.course.reference)


@require_POST
def freeze_questions(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    try:
        count = services.freeze_questions(actor, found)
        messages.success(request, _("The test of this session has %(n)s questions.") % {"n": count})
    except TrainingError as error:
        messages.error(request, error.message)
    return redirect("training:session", found.reference)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    days = access.days(found)
    listed = access.participants(found)
    marks = access.attendance(found)
    initial = {f"p{pid}-{day.isoformat()}": present for (pid, day), present in marks.items()}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, participants=listed, days=days, initial=initial
    )
    saved = save_form(request, form, lambda d: services.record_attendance(actor, found, form.marks()))
    if saved is not None:
        messages.success(request, _("Attendance saved."))
        return redirect("training:session", found.reference)
    return render(request, "training/attendance.html", {"session": found, "form": form, "days": days})


# ---- participants


@require_http_methods(["GET", "POST"])
def add_participant(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    form = ParticipantForm(request.POST if request.method == "POST" else None)
    saved = save_form(request, form, lambda d: services.add_participant(actor, found, form.given()))
    if saved is not None:
        added, token = saved
        return render(
            request,
            "training/link.html",
            {"session": found, "participant": added, "link": participant_link(request, token), "new": True},
        )
    back = reverse("training:session", args=[found.reference])
    return _form_page(
        request, form, _("Add a participant"), _("Add and show their link"), back, session=found
    )


@require_GET
def participant(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor, found, person = _participant(request, reference, uid)
    return render(
        request,
        "training/participant.html",
        {
            "session": found,
            "participant": person,
            "name": access.names(actor, found, [person]).get(person.pk),
            "kinds": access.kinds_taken(person),
            "eligible": access.is_eligible(found, person),
            "follow_ups": [f for f in access.follow_ups(found) if f.participant_id == person.pk],
            "today": timezone.localdate(),
            "removable": not access.has_records(found, person),
        },
    )


@require_POST
def new_link(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor, found, person = _participant(request, reference, uid)
    token = services.new_link(actor, person)
    return render(
        request,
        "training/link.html",
        {"session": found, "participant": person, "link": participant_link(request, token), "new": False},
    )


@require_POST
def forget_identity(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor, found, person = _participant(request, reference, uid)
    services.forget_identity(actor, person)
    messages.success(request, _("The participant's name and e-mail address are erased."))
    return redirect("training:participant", found.reference, person.uid)


@require_POST
def remove_participant(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor, found, person = _participant(request, reference, uid)
    if request.POST.get("confirm") != "yes":
        raise PermissionDenied
    try:
        services.remove_participant(actor, person)
    except services.TrainingError as error:
        messages.error(request, error.message)
        return redirect("training:participant", found.reference, person.uid)
    messages.success(request, _("Participant %(n)s removed from the session.") % {"n": person.number})
    return redirect("training:session", found.reference)


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


@require_http_methods(["GET", "POST"])
def enter_test(request: HttpRequest, reference: str, uid: str, kind: str) -> HttpResponse:
    """A trainer types in a test taken on paper (blanks allowed: they count as wrong)."""
    actor, found, person = _participant(request, reference, uid)
    kind = _kind(kind)
    questions = access.frozen_questions(found)
    if not questions or kind in access.kinds_taken(person):
        raise Http404
    form = AnswerSheetForm(
        request.POST if request.method == "POST" else None, questions=questions, blanks_allowed=True
    )
    saved = save_form(
        request, form, lambda d: services.submit_test(person, kind, form.answers(), actor=actor)
    )
    if saved is not None:
        messages.success(request, _("Test saved."))
        return redirect("training:participant", found.reference, person.uid)
    return render(
        request,
        "training/test.html",
        {
            "form": form,
            "session": found,
            "participant": person,
            "kind_label": Kind(kind).label,
            "back": reverse("training:participant", args=[found.reference, person.uid]),
            "submit": _("Save the test"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def certificate(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    """GET: the name to print (the stored one, if any). POST: the printable certificate, name not stored."""
    actor, found, person = _participant(request, reference, uid)
    if not access.is_eligible(found, person):
        raise Http404
    stored = access.names(actor, found, [person]).get(person.pk)
    form = CertificateForm(request.POST or None, initial={"name": stored.name if stored else ""})
    if request.method == "POST" and form.is_valid():
        code = services.issue_certificate(actor, person)
        return render(
            request,
            "training/certificate.html",
            {
                "session": found,
                "participant": person,
                "name": form.cleaned_data["name"].strip(),
                "code": code,
                "verify_url": request.build_absolute_uri(reverse("training:verify", args=[code])),
            },
        )
    return _form_page(
        request,
        form,
        _("Certificate of participant %(n)s") % {"n": person.number},
        _("Show the certificate to print"),
        reverse("training:participant", args=[found.reference, person.uid]),
        session=found,
    )


# ---- follow-ups typed in by the trainer


@require_http_methods(["GET", "POST"])
def enter_follow_up(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    row = access.follow_up(found, uid)
    if row.answered_at is not None:
        raise Http404
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda d: services.answer_follow_up(
            row,
            services.FollowUpInput(d["identified"], d["referred"], d["helped"], d["missing"]),
            actor=actor,
        ),
    )
    if saved is not None:
        messages.success(request, _("Follow-up saved."))
        return redirect("training:follow_ups")
    return render(
        request,
        "training/follow_up.html",
        {
            "form": form,
            "follow_up": row,
            "session": found,
            "back": reverse("training:follow_ups"),
            "by_trainer": True,
        },
        status=400 if form.errors else 200,
    )


# ---- self-registration through a join link shown in the room


def join_link(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("training:join", args=[code]))


@require_POST
def open_registration(request: HttpRequest, reference: str) -> HttpResponse:
    """Open self-registration, or replace the join link (the old one stops working): the page to project."""
    actor, found = _session(request, reference, change=True)
    try:
        code = services.open_registration(actor, found)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect("training:session", found.reference)
    link = join_link(request, code)
    return render(
        request,
        "training/join_link.html",
        {"session": found, "link": link, "code": code, "qr": qr_svg(link), "open_hours": joining.OPEN_HOURS},
    )


@require_POST
def close_registration(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference, change=True)
    if services.close_registration(actor, found):
        messages.success(request, _("Registration is closed: the join link no longer works."))
    else:
        messages.info(request, _("Registration was already closed."))
    return redirect("training:session", found.reference)


# ---- results (no names)


def _results_page(
    request: HttpRequest, template: str, found: access.SessionResults, **extra: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "results": found,
            "scores": found.scores,
            "question_rows": charts.question_rows(found),
            "module_chart": charts.modules_chart(found),
            "change_chart": charts.change_chart(found),
            **extra,
        },
    )


@require_GET
def results(request: HttpRequest, reference: str) -> HttpResponse:
    actor, found = _session(request, reference)
    if not allowed(actor, "training.view_results"):
        raise PermissionDenied
    return _results_page(request, "training/results.html", access.results(actor, found), session=found)


@require_GET
def course_results(request: HttpRequest, reference: str) -> HttpResponse:
    """Every session of the course together: the same rule as a session's results page."""
    actor, found = _course(request, reference)
    if not allowed(actor, "training.view_results"):
        raise PermissionDenied
    return _results_page(
        request, "training/course_results.html", access.course_results(actor, found), course=found
    )
