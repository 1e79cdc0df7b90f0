"""The legislation checklist shipped in reference/legislation/: the Protocol's actual articles."""

from __future__ import annotations

import pytest

from threefold.advocate.core import checklist
from threefold.advocate.core.reference import ReferenceError


def _cited(item_id: str) -> str:
    item = checklist.load().item(item_id)
    assert item is not None, item_id
    return item.cited


def test_the_definition_is_cited_to_article_3() -> None:
    loaded = checklist.load()
    for group in ("act", "means", "purpose"):
        items = [item for item in loaded.items if item.group.id == group]
        assert items
        assert all(item.cited == "Protocol Art. 3(a)" for item in items)
    acts = {item.id for item in loaded.items if item.group.id == "act"}
    assert acts == {"act_recruitment", "act_transportation", "act_transfer", "act_harbouring", "act_receipt"}
    assert len([item for item in loaded.items if item.group.id == "means"]) == 9
    assert len([item for item in loaded.items if item.group.id == "purpose"]) == 5


def test_children_consent_and_the_offence_cite_their_articles() -> None:
    assert _cited("children_no_means") == "Protocol Art. 3(c); Protocol Art. 3(d)"
    assert _cited("consent_irrelevant") == "Protocol Art. 3(b)"
    assert _cited("offence_criminalised").startswith("Protocol Art. 5(1)")
    assert _cited("offence_attempt_complicity").startswith("Protocol Art. 5(2)")
    assert "UNTOC Art. 11(1)" in _cited("penalties_proportionate")


def test_where_the_protocol_is_silent_the_council_of_europe_convention_is_cited() -> None:
    silent = {item.id: item for item in checklist.load().items if item.protocol_silent}
    assert set(silent) == {
        "victims_non_punishment",
        "victims_assistance_unconditional",
        "victims_reflection_period",
    }
    assert silent["victims_non_punishment"].cited == "CETS 197 Art. 26"
    assert silent["victims_reflection_period"].cited == "CETS 197 Art. 13(1)"
    assert silent["victims_assistance_unconditional"].cited == "CETS 197 Art. 12(6)"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'citations: [{instrument: cets197, article: "26"}]',
            'citations: [{instrument: palermo, article: "26"}]',
            "cannot cite a Protocol article",
        ),
        ("group: act\n", "group: acts\n", "is not a group of the checklist"),
        ("id: act_transfer\n", "id: act_recruitment\n", "is used twice"),
        ('article: "3(b)"', 'article: "Art 3b"', "does not match"),
    ],
)
def test_a_broken_checklist_is_refused(old: str, new: str, expected: str) -> None:
    text = checklist.PATH.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ReferenceError) as caught:
        checklist.parse(text.replace(old, new, 1))
    assert expected in str(caught.value)
