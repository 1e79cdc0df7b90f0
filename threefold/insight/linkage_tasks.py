"""Background work of record linkage, run by a worker: making an encoding set, and a linkage run.

``make_encodings(pk)`` takes the set's secret out of the database (erasing it there), decrypts the identities of
the organisation's people who consented to statistics, encodes them (keyed Bloom filters), writes the encoding
file and keeps it sealed with the position -> person mapping. Progress is saved every 2% or so: the first half
is reading people, the second encoding them.

``run_linkage(pk)`` reads the run's sets (leaving out, in sets made here, anyone erased, merged or no longer
consenting since), compares them (blocking and Dice coefficients, `compare`), decides who is the same person
(one-to-one links for two lists, clusters for three or more) and keeps the counts by capture history only.

`overlap` does the comparing and deciding without the database. All writes go through linkage_services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np
from django_tasks import task

from threefold.insight import linkage_access, linkage_services
from threefold.insight.core.pprl import (
    Encoder,
    Encodings,
    LinkageKey,
    cluster,
    dedupe,
    link,
    one_to_one,
    overlap_from_clusters,
    overlap_from_matches,
    read_encodings,
    write_encodings,
)
from threefold.insight.linkage_records import SCHEMA
from threefold.insight.tasks import Throttled

CHUNK: Final = 2000  # records encoded at once, between two progress reports
# Why a set or a run has no result, stored as a code that the pages put into words (linkage_views.FAILURES).
UNEXPECTED: Final = "unexpected"
NOBODY: Final = "nobody"
SET_GONE: Final = "set_gone"


def overlap(parts: Sequence[Encodings], lists: Sequence[str], threshold: float) -> dict[str, Any]:
    """Who is on which lists, counted: the stored result of a run (JSON-ready, counts only).

    Two lists: the pairs at or above ``threshold`` (blocked Dice comparison), then greedy one-to-one links.
    Three or more: the lists pooled, pairs within the pool, single-linkage clusters with a size guard; a
    cluster is one person, on the lists its records came from.
    """
    names = tuple(lists)
    result: dict[str, Any] = {"records": [len(part) for part in parts], "threshold": threshold}
    if len(parts) == 2:
        candidates = link(parts[0], parts[1], threshold)
        matches = one_to_one(candidates)
        found = overlap_from_matches(len(parts[0]), len(parts[1]), matches, lists=(names[0], names[1]))
        result.update(method="one_to_one", linked=len(matches), clusters_cut=0, unsplittable=0)
    else:
        pooled = Encodings.concatenate(list(parts))
        source = np.repeat(np.arange(len(parts)), [len(part) for part in parts])
        candidates = dedupe(pooled, threshold)
        clusters = cluster(candidates)
        found = overlap_from_clusters(clusters, source, names)
        result.update(
            method="clusters",
            linked=int((clusters.sizes > 1).sum()),
            clusters_cut=clusters.cut,
            unsplittable=clusters.unsplittable,
        )
    result.update(
        histories=[list(row) for row in found.rows()],
        people=found.people,
        compared=int(candidates.compared),
        above_threshold=len(candidates),
        lsh_skipped_buckets=int(candidates.lsh_skipped_buckets),
    )
    return result


def encode(
    records: Sequence[dict[str, object]], key: LinkageKey, progress: Callable[[int], None]
) -> Encodings:
    encoder = Encoder(SCHEMA, key)
    parts = []
    for start in range(0, len(records), CHUNK):
        parts.append(encoder.encode_many(records[start : start + CHUNK]))
        progress(min(start + CHUNK, len(records)))
    return Encodings.concatenate(parts) if parts else encoder.encode_many([])


@task()
def make_encodings(set_id: int) -> str:
    """Make an encoding set queued by linkage_services.make_encodings; what it ended as."""
    taken = linkage_services.take_secret(set_id)
    if taken is None:
        return "gone"
    found, secret = taken
    save = Throttled(lambda done, total: linkage_services.save_set_progress(set_id, done, total))
    try:
        key = LinkageKey(secret)
        del secret
        people = linkage_access.records_to_encode(
            found.organisation_id, set_id, lambda done, total: save(done, 2 * total)
        )
        count = len(people.records)
        if not count:
            linkage_services.fail_set(set_id, NOBODY, left_out=people.left_out)
            return "failed"
        encodings = encode(people.records, key, lambda done: save(count + done, 2 * count))
        data = write_encodings(encodings, SCHEMA, key, valid_for=dt.timedelta(days=found.valid_days))
        written = read_encodings(data, SCHEMA, key)  # what the other party will read, read back once
    except Exception:
        linkage_services.fail_set(set_id, UNEXPECTED)
        raise
    finished = linkage_services.finish_made_set(
        set_id,
        data=data,
        person_ids=people.person_ids,
        left_out=people.left_out,
        file_id=written.file_id,
        expires_at=written.expires,
    )
    return "done" if finished else "gone"


@task()
def run_linkage(run_id: int) -> str:
    """Run a linkage queued by linkage_services.start_run; what it ended as ("done", "failed", "gone")."""
    run = linkage_services.start_linkage_run(run_id)
    if run is None:
        return "gone"
    total = len(run.set_ids) + 2
    try:
        linkage_services.save_run_progress(run_id, "reading", 0, total)
        inputs = linkage_access.encodings_for_run(run)
        linkage_services.save_run_progress(run_id, "comparing", len(inputs), total)
        result = overlap([item.encodings for item in inputs], run.lists, run.threshold)
        result["dropped"] = [item.dropped for item in inputs]
        linkage_services.save_run_progress(run_id, "deciding", total - 1, total)
    except linkage_access.SetGoneError:
        linkage_services.fail_run(run_id, SET_GONE)
        return "failed"
    except Exception:
        linkage_services.fail_run(run_id, UNEXPECTED)
        raise
    return "done" if linkage_services.finish_run(run_id, result) else "gone"
