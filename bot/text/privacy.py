"""Spotting personal data (national codes, phone numbers, names) in text donors will read.

Need descriptions are written by staff and shown to strangers. A national code, a phone
number or a name that slips into one identifies a family, which is exactly what Hamdeli
promises never to do. A false alarm costs staff one edit; a miss cannot be undone, so the
detector is deliberately conservative.

Everything is matched on :func:`~bot.text.normalize_untrusted` text: every format character
(Unicode category Cf: ZWNJ, ZWJ, U+2060, soft hyphen, bidi marks) is removed and NFKC folds
compatibility digits (superscript, circled, full-width) into plain ones, so no invisible or
look-alike character can split or disguise a number. Every Unicode decimal digit counts.

Numbers:

1. Digits joined only by spaces, dashes or underscores are read as one number, and any such
   number of 8 or more digits is suspicious: that covers national codes (10 digits, or 8-9
   with the leading zeros lost in a spreadsheet), mobiles and landlines (``021-12345678``)
   however they are grouped.
2. Digit groups joined by any other punctuation or symbol (``.`` ``/`` ``,`` ``U+066C`` ``·``
   ``*`` ``|`` ``~`` ``:`` parentheses, a leading ``+``…) are suspicious when some
   consecutive groups form a number that :func:`~bot.text.parse_mobile` or
   :func:`~bot.text.is_valid_national_code` accepts, or a full Iranian phone number with its
   trunk or country prefix (``021.2233.4455``); a national code is not read across a slash.
   Dates (``1404/09/30``), times (``10:30``)
   and round amounts grouped by thousands (``25,000,000``, ``12.500.000``: the last group is
   ``000``) stay allowed.

Names (word lists in ``bot/data/personal_names.json``, Persian and Latin; the examples
below are transliterated, the project keeps Persian text out of code):

3. A courtesy title (khanom, aghaye, haj, Mrs, Mr…) followed by a word names a person,
   unless that word is an ordinary one listed as such ("khanom sarparast-e khanevar", a
   mother heading the household; "khanom-e bardar", a pregnant woman; "Mrs and Mr") or
   holds a digit ("khanom-e 60 saleh"). A title at the end, or a word like "khanomi" (a
   woman), names nobody. Titles in a row ("khanom doctor") are read as one.
4. Titles that are also professions (doctor, mohandes, Dr) and first names (Maryam, Ali)
   name a person only when the next word looks like a family name: a listed one (Rezaei,
   Mohammadi) or one of four letters or more with a family-name ending (-pour, -zadeh,
   -nejad, -i) that is not an ordinary word. So "visit-e doctor-e motakhasses" (a
   specialist's visit) and "nazr-e Imam Hossein" pass, while "doctor Kazemi" and "Maryam
   Rezaei" do not. First names that are everyday words (Omid, Bahar, Noor) are left out.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from bot.text.errors import InputError
from bot.text.mobile import parse_mobile
from bot.text.national_code import is_valid_national_code
from bot.text.normalize import matching_key, normalize_untrusted

PersonalData = Literal["number", "name"]

# Rule 1: a number of this many digits or more, written with soft separators, is suspicious.
MIN_SUSPICIOUS_DIGITS = 8
# Rule 2 never needs more digits than "0098" + "0" + ten national digits.
_MAX_PHONE_DIGITS = 15
# A family name is read from its ending only when this long or longer ("kasi" is not one).
_MIN_SUFFIXED_NAME = 4

_SOFT_SEPARATOR = r"[\s_\-\u2010-\u2015\u2212]"
_SOFT_RUN = re.compile(rf"[0-9]+(?:{_SOFT_SEPARATOR}+[0-9]+)*")
# Any run of non-word characters (punctuation, symbols, spaces) or underscores.
_HARD_RUN = re.compile(r"\+?[0-9]+(?:(?:[^\w]|_)+[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
_NON_DIGITS = re.compile(r"[^0-9]+")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
# A whole Iranian phone number, mobile or landline, with trunk zero or country code.
_PREFIXED_PHONE = re.compile(r"(?:0|98|0098|980|00980)[1-9][0-9]{9}")
# An amount grouped by thousands that ends in 000 (what people write for money), whole.
# Not when more digits follow or precede after a space or a mark: "900.000 0000" and
# "90.000/00000" are phones split up.
_ROUND_AMOUNT = re.compile(
    rf"(?<![0-9,.\u066b\u066c])(?<![0-9]{_SOFT_SEPARATOR})(?<![0-9][^\w\s])"
    r"[1-9][0-9]{0,2}(?P<sep>[,.\u066b\u066c])(?:[0-9]{3}(?P=sep))*000"
    rf"(?![0-9]|[^\w\s]*{_SOFT_SEPARATOR}*[0-9])"
)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def personal_data_kind(text: str) -> PersonalData | None:
    """What kind of personal data ``text`` seems to carry: a number, a name, or nothing."""
    normalized = normalize_untrusted(text)
    if _has_personal_number(normalized):
        return "number"
    if _names_a_person(normalized):
        return "name"
    return None


def looks_like_personal_data(text: str) -> bool:
    """True when ``text`` contains a national code, a phone number or a person's name."""
    return personal_data_kind(text) is not None


def has_personal_number(text: str) -> bool:
    """True when ``text`` contains something shaped like a national code or a phone number."""
    return _has_personal_number(normalize_untrusted(text))


# -- numbers ---------------------------------------------------------------------------------


def _has_personal_number(normalized: str) -> bool:
    text = _ROUND_AMOUNT.sub(" amount ", _ascii_digits(normalized))
    if any(_digit_count(run) >= MIN_SUSPICIOUS_DIGITS for run in _SOFT_RUN.findall(text)):
        return True
    return any(_has_identifier(run) for run in _HARD_RUN.findall(text))


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit as its ASCII digit (normalize_text only knows two scripts)."""
    return _OTHER_DIGIT.sub(lambda digit: str(int(digit.group())), text)


def _digit_count(run: str) -> int:
    return len(_NON_DIGITS.sub("", run))


def _has_identifier(run: str) -> bool:
    """Whether consecutive digit groups of ``run`` (with their separators) form an identifier."""
    if _digit_count(run) < MIN_SUSPICIOUS_DIGITS:
        return False  # shorter than any national code or phone number
    groups = list(_GROUP.finditer(run))
    for first, start_group in enumerate(groups):
        start = start_group.start()
        if start > 0 and run[start - 1] == "+":
            start -= 1  # "+98 912 ..." is read with its plus
        digits = 0
        for end_group in groups[first:]:
            digits += len(end_group.group())
            if digits > _MAX_PHONE_DIGITS:
                break
            if digits >= MIN_SUSPICIOUS_DIGITS and _is_identifier(run[start : end_group.end()]):
                return True
    return False


def _is_identifier(candidate: str) -> bool:
    digits = _NON_DIGITS.sub("", candidate)
    if _PREFIXED_PHONE.fullmatch(digits):
        return True
    if "/" not in candidate and is_valid_national_code(digits):
        return True  # (slashes make dates: 1404/09/30 has eight digits too)
    try:
        parse_mobile(("+" if candidate.startswith("+") else "") + digits)
    except InputError:
        return False
    return True


# -- names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameWords:
    strong_titles: frozenset[str]
    titles: frozenset[str]
    ordinary: frozenset[str]
    first_names: frozenset[str]
    family_names: frozenset[str]
    family_suffixes: tuple[str, ...]


def _fold(word: str) -> str:
    """One spelling per word: no format characters or diacritics, Persian letters, case
    folded, madda and hamza loosened (the matching key of place names)."""
    return matching_key(normalize_untrusted(word))


@cache
def _name_words() -> _NameWords:
    raw = resources.files("bot").joinpath("data", "personal_names.json").read_text("utf-8")
    data = json.loads(raw)

    def words(key: str) -> frozenset[str]:
        return frozenset(_fold(word) for word in data[key])

    return _NameWords(
        strong_titles=words("strong_titles"),
        titles=words("strong_titles") | words("weak_titles"),
        ordinary=words("ordinary_after_title"),
        first_names=words("first_names"),
        family_names=words("family_names"),
        family_suffixes=tuple(sorted(words("family_suffixes"), key=len, reverse=True)),
    )


def _names_a_person(normalized: str) -> bool:
    lists = _name_words()
    tokens = [_fold(word) for word in _WORD.findall(normalized)]
    chain_strong = False  # titles in a row ("khanom doctor") are read as one
    for word, following in itertools.pairwise(tokens):
        if word not in lists.titles:
            chain_strong = False
            if word in lists.first_names and _looks_like_family_name(following, lists):
                return True
            continue
        chain_strong = chain_strong or word in lists.strong_titles
        if following not in lists.titles and _follows_as_name(following, chain_strong, lists):
            return True
    return False


def _follows_as_name(word: str, after_strong_title: bool, lists: _NameWords) -> bool:
    """After a courtesy title any word but an ordinary one is a name; after a profession
    only a word that looks like a name."""
    if word in lists.ordinary or _DIGIT.search(word):
        return False
    if after_strong_title:
        return True
    return word in lists.first_names or _looks_like_family_name(word, lists)


def _looks_like_family_name(word: str, lists: _NameWords) -> bool:
    if word in lists.family_names:
        return True
    if word in lists.ordinary or _DIGIT.search(word) or len(word) < _MIN_SUFFIXED_NAME:
        return False
    return word.endswith(lists.family_suffixes)
