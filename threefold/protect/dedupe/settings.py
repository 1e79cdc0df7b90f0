"""The Splink model for de-duplicating person records (dedupe_only), made for trafficking data.

What the data is like, and what the model does about it (see the shared reference on record linkage):

* Names are transliterated, reordered, shortened and replaced by aliases. Names are compared as their sorted,
  transliterated tokens (so order and script do not matter), then Metaphone keys, then every name and alias as a
  whole, then Jaro-Winkler, then shared tokens of any name or alias, then the first given or family name
  sounding alike. Exact same names get a term-frequency adjustment: "Maria Garcia" is weaker evidence than a rare
  name.
* Dates of birth are often approximate: 1 January of a guessed year, a year only, or an age estimated on a day.
  Such a date agreeing on the year is its own level, never a disagreement on day and month; an estimated year is
  compatible within one year. Full dates that differ in one part, or with day and month swapped, are a level too.
* Sex is recorded inconsistently; its weight is kept modest (see ``TEMPERED``).
* People move. Street, locality, postcode and region are ONE comparison (the whole string, then how many of the
  four parts are alike), because four near-copies voting separately teach EM that "address differs" means "not
  a match". Its "else" level is tempered too, and no blocking rule uses the address alone: the rules on names
  and dates find a mover; those that add a part of the address only add pairs (``blocking_rules``).

Every level carries a prior m and u (``_level``): training starts from them, and they stand where the records are
too few for EM to estimate a level.

``TEMPERED`` caps, after training, how much a disagreement on a comparison may count against a match: EM is free
to learn the agreeing levels, but a moved person or a differently recorded sex cannot sink a pair.

``YEAR_ONLY`` bounds the other way: a date that agrees only on its year (a placeholder 1 January, a year, an
estimated age) cannot be stronger evidence than two strangers' years agreeing by chance allows. EM, which sees few
such pairs, learnt 12 bits for it on FEBRL4 (as much as a full date), and namesakes born in the same year became
"likely".
"""

from __future__ import annotations

from typing import Any, Final

from threefold.protect.dedupe.records import ADDRESS_PARTS

__all__ = [
    "TEMPERED",
    "TRAINING_BLOCKING_RULES",
    "YEAR_ONLY",
    "blocking_rules",
    "dedupe_settings",
]

_FUZZY_DATE = "('approximate', 'year')"


def _level(sql: str, label: str, m: float, u: float, **extra: Any) -> dict[str, Any]:
    """A comparison level with its prior m and u: what training starts from, and what a level keeps when the
    records are too few to train it (EM on a few hundred records can fail; see ``run._train``)."""
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u, **extra}


def _null(*columns: str) -> dict[str, Any]:
    condition = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return {"sql_condition": condition, "label_for_charts": "null", "is_null_level": True}


def _shares_two(column: str) -> str:
    # list_has_any first: DuckDB evaluates the right of an AND only where the left holds, and list_intersect is
    # the costliest test of the model (most pairs share no token at all).
    return (
        f'list_has_any("{column}_l", "{column}_r") AND len(list_intersect("{column}_l", "{column}_r")) >= 2'
    )


def _else(m: float, u: float) -> dict[str, Any]:
    return _level("ELSE", "else", m, u)


NAME: Final = {
    "output_column_name": "name",
    "comparison_levels": [
        _null("name_sorted"),
        _level(
            '"name_sorted_l" = "name_sorted_r"',
            "same name (any order, any script)",
            0.55,
            1e-4,
            tf_adjustment_column="name_sorted",
            tf_adjustment_weight=1.0,
        ),
        # Only records with an alias have two keys; without one, this is the level above. Testing that first spares
        # most pairs the list comparison.
        _level(
            'len("name_keys_l") + len("name_keys_r") > 2 AND list_has_any("name_keys_l", "name_keys_r")',
            "a name or alias the same",
            0.05,
            1e-5,
        ),
        _level('"name_phonetic_l" = "name_phonetic_r"', "names sound alike", 0.08, 2e-4),
        _level(
            'jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.92',
            "Jaro-Winkler >= 0.92",
            0.12,
            5e-4,
        ),
        _level(
            'jaro_winkler_similarity("name_sorted_l", "name_sorted_r") >= 0.85',
            "Jaro-Winkler >= 0.85",
            0.05,
            5e-3,
        ),
        _level(_shares_two("name_tokens"), "two name tokens shared (names and aliases)", 0.03, 1e-5),
        _level(_shares_two("phonetic_tokens"), "two name tokens sound alike (names and aliases)", 0.02, 5e-5),
        _level(
            'list_has_any("name_tokens_l", "name_tokens_r")',
            "one name token shared (names and aliases)",
            0.04,
            0.03,
        ),
        _level(
            '"given_code_l" = "given_code_r" OR "family_code_l" = "family_code_r"',
            "given or family name sounds alike",
            0.03,
            0.03,
        ),
        _else(0.03, 0.94),
    ],
}

_BOTH_FULL = "\"dob_precision_l\" = 'exact' AND \"dob_precision_r\" = 'exact'"
_EITHER_FUZZY = f'("dob_precision_l" IN {_FUZZY_DATE} OR "dob_precision_r" IN {_FUZZY_DATE})'
_TWO_OF_THREE = (
    'CAST("birth_year_l" = "birth_year_r" AS INTEGER) + CAST("birth_month_l" = "birth_month_r" AS INTEGER)'
    ' + CAST("birth_day_l" = "birth_day_r" AS INTEGER) >= 2'
)
_SWAPPED = '("birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_day_r" AND "birth_day_l" = "birth_month_r")'
_NOT_BOTH_FULL = "NOT (\"dob_precision_l\" = 'exact' AND \"dob_precision_r\" = 'exact')"

DATE_OF_BIRTH: Final = {
    "output_column_name": "date_of_birth",
    "comparison_levels": [
        _null("birth_year"),
        _level(f'"dob_l" = "dob_r" AND {_BOTH_FULL}', "same full date", 0.55, 1e-4),
        # A typing error in one of year, month and day, or day and month swapped (the other date convention).
        _level(
            f"({_TWO_OF_THREE} OR {_SWAPPED}) AND {_BOTH_FULL}",
            "one part differs, or day and month swapped",
            0.05,
            2e-3,
        ),
        # 1 January, a flagged approximate date or a year only: day and month say nothing.
        _level(
            f'"birth_year_l" = "birth_year_r" AND {_EITHER_FUZZY}', "same year, approximate date", 0.2, 5e-3
        ),
        # An estimated age gives a year +-1; so does an approximate date guessed from an age.
        _level(
            f'abs("birth_year_l" - "birth_year_r") <= 1 AND {_NOT_BOTH_FULL}',
            "within one year, estimated or approximate",
            0.12,
            0.01,
        ),
        _level('abs("birth_year_l" - "birth_year_r") <= 1', "within one year (full dates)", 0.03, 0.05),
        _else(0.07, 0.93),
    ],
}

SEX: Final = {
    "output_column_name": "sex",
    "comparison_levels": [
        _null("sex"),
        _level('"sex_l" = "sex_r"', "same sex", 0.92, 0.55),
        _else(0.08, 0.45),
    ],
}

CITIZENSHIP: Final = {
    "output_column_name": "citizenship",
    "comparison_levels": [
        _null("citizenships"),
        _level('list_has_any("citizenships_l", "citizenships_r")', "a citizenship shared", 0.9, 0.1),
        _else(0.1, 0.9),
    ],
}


def _part_alike(part: str) -> str:
    same = f'"{part}_l" = "{part}_r"'
    if part in ("street", "locality"):  # words, where typing errors are common; codes must be equal
        same = f'jaro_winkler_similarity("{part}_l", "{part}_r") >= 0.9'
    return f"CAST(coalesce({same}, false) AS INTEGER)"


_ADDRESS_PARTS_ALIKE = " + ".join(_part_alike(part) for part in ADDRESS_PARTS)

ADDRESS: Final = {
    "output_column_name": "address",
    "comparison_levels": [
        _null("address"),
        _level('"address_l" = "address_r"', "same address", 0.4, 5e-4),
        # Parts rather than characters: a house number missing or a misspelt town leaves most parts alike.
        _level(
            f"{_ADDRESS_PARTS_ALIKE} >= 3", "three of street, locality, postcode and region alike", 0.1, 1e-3
        ),
        _level('jaro_winkler_similarity("address_l", "address_r") >= 0.88', "similar address", 0.05, 5e-3),
        _level(
            f"{_ADDRESS_PARTS_ALIKE} >= 2", "two of street, locality, postcode and region alike", 0.05, 0.02
        ),
        _else(0.55, 0.99),
    ],
}

# Comparison name -> the most a disagreement ("else" level) may count against a match, in bits (log2 of the
# Bayes factor). -1.5 bits: a moved person with the same name and date of birth stays "likely".
TEMPERED: Final[dict[str, float]] = {"address": -1.5, "sex": -2.0}

# Date of birth level label -> how many years apart the birth years may be for it. After training, its Bayes factor
# is at most 1/p, p the chance that two records' birth years are that close (counted on the records themselves).
YEAR_ONLY: Final[dict[str, int]] = {
    "same year, approximate date": 0,
    "within one year, estimated or approximate": 1,
}


def blocking_rules() -> list[dict[str, Any]]:
    """Candidate pairs: the union of the rules below.

    The first rules use only names and dates of birth (reordered names block alike: sorted tokens and codes), so
    a person who moved is found as surely as one who stayed. The last ones pair a part of the address with a
    part of the name or of the date: they only add pairs, where a name and a date both carry a typing error but
    the person stayed put (on FEBRL4 they raise the share of true pairs compared from 0.965 to 0.993, for 18 %
    more candidates). No rule uses the address alone, nor a part of it with something as common as a year of
    birth (a town and a year made 9 million pairs of 100,000 records).
    """
    name_and_date = [
        'l."family_code" = r."family_code" AND l."birth_year" = r."birth_year"',
        'l."given_code" = r."given_code" AND l."family_code" = r."family_code"',
        'l."first_code" = r."first_code" AND l."last_code" = r."last_code"',
        'l."first_token" = r."first_token" AND l."birth_year" = r."birth_year"',
        'l."last_token" = r."last_token" AND l."birth_year" = r."birth_year"',
        'l."dob" = r."dob"',
        'l."birth_month" = r."birth_month" AND l."birth_day" = r."birth_day" AND l."family_code" = r."family_code"',
        'l."birth_month" = r."birth_month" AND l."birth_day" = r."birth_day" AND l."given_code" = r."given_code"',
    ]
    address_and_more = [
        'l."postcode" = r."postcode" AND l."given_code" = r."given_code"',
        'l."postcode" = r."postcode" AND l."family_code" = r."family_code"',
        'l."postcode" = r."postcode" AND l."birth_year" = r."birth_year"',
        'l."postcode" = r."postcode" AND l."birth_month" = r."birth_month" AND l."birth_day" = r."birth_day"',
        'l."street" = r."street" AND l."locality" = r."locality"',
    ]
    return [
        *({"blocking_rule": rule} for rule in name_and_date),
        # Alias-aware: any full name or alias of one record equal to any of the other's.
        {"blocking_rule": 'l."name_keys" = r."name_keys"', "arrays_to_explode": ["name_keys"]},
        *({"blocking_rule": rule} for rule in address_and_more),
    ]


# EM estimates m, for every comparison a rule does not use, on the pairs that rule selects. Each rule must select
# mostly true matches, or EM learns what namesakes look like instead: with common names, "same name" alone is
# mostly different people (on 100,000 synthetic records it taught EM that dates of birth differ for 83 % of
# matches), so a name is trained beside a shared address or citizenship: training only needs some sure pairs,
# not all of them, so movers left out of these blocks do not matter here. A rule that selects no pair (no
# address recorded, say) is skipped.
TRAINING_BLOCKING_RULES: Final = (
    'l."dob" = r."dob"',
    'l."first_code" = r."first_code" AND l."last_code" = r."last_code" AND l."address" = r."address"',
    'l."first_code" = r."first_code" AND l."last_code" = r."last_code" AND l."citizenships" = r."citizenships"',
)


# Below this many records, how often a name occurs among them says more about how few they are than about the
# name (each of 10 records' names has a frequency of at least 1/10): the same name then counts at its trained
# weight, not adjusted for its frequency.
NAME_FREQUENCIES_FROM: Final = 1000


def _without_name_frequencies(comparison: dict[str, Any]) -> dict[str, Any]:
    levels = [
        {key: value for key, value in level.items() if not key.startswith("tf_")}
        for level in comparison["comparison_levels"]
    ]
    return {**comparison, "comparison_levels": levels}


def dedupe_settings(
    probability_two_random_records_match: float = 1e-4,
    *,
    link_type: str = "dedupe_only",
    records: int = NAME_FREQUENCIES_FROM,
) -> dict[str, Any]:
    """Splink settings for ``records`` records; ``link_type`` "link_only" links two lists (the FEBRL4 bench)."""
    name = NAME if records >= NAME_FREQUENCIES_FROM else _without_name_frequencies(NAME)
    return {
        "link_type": link_type,
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": [name, DATE_OF_BIRTH, SEX, CITIZENSHIP, ADDRESS],
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }
