"""Gap reports and the comparison of two reviews (threefold/advocate/core/gaps.py)."""

from __future__ import annotations

from threefold.advocate.core import checklist
from threefold.advocate.core.gaps import Answer, Given, Movement, compare, report


def test_the_gap_report_lists_no_then_partly_with_the_article_each_falls_short_of() -> None:
    loaded = checklist.load()
    answers = {item_id: Given(Answer.YES) for item_id in loaded.item_ids}
    answers["purpose_organs"] = Given(Answer.PARTLY, "s. 2(3)", "only for adults")
    answers["victims_non_punishment"] = Given(Answer.NO)
    answers["children_no_means"] = Given(Answer.UNCLEAR, note="courts disagree")
    del answers["means_payments"]
    found = report(loaded, answers)
    assert [line.item.id for line in found.gaps] == ["victims_non_punishment", "purpose_organs"]
    assert [line.item.cited for line in found.gaps] == ["CETS 197 Art. 26", "Protocol Art. 3(a)"]
    assert found.gaps[1].given.articles == "s. 2(3)"
    assert [line.item.id for line in found.unclear] == ["children_no_means"]
    assert [line.item.id for line in found.unanswered] == ["means_payments"]
    assert found.total == len(loaded.items)
    assert found.answered == len(loaded.items) - 1
    assert not found.complete
    assert found.count(Answer.YES) == len(loaded.items) - 4
    assert [group.group.id for group in found.by_group] == [group.id for group in loaded.groups]


def test_an_empty_review_has_every_item_unanswered_and_no_gap() -> None:
    found = report(checklist.load(), {})
    assert not found.gaps
    assert found.answered == 0
    assert len(found.unanswered) == len(checklist.load().items)


def test_answers_to_items_the_checklist_no_longer_has_are_named() -> None:
    assert report(checklist.load(), {"retired_item": Given(Answer.NO)}).stale == ("retired_item",)


def test_two_reviews_compare_item_by_item() -> None:
    loaded = checklist.load()
    before = {
        "victims_non_punishment": Given(Answer.NO),
        "purpose_organs": Given(Answer.YES),
        "consent_irrelevant": Given(Answer.UNCLEAR),
        "act_receipt": Given(Answer.PARTLY),
    }
    after = {
        "victims_non_punishment": Given(Answer.YES, "s. 14"),
        "purpose_organs": Given(Answer.PARTLY),
        "consent_irrelevant": Given(Answer.NO),
        "act_receipt": Given(Answer.PARTLY),
    }
    rows = {row.item.id: row.movement for row in compare(loaded, before, after)}
    assert rows["victims_non_punishment"] == Movement.BETTER
    assert rows["purpose_organs"] == Movement.WORSE
    assert rows["consent_irrelevant"] == Movement.CHANGED
    assert rows["act_receipt"] == Movement.SAME
    assert rows["means_fraud"] == Movement.SAME  # unanswered in both


def test_items_new_since_the_earlier_checklist_are_marked_new() -> None:
    loaded = checklist.load()
    rows = compare(loaded, {}, {}, before_items=[i for i in loaded.item_ids if i != "victims_compensation"])
    assert {row.item.id for row in rows if row.movement == Movement.NEW} == {"victims_compensation"}
