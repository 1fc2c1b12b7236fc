"""Display numbers the way each language's readers expect them.

Persian readers expect Persian digits and the Arabic thousands separator (U+066C). Formatting
stays here so that no handler builds numbers by hand.
"""

from __future__ import annotations

# ASCII digits, grouping comma, decimal point and percent sign -> Persian digits, U+066C,
# U+066B and U+066A.
_FA_NUMBER = str.maketrans("0123456789,.%", "۰۱۲۳۴۵۶۷۸۹٬٫٪")


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


def localize_number(ascii_number: str, lang: str) -> str:
    """Render a number already formatted in ASCII (``2,500.5``, ``30%``) for ``lang``."""
    return ascii_number.translate(_FA_NUMBER) if uses_persian_digits(lang) else ascii_number
