"""Tests for threefold.vault.crypto: pure Python, no Django, no database."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from threefold.vault.crypto import (
    KEY_BYTES,
    DecryptionError,
    VaultError,
    blind_index,
    decrypt,
    encrypt,
    new_key,
    unwrap_key,
    wrap_key,
)

# No example database: it would write a .hypothesis/ directory into the working tree.
PROPERTY = settings(database=None, deadline=None)

KEY = bytes(range(KEY_BYTES))
OTHER_KEY = bytes(reversed(range(KEY_BYTES)))
AAD = b"survivor:42:name"
PLAINTEXT = "Ольга Петрова".encode()
HEADER = 1 + 12  # version byte + nonce
TAG = 16


def test_new_key_is_random_and_right_size() -> None:
    assert len(new_key()) == KEY_BYTES
    assert new_key() != new_key()


def test_round_trip() -> None:
    assert decrypt(KEY, encrypt(KEY, PLAINTEXT, aad=AAD), aad=AAD) == PLAINTEXT


def test_round_trip_empty_plaintext_and_aad() -> None:
    token = encrypt(KEY, b"", aad=b"")
    assert len(token) == HEADER + TAG
    assert decrypt(KEY, token, aad=b"") == b""


def test_token_format() -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    assert token[:1] == b"\x01"
    assert len(token) == HEADER + len(PLAINTEXT) + TAG


def test_same_plaintext_encrypts_differently() -> None:
    first = encrypt(KEY, PLAINTEXT, aad=AAD)
    second = encrypt(KEY, PLAINTEXT, aad=AAD)
    assert first != second
    assert first[1:HEADER] != second[1:HEADER]  # the nonces differ


def test_wrong_key_fails() -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(OTHER_KEY, token, aad=AAD)


def test_wrong_aad_fails() -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(KEY, token, aad=b"survivor:43:name")


def _flip_bit(token: bytes, index: int, bit: int = 0) -> bytes:
    changed = bytearray(token)
    changed[index] ^= 1 << bit
    return bytes(changed)


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(1, id="nonce-first"),
        pytest.param(HEADER - 1, id="nonce-last"),
        pytest.param(HEADER, id="ciphertext-first"),
        pytest.param(HEADER + len(PLAINTEXT) - 1, id="ciphertext-last"),
        pytest.param(-TAG, id="tag-first"),
        pytest.param(-1, id="tag-last"),
    ],
)
def test_flipped_bit_fails(index: int) -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(KEY, _flip_bit(token, index), aad=AAD)


def test_truncated_token_fails() -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(KEY, token[:-1], aad=AAD)


@pytest.mark.parametrize("length", [0, 1, HEADER, HEADER + TAG - 1])
def test_too_short_token_fails(length: int) -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="too short"):
        decrypt(KEY, token[:length], aad=AAD)


@pytest.mark.parametrize("version", [b"\x00", b"\x02", b"\xff"])
def test_unknown_version_fails(version: bytes) -> None:
    token = encrypt(KEY, PLAINTEXT, aad=AAD)
    with pytest.raises(DecryptionError, match="unknown token version"):
        decrypt(KEY, version + token[1:], aad=AAD)


def test_decryption_error_is_a_vault_error() -> None:
    assert issubclass(DecryptionError, VaultError)


@pytest.mark.parametrize("bad_key", [b"", b"k" * 16, b"k" * 31, b"k" * 33])
def test_bad_key_length_is_rejected(bad_key: bytes) -> None:
    with pytest.raises(ValueError, match="must be 32 bytes"):
        encrypt(bad_key, PLAINTEXT, aad=AAD)
    with pytest.raises(ValueError, match="must be 32 bytes"):
        decrypt(bad_key, encrypt(KEY, PLAINTEXT, aad=AAD), aad=AAD)


def test_wrap_unwrap_round_trip() -> None:
    kek, data_key = new_key(), new_key()
    wrapped = wrap_key(kek, data_key, aad=b"org:7")
    assert wrapped != data_key
    assert unwrap_key(kek, wrapped, aad=b"org:7") == data_key


def test_unwrap_with_wrong_kek_or_aad_fails() -> None:
    wrapped = wrap_key(KEY, OTHER_KEY, aad=b"org:7")
    with pytest.raises(DecryptionError):
        unwrap_key(OTHER_KEY, wrapped, aad=b"org:7")
    with pytest.raises(DecryptionError):
        unwrap_key(KEY, wrapped, aad=b"org:8")
    with pytest.raises(DecryptionError):
        unwrap_key(KEY, _flip_bit(wrapped, -1), aad=b"org:7")


def test_unwrap_rejects_authentic_token_of_wrong_size() -> None:
    not_a_key = encrypt(KEY, b"short", aad=b"org:7")
    with pytest.raises(DecryptionError, match="expected 32"):
        unwrap_key(KEY, not_a_key, aad=b"org:7")


def test_wrap_rejects_bad_key_sizes() -> None:
    with pytest.raises(ValueError, match="kek must be 32 bytes"):
        wrap_key(b"short", KEY, aad=b"")
    with pytest.raises(ValueError, match="key to wrap must be 32 bytes"):
        wrap_key(KEY, b"short", aad=b"")


def test_blind_index_is_deterministic_hex_sha256() -> None:
    digest = blind_index(KEY, "olga petrova", kind="name_exact")
    assert digest == blind_index(KEY, "olga petrova", kind="name_exact")
    assert len(digest) == 64
    int(digest, 16)  # valid hex


def test_blind_index_known_value() -> None:
    # Pin the exact construction so stored indexes stay searchable after refactoring.
    expected = hmac.new(KEY, b"phone\x00+442079460958", hashlib.sha256).hexdigest()
    assert blind_index(KEY, "+442079460958", kind="phone") == expected


def test_blind_index_depends_on_key() -> None:
    assert blind_index(KEY, "olga", kind="name_exact") != blind_index(OTHER_KEY, "olga", kind="name_exact")


def test_blind_index_separates_kinds() -> None:
    assert blind_index(KEY, "12345", kind="phone") != blind_index(KEY, "12345", kind="name_exact")
    # The separator keeps the kind/value boundary unambiguous.
    assert blind_index(KEY, "bc", kind="a") != blind_index(KEY, "c", kind="ab")


def test_blind_index_depends_on_value() -> None:
    assert blind_index(KEY, "olga", kind="name_exact") != blind_index(KEY, "olha", kind="name_exact")


def test_blind_index_rejects_empty_value() -> None:
    with pytest.raises(ValueError, match="empty value"):
        blind_index(KEY, "", kind="name_exact")


@pytest.mark.parametrize("kind", ["", "a\x00b"])
def test_blind_index_rejects_bad_kind(kind: str) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        blind_index(KEY, "olga", kind=kind)


def test_blind_index_rejects_bad_key() -> None:
    with pytest.raises(ValueError, match="index_key must be 32 bytes"):
        blind_index(b"short", "olga", kind="name_exact")


@PROPERTY
@given(plaintext=st.binary(), aad=st.binary())
def test_round_trip_property(plaintext: bytes, aad: bytes) -> None:
    key = new_key()
    assert decrypt(key, encrypt(key, plaintext, aad=aad), aad=aad) == plaintext


@PROPERTY
@given(plaintext=st.binary(max_size=64), data=st.data())
def test_any_flipped_bit_fails_property(plaintext: bytes, data: st.DataObject) -> None:
    token = encrypt(KEY, plaintext, aad=AAD)
    index = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="index")
    bit = data.draw(st.integers(min_value=0, max_value=7), label="bit")
    with pytest.raises(DecryptionError):
        decrypt(KEY, _flip_bit(token, index, bit), aad=AAD)


@PROPERTY
@given(aad=st.binary(), other=st.binary())
def test_any_other_aad_fails_property(aad: bytes, other: bytes) -> None:
    assume(aad != other)
    token = encrypt(KEY, PLAINTEXT, aad=aad)
    with pytest.raises(DecryptionError):
        decrypt(KEY, token, aad=other)
