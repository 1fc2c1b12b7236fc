"""Reading the households file and the kalabarg (electronic coupon) file that staff import:
`hamdeli import beneficiaries FILE.csv` and `hamdeli import vouchers FILE.csv`.

Pure, like need_import: every row is checked, every problem is collected with the line an
editor shows, and the caller imports nothing while any problem remains. Households are
personal data, so a problem never repeats a national code, a mobile or a name.

Files from the welfare office run to a million rows, so the per-row work is kept small:
places, dates, amounts and statuses repeat across rows and are read once per distinct cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from bot.domain.csv_import import (
    CONTROL_CHARACTERS,
    Checks,
    ImportProblem,
    InvalidValue,
    Places,
    explain,
    header_problem,
    national_code,
    quote,
    read_records,
    wrong_length,
)
from bot.models import Beneficiary, Province, Voucher, VoucherStatus
from bot.text import InputError, matching_key, normalize_text, parse_date, parse_mobile, parse_money

BENEFICIARY_COLUMNS = (
    "national_code",
    "full_name",
    "mobile",
    "province",
    "city",
    "household_size",
    "decile",
)
VOUCHER_COLUMNS = (
    "national_code",
    "tranche",
    "amount_per_person_toman",
    "charged_on",
    "expires_on",
    "status",
)
VOUCHER_OPTIONAL_COLUMNS = ("total_toman",)
MAX_HOUSEHOLD_SIZE = 30
MAX_DECILE = 10
MAX_NAME = 200
MAX_TRANCHE = 1000
# A charged tranche, or one whose time ran out, was charged on some day.
_CHARGED_STATUSES = frozenset({VoucherStatus.CHARGED, VoucherStatus.EXPIRED})
_T = TypeVar("_T")
_MOBILE_REASONS = {
    "input-mobile-format": "not a mobile number; write it like 09121234567",
    "input-mobile-not-iranian": "not an Iranian number (+98)",
    "input-mobile-not-mobile": "an Iranian number, but not a mobile (09…)",
}


# -- beneficiaries ----------------------------------------------------------------------------


@dataclass(slots=True)
class BeneficiaryImport:
    """The file's valid households (with their line numbers) and every problem found."""

    beneficiaries: list[tuple[int, Beneficiary]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def parse_beneficiaries_csv(text: str, provinces: Sequence[Province]) -> BeneficiaryImport:
    """Check every row of a households file against the reference places."""
    result = BeneficiaryImport()
    records = read_records(text, result.problems)
    header_line, header = next(records, (1, None))
    problem = header_problem(header, BENEFICIARY_COLUMNS)
    if problem:
        result.problems.append(ImportProblem(header_line, "header", problem))
        return result
    reader = _BeneficiaryReader(provinces)
    for line, values in records:
        beneficiary = reader.read(line, values, result.problems)
        if beneficiary is not None:
            result.beneficiaries.append((line, beneficiary))
    return result


class _BeneficiaryReader:
    """Reads household rows; remembers national codes to catch a household given twice."""

    def __init__(self, provinces: Sequence[Province]) -> None:
        self._places = Places(provinces)
        self._lines: dict[str, int] = {}

    def read(
        self, line: int, values: list[str], problems: list[ImportProblem]
    ) -> Beneficiary | None:
        """The row's household, or None after adding at least one problem.

        A good row (nearly all of them) is read in one go; only a row with a problem is
        read again column by column, to name every column that is wrong.
        """
        if len(values) == len(BENEFICIARY_COLUMNS):
            cells = [value.strip() for value in values]
            try:
                return self._household(line, cells)
            except InvalidValue:
                pass
        problems.extend(self._problems(line, values))
        return None

    def _household(self, line: int, cells: list[str]) -> Beneficiary:
        code, name, mobile, province_name, city_name, size, decile = cells
        province = self._places.province(province_name)
        city = self._places.city(city_name, province)
        assert city is not None  # the province is known
        return Beneficiary(
            self._national_code(line, code), _full_name(name), _mobile(mobile),
            province.id, city.id, _whole_number(size, MAX_HOUSEHOLD_SIZE),
            _whole_number(decile, MAX_DECILE),
        )  # fmt: skip

    def _problems(self, line: int, values: list[str]) -> list[ImportProblem]:
        check = Checks(line)
        if len(values) != len(BENEFICIARY_COLUMNS):
            check.add("row", wrong_length(len(values), len(BENEFICIARY_COLUMNS)))
            return check.problems
        code, name, mobile, province, city, size, decile = (value.strip() for value in values)
        check("national_code", lambda: self._national_code(line, code))
        check("full_name", lambda: _full_name(name))
        check("mobile", lambda: _mobile(mobile))
        place = check("province", lambda: self._places.province(province))
        check("city", lambda: self._places.city(city, place))
        check("household_size", lambda: _whole_number(size, MAX_HOUSEHOLD_SIZE))
        check("decile", lambda: _whole_number(decile, MAX_DECILE))
        return check.problems

    def _national_code(self, line: int, value: str) -> str:
        if not value:
            raise InvalidValue("required: the household head's 10-digit national code")
        code = national_code(value)
        first = self._lines.setdefault(code, line)
        if first != line:
            raise InvalidValue(f"the same national code is also on line {first}")
        return code


def _full_name(value: str) -> str:
    """For staff only, never for donors; kept in one spelling (Persian letters, one space)."""
    name = normalize_text(value)
    if not name:
        raise InvalidValue("required: the household head's name")
    if len(name) > MAX_NAME:
        raise InvalidValue(f"{len(name)} characters; at most {MAX_NAME}")
    if CONTROL_CHARACTERS.search(name):
        raise InvalidValue("contains an invisible control character; retype the name")
    return name


def _mobile(value: str) -> str:
    if not value:
        raise InvalidValue("required: the household's mobile number, like 09121234567")
    try:
        return parse_mobile(value)
    except InputError as error:
        raise InvalidValue(_MOBILE_REASONS.get(error.code) or explain(error)) from None


def _whole_number(value: str, highest: int) -> int:
    """1 to `highest`, in any digits; the ASCII case skips normalizing (most rows)."""
    digits = value if value.isascii() else normalize_text(value)
    if not (digits.isascii() and digits.isdigit() and len(digits) <= len(str(highest))):
        raise InvalidValue(f"{quote(value)} is not a whole number from 1 to {highest}")
    if not 1 <= int(digits) <= highest:
        raise InvalidValue(f"{quote(value)} is not a whole number from 1 to {highest}")
    return int(digits)


# -- vouchers ---------------------------------------------------------------------------------


@dataclass(slots=True)
class VoucherImport:
    """The file's valid tranches (with their line numbers) and every problem found."""

    vouchers: list[tuple[int, Voucher]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


class _VoucherRow(NamedTuple):
    line: int
    national_code: str
    tranche: int
    amount_per_person: int
    total: int | None  # None: per person x the household's size, once that is known
    status: VoucherStatus
    charged_on: dt.date | None
    expires_on: dt.date | None


@dataclass(slots=True)
class VoucherRows:
    """A vouchers file checked row by row; the households come next (`with_households`).

    Two steps because a tranche's total and its very validity depend on the household,
    which is in the database: the caller asks for every household size in one query.
    """

    rows: list[_VoucherRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # Every row whose national code could be read, good or not: all are checked.
    codes: list[tuple[int, str]] = field(default_factory=list)

    def national_codes(self) -> list[str]:
        """The distinct household codes the file names, for one lookup of their sizes."""
        return list(dict.fromkeys(code for _, code in self.codes))

    def with_households(self, household_sizes: Mapping[str, int]) -> VoucherImport:
        """Refuse tranches of unknown households; compute totals the file leaves out."""
        result = VoucherImport()
        missing = [
            ImportProblem(line, "national_code", "no household with this national code; "
                          "import it with `hamdeli import beneficiaries` first")
            for line, code in self.codes
            if code not in household_sizes
        ]  # fmt: skip
        result.problems = sorted([*self.problems, *missing], key=lambda p: p.line)
        if result.problems:
            return result
        result.vouchers = [(row.line, _voucher(row, household_sizes)) for row in self.rows]
        return result


def _voucher(row: _VoucherRow, household_sizes: Mapping[str, int]) -> Voucher:
    """The total the file gives, or per person x the household's size."""
    total = row.total or row.amount_per_person * household_sizes[row.national_code]
    return Voucher(
        row.national_code, row.tranche, row.amount_per_person, total, row.status,
        row.charged_on, row.expires_on,
    )  # fmt: skip


def parse_vouchers_csv(text: str) -> VoucherRows:
    """Check every row of a kalabarg file on its own (households are checked afterwards)."""
    result = VoucherRows()
    records = read_records(text, result.problems)
    header_line, header = next(records, (1, None))
    problem = header_problem(header, VOUCHER_COLUMNS, VOUCHER_OPTIONAL_COLUMNS)
    if problem:
        result.problems.append(ImportProblem(header_line, "header", problem))
        return result
    assert header is not None
    reader = _VoucherReader(len(header))
    for line, values in records:
        reader.read(line, values, result)
    return result


class _VoucherReader:
    """Reads tranche rows; dates, amounts and statuses repeat, so each is read once."""

    def __init__(self, width: int) -> None:
        self._width = width
        self._lines: dict[tuple[str, int], int] = {}
        self._dates: dict[str, dt.date] = {}
        self._amounts: dict[str, int] = {}
        self._statuses = {
            name: status
            for status in VoucherStatus
            for name in (status.value, matching_key(status.value))
        }

    def read(self, line: int, values: list[str], result: VoucherRows) -> None:
        check = Checks(line)
        if len(values) != self._width:
            check.add("row", wrong_length(len(values), self._width))
            result.problems.extend(check.problems)
            return
        cells = [value.strip() for value in values]
        code = check("national_code", lambda: _required_code(cells[0]))
        tranche = check("tranche", lambda: self._tranche(line, code, cells[1]))
        per_person = check("amount_per_person_toman", lambda: self._amount(cells[2], True))
        status = check("status", lambda: self._status(cells[5]))
        charged = check("charged_on", lambda: self._charged_on(cells[3], status))
        expires = check("expires_on", lambda: self._expires_on(cells[4], charged))
        total = (
            check("total_toman", lambda: self._amount(cells[6], False)) if len(cells) > 6 else None
        )
        if code is not None:
            result.codes.append((line, code))
        if check.problems or code is None:  # no problem: every required value was read
            result.problems.extend(check.problems)
            return
        assert tranche is not None
        assert per_person is not None
        assert status is not None
        result.rows.append(
            _VoucherRow(line, code, tranche, per_person, total, status, charged, expires)
        )

    def _tranche(self, line: int, code: str | None, value: str) -> int:
        tranche = _whole_number(value, MAX_TRANCHE)
        if code is not None:
            first = self._lines.setdefault((code, tranche), line)
            if first != line:
                raise InvalidValue(
                    f"tranche {tranche} of the same national code is also on line {first}"
                )
        return tranche

    def _amount(self, value: str, required: bool) -> int | None:
        if not value:
            if required:
                raise InvalidValue("required: toman per person, like 500,000")
            return None
        return _cached(self._amounts, value, parse_money)

    def _date(self, value: str) -> dt.date:
        return _cached(self._dates, value, parse_date)

    def _status(self, value: str) -> VoucherStatus:
        status = self._statuses.get(value) or self._statuses.get(matching_key(value))
        if status is None:
            names = ", ".join(VoucherStatus)
            raise InvalidValue(f"unknown status {quote(value)}; use one of {names}")
        return status

    def _charged_on(self, value: str, status: VoucherStatus | None) -> dt.date | None:
        if not value:
            if status in _CHARGED_STATUSES:
                raise InvalidValue(f"required when the status is {status}")
            return None
        return self._date(value)

    def _expires_on(self, value: str, charged: dt.date | None) -> dt.date | None:
        if not value:
            return None
        expires = self._date(value)
        if charged is not None and expires < charged:
            raise InvalidValue(
                f"{quote(value)} ({expires.isoformat()}) is before charged_on "
                f"({charged.isoformat()})"
            )
        return expires


def _required_code(value: str) -> str:
    if not value:
        raise InvalidValue("required: the household head's 10-digit national code")
    return national_code(value)


def _cached(seen: dict[str, _T], value: str, parse: Callable[[str], _T]) -> _T:
    """`parse(value)`, remembered: the same date or amount is on thousands of rows."""
    known = seen.get(value)
    if known is not None:
        return known
    try:
        known = seen[value] = parse(value)
    except InputError as error:
        raise InvalidValue(f"cannot read {quote(value)}: {explain(error)}") from None
    return known
