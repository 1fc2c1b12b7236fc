"""Staff add a need and change an existing one: the rules for each value, and the writes.

The staff conversation (bot.handlers.staff_needs) reads one value at a time with the
`read_*` functions; they raise InputError with a message id, so the person gets the reason
and the same question again. The writes re-check everything (a flow may be resumed days
later, after a deadline passed) and the staff role at the moment of the action, and leave
an audit row. The rules are the import's (bot.domain.need_import): same limits, and the
same personal-data guard on anything donors read.

A flow keeps what it collected as JSON in the store, so values travel as a plain dict
(`values_from` / `draft_from_values`) between steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.codes import new_need_code
from bot.domain import browse
from bot.domain.csv_import import CONTROL_CHARACTERS
from bot.domain.need_import import MAX_DESCRIPTION, MAX_ITEM, MAX_QUANTITY
from bot.domain.notices import NEED_NEWS
from bot.domain.refusal import Refused
from bot.domain.staff import audit, require_staff
from bot.domain.units import in_one_unit
from bot.models import Account, Need, NeedCategory, NeedDraft, NeedKind, NeedStatus
from bot.storage.protocols import Storage
from bot.text import (
    RIALS_PER_TOMAN,
    InputError,
    normalize_letters,
    parse_date,
    parse_money,
    parse_national_code,
    parse_whole_number,
)
from bot.text.privacy import PersonalData, personal_data_kind

# The refusal staff read for each kind of personal data the guard finds.
PERSONAL_DATA_MESSAGES: dict[PersonalData, str] = {
    "number": "need-form-personal-data",
    "name": "need-form-personal-name",
}

# What staff can change, in the order the add conversation asks for it. "goal" is money
# (an amount) or items (a name and a quantity); "place" is a province, then its city.
FIELDS = (
    "place",
    "category",
    "goal",
    "description",
    "description_en",
    "deadline",
    "national_code",
    "urgent",
)
ADD_STEPS = tuple(field for field in FIELDS if field != "description_en")  # optional: preview
CODE_ATTEMPTS = 20

# -- reading one value ------------------------------------------------------------------------


def read_amount(text: str) -> int:
    """Toman as people type it (Persian digits, "2.5 million", "2,500,000"), in rials."""
    return parse_money(text)


def read_item_name(text: str) -> str:
    """What the goods are; donors read it on the card, so it is guarded like a description."""
    value = normalize_letters(text).strip()
    if not value:
        raise InputError("need-form-item-empty")
    _check_public_text(value, MAX_ITEM)
    return value


def read_quantity(text: str) -> int:
    """A whole number of items, in any digits, grouped by three like every typed number."""
    quantity = parse_whole_number(text)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise InputError("need-form-quantity", limit=MAX_QUANTITY)
    return quantity


def read_description(text: str) -> str:
    """What donors read, as written (letters unified); personal data is refused."""
    value = normalize_letters(text).strip()
    if not value:
        raise InputError("need-form-description-empty")
    _check_public_text(value, MAX_DESCRIPTION)
    return value


def _check_public_text(value: str, limit: int) -> None:
    if len(value) > limit:
        raise InputError("need-form-too-long", count=len(value), limit=limit)
    if CONTROL_CHARACTERS.search(value):
        raise InputError("need-form-control-characters")
    kind = personal_data_kind(value)
    if kind is not None:
        raise InputError(PERSONAL_DATA_MESSAGES[kind])


def read_deadline(text: str, today: dt.date) -> dt.date:
    """Jalali (1404/09/30) or ISO, and after today: a need that is already over helps nobody."""
    deadline = parse_date(text)
    _check_deadline(deadline, today)
    return deadline


def _check_deadline(deadline: dt.date, today: dt.date) -> None:
    if deadline <= today:
        raise InputError("need-form-deadline-past", date=deadline)


def read_national_code(text: str) -> str:
    """The beneficiary household's head (private: links the need, never shown to donors)."""
    return parse_national_code(text)


def check_kind(stored: Need | None, kind: NeedKind) -> None:
    """Once anything is pledged, money stays money and goods stay goods: a pledge of
    1,000,000 toman must not turn into a million refrigerators."""
    if stored is not None and stored.reserved + stored.paid and kind is not stored.kind:
        raise InputError("need-form-kind-has-pledges")


def check_goal(stored: Need | None, kind: NeedKind, target: int) -> None:
    """What donors already pledged stays possible: the kind is fixed once anything is
    pledged, and the target never falls below what is pledged."""
    if stored is None:
        return
    check_kind(stored, kind)
    pledged = stored.reserved + stored.paid
    if target < pledged:
        if stored.kind is NeedKind.MONEY:
            toman = -(-pledged // RIALS_PER_TOMAN)
            raise InputError("need-form-below-pledged-money", toman=toman)
        raise InputError("need-form-below-pledged-items", count=pledged)


# -- the values a flow collects ---------------------------------------------------------------


def values_from(need: Need, national_code: str | None) -> dict[str, Any]:
    """A stored need as the plain values an edit flow starts from."""
    return {
        "province_id": need.province_id,
        "city_id": need.city_id,
        "category": need.category.value,
        "kind": need.kind.value,
        "target": need.target,
        "item_name": need.item_name,
        "item_name_en": need.item_name_en,
        "description_fa": need.description_fa,
        "description_en": need.description_en,
        "deadline": need.deadline.isoformat() if need.deadline else None,
        "national_code": national_code,
        "urgent": need.urgent,
    }


def draft_from_values(values: Mapping[str, Any]) -> NeedDraft:
    """The collected values as a draft (KeyError or ValueError: something is missing)."""
    kind = NeedKind(values["kind"])
    deadline = values.get("deadline")
    return NeedDraft(
        city_id=int(values["city_id"]),
        province_id=int(values["province_id"]),
        category=NeedCategory(values["category"]),
        kind=kind,
        target=int(values["target"]),
        description_fa=str(values["description_fa"]),
        item_name=str(values["item_name"]) if kind is NeedKind.ITEMS else None,
        item_name_en=values.get("item_name_en") or None if kind is NeedKind.ITEMS else None,
        description_en=values.get("description_en") or None,
        deadline=dt.date.fromisoformat(deadline) if deadline else None,
        urgent=bool(values.get("urgent")),
        beneficiary_national_code=values.get("national_code") or None,
    )


def preview_need(draft: NeedDraft, code: str, stored: Need | None) -> Need:
    """The need as donors would see it with these values (pledges as they stand)."""
    return Need(
        id=stored.id if stored else 0,
        code=code,
        province_id=draft.province_id,
        city_id=draft.city_id,
        category=draft.category,
        kind=draft.kind,
        target=draft.target,
        reserved=stored.reserved if stored else 0,
        paid=stored.paid if stored else 0,
        description_fa=draft.description_fa,
        description_en=draft.description_en,
        status=stored.status if stored else NeedStatus.DRAFT,
        item_name=draft.item_name,
        deadline=draft.deadline,
        urgent=draft.urgent,
        item_name_en=draft.item_name_en,
    )


async def donor_place(
    store: Storage, need: Need, k: int, language: str, stored: Need | None
) -> browse.PlaceName:
    """The place a donor's card names once this need is open: its city only when the city
    then has at least K open needs (k-anonymity, as bot.domain.browse decides)."""
    geo = await browse.geography(store)
    counts = await store.open_counts_by_city(need.province_id)
    already_counted = stored is not None and stored.open and stored.city_id == need.city_id
    open_there = counts.get(need.city_id, 0) + (0 if already_counted else 1)
    if open_there >= k:
        return browse.PlaceName(geo.city_by_id[need.city_id].name(language), is_province=False)
    return browse.PlaceName(geo.province_by_id[need.province_id].name(language), is_province=True)


async def check_draft(
    store: Storage, draft: NeedDraft, today: dt.date, stored: Need | None
) -> None:
    """Everything again before a write: the flow's values may be old (a deadline passed)."""
    city = (await browse.geography(store)).city_by_id.get(draft.city_id)
    if city is None or city.province_id != draft.province_id:
        raise InputError("need-form-place-unknown")
    read_description(draft.description_fa)
    if draft.description_en:
        read_description(draft.description_en)
    if draft.kind is NeedKind.ITEMS:
        read_item_name(draft.item_name or "")
    if draft.target <= 0:
        raise InputError("input-money-not-positive")
    unchanged = stored is not None and stored.deadline == draft.deadline
    if draft.deadline is not None and not unchanged:
        _check_deadline(draft.deadline, today)
    if draft.beneficiary_national_code:
        parse_national_code(draft.beneficiary_national_code)
    check_goal(stored, draft.kind, draft.target)


# -- the writes: staff only, audited ------------------------------------------------------------


async def new_code(store: Storage) -> str:
    """A need code nobody uses yet: the preview shows it and publishing keeps it."""
    for _ in range(CODE_ATTEMPTS):
        code = new_need_code()
        if await store.need_by_code(code) is None:
            return code
    raise RuntimeError("no free need code")


@in_one_unit
async def create_need(
    store: Storage,
    actor: Account,
    draft: NeedDraft,
    code: str,
    *,
    publish: bool,
    today: dt.date,
    now: int,
) -> Need:
    """Add the need under the code its preview showed: open for donors, or a draft.

    The code is the confirmation's token: pressing Publish twice (or the platform
    redelivering the press) finds the need it already made and makes no second one.
    """
    await require_staff(store, actor)
    await check_draft(store, draft, today, None)
    status = NeedStatus.OPEN if publish else NeedStatus.DRAFT
    for _ in range(CODE_ATTEMPTS):
        existing = await store.need_by_code(code)
        if existing is not None and _same_need(existing, draft):
            return existing
        if existing is None:
            need = await store.add_need(draft, code, status, now, news=NEED_NEWS)
            if need is not None:  # the need and its audit row together (one unit)
                await audit(store, actor, "add_need", "need", need.code, now,
                            status=status.value)  # fmt: skip
                return need
        code = await new_code(store)
    raise RuntimeError("no free need code")


def _same_need(need: Need, draft: NeedDraft) -> bool:
    return (need.city_id, need.category, need.kind, need.target, need.item_name,
            need.description_fa) == (draft.city_id, draft.category, draft.kind, draft.target,
                                     draft.item_name, draft.description_fa)  # fmt: skip


async def need_for_editing(store: Storage, actor: Account, code: str) -> tuple[Need, str | None]:
    """The stored need and its private national code (staff only)."""
    await require_staff(store, actor)
    need = await store.need_by_code(code.strip().upper())
    if need is None:
        raise Refused("need-not-found")
    return need, await store.need_beneficiary_code(need.id)


@in_one_unit
async def view_need(store: Storage, actor: Account, code: str, now: int) -> tuple[Need, str | None]:
    """The staff view of a need; showing a household's national code is audited, in the
    same transaction as its read."""
    need, national_code = await need_for_editing(store, actor, code)
    if national_code:
        await audit(store, actor, "view_need", "need", need.code, now)
    return need, national_code


@in_one_unit
async def update_need(
    store: Storage, actor: Account, code: str, draft: NeedDraft, *, today: dt.date, now: int
) -> Need:
    """Save changed values; the audit row names the fields that changed (not their values,
    which may be personal). Pledges keep their meaning (see `check_goal`)."""
    stored, national_code = await need_for_editing(store, actor, code)
    await check_draft(store, draft, today, stored)
    # one unit: the new values and their audit row together
    updated = await store.update_need(stored.id, draft, now)
    if updated is None:  # a pledge came in since the check: say what is possible now
        fresh = await store.need(stored.id)
        check_goal(fresh, draft.kind, draft.target)
        raise Refused("need-form-changed-meanwhile")
    before = values_from(stored, national_code)
    after = values_from(updated, draft.beneficiary_national_code)
    changed = sorted(key for key in before if before[key] != after[key])
    await audit(store, actor, "edit_need", "need", updated.code, now, fields=changed)
    return updated


@in_one_unit
async def publish_need(store: Storage, actor: Account, code: str, now: int) -> Need:
    """A draft goes live: donors can find it from now on."""
    need, _ = await need_for_editing(store, actor, code)
    if need.status is not NeedStatus.DRAFT:
        raise Refused("need-form-not-draft", code=need.code)
    published = await store.publish_draft(need.id, now, news=NEED_NEWS)
    if published is None:
        raise Refused("need-form-not-draft", code=need.code)
    await audit(store, actor, "publish_need", "need", need.code, now)
    return published
