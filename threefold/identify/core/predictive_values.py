"""What a positive or negative screening result means at a given prevalence (Bayes' rule).

A screen with 86.7% sensitivity and 76.5% specificity sounds strong, but where 1 person in 20 screened is a
victim, most positives are false: frontline staff must see the positive and negative predictive values at
their own prevalence, not the headline figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PredictiveValues:
    prevalence: float
    ppv: float  # share of positive results that are true positives
    npv: float  # share of negative results that are true negatives

    def per_hundred_positives(self) -> int:
        """How many of 100 people who screen positive are expected to be victims (rounded)."""
        return round(self.ppv * 100)


def _fraction(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (a share, not a percentage); got {value}")
    return value


def predictive_values(sensitivity: float, specificity: float, prevalence: float) -> PredictiveValues:
    sens = _fraction("sensitivity", sensitivity)
    spec = _fraction("specificity", specificity)
    prev = _fraction("prevalence", prevalence)
    true_pos, false_pos = sens * prev, (1 - spec) * (1 - prev)
    true_neg, false_neg = spec * (1 - prev), (1 - sens) * prev
    # With no positives (or negatives) at all the value is undefined; report the limit a reader expects.
    ppv = true_pos / (true_pos + false_pos) if true_pos + false_pos > 0 else 0.0
    npv = true_neg / (true_neg + false_neg) if true_neg + false_neg > 0 else 1.0
    return PredictiveValues(prev, ppv, npv)
