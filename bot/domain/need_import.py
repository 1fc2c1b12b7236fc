"""Reading a needs CSV that staff prepared (`hamdeli import needs FILE.csv`) into drafts.

Pure: the caller reads the file and the provinces, and decides what to do with the result.
Every row is checked and every problem is collected, named by the line an editor shows, so
staff fix a spreadsheet in one pass instead of one error per run. Nothing here decides
whether to import: the caller imports nothing while any problem remains.

Problems are in English: they are read by staff on a terminal, not by people in the chat.
Values from the file are quoted back, except national codes, which are never echoed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.i18n import available_languages, translator
from bot.models import City, NeedCategory, NeedDraft, NeedKind, Province
from bot.text import (
    InputError,
    matching_key,
    normalize_letters,
    normalize_text,
    parse_date,
    parse_money,
    parse_national_code,
)
from bot.text.privacy import looks_like_personal_data

COLUMNS = (
    "external_id",
    "province",
    "city",
    "category",
    "description_fa",
    "description_en",
    "amount_toman",
    "item",
    "quantity",
    "deadline",
    "urgent",
    "beneficiary_national_code",
)
MAX_DESCRIPTION = 1000
MAX_ITEM = 200
MAX_EXTERNAL_ID = 100
MAX_QUANTITY = 100_000
_MAX_QUANTITY_DIGITS = len(str(MAX_QUANTITY))
_QUOTED_VALUE_LENGTH = 40
_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0", ""})
# Control characters (Unicode category Cc) other than tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing to fix in the file: where, in which column, and what is wrong."""

    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.problem}"


@dataclass(slots=True)
class NeedImport:
    """The file's valid rows as drafts (with their line numbers) and every problem found."""

    drafts: list[tuple[int, NeedDraft]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


class _Invalid(Exception):
    """One column's value is unusable; the message says why, for staff."""


def parse_needs_csv(text: str, provinces: Sequence[Province], today: dt.date) -> NeedImport:
    """Check every row of a needs CSV; `today` rules out deadlines that have passed."""
    result = NeedImport()
    records = _records(text.removeprefix("\ufeff"), result.problems)
    header_line, header = next(records, (1, None))
    header_problem = _header_problem(header)
    if header_problem:
        result.problems.append(ImportProblem(header_line, "header", header_problem))
        return result
    reader = _RowReader(provinces, today)
    for line, values in records:
        draft, problems = reader.read(line, values)
        result.problems.extend(problems)
        if draft is not None:
            result.drafts.append((line, draft))
    return result


def _records(text: str, problems: list[ImportProblem]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the editor line on which each starts.

    A broken record (an unclosed or stray quote) becomes a problem and reading goes on
    with the next line, so the rest of the file is still checked.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        first_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(ImportProblem(first_line, "row", _csv_error(str(exc))))
            continue
        if any(value.strip() for value in values):
            yield first_line, values


def _csv_error(message: str) -> str:
    if "end of data" in message:
        return "a quoted value that starts here is never closed (a missing double quote)"
    if "field limit" in message:
        return "a value is far too long (perhaps a missing double quote)"
    return f"not valid CSV ({message}); put double quotes around values that contain them"


def _header_problem(header: list[str] | None) -> str | None:
    expected = ", ".join(COLUMNS)
    if header is None:
        return f"there is no header; the first line must be: {expected}"
    names = [name.strip() for name in header]
    if tuple(names) == COLUMNS:
        return None
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    duplicated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    details = [
        f"{label}: {', '.join(_quote(name) for name in found)}"
        for label, found in (("missing", missing), ("unknown", unknown), ("twice", duplicated))
        if found
    ]
    if not details:
        details = ["the columns are in another order"]
    return f"{'; '.join(details)}; the header must be exactly: {expected}"


def _quote(value: str) -> str:
    """A value from the file, quoted for a message and cut short if long."""
    shown = value if len(value) <= _QUOTED_VALUE_LENGTH else value[:_QUOTED_VALUE_LENGTH] + "…"
    return f'"{shown}"'


def _explain(error: InputError) -> str:
    """The English message for a bot.text parser's error: it says how to write it right."""
    return translator("en")(error.code, **error.args_)


class _Checks:
    """Runs one row's column checks, keeping the problem of every column that fails."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.problems: list[ImportProblem] = []

    def __call__(self, column: str, check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except _Invalid as invalid:
            self.add(column, str(invalid))
            return None

    def add(self, column: str, problem: str) -> None:
        self.problems.append(ImportProblem(self.line, column, problem))


class _RowReader:
    """Reads rows against the reference data; remembers external ids to catch repeats."""

    def __init__(self, provinces: Sequence[Province], today: dt.date) -> None:
        self._places = _Places(provinces)
        self._categories = _category_names()
        self._yes, self._no = _urgent_words()
        self._today = today
        self._external_ids: dict[str, int] = {}

    def read(self, line: int, values: list[str]) -> tuple[NeedDraft | None, list[ImportProblem]]:
        """The row's draft, or None and at least one problem."""
        check = _Checks(line)
        if len(values) != len(COLUMNS):
            hint = "put double quotes around a value that contains a comma"
            check.add("row", f"{len(values)} values instead of {len(COLUMNS)}; {hint}")
            return None, check.problems
        row = {name: value.strip() for name, value in zip(COLUMNS, values, strict=True)}
        external_id = check("external_id", lambda: self._external_id(line, row["external_id"]))
        province = check("province", lambda: self._places.province(row["province"]))
        city = check("city", lambda: self._places.city(row["city"], province))
        category = check("category", lambda: self._category(row["category"]))
        fa = check("description_fa", lambda: _description(row["description_fa"], required=True))
        en = check("description_en", lambda: _description(row["description_en"], required=False))
        goal = _goal(row, check)
        deadline = check("deadline", lambda: self._deadline(row["deadline"]))
        urgent = check("urgent", lambda: self._urgent(row["urgent"]))
        code = check("beneficiary_national_code", lambda: _national_code(row))
        if check.problems or not (province and city and category and fa and goal):
            return None, check.problems
        kind, target, item = goal
        draft = NeedDraft(
            city_id=city.id,
            province_id=province.id,
            category=category,
            kind=kind,
            target=target,
            description_fa=fa,
            external_id=external_id,
            item_name=item,
            description_en=en,
            deadline=deadline,
            urgent=bool(urgent),
            beneficiary_national_code=code,
        )
        return draft, []

    def _external_id(self, line: int, value: str) -> str | None:
        """Kept in one spelling (ASCII digits, single spaces) so re-imports find the same need."""
        external_id = normalize_text(value)
        if not external_id:
            return None
        if len(external_id) > MAX_EXTERNAL_ID:
            raise _Invalid(f"longer than {MAX_EXTERNAL_ID} characters")
        first = self._external_ids.setdefault(external_id, line)
        if first != line:
            raise _Invalid(f"{_quote(external_id)} is also on line {first}")
        return external_id

    def _category(self, value: str) -> NeedCategory:
        if not value:
            raise _Invalid(f"required; one of {', '.join(NeedCategory)}")
        category = self._categories.get(matching_key(value))
        if category is None:
            raise _Invalid(
                f"unknown category {_quote(value)}; use one of {', '.join(NeedCategory)}"
            )
        return category

    def _deadline(self, value: str) -> dt.date | None:
        if not value:
            return None
        try:
            deadline = parse_date(value)
        except InputError as error:
            raise _Invalid(f"cannot read {_quote(value)}: {_explain(error)}") from None
        if deadline < self._today:
            raise _Invalid(f"{_quote(value)} ({deadline.isoformat()}) has already passed")
        return deadline

    def _urgent(self, value: str) -> bool:
        key = matching_key(value)
        if key in self._yes:
            return True
        if key in self._no:
            return False
        raise _Invalid(f"{_quote(value)} is neither yes nor no; use yes, no or leave it empty")


class _Places:
    """Provinces and cities by every name they go by, compared as matching keys."""

    def __init__(self, provinces: Sequence[Province]) -> None:
        self._provinces = {
            matching_key(name): province
            for province in provinces
            for name in (province.name_fa, province.name_en)
        }
        self._cities: dict[tuple[int, str], City] = {}
        self._homes: dict[str, list[Province]] = {}
        for province in provinces:
            for city in province.cities:
                for name in {matching_key(city.name_fa), matching_key(city.name_en)}:
                    self._cities[(province.id, name)] = city
                    self._homes.setdefault(name, []).append(province)

    def province(self, value: str) -> Province:
        if not value:
            raise _Invalid("required")
        province = self._provinces.get(matching_key(value))
        if province is None:
            raise _Invalid(f"unknown province {_quote(value)}")
        return province

    def city(self, value: str, province: Province | None) -> City | None:
        """The city of that province; not judged (None) while the province is unknown."""
        if not value:
            raise _Invalid("required")
        if province is None:
            return None
        key = matching_key(value)
        city = self._cities.get((province.id, key))
        if city is not None:
            return city
        homes = self._homes.get(key)
        if homes:
            where = " or ".join(home.name_en for home in homes)
            raise _Invalid(f"{_quote(value)} is not in {province.name_en} but in {where}")
        raise _Invalid(f"unknown city {_quote(value)} in {province.name_en}")


def _category_names() -> dict[str, NeedCategory]:
    """Each category by its value and by its name in every language under locales/."""
    names = {matching_key(category.value): category for category in NeedCategory}
    for language in available_languages():
        translate = translator(language)
        for category in NeedCategory:
            if translate.has(f"category-{category.value}"):
                names.setdefault(matching_key(translate(f"category-{category.value}")), category)
    return names


def _urgent_words() -> tuple[frozenset[str], frozenset[str]]:
    """The yes and no words of the urgent column: fixed ones plus each language's own."""
    yes, no = set(_YES), set(_NO)
    for language in available_languages():
        translate = translator(language)
        for words, message in ((yes, "import-urgent-yes-words"), (no, "import-urgent-no-words")):
            if translate.has(message):
                words.update(matching_key(word) for word in translate(message).split(","))
    return frozenset(yes), frozenset(no)


def _description(value: str, required: bool) -> str | None:
    """Shown to donors as written, so only letters are unified; personal data is refused."""
    text = normalize_letters(value).strip()
    if not text:
        if required:
            raise _Invalid("required: the need as donors will read it, in Persian")
        return None
    if len(text) > MAX_DESCRIPTION:
        raise _Invalid(f"{len(text)} characters; at most {MAX_DESCRIPTION}")
    _refuse_unreadable_and_private(text)
    return text


def _refuse_unreadable_and_private(text: str) -> None:
    if _CONTROL.search(text):
        raise _Invalid("contains an invisible control character; retype the text")
    if looks_like_personal_data(text):
        raise _Invalid(
            "contains a number shaped like a national code or phone number; personal data "
            "must not reach donors, so remove it (write dates like 1404/09/30 and amounts "
            "with commas, like 2,500,000)"
        )


def _goal(row: dict[str, str], check: _Checks) -> tuple[NeedKind, int, str | None] | None:
    """Money (rials) or goods (a quantity of one item): exactly one of the two is given."""
    amount = check("amount_toman", lambda: _amount(row))
    item = check("item", lambda: _item(row))
    quantity = check("quantity", lambda: _quantity(row))
    if amount is not None:
        return NeedKind.MONEY, amount, None
    if item is not None and quantity is not None:
        return NeedKind.ITEMS, quantity, item
    return None


def _amount(row: dict[str, str]) -> int | None:
    value = row["amount_toman"]
    has_items = bool(row["item"] or row["quantity"])
    if value and has_items:
        raise _Invalid("give either amount_toman or item and quantity, not both")
    if not value and not has_items:
        raise _Invalid("give amount_toman for money, or item and quantity for goods")
    if not value:
        return None
    try:
        return parse_money(value)
    except InputError as error:
        raise _Invalid(f"cannot read {_quote(value)}: {_explain(error)}") from None


def _item(row: dict[str, str]) -> str | None:
    value = normalize_letters(row["item"]).strip()
    if not value:
        if row["quantity"] and not row["amount_toman"]:
            raise _Invalid("required with quantity: what the goods are")
        return None
    if len(value) > MAX_ITEM:
        raise _Invalid(f"{len(value)} characters; at most {MAX_ITEM}")
    _refuse_unreadable_and_private(value)
    return value


def _quantity(row: dict[str, str]) -> int | None:
    value = row["quantity"]
    if not value:
        if row["item"] and not row["amount_toman"]:
            raise _Invalid(f"required with item: a whole number from 1 to {MAX_QUANTITY}")
        return None
    digits = normalize_text(value)
    is_number = digits.isascii() and digits.isdigit() and len(digits) <= _MAX_QUANTITY_DIGITS
    if not is_number or not 1 <= int(digits) <= MAX_QUANTITY:
        raise _Invalid(f"{_quote(value)} is not a whole number from 1 to {MAX_QUANTITY}")
    return int(digits)


def _national_code(row: dict[str, str]) -> str | None:
    """Only checked for shape: the household it names may be imported later."""
    value = row["beneficiary_national_code"]
    if not value:
        return None
    try:
        return parse_national_code(value)
    except InputError as error:
        reasons = {
            "input-national-code-format": "use digits only: 10 digits, like 0012345679",
            "input-national-code-length": f"{error.args_.get('count')} digits instead of 10",
            "input-national-code-invalid": "not a valid national code (the check digit fails)",
        }
        raise _Invalid(reasons.get(error.code) or _explain(error)) from None
