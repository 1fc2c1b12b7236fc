"""Alphabetical order as readers expect it: the Persian alphabet in Persian, A–Z in English.

Python compares code points, which puts the four letters Persian added to the Arabic script
(U+067E, U+0686, U+0698, U+06AF) after every other letter, and Arabic yeh/kaf (typed on
Arabic keyboards) apart from Persian yeh/keheh. PyICU would do this right but needs the ICU
headers to install, so this small key does what our lists need:

- letters in the Persian alphabet's order, madda-alef first, then alef and its hamza forms;
- letter variants (Arabic yeh/kaf, hamza seats, teh marbuta) sort with their letter and
  are only told apart when everything else is equal;
- ZWNJ, tatweel and diacritics are ignored; a space or dash sorts before every letter, so
  a name comes before longer names that start with it ("word by word");
- digits before letters; in Persian, Persian letters before Latin ones, otherwise Latin first;
  Latin compares without case and accents.

Persian characters appear only in the alphabet table below (project lint rule).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Protocol, TypeVar

from bot.text.numbers import uses_persian_digits

# The Persian alphabet, one string per letter: the letter first, then the forms that sort
# with it (told apart only by a secondary weight, in this order).
_PERSIAN_ALPHABET = (
    "آ",
    "اأإٱٲٳء",
    "ب",
    "پ",
    "ت",
    "ث",
    "ج",
    "چ",
    "ح",
    "خ",
    "د",
    "ذ",
    "ر",
    "ز",
    "ژ",
    "س",
    "ش",
    "ص",
    "ض",
    "ط",
    "ظ",
    "ع",
    "غ",
    "ف",
    "ق",
    "کك",
    "گ",
    "ل",
    "م",
    "ن",
    "وؤ",
    "هۀةە",
    "یيىئ",
)
_LETTER_WEIGHTS: dict[str, tuple[int, int]] = {
    form: (index, variant)
    for index, letter in enumerate(_PERSIAN_ALPHABET)
    for variant, form in enumerate(letter)
}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Primary weight bands: separators < digits < first script < second script < anything else.
_SEPARATOR, _DIGIT, _FIRST, _SECOND, _OTHER = 0, 1, 2, 3, 4
_IGNORED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})  # ZWNJ, bidi marks; harakat, accents
_SEPARATOR_CATEGORIES = frozenset({"Zs", "Pd", "Pc"})  # spaces, dashes, underscore
_TATWEEL = "\u0640"

Weight = tuple[int, int]  # (band, rank within the band)
T = TypeVar("T")


class Named(Protocol):
    """Anything with a name per language: provinces, cities."""

    def name(self, language: str) -> str: ...


N = TypeVar("N", bound=Named)


def collation_key(text: str, language: str) -> tuple[tuple[Weight, ...], tuple[int, ...], str]:
    """Sort key for ``text`` in ``language``: ``sorted(names, key=...)`` gives dictionary order.

    Compares letters first (primary weights), then letter variants and case (secondary),
    and finally the text itself, so different strings never tie and the order is total.
    """
    return _key(text, uses_persian_digits(language))


def alphabetical(items: Iterable[T], language: str, name: Callable[[T], str]) -> list[T]:
    """``items`` in the alphabetical order of ``name(item)`` for readers of ``language``."""
    return sorted(items, key=lambda item: collation_key(name(item), language))


def by_name(items: Iterable[N], language: str) -> list[N]:
    """Places (anything with ``name(language)``) in alphabetical order of their shown names."""
    return alphabetical(items, language, lambda item: item.name(language))


@lru_cache(maxsize=8192)
def _key(text: str, persian_first: bool) -> tuple[tuple[Weight, ...], tuple[int, ...], str]:
    primary: list[Weight] = []
    secondary: list[int] = []
    for ch in unicodedata.normalize("NFC", text):
        weight = _weight(ch, persian_first)
        if weight is None:
            continue
        primary.append(weight[0])
        secondary.append(weight[1])
    return tuple(primary), tuple(secondary), text


def _weight(ch: str, persian_first: bool) -> tuple[Weight, int] | None:
    """(primary, secondary) weight of one character, or None if it does not count."""
    category = unicodedata.category(ch)
    if ch == _TATWEEL or category in _IGNORED_CATEGORIES:
        return None
    if category in _SEPARATOR_CATEGORIES:
        return (_SEPARATOR, 0), 0
    if ch in _LETTER_WEIGHTS:
        index, variant = _LETTER_WEIGHTS[ch]
        return (_FIRST if persian_first else _SECOND, index), variant
    digit = ch.translate(_DIGITS)
    if digit.isascii() and digit.isdigit():
        return (_DIGIT, int(digit)), 0
    base = unicodedata.normalize("NFKD", ch)[0]
    if base.isascii() and base.isalpha():
        folded = base.casefold()
        band = _SECOND if persian_first else _FIRST
        return (band, ord(folded)), (0 if base == folded else 1) + 2 * (base != ch)
    return (_OTHER, ord(ch)), 0
