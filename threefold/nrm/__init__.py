"""NRM: identification decisions under national referral mechanisms, as data with sources and a pure engine.

The rules of each jurisdiction (reflection period, decision stages, their targets and outcomes) are YAML files in
``reference/nrm/`` with the sources that support each figure and the date they are known to hold (see
docs/adr/ on NRM rules as data). This package loads and checks them and answers date questions; it stores
nothing and imports no Django, so the app that keeps decision records can call it and its tests run alone::

    from threefold.nrm import CaseEvents, clock, decision_due, reflection_period

    decision_due("gb-eaw", "reasonable_grounds", date(2026, 12, 23))      # date(2027, 1, 4)
    reflection_period("de", date(2026, 1, 31)).minimum_ends_on              # date(2026, 4, 30)
    clock("gb-eaw", CaseEvents(referred_on=date(2026, 12, 23)), today=date(2027, 1, 5))  # [rg_overdue]
"""

from threefold.nrm.clock import Alert, AlertKind, CaseEvents, clock
from threefold.nrm.loader import JurisdictionError, load, load_all
from threefold.nrm.model import Jurisdiction, Outcome, Stage
from threefold.nrm.rules import Period, decision_due, outcomes, reflection_period, wording_in_force

__all__ = [
    "Alert",
    "AlertKind",
    "CaseEvents",
    "Jurisdiction",
    "JurisdictionError",
    "Outcome",
    "Period",
    "Stage",
    "clock",
    "decision_due",
    "load",
    "load_all",
    "outcomes",
    "reflection_period",
    "wording_in_force",
]
