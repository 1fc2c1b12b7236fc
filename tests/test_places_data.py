"""Checks on bot/data/places.csv, the reference list of Iran's provinces and county seats."""

import csv
import io
from collections import Counter, defaultdict
from importlib.resources import files

import pytest

HEADER = ["province_fa", "province_en", "city_fa", "city_en", "is_capital"]
ARABIC_LOOKALIKES = {
    "\u064a": "ARABIC LETTER YEH",
    "\u0643": "ARABIC LETTER KAF",
    "\u0649": "ARABIC LETTER ALEF MAKSURA",
}
ZWNJ = "\u200c"
ALLOWED_EN_PUNCTUATION = set(" -'")


def _raw_text() -> str:
    return (files("bot") / "data" / "places.csv").read_bytes().decode("utf-8")


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_raw_text())))


def _capitals() -> dict[str, list[dict[str, str]]]:
    capitals: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows():
        if row["is_capital"] == "1":
            capitals[row["province_en"]].append(row)
    return capitals


def test_file_is_utf8_without_bom_and_has_the_expected_header():
    raw = (files("bot") / "data" / "places.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert header == HEADER


def test_every_row_has_exactly_the_header_columns():
    for line_no, row in enumerate(csv.reader(io.StringIO(_raw_text())), start=1):
        assert len(row) == len(HEADER), f"line {line_no}: {row}"


def test_no_field_needs_quoting():
    assert '"' not in _raw_text()


def test_covers_all_31_provinces_with_distinct_persian_and_english_names():
    rows = _rows()
    pairs = {(row["province_fa"], row["province_en"]) for row in rows}
    assert len(pairs) == 31
    assert len({fa for fa, _ in pairs}) == 31
    assert len({en for _, en in pairs}) == 31


def test_each_province_name_is_paired_with_a_single_translation():
    fa_to_en: dict[str, set[str]] = defaultdict(set)
    en_to_fa: dict[str, set[str]] = defaultdict(set)
    for row in _rows():
        fa_to_en[row["province_fa"]].add(row["province_en"])
        en_to_fa[row["province_en"]].add(row["province_fa"])
    assert all(len(names) == 1 for names in fa_to_en.values())
    assert all(len(names) == 1 for names in en_to_fa.values())


def test_has_at_least_400_places():
    assert len(_rows()) >= 400


def test_is_capital_is_a_zero_or_one_flag():
    assert {row["is_capital"] for row in _rows()} <= {"0", "1"}


def test_each_province_has_exactly_one_capital():
    provinces = {row["province_en"] for row in _rows()}
    capitals = _capitals()
    assert set(capitals) == provinces
    for province, rows in capitals.items():
        assert len(rows) == 1, f"{province} has {len(rows)} capitals"


@pytest.mark.parametrize(
    ("province_en", "city_fa", "city_en"),
    [
        ("Tehran", "تهران", "Tehran"),
        ("Isfahan", "اصفهان", "Isfahan"),
        ("East Azerbaijan", "تبریز", "Tabriz"),
        ("Alborz", "کرج", "Karaj"),
        ("Razavi Khorasan", "مشهد", "Mashhad"),
        ("Hormozgan", "بندرعباس", "Bandar Abbas"),
        ("Lorestan", "خرم\u200cآباد", "Khorramabad"),
        ("Kohgiluyeh and Boyer-Ahmad", "یاسوج", "Yasuj"),
    ],
)
def test_well_known_province_capitals(province_en, city_fa, city_en):
    (capital,) = _capitals()[province_en]
    assert (capital["city_fa"], capital["city_en"]) == (city_fa, city_en)


def test_spot_checked_province_names_use_official_persian_spelling():
    names = {row["province_en"]: row["province_fa"] for row in _rows()}
    assert names["East Azerbaijan"] == "آذربایجان شرقی"
    assert names["Chaharmahal and Bakhtiari"] == "چهارمحال و بختیاری"
    assert names["Sistan and Baluchestan"] == "سیستان و بلوچستان"
    assert names["Kohgiluyeh and Boyer-Ahmad"] == "کهگیلویه و بویراحمد"


def test_persian_text_uses_persian_yeh_and_kaf_not_arabic_lookalikes():
    text = _raw_text()
    found = {name for char, name in ARABIC_LOOKALIKES.items() if char in text}
    assert not found


def test_no_duplicate_city_within_a_province_in_either_language():
    rows = _rows()
    for column in ("city_fa", "city_en"):
        counts = Counter((row["province_en"], row[column]) for row in rows)
        duplicates = [pair for pair, count in counts.items() if count > 1]
        assert not duplicates, f"duplicate {column}: {duplicates}"


def test_english_names_are_plain_ascii_letters_spaces_hyphens_and_apostrophes():
    for row in _rows():
        for column in ("province_en", "city_en"):
            value = row[column]
            assert value, f"empty {column} in {row}"
            assert value == value.strip(), f"untrimmed {column}: {value!r}"
            assert value.isascii(), f"non-ASCII {column}: {value!r}"
            assert all(c.isalpha() or c in ALLOWED_EN_PUNCTUATION for c in value), value
            assert "  " not in value, f"double space in {column}: {value!r}"


def test_persian_fields_are_non_empty_stripped_and_well_spaced():
    for row in _rows():
        for column in ("province_fa", "city_fa"):
            value = row[column]
            assert value, f"empty {column} in {row}"
            assert value == value.strip(), f"untrimmed {column}: {value!r}"
            assert value.strip(ZWNJ) == value, f"{column} starts or ends with ZWNJ: {value!r}"
            assert "  " not in value, f"double space in {column}: {value!r}"
            assert f" {ZWNJ}" not in value, f"ZWNJ next to a space in {column}: {value!r}"
            assert f"{ZWNJ} " not in value, f"ZWNJ next to a space in {column}: {value!r}"
            assert not any(c.isascii() and c.isalpha() for c in value), value


def test_rows_are_sorted_by_province_then_capital_first_then_english_city_name():
    rows = _rows()
    keys = [(row["province_en"], -int(row["is_capital"]), row["city_en"]) for row in rows]
    assert keys == sorted(keys)
