"""Load the participate part of the demo world (called by ``manage.py demo``; idempotent): at the shelter, an open
consultation on the house rules in English, French and Spanish with 14 anonymous responses (its pages show no
count while it is open: results appear once it closes), a closed one on meals with the same 14 responses (its
counts shown, one small count suppressed) and "you said, we did", feedback on two services, and two survivor
leaders with their activities and payments. Everything goes through ``services``, as in real use.

Service feedback is released in groups of at least ``access.FEEDBACK_K`` (5): the demo gives 10 answers on the
shelter (two released groups) and 5 on legal aid (one), so that every answer is released and the feedback page
has counts to show; an answer given afterwards (as in tests/e2e/test_issue8_demo_tour.py) is held back until
four more arrive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, User
from threefold.participate import services
from threefold.participate.core.questions import Kind, QuestionDraft
from threefold.participate.models import Consultation, FeedbackTally, Leader, Question

SUPERVISOR = "supervisor@demo.threefold.invalid"
CASEWORKER = "caseworker@demo.threefold.invalid"
HOUSE_RULES = "The shelter's house rules"
MEALS = "Meals and the kitchen"

QUESTIONS = (
    QuestionDraft(
        Kind.SINGLE,
        {
            "en": "Do you know the house rules?",
            "fr": "Connaissez-vous le règlement de la maison ?",
            "es": "¿Conoce las normas de la casa?",
        },
        {
            "en": ["Yes, all of them", "Some of them", "No"],
            "fr": ["Oui, toutes", "Certaines", "Non"],
            "es": ["Sí, todas", "Algunas", "No"],
        },
    ),
    QuestionDraft(
        Kind.SCALE,
        {
            "en": "How fair do the rules feel?",
            "fr": "Les règles vous semblent-elles justes ?",
            "es": "¿Le parecen justas las normas?",
        },
        {},
    ),
    QuestionDraft(
        Kind.MULTIPLE,
        {
            "en": "Which rules would you change?",
            "fr": "Quelles règles changeriez-vous ?",
            "es": "¿Qué normas cambiaría?",
        },
        {
            "en": ["Curfew", "Visitors", "Phones"],
            "fr": ["Couvre-feu", "Visites", "Téléphones"],
            "es": ["Toque de queda", "Visitas", "Teléfonos"],
        },
    ),
    QuestionDraft(
        Kind.SINGLE,
        {
            "en": "Were the rules explained in your language?",
            "fr": "Les règles vous ont-elles été expliquées dans votre langue ?",
            "es": "¿Le explicaron las normas en su idioma?",
        },
        {"en": ["Yes", "No"], "fr": ["Oui", "Non"], "es": ["Sí", "No"]},
    ),
    QuestionDraft(
        Kind.TEXT,
        {
            "en": "What one thing would make the house feel safer?",
            "fr": "Qu'est-ce qui rendrait la maison plus sûre ?",
            "es": "¿Qué haría que la casa fuera más segura?",
        },
        {},
    ),
)
# 14 respondents: (known, fairness, change, explained, text). "No" to the first is chosen once: suppressed.
ANSWERS = [
    (("0",), ("4",), ("0",), ("0",), "A lock on each bedroom door"),
    (("0",), ("5",), ("0", "2"), ("0",), ""),
    (("0",), ("4",), ("0",), ("0",), "More light in the garden"),
    (("0",), ("3",), ("2",), ("0",), ""),
    (("0",), ("4",), ("0",), ("1",), "Staff at night"),
    (("0",), ("4",), ("0", "1"), ("0",), ""),
    (("0",), ("5",), ("0",), ("0",), ""),
    (("0",), ("4",), ("2",), ("0",), "Knowing who comes in"),
    (("1",), ("3",), ("0",), ("0",), ""),
    (("1",), ("4",), ("0",), ("0",), ""),
    (("1",), ("2",), ("0", "2"), ("1",), "A phone I can use at night"),
    (("1",), ("4",), ("0",), ("0",), ""),
    (("1",), ("4",), ("0",), ("0",), ""),
    (("2",), ("3",), ("0",), ("0",), ""),
]


def _actor(users: dict[str, User], org: Organisation, email: str) -> Actor:
    user = users.get(email) or User.objects.get(email=email)
    return Actor(user, Membership.objects.get(user=user, organisation=org))


def load(orgs: dict[str, Organisation], users: dict[str, User]) -> str:
    """Record what is not there yet; return one line saying what was added."""
    shelter = orgs["shelter"]
    supervisor, caseworker = _actor(users, shelter, SUPERVISOR), _actor(users, shelter, CASEWORKER)
    added = [
        what
        for what, made in (
            (
                "an open consultation with 14 responses (no counts shown until it closes)",
                _open_consultation(shelter, supervisor, caseworker),
            ),
            ("a closed one with “you said, we did”", _closed_consultation(shelter, supervisor, caseworker)),
            ("feedback on two services, released in groups of 5", _feedback(shelter, caseworker)),
            ("two survivor leaders", _leaders(shelter, supervisor)),
        )
        if made
    ]
    return "Participate: " + (", ".join(added) if added else "nothing new") + "."


def _consultation(
    org: Organisation, manager: Actor, title: str, topic: str, opened_days_ago: int, days: int
) -> Consultation:
    today = timezone.localdate()
    found = services.create_consultation(
        manager,
        services.ConsultationInput(
            title,
            topic,
            ["en", "fr", "es"],
            today - dt.timedelta(days=opened_days_ago),
            today + dt.timedelta(days=days),
        ),
        is_demo=True,
    )
    for draft in QUESTIONS:
        services.add_question(manager, found, draft)
    return services.open_consultation(manager, found)


def _answer(found: Consultation, caseworker: Actor) -> None:
    questions = list(Question.objects.filter(consultation=found))
    # One batch of codes, as a caseworker hands out cards after a house meeting.
    codes = services.issue_links(caseworker, found, len(ANSWERS))
    for code, (known, fair, change, explained, text) in zip(codes, ANSWERS, strict=True):
        chosen = dict(zip([q.pk for q in questions[:4]], [known, fair, change, explained], strict=True))
        services.answer_consultation(code, services.Answers(chosen=chosen, texts={questions[4].pk: text}))


def _open_consultation(org: Organisation, manager: Actor, caseworker: Actor) -> bool:
    if Consultation.objects.filter(organisation=org, is_demo=True, title=HOUSE_RULES).exists():
        return False
    found = _consultation(
        org,
        manager,
        HOUSE_RULES,
        "We are reviewing the house rules. Tell us what works and what should change.",
        10,
        20,
    )
    _answer(found, caseworker)
    return True


def _closed_consultation(org: Organisation, manager: Actor, caseworker: Actor) -> bool:
    if Consultation.objects.filter(organisation=org, is_demo=True, title=MEALS).exists():
        return False
    found = _consultation(org, manager, MEALS, "How meals are planned and when the kitchen is open.", 60, 0)
    _answer(found, caseworker)
    services.close_consultation(manager, found)
    today = timezone.localdate()
    services.record_change(
        manager,
        found,
        services.ChangeInput(
            today,
            "The kitchen closed too early for people working late shifts.",
            "The kitchen now stays open until 22:00.",
        ),
    )
    services.record_change(
        manager,
        found,
        services.ChangeInput(
            today, "Meals did not suit every diet.", "Residents now plan the weekly menu with the cook."
        ),
    )
    return True


def _feedback(org: Organisation, caseworker: Actor) -> bool:
    if FeedbackTally.objects.filter(organisation=org).exists():
        return False
    for service, answers in (
        # Multiples of the release group (5), so that every demo answer is released.
        ("shelter", ["5", "4", "5", "4", "4", "5", "3", "5", "4", "5"]),
        ("legal", ["4", "4", "5", "2", "4"]),
    ):
        codes = services.issue_feedback_links(caseworker, service, org, len(answers))
        for code, satisfaction in zip(codes, answers, strict=True):
            services.answer_feedback(
                code,
                services.FeedbackAnswers(
                    satisfaction=satisfaction, felt_safe="yes", respected="yes", recommend="yes"
                ),
            )
    return True


def _leaders(org: Organisation, supervisor: Actor) -> bool:
    if Leader.objects.filter(organisation=org, is_demo=True).exists():
        return False
    today = timezone.localdate()
    for pseudonym, hours, fee in (("Sunrise", "3", "90.00"), ("Cedar", "2", "60.00")):
        leader = services.create_leader(
            supervisor,
            services.LeaderInput(
                pseudonym,
                today - dt.timedelta(days=90),
                "Advisory group on shelter policy; may be named by pseudonym in reports.",
            ),
            is_demo=True,
        )
        services.add_activity(
            supervisor,
            leader,
            services.ActivityInput(
                "advisory", today - dt.timedelta(days=30), "House rules review", Decimal(hours)
            ),
        )
        services.add_activity(
            supervisor,
            leader,
            services.ActivityInput(
                "training", today - dt.timedelta(days=10), "Training for new caseworkers", Decimal("2")
            ),
        )
        services.add_support(
            supervisor, leader, services.SupportInput("travel", today - dt.timedelta(days=30), "Bus pass")
        )
        services.add_payment(
            supervisor,
            leader,
            services.PaymentInput("fee", today - dt.timedelta(days=30), Decimal(fee), "EUR"),
        )
        services.add_payment(
            supervisor,
            leader,
            services.PaymentInput("expenses", today - dt.timedelta(days=30), Decimal("12.50"), "EUR"),
        )
    return True
