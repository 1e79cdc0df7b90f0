"""Tests for threefold.vault.names: pure Python, no Django, no database."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threefold.vault.names import (
    exact_name_key,
    name_tokens,
    normalise_email,
    normalise_phone,
    normalise_text,
    phonetic_name_key,
)

# No example database: it would write a .hypothesis/ directory into the working tree.
PROPERTY = settings(database=None, deadline=None)

# --- normalise_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Maria   GARCIA ", "maria garcia"),
        ("José Núñez", "jose nunez"),
        ("Anne-Marie", "anne marie"),
        ("Anne\u2013Marie", "anne marie"),  # en dash
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),  # typographic apostrophe
        ("O\u00b4Brien", "obrien"),  # acute accent typed as apostrophe
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("López, García María", "lopez garcia maria"),
        ("Straße", "strasse"),
        ("\uff2d\uff41\uff52\uff49\uff41", "maria"),  # full-width, folded by NFKC
        ("Александр Иванов", "aleksandr ivanov"),
        ("Ольга", "olga"),  # the soft sign is dropped, not turned into a space
        # anyascii goes letter by letter (omicron-upsilon is "oy"); the phonetic key still matches.
        ("Γιώργος Παπαδόπουλος", "giorgos papadopoylos"),
        ("สมชาย", "smchay"),
        ("李小龍", "lixiaolong"),
        ("Nguyễn Văn An", "nguyen van an"),
        ("Ana\u00adMaria", "anamaria"),  # soft hyphen is invisible
        ("Ana\u200bMaria", "ana maria"),  # zero-width space is a word break
        ("\u200fمحمد\u200f", "mhmd"),  # bidi marks pasted with Arabic text
        ("Ana 😀 Maria", "ana maria"),  # emoji are not spelt out as words
        ("Ana\tMaria\n", "ana maria"),
        ("", ""),
        ("-- ,. ", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@PROPERTY
@given(st.text())
def test_normalise_text_is_idempotent(value: str) -> None:
    once = normalise_text(value)
    assert normalise_text(once) == once


@PROPERTY
@given(st.text())
def test_normalise_text_output_is_plain_ascii_words(value: str) -> None:
    result = normalise_text(value)
    assert result == " ".join(result.split())
    assert all(char.islower() or char.isdigit() or char == " " for char in result)
    assert result.isascii()


# --- name keys ------------------------------------------------------------------------------------


def test_name_tokens_sorted_without_empties() -> None:
    assert name_tokens(" García-López,  María ") == ["garcia", "lopez", "maria"]
    assert name_tokens("") == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Maria Garcia Lopez", "López, García María"),
        ("Anne-Marie O'Brien", "OBRIEN anne marie"),
        ("Ольга Петрова", "Petrova Olga"),
        ("Nguyen Van An", "An Nguyen Van"),
    ],
)
def test_exact_name_key_matches(first: str, second: str) -> None:
    assert exact_name_key(first) == exact_name_key(second)


def test_exact_name_key_value() -> None:
    assert exact_name_key("López, García María") == "garcia lopez maria"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Aleksandr Ivanov", "Alexander Ivanov"),
        ("Maria Garcia", "Maria Garcias"),
        ("Anne Marie", "Annemarie"),
    ],
)
def test_exact_name_key_keeps_spelling_differences(first: str, second: str) -> None:
    assert exact_name_key(first) != exact_name_key(second)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_ACCENTS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327"  # grave acute circumflex tilde ...


@PROPERTY
@given(words=st.lists(_WORD, min_size=1, max_size=5), seed=st.integers())
def test_exact_name_key_ignores_token_order(words: list[str], seed: int) -> None:
    shuffled = words.copy()
    random.Random(seed).shuffle(shuffled)
    assert exact_name_key(" ".join(words)) == exact_name_key(" ".join(shuffled))


@PROPERTY
@given(words=st.lists(_WORD, min_size=1, max_size=5), data=st.data())
def test_exact_name_key_ignores_accents_and_case(words: list[str], data: st.DataObject) -> None:
    decorated = []
    for word in words:
        chars = []
        for char in word:
            shown = char.upper() if data.draw(st.booleans()) else char
            accent = data.draw(st.sampled_from(["", *_ACCENTS]))
            chars.append(shown + accent)
        decorated.append("".join(chars))
    separator = data.draw(st.sampled_from([" ", "  ", ", ", "\t"]))
    assert exact_name_key(separator.join(decorated)) == exact_name_key(" ".join(words))


# Pairs the brief requires, plus common transliteration variants; the phonetic key must match each.
PHONETIC_SAME = [
    ("Aleksandr Ivanov", "Alexander Ivanov"),
    ("Александр Иванов", "Aleksandr Ivanov"),
    ("Mohammed Ali", "Muhammad Ali"),
    ("Olga Petrova", "Ольга Петрова"),
    ("José Núñez", "Jose Nunez"),
    ("Nguyen Van An", "An Nguyen Van"),
    ("Svetlana Kuznetsova", "Светлана Кузнецова"),
    ("Shevchenko", "Шевченко"),
    ("Cristina", "Kristina"),
    ("Philip", "Filip"),
    ("Catherine", "Katherine"),
    ("Sergei", "Sergey"),
    ("Dmitry", "Dmitri"),
    ("Nikolai", "Nikolay"),
    ("Andrei", "Andrey"),
    ("Tatiana", "Tatyana"),
    ("Natalia", "Nataliya"),
    ("Mariya", "Maria"),
    ("Iryna", "Irina"),
    ("Yuriy", "Yuri"),
    ("Maksim", "Maxim"),
    ("Oksana", "Oxana"),
    ("Aleksandrov", "Alexandrov"),
    ("Ahmed", "Ahmad"),
    ("Mohamed", "Mohammad"),
    ("Hussein", "Husain"),
    ("Yusuf", "Yousef"),
    ("Fatima", "Fatma"),
    ("Abdullah", "Abdulla"),
    ("Muhammad", "محمد"),
    ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),
    ("Δημήτρης", "Dimitris"),
]


@pytest.mark.parametrize(("first", "second"), PHONETIC_SAME)
def test_phonetic_name_key_matches_variants(first: str, second: str) -> None:
    assert phonetic_name_key(first) == phonetic_name_key(second)


# Known gaps of Metaphone, documented in the module docstring. strict=True: if one starts
# matching (say after changing algorithm), the test fails so the docstring gets updated.
PHONETIC_MISSED = [
    ("Yelena", "Elena"),
    ("Jelena", "Yelena"),
    ("Yevgeny", "Evgeny"),
    ("Oleksandr", "Aleksandr"),
    ("Hryhoriy", "Grigoriy"),
    ("Mikhail", "Michail"),
    ("Mikhail", "Michael"),
    ("Anastasiya", "Anastasia"),
    ("李小龍", "Li Xiaolong"),
    ("محمد علي", "Muhammad Ali"),
    ("Sasha", "Aleksandr"),
    ("Ευάγγελος", "Evangelos"),
]


@pytest.mark.xfail(strict=True, reason="known gap of the Metaphone key, see threefold.vault.names")
@pytest.mark.parametrize(("first", "second"), PHONETIC_MISSED)
def test_phonetic_name_key_known_gaps(first: str, second: str) -> None:
    assert phonetic_name_key(first) == phonetic_name_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Maria Garcia", "Olga Petrova"),
        ("Aleksandr Ivanov", "Dmitri Ivanov"),
        ("Mohammed Ali", "Mohammed Hassan"),
        ("John Smith", "John Smith Jones"),
        ("Olga", "Oksana"),
        ("Petrovskaya", "Petrov"),
    ],
)
def test_phonetic_name_key_keeps_different_names_apart(first: str, second: str) -> None:
    assert phonetic_name_key(first) != phonetic_name_key(second)


def test_phonetic_name_key_value_and_empty() -> None:
    assert phonetic_name_key("Ivanov Aleksandr") == "ALKSNTR IFNF"
    assert phonetic_name_key("") == ""


def test_phonetic_name_key_keeps_tokens_metaphone_drops() -> None:
    # Metaphone gives "" for digits; they must still count.
    assert phonetic_name_key("Ana 2") != phonetic_name_key("Ana 3")


@PROPERTY
@given(words=st.lists(_WORD, min_size=1, max_size=5), seed=st.integers())
def test_phonetic_name_key_ignores_token_order(words: list[str], seed: int) -> None:
    shuffled = words.copy()
    random.Random(seed).shuffle(shuffled)
    assert phonetic_name_key(" ".join(words)) == phonetic_name_key(" ".join(shuffled))


# --- phones and e-mails ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("(020) 7946-0958", "02079460958"),
        ("020.7946.0958", "02079460958"),
        ("  +7 (495) 123-45-67 ", "+74951234567"),
        ("+44\u00a020\u20137946", "+44207946"),  # no-break space, en dash
        ("\uff0b\uff14\uff14 \uff12\uff10 \uff17\uff19\uff14\uff16", "+44207946"),  # full-width
        ("\u0660\u0665\u0660 \u0661\u0662\u0663 \u0664\u0665\u0666\u0667", "0501234567"),  # Arabic-Indic
        ("12345", "12345"),
    ],
)
def test_normalise_phone(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "+", "1234", "12 34", "+44 1", "00 12"])
def test_normalise_phone_rejects_too_few_digits(raw: str) -> None:
    with pytest.raises(ValueError, match="fewer than 5 digits"):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", ["0207946095O", "call 020 7946 0958", "020 7946 0958 ext 12", "+44 20 ABC"])
def test_normalise_phone_rejects_letters(raw: str) -> None:
    with pytest.raises(ValueError, match="contains letters"):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", ["+44 20 +7946 0958", "020#79460958", "020 7946 0958;"])
def test_normalise_phone_rejects_other_characters(raw: str) -> None:
    with pytest.raises(ValueError, match="unexpected character"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Olga.Petrova@Example.ORG ", "olga.petrova@example.org"),
        ("a@b", "a@b"),
    ],
)
def test_normalise_email(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "olga.example.org", "olga@", "@example.org", "   "])
def test_normalise_email_rejects_non_addresses(raw: str) -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        normalise_email(raw)
