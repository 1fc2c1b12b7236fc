"""The personal-data guard: text that donors will read must not carry a code or a phone."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.text import national_code_check_digit
from bot.text.privacy import looks_like_personal_data, personal_data_kind
from tests.personal_data import EVASIONS, NAMES, ORDINARY

DIGIT_SYSTEMS = [
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    str.maketrans("0123456789", "０１２３４５６７８９"),  # full-width, from some keyboards
]
SOFT_SEPARATORS = ["", "", " ", "-", "  ", "\u200c", " - ", "\u2013", "_"]
PHONE_SEPARATORS = [*SOFT_SEPARATORS, ".", "/", ") ", "("]
WORDS = st.sampled_from(["", "کد ملی", "تماس:", "call", "شماره", "برای", "\n", "tel "])
# Letters and punctuation that never join digits into one number.
# (Other numbers, "No": superscript and circled digits, are folded into digits by NFKC.)
NO_DIGITS = st.text(
    st.characters(blacklist_categories=["Nd", "No", "Cs"], blacklist_characters="+"), max_size=40
)


@st.composite
def national_codes(draw: st.DrawFn) -> str:
    first_nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    code = first_nine + str(national_code_check_digit(first_nine))
    assume(len(set(code)) > 1)
    return code


@st.composite
def typed(draw: st.DrawFn, digits: str, separators: list[str]) -> str:
    """Digits as someone might type them: any digit system, separators between any digits."""
    system = draw(st.sampled_from(DIGIT_SYSTEMS))
    pieces = [draw(st.sampled_from(separators)) + d for d in digits.translate(system)]
    return "".join(pieces).lstrip("".join(separators))


@st.composite
def in_a_sentence(draw: st.DrawFn, number: st.SearchStrategy[str]) -> str:
    return f"{draw(WORDS)} {draw(number)} {draw(WORDS)}"


MOBILES = st.from_regex(r"9[0-9]{9}", fullmatch=True)
MOBILE_PREFIXES = st.sampled_from(["0", "", "+98", "0098", "+98 ", "+98 (0)", "98"])


@given(national_codes().flatmap(lambda code: in_a_sentence(typed(code, SOFT_SEPARATORS))))
def test_a_national_code_in_any_digits_and_grouping_is_caught(text) -> None:
    assert looks_like_personal_data(text)


@given(national_codes().flatmap(lambda code: in_a_sentence(typed(code, [".", ". ", ""]))))
def test_a_national_code_with_dots_between_digits_is_caught(text) -> None:
    assert looks_like_personal_data(text)


@given(
    st.tuples(MOBILE_PREFIXES, MOBILES).flatmap(
        lambda pair: in_a_sentence(
            typed(pair[1], PHONE_SEPARATORS).map(lambda number: pair[0] + number)
        )
    )
)
def test_a_mobile_number_in_any_form_people_type_is_caught(text) -> None:
    assert looks_like_personal_data(text)


@given(
    st.from_regex(r"0[1-8][0-9]", fullmatch=True),
    st.from_regex(r"[2-9][0-9]{7}", fullmatch=True),
    st.sampled_from(["-", " ", "", ") ", "."]),
    st.sampled_from(DIGIT_SYSTEMS),
)
def test_a_landline_with_its_area_code_is_caught(area, number, separator, system) -> None:
    opening = "(" if separator == ") " else ""
    text = f"تلفن {opening}{area}{separator}{number}".translate(system)
    assert looks_like_personal_data(text)


@given(st.from_regex(r"[0-9]{8,30}", fullmatch=True), st.sampled_from(DIGIT_SYSTEMS))
def test_any_run_of_eight_or_more_digits_is_suspicious(digits, system) -> None:
    assert looks_like_personal_data(f"x{digits.translate(system)}y")


@given(NO_DIGITS)
def test_text_without_digits_holds_no_number(text) -> None:
    """Not "is fine": a title before a word names someone ("MR:B", found by Hypothesis),
    and the name rules have tests of their own below."""
    assert personal_data_kind(text) != "number"


@given(st.lists(st.integers(0, 9_999_999), max_size=6), st.sampled_from(DIGIT_SYSTEMS))
def test_short_numbers_between_words_are_fine(numbers, system) -> None:
    text = " تومان و ".join(str(n) for n in numbers).translate(system)
    assert not looks_like_personal_data(text)


# Commas now join digit groups too (a phone split by commas is caught), so an amount is
# recognised by its shape: grouped by thousands and round (the last group 000), or short.
@given(st.one_of(st.integers(1, 10**12).map(lambda n: n * 1000), st.integers(1, 9_999_999)))
def test_amounts_with_thousands_commas_are_fine(amount) -> None:
    assert not looks_like_personal_data(f"مبلغ {amount:,} تومان")
    assert not looks_like_personal_data(f"مبلغ {amount:,} تومان".replace(",", "٬"))
    assert not looks_like_personal_data(f"مبلغ {amount:,} تومان".replace(",", "."))


@given(MOBILES, st.sampled_from([",", "٬"]))
def test_a_mobile_grouped_like_an_amount_is_still_caught(mobile, comma) -> None:
    assume(not mobile.endswith("000"))
    assert looks_like_personal_data(f"{int(mobile):,}".replace(",", comma))


@given(st.integers(1300, 1499), st.integers(1, 12), st.integers(1, 31), st.booleans())
def test_jalali_dates_with_slashes_are_fine(year, month, day, padded) -> None:
    date = f"{year}/{month:02d}/{day:02d}" if padded else f"{year}/{month}/{day}"
    assert not looks_like_personal_data(f"تا تاریخ {date} و {date}")


@given(st.text(max_size=300))
def test_any_text_gives_an_answer(text) -> None:
    assert looks_like_personal_data(text) in (True, False)


@pytest.mark.parametrize(
    "text",
    [
        "0012345679",
        "۰۰۱۲۳۴۵۶۷۹",
        "٠٠١٢٣٤٥٦٧٩",
        "001-234567-9",
        "12345679",  # a national code that lost its leading zeros in a spreadsheet
        "0012.3456.79",
        "09121234567",
        "0912 123 4567",
        "(0912) 123.45.67",
        "+98 (0) 912 123 4567",
        "912/123/4567",
        "\u202a+98 912 123 4567\u202c",
        "021-12345678",
        "(021) 2233 4455",
        "021.2233.4455",
        "2025-12-21",  # conservative: a date written with dashes is eight digits in a row
        "90.000/00000",  # 0900 000 0000 split so its first part reads like an amount
        "912/900.000/0000",
    ],
)
def test_shapes_staff_should_remove_are_caught(text) -> None:
    assert looks_like_personal_data(f"خانواده {text} در تهران")


@pytest.mark.parametrize(
    "text",
    [
        "جهیزیه برای نوعروس",
        "۳ فرزند، اجاره ۱۲ ماه",
        "تا ۱۴۰۴/۰۹/۳۰",
        "1404/09/30 - 1404/10/30",
        "مبلغ ۲۵,۰۰۰,۰۰۰ تومان",
        "2.500.000 تومان",
        "25.000.000 تومان",
        "25,000,000 تومان / ۱۲ ماه",
        "1234567",
        "ساعت 10:30",
    ],
)
def test_ordinary_descriptions_are_fine(text) -> None:
    assert not looks_like_personal_data(text)


# -- evasion: format characters, separators, compatibility digits ---------------------------


@pytest.mark.parametrize(("form", "text"), EVASIONS, ids=[form for form, _ in EVASIONS])
def test_every_evasion_of_a_phone_or_national_code_is_caught(form, text) -> None:
    assert personal_data_kind(f"خانواده {text} در تهران") == "number"


FORMAT_CHARACTERS = st.characters(categories=["Cf"])


@given(national_codes(), st.lists(FORMAT_CHARACTERS, min_size=1, max_size=9))
def test_any_format_character_between_digits_hides_nothing(code, hidden) -> None:
    text = "".join(digit + (hidden[i] if i < len(hidden) else "") for i, digit in enumerate(code))
    assert looks_like_personal_data(f"کد {text}")


@given(
    national_codes(),
    st.sampled_from([",", "٬", "·", "*", "|", "~", ":", "•", ";", "#"]),
    st.integers(1, 5),
)
def test_a_national_code_split_by_any_punctuation_is_caught(code, separator, every) -> None:
    text = separator.join(code[i : i + every] for i in range(0, 10, every))
    assert looks_like_personal_data(text)


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NAMES)
def test_a_title_with_a_name_or_a_full_name_is_refused(text) -> None:
    assert personal_data_kind(text) == "name"


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_descriptions_with_titles_and_amounts_pass(text) -> None:
    assert personal_data_kind(text) is None


def test_names_written_with_arabic_letters_or_zwnj_are_still_names() -> None:
    assert personal_data_kind("خانم رضائي") == "name"  # Arabic yeh, hamza form
    assert personal_data_kind("آقاي محمدي") == "name"
    assert personal_data_kind("خا\u200bنم رضایی") == "name"  # a zero-width space inside


def test_a_title_at_the_end_or_a_word_that_only_starts_like_one_names_nobody() -> None:
    assert personal_data_kind("کمک به این خانم") is None
    assert personal_data_kind("خانمی که سرپرست خانوار است") is None
