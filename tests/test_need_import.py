"""Reading a needs CSV as staff prepare it: what is accepted, and how every mistake is named."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.need_import import COLUMNS, ImportProblem, NeedImport, parse_needs_csv
from bot.i18n import available_languages, translator
from bot.models import City, NeedCategory, NeedDraft, NeedKind, Province
from tests.personal_data import EVASIONS, NAMES, ORDINARY

TODAY = dt.date(2025, 12, 1)  # 1404/09/10
GOOD: dict[str, str] = {
    "external_id": "N-1",
    "province": "تهران",
    "city": "تهران",
    "category": "dowry",
    "description_fa": "جهیزیه برای نوعروسی در جنوب شهر",
    "description_en": "A dowry set for a young bride",
    "amount_toman": "25,000,000",
    "item": "",
    "quantity": "",
    "deadline": "1404/09/30",
    "urgent": "yes",
    "beneficiary_national_code": "0012345679",
}
HEADER = ",".join(COLUMNS)


def _load_provinces() -> tuple[Province, ...]:
    """The shipped places, numbered like the store numbers them (file order)."""
    rows = list(csv.DictReader(io.StringIO((files("bot") / "data" / "places.csv").read_text())))
    ids: dict[str, int] = {}
    for row in rows:
        ids.setdefault(row["province_en"], len(ids) + 1)
    cities: dict[int, list[City]] = {pid: [] for pid in ids.values()}
    for number, row in enumerate(rows, start=1):
        pid = ids[row["province_en"]]
        cities[pid].append(
            City(number, pid, row["city_fa"], row["city_en"], row["is_capital"] == "1")
        )
    names = {row["province_en"]: row["province_fa"] for row in rows}
    return tuple(
        Province(pid, names[name_en], name_en, tuple(cities[pid])) for name_en, pid in ids.items()
    )


PROVINCES = _load_provinces()


def province(name_en: str) -> Province:
    return next(p for p in PROVINCES if p.name_en == name_en)


def city(province_en: str, city_en: str) -> City:
    return next(c for c in province(province_en).cities if c.name_en == city_en)


def csv_text(*rows: Mapping[str, str], header: str = HEADER, newline: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in rows:
        writer.writerow([{**GOOD, **row}[name] for name in COLUMNS])
    return header + newline + out.getvalue()


def parse(text: str) -> NeedImport:
    return parse_needs_csv(text, PROVINCES, TODAY)


def only_draft(**changes: str) -> NeedDraft:
    result = parse(csv_text(changes))
    assert result.problems == []
    [(line, draft)] = result.drafts
    assert line == 2
    return draft


def problems_of(**changes: str) -> list[str]:
    result = parse(csv_text(changes))
    assert result.drafts == []
    return [str(problem) for problem in result.problems]


def one_problem(column: str, **changes: str) -> str:
    [problem] = parse(csv_text(changes)).problems
    assert (problem.line, problem.column) == (2, column), problem
    return problem.problem


# -- a good file ------------------------------------------------------------------------------


def test_a_money_need_becomes_a_draft_with_rials_and_the_tehran_city() -> None:
    assert only_draft() == NeedDraft(
        city_id=city("Tehran", "Tehran").id,
        province_id=province("Tehran").id,
        category=NeedCategory.DOWRY,
        kind=NeedKind.MONEY,
        target=250_000_000,
        description_fa=GOOD["description_fa"],
        external_id="N-1",
        description_en=GOOD["description_en"],
        deadline=dt.date(2025, 12, 21),
        urgent=True,
        beneficiary_national_code="0012345679",
    )


def test_an_item_need_counts_pieces_of_one_item() -> None:
    draft = only_draft(amount_toman="", item="یخچال", quantity="۲")
    assert (draft.kind, draft.target, draft.item_name) == (NeedKind.ITEMS, 2, "یخچال")


def test_optional_columns_may_be_left_empty() -> None:
    draft = only_draft(
        external_id="", description_en="", deadline="", urgent="", beneficiary_national_code=""
    )
    assert draft.external_id is None
    assert draft.description_en is None
    assert draft.deadline is None
    assert draft.urgent is False
    assert draft.beneficiary_national_code is None


def test_excel_file_with_bom_and_crlf_line_ends_is_read() -> None:
    text = "\ufeff" + csv_text(GOOD, {"external_id": "N-2"}, newline="\r\n")
    result = parse(text)
    assert result.problems == []
    assert [line for line, _ in result.drafts] == [2, 3]


def test_spaces_around_values_are_ignored() -> None:
    draft = only_draft(province="  Tehran ", category=" Dowry ", urgent=" no ")
    assert draft.province_id == province("Tehran").id
    assert draft.urgent is False


def test_a_file_with_only_the_header_has_nothing_to_import_and_no_problem() -> None:
    assert parse(HEADER + "\n") == NeedImport([], [])


def test_blank_lines_and_empty_spreadsheet_rows_are_skipped_but_counted() -> None:
    good, second = csv_text(GOOD, {"external_id": "N-2"}).splitlines()[1:]
    result = parse(f"{HEADER}\n\n{good}\n,,,,,,,,,,,\n\n{second}\n")
    assert result.problems == []
    assert [line for line, _ in result.drafts] == [3, 6]


# -- places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province_name", "city_name"),
    [
        ("Kermanshah", "Kermanshah"),
        ("kermanshah", "KERMANSHAH"),
        ("کرمانشاه", "کرمانشاه"),
        ("كرمانشاه", "كرمانشاه"),  # Arabic kaf, as Arabic keyboards type it
        ("کرمانشاه", "Eslamabad-e Gharb"),
        ("Kermanshah", "اسلام آباد غرب"),  # a space instead of ZWNJ and no madda
    ],
)
def test_province_and_city_match_in_persian_english_or_arabic_letters(
    province_name, city_name
) -> None:
    draft = only_draft(province=province_name, city=city_name)
    assert draft.province_id == province("Kermanshah").id
    assert draft.city_id in {c.id for c in province("Kermanshah").cities}


def test_arabic_yeh_in_a_city_name_is_the_persian_yeh() -> None:
    draft = only_draft(province="اردبيل", city="مشگين\u200cشهر")
    assert draft.city_id == city("Ardabil", "Meshgin Shahr").id


def test_a_city_name_shared_by_two_provinces_goes_to_the_province_given() -> None:
    in_yazd = only_draft(province="Yazd", city="Ardakan")
    in_fars = only_draft(province="Fars", city="اردکان")
    assert in_yazd.city_id == city("Yazd", "Ardakan").id
    assert in_fars.city_id == city("Fars", "Ardakan").id
    assert in_yazd.city_id != in_fars.city_id


def test_unknown_province_is_named_and_its_city_is_not_blamed() -> None:
    assert problems_of(province="Atlantis") == ['line 2: province: unknown province "Atlantis"']


def test_city_of_another_province_says_where_it_is() -> None:
    problem = one_problem("city", province="Tehran", city="Karaj")
    assert problem == '"Karaj" is not in Tehran but in Alborz'


def test_unknown_city_is_named_with_its_province() -> None:
    assert one_problem("city", city="Gotham") == 'unknown city "Gotham" in Tehran'


def test_province_and_city_are_required() -> None:
    assert problems_of(province="", city="") == [
        "line 2: province: required",
        "line 2: city: required",
    ]


# -- category ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dowry", NeedCategory.DOWRY),
        ("DOWRY", NeedCategory.DOWRY),
        ("Dowry", NeedCategory.DOWRY),
        ("جهیزیه", NeedCategory.DOWRY),
        ("جهيزيه", NeedCategory.DOWRY),
        ("work_tools", NeedCategory.WORK_TOOLS),
        ("Work tools", NeedCategory.WORK_TOOLS),
        ("ابزار کار", NeedCategory.WORK_TOOLS),
        ("درمان", NeedCategory.MEDICAL),
        ("Medical", NeedCategory.MEDICAL),
        ("ایتام", NeedCategory.ORPHANS),
        ("معیشت", NeedCategory.LIVELIHOOD),
        ("مسکن", NeedCategory.HOUSING),
        ("تحصیل", NeedCategory.EDUCATION),
        ("سایر", NeedCategory.OTHER),
    ],
)
def test_category_is_its_code_or_its_name_in_any_language(typed, expected) -> None:
    assert only_draft(category=typed).category == expected


@pytest.mark.parametrize("category", list(NeedCategory))
def test_every_category_name_shown_in_the_bot_is_accepted_back(category) -> None:
    for language in available_languages():
        name = translator(language)(f"category-{category.value}")
        assert only_draft(category=name).category == category


@pytest.mark.parametrize("language", available_languages())
def test_every_category_has_a_name_and_an_icon_in_every_language(language) -> None:
    translate = translator(language)
    for category in NeedCategory:
        assert translate(f"category-{category.value}").strip()
        assert translate(f"category-icon-{category.value}").strip()


def test_unknown_category_lists_the_accepted_codes() -> None:
    problem = one_problem("category", category="food")
    assert problem.startswith('unknown category "food"')
    assert "work_tools" in problem


# -- money or items ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        ("1000", 10_000),
        ("۲۵۰۰۰۰۰", 25_000_000),
        ("2.5 million", 25_000_000),
        ("۵۰۰ هزار تومان", 5_000_000),
        ("1,000,000 ریال", 1_000_000),
    ],
)
def test_amount_is_toman_unless_it_says_rial(typed, rials) -> None:
    assert only_draft(amount_toman=typed).target == rials


def test_unreadable_amount_explains_how_to_write_it() -> None:
    problem = one_problem("amount_toman", amount_toman="a lot")
    assert problem.startswith('cannot read "a lot":')
    assert "2,500,000" in problem


def test_amount_and_item_together_are_refused() -> None:
    problem = one_problem("amount_toman", item="یخچال", quantity="1")
    assert "not both" in problem


def test_neither_amount_nor_item_is_refused() -> None:
    problem = one_problem("amount_toman", amount_toman="")
    assert "item and quantity" in problem


def test_item_without_quantity_and_quantity_without_item_are_refused() -> None:
    assert one_problem("quantity", amount_toman="", item="یخچال").startswith("required")
    assert one_problem("item", amount_toman="", quantity="3").startswith("required")


@pytest.mark.parametrize("typed", ["1", "۱۰۰۰۰۰", "٤٢", " 7 ", "1,000", "۱٬۰۰۰"])
def test_quantity_is_a_whole_number_in_any_digits(typed) -> None:
    draft = only_draft(amount_toman="", item="پتو", quantity=typed)
    assert 1 <= draft.target <= 100_000


@pytest.mark.parametrize("typed", ["0", "100001", "2.5", "-3", "ten", "1,00,000", "9" * 5000])
def test_quantity_outside_1_to_100000_is_refused(typed) -> None:
    problem = one_problem("quantity", amount_toman="", item="پتو", quantity=typed)
    assert "whole number from 1 to 100000" in problem


# -- deadline and urgency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1404/09/30", dt.date(2025, 12, 21)),
        ("۱۴۰۴/۰۹/۳۰", dt.date(2025, 12, 21)),
        ("2025-12-21", dt.date(2025, 12, 21)),
        ("1404/09/10", TODAY),
    ],
)
def test_deadline_is_jalali_or_iso_and_may_be_today(typed, expected) -> None:
    assert only_draft(deadline=typed).deadline == expected


def test_deadline_in_the_past_is_refused() -> None:
    problem = one_problem("deadline", deadline="1404/09/09")
    assert problem == '"1404/09/09" (2025-11-30) has already passed'


def test_unreadable_deadline_says_to_write_the_year_first() -> None:
    problem = one_problem("deadline", deadline="30/09/1404")
    assert "1404/09/30" in problem


@pytest.mark.parametrize("typed", ["yes", "YES", "True", "1", "بله", "بلی", "y"])
def test_urgent_yes_in_english_persian_or_digits(typed) -> None:
    assert only_draft(urgent=typed).urgent is True


@pytest.mark.parametrize("typed", ["no", "No", "FALSE", "0", "", "خیر", "نه"])
def test_urgent_no_or_empty(typed) -> None:
    assert only_draft(urgent=typed).urgent is False


def test_urgent_that_is_neither_yes_nor_no_is_refused() -> None:
    assert "neither yes nor no" in one_problem("urgent", urgent="maybe")


# -- descriptions and the personal-data guard -------------------------------------------------


def test_persian_description_is_required() -> None:
    assert one_problem("description_fa", description_fa="   ").startswith("required")


def test_descriptions_may_have_1000_characters_but_not_more() -> None:
    assert len(only_draft(description_fa="ا" * 1000).description_fa) == 1000
    assert one_problem("description_fa", description_fa="ا" * 1001) == (
        "1001 characters; at most 1000"
    )
    assert one_problem("description_en", description_en="a" * 1001) == (
        "1001 characters; at most 1000"
    )


def test_description_keeps_line_breaks_and_gets_persian_letters() -> None:
    draft = only_draft(description_fa="خانواده\nمستاجر در كرج")
    assert draft.description_fa == "خانواده\nمستاجر در کرج"


@pytest.mark.parametrize(
    "description",
    [
        "سرپرست خانوار با کد ملی ۰۰۱۲۳۴۵۶۷۹",
        "کد ملی: 001-234567-9",
        "تماس: ۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "call +98 912 123 4567",
        "تلفن ثابت 021-88776655",
        "شماره ۰۹۱۲.۱۲۳.۴۵۶۷",
    ],
)
def test_descriptions_with_a_national_code_or_phone_number_are_refused(description) -> None:
    for column in ("description_fa", "description_en"):
        problem = one_problem(column, **{column: description})
        assert "personal data must not reach donors" in problem


def test_the_personal_data_problem_does_not_repeat_the_number() -> None:
    [problem] = problems_of(description_fa="کد ملی 0012345679")
    assert "0012345679" not in problem


def test_item_name_with_a_phone_number_is_refused() -> None:
    problem = one_problem("item", amount_toman="", item="یخچال 09121234567", quantity="1")
    assert "personal data" in problem


def test_dates_and_amounts_in_a_description_are_fine() -> None:
    text = "اجاره ۶ ماه تا ۱۴۰۴/۱۲/۲۹، مبلغ ۲۵,۰۰۰,۰۰۰ تومان؛ 3 فرزند"
    assert only_draft(description_fa=text).description_fa == text


@pytest.mark.parametrize(("form", "number"), EVASIONS, ids=[form for form, _ in EVASIONS])
def test_a_phone_or_code_hidden_by_any_evasion_is_refused_in_the_import(form, number) -> None:
    problem = one_problem("description_fa", description_fa=f"خانواده {number} در تهران")
    assert "national code or phone number" in problem
    assert number not in problem


@pytest.mark.parametrize("text", NAMES)
def test_a_description_naming_someone_is_refused_in_the_import(text) -> None:
    for column in ("description_fa", "description_en"):
        problem = one_problem(column, **{column: text})
        assert problem.startswith("seems to name a person")
        assert text not in problem


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_descriptions_are_imported(text) -> None:
    assert only_draft(description_fa=text).description_fa == text


def test_invisible_control_characters_in_a_description_are_refused() -> None:
    assert "control character" in one_problem("description_fa", description_fa="a\x07b")


# -- beneficiary national code ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0012345679", "۰۰۱۲۳۴۵۶۷۹", "001-234567-9", "12345679"])
def test_beneficiary_code_is_stored_as_ten_ascii_digits(typed) -> None:
    assert only_draft(beneficiary_national_code=typed).beneficiary_national_code == "0012345679"


def test_invalid_beneficiary_code_is_refused_without_echoing_it() -> None:
    problem = one_problem("beneficiary_national_code", beneficiary_national_code="0012345678")
    assert "check digit" in problem
    assert "0012345678" not in problem


def test_short_beneficiary_code_says_how_many_digits_it_has() -> None:
    problem = one_problem("beneficiary_national_code", beneficiary_national_code="12345")
    assert problem == "5 digits instead of 10"


# -- external ids -----------------------------------------------------------------------------


def test_repeated_external_id_is_a_problem_on_the_second_row() -> None:
    result = parse(csv_text(GOOD, {"external_id": "N-۲"}, {"external_id": "N-2"}))
    assert [str(p) for p in result.problems] == ['line 4: external_id: "N-2" is also on line 3']


def test_rows_without_external_id_are_never_repeats() -> None:
    result = parse(csv_text({"external_id": ""}, {"external_id": ""}))
    assert result.problems == []
    assert len(result.drafts) == 2


# -- header -----------------------------------------------------------------------------------


def test_empty_file_asks_for_the_header_on_line_1() -> None:
    [problem] = parse("").problems
    assert (problem.line, problem.column) == (1, "header")
    assert HEADER.replace(",", ", ") in problem.problem


def test_header_with_a_missing_and_an_unknown_column_names_both() -> None:
    header = HEADER.replace("amount_toman", "amount")
    [problem] = parse(csv_text(GOOD, header=header)).problems
    assert (problem.line, problem.column) == (1, "header")
    assert 'missing: "amount_toman"' in problem.problem
    assert 'unknown: "amount"' in problem.problem


def test_header_in_another_order_is_refused() -> None:
    header = ",".join([COLUMNS[1], COLUMNS[0], *COLUMNS[2:]])
    [problem] = parse(header + "\n").problems
    assert "another order" in str(problem)


def test_header_without_a_column_is_refused() -> None:
    [problem] = parse(",".join(COLUMNS[:-1]) + "\n").problems
    assert str(problem).startswith('line 1: header: missing: "beneficiary_national_code"')


# -- line numbers and broken CSV --------------------------------------------------------------


def test_problems_after_a_multi_line_description_name_the_editor_line() -> None:
    text = csv_text(
        {"description_fa": "سطر اول\nسطر دوم\nسطر سوم"},  # lines 2-4
        {"external_id": "N-2", "province": "Nowhere"},  # line 5
        {"external_id": "N-3", "description_fa": "یک\nدو", "category": "x"},  # lines 6-7
        {"external_id": "N-4", "urgent": "perhaps"},  # line 8
    )
    problems = [(p.line, p.column) for p in parse(text).problems]
    assert problems == [(5, "province"), (6, "category"), (8, "urgent")]


def test_unclosed_quote_is_named_by_the_line_where_it_starts() -> None:
    text = csv_text(GOOD) + 'N-2,Tehran,Tehran,dowry,"never closed\nmore\n'
    [problem] = parse(text).problems
    assert (problem.line, problem.column) == (3, "row")
    assert "never closed" in problem.problem


def test_stray_quote_is_reported_and_the_next_rows_are_still_checked() -> None:
    text = (
        HEADER
        + '\nN-1,Tehran,"Tehran"x,dowry,a,,1000,,,,,\n'
        + csv_text({"urgent": "?"})[len(HEADER) + 1 :]
    )
    problems = [(p.line, p.column) for p in parse(text).problems]
    assert problems == [(2, "row"), (3, "urgent")]


def test_a_row_with_too_few_values_hints_at_quoting() -> None:
    [problem] = parse(HEADER + "\nN-1,Tehran,Tehran,dowry\n").problems
    assert str(problem) == (
        "line 2: row: 4 values instead of 12; put double quotes around a value that contains "
        "a comma"
    )


def test_every_bad_column_of_every_row_is_reported() -> None:
    text = csv_text(
        {"category": "food", "deadline": "1400/01/01", "urgent": "?"},
        {"external_id": "N-2"},
        {"external_id": "N-3", "province": "?", "beneficiary_national_code": "1"},
    )
    result = parse(text)
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "category"),
        (2, "deadline"),
        (2, "urgent"),
        (4, "province"),
        (4, "beneficiary_national_code"),
    ]
    assert [line for line, _ in result.drafts] == [3]


def test_a_problem_reads_line_column_problem() -> None:
    assert str(ImportProblem(7, "city", "required")) == "line 7: city: required"


# -- nothing ever raises ----------------------------------------------------------------------


@given(st.text())
def test_any_text_gives_problems_or_drafts_never_an_exception(text) -> None:
    result = parse(text)
    assert all(isinstance(p, ImportProblem) and p.line >= 1 for p in result.problems)


@given(st.text())
def test_any_text_after_a_good_header_gives_problems_or_drafts(text) -> None:
    result = parse(f"{HEADER}\n{text}")
    assert all(p.line >= 2 for p in result.problems)


VALUE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "تهران", "Tehran", "dowry", "1404/09/30", "yes", "۲", "0012345679"]),
)


@given(st.lists(st.lists(VALUE, min_size=10, max_size=13), max_size=5))
def test_every_row_under_a_good_header_gives_a_draft_or_a_problem(rows) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # "\r\n" line ends: quotes any value with \r or \n
    result = parse(HEADER + "\n" + out.getvalue())
    draft_lines = [line for line, _ in result.drafts]
    problem_lines = {p.line for p in result.problems}
    assert not problem_lines & set(draft_lines)
    assert len(draft_lines) + len(problem_lines) == sum(
        any(value.strip() for value in row) for row in rows
    )


# -- item_en: the optional English name of the goods --------------------------------------------

WITH_ITEM_EN = HEADER + ",item_en"


def with_item_en(item_en: str, **changes: str) -> str:
    """A file with the optional item_en column after the twelve required ones."""
    line = csv_text(changes).splitlines()[1]
    return f"{WITH_ITEM_EN}\n{line},{item_en}\n"


def test_item_en_names_the_goods_in_english_and_older_files_still_import() -> None:
    goods = {"amount_toman": "", "item": "چرخ خیاطی", "quantity": "2"}
    result = parse(with_item_en("sewing machine", **goods))
    assert result.problems == []
    assert result.drafts[0][1].item_name_en == "sewing machine"
    assert only_draft(**goods).item_name_en is None  # no item_en column at all


def test_item_en_without_an_item_is_refused_with_its_column() -> None:
    result = parse(with_item_en("sewing machine"))  # a money row
    assert [(p.line, p.column) for p in result.problems] == [(2, "item_en")]
