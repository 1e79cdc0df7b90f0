"""Statuses over time: progress, regressions and which point gives an ask its status."""

from __future__ import annotations

import datetime as dt

from threefold.advocate.core.status import Basis, Change, Point, Status, change, current, timeline


def _point(day: str, status: Status, basis: Basis = Basis.EVIDENCE, ref: str = "", order: int = 0) -> Point:
    on = dt.date.fromisoformat(day)
    return Point(on, status, basis, day, "", reference=ref, order=order)


def test_changes() -> None:
    assert change(None, Status.NOT_MET) == Change.FIRST
    assert change(Status.NOT_MET, Status.PARTLY_MET) == Change.PROGRESS
    assert change(Status.MET, Status.PARTLY_MET) == Change.REGRESSION
    assert change(Status.NOT_MET, Status.REGRESSED) == Change.REGRESSION
    assert change(Status.MET, Status.MET) == Change.SAME
    assert change(Status.UNKNOWN, Status.MET) == Change.UNCLEAR


def test_the_timeline_is_in_date_order_and_shows_progress_and_regression() -> None:
    steps = timeline(
        [
            _point("2020-01-01", Status.MET, ref="EV-B"),
            _point("2013-10-17", Status.MET, Basis.DATA),
            _point("2012-01-01", Status.NOT_MET, Basis.DATA),
        ]
    )
    assert [step.change for step in steps] == [Change.FIRST, Change.PROGRESS, Change.SAME]


def test_the_newest_dated_status_gives_the_ask_its_status() -> None:
    ratified = _point("2013-10-17", Status.MET, Basis.DATA)
    older = _point("2011-05-01", Status.NOT_MET, ref="EV-A")
    newer = _point("2024-03-01", Status.PARTLY_MET, ref="EV-B")
    assert current([ratified, older]) == ratified
    assert current([ratified, older, newer]) == newer
    assert current([]) is None


def test_on_the_same_date_evidence_comes_before_data() -> None:
    data = _point("2014-12-31", Status.MET, Basis.DATA)
    evidence = _point("2014-12-31", Status.PARTLY_MET, ref="EV-C")
    assert current([evidence, data]) == evidence


def test_evidence_of_the_same_date_approved_later_wins() -> None:
    chosen = current(
        [
            _point("2024-01-01", Status.MET, ref="EV-A", order=1),
            _point("2024-01-01", Status.NOT_MET, ref="EV-B", order=2),
        ]
    )
    assert chosen is not None
    assert chosen.reference == "EV-B"
