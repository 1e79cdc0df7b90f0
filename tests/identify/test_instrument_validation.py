"""A broken instrument is refused with a message that names the field at fault, and nothing is built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.identify.builders import coding_entry, minimal, with_audience_guidance_coding
from threefold.identify.core.definition import CodingCondition, Confidence, Guidance, Population
from threefold.identify.core.instrument import InstrumentError, build_instrument, parse_instrument

Breaker = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Breaker:
    """A breaker setting data at a dotted path with [i] indices, e.g. items[1].evidences[0].indicator."""

    def apply(data: dict[str, Any]) -> None:
        node: Any = data
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return apply


_DELETE = object()


def _no_negative_band(data: dict[str, Any]) -> None:
    data["scoring"]["bands"] = [data["scoring"]["bands"][0], {**data["scoring"]["bands"][0], "id": "pos2"}]


def _count_rule(items: list[str], min_yes: int) -> Breaker:
    def apply(data: dict[str, Any]) -> None:
        data["scoring"]["count_rules"] = [
            {"id": "c", "label": {"en": "C"}, "items": items, "min_yes": min_yes}
        ]

    return apply


CASES = [
    # Shape (JSON Schema)
    ("missing English title", _set("title.en", _DELETE), "title", "'en' is a required property"),
    (
        "unknown strength",
        _set("indicators[0].strength", "very strong"),
        "indicators[0].strength",
        "is not one of",
    ),
    ("misspelt key", _set("items[0].promt", {"en": "x"}), "items[0]", "'promt' was unexpected"),
    ("version as a number", _set("version", 1.0), "version", "1.0 is not of type 'string'"),
    ("bad population", _set("population", "adults"), "population", "'adults' is not one of"),
    (
        "bad answer type",
        _set("items[2].answer_type", "scale"),
        "items[2].answer_type",
        "'scale' is not one of",
    ),
    (
        "sensitivity as percent",
        _set(
            "validation",
            [
                {
                    "sensitivity": 86.7,
                    "specificity": 0.5,
                    "n": 1,
                    "population": "p",
                    "reference_standard": "r",
                    "source": "s",
                }
            ],
        ),
        "validation[0].sensitivity",
        "86.7 is greater than the maximum of 1",
    ),
    (
        "unknown tally in a rule",
        _set("scoring.dimension_rules[0].alternatives[0]", {"strongish": 2}),
        "scoring.dimension_rules[0].alternatives[0]",
        "'strongish' was unexpected",
    ),
    (
        "show_if with both equals and in",
        _set("items[3].show_if", {"item": "q_s1", "equals": "yes", "in": ["no"]}),
        "items[3].show_if",
        "needs exactly one of equals, in",
    ),
    (
        "show_if with neither equals nor in",
        _set("items[3].show_if", {"item": "q_s1"}),
        "items[3].show_if",
        "needs exactly one of equals, in",
    ),
    (
        "misspelt outcome key",
        _set("scoring.outcome.expression.all[0]", {"dimensoin": "d1"}),
        "scoring.outcome.expression.all[0]",
        "'dimensoin' was unexpected",
    ),
    (
        "two keys in one outcome node",
        _set("scoring.outcome.expression.all[0]", {"dimension": "d1", "any": []}),
        "scoring.outcome.expression.all[0]",
        "has too many properties",
    ),
    (
        "bad confidence",
        _set("provenance.confidence", "sure"),
        "provenance.confidence",
        "'sure' is not one of",
    ),
    # References and consistency (semantic checks)
    (
        "unknown indicator",
        _set("items[1].evidences[0].indicator", "ind_x"),
        "items[1].evidences[0].indicator",
        "unknown indicator 'ind_x'",
    ),
    (
        "duplicate item id",
        _set("items[2].id", "q_s1"),
        "items[2].id",
        "duplicate id 'q_s1' (first used at items[0])",
    ),
    ("duplicate indicator id", _set("indicators[3].id", "s1"), "indicators[3].id", "duplicate id 's1'"),
    (
        "skip logic on a later item",
        _set("items[0].show_if", {"item": "q_w1", "equals": "yes"}),
        "items[0].show_if.item",
        "'q_w1' comes later (items[2]); skip logic may only depend on an earlier item",
    ),
    (
        "skip logic on itself",
        _set("items[3].show_if.item", "q_kind"),
        "items[3].show_if.item",
        "is this item itself",
    ),
    (
        "skip logic on an unknown item",
        _set("items[3].show_if.item", "q_gone"),
        "items[3].show_if.item",
        "unknown item 'q_gone'",
    ),
    (
        "skip logic on an impossible answer",
        _set("items[3].show_if.equals", "maybe"),
        "items[3].show_if.equals",
        "'maybe' is not an answer of item 'q_s1' (expected one of yes, no)",
    ),
    (
        "unknown dimension",
        _set("indicators[1].dimension", "nope"),
        "indicators[1].dimension",
        "unknown dimension 'nope'",
    ),
    (
        "unknown rule",
        _set("dimensions[0].rule", "nope"),
        "dimensions[0].rule",
        "unknown dimension rule 'nope'",
    ),
    (
        "outcome on an unknown dimension",
        _set("scoring.outcome.expression.all[0].dimension", "d9"),
        "scoring.outcome.expression.all[0].dimension",
        "unknown dimension 'd9'",
    ),
    ("missing translation", _set("languages", ["en", "fr"]), "title", "missing fr"),
    ("no negative band", _no_negative_band, "scoring.bands", "no band for a negative outcome"),
    (
        "choice item with one choice",
        _set("items[3].choices", [{"id": "a", "label": {"en": "A"}}]),
        "items[3].choices",
        "a single_choice item needs at least 2 choices",
    ),
    (
        "evidence on an impossible choice",
        _set("items[3].evidences[0].when.equals", "z"),
        "items[3].evidences[0].when.equals",
        "'z' is not an answer of this item",
    ),
    (
        "choice evidence without when",
        _set("items[3].evidences[0].when", _DELETE),
        "items[3].evidences[0].when",
        "missing: a single_choice item must say which answer evidences it",
    ),
    (
        "strength missing under a strength rule",
        _set("indicators[0].strength", _DELETE),
        "indicators[0].strength",
        "missing: dimension 'd1' uses rule 'delphi'",
    ),
    (
        "indicator nothing evidences",
        _set("items[2].evidences", []),
        "indicators[2]",
        "no item evidences indicator 'w1', so it could never be present",
    ),
    (
        "reserved choice id",
        _set("items[3].choices[0].id", "refused"),
        "items[3].choices[0].id",
        "'refused' is reserved for an answer state",
    ),
    (
        "count rule on an unknown item",
        _count_rule(["q_zz"], 1),
        "scoring.count_rules[0].items[0]",
        "unknown item 'q_zz'",
    ),
    (
        "count rule on a choice item",
        _count_rule(["q_kind"], 1),
        "scoring.count_rules[0].items[0]",
        "a count rule counts yes_no items",
    ),
    ("count rule never met", _count_rule(["q_s1", "q_m1"], 3), "scoring.count_rules[0].min_yes", "never met"),
]


def _with(**parts: Any) -> Breaker:
    """A breaker adding top-level parts (audience, guidance, coding, ...) to the minimal instrument."""

    def apply(data: dict[str, Any]) -> None:
        data.update(parts)

    return apply


_DO = [{"en": "Do this."}]
_NEVER = [{"en": "Never that."}]

# The optional audience, guidance and coding parts: each broken entry is named by its field.
EXTRA_CASES = [
    ("audience not an identifier", _with(audience=["Front Desk"]), "audience[0]", "does not match"),
    ("audience empty", _with(audience=[]), "audience", "should be non-empty"),
    ("guidance without never", _with(guidance={"do": _DO}), "guidance", "'never' is a required property"),
    ("guidance without do", _with(guidance={"never": _NEVER}), "guidance", "'do' is a required property"),
    (
        "guidance never empty",
        _with(guidance={"do": _DO, "never": []}),
        "guidance.never",
        "should be non-empty",
    ),
    ("guidance do empty", _with(guidance={"do": [], "never": _NEVER}), "guidance.do", "should be non-empty"),
    (
        "guidance entry without English",
        _with(guidance={"do": [{"fr": "Faire."}], "never": _NEVER}),
        "guidance.do[0]",
        "'en' is a required property",
    ),
    (
        "guidance entry as a bare string",
        _with(guidance={"do": _DO, "never": ["Never that."]}),
        "guidance.never[0]",
        "is not of type 'object'",
    ),
    (
        "guidance with an unknown list",
        _with(guidance={"do": _DO, "never": _NEVER, "maybe": _DO}),
        "guidance",
        "'maybe' was unexpected",
    ),
    (
        "coding with an unknown situation",
        _with(coding=[coding_entry(applies_when="probable")]),
        "coding[0].applies_when",
        "'probable' is not one of",
    ),
    (
        "coding code in lower case",
        _with(coding=[coding_entry("t76.51")]),
        "coding[0].code",
        "does not match",
    ),
    (
        "coding unknown system",
        _with(coding=[coding_entry(system="ICD-11")]),
        "coding[0].system",
        "is not one of",
    ),
    (
        "coding unknown population",
        _with(coding=[coding_entry(population="adults")]),
        "coding[0].population",
        "'adults' is not one of",
    ),
    (
        "coding without a label",
        _with(coding=[{k: v for k, v in coding_entry().items() if k != "label"}]),
        "coding[0]",
        "'label' is a required property",
    ),
    ("coding empty", _with(coding=[]), "coding", "should be non-empty"),
    (
        "coding duplicate code",
        _with(coding=[coding_entry("T74.51"), coding_entry("T76.51"), coding_entry("T74.51")]),
        "coding[2].code",
        "duplicate code ICD-10-CM T74.51 (first at coding[0])",
    ),
    (
        "child code in an adult instrument",
        _with(population="adult", coding=[coding_entry(population="child")]),
        "coding[0].population",
        "a code for population 'child' in an instrument for population 'adult'",
    ),
    (
        "adult code in a child instrument",
        _with(population="child", coding=[coding_entry(population="adult")]),
        "coding[0].population",
        "a code for population 'adult' in an instrument for population 'child'",
    ),
    (
        "guidance missing a declared language",
        _with(languages=["en", "fr"], guidance={"do": _DO, "never": _NEVER}),
        "guidance.never[0]",
        "missing fr",
    ),
    (
        "coding label missing a declared language",
        _with(languages=["en", "es"], coding=[coding_entry()]),
        "coding[0].label",
        "missing es",
    ),
    (
        "guidance with an undeclared language",
        _with(guidance={"do": [{"en": "Do.", "es": "Haga."}], "never": _NEVER}),
        "guidance.do[0]",
        "has es, which is not in the declared languages en",
    ),
]


@pytest.mark.parametrize(
    ("breaker", "path", "message"),
    [case[1:] for case in CASES + EXTRA_CASES],
    ids=[c[0] for c in CASES + EXTRA_CASES],
)
def test_broken_instrument_names_the_field(breaker: Breaker, path: str, message: str) -> None:
    data = minimal()
    breaker(data)
    with pytest.raises(InstrumentError) as raised:
        build_instrument(data, source="broken.yaml")

    problems = [str(problem) for problem in raised.value.problems]
    assert any(problem.startswith(f"{path}: ") and message in problem for problem in problems), problems
    assert str(raised.value).startswith("broken.yaml is not a valid instrument:")


def test_the_minimal_fixture_itself_is_valid() -> None:
    assert build_instrument(minimal()).id == "mini"


def test_every_problem_is_reported_at_once() -> None:
    data = minimal()
    data["items"][1]["evidences"][0]["indicator"] = "ind_x"
    data["dimensions"][0]["rule"] = "nope"
    with pytest.raises(InstrumentError) as raised:
        build_instrument(data)
    assert {problem.path for problem in raised.value.problems} >= {
        "items[1].evidences[0].indicator",
        "dimensions[0].rule",
    }


def test_not_a_mapping() -> None:
    with pytest.raises(InstrumentError, match=r"\(instrument\): \['a'\] is not of type 'object'"):
        build_instrument(["a"])


def test_yaml_syntax_error_has_a_line() -> None:
    with pytest.raises(InstrumentError, match=r"\(yaml\): line 2, column"):
        parse_instrument("id: x\n  bad: [indent\n")


def test_yaml_duplicate_key_is_an_error_not_a_silent_overwrite() -> None:
    with pytest.raises(InstrumentError, match=r"\(yaml\): line 3, column 1: found duplicate key 'id'"):
        parse_instrument("id: a\nversion: '1.0'\nid: b\n")


def test_bare_yes_in_yaml_stays_an_answer_value() -> None:
    # YAML 1.1 would read `equals: yes` as True and no answer would ever match; our loader keeps the word.
    import yaml

    data = minimal()
    text = yaml.safe_dump(data, sort_keys=False).replace("equals: 'yes'", "equals: yes")
    assert "equals: yes" in text
    instrument = parse_instrument(text)
    assert instrument.items_by_id["q_kind"].show_if is not None
    assert instrument.items_by_id["q_kind"].show_if.match.values == frozenset({"yes"})


def test_audience_guidance_and_coding_are_optional() -> None:
    instrument = build_instrument(minimal())
    assert instrument.audience == ()
    assert instrument.guidance is None
    assert instrument.coding == ()


def test_audience_guidance_and_coding_are_built() -> None:
    instrument = build_instrument(with_audience_guidance_coding())

    assert instrument.audience == ("clinician", "screener")
    assert instrument.guidance == Guidance(
        do=({"en": "Do this."}, {"en": "And this."}), never=({"en": "Never that."},)
    )
    suspected, confirmed = instrument.coding
    assert (suspected.system, suspected.code, suspected.applies_when, suspected.population) == (
        "ICD-10-CM",
        "T76.51",
        CodingCondition.SUSPECTED,
        Population.ADULT,
    )
    assert (suspected.confidence, suspected.note) == (None, None)
    assert (confirmed.code, confirmed.applies_when, confirmed.population) == (
        "T74.52",
        CodingCondition.CONFIRMED,
        Population.CHILD,
    )
    assert (confirmed.confidence, confirmed.note) == (Confidence.VERIFIED, "n")
    assert instrument.coding_for(CodingCondition.CONFIRMED) == (confirmed,)
    assert instrument.coding_for(CodingCondition.HISTORY) == ()


def test_any_code_fits_an_instrument_for_any_population() -> None:
    data = with_audience_guidance_coding()
    assert data["population"] == "any"
    data["coding"].append(coding_entry("Z91.42", applies_when="history", population="any"))
    assert len(build_instrument(data).coding) == 3


def test_a_code_is_suggested_once_whatever_the_situation() -> None:
    # One code, one meaning: T76.51 cannot be both the "suspected" and the "confirmed" suggestion.
    data = with_audience_guidance_coding()
    data["coding"][1]["code"] = "T76.51"
    with pytest.raises(InstrumentError, match=r"coding\[1\]\.code: duplicate code ICD-10-CM T76\.51"):
        build_instrument(data)


def test_yaml_aliases_are_refused_before_they_can_expand() -> None:
    # Nine levels of nine aliases each: a few hundred bytes that a plain loader expands to 9**9 strings.
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(InstrumentError, match=r"\(yaml\): line 1, column 5: anchors and aliases"):
        parse_instrument("\n".join(lines))


def test_yaml_nested_too_deep_is_a_clear_error_not_a_crash() -> None:
    with pytest.raises(InstrumentError, match=r"nested more than 40 levels deep"):
        parse_instrument("x: " + "[" * 5000 + "]" * 5000)
