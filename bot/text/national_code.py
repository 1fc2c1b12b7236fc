"""Iranian national code (kod-e melli): 10 digits whose last digit is a checksum.

Leading zeros: codes issued in some cities (many Tehran codes start with "00") lose their
leading zeros when they pass through spreadsheets or when people assume zeros in front do not
matter. The convention of Iranian validators is therefore to left-pad an input of exactly 8 or
9 digits with zeros. We follow it, and only for 8 or 9 digits: the padded digits are zeros, so
they add nothing to the weighted sum and the checksum still checks the digits the user typed at
the positions they really occupy. Shorter inputs are far more likely to be a mistake than a code
that starts with three zeros, so they are rejected. Padding accepts a code with one missing
digit about once in eleven, so handlers should read the canonical code back for confirmation.
"""

from __future__ import annotations

import re

from bot.text.errors import InputError
from bot.text.normalize import normalize_text

_LENGTH = 10
_MIN_PADDED_LENGTH = 8
# Separators people put between digit groups: whitespace, ZWNJ, dots and dash variants.
_SEPARATORS = re.compile(r"[\s\u200c.\-\u2010-\u2015\u2212_]+")
_DIGITS = re.compile(r"[0-9]+")


def parse_national_code(s: str) -> str:
    """Return the 10 ASCII digits of a valid national code or raise :class:`InputError`.

    Codes: ``input-national-code-format`` (anything but digits and separators),
    ``input-national-code-length`` with ``count`` (number of digits typed),
    ``input-national-code-invalid`` (checksum fails, or ten identical digits).
    """
    digits = _SEPARATORS.sub("", normalize_text(s))
    if not _DIGITS.fullmatch(digits):
        raise InputError("input-national-code-format")
    if _MIN_PADDED_LENGTH <= len(digits) < _LENGTH:
        digits = digits.zfill(_LENGTH)
    if len(digits) != _LENGTH:
        raise InputError("input-national-code-length", count=len(digits))
    if not _checksum_ok(digits) or len(set(digits)) == 1:
        raise InputError("input-national-code-invalid")
    return digits


def is_valid_national_code(s: str) -> bool:
    """True when :func:`parse_national_code` accepts ``s``; for filters and assertions."""
    try:
        parse_national_code(s)
    except InputError:
        return False
    return True


def national_code_check_digit(first_nine: str) -> int:
    """The check digit for nine ASCII digits; it lets tests and fixtures build valid codes."""
    total = sum(int(d) * (_LENGTH - i) for i, d in enumerate(first_nine)) % 11
    return total if total < 2 else 11 - total


def _checksum_ok(digits: str) -> bool:
    return int(digits[-1]) == national_code_check_digit(digits[:-1])
