"""The alphabetical sort key: Persian alphabet order in fa, A–Z in English."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import translator
from bot.models import NeedCategory, Province
from bot.text.collation import alphabetical, by_name, collation_key
from bot.views.donor import categories_in_order
from bot.views.staff_needs import provinces_screen

ALPHABET = list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")
ZWNJ = "\u200c"
persian_words = st.text(alphabet=[*ALPHABET, " ", ZWNJ], min_size=1, max_size=12)


def fa_sorted(words: list[str]) -> list[str]:
    return alphabetical(words, "fa", str)


def test_letters_follow_the_persian_alphabet() -> None:
    assert fa_sorted(list(reversed(ALPHABET))) == ALPHABET


def test_the_four_persian_letters_are_not_last() -> None:
    assert fa_sorted(["گل", "پدر", "کتاب", "چای", "ژاله", "زن", "لب", "جو", "سر"]) == [
        "پدر",
        "جو",
        "چای",
        "زن",
        "ژاله",
        "سر",
        "کتاب",
        "گل",
        "لب",
    ]


def test_madda_alef_comes_before_alef_and_hamza_forms_sort_with_their_letter() -> None:
    assert fa_sorted(["اب", "آب", "أب", "با"]) == ["آب", "اب", "أب", "با"]
    assert fa_sorted(["مسئول", "مسیر", "مسن"]) == ["مسن", "مسیر", "مسئول"]
    assert fa_sorted(["موج", "مؤمن", "مهر"]) == ["موج", "مؤمن", "مهر"]


def test_arabic_yeh_and_kaf_sort_as_persian_ones() -> None:
    assert fa_sorted(["كرج", "گرگان", "کاشان"]) == ["کاشان", "كرج", "گرگان"]
    assert fa_sorted(["یزد", "ايلام", "تبريز"]) == ["ايلام", "تبريز", "یزد"]


def test_a_word_comes_before_longer_words_that_start_with_it() -> None:
    assert fa_sorted(["کرمانشاه", "کرمان", "کرمان جنوبی"]) == [
        "کرمان",
        "کرمان جنوبی",
        "کرمانشاه",
    ]


@given(persian_words)
def test_zwnj_tatweel_and_arabic_letter_forms_do_not_change_the_letters_compared(
    word: str,
) -> None:
    plain = collation_key(word.replace(ZWNJ, ""), "fa")[0]
    arabic = word.replace("ی", "ي").replace("ک", "ك")
    assert collation_key(word, "fa")[0] == plain
    assert collation_key(arabic, "fa")[0] == collation_key(word, "fa")[0]
    assert collation_key(arabic.replace("ب", "بـ"), "fa")[0] == collation_key(word, "fa")[0]


@given(st.lists(persian_words, max_size=20), st.randoms())
def test_the_order_does_not_depend_on_the_input_order(words: list[str], rnd) -> None:
    shuffled = list(words)
    rnd.shuffle(shuffled)
    assert fa_sorted(shuffled) == fa_sorted(words)


letters = st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=8)


@given(letters, letters)
def test_words_of_plain_letters_compare_letter_by_letter(a: list[str], b: list[str]) -> None:
    rank = [ALPHABET.index(ch) for ch in a], [ALPHABET.index(ch) for ch in b]
    expected = rank[0] < rank[1]
    assert (collation_key("".join(a), "fa") < collation_key("".join(b), "fa")) == expected


def test_english_is_a_to_z_without_case_or_accents_and_persian_after_latin() -> None:
    names = ["tehran", "Ahvaz", "Érd", "Zanjan", "Bam", "تهران"]
    assert alphabetical(names, "en", str) == ["Ahvaz", "Bam", "Érd", "tehran", "Zanjan", "تهران"]
    assert alphabetical(names, "fa", str)[0] == "تهران"


def test_digits_come_before_letters() -> None:
    assert fa_sorted(["الف", "۲ب", "1ب"]) == ["1ب", "۲ب", "الف"]


def test_places_sort_by_the_name_shown_in_each_language() -> None:
    places = [
        Province(1, "گیلان", "Gilan"),
        Province(2, "پارس", "Xpars"),
        Province(3, "یزد", "Yazd"),
    ]
    assert [p.id for p in by_name(places, "fa")] == [2, 1, 3]
    assert [p.id for p in by_name(places, "en")] == [1, 2, 3]
    staff_picker = provinces_screen(translator("fa"), places, 0).markup.inline_keyboard
    assert [b.text for row in staff_picker for b in row][:3] == ["پارس", "گیلان", "یزد"]


def test_categories_are_alphabetical_with_other_last() -> None:
    for lang in ("fa", "en"):
        t = translator(lang)
        ordered = categories_in_order(t, reversed(NeedCategory))
        assert ordered[-1] is NeedCategory.OTHER
        names = [t(f"category-{c.value}") for c in ordered[:-1]]
        assert names == alphabetical(names, lang, str)
        assert names != [t(f"category-{c.value}") for c in NeedCategory][:-1]
