"""The asks framework shipped in reference/asks/ and its checks."""

from __future__ import annotations

import pytest

from threefold.advocate.core import framework
from threefold.advocate.core.reference import ReferenceError

SEED_ASKS = (
    "ratify",
    "criminalise",
    "prosecute",
    "cooperate",
    "vulnerability",
    "survivors",
    "identify",
    "legislation",
)


def test_the_shipped_framework_has_every_ask_of_the_seed_with_its_basis() -> None:
    loaded = framework.load()
    assert loaded.ids == SEED_ASKS
    assert loaded.version >= 1
    for ask in loaded.asks:
        assert ask.basis, ask.id
        assert ask.evidence_prompts, ask.id
        assert all(basis.articles for basis in ask.basis)
    assert framework.load().ask("ratify").status_from == "palermo_party"  # type: ignore[union-attr]
    assert framework.load().ask("criminalise").status_from == "criminalisation"  # type: ignore[union-attr]


def test_survivors_rights_rest_on_the_articles_the_protocol_does_not_have() -> None:
    survivors = framework.load().ask("survivors")
    assert survivors is not None
    cited = " ".join(basis.articles for basis in survivors.basis)
    assert "Art. 12(6)" in cited
    assert "Art. 26" in cited
    assert "Art. 13" in cited
    assert survivors.review_items == (
        "victims_non_punishment",
        "victims_assistance_unconditional",
        "victims_reflection_period",
    )


def _text(**changes: str) -> str:
    text = framework.PATH.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status_from: palermo_party", "status_from: criminalisation", "is not one of the ask's indicators"),
        ("  - source: palermo\n", "  - source: nowhere\n", "which sources do not list"),
        ("id: criminalise", "id: ratify", "'ratify' is used twice"),
        ("victims_reflection_period]", "victims_bogus]", "is not an item of the legislation checklist"),
        (
            "indicators: [palermo_party, untoc_party]",
            "indicators: [palermo_party, guesswork]",
            "is not one of",
        ),
    ],
)
def test_a_broken_framework_is_refused_with_the_field_named(old: str, new: str, expected: str) -> None:
    with pytest.raises(ReferenceError) as caught:
        framework.parse(_text(**{old: new}))
    assert expected in str(caught.value)


def test_yaml_errors_give_the_line() -> None:
    with pytest.raises(ReferenceError) as caught:
        framework.parse("id: x\nid: y\n")
    assert "line 2" in str(caught.value)
