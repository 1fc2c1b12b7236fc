"""Reading the households file and the kalabarg file as staff prepare them, and storing them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.beneficiary_import import (
    BENEFICIARY_COLUMNS,
    VOUCHER_COLUMNS,
    BeneficiaryImport,
    VoucherImport,
    parse_beneficiaries_csv,
    parse_vouchers_csv,
)
from bot.domain.csv_import import ImportProblem
from bot.models import Beneficiary, Voucher, VoucherStatus
from bot.storage import Store
from tests.test_need_import import PROVINCES, city, province

HOUSEHOLD: dict[str, str] = {
    "national_code": "0012345679",
    "full_name": "علی رضایی",
    "mobile": "09121234567",
    "province": "تهران",
    "city": "تهران",
    "household_size": "4",
    "decile": "2",
}
SECOND_CODE = "0084575948"
TRANCHE: dict[str, str] = {
    "national_code": "0012345679",
    "tranche": "1",
    "amount_per_person_toman": "500,000",
    "charged_on": "1404/09/01",
    "expires_on": "1404/12/29",
    "status": "charged",
}
BENEFICIARY_HEADER = ",".join(BENEFICIARY_COLUMNS)
VOUCHER_HEADER = ",".join(VOUCHER_COLUMNS)
SIZES = {"0012345679": 4, SECOND_CODE: 1}


def csv_text(good: Mapping[str, str], *rows: Mapping[str, str], header: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        merged = {**good, **row}
        writer.writerow([merged[name] for name in header.split(",")])
    return header + "\n" + out.getvalue()


def households(*rows: Mapping[str, str]) -> BeneficiaryImport:
    text = csv_text(HOUSEHOLD, *rows, header=BENEFICIARY_HEADER)
    return parse_beneficiaries_csv(text, PROVINCES)


def only_household(**changes: str) -> Beneficiary:
    result = households(changes)
    assert result.problems == []
    [(line, beneficiary)] = result.beneficiaries
    assert line == 2
    return beneficiary


def household_problem(column: str, **changes: str) -> str:
    result = households(changes)
    [problem] = result.problems
    assert (problem.line, problem.column) == (2, column), problem
    assert result.beneficiaries == []
    return problem.problem


def vouchers(
    *rows: Mapping[str, str], header: str = VOUCHER_HEADER, sizes: Mapping[str, int] = SIZES
) -> VoucherImport:
    return parse_vouchers_csv(csv_text(TRANCHE, *rows, header=header)).with_households(sizes)


def only_voucher(**changes: str) -> Voucher:
    header = VOUCHER_HEADER + (",total_toman" if "total_toman" in changes else "")
    result = vouchers(changes, header=header)
    assert result.problems == []
    [(line, voucher)] = result.vouchers
    assert line == 2
    return voucher


def voucher_problem(column: str, **changes: str) -> str:
    header = VOUCHER_HEADER + (",total_toman" if "total_toman" in changes else "")
    [problem] = vouchers(changes, header=header).problems
    assert (problem.line, problem.column) == (2, column), problem
    return problem.problem


# -- households -------------------------------------------------------------------------------


def test_a_household_row_becomes_a_record_with_canonical_code_and_mobile() -> None:
    assert only_household() == Beneficiary(
        national_code="0012345679",
        full_name="علی رضایی",
        mobile="+989121234567",
        province_id=province("Tehran").id,
        city_id=city("Tehran", "Tehran").id,
        household_size=4,
        decile=2,
    )


@pytest.mark.parametrize("typed", ["0012345679", "۰۰۱۲۳۴۵۶۷۹", "001-234567-9", "12345679"])
def test_national_code_in_any_digits_or_without_leading_zeros_is_stored_as_ten_digits(
    typed,
) -> None:
    assert only_household(national_code=typed).national_code == "0012345679"


def test_national_code_with_a_wrong_check_digit_is_refused_without_echoing_it() -> None:
    problem = household_problem("national_code", national_code="0012345678")
    assert "check digit" in problem
    assert "0012345678" not in problem


def test_a_missing_national_code_is_required() -> None:
    assert household_problem("national_code", national_code=" ").startswith("required")


def test_the_same_household_twice_is_a_problem_on_the_second_line() -> None:
    result = households(HOUSEHOLD, {"national_code": SECOND_CODE}, {"national_code": "۰۰۱۲۳۴۵۶۷۹"})
    assert [str(p) for p in result.problems] == [
        "line 4: national_code: the same national code is also on line 2"
    ]


@pytest.mark.parametrize(
    "typed", ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "+98 912 123 4567", "9121234567", "0098-912-1234567"]
)
def test_mobile_in_any_common_form_is_stored_as_plus_98(typed) -> None:
    assert only_household(mobile=typed).mobile == "+989121234567"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("02188776655", "not a mobile"),
        ("+44 7700 900123", "not an Iranian number"),
        ("0935 55", "write it like 09121234567"),
        ("", "required"),
    ],
)
def test_a_mobile_that_is_not_an_iranian_mobile_is_refused_without_echoing_it(
    typed, reason
) -> None:
    problem = household_problem("mobile", mobile=typed)
    assert reason in problem
    assert not typed or typed not in problem


def test_full_name_is_required_and_gets_persian_letters_and_single_spaces() -> None:
    assert household_problem("full_name", full_name="  ").startswith("required")
    assert only_household(full_name=" علي   رضايي ").full_name == "علی رضایی"


def test_a_problem_with_the_name_does_not_repeat_it() -> None:
    problem = household_problem("full_name", full_name="علی\x07رضایی")
    assert "control character" in problem
    assert "رضایی" not in problem
    assert household_problem("full_name", full_name="ا" * 201) == "201 characters; at most 200"


@pytest.mark.parametrize(("column", "highest"), [("household_size", 30), ("decile", 10)])
def test_household_size_and_decile_are_whole_numbers_in_range(column, highest) -> None:
    assert getattr(only_household(**{column: "۱"}), column) == 1
    assert getattr(only_household(**{column: str(highest)}), column) == highest
    for typed in ["0", str(highest + 1), "2.5", "-1", "two", "9" * 50]:
        problem = household_problem(column, **{column: typed})
        assert problem.endswith(f"is not a whole number from 1 to {highest}")


def test_place_names_match_like_in_the_needs_file() -> None:
    household = only_household(province="kermanshah", city="اسلام آباد غرب")
    assert household.city_id == city("Kermanshah", "Eslamabad-e Gharb").id
    assert household_problem("city", city="Karaj") == '"Karaj" is not in Tehran but in Alborz'
    assert household_problem("province", province="Atlantis") == 'unknown province "Atlantis"'


def test_every_bad_column_of_every_row_is_reported_by_line() -> None:
    result = households(
        {"decile": "11", "mobile": "123"},
        {"national_code": SECOND_CODE},
        {"national_code": "1", "city": "Gotham"},
    )
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "mobile"),
        (2, "decile"),
        (4, "national_code"),
        (4, "city"),
    ]
    assert [line for line, _ in result.beneficiaries] == [3]


def test_a_name_over_two_lines_is_named_by_its_first_line() -> None:
    text = csv_text(
        HOUSEHOLD,
        {"full_name": "علی\nرضایی"},  # lines 2-3
        {"national_code": SECOND_CODE, "decile": "0"},  # line 4
        header=BENEFICIARY_HEADER,
    )
    result = parse_beneficiaries_csv(text, PROVINCES)
    assert [(p.line, p.column) for p in result.problems] == [(4, "decile")]
    assert [(line, b.full_name) for line, b in result.beneficiaries] == [(2, "علی رضایی")]


def test_wrong_household_header_names_what_is_missing() -> None:
    [problem] = parse_beneficiaries_csv("national_code,name,mobile\n", PROVINCES).problems
    assert str(problem).startswith('line 1: header: missing: "full_name"')
    assert BENEFICIARY_HEADER.replace(",", ", ") in problem.problem


def test_a_short_household_row_hints_at_quoting() -> None:
    result = parse_beneficiaries_csv(BENEFICIARY_HEADER + "\n0012345679,a,b\n", PROVINCES)
    assert [str(p) for p in result.problems] == [
        "line 2: row: 3 values instead of 7; put double quotes around a value that contains a comma"
    ]


# -- vouchers ---------------------------------------------------------------------------------


def test_a_tranche_without_total_is_per_person_times_the_household() -> None:
    assert only_voucher() == Voucher(
        national_code="0012345679",
        tranche=1,
        amount_per_person=5_000_000,
        total=20_000_000,
        status=VoucherStatus.CHARGED,
        charged_on=dt.date(2025, 11, 22),
        expires_on=dt.date(2026, 3, 20),
    )


def test_a_total_given_in_the_file_is_kept_as_given() -> None:
    assert only_voucher(total_toman="1.2 million").total == 12_000_000
    assert only_voucher(total_toman="").total == 20_000_000


def test_a_tranche_of_a_household_not_imported_yet_is_refused() -> None:
    result = vouchers(TRANCHE, {"national_code": SECOND_CODE}, sizes={SECOND_CODE: 1})
    assert [str(p) for p in result.problems] == [
        "line 2: national_code: no household with this national code; import it with "
        "`hamdeli import beneficiaries` first"
    ]
    assert result.vouchers == []


def test_missing_households_are_listed_in_line_order_with_other_problems() -> None:
    result = vouchers(
        {"status": "lost"},  # line 2: status; household unknown
        {"national_code": SECOND_CODE, "tranche": "0"},  # line 3: tranche
        {"tranche": "2"},  # line 4: household unknown
        sizes={SECOND_CODE: 1},
    )
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "status"),
        (2, "national_code"),
        (3, "tranche"),
        (4, "national_code"),
    ]


def test_national_codes_are_asked_for_once_each() -> None:
    text = csv_text(
        TRANCHE, TRANCHE, {"tranche": "2"}, {"national_code": "x"}, header=VOUCHER_HEADER
    )
    assert parse_vouchers_csv(text).national_codes() == ["0012345679"]


def test_the_same_tranche_of_a_household_twice_is_a_problem_on_the_second_line() -> None:
    result = vouchers(TRANCHE, {"tranche": "2"}, {"tranche": "۱"})
    assert [str(p) for p in result.problems] == [
        "line 4: tranche: tranche 1 of the same national code is also on line 2"
    ]


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("charged", VoucherStatus.CHARGED),
        ("Pending", VoucherStatus.PENDING),
        ("not_eligible", VoucherStatus.NOT_ELIGIBLE),
        ("Not eligible", VoucherStatus.NOT_ELIGIBLE),
        ("EXPIRED", VoucherStatus.EXPIRED),
    ],
)
def test_status_is_one_of_four_codes_in_any_case(typed, status) -> None:
    assert only_voucher(status=typed).status is status


def test_an_unknown_status_lists_the_four() -> None:
    assert voucher_problem("status", status="paid") == (
        'unknown status "paid"; use one of charged, pending, not_eligible, expired'
    )


def test_a_pending_tranche_needs_no_dates_but_a_charged_one_has_a_charge_date() -> None:
    pending = only_voucher(status="pending", charged_on="", expires_on="")
    assert (pending.charged_on, pending.expires_on) == (None, None)
    assert voucher_problem("charged_on", charged_on="") == "required when the status is charged"


@pytest.mark.parametrize("typed", ["1404/09/01", "۱۴۰۴/۰۹/۰۱", "2025-11-22", "1 Azar 1404"])
def test_dates_are_jalali_or_iso(typed) -> None:
    assert only_voucher(charged_on=typed).charged_on == dt.date(2025, 11, 22)


def test_an_unreadable_date_says_to_write_the_year_first() -> None:
    problem = voucher_problem("charged_on", charged_on="01/09/1404")
    assert problem.startswith('cannot read "01/09/1404":')
    assert "1404/09/30" in problem


def test_a_tranche_cannot_expire_before_it_was_charged() -> None:
    problem = voucher_problem("expires_on", expires_on="1404/08/01")
    assert problem == '"1404/08/01" (2025-10-23) is before charged_on (2025-11-22)'


def test_amounts_are_toman_and_stored_in_rials() -> None:
    assert only_voucher(amount_per_person_toman="۵۰۰ هزار").amount_per_person == 5_000_000
    assert only_voucher(amount_per_person_toman="1,000,000 ریال").amount_per_person == 1_000_000
    assert voucher_problem("amount_per_person_toman", amount_per_person_toman="").startswith(
        "required"
    )
    problem = voucher_problem("amount_per_person_toman", amount_per_person_toman="a lot")
    assert problem.startswith('cannot read "a lot":')


@pytest.mark.parametrize("typed", ["0", "-1", "1.5", "first", "1001"])
def test_tranche_is_a_positive_whole_number(typed) -> None:
    assert "whole number from 1 to 1000" in voucher_problem("tranche", tranche=typed)


def test_voucher_header_may_end_with_total_toman_but_nothing_else() -> None:
    assert parse_vouchers_csv(VOUCHER_HEADER + ",total_toman\n").problems == []
    [problem] = parse_vouchers_csv(VOUCHER_HEADER + ",total\n").problems
    assert str(problem).startswith('line 1: header: unknown: "total"')
    assert "status[, total_toman]" in problem.problem
    [problem] = parse_vouchers_csv("total_toman," + VOUCHER_HEADER + "\n").problems
    assert "another order" in problem.problem


def test_a_row_must_have_as_many_values_as_the_header() -> None:
    text = VOUCHER_HEADER + ",total_toman\n0012345679,1,500000,1404/09/01,,charged\n"
    [problem] = parse_vouchers_csv(text).problems
    assert str(problem).startswith("line 2: row: 6 values instead of 7")


# -- nothing ever raises ----------------------------------------------------------------------


@given(st.text())
def test_any_text_as_a_households_file_gives_problems_never_an_exception(text) -> None:
    result = parse_beneficiaries_csv(text, PROVINCES)
    assert all(isinstance(p, ImportProblem) and p.line >= 1 for p in result.problems)


@given(st.text())
def test_any_text_as_a_vouchers_file_gives_problems_never_an_exception(text) -> None:
    result = parse_vouchers_csv(text).with_households(SIZES)
    assert all(isinstance(p, ImportProblem) and p.line >= 1 for p in result.problems)


HOUSEHOLD_VALUE = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "تهران", "Tehran", "0012345679", "09121234567", "۴", "10", "31"]),
)
VOUCHER_VALUE = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "0012345679", "0084575948", "1", "۲", "500000", "1404/09/01", "charged"]),
)


def _rows_text(header: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # "\r\n" line ends: quotes any value with \r or \n
    return header + "\n" + out.getvalue()


def _non_blank(rows: list[list[str]]) -> int:
    return sum(any(value.strip() for value in row) for row in rows)


@given(st.lists(st.lists(HOUSEHOLD_VALUE, min_size=6, max_size=8), max_size=5))
def test_every_household_row_gives_a_record_or_a_problem(rows) -> None:
    result = parse_beneficiaries_csv(_rows_text(BENEFICIARY_HEADER, rows), PROVINCES)
    good = [line for line, _ in result.beneficiaries]
    bad = {p.line for p in result.problems}
    assert not bad & set(good)
    assert len(good) + len(bad) == _non_blank(rows)


@given(st.lists(st.lists(VOUCHER_VALUE, min_size=5, max_size=7), max_size=5))
def test_every_tranche_row_gives_a_voucher_or_a_problem(rows) -> None:
    result = parse_vouchers_csv(_rows_text(VOUCHER_HEADER, rows)).with_households(SIZES)
    good = [line for line, _ in result.vouchers]
    bad = {p.line for p in result.problems}
    assert not (bad and good)  # all or nothing
    assert len(good) + len(bad) == _non_blank(rows) or bad


# -- the store --------------------------------------------------------------------------------


@pytest.fixture
def store(any_store: Store) -> Store:
    """The store tests of this module run on SQLite and on PostgreSQL."""
    return any_store


def _household(code: str, **changes: object) -> Beneficiary:
    values: dict[str, object] = {
        "national_code": code, "full_name": "x", "mobile": "+989121234567",
        "province_id": province("Tehran").id, "city_id": city("Tehran", "Tehran").id,
        "household_size": 3, "decile": 1,
    }  # fmt: skip
    return Beneficiary(**{**values, **changes})  # type: ignore[arg-type]


async def test_households_are_added_then_updated_only_when_they_changed(store: Store) -> None:
    rows = [_household("0012345679"), _household(SECOND_CODE)]
    assert await store.upsert_beneficiaries(rows, now=1) == (2, 0)
    assert await store.upsert_beneficiaries(rows, now=2) == (0, 0)  # both unchanged
    moved = [rows[0], _household(SECOND_CODE, household_size=5)]
    assert await store.upsert_beneficiaries(moved, now=3, batch_rows=1) == (0, 1)
    assert await store.count_beneficiaries() == 2
    assert await store.beneficiary(SECOND_CODE) == moved[1]
    assert await store.beneficiary("0000000000") is None


async def test_household_sizes_answer_only_for_known_households(store: Store) -> None:
    await store.upsert_beneficiaries([_household("0012345679", household_size=6)], now=1)
    assert await store.household_sizes(["0012345679", SECOND_CODE]) == {"0012345679": 6}
    assert await store.household_sizes([]) == {}


async def test_vouchers_are_kept_per_household_and_tranche(store: Store) -> None:
    await store.upsert_beneficiaries([_household("0012345679")], now=1)
    first = Voucher("0012345679", 1, 10, 30, VoucherStatus.CHARGED, dt.date(2025, 1, 1))
    second = Voucher("0012345679", 2, 10, 30, VoucherStatus.PENDING)
    assert await store.upsert_vouchers([second, first], now=1) == (2, 0)
    expired = Voucher("0012345679", 1, 10, 30, VoucherStatus.EXPIRED, dt.date(2025, 1, 1),
                      dt.date(2025, 2, 1))  # fmt: skip
    assert await store.upsert_vouchers([expired, second], now=2) == (0, 1)
    assert await store.vouchers_of("0012345679") == [expired, second]
    assert await store.count_vouchers() == 2


async def test_a_link_and_failures_are_kept_per_person(store: Store) -> None:
    await store.upsert_beneficiaries([_household("0012345679")], now=1)
    await store.seen_account("telegram", 5, 5, "fa", 1)
    for at in (10, 20, 30):
        await store.record_verification_failure("telegram", 5, at)
    assert await store.verification_failures("telegram", 5, since=20) == [20, 30]
    assert await store.verification_failures("bale", 5, since=0) == []
    await store.link_beneficiary("telegram", 5, "0012345679", weak_ownership=False, now=40)
    await store.link_beneficiary("telegram", 5, "0012345679", weak_ownership=True, now=41)
    assert await store.beneficiary_link("telegram", 5) == "0012345679"
    await store.unlink_beneficiary("telegram", 5)
    assert await store.beneficiary_link("telegram", 5) is None


async def test_expiry_reminders_are_queued_once_and_not_for_who_turned_them_off(
    store: Store,
) -> None:
    await store.upsert_beneficiaries([_household("0012345679")], now=1)
    tranche = Voucher("0012345679", 1, 10, 30, VoucherStatus.CHARGED, dt.date(2025, 1, 1),
                      dt.date(2025, 1, 10))  # fmt: skip
    await store.upsert_vouchers([tranche], now=1)
    for user_id in (5, 6):
        await store.seen_account("telegram", user_id, user_id, "fa", 1)
        await store.link_beneficiary("telegram", user_id, "0012345679", False, now=2)
    await store.set_reminders_off("telegram", 6, True)
    assert await store.reminders_off("telegram", 6)
    assert not await store.reminders_off("telegram", 5)
    assert await store.queue_voucher_reminders("telegram", dt.date(2025, 1, 5), 3, 9) == 0
    assert await store.queue_voucher_reminders("telegram", dt.date(2025, 1, 7), 3, 9) == 1
    assert await store.queue_voucher_reminders("telegram", dt.date(2025, 1, 8), 3, 9) == 0
    rows = await store._fetchall(
        "SELECT user_id, args FROM outbox WHERE message_id = 'voucher-reminder'"
    )
    assert [(row[0], row[1]) for row in rows] == [
        (5, '{"tranche":1,"per_person":10,"total":30,"status":"charged",'
            '"expires_on":"2025-01-10"}'),
    ]  # fmt: skip
