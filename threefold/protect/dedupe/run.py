"""Train the model on the records themselves (EM, no labels), score candidate pairs, band them, cluster them.

Training: u by random sampling with a fixed seed, the prior from a near-certain deterministic rule, m by EM on
the training blocking rules; then the "else" levels listed in ``settings.TEMPERED`` are capped. Everything runs
in an in-memory DuckDB connection that is closed at the end; nothing is written to disk. The same records and
seed give the same pairs and probabilities (rounded to 6 decimals).
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals import expectation_maximisation as _em

from threefold.protect.dedupe import settings as model
from threefold.protect.dedupe.records import COLUMNS, DedupeRecord, prepare_all

logger = logging.getLogger(__name__)

__all__ = ["Band", "Pair", "clusters", "find_duplicates", "score"]

LIKELY_FROM = 0.9
POSSIBLE_FROM = 0.5
# A full name and a full date of birth both equal: nearly always the same person; used only to set the prior.
DETERMINISTIC_RULES = ('l."name_sorted" = r."name_sorted" AND l."dob" = r."dob"',)
DETERMINISTIC_RECALL = 0.5
U_MAX_PAIRS = 2e6


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


_ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "VARCHAR[]": pa.list_(pa.string())}


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


def _train(linker: Linker, *, seed: int, training_rules: Iterable[str]) -> None:
    # With no deterministic match at all, Splink raises: keep the settings' prior then.
    with suppress(Exception):
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    with _m_u_floor():
        for rule in training_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)


# Splink 5 refuses an m probability that EM drove to 0.0 (a level seen only among clear non-matches, common on a
# few hundred records) and aborts the whole training. Floor such values instead: the level then counts strongly,
# not infinitely, against a match. Patched only while EM runs (not thread-safe; training is single-threaded).
M_U_FLOOR = 1e-5


@contextmanager
def _m_u_floor() -> Iterator[None]:
    original = _em.m_u_records_to_lookup_dict

    def floored(m_u_records: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
        for record in m_u_records:
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, float) and value < M_U_FLOOR:
                    record[key] = M_U_FLOOR
        return original(m_u_records)

    _em.m_u_records_to_lookup_dict = floored
    try:
        yield
    finally:
        _em.m_u_records_to_lookup_dict = original


def score(
    table: pa.Table,
    settings: dict[str, Any],
    *,
    seed: int,
    threshold: float,
    training_rules: Iterable[str],
    caps: dict[str, float],
) -> list[dict[str, Any]]:
    """Train a model on ``table`` and return Splink's scored pairs (as dicts) at or above ``threshold``."""
    connection = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection)
        frame = db_api.register(table)
        linker = Linker(frame, settings, log_level=None)
        _train(linker, seed=seed, training_rules=training_rules)
        if caps:
            trained = linker.misc.save_model_to_json()
            linker = Linker(frame, temper(trained, caps), log_level=None)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        return predictions.as_record_list()
    finally:
        connection.close()


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
        model.dedupe_settings(),
        seed=seed,
        threshold=possible_from,
        training_rules=model.TRAINING_BLOCKING_RULES,
        caps=model.TEMPERED,
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
