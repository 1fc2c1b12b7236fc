"""Iranian mobile numbers, stored in one canonical form: E.164 ``+989XXXXXXXXX``.

People write the same number as 0912..., 912..., +98912..., 0098912..., +98 (0) 912... and
Telegram contacts arrive as "989121234567" or "+989121234567". One canonical form lets us
compare numbers and find duplicates.
"""

from __future__ import annotations

import re

from bot.text.errors import InputError
from bot.text.normalize import normalize_text

_COUNTRY = "98"
# Digits of an Iranian mobile number without country code or trunk zero: 9 and nine more.
_NATIONAL_MOBILE = re.compile(r"9[0-9]{9}")
_NATIONAL_LENGTH = 10
# Spaces, ZWNJ, dots, parentheses, slashes and dash variants between digit groups.
_SEPARATORS = re.compile(r"[\s\u200c.()\[\]/\-\u2010-\u2015\u2212_]+")
_NUMBER = re.compile(r"(\+|00)?([0-9]+)")
_CANONICAL = re.compile(r"\+989[0-9]{9}")


def parse_mobile(s: str) -> str:
    """Return ``+989XXXXXXXXX`` or raise :class:`InputError`.

    Codes: ``input-mobile-format`` (not a phone number we can read),
    ``input-mobile-not-iranian`` (another country code), ``input-mobile-not-mobile`` (an
    Iranian number that is not a mobile, e.g. a Tehran landline 021...).
    """
    match = _NUMBER.fullmatch(_SEPARATORS.sub("", normalize_text(s)))
    if match is None:
        raise InputError("input-mobile-format")
    has_international_prefix = match.group(1) is not None
    national = _national_part(match.group(2), has_international_prefix)
    if len(national) != _NATIONAL_LENGTH or national.startswith("0"):
        # A leading 0 here means a digit is missing ("0912123456"), not a landline.
        raise InputError("input-mobile-format")
    if not _NATIONAL_MOBILE.fullmatch(national):
        raise InputError("input-mobile-not-mobile")
    return f"+{_COUNTRY}{national}"


def national_mobile(canonical: str) -> str:
    """``+989121234567`` as people in Iran write and dial it: ``09121234567`` (no plus sign
    to jump to the other end of a right-to-left line)."""
    return "0" + canonical[3:] if canonical.startswith("+98") else canonical


def mask_mobile(canonical: str) -> str:
    """Hide the middle digits (``+98912***4567``) so numbers can be shown or logged safely.

    Takes the output of :func:`parse_mobile`; anything else is a programming error and raises
    ``ValueError`` rather than leaking an unmasked number.
    """
    if not _CANONICAL.fullmatch(canonical):
        raise ValueError("mask_mobile expects a canonical +989XXXXXXXXX number")
    return f"{canonical[:6]}***{canonical[-4:]}"


def _national_part(digits: str, has_international_prefix: bool) -> str:
    """Strip the country code and trunk zero, leaving the 10 national digits when all is well.

    Without "+" or "00", a leading "98" is a country code only when the length says so (12
    digits, or 13 with the trunk zero), because "98..." is also a valid national mobile prefix.
    """
    if has_international_prefix:
        if not digits.startswith(_COUNTRY):
            raise InputError("input-mobile-not-iranian")
        return _drop_trunk_zero(digits[len(_COUNTRY) :])
    if digits.startswith(_COUNTRY) and len(digits) in (12, 13):
        return _drop_trunk_zero(digits[len(_COUNTRY) :])
    return _drop_trunk_zero(digits)


def _drop_trunk_zero(digits: str) -> str:
    """Remove one leading 0 ("+98 0912..." and "0912..." both mean "912...")."""
    if len(digits) == _NATIONAL_LENGTH + 1 and digits.startswith("0"):
        return digits[1:]
    return digits
