"""Persian-first text handling: pure functions that read what users type and format replies.

Nothing here does I/O or knows about Telegram, so every function can be tested in isolation.
Parsers raise :class:`InputError`, whose ``code`` is a message id in ``locales/*/text.ftl``.
"""

from bot.text.dates import (
    days_until,
    format_clock,
    format_date,
    parse_date,
    parse_weekdays,
    weekday_name,
)
from bot.text.errors import InputError
from bot.text.mobile import mask_mobile, parse_mobile
from bot.text.money import MAX_RIALS, RIALS_PER_TOMAN, format_toman, parse_money
from bot.text.national_code import (
    is_valid_national_code,
    national_code_check_digit,
    parse_national_code,
)
from bot.text.normalize import (
    matching_key,
    normalize_letters,
    normalize_text,
    normalize_untrusted,
    search_text,
    to_ascii_digits,
    to_persian_digits,
)
from bot.text.numbers import (
    format_number,
    format_percent,
    localize_digits,
    localize_number,
    parse_whole_number,
    ungroup_digits,
    uses_persian_digits,
)

__all__ = [
    "MAX_RIALS",
    "RIALS_PER_TOMAN",
    "InputError",
    "days_until",
    "format_clock",
    "format_date",
    "format_number",
    "format_percent",
    "format_toman",
    "is_valid_national_code",
    "localize_digits",
    "localize_number",
    "mask_mobile",
    "matching_key",
    "national_code_check_digit",
    "normalize_letters",
    "normalize_text",
    "normalize_untrusted",
    "parse_date",
    "parse_mobile",
    "parse_money",
    "parse_national_code",
    "parse_weekdays",
    "parse_whole_number",
    "search_text",
    "to_ascii_digits",
    "to_persian_digits",
    "ungroup_digits",
    "uses_persian_digits",
    "weekday_name",
]
