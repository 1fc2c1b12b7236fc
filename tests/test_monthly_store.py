"""Monthly gifts through the monthly domain on a real store, on both backends (SQLite,
PostgreSQL): one gift per double press and per donor, changes only from the version the
donor saw, each month handled once (pledged, skipped or nothing), and the statistics.

The chat flows are tests/test_monthly.py (the Application, SQLite)."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain import monthly
from bot.domain.monthly import MonthlyRefused, Scope
from bot.domain.pledges import PledgeRules
from bot.models import MonthlyGift, MonthlyStatus, NeedCategory, NeedDraft, NeedKind
from bot.storage import Store
from bot.storage.records import MonthlyStatistics
from tests.conftest import another_process

TEHRAN = ZoneInfo("Asia/Tehran")
NOW = int(dt.datetime(2025, 11, 24, 12, tzinfo=TEHRAN).timestamp())  # 3 Azar 1404
PLATFORM = "telegram"
DONOR = 1001
AMOUNT = 5_000_000
RULES = PledgeRules(min_rials=1_000_000, ttl_seconds=48 * 3600)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


async def scope(store: Store) -> Scope:
    province = (await store.provinces())[0]
    return Scope(province, None, None)


async def add_need(store: Store, target: int = 50_000_000) -> None:
    province = (await store.provinces())[0]
    draft = NeedDraft(
        city_id=province.cities[0].id, province_id=province.id,
        category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=target,
        description_fa="دارو", external_id="m1",
    )  # fmt: skip
    await store.upsert_needs([draft], now=NOW)


async def start(store: Store, token: str = "g1", day: int = 10, donor: int = DONOR):
    await store.seen_account(PLATFORM, donor, donor, "fa", NOW)
    return await monthly.start(
        store, platform=PLATFORM, donor_id=donor, amount=AMOUNT, scope=await scope(store),
        day=day, token=token, now=NOW, rules=RULES, tz=TEHRAN,
    )  # fmt: skip


async def due(store: Store, gift: MonthlyGift) -> int:
    """A moment its month is due (the clock of the run)."""
    return gift.next_due_at + 60


async def test_a_double_press_starts_one_gift_and_a_donor_has_one(store) -> None:
    gift, created = await start(store)
    assert created
    again, created = await start(store)
    assert (again, created) == (gift, False)
    other_token, created = await start(store, token="g2", day=20)
    assert (other_token, created) == (gift, False)  # theirs back, unchanged
    assert await store.monthly_of_donor(PLATFORM, DONOR) == gift
    assert gift.status is MonthlyStatus.ACTIVE
    assert (gift.amount, gift.day, gift.version) == (AMOUNT, 10, 1)


async def test_presses_at_once_from_two_processes_start_one_gift(store) -> None:
    await store.seen_account(PLATFORM, DONOR, DONOR, "fa", NOW)
    async with another_process(store) as other:
        results = await asyncio.gather(
            *(start(store if n % 2 else other, token=f"g{n % 3}") for n in range(6))
        )
    assert len({gift.id for gift, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1


async def test_changes_need_the_version_the_donor_saw(store) -> None:
    gift, _ = await start(store)
    paused = await monthly.pause(store, gift, NOW + 1)
    assert (paused.status, paused.version) == (MonthlyStatus.PAUSED, 2)
    with pytest.raises(MonthlyRefused, match="monthly-stale"):
        await monthly.change_amount(store, gift, 2 * AMOUNT, NOW + 2, RULES)  # an older button
    resumed = await monthly.resume(store, paused, NOW + 3, TEHRAN)
    assert resumed.status is MonthlyStatus.ACTIVE
    bigger = await monthly.change_amount(store, resumed, 2 * AMOUNT, NOW + 4, RULES)
    assert (bigger.amount, bigger.version) == (2 * AMOUNT, 4)
    with pytest.raises(ValueError, match="not changeable"):
        await store.change_monthly(gift.id, bigger.version, NOW, donor_id=5)
    stopped = await monthly.stop(store, bigger, NOW + 5)
    assert stopped.status is MonthlyStatus.STOPPED
    assert await store.monthly_of_donor(PLATFORM, DONOR) is None
    assert await store.change_monthly(gift.id, stopped.version, NOW, amount=AMOUNT) is None
    again, created = await start(store, token="g3")  # a stopped gift leaves room for a new one
    assert created
    assert again.id != gift.id


async def test_a_skipped_month_is_recorded_once_and_the_gift_moves_on(store) -> None:
    gift, _ = await start(store)
    skipped = await monthly.skip(store, gift, NOW + 1, TEHRAN)
    assert skipped.next_period == monthly.following(gift.next_period)
    assert await store.monthly_run(gift.id, gift.next_period) == ("skipped", None)
    with pytest.raises(MonthlyRefused, match="monthly-stale"):
        await monthly.skip(store, gift, NOW + 2, TEHRAN)  # the same button again
    assert await store.monthly_of_donor(PLATFORM, DONOR) == skipped
    assert await store.monthly_run(gift.id, skipped.next_period) is None


async def test_a_due_month_pledges_once_even_from_two_processes(store) -> None:
    await add_need(store)
    gift, _ = await start(store)
    now = await due(store, gift)
    assert await store.due_monthly(PLATFORM, now - 120) == []
    assert await store.due_monthly(PLATFORM, now) == [gift]
    async with another_process(store) as other:
        results = await asyncio.gather(
            *(monthly.give(store if n % 2 else other, gift, now, RULES, TEHRAN) for n in range(6))
        )
    given = [result for result in results if result is not None]
    assert len(given) == 1
    assert given[0].pledge is not None
    assert given[0].pledge.amount == AMOUNT
    outcome, pledge_id = await store.monthly_run(gift.id, gift.next_period)  # type: ignore[misc]
    assert (outcome, pledge_id) == ("pledged", given[0].pledge.id)
    assert await store.due_monthly(PLATFORM, now) == []
    moved = await store.monthly_of_donor(PLATFORM, DONOR)
    assert moved.next_period == monthly.following(gift.next_period)  # type: ignore[union-attr]
    stats = await store.monthly_statistics(PLATFORM, gift.next_period)
    assert stats == MonthlyStatistics(active=1, paused=0, raised=0, paid_gifts=0)  # not paid yet


async def test_when_nothing_needs_money_the_donor_is_told_once(store) -> None:
    gift, _ = await start(store)
    now = await due(store, gift)
    results = await asyncio.gather(*(monthly.run_due(
        store, platform=PLATFORM, now=now, rules=RULES, tz=TEHRAN) for _ in range(3)))  # fmt: skip
    assert [len(r) for r in sorted(results, key=len)] == [0, 0, 1]
    assert await store.monthly_run(gift.id, gift.next_period) == ("nothing", None)
    told = await store._fetchall("SELECT user_id, message_id, args FROM outbox")
    assert [(row[0], row[1]) for row in told] == [(DONOR, monthly.NOTHING_NOTICE)]
    assert '"gift": ' + str(gift.id) in told[0][2]
