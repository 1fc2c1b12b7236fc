"""Dates typed by users (Jalali or Gregorian) and dates shown to them (always Jalali).

Iranians write Jalali dates year first (1404/09/30); some, and every computer, use Gregorian
ISO dates (2025-12-21). The two calendars' year numbers never overlap in practice, so the
year decides: below 1700 is Jalali, 1900-2199 is Gregorian, anything else is rejected. The year
must come first and have four digits: "30/09/1404" and "12/11/2025" are refused rather than
guessed, because day-month order differs between countries.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import jdatetime

from bot.text.errors import InputError
from bot.text.normalize import matching_key, normalize_text, to_persian_digits
from bot.text.numbers import uses_persian_digits

_LAST_JALALI_YEAR = 1699
_GREGORIAN_YEARS = range(1900, 2200)
# Date separators to "/": dot, dash variants, backslash, division and fraction slashes and the
# Persian decimal separator, which some keyboards offer where "/" would be.
_SEPARATORS = str.maketrans("٫.-\u2010\u2011\u2012\u2013\u2014\u2212\\\u2215\u2044", "////////////")
_NUMERIC = re.compile(r"([1-9][0-9]{3}) ?/ ?([0-9]{1,2}) ?/ ?([0-9]{1,2})")
_SPELLED = re.compile(r"([0-9]{1,2}) (\S+(?: \S+)?) ([1-9][0-9]{3})")
# Between the days of a schedule: a comma (Latin or Persian), "/", "+", "&", or the word
# "و" / "and" between spaces.
_DAY_SEPARATORS = re.compile(r"\s*(?:[,،/+&]|\s(?:و|and)\s)\s*", re.IGNORECASE)


def parse_date(s: str) -> date:
    """Read ``1404/09/30`` (any digits; "/", "-" or "." between parts), ``2025-12-21`` or the
    form :func:`format_date` shows (``30 Azar 1404``, also with the Persian month name).

    Codes: ``input-date-format`` (not a year-first date), ``input-date-year`` (a year that is
    neither Jalali nor Gregorian), ``input-date-invalid`` (no such day, e.g. month 13 or
    Esfand 30 in a common year).
    """
    text = normalize_text(s)
    numeric = _NUMERIC.fullmatch(text.translate(_SEPARATORS))
    if numeric:
        year, month, day = (int(part) for part in numeric.groups())
        return _to_date(year, month, day)
    spelled = _SPELLED.fullmatch(text)
    if spelled:
        day_text, month_name, year_text = spelled.groups()
        month_number = _jalali_month_number(month_name)
        if int(year_text) <= _LAST_JALALI_YEAR and month_number is not None:
            return _jalali(int(year_text), month_number, int(day_text))
    raise InputError("input-date-format")


def format_date(d: date, lang: str) -> str:
    """The Jalali date as people say it: day, month name, year (``30 Azar 1404``).

    Persian gets Persian digits and the Persian month name; month names come from jdatetime
    so they are spelled the same everywhere in the bot.
    """
    jalali = jdatetime.date.fromgregorian(date=d)
    if uses_persian_digits(lang):
        month_name = jdatetime.date.j_months_fa[jalali.month - 1]
        return to_persian_digits(f"{jalali.day} {month_name} {jalali.year}")
    return f"{jalali.day} {jdatetime.date.j_months_en[jalali.month - 1]} {jalali.year}"


def format_clock(moment: datetime, lang: str) -> str:
    """The clock time of ``moment`` (``18:30``, Persian digits in Persian). Shown beside
    its Jalali date, a deadline is exact: people can put it in their calendar."""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    return to_persian_digits(clock) if uses_persian_digits(lang) else clock


def typed_date_example(d: date, lang: str) -> str:
    """``d`` the way people type a date (``1405/10/09``, with Persian digits in Persian):
    examples in prompts are made from today, so they are never already past."""
    jalali = jdatetime.date.fromgregorian(date=d)
    typed = f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"
    return to_persian_digits(typed) if uses_persian_digits(lang) else typed


def parse_weekdays(s: str) -> tuple[int, ...]:
    """The days of the week an office writes in a schedule (``شنبه و یک‌شنبه``, ``Sat, Mon``)
    as numbers of the Jalali week, Saturday 0 to Friday 6, in the week's order, each once.

    Kept as numbers and shown by :func:`weekday_name` in each person's language, so the
    office writes the schedule once, in either language, and an English screen never shows
    Persian day names. Spaces, ZWNJ and ی/ک forms inside a name do not matter
    ("یک شنبه", "يكشنبه"); days are separated by commas (, or ،), "/", "+", "&", "و" or
    "and". A word that names no day raises ValueError naming it: a mistake in the settings,
    found when the bot starts rather than shown to a household.
    """
    days: set[int] = set()
    for word in _DAY_SEPARATORS.split(normalize_text(s)):
        if not word:
            continue
        day = _weekday_number(word)
        if day is None:
            raise ValueError(f"{word!r} is not a day of the week, in Persian or English")
        days.add(day)
    if not days:
        raise ValueError("no day of the week given")
    return tuple(sorted(days))


def weekday_name(day: int, lang: str) -> str:
    """A day of the Jalali week (Saturday 0) by name in ``lang``: from jdatetime, like the
    months, so a day is spelled the same everywhere in the bot."""
    names: list[str] = (
        jdatetime.date.j_weekdays_fa if uses_persian_digits(lang) else jdatetime.date.j_weekdays_en
    )
    return names[day]


def days_until(d: date, today: date) -> int:
    """Whole days from ``today`` to ``d``: negative once ``d`` has passed, 0 on the day.

    ``today`` is a parameter, not ``date.today()``, so callers choose the time zone (Tehran)
    and tests stay deterministic.
    """
    return (d - today).days


def _to_date(year: int, month: int, day: int) -> date:
    if year <= _LAST_JALALI_YEAR:
        return _jalali(year, month, day)
    if year in _GREGORIAN_YEARS:
        try:
            return date(year, month, day)
        except ValueError:
            raise InputError("input-date-invalid") from None
    raise InputError("input-date-year")


def _jalali(year: int, month: int, day: int) -> date:
    try:
        gregorian: date = jdatetime.date(year, month, day).togregorian()
        return gregorian
    except ValueError:
        raise InputError("input-date-invalid") from None


def _weekday_number(name: str) -> int | None:
    """Day number (Saturday 0) for a Persian or English day name or its three-letter short
    form, spaces, ZWNJ and case aside."""
    key = matching_key(name)
    week = jdatetime.date
    for names in (week.j_weekdays_fa, week.j_weekdays_en, week.j_weekdays_short_en):
        keys = [matching_key(day) for day in names]
        if key in keys:
            return keys.index(key)
    return None


def _jalali_month_number(name: str) -> int | None:
    """Month number for a Persian or transliterated Jalali month name, spaces and case aside."""
    key = matching_key(name)
    for names in (jdatetime.date.j_months_fa, jdatetime.date.j_months_en):
        keys = [matching_key(month) for month in names]
        if key in keys:
            return keys.index(key) + 1
    return None
