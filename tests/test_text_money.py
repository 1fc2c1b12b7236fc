"""Amounts of money typed by users: read as toman unless they say rial, stored as rials."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.text import MAX_RIALS, InputError, format_number, format_toman, parse_money

MILLION_TOMAN = 10_000_000  # in rials
DIGIT_SYSTEMS = [
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
]
THOUSANDS_SEPARATORS = [",", "٬", "،"]
MULTIPLIERS = {
    "هزار": 1_000,
    "k": 1_000,
    "thousand": 1_000,
    "میلیون": 1_000_000,
    "ملیون": 1_000_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "میلیارد": 1_000_000_000,
    "billion": 1_000_000_000,
}
TOMAN_WORDS = ["", " تومان", " تومن", "تومان", " toman", " Toman"]
RIAL_WORDS = [" ریال", " ريال", " rial", " rials", "ریال"]
amounts_in_toman = st.integers(min_value=1, max_value=MAX_RIALS // 10)


def money_error(s: str) -> str:
    with pytest.raises(InputError) as excinfo:
        parse_money(s)
    return excinfo.value.code


def grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


# --- accepted forms -------------------------------------------------------------------------------


def test_money_typed_with_persian_digits_and_million_is_read_as_toman():
    assert parse_money("۲ میلیون") == 2 * MILLION_TOMAN


def test_thousand_toman_in_persian_words_is_read():
    assert parse_money("۵۰۰ هزار تومان") == 5_000_000


def test_colloquial_toman_spelling_is_read():
    assert parse_money("300 هزار تومن") == 3_000_000


@pytest.mark.parametrize("typed", ["2,500,000", "۲٬۵۰۰٬۰۰۰", "۲،۵۰۰،۰۰۰", "2500000", "۲۵۰۰۰۰۰"])
def test_bare_number_with_or_without_thousands_separators_is_toman(typed):
    assert parse_money(typed) == 25_000_000


@pytest.mark.parametrize("typed", ["2.5 میلیون", "۲٫۵ میلیون", "2.5m", "۲/۵ میلیون", "2.5 million"])
def test_decimal_with_million_is_read_as_two_and_a_half_million_toman(typed):
    assert parse_money(typed) == 25_000_000


def test_number_followed_by_toman_word_is_toman():
    assert parse_money("2500000 تومان") == 25_000_000
    assert parse_money("1,000,000 toman") == MILLION_TOMAN


def test_billion_is_a_thousand_million():
    assert parse_money("1 میلیارد") == 1000 * MILLION_TOMAN
    assert parse_money("1 billion") == 1000 * MILLION_TOMAN


@pytest.mark.parametrize("typed", ["500k", "500 thousand", "500K", "۵۰۰ هزار", "۵۰۰هزار"])
def test_english_and_persian_thousand_shortcuts_are_read(typed):
    assert parse_money(typed) == 5_000_000


def test_english_million_is_read():
    assert parse_money("2 million") == 2 * MILLION_TOMAN


@pytest.mark.parametrize("typed", ["500 ریال", "500 ريال", "500 rial", "500 rials", "۵۰۰ریال"])
def test_amount_with_rial_unit_is_already_in_rials(typed):
    assert parse_money(typed) == 500


def test_rial_unit_after_a_multiplier_is_also_rials():
    assert parse_money("5 میلیون ریال") == 5_000_000


def test_unit_words_glued_together_or_joined_by_zwnj_are_read():
    assert parse_money("۵۰۰هزارتومان") == 5_000_000
    assert parse_money("۲ میلیون\u200cتومان") == 2 * MILLION_TOMAN


def test_million_and_thousand_said_together_are_added():
    assert parse_money("۲ میلیون و ۵۰۰ هزار تومان") == 25_000_000
    assert parse_money("2m 500k") == 25_000_000
    assert parse_money("1 billion and 200 million") == 1_200 * MILLION_TOMAN


def test_toman_with_one_or_two_decimals_is_accepted_when_it_is_whole_rials():
    assert parse_money("1.5") == 15
    assert parse_money("2.50") == 25


def test_units_typed_with_arabic_letters_or_common_misspelling_are_read():
    assert parse_money("۲ ميليون تومان") == 2 * MILLION_TOMAN
    assert parse_money("۲ ملیون") == 2 * MILLION_TOMAN


def test_leading_zeros_do_not_change_the_amount_however_many():
    assert parse_money("0500") == 5_000
    assert parse_money("0" * 5000 + "1") == 10
    assert money_error("0" * 5000) == "input-money-not-positive"


def test_very_long_message_is_rejected_quickly():
    assert money_error("هزار" * 1000) == "input-money-words"
    assert money_error("ا" * 4096) == "input-money-no-digits"
    assert money_error("1," * 2000 + "000") == "input-money-ambiguous"


def test_extra_spaces_and_direction_marks_are_ignored():
    assert parse_money("  \u200f۲   میلیون  تومان \u200e") == 2 * MILLION_TOMAN


# --- rejected forms -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\u200c"])
def test_empty_amount_is_rejected(typed):
    assert money_error(typed) == "input-money-empty"


@pytest.mark.parametrize("typed", ["abc", "تومان", "؟", "$"])
def test_amount_without_digits_is_rejected(typed):
    assert money_error(typed) == "input-money-no-digits"


@pytest.mark.parametrize(
    "typed", ["دو میلیون", "پانصد هزار تومان", "سیصدهزار", "two million", "۲ و نیم میلیون"]
)
def test_amount_written_in_words_asks_for_digits(typed):
    assert money_error(typed) == "input-money-words"


@pytest.mark.parametrize(
    "typed",
    [
        "2,5",
        "۲٬۵",
        "2.500",
        "2.500.000",
        "۲٫۵۰۰٫۰۰۰",
        "1,00,000",
        "2,500.5",
        "2.500,5",
        "0,500",
        "2 500 000",
        "2,5 میلیون",
        "2 میلیون و 500",
        "2 میلیون و 1500 هزار",
        "500 هزار و 2 میلیون",
    ],
)
def test_amount_that_could_be_read_two_ways_is_rejected_not_guessed(typed):
    assert money_error(typed) == "input-money-ambiguous"


@pytest.mark.parametrize("typed", ["0", "۰ تومان", "0.0", "-500", "- ۵۰۰ هزار", "\u2212500"])
def test_zero_or_negative_amount_is_rejected(typed):
    assert money_error(typed) == "input-money-not-positive"


@pytest.mark.parametrize("typed", ["0.05", "1.25", "1.5 ریال", "0.00000000000000000001 میلیون"])
def test_amount_with_a_fraction_of_a_rial_is_rejected(typed):
    assert money_error(typed) == "input-money-fraction"


@pytest.mark.parametrize(
    "typed", ["100,000,000,000,001 تومان", "1000000 میلیارد", "9" * 5000, "2" * 17 + " ریال"]
)
def test_absurdly_large_amount_is_rejected(typed):
    assert money_error(typed) == "input-money-too-large"


def test_largest_accepted_amount_is_ten_to_the_fifteen_rials():
    assert parse_money("100,000,000,000,000 تومان") == MAX_RIALS


@pytest.mark.parametrize(
    ("typed", "word"), [("500 dollars", "dollars"), ("500 تومان بده", "بده"), ("abc 500", "abc")]
)
def test_unknown_word_is_named_back_to_the_user(typed, word):
    with pytest.raises(InputError) as excinfo:
        parse_money(typed)
    assert excinfo.value.code == "input-money-unknown-word"
    assert excinfo.value.args_ == {"word": word}


@pytest.mark.parametrize(
    "typed", ["500$", "500 تومان تومان", "5 هزار میلیارد", "میلیون 5", "500 و", "2.", ".5", "5+5"]
)
def test_amount_with_stray_symbols_or_misplaced_units_is_rejected(typed):
    assert money_error(typed) == "input-money-format"


# --- format_toman ---------------------------------------------------------------------------------


def test_rials_are_shown_as_toman_in_persian_digits():
    assert format_toman(25_000_000, "fa") == "۲٬۵۰۰٬۰۰۰"
    assert format_toman(25_000_000, "en") == "2,500,000"


def test_leftover_rials_are_shown_as_a_toman_decimal():
    assert format_toman(15, "fa") == "۱٫۵"
    assert format_toman(15, "en") == "1.5"
    assert format_toman(-25, "en") == "-2.5"


# --- properties -------------------------------------------------------------------------------


@given(
    amounts_in_toman,
    st.sampled_from(THOUSANDS_SEPARATORS),
    st.sampled_from(DIGIT_SYSTEMS),
    st.sampled_from(TOMAN_WORDS),
)
@settings(deadline=None)
def test_any_amount_with_thousands_separators_in_any_digits_reads_back(n, sep, digits, unit):
    assert parse_money((grouped(n, sep) + unit).translate(digits)) == n * 10


@given(amounts_in_toman, st.sampled_from(DIGIT_SYSTEMS))
def test_any_plain_number_is_read_as_toman(n, digits):
    assert parse_money(str(n).translate(digits)) == n * 10


@given(st.integers(min_value=1, max_value=MAX_RIALS), st.sampled_from(RIAL_WORDS))
def test_any_amount_with_rial_unit_is_kept_in_rials(n, unit):
    assert parse_money(f"{n:,}{unit}") == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(sorted(MULTIPLIERS)))
def test_any_whole_number_times_a_multiplier_is_read(n, word):
    expected = n * MULTIPLIERS[word] * 10
    assume(expected <= MAX_RIALS)
    assert parse_money(f"{n} {word}") == expected


@given(
    st.integers(min_value=0, max_value=999),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
    st.sampled_from(["میلیون", "million", "m", "میلیارد"]),
    st.sampled_from([".", "٫", "/"]),
)
def test_decimal_amount_with_a_multiplier_is_exact(whole, decimals, word, point):
    expected = (whole + Fraction(int(decimals), 10 ** len(decimals))) * MULTIPLIERS[word] * 10
    assume(expected > 0)
    assert parse_money(f"{whole}{point}{decimals} {word}") == expected


@given(st.integers(min_value=1, max_value=MAX_RIALS // 10), st.sampled_from(["fa", "en"]))
def test_whole_toman_amounts_shown_by_the_bot_read_back(n, lang):
    assert parse_money(format_toman(n * 10, lang)) == n * 10
    assert parse_money(format_number(n, lang)) == n * 10


@given(
    st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=2, max_size=5),
    st.sampled_from([",", "٬"]),
)
def test_thousands_groups_that_are_not_three_digits_are_ambiguous(groups, sep):
    assume(any(len(g) != 3 for g in groups[1:]) or not 1 <= len(groups[0]) <= 3)
    assert money_error(sep.join(groups)) in {"input-money-ambiguous", "input-money-not-positive"}


MONEY_PIECES = [
    *"0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩,.٬٫،/ -+kmbKM",
    *["هزار", "میلیون", "میلیارد", "تومان", "ریال", "و", "دو", "\u200c", "x"],
]
MONEYISH = st.lists(st.sampled_from(MONEY_PIECES)).map("".join)


@given(st.one_of(st.text(), MONEYISH))
@settings(deadline=None)
def test_any_text_gives_a_sensible_amount_or_an_input_error(s):
    try:
        result: int | str = parse_money(s)
    except InputError as err:
        result = err.code
    if isinstance(result, str):
        assert result.startswith("input-money-")
    else:
        assert 0 < result <= MAX_RIALS
