"""What the pages offer of a US federal prosecutions dataset (threefold.insight.core.prosecutions): its tables,
the fields of each that a table can be counted by, and how their values read.

The fields are the categories the statistics are about; the raw numbers kept beside them (months sentenced,
restitution in dollars, victims per case) are not offered to count by, where nearly every value would be a
small count: the dashboard gives their bands, sums and medians instead.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from threefold.insight.core import prosecutions as p
from threefold.insight.core.frame import MISSING

TABLES: dict[str, Promise] = {
    p.CASES: pgettext_lazy("criminal cases in court", "Cases"),
    p.DEFENDANTS: _("Defendants"),
    p.JUDGES: _("Judges"),
}
# What one record of each table is, in a table's header and a chart's bars.
UNITS: dict[str, Promise] = {
    p.CASES: pgettext_lazy("criminal cases in court", "Cases"),
    p.DEFENDANTS: _("Defendants"),
    p.JUDGES: _("Judges"),
}

YEAR = _("Year of the case")
STATE = _("State of the case")
FIELDS: dict[str, dict[str, Promise]] = {
    p.CASES: {
        "year": YEAR,
        "state": _("State"),
        "federal_district": _("Federal district"),
        "defendants_band": _("Defendants in the case"),
    },
    p.DEFENDANTS: {
        "case_year": YEAR,
        "case_state": STATE,
        "outcome": _("Outcome"),
        "sentence_band": _("Prison sentence (months)"),
        "years_to_termination": _("Years from charge to the end of the case"),
        "restitution_ordered": _("Restitution ordered"),
        "gender": _("Gender"),
        "age_band": _("Age at arrest"),
        "race": _("Race (as published)"),
        "arrest_year": _("Year of arrest"),
        "charge_year": _("Year charged"),
        "year_terminated": _("Year the case ended"),
        "statutes": _("Statutes charged (title 18 sections)"),
        "forfeiture_charged": _("Charged with forfeiture (as published)"),
        "forfeiture_sentenced": _("Sentenced to forfeiture (as published)"),
    },
    p.JUDGES: {
        "case_year": YEAR,
        "case_state": STATE,
        "appointed_by": _("Party of the appointing president"),
        "gender": _("Gender"),
        "race": _("Race (as published)"),
        "tenure": _("Year appointed"),
    },
}

OUTCOME_LABELS: dict[str, Promise] = {
    p.PLEADED_GUILTY: _("Pleaded guilty"),
    p.CONVICTED_AT_TRIAL: _("Convicted at trial"),
    p.ACQUITTED: _("Acquitted"),
    p.DISMISSED: _("Charges dismissed"),
}
# Short: a chart on a phone gives its labels a narrow column.
SENTENCE_LABELS: dict[str, Promise] = {
    "0": _("0 months"),
    "1-12": _("1 to 12 months"),
    "13-60": _("13 to 60 months"),
    "61-120": _("61 to 120 months"),
    "121-240": _("121 to 240 months"),
    "241+": _("Over 240 months"),
    p.LIFE: _("Life"),
}
BAND_LABELS: dict[str, dict[str, Promise]] = {
    "age_band": {"0-17": _("Under 18"), "65+": _("65 or over")},
    "defendants_band": {"21+": _("21 or more")},
}
YES_NO: dict[str, Promise] = {p.YES: _("Yes"), p.NO: _("No")}


def label_of(field: str, key: str) -> str:
    """How a value of a prosecution field reads on a page (keys stay as stored in files)."""
    if key == MISSING:
        return str(_("Unknown"))
    if field == "outcome":
        return str(OUTCOME_LABELS.get(key, key))
    if field == "sentence_band":
        return str(SENTENCE_LABELS.get(key, key))
    if field == "restitution_ordered":
        return str(YES_NO.get(key, key))
    if field in BAND_LABELS and key in BAND_LABELS[field]:
        return str(BAND_LABELS[field][key])
    if field == "years_to_termination" and key.isdigit():
        return ngettext("%(n)s year", "%(n)s years", int(key)) % {"n": key}
    if field == "defendants_band":
        # "1", "2", "3", then ranges ("4-5"): a range is plural.
        return ngettext("%(n)s defendant", "%(n)s defendants", int(key) if key.isdigit() else 2) % {"n": key}
    return key


def order_of(field: str) -> tuple[str, ...] | None:
    """The order of a field's values when it is not that of their leading numbers: outcomes by how the case
    ended, from a plea to a dismissal."""
    if field == "outcome":
        return p.OUTCOMES
    if field == "restitution_ordered":
        return (p.YES, p.NO)
    return None
