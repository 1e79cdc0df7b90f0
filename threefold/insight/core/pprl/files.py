"""Encoding files: how one deployment hands its encodings to another, and how the other refuses a bad one.

Layout (version 1), all integers unsigned:

    offset        size        content
    0             8           magic b"TF-PPRL\\n"
    8             4           H: header length, big-endian
    12            H           header: UTF-8 JSON object (keys sorted), see below
    12+H          n*W*8       encodings: n rows of W = filter_bits/64 little-endian 64-bit words
                              (bit i of a filter is bit i % 64 of word i // 64)
    ...           n*8         if header.year_blocks: each record's home key (little-endian 64-bit)
    ...           n*P*8       then its P probe keys (P = header.year_blocks.probes)
    ...           n           then 1 where the record is a wildcard (unknown year), else 0
    end-32        32          HMAC-SHA256 of every byte before it, keyed by LinkageKey.derive("file-mac")

Header: ``format`` ("threefold-pprl-encodings"), ``format_version`` (1), ``file_id`` (random, to refer to the
file in results), ``schema`` ({name, version, digest}), ``schema_fingerprint``, ``key_check``, ``created`` and
``expires`` (ISO 8601, UTC), ``record_count``, ``filter_bits``, ``year_blocks`` (null or {"probes": P}).
Rows are referred to by position: record identifiers are never exported, the exporter keeps the mapping.
No pickle, nothing executable: a reader needs JSON and an array of integers.

`read_encodings` refuses, with `EncodingFileError` and its ``reason``: "format" (not such a file), "truncated"
(shorter than its header says), "version" (another format version), "malformed" (a header that does not
parse or make sense), "key" (another linkage secret), "tampered" (the integrity check fails: bytes altered
after export, or trailing bytes), "schema" (another schema), "expired" (past its expiry, or created in the
future). The integrity check is verified before anything in the file is trusted beyond its layout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac

from threefold.insight.core.pprl.blocking import YearBlocks
from threefold.insight.core.pprl.encode import Encodings, SchemaMismatchError
from threefold.insight.core.pprl.keys import LinkageKey
from threefold.insight.core.pprl.schema import Schema

__all__ = [
    "DEFAULT_VALIDITY",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_VALIDITY",
    "EncodingFile",
    "EncodingFileError",
    "read_encodings",
    "reopen_encodings",
    "write_encodings",
]

MAGIC: Final = b"TF-PPRL\n"
FORMAT: Final = "threefold-pprl-encodings"
FORMAT_VERSION: Final = 1
MAC_BYTES: Final = 32
MAX_HEADER_BYTES: Final = 1 << 16
# Encodings are personal data: a file is for one linkage run, not for keeping. 30 days by default, 90 at most.
DEFAULT_VALIDITY: Final = dt.timedelta(days=30)
MAX_VALIDITY: Final = dt.timedelta(days=90)
CLOCK_SKEW: Final = dt.timedelta(days=1)
_PREFIX: Final = struct.Struct(">8sI")

Reason = Literal["format", "truncated", "version", "malformed", "key", "tampered", "schema", "expired"]


class EncodingFileError(ValueError):
    """An encoding file was refused; ``reason`` says why in one word, the message says what to do."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


@dataclass(frozen=True, eq=False)
class EncodingFile:
    """A file read and checked: its header facts and the encodings."""

    file_id: str
    created: dt.datetime
    expires: dt.datetime
    schema_name: str
    schema_version: int
    encodings: Encodings


def _mac(key: LinkageKey) -> hmac.HMAC:
    return hmac.HMAC(key.derive("file-mac"), hashes.SHA256())


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone (UTC)")
    return moment.astimezone(dt.UTC)


def write_encodings(
    encodings: Encodings,
    schema: Schema,
    key: LinkageKey,
    *,
    created: dt.datetime | None = None,
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
) -> bytes:
    """The file bytes of ``encodings`` (made with ``schema`` and ``key``), valid for ``valid_for``."""
    if encodings.fingerprint != schema.fingerprint(key) or encodings.bits != schema.encoded_bits:
        raise SchemaMismatchError("these encodings were not made with this schema and linkage secret")
    if not dt.timedelta(0) < valid_for <= MAX_VALIDITY:
        raise ValueError(
            f"valid_for must be more than 0 and at most {MAX_VALIDITY.days} days, got {valid_for}"
        )
    moment = _aware(created, "created") if created is not None else dt.datetime.now(dt.UTC)
    moment = moment.replace(microsecond=0)
    blocks = encodings.blocks
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "file_id": os.urandom(16).hex(),
        "schema": {"name": schema.name, "version": schema.version, "digest": schema.digest},
        "schema_fingerprint": encodings.fingerprint,
        "key_check": key.key_check,
        "created": _timestamp(moment),
        "expires": _timestamp(moment + valid_for),
        "record_count": len(encodings),
        "filter_bits": encodings.bits,
        "year_blocks": None if blocks is None else {"probes": int(blocks.probes.shape[1])},
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    parts = [_PREFIX.pack(MAGIC, len(head)), head, encodings.words.astype("<u8").tobytes()]
    if blocks is not None:
        parts += [
            blocks.home.astype("<u8").tobytes(),
            blocks.probes.astype("<u8").tobytes(),
            blocks.wildcard.astype(np.uint8).tobytes(),
        ]
    body = b"".join(parts)
    mac = _mac(key)
    mac.update(body)
    return body + mac.finalize()


def _header(data: bytes) -> tuple[dict[str, Any], int]:
    if len(data) < _PREFIX.size:
        if MAGIC.startswith(data[: len(MAGIC)]):
            raise EncodingFileError(
                "truncated", f"the file is {len(data)} bytes: truncated before its header"
            )
        raise EncodingFileError("format", "not a Threefold encoding file (no TF-PPRL signature)")
    magic, length = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise EncodingFileError("format", "not a Threefold encoding file (no TF-PPRL signature)")
    if length > MAX_HEADER_BYTES:
        raise EncodingFileError("malformed", f"header of {length} bytes is implausibly large: damaged file")
    end = _PREFIX.size + length
    if len(data) < end:
        raise EncodingFileError("truncated", f"the file is {len(data)} bytes: truncated inside its header")
    try:
        header = json.loads(data[_PREFIX.size : end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise EncodingFileError(
            "malformed", f"the header is not valid JSON ({error}): damaged file"
        ) from error
    if not isinstance(header, dict):
        raise EncodingFileError("malformed", "the header is not a JSON object: damaged file")
    return header, end


def _get(header: dict[str, Any], name: str, kind: type) -> Any:
    value = header.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise EncodingFileError("malformed", f"the header's {name!r} is missing or not a {kind.__name__}")
    return value


def _moment(header: dict[str, Any], name: str) -> dt.datetime:
    text = _get(header, name, str)
    try:
        return _aware(dt.datetime.fromisoformat(text.replace("Z", "+00:00")), name)
    except ValueError as error:
        raise EncodingFileError("malformed", f"the header's {name!r} is not a UTC time: {text!r}") from error


def read_encodings(
    data: bytes, schema: Schema, key: LinkageKey, *, now: dt.datetime | None = None
) -> EncodingFile:
    """Check and read an encoding file made with ``schema`` and ``key``; raise `EncodingFileError` otherwise."""
    header, start = _header(data)
    if header.get("format") != FORMAT:
        raise EncodingFileError("format", "not a Threefold encoding file (unknown format name)")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise EncodingFileError(
            "version",
            f"the file is format version {version!r}; this deployment reads version {FORMAT_VERSION}: "
            "export again with the same Threefold release, or upgrade",
        )
    count = _get(header, "record_count", int)
    bits = _get(header, "filter_bits", int)
    blocks_info = header.get("year_blocks")
    if count < 0 or bits <= 0 or bits % 64:
        raise EncodingFileError("malformed", f"record_count {count} or filter_bits {bits} make no sense")
    probes = 0
    if blocks_info is not None:
        if not isinstance(blocks_info, dict):
            raise EncodingFileError("malformed", "the header's 'year_blocks' is not an object")
        probes = _get(blocks_info, "probes", int)
        if probes < 1:
            raise EncodingFileError("malformed", f"year_blocks.probes {probes} makes no sense")
    words = bits // 64
    payload = count * words * 8 + (count * (8 + probes * 8 + 1) if blocks_info is not None else 0)
    expected = start + payload + MAC_BYTES
    if len(data) < expected:
        raise EncodingFileError(
            "truncated",
            f"the file is {len(data):,} bytes but its header announces {count:,} records ({expected:,} bytes): "
            "truncated in transfer; ask for it again",
        )
    if len(data) > expected:
        raise EncodingFileError(
            "tampered", f"{len(data) - expected:,} unexpected bytes after the end of the file"
        )
    if header.get("key_check") != key.key_check:
        raise EncodingFileError(
            "key",
            "the file was encoded with a different linkage secret than this deployment's: agree on the secret "
            "with the other party (and both re-encode)",
        )
    mac = _mac(key)
    mac.update(data[:-MAC_BYTES])
    try:
        mac.verify(data[-MAC_BYTES:])
    except InvalidSignature:
        raise EncodingFileError(
            "tampered", "the integrity check failed: the file was altered after export, or corrupted"
        ) from None
    described = header.get("schema")
    if not isinstance(described, dict):
        described = {}
    name, schema_version = described.get("name"), described.get("version")
    if header.get("schema_fingerprint") != schema.fingerprint(key) or bits != schema.encoded_bits:
        raise EncodingFileError(
            "schema",
            f"the file was encoded with schema {name!r} version {schema_version!r} "
            f"(digest {str(described.get('digest'))[:12]}), this deployment uses {schema.describe()} "
            f"(digest {schema.digest[:12]}): both parties must encode with the same schema",
        )
    created, expires = _moment(header, "created"), _moment(header, "expires")
    moment = _aware(now, "now") if now is not None else dt.datetime.now(dt.UTC)
    if moment > expires:
        raise EncodingFileError(
            "expired",
            f"the file expired on {_timestamp(expires)}: encodings are not kept; ask for a fresh export",
        )
    if created > moment + CLOCK_SKEW:
        raise EncodingFileError(
            "expired", f"the file claims to be created on {_timestamp(created)}: check clocks"
        )
    return _body(
        data, header, start, count, bits, probes if blocks_info is not None else None, created, expires
    )


def _body(
    data: bytes,
    header: dict[str, Any],
    start: int,
    count: int,
    bits: int,
    probes: int | None,
    created: dt.datetime,
    expires: dt.datetime,
) -> EncodingFile:
    """The encodings and year blocks (``probes`` None: none) after a header already checked."""
    words = bits // 64
    offset = start
    array = np.frombuffer(data, dtype="<u8", count=count * words, offset=offset).reshape(count, words)
    offset += count * words * 8
    blocks = None
    if probes is not None:
        home = np.frombuffer(data, dtype="<u8", count=count, offset=offset)
        offset += count * 8
        probe_keys = np.frombuffer(data, dtype="<u8", count=count * probes, offset=offset).reshape(
            count, probes
        )
        offset += count * probes * 8
        flags = np.frombuffer(data, dtype=np.uint8, count=count, offset=offset)
        if flags.size and flags.max() > 1:
            raise EncodingFileError("malformed", "wildcard flags must be 0 or 1")
        blocks = YearBlocks(home.astype(np.uint64), probe_keys.astype(np.uint64), flags.astype(bool))
    described = header.get("schema")
    if not isinstance(described, dict):
        described = {}
    name, schema_version = described.get("name"), described.get("version")
    encodings = Encodings(header["schema_fingerprint"], bits, array.astype(np.uint64), blocks)
    return EncodingFile(
        file_id=_get(header, "file_id", str),
        created=created,
        expires=expires,
        schema_name=str(name),
        schema_version=int(schema_version) if isinstance(schema_version, int) else 0,
        encodings=encodings,
    )


def reopen_encodings(
    data: bytes, *, fingerprint: str, bits: int, now: dt.datetime | None = None
) -> EncodingFile:
    """Read again a file that was checked with the linkage secret when it arrived (`read_encodings`) or written
    here (`write_encodings`), and kept since where nothing could alter it unnoticed: sealed by a vault whose
    AES-GCM authenticates every byte. The secret is not kept (it would let anyone holding it encode guesses and
    test them), so the integrity code it keys is not checked again; everything else is: the layout, the
    format version, that the file carries ``fingerprint`` (the schema and key check it was accepted with) and
    ``bits``, and its expiry. Comparing encodings needs no key. `EncodingFileError` as `read_encodings`.
    """
    header, start = _header(data)
    if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
        raise EncodingFileError("version", "not a Threefold encoding file of this format version")
    count = _get(header, "record_count", int)
    found_bits = _get(header, "filter_bits", int)
    if count < 0 or found_bits != bits or bits % 64:
        raise EncodingFileError("schema", f"the file holds {found_bits}-bit encodings, {bits} were expected")
    if header.get("schema_fingerprint") != fingerprint:
        raise EncodingFileError("schema", "the file was made with another schema or linkage secret")
    blocks_info = header.get("year_blocks")
    probes: int | None = None
    if blocks_info is not None:
        if not isinstance(blocks_info, dict):
            raise EncodingFileError("malformed", "the header's 'year_blocks' is not an object")
        probes = _get(blocks_info, "probes", int)
        if probes < 1:
            raise EncodingFileError("malformed", f"year_blocks.probes {probes} makes no sense")
    payload = count * (bits // 64) * 8 + (count * (8 + probes * 8 + 1) if probes is not None else 0)
    if len(data) != start + payload + MAC_BYTES:
        raise EncodingFileError("truncated", "the file's length does not match its header")
    created, expires = _moment(header, "created"), _moment(header, "expires")
    moment = _aware(now, "now") if now is not None else dt.datetime.now(dt.UTC)
    if moment > expires:
        raise EncodingFileError("expired", f"the file expired on {_timestamp(expires)}")
    return _body(data, header, start, count, bits, probes, created, expires)
