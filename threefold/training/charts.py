"""The results pages' charts (server-side SVG, threefold.web.svgchart) and their per-question table rows, for one
session and for every session of a course."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from threefold.training.access import CourseResults, SessionResults
from threefold.training.core.scoring import ItemResult
from threefold.training.models import Question
from threefold.web import svgchart

WIDTH = 420  # drawn narrow: a phone shrinking a wider chart to its screen would make its text unreadable
# Score change buckets, in percentage points: (lowest included, label).
CHANGE_BUCKETS = (
    (-101, "< 0"),
    (0, "0 to 9"),
    (10, "10 to 19"),
    (20, "20 to 29"),
    (30, "30 to 49"),
    (50, "50+"),
)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{number_format(round(rate * 100))} %"


def points(change: float | None) -> str:
    if change is None:
        return "—"
    value = round(change * 100)
    return f"+{value}" if value > 0 else str(value)


@dataclass(frozen=True)
class QuestionRow:
    number: int
    question: Question
    item: ItemResult
    sessions: int | None = None  # on a course's results: how many of its sessions asked the question


def question_rows(results: SessionResults) -> list[QuestionRow]:
    items = {item.key: item for item in results.scores.questions}
    asked_by = results.pooled.asked_by if isinstance(results, CourseResults) else {}
    return [
        QuestionRow(n, q, items[str(q.pk)], asked_by.get(q.pk))
        for n, q in enumerate(results.questions, start=1)
    ]


def _svg(chart: svgchart.Chart) -> SafeString:
    markup = svgchart.bars(chart, rtl=get_language_bidi(), heading=False, width=WIDTH)
    return mark_safe(markup)  # noqa: S308 (svgchart escapes every text it draws)


def modules_chart(results: SessionResults) -> SafeString:
    modules = results.scores.modules
    if not results.scores.paired or not modules:
        return mark_safe("")
    return _svg(
        svgchart.Chart(
            _("Correct answers per module, before and after"),
            _(
                "For each module, the share of correct answers in the pre-test and in the post-test, among the "
                "participants who took both; the table below gives the same."
            ),
            tuple(m.key for m in modules),
            (
                svgchart.Series(
                    _("Pre-test"),
                    tuple((m.pre_rate or 0.0) * 100 for m in modules),
                    tuple(percent(m.pre_rate) for m in modules),
                ),
                svgchart.Series(
                    _("Post-test"),
                    tuple((m.post_rate or 0.0) * 100 for m in modules),
                    tuple(percent(m.post_rate) for m in modules),
                ),
            ),
            id_prefix="training-modules",
        )
    )


def change_chart(results: SessionResults) -> SafeString:
    changes = [round(p.change * 100) for p in results.scores.participants if p.change is not None]
    if not changes:
        return mark_safe("")
    counts = []
    for index, (low, _label) in enumerate(CHANGE_BUCKETS):
        high = CHANGE_BUCKETS[index + 1][0] if index + 1 < len(CHANGE_BUCKETS) else 101
        counts.append(sum(1 for c in changes if low <= c < high))
    return _svg(
        svgchart.single(
            _("Participants by score change (percentage points)"),
            _("How many participants' scores rose by how much between the pre-test and the post-test."),
            [label for _low, label in CHANGE_BUCKETS],
            [float(n) for n in counts],
            [str(n) for n in counts],
            name=_("Participants"),
            id_prefix="training-change",
        )
    )
