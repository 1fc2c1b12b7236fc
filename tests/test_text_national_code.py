"""National codes typed by users."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.text import (
    InputError,
    is_valid_national_code,
    national_code_check_digit,
    parse_national_code,
)

VALID = "0012345679"  # the example shown in the error messages
DIGIT_SYSTEMS = [
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
]
SEPARATORS = ["", " ", "-", ".", "  ", "\u200c", " - ", "\u2013"]


def weighted_sum(code: str) -> int:
    return sum(int(d) * (10 - i) for i, d in enumerate(code[:9])) % 11


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    first_nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    code = first_nine + str(national_code_check_digit(first_nine))
    assume(len(set(code)) > 1)
    return code


@st.composite
def typed_forms(draw: st.DrawFn, code: str) -> str:
    """The code as a user might type it: any digit system, separators between any digits."""
    system = draw(st.sampled_from(DIGIT_SYSTEMS))
    pieces = [draw(st.sampled_from(SEPARATORS)) + d for d in code.translate(system)]
    return draw(st.sampled_from(["", " "])) + "".join(pieces) + draw(st.sampled_from(["", " "]))


def code_error(s: str) -> str:
    with pytest.raises(InputError) as excinfo:
        parse_national_code(s)
    return excinfo.value.code


def test_national_code_typed_in_latin_digits_is_accepted():
    assert parse_national_code(VALID) == VALID


def test_national_code_typed_with_persian_digits_is_accepted():
    assert parse_national_code("۰۰۱۲۳۴۵۶۷۹") == VALID


def test_national_code_typed_with_arabic_indic_digits_is_accepted():
    assert parse_national_code("٠٠١٢٣٤٥٦٧٩") == VALID


@pytest.mark.parametrize("typed", ["001-234567-9", "001 234 567 9", "001.234567.9", " 0012345679 "])
def test_national_code_with_dashes_spaces_or_dots_is_accepted(typed):
    assert parse_national_code(typed) == VALID


def test_national_code_with_its_leading_zeros_dropped_is_restored():
    assert parse_national_code("012345679") == VALID
    assert parse_national_code("۱۲۳۴۵۶۷۹") == VALID


def test_national_code_with_seven_digits_is_too_short_even_if_padding_would_fix_it():
    assert code_error("2345679") == "input-national-code-length"


def test_too_long_national_code_reports_how_many_digits_were_typed():
    with pytest.raises(InputError) as excinfo:
        parse_national_code("00123456790")
    assert excinfo.value.code == "input-national-code-length"
    assert excinfo.value.args_ == {"count": 11}


@pytest.mark.parametrize(
    "typed", ["", "   ", "abc", "۰۰۱۲۳۴۵۶۷a", "کد ملی ۰۰۱۲۳۴۵۶۷۹", "+0012345679"]
)
def test_national_code_with_letters_or_symbols_asks_for_digits_only(typed):
    assert code_error(typed) == "input-national-code-format"


def test_national_code_with_wrong_check_digit_is_rejected():
    assert code_error("0012345678") == "input-national-code-invalid"


@pytest.mark.parametrize("digit", "0123456789")
def test_ten_identical_digits_are_not_a_national_code(digit):
    assert code_error(digit * 10) == "input-national-code-invalid"


def test_validity_check_mirrors_the_parser():
    assert is_valid_national_code("۰۰۱۲۳۴۵۶۷۹")
    assert not is_valid_national_code("0012345678")
    assert not is_valid_national_code("hello")


@given(valid_codes().flatmap(lambda code: st.tuples(st.just(code), typed_forms(code))))
def test_valid_code_typed_in_any_digits_with_any_separators_reads_back(code_and_typed):
    code, typed = code_and_typed
    assert parse_national_code(typed) == code


@given(valid_codes(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_a_valid_code_is_caught(code, position, delta):
    changed = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    # Known blind spot of the official checksum: weighted sums 1 and 10 share check digit 1.
    assume({weighted_sum(code), weighted_sum(changed)} != {1, 10})
    assert not is_valid_national_code(changed)


@given(valid_codes())
def test_leading_zeros_can_be_left_out_only_down_to_eight_digits(code):
    for dropped in (1, 2):
        if code[:dropped] == "0" * dropped:
            assert parse_national_code(code[dropped:]) == code
    if code.startswith("000"):
        assert code_error(code[3:]) == "input-national-code-length"


@given(st.text(alphabet="0123456789", max_size=30))
def test_digit_strings_of_wrong_length_report_the_length(digits):
    assume(len(digits) not in (8, 9, 10) and digits)
    assert code_error(digits) == "input-national-code-length"


@given(st.one_of(st.text(), st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹ -.x")))
def test_any_text_gives_ten_digits_or_an_input_error(s):
    try:
        code = parse_national_code(s)
    except InputError as err:
        code = err.code
    assert code.startswith("input-national-code-") or (
        len(code) == 10 and code.isascii() and code.isdigit()
    )
