"""Score a screening: answers -> indicators -> dimensions and count rules -> outcome, with the reasons.

The engine is pure and deterministic: the same instrument and answers always give the same result, and one
more yes can never lower a dimension or the outcome (rules are minimum counts, outcomes are and/or only).

Besides "positive" and "negative" it reports "inconclusive": not positive, but refused, don't-know or
unanswered items could still make it positive. That is how an unanswered question stays visible instead of
being read as a "no".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from threefold.identify.core.answers import (
    Answer,
    AnswerState,
    ResolvedAnswers,
    apply_skip_logic,
    parse_answers,
)
from threefold.identify.core.definition import (
    BandWhen,
    Confidence,
    CountRule,
    Dimension,
    Indicator,
    Instrument,
    Strength,
)
from threefold.identify.core.expressions import AllOf, Truths, evaluate, failing_parts, render
from threefold.identify.core.results import (
    AnswerSummary,
    BandResult,
    CountRuleResult,
    DimensionResult,
    EvidenceLink,
    OutcomeStatus,
    ScreeningResult,
)
from threefold.identify.core.rules import TierCounts


def score(instrument: Instrument, answers: Mapping[str, object]) -> ScreeningResult:
    """Score raw answers keyed by item id (see ``answers.parse_answers`` for accepted values).

    Raises ``AnswerError`` naming every key that does not fit, before anything is scored.
    """
    return score_answers(instrument, parse_answers(instrument, answers))


def score_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> ScreeningResult:
    resolved = apply_skip_logic(instrument, answers)
    evidence, present, unknown = _collect_evidence(instrument, resolved)
    dimensions = tuple(_score_dimension(instrument, dim, present, unknown) for dim in instrument.dimensions)
    count_rules = tuple(_score_count_rule(rule, resolved.answers) for rule in instrument.count_rules)

    truths = Truths(
        frozenset(result.id for result in dimensions if result.positive),
        frozenset(result.id for result in count_rules if result.met),
    )
    # The best case: every unknown answer turns out to be a yes. Rules are monotone, so this is the ceiling.
    best_case = Truths(
        frozenset(result.id for result in dimensions if result.positive or result.could_become_positive),
        frozenset(result.id for result in count_rules if result.met or result.could_become_met),
    )
    if evaluate(instrument.outcome.expression, truths):
        status = OutcomeStatus.POSITIVE
    elif evaluate(instrument.outcome.expression, best_case):
        status = OutcomeStatus.INCONCLUSIVE
    else:
        status = OutcomeStatus.NEGATIVE

    band = instrument.band_for(BandWhen(status.value))
    summary = _summarise(resolved)
    result = ScreeningResult(
        instrument=instrument.id,
        instrument_version=instrument.version,
        status=status,
        band=BandResult(band.id, band.urgency.level.value, band.label, band.guidance, band.urgency.text),
        indicators_present=tuple(
            indicator.id for indicator in instrument.indicators if indicator.id in present
        ),
        evidence=evidence,
        dimensions=dimensions,
        count_rules=count_rules,
        answers=summary,
        discarded_answers=resolved.discarded,
        explanation=(),
    )
    return _with_explanation(instrument, result, truths)


def _collect_evidence(
    instrument: Instrument, resolved: ResolvedAnswers
) -> tuple[tuple[EvidenceLink, ...], frozenset[str], frozenset[str]]:
    """Links from answers to indicators; the indicators present; and those only an unknown answer speaks to."""
    links: list[EvidenceLink] = []
    present: set[str] = set()
    possible: set[str] = set()
    for item in instrument.items:
        answer = resolved.answers[item.id]
        for evidence in item.evidences:
            if answer.is_unknown:
                possible.add(evidence.indicator)
            elif evidence.match.matches(answer.selected()):
                indicator = instrument.indicators_by_id[evidence.indicator]
                present.add(indicator.id)
                links.append(
                    EvidenceLink(
                        item=item.id,
                        answer=answer.display(),
                        indicator=indicator.id,
                        dimension=indicator.dimension,
                        strength=indicator.strength.value if indicator.strength else None,
                        draft=Confidence.DRAFT in (indicator.confidence, item.confidence),
                    )
                )
    return tuple(links), frozenset(present), frozenset(possible - present)


def _tier_counts(indicators: Iterable[Indicator]) -> TierCounts:
    strengths = [indicator.strength for indicator in indicators]
    return TierCounts(
        strong=strengths.count(Strength.STRONG),
        medium=strengths.count(Strength.MEDIUM),
        weak=strengths.count(Strength.WEAK),
        unrated=strengths.count(None),
    )


def _score_dimension(
    instrument: Instrument, dimension: Dimension, present: frozenset[str], unknown: frozenset[str]
) -> DimensionResult:
    rule = instrument.dimension_rules_by_id[dimension.rule]
    indicators = instrument.indicators_of(dimension.id)
    here = [indicator for indicator in indicators if indicator.id in present]
    maybe = [indicator for indicator in indicators if indicator.id in unknown]
    counts = _tier_counts(here)
    met = rule.first_met(counts)
    could = met is None and rule.first_met(_tier_counts([*here, *maybe])) is not None

    tally = counts.describe(rated=rule.counts_strengths)
    label = dimension.label["en"]
    unknown_note = f"{len(maybe)} more indicator(s) refused, not known or unanswered"
    if met is not None:
        text = f"{label}: positive ({tally}; meets {met.describe()})"
        if maybe:
            text += f"; {unknown_note}"
    else:
        text = f"{label}: negative ({tally}; {rule.describe_needs()})"
        if maybe:
            text += f"; {unknown_note}, which {'could' if could else 'could not'} make it positive"
    return DimensionResult(
        id=dimension.id,
        positive=met is not None,
        could_become_positive=could,
        counts=counts,
        rule=rule.id,
        met_by=met.describe() if met is not None else None,
        present=tuple(indicator.id for indicator in here),
        unknown=tuple(indicator.id for indicator in maybe),
        explanation=text,
    )


def _score_count_rule(rule: CountRule, answers: Mapping[str, Answer]) -> CountRuleResult:
    yes_items = tuple(item for item in rule.items if answers[item].state is AnswerState.YES)
    unknown_items = tuple(item for item in rule.items if answers[item].is_unknown)
    met = len(yes_items) >= rule.min_yes
    could = not met and len(yes_items) + len(unknown_items) >= rule.min_yes
    text = (
        f"{rule.label['en']}: {'met' if met else 'not met'}, {len(yes_items)} of {len(rule.items)} items "
        f"answered yes (needs at least {rule.min_yes})"
    )
    if unknown_items and not met:
        effect = "could" if could else "could not"
        text += f"; {len(unknown_items)} refused, not known or unanswered, which {effect} make it met"
    return CountRuleResult(
        id=rule.id,
        met=met,
        could_become_met=could,
        yes_count=len(yes_items),
        min_yes=rule.min_yes,
        yes_items=yes_items,
        unknown_items=unknown_items,
        explanation=text,
    )


def _summarise(resolved: ResolvedAnswers) -> AnswerSummary:
    states = [answer.state for answer in resolved.answers.values()]
    return AnswerSummary(
        items=len(states),
        yes=states.count(AnswerState.YES),
        no=states.count(AnswerState.NO),
        given=states.count(AnswerState.GIVEN),
        refused=states.count(AnswerState.REFUSED),
        dont_know=states.count(AnswerState.DONT_KNOW),
        unanswered=states.count(AnswerState.UNANSWERED),
        not_applicable=states.count(AnswerState.NOT_APPLICABLE),
    )


def _with_explanation(instrument: Instrument, result: ScreeningResult, truths: Truths) -> ScreeningResult:
    names = {dimension.id: dimension.label["en"] for dimension in instrument.dimensions}
    names.update({rule.id: rule.label["en"] for rule in instrument.count_rules})
    expression = instrument.outcome.expression

    lines = [
        f"Outcome: {result.band.label['en']} ({result.status.value}).",
        f"Rule: {instrument.outcome.text['en']}",
        f"Applied: {render(expression, truths, names.__getitem__)}.",
    ]
    if not result.positive and isinstance(expression, AllOf):
        missing = "; ".join(
            render(part, truths, names.__getitem__) for part in failing_parts(expression, truths)
        )
        lines.append(f"Not met: {missing}.")
    if result.status is OutcomeStatus.INCONCLUSIVE:
        lines.append(
            f"{result.answers.unknown} item(s) were refused, not known or unanswered; "
            "if enough of them were yes the outcome could be positive, so this is not a negative result."
        )
    lines += [dimension.explanation for dimension in result.dimensions]
    lines += [rule.explanation for rule in result.count_rules]
    for link in result.evidence:
        indicator = instrument.indicators_by_id[link.indicator]
        strength = f"{link.strength}, " if link.strength else ""
        draft = " [draft: not verified against the source]" if link.draft else ""
        lines.append(
            f"{link.item} = {link.answer} gives indicator {link.indicator} ({indicator.label['en']}; "
            f"{strength}{names[indicator.dimension]}){draft}"
        )
    lines.append(f"Answers: {result.answers.describe()}.")
    lines += [f"Ignored {entry.item} = {entry.answer}: {entry.reason}." for entry in result.discarded_answers]
    lines.append(result.disclaimer)
    return replace(result, explanation=tuple(lines))
