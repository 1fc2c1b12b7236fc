"""Normalise Persian text typed on phones before parsing or comparing it.

Users type the same thing in many ways: Persian (U+06F0..U+06F9), Arabic-Indic (U+0660..U+0669)
or Latin digits; Arabic yeh/kaf (U+064A, U+0643, from Arabic keyboards) instead of Persian
yeh/keheh (U+06CC, U+06A9); stray or doubled spaces; invisible bidi marks that phones add around
pasted numbers. Every parser starts here so that the rest of the code only ever deals with ASCII
digits and one spelling of each letter.

Persian characters appear only on the translation-table lines below (project lint rule).
"""

from __future__ import annotations

import re
import unicodedata

_TO_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Arabic yeh and alef maksura -> Persian yeh, Arabic kaf -> keheh, tatweel removed.
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ـ": None})
# Looser folding used only for matching keys: users often skip the madda or hamza.
_LOOSE_LETTERS = str.maketrans("آأإٱؤۀة", "ااااوهه")
# Invisible bidi controls (LRM, RLM, ALM, embeddings, isolates, BOM): phones wrap pasted
# phone numbers in them; they carry no meaning for parsing.
_BIDI_CONTROLS = str.maketrans(
    "", "", "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)

_WHITESPACE = re.compile(r"\s+")
# Unicode categories dropped from matching keys: separators (spaces), format characters
# (ZWNJ, ZWJ), dashes, connectors (underscore) and non-spacing marks (Arabic diacritics).
_KEY_DROPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Pd", "Pc", "Mn"})


def to_ascii_digits(s: str) -> str:
    """Turn Persian and Arabic-Indic digits into ASCII so ``int()`` and regexes see one form."""
    return s.translate(_TO_ASCII_DIGITS)


def to_persian_digits(s: str) -> str:
    """Turn ASCII digits into Persian ones for display: Persian readers expect Persian digits."""
    return s.translate(_TO_PERSIAN_DIGITS)


def normalize_letters(s: str) -> str:
    """Unify Arabic and Persian letter variants, drop tatweel and apply NFC.

    NFC runs before the mapping (so a decomposed Arabic yeh + hamza still composes into one
    letter) and after it (removing a tatweel can put a base letter next to its combining mark).
    """
    composed = unicodedata.normalize("NFC", s)
    return unicodedata.normalize("NFC", composed.translate(_LETTERS))


def normalize_text(s: str) -> str:
    """Canonical form of user input: bidi marks removed, ASCII digits, unified letters,
    surrounding whitespace stripped and every run of whitespace collapsed to one space.

    ZWNJ (U+200C) is kept: it is part of correct Persian spelling, not noise.
    """
    cleaned = to_ascii_digits(s.translate(_BIDI_CONTROLS))
    return _WHITESPACE.sub(" ", normalize_letters(cleaned)).strip()


def normalize_untrusted(s: str) -> str:
    """:func:`normalize_text` after folding what hides a number from a pattern.

    Every format character (Unicode category Cf: ZWNJ, ZWJ, word joiner, soft hyphen, bidi
    marks) is removed, and NFKC folds compatibility forms (superscript, circled and
    full-width digits, Arabic presentation forms) into their plain characters. For matching
    only: the result is not fit to show (ZWNJ is part of correct Persian spelling).
    """
    visible = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    return normalize_text(unicodedata.normalize("NFKC", visible))


def matching_key(s: str) -> str:
    """Key for comparing a name typed by a user with a reference name (province, city...).

    Spaces, ZWNJ, dashes, diacritics and a missing madda or hamza vary between people and
    keyboards but never tell two real place names apart, so they are dropped or folded; case
    is folded for Latin names ("East  Azerbaijan" and "east-azerbaijan" give the same key).
    """
    folded = unicodedata.normalize("NFC", normalize_text(s).casefold()).translate(_LOOSE_LETTERS)
    return "".join(ch for ch in folded if unicodedata.category(ch) not in _KEY_DROPPED_CATEGORIES)


_NOT_WORD = re.compile(r"[^\w\s]")
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")


def search_text(s: str) -> str:
    """Text folded for finding words and phrases in it (the safety word lists).

    People in distress type fast, on any keyboard: Arabic or Persian letters, ZWNJ or a
    space or nothing inside a word, "کتکککک" or "pleeease" for emphasis, punctuation
    anywhere. Everything that does not change the words is folded away: normalized
    letters and digits (:func:`normalize_untrusted`: format characters such as ZWNJ,
    zero-width and soft hyphen dropped, compatibility forms folded), case, diacritics
    dropped, madda/hamza loosened, punctuation turned into spaces, and a letter repeated in
    a row kept once. Fold what you search for the same way.
    """
    # A zero-width *space* separates words (it is how some keyboards type a space).
    plain = normalize_untrusted(s.replace("\u200b", " ")).casefold().translate(_LOOSE_LETTERS)
    kept = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn")
    spaced = _NOT_WORD.sub(" ", kept)
    return _WHITESPACE.sub(" ", _REPEATED_LETTER.sub(r"\1", spaced)).strip()
