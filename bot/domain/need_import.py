"""Reading a needs CSV that staff prepared (`hamdeli import needs FILE.csv`) into drafts.

Pure: the caller reads the file and the provinces, and decides what to do with the result.
Every row is checked and every problem is collected, named by the line an editor shows, so
staff fix a spreadsheet in one pass instead of one error per run. Nothing here decides
whether to import: the caller imports nothing while any problem remains.

The reading, line numbering and place matching shared with the other imports live in
bot.domain.csv_import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
from bot.i18n import available_languages, translator
from bot.models import NeedCategory, NeedDraft, NeedKind, Province
from bot.storage import ImportedNeed
from bot.text import (
    RIALS_PER_TOMAN,
    InputError,
    matching_key,
    normalize_letters,
    normalize_text,
    parse_date,
    parse_money,
    parse_whole_number,
)
from bot.text.privacy import personal_data_kind

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
# Older files end at beneficiary_national_code; item_en (the item's English name) may follow.
OPTIONAL_COLUMNS = ("item_en",)
MAX_DESCRIPTION = 1000
MAX_ITEM = 200
MAX_EXTERNAL_ID = 100
MAX_QUANTITY = 100_000
_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0", ""})


@dataclass(slots=True)
class NeedImport:
    """The file's valid rows as drafts (with their line numbers) and every problem found."""

    drafts: list[tuple[int, NeedDraft]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def parse_needs_csv(text: str, provinces: Sequence[Province], today: dt.date) -> NeedImport:
    """Check every row of a needs CSV; `today` rules out deadlines that have passed."""
    result = NeedImport()
    records = read_records(text, result.problems)
    header_line, header = next(records, (1, None))
    problem = header_problem(header, COLUMNS, OPTIONAL_COLUMNS)
    if problem:
        result.problems.append(ImportProblem(header_line, "header", problem))
        return result
    reader = _RowReader(provinces, today, len(header or ()))
    for line, values in records:
        draft, problems = reader.read(line, values)
        result.problems.extend(problems)
        if draft is not None:
            result.drafts.append((line, draft))
    return result


class _RowReader:
    """Reads rows against the reference data; remembers external ids to catch repeats."""

    def __init__(
        self, provinces: Sequence[Province], today: dt.date, width: int = len(COLUMNS)
    ) -> None:
        self._columns = (*COLUMNS, *OPTIONAL_COLUMNS)[:width]
        self._places = Places(provinces)
        self._categories = _category_names()
        self._yes, self._no = _urgent_words()
        self._today = today
        self._external_ids: dict[str, int] = {}

    def read(self, line: int, values: list[str]) -> tuple[NeedDraft | None, list[ImportProblem]]:
        """The row's draft, or None and at least one problem."""
        check = Checks(line)
        if len(values) != len(self._columns):
            check.add("row", wrong_length(len(values), len(self._columns)))
            return None, check.problems
        row = dict.fromkeys(OPTIONAL_COLUMNS, "")
        row |= {name: value.strip() for name, value in zip(self._columns, values, strict=True)}
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
        item_en = check("item_en", lambda: _item_en(row))
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
            item_name_en=item_en if item else None,
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
            raise InvalidValue(f"longer than {MAX_EXTERNAL_ID} characters")
        first = self._external_ids.setdefault(external_id, line)
        if first != line:
            raise InvalidValue(f"{quote(external_id)} is also on line {first}")
        return external_id

    def _category(self, value: str) -> NeedCategory:
        if not value:
            raise InvalidValue(f"required; one of {', '.join(NeedCategory)}")
        category = self._categories.get(matching_key(value))
        if category is None:
            raise InvalidValue(
                f"unknown category {quote(value)}; use one of {', '.join(NeedCategory)}"
            )
        return category

    def _deadline(self, value: str) -> dt.date | None:
        if not value:
            return None
        try:
            deadline = parse_date(value)
        except InputError as error:
            raise InvalidValue(f"cannot read {quote(value)}: {explain(error)}") from None
        if deadline < self._today:
            raise InvalidValue(f"{quote(value)} ({deadline.isoformat()}) has already passed")
        return deadline

    def _urgent(self, value: str) -> bool:
        key = matching_key(value)
        if key in self._yes:
            return True
        if key in self._no:
            return False
        raise InvalidValue(f"{quote(value)} is neither yes nor no; use yes, no or leave it empty")


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
            raise InvalidValue("required: the need as donors will read it, in Persian")
        return None
    if len(text) > MAX_DESCRIPTION:
        raise InvalidValue(f"{len(text)} characters; at most {MAX_DESCRIPTION}")
    _refuse_unreadable_and_private(text)
    return text


def _refuse_unreadable_and_private(text: str) -> None:
    if CONTROL_CHARACTERS.search(text):
        raise InvalidValue("contains an invisible control character; retype the text")
    kind = personal_data_kind(text)
    if kind == "number":
        raise InvalidValue(
            "contains a number shaped like a national code or phone number; personal data "
            "must not reach donors, so remove it (write dates like 1404/09/30 and amounts "
            "with commas, like 2,500,000)"
        )
    if kind == "name":
        raise InvalidValue(
            "seems to name a person (a title such as Mrs or khanom followed by a name, or a "
            "first name with a family name); personal data must not reach donors, so write "
            "it without the name"
        )


def _goal(row: dict[str, str], check: Checks) -> tuple[NeedKind, int, str | None] | None:
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
        raise InvalidValue("give either amount_toman or item and quantity, not both")
    if not value and not has_items:
        raise InvalidValue("give amount_toman for money, or item and quantity for goods")
    if not value:
        return None
    try:
        return parse_money(value)
    except InputError as error:
        raise InvalidValue(f"cannot read {quote(value)}: {explain(error)}") from None


def _item(row: dict[str, str]) -> str | None:
    value = normalize_letters(row["item"]).strip()
    if not value:
        if row["quantity"] and not row["amount_toman"]:
            raise InvalidValue("required with quantity: what the goods are")
        return None
    if len(value) > MAX_ITEM:
        raise InvalidValue(f"{len(value)} characters; at most {MAX_ITEM}")
    _refuse_unreadable_and_private(value)
    return value


def _item_en(row: dict[str, str]) -> str | None:
    """The item's English name: optional, only beside an item, checked like the item."""
    value = normalize_letters(row["item_en"]).strip()
    if not value:
        return None
    if not row["item"]:
        raise InvalidValue("only with item: the English name of the goods")
    if len(value) > MAX_ITEM:
        raise InvalidValue(f"{len(value)} characters; at most {MAX_ITEM}")
    _refuse_unreadable_and_private(value)
    return value


def _quantity(row: dict[str, str]) -> int | None:
    value = row["quantity"]
    if not value:
        if row["item"] and not row["amount_toman"]:
            raise InvalidValue(f"required with item: a whole number from 1 to {MAX_QUANTITY}")
        return None
    quantity = parse_whole_number(value)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidValue(f"{quote(value)} is not a whole number from 1 to {MAX_QUANTITY}")
    return quantity


def _national_code(row: dict[str, str]) -> str | None:
    """Only checked for shape: the household it names may be imported later."""
    value = row["beneficiary_national_code"]
    return national_code(value) if value else None


def pledge_conflicts(
    rows: Sequence[tuple[int, NeedDraft]], existing: Mapping[int, ImportedNeed]
) -> list[ImportProblem]:
    """Rows that would take away what donors already pledged to the need they update.

    A target may rise (the need opens again) or fall to what is pledged, never below; the
    kind (money or items) only changes while nothing is pledged. Checked inside the import's
    transaction, so a pledge made meanwhile counts.
    """
    problems = []
    for line, draft in rows:
        need = existing.get(line)
        if need is None or need.pledged == 0:
            continue
        if need.kind != draft.kind.value:
            column = "amount_toman" if draft.kind is NeedKind.MONEY else "item"
            problems.append(ImportProblem(line, column, _kind_locked(need)))
        elif draft.target < need.pledged:
            column = "amount_toman" if draft.kind is NeedKind.MONEY else "quantity"
            problems.append(ImportProblem(line, column, _below_pledged(draft, need)))
    return problems


def _shown(kind: str, amount: int) -> str:
    """An amount as staff wrote it: toman for money (stored in rials), a count for items."""
    return f"{amount // RIALS_PER_TOMAN:,} toman" if kind == NeedKind.MONEY.value else f"{amount:,}"


def _below_pledged(draft: NeedDraft, need: ImportedNeed) -> str:
    return (
        f"{_shown(draft.kind.value, draft.target)} is less than the "
        f"{_shown(need.kind, need.pledged)} donors have already pledged or paid; "
        "it must be at least that"
    )


def _kind_locked(need: ImportedNeed) -> str:
    pledged = "money" if need.kind == NeedKind.MONEY.value else "items"
    return (
        f"donors have already pledged {pledged} ({_shown(need.kind, need.pledged)}) to this "
        "need, so it cannot change between money and items; keep it, or close it and add a "
        "new need with another external_id"
    )
