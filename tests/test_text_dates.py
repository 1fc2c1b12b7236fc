"""Dates typed by users (Jalali or Gregorian) and dates shown to them (Jalali)."""

from datetime import date, timedelta

import jdatetime
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import InputError, days_until, format_date, parse_date, parse_weekdays, weekday_name
from bot.text.dates import typed_date_example

YALDA_1404 = date(2025, 12, 21)  # 30 Azar 1404
DIGIT_SYSTEMS = [
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
]


def date_error(s: str) -> str:
    with pytest.raises(InputError) as excinfo:
        parse_date(s)
    return excinfo.value.code


@pytest.mark.parametrize(
    "typed",
    [
        "1404/09/30",
        "۱۴۰۴/۰۹/۳۰",
        "١٤٠٤/٠٩/٣٠",
        "1404-9-30",
        "1404.09.30",
        "۱۴۰۴٫۰۹٫۳۰",
        " 1404 / 9 / 30 ",
    ],
)
def test_jalali_date_typed_year_first_in_any_digits_is_read(typed):
    assert parse_date(typed) == YALDA_1404


@pytest.mark.parametrize("typed", ["2025-12-21", "2025/12/21", "۲۰۲۵-۱۲-۲۱"])
def test_gregorian_date_is_read_when_the_year_says_so(typed):
    assert parse_date(typed) == YALDA_1404


@pytest.mark.parametrize("typed", ["۳۰ آذر ۱۴۰۴", "30 Azar 1404", "30 azar 1404", "30 آذر 1404"])
def test_date_as_the_bot_shows_it_can_be_typed_back(typed):
    assert parse_date(typed) == YALDA_1404


def test_last_day_of_esfand_exists_only_in_leap_years():
    assert parse_date("1403/12/30") == date(2025, 3, 20)
    assert date_error("1404/12/30") == "input-date-invalid"
    assert date_error("1404/12/31") == "input-date-invalid"


@pytest.mark.parametrize(
    "typed", ["1404/13/01", "1404/00/10", "1404/01/00", "1404/07/31", "2025-02-29", "2025-13-01"]
)
def test_day_that_is_not_in_the_calendar_is_rejected(typed):
    assert date_error(typed) == "input-date-invalid"


@pytest.mark.parametrize("typed", ["1800/01/01", "1899-12-31", "2200-01-01", "9999/01/01"])
def test_year_that_is_neither_jalali_nor_gregorian_is_rejected(typed):
    assert date_error(typed) == "input-date-year"


@pytest.mark.parametrize(
    "typed",
    ["", "fardā", "30/09/1404", "12/21/2025", "04/09/30", "1404/09", "14040930", "0404/09/30"],
)
def test_date_not_written_year_first_is_rejected_not_guessed(typed):
    assert date_error(typed) == "input-date-format"


def test_date_is_shown_in_jalali_with_persian_month_name_and_digits():
    assert format_date(YALDA_1404, "fa") == "۳۰ آذر ۱۴۰۴"


def test_date_is_shown_in_jalali_with_transliterated_month_name_in_english():
    assert format_date(YALDA_1404, "en") == "30 Azar 1404"


def test_first_days_of_a_month_have_no_leading_zero():
    assert format_date(date(2025, 3, 21), "fa") == "۱ فروردین ۱۴۰۴"


def test_days_until_counts_forward_and_backward():
    assert days_until(YALDA_1404, date(2025, 12, 20)) == 1
    assert days_until(YALDA_1404, YALDA_1404) == 0
    assert days_until(YALDA_1404, date(2025, 12, 31)) == -10


dates_1950_2100 = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@given(
    dates_1950_2100,
    st.sampled_from(["/", "-", ".", "٫"]),
    st.sampled_from(DIGIT_SYSTEMS),
    st.booleans(),
)
@settings(deadline=None)
def test_any_jalali_date_typed_in_any_style_reads_back(d, sep, digits, zero_padded):
    j = jdatetime.date.fromgregorian(date=d)
    pattern = "{:04d}{sep}{:02d}{sep}{:02d}" if zero_padded else "{}{sep}{}{sep}{}"
    typed = pattern.format(j.year, j.month, j.day, sep=sep).translate(digits)
    assert parse_date(typed) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_any_iso_gregorian_date_reads_back(d):
    assert parse_date(d.isoformat()) == d


@given(dates_1950_2100, st.sampled_from(["fa", "en"]))
@settings(deadline=None)
def test_any_date_shown_by_the_bot_can_be_typed_back(d, lang):
    assert parse_date(format_date(d, lang)) == d


@given(dates_1950_2100, st.integers(min_value=-40_000, max_value=40_000))
def test_days_until_matches_calendar_arithmetic(today, offset):
    assert days_until(today + timedelta(days=offset), today) == offset


DATEISH = st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹/-. آذرAzar")


@given(st.one_of(st.text(), DATEISH))
@settings(deadline=None)
def test_any_text_gives_a_date_or_an_input_error(s):
    try:
        result: date | str = parse_date(s)
    except InputError as err:
        result = err.code
    assert isinstance(result, date) or result.startswith("input-date-")


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.sampled_from(["fa", "en"]))  # fmt: skip
def test_a_prompt_example_date_typed_back_is_the_same_day(d: date, lang: str) -> None:
    assert parse_date(typed_date_example(d, lang)) == d


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("شنبه", (0,)),
        ("یک‌شنبه", (1,)),
        ("یک شنبه", (1,)),  # a space where ZWNJ belongs
        ("يكشنبه", (1,)),  # Arabic ی and ک
        ("سه شنبه و چهارشنبه", (3, 4)),
        ("جمعه، پنجشنبه", (5, 6)),  # the week's order, whatever the order typed
        ("Saturday, Monday", (0, 2)),
        ("sat/FRI", (0, 6)),
        ("Sunday and sunday", (1,)),  # each day once
    ],
)
def test_days_of_the_week_are_read_in_persian_or_english(typed: str, days: tuple[int, ...]) -> None:
    assert parse_weekdays(typed) == days


@pytest.mark.parametrize("typed", ["", "Someday", "شنبه و", "1"])
def test_a_word_that_names_no_day_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="day of the week"):
        parse_weekdays(typed)


def test_a_day_is_named_in_the_readers_language() -> None:
    assert [weekday_name(day, "fa") for day in (0, 3, 6)] == ["شنبه", "سه\u200cشنبه", "جمعه"]
    assert [weekday_name(day, "en") for day in (0, 3, 6)] == ["Saturday", "Tuesday", "Friday"]
