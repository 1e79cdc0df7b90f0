from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.identify.core.predictive_values import predictive_values

share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_quick_youth_screen_at_its_study_prevalence() -> None:
    # Sensitivity 86.7%, specificity 76.5%, prevalence 8.8%: about a quarter of positives are true.
    values = predictive_values(0.867, 0.765, 0.088)
    assert values.ppv == pytest.approx(0.2625, abs=0.0005)
    assert values.npv == pytest.approx(0.9835, abs=0.0005)
    assert values.per_hundred_positives() == 26


def test_a_perfect_test_is_perfect_at_any_prevalence() -> None:
    values = predictive_values(1.0, 1.0, 0.3)
    assert (values.ppv, values.npv) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("field", "args"),
    [
        ("sensitivity", (86.7, 0.765, 0.1)),
        ("specificity", (0.867, -0.1, 0.1)),
        ("prevalence", (0.867, 0.765, 5.0)),
    ],
)
def test_percentages_are_refused_with_the_field_named(field: str, args: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError, match=f"^{field} must be between 0 and 1"):
        predictive_values(*args)


@given(share, share, share, share)
def test_ppv_never_falls_as_prevalence_rises(sens: float, spec: float, low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert predictive_values(sens, spec, low).ppv <= predictive_values(sens, spec, high).ppv + 1e-12


@given(share, share, share)
def test_values_are_shares(sens: float, spec: float, prev: float) -> None:
    values = predictive_values(sens, spec, prev)
    assert 0.0 <= values.ppv <= 1.0
    assert 0.0 <= values.npv <= 1.0
