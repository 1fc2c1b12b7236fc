"""Numbers and percentages shown to users."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import (
    RIALS_PER_TOMAN,
    InputError,
    format_number,
    format_percent,
    parse_money,
    parse_whole_number,
    to_ascii_digits,
    to_persian_digits,
    ungroup_digits,
    uses_persian_digits,
)


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


# -- one rule for grouping typed digits: money, quantities and CSV files agree -------------

SEPARATORS = [",", "\u066c", "\u060c"]  # Latin comma, Persian thousands separator, Arabic comma


def grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@given(st.integers(1, 10**12), st.sampled_from(SEPARATORS), st.booleans())
def test_numbers_grouped_by_three_read_the_same_everywhere(n, separator, persian):
    typed = grouped(n, separator)
    typed = to_persian_digits(typed) if persian else typed
    assert parse_whole_number(typed) == n
    assert parse_money(typed) == n * RIALS_PER_TOMAN


@given(st.integers(1, 10**12), st.sampled_from(["fa", "en"]))
def test_what_the_bot_shows_can_be_typed_back(n, lang):
    assert parse_whole_number(format_number(n, lang)) == n
    assert parse_money(format_number(n, lang)) == n * RIALS_PER_TOMAN


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=12),
    st.data(),
    st.sampled_from(SEPARATORS),
)
def test_digits_grouped_other_than_by_three_are_refused_everywhere(digits, data, separator):
    cut = data.draw(st.integers(1, len(digits) - 1))
    typed = digits[:cut] + separator + digits[cut:]
    if ungroup_digits(typed) is not None:  # the cut happened to group by three
        assert typed.translate({ord(separator): ","}) == f"{int(digits):,}"
        return
    assert parse_whole_number(typed) is None
    with pytest.raises(InputError, match="input-money-ambiguous"):
        parse_money(typed)


@pytest.mark.parametrize("typed", ["1,00,000", "10,0000", "1,0", ",100", "100,", "0,500", "1 000"])
def test_the_indian_and_other_groupings_are_refused_by_both_parsers(typed):
    assert parse_whole_number(typed) is None
    with pytest.raises(InputError):
        parse_money(typed)


@pytest.mark.parametrize("typed", ["", "-3", "1.5", "دوازده", "9" * 40, "٣ ٤"])
def test_a_whole_number_is_only_digits(typed):
    assert parse_whole_number(typed) is None
