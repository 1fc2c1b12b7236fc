"""Browsing answers come from memory, yet never hide a change for long."""

from __future__ import annotations

import pytest

from bot.models import NeedCategory, NeedDraft, NeedKind, NeedStatus
from bot.storage import Store
from bot.storage.records import Notice
from tests.conftest import another_process


async def add_needs(store: Store, *ids: str) -> None:
    province = (await store.provinces())[0]
    await store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.OTHER, kind=NeedKind.MONEY, target=1000,
                   description_fa="x", external_id=i) for i in ids],
        now=1,
    )  # fmt: skip


def count_queries(store: Store, monkeypatch) -> list[str]:
    """The SQL of every round trip the store makes from now on."""
    calls: list[str] = []
    original = store._fetchall

    async def counting(*args):
        calls.append(args[0])
        return await original(*args)

    monkeypatch.setattr(store, "_fetchall", counting)
    return calls


async def test_a_repeated_browse_costs_no_round_trip(store, monkeypatch) -> None:
    await add_needs(store, "a")
    first = await store.open_counts_by_province()
    calls = count_queries(store, monkeypatch)
    assert await store.open_counts_by_province() == first
    assert calls == []


async def test_writes_that_are_not_about_needs_keep_the_cache(store, monkeypatch) -> None:
    """A broadcast commits twice per message; people's visits write too. None of it is
    about needs, so browsing stays in memory meanwhile."""
    await add_needs(store, "a")
    first = await store.open_counts_by_province()
    await store.seen_account("telegram", 1, 1, "fa", 5)
    await store.queue_notice(Notice("telegram", 1, "broadcast-report", {"id": 1}, "k"), 5)
    await store.claim_outbox("telegram", 10, 5)
    calls = count_queries(store, monkeypatch)
    assert await store.open_counts_by_province() == first
    assert calls == []


async def test_this_process_sees_its_own_changes_at_once(store) -> None:
    await add_needs(store, "a", "b")
    province_id = (await store.provinces())[0].id
    assert (await store.open_counts_by_province())[province_id] == 2
    need = (await store.open_needs_page([(await store.provinces())[0].cities[0].id], None, 5, 0))[0]
    await store.set_need_status(need.id, NeedStatus.CLOSED, 2)
    assert (await store.open_counts_by_province())[province_id] == 1


async def test_another_process_changes_show_at_once(store) -> None:
    await add_needs(store, "a")
    province_id = (await store.provinces())[0].id
    assert (await store.open_counts_by_province())[province_id] == 1
    async with another_process(store) as importer:
        await add_needs(importer, "b", "c")
    assert (await store.open_counts_by_province())[province_id] == 3


@pytest.mark.parametrize("read_cache", [True, False])
async def test_cached_and_uncached_answers_agree(tmp_path, read_cache) -> None:
    async with Store(tmp_path / "h.db", read_cache=read_cache) as store:
        await add_needs(store, "a", "b")
        city = (await store.provinces())[0].cities[0].id
        assert await store.open_need_count([city], None) == 2
        assert len(await store.open_needs_page([city], None, 5, 0)) == 2
