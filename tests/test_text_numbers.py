"""Numbers and percentages shown to users."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import format_number, format_percent, to_ascii_digits, uses_persian_digits


def test_persian_amount_uses_persian_digits_and_persian_thousands_separator():
    assert format_number(2_500_000, "fa") == "۲٬۵۰۰٬۰۰۰"


def test_english_amount_uses_commas():
    assert format_number(2_500_000, "en") == "2,500,000"


def test_small_numbers_have_no_separator():
    assert format_number(0, "fa") == "۰"
    assert format_number(999, "fa") == "۹۹۹"
    assert format_number(1000, "en") == "1,000"


def test_negative_numbers_keep_a_leading_minus():
    assert format_number(-2500, "fa") == "-۲٬۵۰۰"
    assert format_number(-2500, "en") == "-2,500"


@pytest.mark.parametrize("lang", ["fa-IR", "fa_IR", "FA"])
def test_regional_persian_language_tags_get_persian_digits(lang):
    assert uses_persian_digits(lang)
    assert format_number(1000, lang) == "۱٬۰۰۰"


@pytest.mark.parametrize("lang", ["en", "de", "", "far"])
def test_other_languages_get_latin_digits(lang):
    assert format_number(1000, lang) == "1,000"


def test_percentages_use_the_persian_percent_sign_in_persian():
    assert format_percent(30, "fa") == "۳۰٪"
    assert format_percent(30, "en") == "30%"
    assert format_percent(100, "fa") == "۱۰۰٪"


@given(st.integers())
def test_persian_formatted_number_reads_back_through_ascii_digits(n):
    text = format_number(n, "fa")
    assert not any("0" <= ch <= "9" for ch in text)
    assert int(to_ascii_digits(text).replace("٬", "")) == n


@given(st.integers())
def test_english_formatted_number_reads_back(n):
    assert int(format_number(n, "en").replace(",", "")) == n


@given(st.integers(min_value=0, max_value=10**18))
def test_digits_are_grouped_in_threes(n):
    groups = format_number(n, "fa").split("٬")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(group) == 3 for group in groups[1:])
