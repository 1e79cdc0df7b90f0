"""Load the training part of the demo world (called by ``manage.py demo``; idempotent).

The shelter's trainer runs a course for police officers: 3 modules and 12 questions, a session that ended about
4 months ago with 15 participants (pre- and post-tests, attendance, some 3-month follow-ups answered, the others
due) and a session next week. The third module is taught badly on purpose, so the results page flags it weak.
Everything goes through the same services as the pages; answers are drawn from a seeded random generator, so
every run of the demo shows the same picture.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from threefold.accounts import demo
from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, User
from threefold.training import access, services
from threefold.training.models import Course, Format, Kind, Sector, Session

TRAINER = f"trainer@{demo.DEMO_DOMAIN}"
TITLE = "Identifying trafficking: a course for police officers (demo)"
MODULES: tuple[tuple[str, str, float, float], ...] = (
    # title, objective, chance of a right answer before, after
    ("What trafficking is", "Tell trafficking from smuggling and name its three elements.", 0.45, 0.9),
    (
        "Indicators in a police check",
        "Spot the indicators of trafficking during a routine check.",
        0.35,
        0.85,
    ),
    ("Referring and protecting victims", "Refer a presumed victim and protect them as a witness.", 0.3, 0.45),
)
QUESTIONS: tuple[tuple[int, str, tuple[str, ...], int], ...] = (
    (0, "Which is an element of trafficking in adults?", ("Crossing a border", "Exploitation", "A visa"), 1),
    (0, "Can a person who consented still be a victim?", ("No", "Yes, if means such as deceit were used"), 1),
    (
        0,
        "Smuggling differs from trafficking because it…",
        ("needs no exploitation", "is legal", "is rarer"),
        0,
    ),
    (0, "Does trafficking of a child need any 'means'?", ("Yes, always", "No"), 1),
    (
        1,
        "An indicator of control is…",
        ("Carrying a phone", "Someone else holds the passport", "Being tired"),
        1,
    ),
    (1, "A worker is scripted by a companion. You…", ("Talk to them alone", "Ask the companion", "Leave"), 0),
    (1, "Debts that grow whatever they earn suggest…", ("Bad luck", "Debt bondage", "Nothing"), 1),
    (1, "Where can trafficking happen?", ("Only in brothels", "In many visible and hidden settings"), 1),
    (
        2,
        "A presumed victim is found. First you…",
        ("Arrest for illegal stay", "Refer to support", "Deport"),
        1,
    ),
    (2, "The reflection and recovery period lets a victim…", ("Decide on cooperating", "Work legally"), 0),
    (2, "Non-punishment means victims are…", ("never questioned", "not punished for forced offences"), 1),
    (2, "Who may refer to the national referral mechanism?", ("Only the police", "Any first responder"), 1),
)
EMPLOYERS = ("City police, unit 4", "Border police, airport", "Traffic police", "Criminal investigation")
PAST_PARTICIPANTS = 15


def _actor(users: dict[str, User], organisation: Organisation) -> Actor | None:
    user = users.get(TRAINER)
    membership = Membership.objects.filter(user=user, organisation=organisation, is_active=True).first()
    return Actor(user, membership) if user is not None and membership is not None else None


def load(orgs: dict[str, Organisation], users: dict[str, User]) -> str:
    """Record what is not there yet; return one line saying what was added."""
    organisation = orgs["shelter"]
    actor = _actor(users, organisation)
    if actor is None:
        return "Training: no demo trainer, nothing added."
    if Course.objects.filter(organisation=organisation, title=TITLE).exists():
        return "Training: already loaded."
    course = services.create_course(
        actor,
        services.CourseInput(TITLE, "law_enforcement", ["en", "fr"], "Fictitious demo course."),
        is_demo=True,
    )
    modules = [services.add_module(actor, course, title, objective) for title, objective, _b, _a in MODULES]
    for module_index, text, options, correct in QUESTIONS:
        services.add_question(
            actor, course, services.QuestionInput(modules[module_index].pk, text, options, correct)
        )
    today = timezone.localdate()
    past_end = today - dt.timedelta(days=122)
    past = services.create_session(
        actor,
        course,
        services.SessionInput(
            past_end - dt.timedelta(days=1),
            past_end,
            "Police academy, room 2",
            actor.user,
            "en",
            Format.IN_PERSON,
            20,
        ),
        is_demo=True,
    )
    _run_past_session(actor, past)
    services.create_session(
        actor,
        course,
        services.SessionInput(
            today + dt.timedelta(days=7),
            today + dt.timedelta(days=7),
            "Online (video call)",
            actor.user,
            "fr",
            Format.ONLINE,
            25,
        ),
        is_demo=True,
    )
    return f"Training: 1 course, 2 sessions, {PAST_PARTICIPANTS} participants with tests and follow-ups."


def _run_past_session(actor: Actor, session: Session) -> None:
    draw = random.Random(8)  # demo answers, not security
    questions = access.frozen_questions(session)
    module_of = {module.pk: index for index, module in enumerate(access.modules(session.course))}
    sectors = (Sector.POLICE, Sector.POLICE, Sector.BORDER, Sector.POLICE)
    for number in range(PAST_PARTICIPANTS):
        participant, _token = services.add_participant(
            actor, session, services.ParticipantInput(EMPLOYERS[number % 4], sectors[number % 4])
        )
        days = access.days(session)
        absent_day = days[-1] if number == 14 else None  # one participant missed the second day
        services.record_attendance(actor, session, {(participant.pk, day): day != absent_day for day in days})
        for kind in (Kind.PRE, Kind.POST):
            if (kind == Kind.PRE and number == 13) or (kind == Kind.POST and number == 12):
                continue  # one came late (no pre-test), one left early (no post-test): counted, not compared
            answers = {}
            for question in questions:
                before, after = MODULES[module_of[question.module_id]][2:]
                chance = before if kind == Kind.PRE else after
                right = draw.random() < chance
                wrong = next(i for i in range(len(question.options)) if i != question.correct)
                answers[question.pk] = question.correct if right else wrong
            services.submit_test(participant, kind, answers, actor=actor)
        if number < 8:
            three_months = next(
                f for f in access.follow_ups(session) if f.participant_id == participant.pk and f.months == 3
            )
            identified = draw.choice((0, 0, 1, 2))
            services.answer_follow_up(
                three_months,
                services.FollowUpInput(
                    identified, min(identified, draw.choice((0, 1))), "The indicators list.", ""
                ),
                actor=actor,
            )
