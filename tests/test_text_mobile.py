"""Mobile numbers typed by users or shared as Telegram contacts."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import InputError, mask_mobile, parse_mobile

CANONICAL = "+989121234567"
DIGIT_SYSTEMS = [
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
]
PREFIXES = ["0", "", "+98", "0098", "98", "+98 0", "+98 (0)"]
SEPARATORS = ["", " ", "-", ".", "\u200c", "(", ")"]


def mobile_error(s: str) -> str:
    with pytest.raises(InputError) as excinfo:
        parse_mobile(s)
    return excinfo.value.code


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "0912 123 4567",
        "0912-123-4567",
        "(0912) 123.45.67",
        "+98 912 123 4567",
        "+98 (0) 912 123 4567",
        "+۹۸۹۱۲۱۲۳۴۵۶۷",
        "\u202a+98 912 123 4567\u202c",
    ],
)
def test_mobile_typed_in_any_common_form_is_stored_the_same_way(typed):
    assert parse_mobile(typed) == CANONICAL


@pytest.mark.parametrize("shared", ["989121234567", "+989121234567"])
def test_phone_number_from_a_telegram_contact_is_accepted(shared):
    assert parse_mobile(shared) == CANONICAL


def test_mobile_starting_with_98_after_the_nine_is_not_mistaken_for_a_country_code():
    assert parse_mobile("9891234567") == "+989891234567"
    assert parse_mobile("09891234567") == "+989891234567"


@pytest.mark.parametrize("typed", ["+1 555 123 4567", "+447911123456", "0044 7911 123456"])
def test_foreign_number_is_rejected_as_not_iranian(typed):
    assert mobile_error(typed) == "input-mobile-not-iranian"


@pytest.mark.parametrize("typed", ["02112345678", "+98 21 1234 5678", "۰۲۱۱۲۳۴۵۶۷۸"])
def test_landline_number_is_rejected_as_not_a_mobile(typed):
    assert mobile_error(typed) == "input-mobile-not-mobile"


@pytest.mark.parametrize(
    "typed", ["", "abc", "0912123456", "091212345678", "0912 123 45x7", "22334455", "+"]
)
def test_unreadable_or_wrong_length_number_asks_for_the_usual_form(typed):
    assert mobile_error(typed) == "input-mobile-format"


def test_masked_mobile_hides_the_middle_digits():
    assert mask_mobile(CANONICAL) == "+98912***4567"


@pytest.mark.parametrize("not_canonical", ["09121234567", "+98912123456", "+98912***4567"])
def test_masking_something_that_is_not_a_parsed_mobile_is_a_programming_error(not_canonical):
    with pytest.raises(ValueError, match="canonical"):
        mask_mobile(not_canonical)


@st.composite
def typed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(canonical, as typed): any prefix, digit system and separators between digits."""
    national = "9" + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    separators = st.sampled_from(SEPARATORS)
    body = "".join(draw(separators) + d for d in national)
    typed = draw(st.sampled_from(PREFIXES)) + body
    return "+98" + national, typed.translate(draw(st.sampled_from(DIGIT_SYSTEMS)))


@given(typed_mobiles())
def test_any_iranian_mobile_in_any_form_reads_back_canonical(canonical_and_typed):
    canonical, typed = canonical_and_typed
    assert parse_mobile(typed) == canonical


@given(typed_mobiles())
def test_masked_mobile_keeps_only_prefix_and_last_four_digits(canonical_and_typed):
    canonical, _ = canonical_and_typed
    masked = mask_mobile(canonical)
    assert masked == canonical[:6] + "***" + canonical[-4:]


@given(st.one_of(st.text(), st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹+-() ")))
def test_any_text_gives_a_canonical_mobile_or_an_input_error(s):
    try:
        result = parse_mobile(s)
    except InputError as err:
        result = err.code
    assert result.startswith("input-mobile-") or re.fullmatch(r"\+989[0-9]{9}", result)
