"""Display numbers the way each language's readers expect them.

Persian readers expect Persian digits and the Arabic thousands separator (U+066C). Formatting
stays here so that no handler builds numbers by hand.
"""

from __future__ import annotations

import re

from bot.text.normalize import normalize_text, to_persian_digits

# ASCII digits, grouping comma, decimal point and percent sign -> Persian digits, U+066C,
# U+066B and U+066A.
_FA_NUMBER = str.maketrans("0123456789,.%", "۰۱۲۳۴۵۶۷۸۹٬٫٪")


# One rule for grouping digits wherever people type a number (money, quantities, CSV files):
# groups of exactly three after a first group of one to three digits, separated by a Latin
# comma, the Persian thousands separator (U+066C) or the Arabic comma (U+060C). Anything else
# ("1,00,000" grouped the Indian way, "2,5") could be read two ways and is refused.
GROUP_SEPARATORS = ",\u066c\u060c"
_TO_COMMA = str.maketrans(GROUP_SEPARATORS, "," * len(GROUP_SEPARATORS))
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
# More digits than any count we take: int() must never see a 5,000-digit string.
_MAX_WHOLE_DIGITS = 15


def ungroup_digits(number: str) -> str | None:
    """The digits of an ASCII-digit number written with or without grouping separators, or
    None when separators are present but do not group by three (``"1,00,000"``)."""
    unified = number.translate(_TO_COMMA)
    if "," not in unified:
        return unified
    return unified.replace(",", "") if _GROUPED.fullmatch(unified) else None


def parse_whole_number(text: str) -> int | None:
    """A whole number typed by a person (a quantity): any digits, grouped by the one rule.

    None if it is not one; callers check the range and say what they expected, in their words.
    """
    digits = ungroup_digits(normalize_text(text))
    if digits is None or not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits.lstrip("0")) > _MAX_WHOLE_DIGITS:
        return None
    return int(digits)


def uses_persian_digits(lang: str) -> bool:
    """True for Persian ("fa", and regional tags such as "fa-IR" or "fa_AF" that clients send)."""
    return lang.replace("_", "-").split("-")[0].casefold() == "fa"


def format_number(n: int, lang: str) -> str:
    """Group thousands in threes: ``2,500,000`` in English, Persian digits and U+066C in "fa".

    Negative numbers keep an ASCII leading "-" in both languages; any language other than
    Persian gets the English form, which every reader can decode.
    """
    return localize_number(f"{n:,}", lang)


def format_percent(p: int, lang: str) -> str:
    """``30%`` in English; Persian digits and the Arabic percent sign (U+066A) in Persian."""
    return localize_number(f"{p}%", lang)


def localize_digits(text: str, lang: str) -> str:
    """Only the digits of ``text`` in the reader's script: for what is not a quantity (the
    last digits of a code, a phone number, a time of day), so nothing is grouped or changed."""
    return to_persian_digits(text) if uses_persian_digits(lang) else text


def localize_number(ascii_number: str, lang: str) -> str:
    """Render a number already formatted in ASCII (``2,500.5``, ``30%``) for ``lang``."""
    return ascii_number.translate(_FA_NUMBER) if uses_persian_digits(lang) else ascii_number
