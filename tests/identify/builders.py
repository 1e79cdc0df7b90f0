"""Small instruments built in code, for tests that need an exact shape (validation errors, properties)."""

from __future__ import annotations

import copy
from typing import Any

DELPHI_ALTERNATIVES = [
    {"strong": 2},
    {"strong": 1, "medium_or_weak": 1},
    {"medium": 3},
    {"medium": 2, "weak": 1},
]


def _text(en: str) -> dict[str, str]:
    return {"en": en}


def _band(band_id: str, when: str, label: str) -> dict[str, Any]:
    return {
        "id": band_id,
        "when": when,
        "label": _text(label),
        "guidance": _text("What to do next."),
        "urgency": {"level": "routine", "text": _text("When convenient.")},
    }


def minimal() -> dict[str, Any]:
    """A valid instrument: one dimension under the Delphi rule, three yes/no items, one gated choice item.

    items[0] q_s1 (strong s1), items[1] q_m1 (medium m1), items[2] q_w1 (weak w1),
    items[3] q_kind: single choice a/b, shown when q_s1 is yes; choosing b evidences m2 (medium).
    """
    return copy.deepcopy(
        {
            "id": "mini",
            "version": "1.0",
            "languages": ["en"],
            "title": _text("Mini"),
            "description": _text("A tiny instrument for tests."),
            "settings": ["testing"],
            "population": "any",
            "mode": "interview",
            "provenance": {"source": "Test fixture", "verified": "Nothing", "confidence": "draft"},
            "dimensions": [{"id": "d1", "label": _text("Dimension one"), "rule": "delphi"}],
            "indicators": [
                {"id": "s1", "dimension": "d1", "strength": "strong", "label": _text("Strong one")},
                {"id": "m1", "dimension": "d1", "strength": "medium", "label": _text("Medium one")},
                {"id": "w1", "dimension": "d1", "strength": "weak", "label": _text("Weak one")},
                {"id": "m2", "dimension": "d1", "strength": "medium", "label": _text("Medium two")},
            ],
            "items": [
                {
                    "id": "q_s1",
                    "prompt": _text("S1?"),
                    "answer_type": "yes_no",
                    "evidences": [{"indicator": "s1"}],
                },
                {
                    "id": "q_m1",
                    "prompt": _text("M1?"),
                    "answer_type": "yes_no",
                    "evidences": [{"indicator": "m1"}],
                },
                {
                    "id": "q_w1",
                    "prompt": _text("W1?"),
                    "answer_type": "yes_no",
                    "evidences": [{"indicator": "w1"}],
                },
                {
                    "id": "q_kind",
                    "prompt": _text("Which kind?"),
                    "answer_type": "single_choice",
                    "choices": [{"id": "a", "label": _text("A")}, {"id": "b", "label": _text("B")}],
                    "show_if": {"item": "q_s1", "equals": "yes"},
                    "evidences": [{"indicator": "m2", "when": {"equals": "b"}}],
                },
            ],
            "scoring": {
                "dimension_rules": [
                    {"id": "delphi", "text": _text("Delphi rule"), "alternatives": DELPHI_ALTERNATIVES}
                ],
                "outcome": {
                    "expression": {"all": [{"dimension": "d1"}]},
                    "text": _text("Positive when d1 is."),
                },
                "bands": [
                    _band("pos", "positive", "Indicators present"),
                    _band("neg", "negative", "No indicators"),
                ],
            },
        }
    )


def one_dimension(strong: int, medium: int, weak: int) -> dict[str, Any]:
    """One Delphi-rule dimension with the given number of indicators per strength, one yes/no item each."""
    data = minimal()
    indicators = []
    items = []
    for strength, count in (("strong", strong), ("medium", medium), ("weak", weak)):
        for number in range(count):
            ident = f"{strength[0]}{number}"
            indicators.append({"id": ident, "dimension": "d1", "strength": strength, "label": _text(ident)})
            items.append(
                {
                    "id": f"q_{ident}",
                    "prompt": _text(f"{ident}?"),
                    "answer_type": "yes_no",
                    "evidences": [{"indicator": ident}],
                }
            )
    data["indicators"] = indicators
    data["items"] = items
    return data


def gated_two_dimensions() -> dict[str, Any]:
    """Two dimensions (any-1 rule) combined by all, several items gated on an earlier yes (as in ICLS)."""
    data = minimal()
    data["dimensions"] = [
        {"id": "a", "label": _text("A"), "rule": "one"},
        {"id": "b", "label": _text("B"), "rule": "one"},
    ]
    data["indicators"] = [
        {"id": f"{dim}{n}", "dimension": dim, "label": _text(f"{dim}{n}")} for dim in "ab" for n in range(3)
    ]
    data["items"] = [{"id": "q_gate", "prompt": _text("Worked?"), "answer_type": "yes_no"}] + [
        {
            "id": f"q_{dim}{n}",
            "prompt": _text(f"{dim}{n}?"),
            "answer_type": "yes_no",
            "show_if": {"item": "q_gate", "equals": "yes"},
            "evidences": [{"indicator": f"{dim}{n}"}],
        }
        for dim in "ab"
        for n in range(3)
    ]
    data["scoring"]["dimension_rules"] = [
        {"id": "one", "text": _text("At least one"), "alternatives": [{"any": 1}]}
    ]
    data["scoring"]["outcome"]["expression"] = {"all": [{"dimension": "a"}, {"dimension": "b"}]}
    return data


def coding_entry(code: str = "T76.51", **changes: Any) -> dict[str, Any]:
    """One ICD-10-CM coding suggestion (by default: adult forced sexual exploitation, suspected)."""
    entry: dict[str, Any] = {
        "system": "ICD-10-CM",
        "code": code,
        "label": _text("A code"),
        "applies_when": "suspected",
        "population": "adult",
    }
    entry.update(changes)
    return entry


def with_audience_guidance_coding() -> dict[str, Any]:
    """``minimal()`` plus the optional audience, guidance (do / never) and coding parts.

    coding[0] T76.51 suspected adult, coding[1] T74.52 confirmed child.
    """
    data = minimal()
    data["audience"] = ["clinician", "screener"]
    data["guidance"] = {
        "do": [_text("Do this."), _text("And this.")],
        "never": [_text("Never that.")],
    }
    data["coding"] = [
        coding_entry("T76.51"),
        coding_entry("T74.52", applies_when="confirmed", population="child", confidence="verified", note="n"),
    ]
    return data


def mixed() -> dict[str, Any]:
    """The minimal instrument plus a multi-choice, a number and a text question (the shipped library is yes/no)."""
    data = minimal()
    data["items"] += [
        {
            "id": "q_where",
            "prompt": {"en": "Where did you work?"},
            "answer_type": "multi_choice",
            "choices": [
                {"id": place, "label": {"en": place.title()}} for place in ("farm", "factory", "home")
            ],
        },
        {"id": "q_hours", "prompt": {"en": "Hours a day?"}, "answer_type": "number"},
        {"id": "q_notes", "prompt": {"en": "Notes"}, "answer_type": "text"},
    ]
    return data
