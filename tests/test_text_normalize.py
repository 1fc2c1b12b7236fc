"""Normalisation of what users type, InputError, and the locale messages of bot/text errors."""

import pickle
import re
from pathlib import Path

import pytest
from fluent.syntax import ast, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import (
    InputError,
    matching_key,
    normalize_letters,
    normalize_text,
    parse_date,
    parse_mobile,
    parse_money,
    parse_national_code,
    to_ascii_digits,
    to_persian_digits,
)

ROOT = Path(__file__).resolve().parent.parent
ZWNJ = "\u200c"

# Letters people actually type, plus every kind of noise the normalisers must cope with.
persian_like_text = st.text(
    alphabet=st.sampled_from(
        list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىـئؤةۀأإ ")
        + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789")
        + [ZWNJ, "\u200f", "\u202a", "\u202c", "\t", "\n", "\u00a0", "-", "\u0654", "\u064e"]
    )
)
any_text = st.one_of(st.text(), persian_like_text)


# --- digits -----------------------------------------------------------------------------------


def test_persian_and_arabic_indic_digits_become_ascii_digits():
    assert to_ascii_digits("۱۲۳۴۵۶۷۸۹۰") == "1234567890"
    assert to_ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_ascii_digits("کد ۰۹۱۲ and 34") == "کد 0912 and 34"


def test_ascii_digits_are_shown_as_persian_digits():
    assert to_persian_digits("1404/09/30") == "۱۴۰۴/۰۹/۳۰"
    assert to_persian_digits("abc") == "abc"


@given(st.text(alphabet="0123456789"))
def test_persian_digits_read_back_as_the_same_ascii_digits(digits):
    assert to_ascii_digits(to_persian_digits(digits)) == digits


@given(any_text)
def test_digit_conversion_is_idempotent(s):
    assert to_ascii_digits(to_ascii_digits(s)) == to_ascii_digits(s)
    assert to_persian_digits(to_persian_digits(s)) == to_persian_digits(s)


# --- letters and text ---------------------------------------------------------------------------


def test_arabic_keyboard_letters_become_persian_letters():
    assert normalize_letters("علي") == "علی"
    assert normalize_letters("موسى") == "موسی"
    assert normalize_letters("كرمان") == "کرمان"


def test_tatweel_used_to_stretch_words_is_removed():
    assert normalize_letters("سـلـــام") == "سلام"


def test_decomposed_letters_are_composed():
    assert normalize_letters("ا\u0653") == "آ"


def test_text_is_trimmed_and_runs_of_spaces_collapse():
    assert normalize_text("  ۱۲   سلام\t\n علي  ") == "12 سلام علی"


def test_zwnj_inside_persian_words_is_kept():
    assert normalize_text(f"می{ZWNJ}خواهم") == f"می{ZWNJ}خواهم"


def test_invisible_direction_marks_around_pasted_numbers_are_removed():
    assert normalize_text("\u202a+98 912 123 4567\u202c") == "+98 912 123 4567"
    assert normalize_text("\u200f۱۲۳\u200e") == "123"


@given(any_text)
@settings(deadline=None)
def test_normalizing_twice_changes_nothing(s):
    assert normalize_letters(normalize_letters(s)) == normalize_letters(s)
    assert normalize_text(normalize_text(s)) == normalize_text(s)
    assert matching_key(matching_key(s)) == matching_key(s)


@given(any_text)
def test_normalized_text_has_no_edge_spaces_nor_double_spaces(s):
    text = normalize_text(s)
    assert text == text.strip()
    assert "  " not in text
    assert not re.search(r"[۰-۹٠-٩يكـ]", text)


# --- matching keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        f"آذربایجان{ZWNJ}شرقی",
        "آذربايجان شرقی",
        "آذربایجان  شرقی",
        "آذربایجان-شرقی",
        " آذربـایجان شرقي ",
        "اذربایجان شرقی",
    ],
)
def test_province_typed_with_spaces_zwnj_or_arabic_letters_matches_reference(typed):
    assert matching_key(typed) == matching_key("آذربایجان شرقی")


def test_latin_names_match_regardless_of_case_spaces_and_hyphens():
    assert matching_key("East  Azerbaijan") == matching_key("east-azerbaijan")
    assert matching_key("KERMAN") == matching_key("kerman")


def test_different_names_keep_different_keys():
    assert matching_key("آذربایجان شرقی") != matching_key("آذربایجان غربی")
    assert matching_key("تهران") != matching_key("کرمان")


@given(
    st.lists(st.sampled_from(list("ابپتسشکگیمنوهرد") + list("abcxyz")), min_size=1),
    st.lists(st.sampled_from([" ", ZWNJ, "-", "  ", "\u2013", "_"])),
    st.randoms(),
)
def test_spaces_zwnj_and_dashes_anywhere_do_not_change_the_key(letters, noise, rnd):
    noisy = list(letters)
    for piece in noise:
        noisy.insert(rnd.randint(0, len(noisy)), piece)
    assert matching_key("".join(noisy)) == matching_key("".join(letters))


# --- InputError ---------------------------------------------------------------------------------


def test_input_error_carries_message_id_and_placeholders():
    err = InputError("input-money-unknown-word", word="dollars")
    assert isinstance(err, ValueError)
    assert err.code == "input-money-unknown-word"
    assert err.args_ == {"word": "dollars"}
    assert str(err) == "input-money-unknown-word"


def test_input_error_survives_pickling():
    err = pickle.loads(pickle.dumps(InputError("input-national-code-length", count=7)))
    assert (err.code, err.args_) == ("input-national-code-length", {"count": 7})


# --- locale messages for every error code ---------------------------------------------------------


def _messages(lang: str) -> dict[str, ast.Message]:
    resource = parse((ROOT / "locales" / lang / "text.ftl").read_text(encoding="utf-8"))
    assert not [entry for entry in resource.body if isinstance(entry, ast.Junk)]
    return {entry.id.name: entry for entry in resource.body if isinstance(entry, ast.Message)}


def _placeholders(message: ast.Message) -> set[str]:
    return {
        element.expression.id.name
        for element in message.value.elements
        if isinstance(element, ast.Placeable)
        and isinstance(element.expression, ast.VariableReference)
    }


def _raised_codes() -> dict[str, set[str]]:
    """Codes raised in bot/text, with the placeholder names passed alongside them."""
    codes: dict[str, set[str]] = {}
    for path in (ROOT / "bot" / "text").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for code, args in re.findall(r'InputError\(\s*"([a-z-]+)"([^)]*)\)', source):
            codes[code] = set(re.findall(r"(\w+)=", args))
    return codes


def test_every_error_a_user_can_get_has_a_persian_and_an_english_message():
    raised = _raised_codes()
    assert raised, "no InputError codes found in bot/text"
    for lang in ("fa", "en"):
        messages = _messages(lang)
        assert set(messages) == set(raised), lang
        for code, args in raised.items():
            assert _placeholders(messages[code]) == args, (lang, code)


def _text(message: ast.Message) -> str:
    return "".join(e.value for e in message.value.elements if isinstance(e, ast.TextElement))


PARSERS = {
    "input-money-": parse_money,
    "input-national-code-": parse_national_code,
    "input-mobile-": parse_mobile,
    "input-date-": parse_date,
}
# Examples are quoted: «...» in Persian, "..." in English; quoted words without digits are not.
EXAMPLES = {"fa": re.compile(r"«([^»]*[۰-۹][^»]*)»"), "en": re.compile(r'"([^"]*[0-9][^"]*)"')}


def test_persian_messages_use_persian_digits_only():
    for code, message in _messages("fa").items():
        assert not re.search(r"[0-9]", _text(message)), code


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_error_message_shows_an_example_the_bot_accepts(lang):
    for code, message in _messages(lang).items():
        parser = next(parse for prefix, parse in PARSERS.items() if code.startswith(prefix))
        examples = EXAMPLES[lang].findall(_text(message))
        assert examples, code
        for example in examples:
            parser(example)  # raises InputError if the example would itself be rejected
