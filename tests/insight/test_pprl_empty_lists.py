"""An empty list of encodings (an organisation with nobody left to link) compares with anything and finds nobody."""

from __future__ import annotations

import pytest

from threefold.insight.core.pprl import (
    DEFAULT_SCHEMA,
    Blocking,
    Encoder,
    LinkageKey,
    cluster,
    dedupe,
    link,
    one_to_one,
    overlap_from_matches,
)

ENCODER = Encoder(DEFAULT_SCHEMA, LinkageKey(b"k" * 32))
EMPTY = ENCODER.encode_many([])
ONE = ENCODER.encode_many([{"given_names": "Olga", "family_names": "Petrova", "date_of_birth": "1990"}])


@pytest.mark.parametrize("blocking", [Blocking(), Blocking.everything(), Blocking(lsh=None)])
def test_an_empty_list_links_with_nobody(blocking: Blocking) -> None:
    for a, b in ((EMPTY, ONE), (ONE, EMPTY), (EMPTY, EMPTY)):
        candidates = link(a, b, blocking=blocking)
        assert len(candidates) == 0
        assert candidates.compared == 0
        assert (candidates.size_a, candidates.size_b) == (len(a), len(b))
        matches = one_to_one(candidates)
        assert overlap_from_matches(len(a), len(b), matches).in_both == 0
    assert len(dedupe(EMPTY, blocking=blocking)) == 0
    assert cluster(dedupe(EMPTY, blocking=blocking)).count == 0
