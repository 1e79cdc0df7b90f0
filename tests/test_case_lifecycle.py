"""The pure parts of a case: the lifecycle's moves and the HTCDS victim context's validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.purity import modules_importing_django
from threefold.protect import lifecycle
from threefold.protect.lifecycle import Stage, TransitionError
from threefold.protect.victim_context import ContextError, JourneyEvent, VictimContext, validate

TODAY = date(2026, 11, 28)
REASON = "Agreed with her today"


def test_lifecycle_and_context_modules_stay_pure() -> None:
    importing_django = set(modules_importing_django(Path(lifecycle.__file__).parent))
    assert "case_services.py" in importing_django  # the check sees the Django side of the same package
    assert not importing_django & {"lifecycle.py", "victim_context.py", "htcds.py", "identity.py"}


def test_the_survivor_path_goes_forward_one_stage_at_a_time() -> None:
    assert lifecycle.next_stages(Stage.OPEN) == [Stage.ASSESSMENT, Stage.CLOSED]
    assert lifecycle.next_stages(Stage.PLAN) == [Stage.ASSESSMENT, Stage.SERVICES, Stage.CLOSED]
    with pytest.raises(TransitionError, match=r"^stage: .*open to services"):
        lifecycle.check_transition(Stage.OPEN, Stage.SERVICES, REASON)


def test_a_closed_case_only_reopens_and_a_reopened_one_resumes_anywhere() -> None:
    assert lifecycle.next_stages(Stage.CLOSED) == [Stage.REOPENED]
    assert set(lifecycle.next_stages(Stage.REOPENED)) == {
        Stage.ASSESSMENT,
        Stage.PLAN,
        Stage.SERVICES,
        Stage.FOLLOW_UP,
        Stage.CLOSED,
    }


@given(st.sampled_from([s for s in Stage if s is not Stage.CLOSED]))
def test_every_open_stage_can_close(stage: Stage) -> None:
    # A survivor may leave at any point; the system must let that be recorded without faking the steps.
    assert lifecycle.check_transition(stage, Stage.CLOSED, REASON) == REASON


@pytest.mark.parametrize("reason", ["", "   ", "ok", "too short"])
def test_every_move_needs_a_reason(reason: str) -> None:
    with pytest.raises(TransitionError, match=r"^reason: "):
        lifecycle.check_transition(Stage.OPEN, Stage.ASSESSMENT, reason)


def test_reasons_are_cleaned_of_runs_of_blanks() -> None:
    assert lifecycle.check_transition(Stage.OPEN, Stage.ASSESSMENT, "  Met   her\nat the shelter ") == (
        "Met her at the shelter"
    )


def test_approval_follows_the_organisation_setting() -> None:
    assert lifecycle.needs_approval(Stage.CLOSED, {"closed", "plan"})
    assert not lifecycle.needs_approval(Stage.SERVICES, {"closed", "plan"})
    assert not lifecycle.needs_approval(Stage.CLOSED, set())


def test_a_full_context_validates_and_round_trips() -> None:
    context = VictimContext(
        trafficking_status="ActualVictimOfTrafficking",
        status_decided_by="CourtOrProsecution",
        exploitation_types=("ForcedLabour", "SexualExploitation"),
        forced_labour_industries=("F_Construction",),
        sex_exploitation_types=("Prostitution",),
        recruitment_methods=("ThroughOnlineSocialNetworks",),
        control_methods=("DebtBondage", "RestrictsMovement"),
        relationship_to_trafficker="Unaquainted",
        journey=(
            JourneyEvent("Recruitment", "UA", "Kharkiv", date(2024, 3, 1), date(2024, 3, 2)),
            JourneyEvent("Exploitation", "PL", "", date(2024, 3, 5)),
        ),
    )
    validate(context, today=TODAY)
    assert VictimContext.from_json(context.to_json()) == context


@pytest.mark.parametrize(
    ("context", "field"),
    [
        (VictimContext(trafficking_status="Victim"), "trafficking_status"),
        (VictimContext(trafficking_status="ActualVictimOfTrafficking"), "status_decided_by"),
        (VictimContext(exploitation_types=("Slavery",)), "exploitation_types"),
        (VictimContext(forced_labour_industries=("F_Construction",)), "forced_labour_industries"),
        (VictimContext(sex_exploitation_types=("Prostitution",)), "sex_exploitation_types"),
        (VictimContext(control_methods=("DebtBondage ",)), "control_methods"),
        (VictimContext(relationship_to_trafficker="Unacquainted"), "relationship_to_trafficker"),
        (VictimContext(journey=(JourneyEvent("Holiday"),)), "journey 1"),
        (VictimContext(journey=(JourneyEvent("Transit", "XX"),)), "journey 1"),
        (VictimContext(journey=(JourneyEvent("Transit", place="a\x00b"),)), "journey 1"),
        (
            VictimContext(journey=(JourneyEvent("Transit"), JourneyEvent("Transit", start=date(2027, 1, 1)))),
            "journey 2",
        ),
        (
            VictimContext(journey=(JourneyEvent("Transit", start=date(2025, 2, 1), end=date(2025, 1, 1)),)),
            "journey 1",
        ),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field(context: VictimContext, field: str) -> None:
    with pytest.raises(ContextError, match=f"^{field}: "):
        validate(context, today=TODAY)


def test_a_context_stored_before_a_field_existed_still_opens() -> None:
    assert VictimContext.from_json({"trafficking_status": "PossibleVictimOfTrafficking"}) == VictimContext()
