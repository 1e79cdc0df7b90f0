"""Pre- and post-test scoring: per participant, per question and per module, with weak items flagged.

Pure Python (no Django), so the rules can be read and property-tested on their own.

A session's pre-test and post-test use the same frozen question set, so a participant's two scores compare
directly. Rates per question and per module are computed over the *paired* participants only (those who took
both tests): a rate over everyone who took the pre-test against a rate over everyone who took the post-test would
mix two different groups, and a late arrival who only took the post-test would look like learning. Participants
with one test are counted (``pre_only``, ``post_only``) and their single score is shown, but never enter a change.

An unanswered question in a submitted test counts as not known (a blank on paper is not a right answer).

Across the sessions of a course (``pool``), each session is a ``Sitting`` with its own frozen question set. Sessions
that froze the same set compare as one session does (``QuestionSet``). Over all of them, a question's rates pool the
paired participants of every session that asked it, and a module's rates pool each of its questions over the
sessions that asked that question; a participant's own score is always on their session's test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# A question is weak when, after the training, fewer than this share of participants answer it correctly...
WEAK_POST_RATE = 0.6
# ... or when the training moved it by less than this, unless participants already master it (ceiling).
SMALL_GAIN = 0.1
MASTERED_RATE = 0.9

# One submitted test: question id -> whether the answer was correct (a missing id = not answered = wrong).
Answers = Mapping[int, bool]


@dataclass(frozen=True)
class QuestionRef:
    id: int
    module: str  # the module's key (its title or id): questions are grouped by it


@dataclass(frozen=True)
class Score:
    correct: int
    total: int

    @property
    def rate(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ParticipantResult:
    key: str
    pre: Score | None
    post: Score | None

    @property
    def paired(self) -> bool:
        return self.pre is not None and self.post is not None

    @property
    def change(self) -> float | None:
        """Post rate minus pre rate, in [-1, 1]; None unless both tests were taken."""
        if self.pre is None or self.post is None:
            return None
        return self.post.rate - self.pre.rate


@dataclass(frozen=True)
class ItemResult:
    """One question or one module, over the paired participants."""

    key: str
    paired: int  # participants who took both tests (each counts once per question of the item)
    pre_rate: float | None
    post_rate: float | None

    @property
    def change(self) -> float | None:
        if self.pre_rate is None or self.post_rate is None:
            return None
        return self.post_rate - self.pre_rate

    @property
    def weak(self) -> bool:
        return is_weak(self.pre_rate, self.post_rate)


@dataclass(frozen=True)
class Results:
    participants: tuple[ParticipantResult, ...]
    questions: tuple[ItemResult, ...]
    modules: tuple[ItemResult, ...]

    @property
    def paired(self) -> int:
        return sum(1 for p in self.participants if p.paired)

    @property
    def pre_only(self) -> int:
        return sum(1 for p in self.participants if p.pre is not None and p.post is None)

    @property
    def post_only(self) -> int:
        return sum(1 for p in self.participants if p.post is not None and p.pre is None)

    @property
    def untested(self) -> int:
        return sum(1 for p in self.participants if p.pre is None and p.post is None)

    @property
    def mean_pre(self) -> float | None:
        return _mean([p.pre.rate for p in self.participants if p.paired and p.pre is not None])

    @property
    def mean_post(self) -> float | None:
        return _mean([p.post.rate for p in self.participants if p.paired and p.post is not None])

    @property
    def mean_change(self) -> float | None:
        return _mean([p.change for p in self.participants if p.change is not None])

    @property
    def weak_modules(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.modules if m.weak)


def is_weak(pre_rate: float | None, post_rate: float | None) -> bool:
    """Low after the training, or barely moved by it (unless already mastered). Unknown rates flag nothing."""
    if pre_rate is None or post_rate is None:
        return False
    if post_rate < WEAK_POST_RATE:
        return True
    return post_rate - pre_rate < SMALL_GAIN and post_rate < MASTERED_RATE


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score(questions: Sequence[QuestionRef], answers: Answers) -> Score:
    return Score(sum(1 for q in questions if answers.get(q.id, False)), len(questions))


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


@dataclass(frozen=True)
class Sitting:
    """One session's tests: the ids of its frozen questions and each participant's answers (by participant key).
    ``key`` names the session; it prefixes its participants' keys when several sessions are pooled."""

    key: str
    asked: tuple[int, ...]
    pre: Mapping[str, Answers]
    post: Mapping[str, Answers]

    @property
    def keys(self) -> list[str]:
        return sorted(set(self.pre) | set(self.post))

    @property
    def pairs(self) -> list[tuple[Answers, Answers]]:
        return [(self.pre[key], self.post[key]) for key in self.keys if key in self.pre and key in self.post]

    def participants(self) -> tuple[ParticipantResult, ...]:
        asked = [QuestionRef(qid, "") for qid in self.asked]
        return tuple(
            ParticipantResult(
                f"{self.key} {key}" if self.key else key,
                score(asked, self.pre[key]) if key in self.pre else None,
                score(asked, self.post[key]) if key in self.post else None,
            )
            for key in self.keys
        )


def _item(key: str, ids: Sequence[int], sittings: Sequence[Sitting]) -> ItemResult:
    """The rates of a question or module over the paired participants of the sittings that asked (some of) its
    questions, each participant counting once per question of the item their sitting asked."""
    paired = total = pre_hits = post_hits = 0
    for sitting in sittings:
        asked = [qid for qid in ids if qid in sitting.asked]
        if not asked:
            continue
        pairs = sitting.pairs
        paired += len(pairs)
        total += len(asked) * len(pairs)
        pre_hits += sum(1 for pre, _post in pairs for qid in asked if pre.get(qid, False))
        post_hits += sum(1 for _pre, post in pairs for qid in asked if post.get(qid, False))
    return ItemResult(key, paired, _rate(pre_hits, total), _rate(post_hits, total))


def summarise_sittings(questions: Sequence[QuestionRef], sittings: Sequence[Sitting]) -> Results:
    """Every participant of every sitting who took at least one test, every question that a sitting asked and
    every module of those questions (in the order of ``questions``)."""
    participants = tuple(p for sitting in sittings for p in sitting.participants())
    asked = {qid for sitting in sittings for qid in sitting.asked}
    listed = [q for q in questions if q.id in asked]
    per_question = tuple(_item(str(q.id), [q.id], sittings) for q in listed)
    modules: dict[str, list[int]] = {}
    for q in listed:
        modules.setdefault(q.module, []).append(q.id)
    per_module = tuple(_item(module, ids, sittings) for module, ids in modules.items())
    return Results(participants, per_question, per_module)


def summarise(
    questions: Sequence[QuestionRef], pre: Mapping[str, Answers], post: Mapping[str, Answers]
) -> Results:
    """Every participant who took at least one test (keys of ``pre`` and ``post``), every question and every
    module (in the order of ``questions``), for one session."""
    return summarise_sittings(questions, [Sitting("", tuple(q.id for q in questions), pre, post)])


@dataclass(frozen=True)
class QuestionSet:
    """Sessions that froze the same questions: their scores compare as one session's do."""

    sittings: tuple[str, ...]  # the sittings' keys, in the order given
    questions: int
    results: Results


@dataclass(frozen=True)
class Pooled:
    """Every tested session of a course: ``results`` pools each question and module over the sessions that asked
    it; ``sets`` compares the sessions that froze the same questions; ``asked_by`` says, per question id, how
    many sessions asked it."""

    results: Results
    sets: tuple[QuestionSet, ...]
    asked_by: Mapping[int, int]

    @property
    def same_questions(self) -> bool:
        return len(self.sets) <= 1


def pool(questions: Sequence[QuestionRef], sittings: Sequence[Sitting]) -> Pooled:
    """The results of several sessions of one course. Sittings without questions (no test was ever fixed) are
    left out; ``questions`` lists every question any sitting asked, in the order results show them."""
    tested = [sitting for sitting in sittings if sitting.asked]
    groups: dict[frozenset[int], list[Sitting]] = {}
    for sitting in tested:
        groups.setdefault(frozenset(sitting.asked), []).append(sitting)
    sets = tuple(
        QuestionSet(tuple(s.key for s in group), len(asked), summarise_sittings(questions, group))
        for asked, group in groups.items()
    )
    counts: dict[int, int] = {}
    for sitting in tested:
        for qid in set(sitting.asked):
            counts[qid] = counts.get(qid, 0) + 1
    return Pooled(summarise_sittings(questions, tested), sets, counts)
