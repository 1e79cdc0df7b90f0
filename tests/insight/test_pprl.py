"""Privacy-preserving record linkage (threefold.insight.core.pprl): encodings, comparison, matching, files.

Similarity tests assert the *ordering* of Dice coefficients (a true variant scores above a different person),
not exact values, which depend on the key. The no-plaintext test searches the file for every value of 4 bytes
or more: shorter strings (a 2-byte q-gram) occur by chance in any few hundred random bytes, so for them the
tests check instead that the bits come from the key (another key gives unrelated bits) and that the header
carries nothing of the records.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.purity import modules_importing_django
from threefold.insight.core import pprl
from threefold.insight.core.pprl import (
    DEFAULT_SCHEMA,
    DEFAULT_THRESHOLD,
    Blocking,
    Candidates,
    DateOfBirth,
    Encoder,
    EncodingFileError,
    Encodings,
    FieldSpec,
    LinkageKey,
    Lsh,
    Schema,
    SchemaMismatchError,
    cluster,
    dedupe,
    dice_matrix,
    link,
    one_to_one,
    overlap_from_clusters,
    overlap_from_matches,
    read_encodings,
    write_encodings,
)
from threefold.insight.core.pprl import compare as compare_module
from threefold.insight.core.pprl.encode import keyed_permutation
from threefold.insight.core.pprl.features import _normalise, elements, parse_date, parse_sex, tokens
from threefold.insight.core.pprl.files import FORMAT_VERSION, MAC_BYTES, MAGIC, MAX_VALIDITY
from threefold.vault.names import name_tokens, normalise_text

PACKAGE = Path(pprl.__file__).parent
KEY = LinkageKey(b"k" * 32)
OTHER_KEY = LinkageKey(b"o" * 32)
NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)


def encode(*records: dict[str, object], key: LinkageKey = KEY, schema: Schema = DEFAULT_SCHEMA) -> Encodings:
    return Encoder(schema, key).encode_many(records)


def dice(first: dict[str, object], second: dict[str, object], schema: Schema = DEFAULT_SCHEMA) -> float:
    pair = encode(first, second, schema=schema)
    return float(dice_matrix(pair.take([0]), pair.take([1]))[0, 0])


def name(given: str, family: str | None = None) -> dict[str, object]:
    return {"given_names": given, "family_names": family}


def born(value: object) -> dict[str, object]:
    return {"date_of_birth": value}


def person(
    given: str, family: str, dob: object, sex: str = "F", place: str | None = None
) -> dict[str, object]:
    return {
        "given_names": given,
        "family_names": family,
        "date_of_birth": dob,
        "sex": sex,
        "place_of_birth": place,
    }


def naive_dice(a: Encodings, b: Encodings) -> np.ndarray:
    """Dice with Python integers, independently of numpy's bit counting."""
    rows_a = [int.from_bytes(row.astype("<u8").tobytes(), "little") for row in a.words]
    rows_b = [int.from_bytes(row.astype("<u8").tobytes(), "little") for row in b.words]
    out = np.zeros((len(rows_a), len(rows_b)))
    for i, x in enumerate(rows_a):
        for j, y in enumerate(rows_b):
            total = x.bit_count() + y.bit_count()
            out[i, j] = 2 * (x & y).bit_count() / total if total else 0.0
    return out


# --- purity ----------------------------------------------------------------------------------------------------


def test_package_imports_no_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_package_runs_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from threefold.insight.core.pprl import DEFAULT_SCHEMA, Encoder, LinkageKey, link, one_to_one\n"
        "enc = Encoder(DEFAULT_SCHEMA, LinkageKey(bytes(32)))\n"
        "a = enc.encode_many([{'given_names': 'Olena', 'family_names': 'Kovalenko', 'date_of_birth': '1990'}])\n"
        "assert len(one_to_one(link(a, a))) == 1\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[3])


# --- keys and schema -------------------------------------------------------------------------------------------


def test_key_refuses_short_secrets_and_never_shows_the_secret() -> None:
    with pytest.raises(ValueError, match="at least 32 random bytes"):
        LinkageKey(b"password")
    with pytest.raises(TypeError):
        LinkageKey("k" * 32)  # type: ignore[arg-type]
    key = LinkageKey(bytes(range(32)))
    assert bytes(range(32)).hex() not in repr(key)
    assert key.key_check == LinkageKey(bytes(range(32))).key_check != KEY.key_check
    assert key.derive("field/names") != key.derive("field/sex")


def test_schema_fingerprint_changes_with_schema_and_key_and_does_not_contain_the_key() -> None:
    fingerprint = DEFAULT_SCHEMA.fingerprint(KEY)
    assert fingerprint == DEFAULT_SCHEMA.fingerprint(LinkageKey(b"k" * 32))
    assert fingerprint != DEFAULT_SCHEMA.fingerprint(OTHER_KEY)
    changed = Schema(DEFAULT_SCHEMA.name, 2, DEFAULT_SCHEMA.fields, blocking_field="date_of_birth")
    assert changed.fingerprint(KEY) != fingerprint
    assert (b"k" * 32).hex() not in fingerprint
    assert KEY.key_check not in fingerprint


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fields": ()}, "at least one field"),
        ({"fields": (FieldSpec("a", "text", 5), FieldSpec("a", "name", 5))}, "distinct"),
        ({"filter_bits": 1000}, "power of two"),
        ({"q": 0}, "q must be"),
        ({"blocking_field": "names"}, "date field"),
        ({"blocking_tolerance": 9}, "blocking_tolerance"),
        ({"version": 0}, "version"),
    ],
)
def test_schema_refuses_what_cannot_work(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"name": "s", "version": 1, "fields": DEFAULT_SCHEMA.fields}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Schema(**arguments)  # type: ignore[arg-type]


def test_field_spec_refuses_bad_weights_and_sources() -> None:
    with pytest.raises(ValueError, match="k must be"):
        FieldSpec("names", "name", k=0)
    with pytest.raises(ValueError, match="kind must be"):
        FieldSpec("names", "phone", k=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="several sources"):
        FieldSpec("dob", "date", k=5, sources=("a", "b"))
    assert FieldSpec("sex", "sex", k=5).sources == ("sex",)


def test_a_misspelt_record_key_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\['dob'\].*misspelt"):
        encode({"given_names": "Olena", "dob": "1990"})


# --- normalisation and elements --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ019 \t", max_size=20))
def test_the_plain_ascii_shortcut_equals_the_vault_normalisation(text: str) -> None:
    assert _normalise(text) == normalise_text(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_normalisation_equals_the_vault_for_any_text(text: str) -> None:
    assert _normalise(text) == normalise_text(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.sampled_from(["abc Def", "", "Ольга", "محمد"]))
def test_name_tokens_are_the_vault_name_tokens(text: str, other: str) -> None:
    assert tokens("name", (text, other)) == name_tokens(f"{text} {other}")


def test_transliteration_and_name_order_give_the_same_elements() -> None:
    latin = elements("name", ("Olena", "Kovalenko"), 2)
    assert elements("name", ("Олена", "Коваленко"), 2) == latin
    assert elements("name", ("Kovalenko", "Olena"), 2) == latin
    assert elements("name", ("KOVALENKO Olena", None), 2) == latin


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990-04-12", DateOfBirth(1990, 4, 12)),
        ("19900412", DateOfBirth(1990, 4, 12)),
        ("1990-04", DateOfBirth(1990, 4)),
        ("1990", DateOfBirth(1990)),
        (1990, DateOfBirth(1990)),
        (dt.date(1990, 4, 12), DateOfBirth(1990, 4, 12)),
        (dt.datetime(1990, 4, 12, 8, 30), DateOfBirth(1990, 4, 12)),
        ("", None),
        (None, None),
    ],
)
def test_dates_of_birth_are_parsed(value: object, expected: DateOfBirth | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["12/04/1990", "1990-13-01", "1990-02-32", "1700", "about 30"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="birth"):
        parse_date(value)


def test_estimated_and_placeholder_dates_encode_the_year_only() -> None:
    with pytest.raises(ValueError, match="year only"):
        DateOfBirth(1990, 4, estimated=True)
    year_only = elements("date", (DateOfBirth(1990),), 2)
    assert elements("date", ("1990-01-01",), 2) == year_only
    assert elements("date", (DateOfBirth(1990, estimated=True),), 2) == year_only
    assert year_only < elements("date", ("1990-04-12",), 2)


def test_sex_spellings_meet_and_unknown_is_missing() -> None:
    assert parse_sex("F") == parse_sex("female") == parse_sex(" Woman ") == "f"
    assert parse_sex("M") == parse_sex("MALE") == "m"
    assert parse_sex("unknown") is None
    assert parse_sex("") is None
    assert parse_sex("X") == "x"


# --- similarity: true variants above different people ---------------------------------------------------------


def test_transliterated_and_reordered_names_score_as_the_same_name() -> None:
    olena = name("Olena", "Kovalenko")
    other = dice(olena, name("Maria", "Petrova"))
    assert dice(name("Олена", "Коваленко"), olena) == pytest.approx(1.0)
    assert dice(name("Kovalenko", "Olena"), olena) == pytest.approx(1.0)
    assert dice(name("Kovalenko Olena"), olena) == pytest.approx(1.0)
    assert other < 0.5


def test_romanisation_variants_and_partial_names_rank_above_other_people() -> None:
    assert dice(name("Tatyana", "Ivanova"), name("Tatiana", "Ivanova")) > dice(
        name("Tatyana", "Ivanova"), name("Oksana", "Ivanenko")
    )
    # One name known on one side: partial overlap counts.
    assert dice(name("Olena"), name("Olena", "Kovalenko")) > dice(name("Olena"), name("Maria", "Petrova"))


def test_arabic_script_matches_its_romanisation_partly() -> None:
    # anyascii gives "mhmd ly": the consonants of Muhammad agree (same Metaphone code, shared q-grams), "Ali"
    # loses its vowels. A partial match, but above different people.
    arabic = name("محمد", "علي")
    muhammad_ali = dice(arabic, name("Muhammad", "Ali"))
    assert muhammad_ali > dice(arabic, name("Ahmed", "Hassan"))
    assert muhammad_ali > dice(arabic, name("Olena", "Kovalenko"))
    assert muhammad_ali < 0.75  # partial: not enough on its own, the date of birth has to help


def test_dates_exact_above_approximate_above_estimated_above_different() -> None:
    exact = born("1990-04-12")
    same = dice(exact, born("1990-04-12"))
    placeholder = dice(exact, born("1990-01-01"))
    year_only = dice(exact, born("1990"))
    estimated_next_year = dice(exact, born(DateOfBirth(1991, estimated=True)))
    three_years_off = dice(exact, born(DateOfBirth(1993)))
    different = dice(exact, born("1975-09-03"))
    assert same == pytest.approx(1.0)
    assert same > placeholder == pytest.approx(year_only)
    assert year_only > estimated_next_year > max(three_years_off, different)
    assert estimated_next_year > 0.3  # +-1 year still shares bits
    # Three years apart, or a different date, share no element: only bits that collide by chance.
    assert max(three_years_off, different) < 0.2
    # A wrong day keeps year and month.
    assert dice(exact, born("1990-04-21")) > year_only


def test_whole_records_rank_true_variants_above_different_people() -> None:
    record = person("Olena", "Kovalenko", "1990-04-12", "F", "Kharkiv")
    variants = [
        person("Олена", "Коваленко", "1990-04-12", "female", "Харків"),
        person("Kovalenko", "Olena", "1990", "F"),
        person("Olena", "Kovalenko", DateOfBirth(1991, estimated=True), "F", "Kharkiv"),
        person("Olena", "Kovalenko", "1990-04-12", "F", "Kharkov"),
    ]
    others = [
        person("Olena", "Petrenko", "1985-07-01", "F", "Lviv"),
        person("Maria", "Kovalenko", "1962-03-03", "F", "Kyiv"),
        person("Oleg", "Kovalenko", "1990-12-04", "M", "Odesa"),
        person("Olena", "Kovalenko", "1972-09-09", "F", "Lviv"),  # a namesake
    ]
    worst_variant = min(dice(record, variant) for variant in variants)
    best_other = max(dice(record, other) for other in others)
    assert worst_variant > best_other
    assert worst_variant >= 0.85
    assert best_other < DEFAULT_THRESHOLD


# --- keys: same key identical, other key unrelated ---------------------------------------------------------------


RECORDS = [
    person("Olena", "Kovalenko", "1990-04-12"),
    person("Maria", "Petrova", "1985-02-03"),
    person("Ahmed", "Hassan", "1979", "M", "Cairo"),
    person("Nguyen", "Thi Lan", DateOfBirth(2001, estimated=True)),
    person("Grace", "Okafor", "1995-11-30", "F", "Benin City"),
    person("Ana", "Lopez Garcia", "1988-06-15", "F", "Bogota"),
]


def test_same_key_and_schema_encode_identically_across_encoders() -> None:
    first = Encoder(DEFAULT_SCHEMA, LinkageKey(b"k" * 32)).encode_many(RECORDS)
    second = Encoder(DEFAULT_SCHEMA, LinkageKey(b"k" * 32)).encode_many(list(reversed(RECORDS)))
    np.testing.assert_array_equal(first.words, second.words[::-1])
    assert first.fingerprint == second.fingerprint


def test_another_key_sets_unrelated_bits() -> None:
    mine, theirs = encode(*RECORDS), encode(*RECORDS, key=OTHER_KEY)
    bits = mine.bits
    for row in range(len(RECORDS)):
        overlap = int(np.bitwise_count(mine.words[row] & theirs.words[row]).sum())
        p, q = int(mine.popcounts[row]), int(theirs.popcounts[row])
        # Independent filters overlap like a hypergeometric draw: mean p q / m, sd below sqrt(mean).
        expected = p * q / bits
        assert abs(overlap - expected) < 5 * expected**0.5, (row, overlap, expected)
    with pytest.raises(SchemaMismatchError):
        link(mine, theirs)


def test_element_positions_are_k_independent_values_in_range() -> None:
    encoder = Encoder(DEFAULT_SCHEMA, KEY)
    positions = encoder.element_positions("names", b"gol")
    assert len(positions) == DEFAULT_SCHEMA.spec("names").k
    assert all(0 <= p < DEFAULT_SCHEMA.filter_bits for p in positions)
    # Not an arithmetic progression (what double hashing would give).
    steps = {(b - a) % DEFAULT_SCHEMA.filter_bits for a, b in pairwise(positions)}
    assert len(steps) > 1
    # The same q-gram in another field sets other bits.
    assert set(encoder.element_positions("place_of_birth", b"gol")) != set(positions)


def test_balanced_filters_have_exactly_half_their_bits_set_and_still_rank() -> None:
    balanced = Schema("balanced", 1, DEFAULT_SCHEMA.fields, balanced=True, blocking_field="date_of_birth")
    encodings = encode(*RECORDS, schema=balanced)
    assert encodings.bits == 2 * balanced.filter_bits
    assert set(encodings.popcounts.tolist()) == {balanced.filter_bits}
    record = person("Olena", "Kovalenko", "1990-04-12")
    assert dice(record, person("Олена", "Коваленко", "1990"), balanced) > dice(
        record, person("Maria", "Petrova", "1985-02-03"), balanced
    )
    permutation = keyed_permutation(b"x" * 32, 2048)
    assert sorted(permutation.tolist()) == list(range(2048))
    assert not np.array_equal(permutation, keyed_permutation(b"y" * 32, 2048))


# --- no plaintext in what is exported ----------------------------------------------------------------------------

NAMES = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo"], exclude_characters="\x00"), min_size=1, max_size=12
)


def _plaintexts(given: str, family: str, dob: dt.date) -> set[bytes]:
    found = {given.encode(), family.encode()}
    for text in (given, family, f"{given} {family}", f"{family} {given}"):
        normalised = normalise_text(text)
        found.add(normalised.encode())
        found.update(token.encode() for token in normalised.split())
    found.update(
        value.encode()
        for value in (dob.isoformat(), dob.strftime("%Y%m%d"), dob.strftime("%d/%m/%Y"), str(dob.year))
    )
    return {value for value in found if len(value) >= 4}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(NAMES, NAMES, st.dates(dt.date(1920, 1, 1), dt.date(2020, 12, 31))), min_size=1, max_size=4
    )
)
def test_encoding_files_contain_no_plaintext(people: list[tuple[str, str, dt.date]]) -> None:
    records = [{"given_names": g, "family_names": f, "date_of_birth": d} for g, f, d in people]
    data = write_encodings(encode(*records), DEFAULT_SCHEMA, KEY, created=NOW)
    # Searched after the header: its hex digests may contain any 4 digits, such as a year; the header is
    # checked below to be the same whatever the records.
    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    payload = data[len(MAGIC) + 4 + length :]
    for first, last, dob in people:
        for plaintext in _plaintexts(first, last, dob):
            assert plaintext not in payload, plaintext
    # The header says how many records there are and nothing else about them.
    other = [{"given_names": "Ann", "family_names": None, "date_of_birth": None} for _ in records]
    other_data = write_encodings(encode(*other), DEFAULT_SCHEMA, KEY, created=NOW)
    assert _header(data) | {"file_id": ""} == _header(other_data) | {"file_id": ""}


def _header(data: bytes) -> dict[str, object]:
    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    header: dict[str, object] = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + length])
    return header


# --- comparison -------------------------------------------------------------------------------------------------


def _random_encodings(seed: int, rows: int, years: list[int | None]) -> Encodings:
    """Encodings of synthetic records that overlap a lot (shared names), with the given years of birth."""
    rng = np.random.default_rng(seed)
    pool = ["olena", "maria", "anna", "kovalenko", "petrova", "ivanova", "lan", "thi", "grace", "okafor"]
    records = [
        {
            "given_names": " ".join(rng.choice(pool, size=2)),
            "family_names": str(rng.choice(pool)),
            "date_of_birth": years[i % len(years)],
            "sex": str(rng.choice(["F", "M", ""])),
        }
        for i in range(rows)
    ]
    return encode(*records)


def test_dice_matrix_equals_python_integers() -> None:
    a = _random_encodings(1, 12, [1990, 1991, None])
    b = _random_encodings(2, 9, [1990, 1985])
    np.testing.assert_allclose(dice_matrix(a, b), naive_dice(a, b))


def _expected_pairs(
    full: np.ndarray, threshold: float, allowed: np.ndarray, same: bool
) -> set[tuple[int, int]]:
    mask = (full >= threshold) & allowed
    if same:
        mask &= np.triu(np.ones_like(mask, dtype=bool), k=1)
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)}


def _year_allowed(years_a: list[int | None], years_b: list[int | None], tolerance: int = 1) -> np.ndarray:
    return np.array(
        [[x is None or y is None or abs(x - y) <= tolerance for y in years_b] for x in years_a], dtype=bool
    )


@pytest.mark.parametrize("chunk", [7, compare_module.CHUNK_ELEMENTS])
def test_link_and_dedupe_find_exactly_the_pairs_above_the_threshold(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare_module, "CHUNK_ELEMENTS", chunk)
    years_a: list[int | None] = [1990, 1991, 1993, None, 1960]
    years_b: list[int | None] = [1992, None, 1990, 1960, 1961, 1989]
    a = _random_encodings(3, 30, years_a)
    b = _random_encodings(4, 36, years_b)
    full = naive_dice(a, b)
    threshold = 0.6
    every_a = [years_a[i % len(years_a)] for i in range(30)]
    every_b = [years_b[i % len(years_b)] for i in range(36)]

    everything = link(a, b, threshold, blocking=Blocking.everything())
    assert set(zip(everything.a.tolist(), everything.b.tolist(), strict=True)) == _expected_pairs(
        full, threshold, np.ones_like(full, dtype=bool), same=False
    )
    np.testing.assert_allclose(everything.dice, full[everything.a, everything.b])
    assert everything.compared == 30 * 36

    by_year = link(a, b, threshold, blocking=Blocking(year=True, lsh=None))
    pairs = list(zip(by_year.a.tolist(), by_year.b.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)), "a pair was reported twice"
    assert set(pairs) == _expected_pairs(full, threshold, _year_allowed(every_a, every_b), same=False)
    assert by_year.compared == int(_year_allowed(every_a, every_b).sum())

    within = naive_dice(a, a)
    deduped = dedupe(a, threshold, blocking=Blocking(year=True, lsh=None))
    pairs = list(zip(deduped.a.tolist(), deduped.b.tolist(), strict=True))
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == _expected_pairs(within, threshold, _year_allowed(every_a, every_a), same=True)
    allowed = _year_allowed(every_a, every_a)
    assert deduped.compared == int(np.triu(allowed, k=1).sum())
    all_within = dedupe(a, threshold, blocking=Blocking.everything())
    assert all_within.compared == 30 * 29 // 2
    assert set(zip(all_within.a.tolist(), all_within.b.tolist(), strict=True)) == _expected_pairs(
        within, threshold, np.ones_like(within, dtype=bool), same=True
    )


def test_lsh_adds_pairs_outside_the_year_blocks_without_duplicates() -> None:
    # The same person with a wrong year of birth: the year blocks cannot propose the pair, LSH does.
    records_a = [person("Olena", "Kovalenko", "1990-04-12", "F", "Kharkiv")] + [
        person(f"Person{i}", "Other", f"{1950 + i}-01-02", "M") for i in range(20)
    ]
    records_b = [person("Olena", "Kovalenko", "1970-04-12", "F", "Kharkiv")] + [
        person(f"Someone{i}", "Else", f"{1950 + i}-03-04", "F") for i in range(20)
    ]
    a, b = encode(*records_a), encode(*records_b)
    assert (0, 0) not in _pairs(link(a, b, 0.5, blocking=Blocking(year=True, lsh=None)))
    both = link(a, b, 0.5, blocking=Blocking(year=True, lsh=Lsh()))
    pairs = list(zip(both.a.tolist(), both.b.tolist(), strict=True))
    assert (0, 0) in pairs
    assert len(pairs) == len(set(pairs))
    lsh_only = link(a, b, 0.5, blocking=Blocking(year=False, lsh=Lsh()))
    assert (0, 0) in _pairs(lsh_only)


def _pairs(candidates: Candidates) -> set[tuple[int, int]]:
    return set(zip(candidates.a.tolist(), candidates.b.tolist(), strict=True))


def test_year_blocking_needs_year_blocks_when_asked() -> None:
    schema = Schema("no-blocks", 1, (FieldSpec("names", "name", 10, ("given_names", "family_names")),))
    encodings = encode(name("Olena", "Kovalenko"), schema=schema)
    assert len(link(encodings, encodings)) == 1  # year=None: used when present
    with pytest.raises(ValueError, match="no year blocks"):
        link(encodings, encodings, blocking=Blocking(year=True))


def test_threshold_must_be_a_proportion() -> None:
    encodings = encode(*RECORDS)
    for threshold in (0.0, 1.5):
        with pytest.raises(ValueError, match="threshold"):
            link(encodings, encodings, threshold)


# --- matching ----------------------------------------------------------------------------------------------------


def candidates(
    pairs: list[tuple[int, int, float]], size_a: int, size_b: int, same: bool = False
) -> Candidates:
    a, b, d = (np.array(column) for column in zip(*pairs, strict=True)) if pairs else ([], [], [])
    return Candidates(
        np.asarray(a, dtype=np.int64),
        np.asarray(b, dtype=np.int64),
        np.asarray(d, dtype=float),
        threshold=0.5,
        compared=len(pairs),
        size_a=size_a,
        size_b=size_b,
        same_list=same,
    )


def test_greedy_one_to_one_takes_the_highest_dice_first() -> None:
    found = candidates([(0, 0, 0.9), (0, 1, 0.95), (1, 1, 0.85), (1, 0, 0.8), (2, 2, 0.7), (3, 2, 0.7)], 4, 3)
    matches = one_to_one(found)
    # a0-b1 first (0.95); a1-b1 and a0-b0 are then taken; a1-b0 (0.8) is left; the tie at 0.7 goes to the
    # lower row of a.
    assert matches.pairs() == [(0, 1), (1, 0), (2, 2)]
    np.testing.assert_allclose(matches.dice, [0.95, 0.8, 0.7])
    assert one_to_one(candidates([], 2, 2)).pairs() == []
    with pytest.raises(ValueError, match="two lists"):
        one_to_one(candidates([(0, 1, 0.9)], 2, 2, same=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(0.5, 1.0)), max_size=25))
def test_one_to_one_never_reuses_a_record_and_leaves_no_free_pair(
    pairs: list[tuple[int, int, float]],
) -> None:
    unique = list({(a, b): (a, b, d) for a, b, d in pairs}.values())
    matches = one_to_one(candidates(unique, 6, 6))
    linked_a, linked_b = matches.a.tolist(), matches.b.tolist()
    assert len(set(linked_a)) == len(linked_a)
    assert len(set(linked_b)) == len(linked_b)
    # Maximal: every candidate pair has a linked record (else greedy would have taken it).
    for a, b, _ in unique:
        assert a in linked_a or b in linked_b


def test_overlap_of_two_deduplicated_lists() -> None:
    a = encode(*RECORDS[:4])
    b = encode(RECORDS[0], RECORDS[2], person("Someone", "Else", "1970"), person("Nobody", "Known", "1999"))
    matches = one_to_one(link(a, b))
    assert sorted(matches.pairs()) == [(0, 0), (2, 1)]
    overlap = overlap_from_matches(len(a), len(b), matches, ("shelter", "police"))
    assert (overlap.in_both, overlap.only_first, overlap.only_second) == (2, 2, 2)
    assert overlap.on("shelter", "police") == 2
    assert overlap.people == 6
    assert sorted(overlap.rows()) == [(0, 1, 2), (1, 0, 2), (1, 1, 2)]


def test_clusters_gather_within_list_duplicates() -> None:
    records = [
        person("Olena", "Kovalenko", "1990-04-12"),
        person("Maria", "Petrova", "1985-02-03"),
        person("Олена", "Коваленко", "1990"),
        person("Grace", "Okafor", "1995-11-30"),
        person("Kovalenko", "Olena", "1990-04-12"),
        person("Мария", "Петрова", "1985-02-03"),
        person("Ahmed", "Hassan", "1979", "M"),
    ]
    clusters = cluster(dedupe(encode(*records)))
    assert clusters.members() == [[0, 2, 4], [1, 5], [3], [6]]
    assert clusters.cut == 0
    assert clusters.unsplittable == 0
    assert clusters.sizes.tolist() == [3, 2, 1, 1]


def test_a_chain_longer_than_the_guard_is_cut_at_its_weakest_links() -> None:
    # Records 0-11 in a chain; the links 3-4 and 7-8 are the weakest.
    strengths = [0.95, 0.94, 0.93, 0.81, 0.92, 0.91, 0.9, 0.82, 0.96, 0.97, 0.98]
    chain = [(i, i + 1, strength) for i, strength in enumerate(strengths)]
    clusters = cluster(candidates(chain, 13, 13, same=True), max_size=5)
    assert clusters.members() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12]]
    assert clusters.cut == 1
    assert clusters.cut_at.tolist() == pytest.approx([0.81, 0.82, 0.82, 0.5])
    # Without the guard it is one cluster.
    assert cluster(candidates(chain, 13, 13, same=True), max_size=20).members()[0] == list(range(12))


def test_identical_links_that_cannot_be_cut_are_reported() -> None:
    star = [(0, i, 1.0) for i in range(1, 8)]
    clusters = cluster(candidates(star, 8, 8, same=True), max_size=4)
    assert clusters.unsplittable == 1
    assert clusters.count == 1
    with pytest.raises(ValueError, match="one list"):
        cluster(candidates(star, 8, 8, same=False))


def test_overlap_from_clusters_counts_people_once_across_and_within_lists() -> None:
    shelter = [
        person("Olena", "Kovalenko", "1990-04-12"),
        person("Olena", "Kovalenko", "1990"),  # a duplicate within the shelter's list
        person("Maria", "Petrova", "1985-02-03"),
    ]
    police = [person("Олена", "Коваленко", "1990-04-12"), person("Grace", "Okafor", "1995-11-30")]
    ngo = [person("Мария", "Петрова", "1985"), person("Grace", "Okafor", "1995-11-30")]
    pooled = Encodings.concatenate([encode(*shelter), encode(*police), encode(*ngo)])
    source = [0, 0, 0, 1, 1, 2, 2]
    overlap = overlap_from_clusters(cluster(dedupe(pooled)), source, ("shelter", "police", "ngo"))
    assert overlap.on("shelter", "police") == 1  # Olena: twice in the shelter, once with the police
    assert overlap.on("shelter", "ngo") == 1  # Maria
    assert overlap.on("police", "ngo") == 1  # Grace
    assert overlap.people == 3
    assert len(overlap.histories) == 7
    with pytest.raises(ValueError, match="two lists"):
        _ = overlap.in_both


def test_encodings_of_other_schemas_cannot_be_pooled() -> None:
    with pytest.raises(SchemaMismatchError):
        Encodings.concatenate([encode(*RECORDS), encode(*RECORDS, key=OTHER_KEY)])


# --- files ---------------------------------------------------------------------------------------------------------


def exported(records: list[dict[str, object]] = RECORDS, **kwargs: object) -> bytes:
    return write_encodings(encode(*records), DEFAULT_SCHEMA, KEY, created=NOW, **kwargs)  # type: ignore[arg-type]


def refused(
    data: bytes, *, key: LinkageKey = KEY, schema: Schema = DEFAULT_SCHEMA, now: dt.datetime = NOW
) -> str:
    with pytest.raises(EncodingFileError) as caught:
        read_encodings(data, schema, key, now=now)
    return caught.value.reason


def remade(data: bytes, change: dict[str, object], key: LinkageKey = KEY) -> bytes:
    """The file with its header changed and a valid integrity check (as a party with the key could make)."""
    from cryptography.hazmat.primitives import hashes, hmac

    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    start = len(MAGIC) + 4
    header = json.loads(data[start : start + length]) | change
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    body = MAGIC + struct.pack(">I", len(head)) + head + data[start + length : -MAC_BYTES]
    mac = hmac.HMAC(key.derive("file-mac"), hashes.SHA256())
    mac.update(body)
    return body + mac.finalize()


def test_file_round_trip() -> None:
    original = encode(*RECORDS)
    data = write_encodings(original, DEFAULT_SCHEMA, KEY, created=NOW, valid_for=dt.timedelta(days=7))
    read = read_encodings(data, DEFAULT_SCHEMA, KEY, now=NOW + dt.timedelta(days=6))
    np.testing.assert_array_equal(read.encodings.words, original.words)
    assert original.blocks is not None
    assert read.encodings.blocks is not None
    np.testing.assert_array_equal(read.encodings.blocks.home, original.blocks.home)
    np.testing.assert_array_equal(read.encodings.blocks.probes, original.blocks.probes)
    np.testing.assert_array_equal(read.encodings.blocks.wildcard, original.blocks.wildcard)
    assert read.encodings.fingerprint == original.fingerprint
    assert (read.created, read.expires) == (NOW, NOW + dt.timedelta(days=7))
    assert (read.schema_name, read.schema_version) == (DEFAULT_SCHEMA.name, DEFAULT_SCHEMA.version)
    assert len(read.file_id) == 32
    # What was read links like the original.
    assert one_to_one(link(read.encodings, original)).pairs() == [(i, i) for i in range(len(RECORDS))]
    assert data.startswith(MAGIC)
    assert b"pickle" not in data


def test_an_empty_list_round_trips() -> None:
    data = exported([])
    assert len(read_encodings(data, DEFAULT_SCHEMA, KEY, now=NOW).encodings) == 0


def test_a_tampered_byte_is_refused_wherever_it_is() -> None:
    data = exported(RECORDS[:2])
    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    payload = len(MAGIC) + 4 + length
    flipped = bytearray(data)
    flipped[payload + 5] ^= 0x01
    assert refused(bytes(flipped)) == "tampered"
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x20
        with pytest.raises(EncodingFileError):
            read_encodings(bytes(changed), DEFAULT_SCHEMA, KEY, now=NOW)


def test_a_wrong_key_is_refused() -> None:
    assert refused(exported(), key=OTHER_KEY) == "key"


def test_a_header_forged_to_claim_our_key_fails_the_integrity_check() -> None:
    theirs = write_encodings(encode(*RECORDS, key=OTHER_KEY), DEFAULT_SCHEMA, OTHER_KEY, created=NOW)
    (length,) = struct.unpack_from(">I", theirs, len(MAGIC))
    start = len(MAGIC) + 4
    header = theirs[start : start + length].replace(OTHER_KEY.key_check.encode(), KEY.key_check.encode())
    assert refused(theirs[:start] + header + theirs[start + length :]) == "tampered"


def test_a_wrong_schema_is_refused() -> None:
    other = Schema("another", 1, DEFAULT_SCHEMA.fields[:2], blocking_field="date_of_birth")
    with pytest.raises(EncodingFileError, match="schema 'threefold-person' version 1") as caught:
        read_encodings(exported(), other, KEY, now=NOW)
    assert caught.value.reason == "schema"


def test_an_expired_file_is_refused() -> None:
    data = exported(valid_for=dt.timedelta(days=30))
    expiry = NOW + dt.timedelta(days=30)
    assert len(read_encodings(data, DEFAULT_SCHEMA, KEY, now=expiry).encodings) == len(RECORDS)
    with pytest.raises(EncodingFileError, match="expired on 2030-07-01T12:00:00Z") as caught:
        read_encodings(data, DEFAULT_SCHEMA, KEY, now=expiry + dt.timedelta(seconds=1))
    assert caught.value.reason == "expired"
    assert refused(data, now=NOW - dt.timedelta(days=2)) == "expired"  # created in the future: clocks


def test_a_wrong_format_version_is_refused() -> None:
    with pytest.raises(
        EncodingFileError, match=f"format version 2; this deployment reads version {FORMAT_VERSION}"
    ):
        read_encodings(remade(exported(), {"format_version": 2}), DEFAULT_SCHEMA, KEY, now=NOW)
    assert refused(remade(exported(), {"format_version": "1"})) == "version"


def test_a_truncated_file_is_refused() -> None:
    data = exported()
    for size in [0, 3, len(MAGIC), 13, 200, len(data) // 2, len(data) - MAC_BYTES, len(data) - 1]:
        assert refused(data[:size]) == "truncated", size
    with pytest.raises(EncodingFileError, match="truncated in transfer"):
        read_encodings(data[:-1], DEFAULT_SCHEMA, KEY, now=NOW)


def test_other_damage_is_refused_with_its_reason() -> None:
    data = exported()
    assert refused(b"PK\x03\x04" + data) == "format"
    assert refused(data + b"\x00") == "tampered"
    assert refused(remade(data, {"record_count": -1})) == "malformed"
    assert refused(remade(data, {"format": "something-else"})) == "format"
    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    broken = data[: len(MAGIC) + 4] + b"[" + data[len(MAGIC) + 5 :]
    assert refused(broken) == "malformed"
    assert length > 0


def test_export_refuses_what_would_not_be_read() -> None:
    encodings = encode(*RECORDS)
    with pytest.raises(SchemaMismatchError):
        write_encodings(encodings, DEFAULT_SCHEMA, OTHER_KEY)
    with pytest.raises(ValueError, match="valid_for"):
        write_encodings(encodings, DEFAULT_SCHEMA, KEY, valid_for=MAX_VALIDITY + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="time zone"):
        write_encodings(encodings, DEFAULT_SCHEMA, KEY, created=dt.datetime(2030, 1, 1))
