"""A small training world shared by the training tests: a course with two modules and four questions, and a
session that ended yesterday, created by a trainer through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.training import access, services
from threefold.training.models import Course, Participant, Question, Session

COURSE = "Trafficking indicators for border guards 4c7e"
QUESTIONS = (
    # module index, text, options, correct
    (0, "Which is an element of trafficking?", ("A visa", "Exploitation", "A border"), 1),
    (0, "Can consent be given freely under deceit?", ("Yes", "No"), 1),
    (1, "Where do you refer a presumed victim?", ("Support services", "Deportation"), 0),
    (1, "Non-punishment protects victims from…", ("Questions", "Punishment for forced offences"), 1),
)


@dataclass
class TrainingWorld:
    course: Course
    session: Session
    questions: list[Question]


def make_course(trainer: Actor) -> Course:
    course = services.create_course(trainer, services.CourseInput(COURSE, "law_enforcement", ["en"]))
    modules = [
        services.add_module(trainer, course, "The definition", "Name the three elements."),
        services.add_module(trainer, course, "Referral", "Refer a presumed victim."),
    ]
    for index, text, options, correct in QUESTIONS:
        services.add_question(
            trainer, course, services.QuestionInput(modules[index].pk, text, options, correct)
        )
    return course


def make_world(trainer: Actor, *, ends_days_ago: int = 1) -> TrainingWorld:
    course = make_course(trainer)
    ends = timezone.localdate() - dt.timedelta(days=ends_days_ago)
    session = services.create_session(
        trainer,
        course,
        services.SessionInput(ends, ends, "Academy, room 1", trainer.user, "en", "in_person", 30),
    )
    return TrainingWorld(course, session, access.frozen_questions(session))


def right(world: TrainingWorld, *wrong: int) -> dict[int, int | None]:
    """Answers to the frozen questions: right, except the question numbers (0-based) in ``wrong``."""
    return {
        q.pk: (q.correct if n not in wrong else (q.correct + 1) % len(q.options))
        for n, q in enumerate(world.questions)
    }


def attend(trainer: Actor, world: TrainingWorld, participant: Participant, present: bool = True) -> None:
    days = access.days(world.session)
    services.record_attendance(trainer, world.session, {(participant.pk, day): present for day in days})
