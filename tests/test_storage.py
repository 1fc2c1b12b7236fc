"""The store: migrations, reference data, accounts and persisted conversation state."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.models import Persona, StaffRole
from bot.storage import LAST_SEEN_RESOLUTION_S, MIGRATIONS, Store


async def test_migrations_are_idempotent_and_set_user_version(tmp_path) -> None:
    path = tmp_path / "h.db"
    async with Store(path) as store:
        assert await store.schema_version() == MIGRATIONS[-1].version
    async with Store(path) as store:
        assert await store.migrate() == []
        assert await store.schema_version() == MIGRATIONS[-1].version


def test_migrations_are_numbered_upwards_in_landing_order() -> None:
    """The schema version is one integer (PRAGMA user_version): a database already at N
    skips every step numbered N or lower. So each new migration takes a number above every
    one on main when it lands; a lower number landed later would never run on existing
    databases. (A gap is harmless: 0020 and 0021 were never landed.)"""
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))
    for migration in MIGRATIONS:
        assert migration.sql_file.startswith(f"{migration.version:04d}_")


async def test_two_processes_starting_at_once_migrate_once(tmp_path) -> None:
    path = tmp_path / "h.db"
    first, second = Store(path), Store(path)
    await asyncio.gather(first.open(), second.open())
    try:
        assert len(await first.provinces()) == 31
    finally:
        await first.close()
        await second.close()


@pytest.mark.sqlite_only
async def test_sqlite_wal_and_foreign_keys_are_on(store: Store) -> None:
    assert (await store._fetchall("PRAGMA journal_mode"))[0][0] == "wal"
    assert (await store._fetchall("PRAGMA foreign_keys"))[0][0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        await store._write(
            "INSERT INTO cities (province_id, name_fa, name_en) VALUES (999, 'x', 'x')"
        )


async def test_all_31_provinces_with_their_cities_are_loaded(store: Store) -> None:
    provinces = await store.provinces()
    assert len(provinces) == 31
    assert sum(len(p.cities) for p in provinces) >= 400
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    assert tehran.cities[0].is_capital
    assert tehran.cities[0].name("fa") == "تهران"


async def test_account_is_created_once_and_keeps_the_chosen_language(store: Store) -> None:
    account = await store.seen_account("telegram", 10, 10, "en", now=1000)
    assert account.language == "en"
    account = await store.set_language(account, "fa")
    again = await store.seen_account("telegram", 10, 10, "en", now=1000 + LAST_SEEN_RESOLUTION_S)
    assert again.language == "fa"
    assert again.first_seen == 1000
    assert again.last_seen == 1000 + LAST_SEEN_RESOLUTION_S
    assert await store.count_accounts() == 1


async def test_telegram_and_bale_users_with_the_same_id_never_collide(store: Store) -> None:
    telegram = await store.seen_account("telegram", 5, 5, "fa", now=1)
    bale = await store.seen_account("bale", 5, 5, "en", now=1)
    await store.set_persona(telegram, Persona.DONOR)
    assert (await store.account("bale", 5)).persona is None
    assert bale.language == "en"
    assert await store.count_accounts() == 2


async def test_persona_and_staff_role_are_kept_apart(store: Store) -> None:
    account = await store.seen_account("telegram", 7, 7, "fa", now=1)
    account = await store.set_persona(account, Persona.DONOR)
    account = await store.set_staff_role(account, StaffRole.STAFF)
    fresh = await store.account("telegram", 7)
    assert fresh.persona is Persona.DONOR
    assert fresh.staff_role is StaffRole.STAFF


@pytest.mark.sqlite_only
async def test_on_sqlite_a_cached_account_costs_no_query(store: Store, monkeypatch) -> None:
    await store.seen_account("telegram", 8, 8, "fa", now=100)

    async def no_queries(*args):
        raise AssertionError("query issued for a cached account")

    monkeypatch.setattr(store, "_fetchall", no_queries)
    monkeypatch.setattr(store.db, "execute_fetchall", no_queries)
    account = await store.seen_account("telegram", 8, 8, "fa", now=101)
    assert account.user_id == 8


async def test_conversation_state_round_trip_and_end(any_store: Store) -> None:
    store = any_store
    await store.save_conversation_state("telegram", "main", "[1, 1]", "donor", now=1)
    await store.save_conversation_state("bale", "main", "[1, 1]", "staff", now=1)
    assert await store.conversation_states("telegram", "main") == {"[1, 1]": "donor"}
    await store.save_conversation_state("telegram", "main", "[1, 1]", None, now=2)
    assert await store.conversation_states("telegram", "main") == {}
    assert await store.conversation_states("bale", "main") == {"[1, 1]": "staff"}


async def test_flow_data_round_trip_and_removal(any_store: Store) -> None:
    store = any_store
    await store.save_flow_data("telegram", 3, {"amount": 25_000_000, "note": "سلام"}, now=1)
    assert await store.flow_data("telegram", 3) == {"amount": 25_000_000, "note": "سلام"}
    await store.save_flow_data("telegram", 3, {}, now=2)
    assert await store.flow_data("telegram", 3) is None


async def insert_then_fail(store: Store) -> None:
    async with store._transaction() as db:
        await db.execute(
            "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen)"
            " VALUES ('telegram', 1, 1, 'fa', 0, 0)"
        )
        raise RuntimeError("boom")


@pytest.mark.sqlite_only
async def test_a_failed_sqlite_transaction_changes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        await insert_then_fail(store)
    assert await store.count_accounts() == 0


async def test_audit_log_records_who_did_what(store: Store) -> None:
    await store.record_audit(
        at=5,
        action="view_beneficiary",
        platform="telegram",
        actor_id=1,
        subject_type="beneficiary",
        subject_id="x",
        details={"why": "call"},
    )
    [entry] = await store.latest_audit()
    assert entry.action == "view_beneficiary"
    assert entry.actor_id == 1


async def test_flow_data_holding_a_field_is_dropped_per_person_or_when_old(any_store) -> None:
    store = any_store
    await store.save_flow_data("telegram", 1, {"phone": "+989121234567", "n": 1}, now=10)
    await store.save_flow_data("telegram", 2, {"phone": "+989121234568"}, now=50)
    await store.save_flow_data("telegram", 3, {"phone": None, "n": 3}, now=10)
    await store.save_flow_data("bale", 1, {"phone": "+989121234569"}, now=10)
    await store.drop_flow_data_holding("telegram", "phone", user_id=2)
    assert await store.flow_data("telegram", 2) is None
    await store.drop_flow_data_holding("telegram", "phone", updated_before=20)
    assert await store.flow_data("telegram", 1) is None
    assert await store.flow_data("telegram", 3) == {"phone": None, "n": 3}  # holds no phone
    assert await store.flow_data("bale", 1) == {"phone": "+989121234569"}


async def test_a_conversation_remembers_when_it_was_last_written(any_store) -> None:
    store = any_store
    await any_store.save_conversation_state("telegram", "main", "[1, 1]", [1, {"a": 2}], now=5)
    await any_store.save_conversation_state("telegram", "main", "[1, 1]", [2, None], now=9)
    assert await store.conversation_times("telegram", "main") == {"[1, 1]": 9}
    assert await store.conversation_states("telegram", "main") == {"[1, 1]": [2, None]}
