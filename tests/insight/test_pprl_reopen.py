"""`reopen_encodings`: reading again, without the linkage secret, an encoding file that was checked with it when it
arrived and kept sealed since (threefold.insight.linkage_services keeps the secret nowhere)."""

from __future__ import annotations

import datetime as dt
import struct

import numpy as np
import pytest

from threefold.insight.core.pprl import (
    DEFAULT_SCHEMA,
    Encoder,
    EncodingFileError,
    LinkageKey,
    read_encodings,
    reopen_encodings,
    write_encodings,
)
from threefold.insight.core.pprl.files import MAGIC

KEY = LinkageKey(b"k" * 32)
OTHER_KEY = LinkageKey(b"o" * 32)
NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
RECORDS: list[dict[str, object]] = [
    {"given_names": "Olga", "family_names": "Petrova", "date_of_birth": "1990-04-02", "sex": "F"},
    {"given_names": "Ana", "family_names": "Lopez", "date_of_birth": None, "sex": "f"},
    {"given_names": "Tran", "family_names": "Van Minh", "date_of_birth": "1985", "sex": "M"},
]
FINGERPRINT = DEFAULT_SCHEMA.fingerprint(KEY)
BITS = DEFAULT_SCHEMA.encoded_bits


def exported(key: LinkageKey = KEY, records: list[dict[str, object]] = RECORDS) -> bytes:
    encodings = Encoder(DEFAULT_SCHEMA, key).encode_many(records)
    return write_encodings(encodings, DEFAULT_SCHEMA, key, created=NOW)


def reason(data: bytes, **kwargs: object) -> str:
    options: dict[str, object] = {"fingerprint": FINGERPRINT, "bits": BITS, "now": NOW, **kwargs}
    with pytest.raises(EncodingFileError) as caught:
        reopen_encodings(data, **options)  # type: ignore[arg-type]
    return caught.value.reason


def test_reopening_gives_what_the_keyed_reader_gives() -> None:
    data = exported()
    checked = read_encodings(data, DEFAULT_SCHEMA, KEY, now=NOW)
    reopened = reopen_encodings(data, fingerprint=FINGERPRINT, bits=BITS, now=NOW)
    np.testing.assert_array_equal(reopened.encodings.words, checked.encodings.words)
    assert checked.encodings.blocks is not None
    assert reopened.encodings.blocks is not None
    np.testing.assert_array_equal(reopened.encodings.blocks.probes, checked.encodings.blocks.probes)
    np.testing.assert_array_equal(reopened.encodings.blocks.wildcard, checked.encodings.blocks.wildcard)
    assert (reopened.file_id, reopened.created, reopened.expires) == (
        checked.file_id,
        checked.created,
        checked.expires,
    )
    assert reopened.encodings.fingerprint == FINGERPRINT
    assert (reopened.schema_name, reopened.schema_version) == (DEFAULT_SCHEMA.name, DEFAULT_SCHEMA.version)


def test_an_empty_set_reopens() -> None:
    assert (
        len(reopen_encodings(exported(records=[]), fingerprint=FINGERPRINT, bits=BITS, now=NOW).encodings)
        == 0
    )


def test_another_secret_or_width_is_refused() -> None:
    assert reason(exported(OTHER_KEY)) == "schema"
    assert reason(exported(), bits=2048) == "schema"


def test_expiry_is_still_enforced() -> None:
    data = exported()
    assert reason(data, now=NOW + dt.timedelta(days=31)) == "expired"


def test_a_file_of_the_wrong_length_or_kind_is_refused() -> None:
    data = exported()
    assert reason(data[:-1]) == "truncated"
    assert reason(data + b"\0") == "truncated"
    assert reason(b"not a file at all") == "format"
    (length,) = struct.unpack_from(">I", data, len(MAGIC))
    start = len(MAGIC) + 4
    header = data[start : start + length].replace(b'"format_version":1', b'"format_version":9')
    assert reason(data[:start] + header + data[start + length :]) == "version"
