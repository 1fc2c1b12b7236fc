"""Spotting personal data (national codes, phone numbers) in text that donors will read.

Need descriptions are written by staff and shown to strangers. A national code or a phone
number that slips into one identifies a family, which is exactly what Hamdeli promises never
to do. A false alarm costs staff one edit; a miss cannot be undone, so the detector is
deliberately conservative:

1. Digits joined only by spaces, ZWNJ, dashes or underscores are read as one number, and any
   such number of 8 or more digits is suspicious: that covers national codes (10 digits, or 8-9
   with the leading zeros lost in a spreadsheet), mobiles and landlines (``021-12345678``)
   however they are grouped.
2. Digit groups joined by the other separators people put in phone numbers (``.``, ``/``,
   parentheses, brackets, a leading ``+``) are suspicious when some consecutive groups form a
   number that :func:`~bot.text.parse_mobile` or :func:`~bot.text.is_valid_national_code`
   accepts, or a full Iranian phone number with its trunk or country prefix
   (``021.2233.4455``). Dates (``1404/09/30``) and amounts (``2.500.000``) stay allowed.

Every Unicode decimal digit counts, not only Persian and Arabic-Indic ones, because a number
pasted from anywhere identifies a person just the same.
"""

from __future__ import annotations

import re
import unicodedata

from bot.text.errors import InputError
from bot.text.mobile import parse_mobile
from bot.text.national_code import is_valid_national_code
from bot.text.normalize import normalize_text

# Rule 1: a number of this many digits or more, written with soft separators, is suspicious.
MIN_SUSPICIOUS_DIGITS = 8
# Rule 2 never needs more digits than "0098" + "0" + ten national digits.
_MAX_PHONE_DIGITS = 15

_SOFT_SEPARATOR = r"[\s\u200c_\-\u2010-\u2015\u2212]"
_HARD_SEPARATOR = r"[\s\u200c_\-\u2010-\u2015\u2212.()\[\]/+]"
_SOFT_RUN = re.compile(rf"[0-9]+(?:{_SOFT_SEPARATOR}+[0-9]+)*")
_HARD_RUN = re.compile(rf"\+?[0-9]+(?:{_HARD_SEPARATOR}+[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
_NON_DIGITS = re.compile(r"[^0-9]+")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
# A whole Iranian phone number, mobile or landline, with trunk zero or country code.
_PREFIXED_PHONE = re.compile(r"(?:0|98|0098|980|00980)[1-9][0-9]{9}")


def looks_like_personal_data(text: str) -> bool:
    """True when ``text`` contains something shaped like a national code or a phone number."""
    normalized = _ascii_digits(normalize_text(text))
    if any(_digit_count(run) >= MIN_SUSPICIOUS_DIGITS for run in _SOFT_RUN.findall(normalized)):
        return True
    return any(_has_identifier(run) for run in _HARD_RUN.findall(normalized))


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit as its ASCII digit (normalize_text only knows two scripts)."""
    return _OTHER_DIGIT.sub(lambda digit: str(unicodedata.decimal(digit.group())), text)


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
    if _PREFIXED_PHONE.fullmatch(_NON_DIGITS.sub("", candidate)):
        return True
    if is_valid_national_code(candidate):
        return True
    try:
        parse_mobile(candidate)
    except InputError:
        return False
    return True
