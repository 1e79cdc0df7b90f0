"""Normalise identifying values before they are blind-indexed.

A blind index only finds exact matches of its input, so one person written two ways
("López, García María" and "Maria Garcia Lopez") must first be reduced to one string.
Pure Python (no Django) so it can be tested on its own.

Names: ``normalise_text`` transliterates every script to ASCII with ``anyascii``, drops
diacritics and apostrophes, and splits on other punctuation; tokens are then sorted so
name order does not matter. ``exact_name_key`` joins those tokens; ``phonetic_name_key``
first maps each token through Metaphone (jellyfish).

Why Metaphone: on our variant list (tests/vault/test_names.py) it matched the most
transliteration variants. NYSIIS misses "Aleksandr"/"Alexander", "Sergei"/"Sergey",
"Dmitry"/"Dmitri"; Soundex keeps the first letter as written, so it misses
"Cristina"/"Kristina", "Philip"/"Filip", "Catherine"/"Katherine", and truncates long
surnames ("Petrovskaya" == "Petrov"); Match Rating misses most of them. Before
Metaphone a non-initial "y" becomes "i", because Cyrillic и/й/ы/я are romanised with
either letter ("Tatyana"/"Tatiana", "Mariya"/"Maria", "Iryna"/"Irina").

What the phonetic key does NOT catch (the tests record these as expected failures):
  * different first sounds: "Yelena"/"Elena"/"Jelena", "Yevgeny"/"Evgeny",
    "Oleksandr"/"Aleksandr", Ukrainian "Hryhoriy" vs Russian "Grigoriy";
  * "kh" vs "ch" for Cyrillic kha: "Mikhail"/"Michail"/"Michael";
  * doubled vowels from "iya": "Anastasiya"/"Anastasia";
  * anyascii transliterates letter by letter, so Greek omicron-upsilon gives "oy" (the
    phonetic key still matches "Papadopoulos") but epsilon-upsilon gives "eu", missing "Evangelos";
  * Chinese characters become one run-together token ("李小龍" -> "lixiaolong"),
    which does not equal the spaced pinyin "Li Xiaolong";
  * Arabic script has no short vowels; it works where consonants agree ("محمد" ==
    "Muhammad") but not in general ("علي" -> "ly", not "Ali");
  * nicknames and translations ("Sasha"/"Aleksandr", "Giorgos"/"George").
It is deliberately coarse ("Anna"/"Anne", "Ivanov"/"Ivanova" collide): it is for
proposing possible duplicates to a person, never for merging records automatically.

Phones and e-mails: ``normalise_phone`` and ``normalise_email`` give one canonical form.
A national number ("020 7946 0958") is not converted to international form because the
country is unknown, so it does not match "+44 20 7946 0958".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import jellyfish
from anyascii import anyascii

__all__ = [
    "exact_name_key",
    "name_tokens",
    "normalise_email",
    "normalise_phone",
    "normalise_text",
    "phonetic_name_key",
]

# Apostrophe look-alikes: ASCII ' and `, acute accent, curly quotes, modifier-letter apostrophes
# and primes (also used for Arabic ayn/hamza), prime, full-width apostrophe, Hebrew geresh.
# Removed before NFKC because NFKC turns some (the acute accent people type in "O\u00b4Brien")
# into a space plus a combining mark, which would split the name.
_APOSTROPHES: Final = frozenset(
    "'`\u00b4\u2018\u2019\u201b\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u2032\uff07\u05f3"
)
# After transliteration "'" and "`" also stand for letters with no Latin sound
# (Cyrillic ь/ъ, Arabic ع/ء): drop them so "Ol'ga" == "Olga" and "O'Brien" -> "obrien".
_ASCII_APOSTROPHES: Final = re.compile(r"['`]")
_NOT_ALNUM: Final = re.compile(r"[^a-z0-9]+")


def _strip_invisible_and_symbols(value: str) -> str:
    out: list[str] = []
    for char in value:
        if char in _APOSTROPHES:
            continue
        category = unicodedata.category(char)
        if char.isspace() or category == "Cc" or char == "\u200b":
            # The zero-width space is an invisible word break, so it splits like a space.
            out.append(" ")
        elif category in ("Cf", "Sk"):
            # Invisible formatting (soft hyphen, zero-width joiner, bidi marks pasted with Arabic or
            # Hebrew) and spacing accents (diaeresis, circumflex, emoji skin tones) are not part of a name.
            continue
        elif category[0] == "S":
            # Otherwise anyascii would spell symbols as words (emoji -> "grinning", "€" -> "EUR").
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def normalise_text(value: str) -> str:
    """Reduce ``value`` to lower-case ASCII letters and digits in single-space-separated words."""
    text = unicodedata.normalize("NFKC", _strip_invisible_and_symbols(value))
    # anyascii transliterates every script (Cyrillic, Arabic, Greek, Thai, Chinese...) and
    # drops Latin diacritics, so "José" and "Jose", "Ольга" and "Olga" meet.
    text = anyascii(text).casefold()
    text = _ASCII_APOSTROPHES.sub("", text)
    # Hyphens, dots, commas etc. separate words: "Anne-Marie" -> "anne marie", "J.R." -> "j r".
    return _NOT_ALNUM.sub(" ", text).strip()


def name_tokens(value: str) -> list[str]:
    """Return the normalised words of a name, sorted so that name order does not matter."""
    return sorted(normalise_text(value).split())


def exact_name_key(value: str) -> str:
    """Return the order-, case-, accent- and script-insensitive form of a name ("" if it has no words)."""
    return " ".join(name_tokens(value))


def _phonetic_code(token: str) -> str:
    # Cyrillic и/й/ы/я are romanised with "y" or "i" alike; keep an initial "y" ("Yusuf"),
    # where it is a consonant.
    code = jellyfish.metaphone(token[:1] + token[1:].replace("y", "i"))
    # Metaphone yields "" for digits and lone "w"; keep the token so no word is silently lost.
    # Codes are upper case and tokens lower case, so a kept token cannot equal a code.
    return code or token


def phonetic_name_key(value: str) -> str:
    """Return a sound-alike key: the sorted Metaphone codes of the name's words ("" if none)."""
    return " ".join(sorted(_phonetic_code(token) for token in name_tokens(value)))


_PHONE_SEPARATORS: Final = frozenset(" .-()/")
_MIN_PHONE_DIGITS: Final = 5


def normalise_phone(value: str) -> str:
    """Return digits with an optional leading "+" ("0044 (0)20-7946.0958" -> "+442079460958")."""
    text = unicodedata.normalize("NFKC", value).strip()  # NFKC: full-width digits and plus sign
    if text.startswith("00"):
        text = "+" + text[2:]
    international = text.startswith("+")
    if international:
        # "(0)" marks a trunk prefix dialled only inside the country: "+44 (0)20" is "+44 20".
        text = text[1:].replace("(0)", "", 1)
    digits: list[str] = []
    for char in text:
        if char.isdecimal():
            # Any script's digits (Arabic-Indic "٠١٢" is common) as ASCII.
            digits.append(str(unicodedata.decimal(char)))
        elif char.isspace() or char in _PHONE_SEPARATORS or unicodedata.category(char) == "Pd":
            continue
        elif char.isalpha():
            raise ValueError(f"phone number contains letters: {value!r}")
        else:
            raise ValueError(f"phone number contains an unexpected character {char!r}: {value!r}")
    if len(digits) < _MIN_PHONE_DIGITS:
        raise ValueError(f"phone number has fewer than {_MIN_PHONE_DIGITS} digits: {value!r}")
    return ("+" if international else "") + "".join(digits)


def normalise_email(value: str) -> str:
    """Return the address stripped and case-folded; raise ValueError if it is not an address."""
    email = value.strip().casefold()
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"not an e-mail address: {value!r}")
    return email
