"""What donors browse: open-need counts kept by triggers, and pages of open needs in order."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.storage.sqlite.base
from bot.models import City, Need, NeedCategory, NeedDraft, NeedKind, NeedStatus, PledgeStatus
from bot.storage import MIGRATIONS, Store

NOW = 1_800_000_000
DAY = dt.date(2026, 3, 1)
_ids = itertools.count(1)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here that takes `store` runs on both backends (SQLite, PostgreSQL); those
    about SQLite's own migration or query planner take `sqlite_store` and say so."""
    return any_store


GROUP_BY_NEEDS = (
    "SELECT city_id, category, count(*) FROM needs WHERE status = 'open' "
    "GROUP BY city_id, category ORDER BY city_id, category"
)
COUNTS_TABLE = (
    "SELECT city_id, category, n FROM open_need_counts WHERE n > 0 ORDER BY city_id, category"
)


async def cities(store: Store) -> list[City]:
    """Three cities of one province, then two of another: enough to tell counts apart."""
    first, second = (await store.provinces())[:2]
    return [*first.cities[:3], *second.cities[:2]]


def draft(
    city: City,
    category: NeedCategory = NeedCategory.DOWRY,
    *,
    urgent: bool = False,
    deadline: dt.date | None = None,
    target: int = 1_000_000,
) -> NeedDraft:
    return NeedDraft(
        city_id=city.id,
        province_id=city.province_id,
        category=category,
        kind=NeedKind.MONEY,
        target=target,
        description_fa="نیاز",
        external_id=f"ext-{next(_ids)}",
        urgent=urgent,
        deadline=deadline,
    )


async def add(store: Store, *drafts: NeedDraft) -> list[int]:
    """Insert needs; returns their ids in the order given."""
    await store.upsert_needs(drafts, now=NOW)
    ids = [d.external_id for d in drafts]
    marks = ",".join("?" * len(ids))
    rows = await store._fetchall(
        f"SELECT external_id, id FROM needs WHERE external_id IN ({marks})", tuple(ids)
    )
    by_external = dict(rows)
    return [by_external[i] for i in ids]


async def assert_counts_match_needs(store: Store) -> None:
    assert await store._fetchall(COUNTS_TABLE) == await store._fetchall(GROUP_BY_NEEDS)


# -- counts ----------------------------------------------------------------------------------


async def test_an_empty_store_counts_nothing(store: Store) -> None:
    city = (await cities(store))[0]
    assert await store.open_counts_by_province() == {}
    assert await store.open_counts_by_city(city.province_id) == {}
    assert await store.open_counts_by_category([city.id]) == {}
    assert await store.open_need_count([city.id], None) == 0
    assert await store.open_need_count([], NeedCategory.DOWRY) == 0


async def test_counts_follow_inserts_by_province_city_and_category(store: Store) -> None:
    a, b, c, d, _ = await cities(store)
    await add(
        store,
        draft(a, NeedCategory.DOWRY),
        draft(a, NeedCategory.DOWRY),
        draft(a, NeedCategory.MEDICAL),
        draft(b, NeedCategory.HOUSING),
        draft(d, NeedCategory.MEDICAL),
    )
    assert await store.open_counts_by_province() == {a.province_id: 4, d.province_id: 1}
    assert await store.open_counts_by_city(a.province_id) == {a.id: 3, b.id: 1}
    assert await store.open_counts_by_category([a.id]) == {
        NeedCategory.DOWRY: 2,
        NeedCategory.MEDICAL: 1,
    }
    assert await store.open_counts_by_category([a.id, b.id, c.id]) == {
        NeedCategory.DOWRY: 2,
        NeedCategory.MEDICAL: 1,
        NeedCategory.HOUSING: 1,
    }
    assert await store.open_need_count([a.id, d.id], None) == 4
    assert await store.open_need_count([a.id, d.id], NeedCategory.MEDICAL) == 2
    assert await store.open_need_count([c.id], None) == 0
    await assert_counts_match_needs(store)


async def test_a_fully_pledged_need_leaves_the_counts_until_its_pledge_is_released(
    store: Store,
) -> None:
    city = (await cities(store))[0]
    [need_id] = await add(store, draft(city, target=500))
    await store.seen_account("telegram", 7, 7, "fa", NOW)
    pledge, remaining = await store.reserve_pledge(
        need_id=need_id, platform="telegram", donor_id=7, amount=500, token="tok-1",
        reference="P-TEST01", now=NOW, expires_at=NOW + 3600,
    )  # fmt: skip
    assert pledge is not None
    assert remaining == 0
    assert (await store.need(need_id)).status is NeedStatus.FULLY_PLEDGED
    assert await store.open_need_count([city.id], None) == 0
    assert await store.open_counts_by_province() == {}

    await store.release_pledge("P-TEST01", PledgeStatus.CANCELLED, NOW + 1)
    assert (await store.need(need_id)).status is NeedStatus.OPEN
    assert await store.open_need_count([city.id], None) == 1
    await assert_counts_match_needs(store)


async def test_a_closed_need_leaves_the_counts_and_a_reopened_one_returns(store: Store) -> None:
    city = (await cities(store))[0]
    first, _ = await add(store, draft(city), draft(city))
    await store.set_need_status(first, NeedStatus.CLOSED, NOW)
    assert await store.open_need_count([city.id], None) == 1
    await store.set_need_status(first, NeedStatus.CLOSED, NOW)  # again: no double count
    assert await store.open_need_count([city.id], None) == 1
    await store.set_need_status(first, NeedStatus.OPEN, NOW)
    assert await store.open_need_count([city.id], None) == 2
    await assert_counts_match_needs(store)


async def test_an_import_moving_a_need_moves_its_count(store: Store) -> None:
    a, _, _, other_province, _ = await cities(store)
    need = draft(a, NeedCategory.DOWRY)
    await add(store, need)
    await store.upsert_needs([replace(need, category=NeedCategory.MEDICAL)], now=NOW)
    assert await store.open_counts_by_category([a.id]) == {NeedCategory.MEDICAL: 1}

    moved = replace(
        need,
        city_id=other_province.id,
        province_id=other_province.province_id,
        category=NeedCategory.HOUSING,
    )
    await store.upsert_needs([moved], now=NOW)
    assert await store.open_counts_by_province() == {other_province.province_id: 1}
    assert await store.open_counts_by_city(other_province.province_id) == {other_province.id: 1}
    assert await store.open_counts_by_category([other_province.id]) == {NeedCategory.HOUSING: 1}

    await store.upsert_needs([moved], now=NOW + 1)  # unchanged: the count stays
    assert await store.open_need_count([other_province.id], NeedCategory.HOUSING) == 1
    await assert_counts_match_needs(store)


async def test_an_import_moving_a_closed_need_counts_nothing(store: Store) -> None:
    a, b, *_ = await cities(store)
    need = draft(a)
    [need_id] = await add(store, need)
    await store.set_need_status(need_id, NeedStatus.CLOSED, NOW)
    await store.upsert_needs([replace(need, city_id=b.id)], now=NOW)
    assert await store.open_counts_by_province() == {}
    await assert_counts_match_needs(store)


async def test_a_deleted_need_leaves_the_counts(store: Store) -> None:
    city = (await cities(store))[0]
    first, second = await add(store, draft(city), draft(city))
    await store.set_need_status(second, NeedStatus.FUNDED, NOW)
    await store._write("DELETE FROM needs WHERE id IN (?, ?)", (first, second))
    assert await store.open_need_count([city.id], None) == 0
    await assert_counts_match_needs(store)


async def test_the_migration_counts_the_needs_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.db"
    before = tuple(m for m in MIGRATIONS if m.version < 4)
    with monkeypatch.context() as patch:
        patch.setattr(bot.storage.sqlite.base, "MIGRATIONS", before)  # where migrate() reads it
        async with Store(path) as old:
            a, b, *_ = await cities(old)
            # Plain SQL: today's store writes columns later migrations added.
            for code, city, category, status in (
                ("AAAAAA", a, "medical", "closed"),
                ("BBBBBB", a, "medical", "open"),
                ("CCCCCC", b, "other", "open"),
            ):
                await old._write(
                    "INSERT INTO needs (code, province_id, city_id, category, kind, target, "
                    "description_fa, status, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, 'money', 1000, 'x', ?, 0, 0)",
                    (code, city.province_id, city.id, category, status),
                )
    async with Store(path) as store:
        assert await store.open_counts_by_city(a.province_id) == {a.id: 1, b.id: 1}
        await assert_counts_match_needs(store)


# -- pages -----------------------------------------------------------------------------------


def browse_order(need: Need) -> tuple[Any, ...]:
    """The order donors see, written plainly: urgent, nearest deadline, no deadline, oldest."""
    return (not need.urgent, need.deadline is None, need.deadline or dt.date.max, need.id)


async def all_pages(
    store: Store, city_ids: list[int], category: NeedCategory | None, size: int
) -> list[Need]:
    pages, offset = [], 0
    while page := await store.open_needs_page(city_ids, category, size, offset):
        assert len(page) <= size
        pages.extend(page)
        offset += size
    return pages


async def test_pages_are_urgent_first_then_nearest_deadline_and_no_deadline_last(
    store: Store,
) -> None:
    city = (await cities(store))[0]
    later, sooner = DAY + dt.timedelta(days=30), DAY
    ids = await add(
        store,
        draft(city),  # 0: no deadline
        draft(city, deadline=later),  # 1
        draft(city, urgent=True),  # 2: urgent, no deadline
        draft(city, deadline=sooner),  # 3
        draft(city, urgent=True, deadline=later),  # 4
        draft(city),  # 5: no deadline, newer than 0
        draft(city, deadline=sooner),  # 6: same deadline as 3, newer
        draft(city, urgent=True, deadline=sooner),  # 7
    )
    expected = [ids[i] for i in (7, 4, 2, 3, 6, 1, 0, 5)]
    assert [n.id for n in await all_pages(store, [city.id], None, 3)] == expected
    third_page = await store.open_needs_page([city.id], None, 3, 6)
    assert [n.id for n in third_page] == expected[6:]
    assert await store.open_need_count([city.id], None) == len(expected)


async def test_pages_show_only_open_needs_of_the_cities_and_category_asked(
    store: Store,
) -> None:
    a, b, c, *_ = await cities(store)
    dowry_a, medical_a, dowry_b, closed_a, _ = await add(
        store,
        draft(a, NeedCategory.DOWRY, deadline=DAY),
        draft(a, NeedCategory.MEDICAL, urgent=True),
        draft(b, NeedCategory.DOWRY, urgent=True, deadline=DAY),
        draft(a, NeedCategory.DOWRY),
        draft(c, NeedCategory.DOWRY),
    )
    await store.set_need_status(closed_a, NeedStatus.CLOSED, NOW)
    page = await store.open_needs_page([a.id], NeedCategory.DOWRY, 10, 0)
    assert [n.id for n in page] == [dowry_a]
    assert page[0].status is NeedStatus.OPEN
    assert page[0].deadline == DAY
    assert await store.open_need_count([a.id], NeedCategory.DOWRY) == 1

    both = await store.open_needs_page([a.id, b.id], None, 10, 0)
    assert [n.id for n in both] == [dowry_b, medical_a, dowry_a]
    both_dowry = await store.open_needs_page([a.id, b.id], NeedCategory.DOWRY, 10, 0)
    assert [n.id for n in both_dowry] == [dowry_b, dowry_a]
    assert await store.open_needs_page([], None, 10, 0) == []
    assert await store.open_needs_page([a.id], NeedCategory.HOUSING, 10, 0) == []


async def test_pages_of_one_or_several_cities_match_a_plain_sort(store: Store) -> None:
    """Many ties (same urgency and deadline) across cities, pages of 4: nothing lost or doubled."""
    rng = random.Random(5)
    places = (await cities(store))[:3]
    ids = await add(
        store,
        *(
            draft(
                rng.choice(places),
                rng.choice([NeedCategory.DOWRY, NeedCategory.MEDICAL]),
                urgent=rng.random() < 0.3,
                deadline=rng.choice([None, DAY, DAY + dt.timedelta(days=rng.randrange(5))]),
            )
            for _ in range(120)
        ),
    )
    for need_id in ids[::7]:
        await store.set_need_status(need_id, NeedStatus.FUNDED, NOW)
    needs = [n for n in [await store.need(i) for i in ids] if n.status is NeedStatus.OPEN]
    for chosen in ([places[0]], places[:2], places):
        city_ids = [c.id for c in chosen]
        for category in (None, NeedCategory.MEDICAL):
            expected = sorted(
                (n for n in needs if n.city_id in city_ids and category in (None, n.category)),
                key=browse_order,
            )
            assert await all_pages(store, city_ids, category, 4) == expected
            assert await store.open_need_count(city_ids, category) == len(expected)


async def test_a_negative_limit_or_offset_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="negative"):
        await store.open_needs_page([1], None, -1, 0)  # SQLite would read -1 as "no limit"
    with pytest.raises(ValueError, match="negative"):
        await store.open_needs_page([1], None, 5, -5)


@pytest.mark.parametrize("several_cities", [False, True])
@pytest.mark.parametrize(
    ("category", "index"),
    [(None, "needs_browse"), (NeedCategory.MEDICAL, "needs_browse_category")],
)
async def test_sqlites_plan_of_a_page_searches_its_index_and_one_city_sorts_nothing(
    sqlite_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    category: NeedCategory | None,
    index: str,
    several_cities: bool,
) -> None:
    """The plan of the exact statement the page runs: an index search, never a scan; one
    city is read in order, several cities only sort their first few entries each."""
    store = sqlite_store
    city_ids = [c.id for c in await cities(store)][: 3 if several_cities else 1]
    statements: list[tuple[str, tuple[Any, ...]]] = []
    fetchall = store._fetchall

    async def spy(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        statements.append((sql, params))
        return await fetchall(sql, params)

    monkeypatch.setattr(store, "_fetchall", spy)
    await store.open_needs_page(city_ids, category, 5, 10)
    [(sql, params)] = statements
    plan = " | ".join(row[3] for row in await fetchall(f"EXPLAIN QUERY PLAN {sql}", params))
    assert f"SEARCH needs USING INDEX {index} (" in plan
    assert "SCAN" not in plan
    assert ("TEMP B-TREE" in plan) is several_cities


# -- property: the counts table always equals a GROUP BY over needs ---------------------------

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 4), st.sampled_from(NeedCategory)),
        st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(NeedStatus)),
        st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 4)),
        st.tuples(st.just("recategorize"), st.integers(0, 30), st.sampled_from(NeedCategory)),
        st.tuples(st.just("delete"), st.integers(0, 30), st.just(None)),
    ),
    max_size=25,
)


async def apply(store: Store, places: list[City], operations: list[tuple[str, int, Any]]) -> None:
    """Run the operations on needs, checking the counts after each; starts and ends empty.

    Starting from a cleared table keeps a failed example from leaking into the next one.
    """
    await store._write("DELETE FROM needs")
    await store._write("DELETE FROM open_need_counts")
    drafts: dict[int, NeedDraft] = {}
    for op, index, value in operations:
        if op == "add":
            new = draft(places[index], value)
            [need_id] = await add(store, new)
            drafts[need_id] = new
        elif drafts:
            need_id = sorted(drafts)[index % len(drafts)]
            await apply_change(store, places, drafts, need_id, op, value)
        await assert_counts_match_needs(store)
    await store._write("DELETE FROM needs")
    assert await store._fetchall(COUNTS_TABLE) == []


async def apply_change(
    store: Store,
    places: list[City],
    drafts: dict[int, NeedDraft],
    need_id: int,
    op: str,
    value: Any,
) -> None:
    if op == "status":
        await store.set_need_status(need_id, value, NOW)
    elif op == "delete":
        await store._write("DELETE FROM needs WHERE id = ?", (need_id,))
        del drafts[need_id]
    else:  # an import sends the need again (same external_id) with another city or category
        old = drafts[need_id]
        if op == "move":
            changed = replace(old, city_id=places[value].id, province_id=places[value].province_id)
        else:
            changed = replace(old, category=value)
        drafts[need_id] = changed
        await store.upsert_needs([changed], now=NOW)


def test_counts_always_equal_a_group_by_over_needs(tmp_path: Path) -> None:
    """One store for every example (a fresh one each would cost the migrations each time)."""
    with asyncio.Runner() as runner:
        store = Store(tmp_path / "h.db")
        runner.run(store.open())
        try:
            places = runner.run(cities(store))

            @settings(max_examples=200)
            @given(OPERATIONS)
            def check(operations: list[tuple[str, int, Any]]) -> None:
                runner.run(apply(store, places, operations))

            check()
        finally:
            runner.run(store.close())
