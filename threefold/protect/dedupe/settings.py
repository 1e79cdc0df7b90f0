"""The Splink model for de-duplicating person records (dedupe_only), made for trafficking data.

What the data is like, and what the model does about it (see the shared reference on record linkage):

* Names are transliterated, reordered, shortened and replaced by aliases. Names are compared as their sorted,
  transliterated tokens (so order and script do not matter), then Metaphone keys, then every name and alias as a
  whole, then Jaro-Winkler, then shared tokens of any name or alias. Exact same names get a term-frequency
  adjustment: "Maria Garcia" is weaker evidence than a rare name.
* Dates of birth are often approximate: 1 January of a guessed year, a year only, or an age estimated on a day.
  Such a date agreeing on the year is its own level, never a disagreement on day and month; an estimated year is
  compatible within one year.
* Sex is recorded inconsistently; its weight is kept modest (see ``TEMPERED``).
* People move. Street, locality, postcode and region are ONE combined string compared once, because four
  near-copies voting separately teach EM that "address differs" means "not a match". Its "else" level is
  tempered too, and no blocking rule uses the address.

``TEMPERED`` caps, after training, how much a disagreement on a comparison may count against a match: EM is free
to learn the agreeing levels, but a moved person or a differently recorded sex cannot sink a pair.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = [
    "TEMPERED",
    "TRAINING_BLOCKING_RULES",
    "blocking_rules",
    "dedupe_settings",
]

_FUZZY_DATE = "('approximate', 'year')"


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(*columns: str) -> dict[str, Any]:
    condition = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return _level(condition, "null", is_null_level=True)


_ELSE: Final = _level("ELSE", "else")

NAME: Final = {
    "output_column_name": "name",
    "comparison_levels": [
        _null("name_sorted"),
        _level(
            '"name_sorted_l" = "name_sorted_r"',
            "same name (any order, any script)",
            tf_adjustment_column="name_sorted",
            tf_adjustment_weight=1.0,
        ),
        _level('list_has_any("name_keys_l", "name_keys_r")', "a name or alias the same"),
        _level('"name_phonetic_l" = "name_phonetic_r"', "names sound alike"),
        _level('jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.92', "Jaro-Winkler >= 0.92"),
        _level('jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.85', "Jaro-Winkler >= 0.85"),
        _level(
            'len(list_intersect("name_tokens_l", "name_tokens_r")) >= 2',
            "two name tokens shared (names and aliases)",
        ),
        _level(
            'len(list_intersect("phonetic_tokens_l", "phonetic_tokens_r")) >= 2',
            "two name tokens sound alike (names and aliases)",
        ),
        _level(
            'len(list_intersect("name_tokens_l", "name_tokens_r")) >= 1',
            "one name token shared (names and aliases)",
        ),
        _ELSE,
    ],
}

_BOTH_FULL = "\"dob_precision_l\" = 'exact' AND \"dob_precision_r\" = 'exact'"
_EITHER_FUZZY = f'("dob_precision_l" IN {_FUZZY_DATE} OR "dob_precision_r" IN {_FUZZY_DATE})'
_NOT_BOTH_FULL = "NOT (\"dob_precision_l\" = 'exact' AND \"dob_precision_r\" = 'exact')"

DATE_OF_BIRTH: Final = {
    "output_column_name": "date_of_birth",
    "comparison_levels": [
        _null("birth_year"),
        _level(f'"dob_l" = "dob_r" AND {_BOTH_FULL}', "same full date"),
        _level(
            f'"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r" AND {_BOTH_FULL}',
            "same year and month",
        ),
        # 1 January, a flagged approximate date or a year only: day and month say nothing.
        _level(f'"birth_year_l" = "birth_year_r" AND {_EITHER_FUZZY}', "same year, approximate date"),
        # An estimated age gives a year +-1; so does an approximate date guessed from an age.
        _level(
            f'abs("birth_year_l" - "birth_year_r") <= 1 AND {_NOT_BOTH_FULL}',
            "within one year, estimated or approximate",
        ),
        _level('abs("birth_year_l" - "birth_year_r") <= 1', "within one year (full dates)"),
        _ELSE,
    ],
}

SEX: Final = {
    "output_column_name": "sex",
    "comparison_levels": [_null("sex"), _level('"sex_l" = "sex_r"', "same sex"), _ELSE],
}

CITIZENSHIP: Final = {
    "output_column_name": "citizenship",
    "comparison_levels": [
        _null("citizenships"),
        _level('list_has_any("citizenships_l", "citizenships_r")', "a citizenship shared"),
        _ELSE,
    ],
}

ADDRESS: Final = {
    "output_column_name": "address",
    "comparison_levels": [
        _null("address"),
        _level('"address_l" = "address_r"', "same address"),
        _level('jaro_winkler_similarity("address_l", "address_r") >= 0.88', "similar address"),
        _ELSE,
    ],
}

# Comparison name -> the most a disagreement ("else" level) may count against a match, in bits (log2 of the
# Bayes factor). -1.5 bits: a moved person with the same name and date of birth stays "likely".
TEMPERED: Final[dict[str, float]] = {"address": -1.5, "sex": -2.0}


def blocking_rules() -> list[dict[str, Any]]:
    """Candidate pairs. None uses the address, and reordered names block alike (sorted tokens and codes)."""
    return [
        {"blocking_rule": 'l."family_code" = r."family_code" AND l."birth_year" = r."birth_year"'},
        {"blocking_rule": 'l."given_code" = r."given_code" AND l."family_code" = r."family_code"'},
        {"blocking_rule": 'l."first_code" = r."first_code" AND l."last_code" = r."last_code"'},
        {"blocking_rule": 'l."first_token" = r."first_token" AND l."birth_year" = r."birth_year"'},
        {"blocking_rule": 'l."last_token" = r."last_token" AND l."birth_year" = r."birth_year"'},
        {"blocking_rule": 'l."dob" = r."dob"'},
        # Alias-aware: any full name or alias of one record equal to any of the other's.
        {"blocking_rule": 'l."name_keys" = r."name_keys"', "arrays_to_explode": ["name_keys"]},
    ]


# EM estimates m on pairs from each rule, for every comparison the rule does not use.
TRAINING_BLOCKING_RULES: Final = (
    'l."dob" = r."dob"',
    'l."first_code" = r."first_code" AND l."last_code" = r."last_code"',
)


def dedupe_settings(probability_two_random_records_match: float = 1e-4) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": [NAME, DATE_OF_BIRTH, SEX, CITIZENSHIP, ADDRESS],
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }
