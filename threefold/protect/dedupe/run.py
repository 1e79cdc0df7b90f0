"""Train the model on the records themselves (EM, no labels), score candidate pairs, band them, cluster them.

Training: u by random sampling with a fixed seed, the prior from a near-certain deterministic rule, m by EM on
the training blocking rules (a rule EM cannot use leaves the levels' priors); then the "else" levels listed in
``settings.TEMPERED`` are capped, and so are the year-only date levels (``settings.YEAR_ONLY``). Everything runs
in an in-memory DuckDB connection that is closed at the end; nothing is written to disk. The same records and
seed give the same pairs and probabilities (rounded to 6 decimals).
"""

from __future__ import annotations

import copy
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException  # only to catch it: Splink exports no exceptions

from threefold.protect.dedupe import settings as model
from threefold.protect.dedupe.records import COLUMNS, DedupeRecord, prepare_all

logger = logging.getLogger(__name__)

__all__ = ["Band", "Pair", "clusters", "find_duplicates", "score"]

LIKELY_FROM = 0.9
POSSIBLE_FROM = 0.5
# A full name and a full date of birth both equal: nearly always the same person; used only to set the prior.
DETERMINISTIC_RULES = ('l."name_sorted" = r."name_sorted" AND l."dob" = r."dob"',)
DETERMINISTIC_RECALL = 0.5
U_MAX_PAIRS = 1e6


class Band(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"


@dataclass(frozen=True, order=True)
class Pair:
    record_id_l: str  # the smaller id of the two
    record_id_r: str
    match_probability: float
    match_weight: float
    band: Band


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "VARCHAR[]": pa.list_(pa.string()),
    "BIGINT[]": pa.list_(pa.int64()),
}


def _table(records: Sequence[DedupeRecord]) -> pa.Table:
    columns = prepare_all(list(records))
    schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in COLUMNS.items()])
    return pa.table(columns, schema=schema)


def temper(trained: dict[str, Any], caps: dict[str, float]) -> dict[str, Any]:
    """Cap the Bayes factor of each listed comparison's "else" level at 2**cap; rescale its other m values."""
    settings = copy.deepcopy(trained)
    for comparison in settings["comparisons"]:
        cap = caps.get(comparison["output_column_name"])
        if cap is None:
            continue
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        last = levels[-1]
        m, u = last.get("m_probability"), last.get("u_probability")
        if m is None or u is None or u <= 0 or m >= u * 2**cap:
            continue
        new_m = min(u * 2**cap, 0.99)
        scale = (1 - new_m) / (1 - m) if m < 1 else 0.0
        for level in levels[:-1]:
            if level.get("m_probability") is not None:
                level["m_probability"] *= scale
        last["m_probability"] = new_m
    return settings


def year_agreement(years: Sequence[int | None], within: int) -> float:
    """The chance that two different records' birth years are at most ``within`` apart (records without one aside)."""
    counts = Counter(year for year in years if year is not None)
    n = sum(counts.values())
    if n < 2:
        return 0.0
    close = sum(
        count * (counts.get(year + delta, 0) - (delta == 0))
        for year, count in counts.items()
        for delta in range(-within, within + 1)
    )
    return close / (n * (n - 1))


def bound_year_levels(trained: dict[str, Any], chance: dict[str, float]) -> dict[str, Any]:
    """Cap the Bayes factor of each date level in ``chance`` (label -> probability p that two strangers' birth
    years agree that well) at 1/p: agreeing years alone carry at most log2(1/p) bits, whatever EM learnt."""
    settings = copy.deepcopy(trained)
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] != model.DATE_OF_BIRTH["output_column_name"]:
            continue
        for level in comparison["comparison_levels"]:
            p = chance.get(level.get("label_for_charts", ""))
            m, u = level.get("m_probability"), level.get("u_probability")
            if p and isinstance(m, float) and isinstance(u, float) and m > u / p:
                level["u_probability"] = m * p
    return settings


def _train(
    data: Any, settings: dict[str, Any], *, seed: int, training_rules: Iterable[str]
) -> dict[str, Any]:
    """The trained model (Splink's JSON). A training rule that cannot be used leaves the levels' priors."""
    linker = Linker(data, settings, log_level=None)
    # With no deterministic match at all Splink sets the prior to 0 (or raises), which would make every pair
    # impossible and fail prediction with "math domain error": keep the settings' prior then.
    with suppress(SplinkException, ValueError):
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
    if not 0 < linker.misc.save_model_to_json()["probability_two_random_records_match"] < 1:
        linker = Linker(data, settings, log_level=None, validate_settings=False)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed, num_chunks=1)
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    for rule in training_rules:
        # A rule that selects no pair raises EMTrainingException. On a few hundred records EM can also drive a
        # level's m to exactly 0 (seen only among clear non-matches), which Splink refuses with ValueError. A
        # failed session can leave the linker without the comparisons it was training, so the model goes on
        # from the last good one, with the priors (settings._level) for what that rule would have trained: a
        # small organisation still gets a model.
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except (SplinkException, ValueError) as error:
            logger.info("training rule %s not used: %s", rule, str(error).splitlines()[0])
            linker = Linker(data, trained, log_level=None, validate_settings=False)
        else:
            trained = linker.misc.save_model_to_json()
    return trained


def score(
    table: pa.Table | Sequence[pa.Table],
    settings: dict[str, Any],
    *,
    seed: int,
    threshold: float,
    training_rules: Iterable[str],
    caps: dict[str, float],
    year_only: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Train a model on ``table`` and return Splink's scored pairs (as dicts) at or above ``threshold``.

    Two tables with a "link_only" model are linked instead of de-duplicated (the FEBRL4 bench)."""
    connection = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection)
        tables = [table] if isinstance(table, pa.Table) else list(table)
        frames = [db_api.register(t, dataset_display_name=f"list_{i}") for i, t in enumerate(tables)]
        data = frames if len(frames) > 1 else frames[0]
        trained = _train(data, settings, seed=seed, training_rules=training_rules)
        if year_only:
            years = [year for t in tables for year in t.column("birth_year").to_pylist()]
            chance = {label: year_agreement(years, within) for label, within in year_only.items()}
            trained = bound_year_levels(trained, chance)
        # The same comparisons as the first linker, which validated them: only m and u changed.
        linker = Linker(data, temper(trained, caps), log_level=None, validate_settings=False)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        return predictions.as_record_list()
    finally:
        connection.close()


# The share of records that are a second record of someone: the prior's guess, used only when the records hold
# no pair with the same name and full date of birth to estimate it from (a small or a new organisation).
EXPECTED_SECOND_RECORDS = 0.05


def prior_probability(records: int) -> float:
    """The chance that two of ``records`` records are one person, if a twentieth of them are second records."""
    return min(0.5, EXPECTED_SECOND_RECORDS * records / max(1, records * (records - 1) / 2))


def find_duplicates(
    records: Sequence[DedupeRecord],
    *,
    seed: int,
    likely_from: float = LIKELY_FROM,
    possible_from: float = POSSIBLE_FROM,
) -> list[Pair]:
    """Pairs of records that may be one person, most probable first (ties by ids), for a person to review."""
    if not 0 < possible_from <= likely_from <= 1:
        raise ValueError("need 0 < possible_from <= likely_from <= 1")
    if len(records) < 2:
        return []
    rows = score(
        _table(records),
        model.dedupe_settings(prior_probability(len(records)), records=len(records)),
        seed=seed,
        threshold=possible_from,
        training_rules=model.TRAINING_BLOCKING_RULES,
        caps=model.TEMPERED,
        year_only=model.YEAR_ONLY,
    )
    pairs = []
    for row in rows:
        probability = round(float(row["match_probability"]), 6)
        if probability < possible_from:
            continue
        left, right = sorted((str(row["record_id_l"]), str(row["record_id_r"])))
        weight = float(row["match_weight"])
        pairs.append(
            Pair(
                left,
                right,
                probability,
                round(weight, 4) if math.isfinite(weight) else weight,
                Band.LIKELY if probability >= likely_from else Band.POSSIBLE,
            )
        )
    pairs.sort(key=lambda pair: (-pair.match_probability, pair.record_id_l, pair.record_id_r))
    return pairs


def clusters(pairs: Iterable[Pair], *, min_probability: float = LIKELY_FROM) -> list[list[str]]:
    """Connected components of the pairs at or above ``min_probability`` (sorted ids; only groups of 2+)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        if pair.match_probability >= min_probability:
            a, b = find(pair.record_id_l), find(pair.record_id_r)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)
