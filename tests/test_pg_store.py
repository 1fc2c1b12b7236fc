"""The PostgreSQL store (issue #12): pledges never over-commit a need whatever the
interleaving across pools, a deadlocked transaction runs again, one-time tokens are spent
once and a broadcast sent by two pools reaches each person once with exact counts.

The behaviour tests of accounts, browsing and pledges run on both backends from their own
modules (tests/test_accounts.py, test_browse_queries.py, test_pledges.py, via `any_store`);
this module holds what only PostgreSQL has: pools and retries (the browse cache's listener
has tests/test_pg_read_cache.py)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import asyncpg
import pytest

from bot.codes import new_confirm_token, new_pledge_reference
from bot.domain.notices import TellDonor
from bot.models import (
    Audience,
    BroadcastStatus,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    OutboxStatus,
    PaymentOutcome,
    PledgeStatus,
)
from bot.storage import DatabaseProblem, Store
from bot.storage.factory import store_for
from bot.storage.postgres.base import _native
from bot.storage.postgres.store import PgStore
from tests import test_money_store as money

NOW = 1_800_000_000
_ids = itertools.count(1)


@pytest.fixture
async def pg_store(pg_dsn: str) -> AsyncIterator[PgStore]:
    async with PgStore(pg_dsn) as opened:
        yield opened


async def add_need(store: PgStore, target: int = 10_000_000, **changes: object) -> int:
    province = (await store.provinces())[0]
    external_id = f"ext-{next(_ids)}"
    draft = NeedDraft(
        city_id=province.cities[0].id, province_id=province.id, category=NeedCategory.OTHER,
        kind=NeedKind.MONEY, target=target, description_fa="x", external_id=external_id,
        **changes,  # type: ignore[arg-type]
    )  # fmt: skip
    await store.upsert_needs([draft], now=NOW)
    rows = await store._fetchall("SELECT id FROM needs WHERE external_id = ?", (external_id,))
    return int(rows[0][0])


async def reserve(store: PgStore, need_id: int, donor_id: int, amount: int) -> bool:
    pledge, _ = await store.reserve_pledge(
        need_id=need_id, platform="telegram", donor_id=donor_id, amount=amount,
        token=new_confirm_token(), reference=new_pledge_reference(), now=NOW,
        expires_at=NOW + 3600,
    )  # fmt: skip
    return pledge is not None


# -- surface (its protocols: tests/test_storage_protocols.py) -----------------------------------


def test_sqlite_placeholders_become_numbered_ones_outside_quoted_text() -> None:
    assert _native("SELECT ? WHERE a = '?' AND b IN (?, ?)") == (
        "SELECT $1 WHERE a = '?' AND b IN ($2, $3)"
    )
    assert _native("SELECT $1") == "SELECT $1"


def test_the_database_url_chooses_the_backend(tmp_path) -> None:
    assert isinstance(store_for(f"sqlite:///{tmp_path / 'h.db'}"), Store)
    chosen = store_for("postgresql://u:p@db.example/hamdeli", pool_size=3)
    assert isinstance(chosen, PgStore)
    assert chosen.pool_size == 3
    assert isinstance(store_for("postgres://u@db/h"), PgStore)
    with pytest.raises(ValueError, match="mysql://"):
        store_for("mysql://u@db/h")


async def test_an_unreachable_server_is_one_line_for_the_operator(tmp_path) -> None:
    store = PgStore(f"postgresql://nobody@/hamdeli?host={tmp_path}&port=1", pool_size=1)
    with pytest.raises(DatabaseProblem, match="PostgreSQL database cannot be used"):
        await store.open()


async def test_open_migrates_to_the_same_version_as_sqlite(pg_store: PgStore, store) -> None:
    assert await pg_store.schema_version() == await store.schema_version() > 0
    assert await pg_store.migrate() == []
    await pg_store.answers_from_disk()


SESSION_STATE = (
    "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
    "AND pid = pg_backend_pid()), (SELECT count(*) FROM pg_listening_channels()), "
    "(SELECT array_agg(name) FROM pg_settings WHERE source = 'session' "
    "AND setting IS DISTINCT FROM reset_val), "
    "(SELECT array_agg(name) FROM pg_cursors WHERE name <> ''), "  # '': this query's portal
    "pg_current_xact_id_if_assigned() IS NOT NULL"
)


async def test_the_pool_connections_keep_no_session_state_to_reset_on_pg(
    pg_store: PgStore,
) -> None:
    """The pool skips asyncpg's reset query on release (PgStoreBase._nothing_to_reset):
    that is right only while nothing the store does leaves session state on a connection.
    A store that starts to SET, LISTEN, hold a session lock or leave a cursor or a
    transaction behind on its pool fails here."""
    need_id = await add_need(pg_store)
    for user_id in (7, 8):
        await pg_store.seen_account("telegram", user_id, user_id, "fa", NOW)
    await reserve(pg_store, need_id, donor_id=7, amount=50_000)
    await pg_store.forget_donor("telegram", 8, "fa", NOW)  # the transaction-level lock
    await pg_store.open_needs_page([(await pg_store.provinces())[0].cities[0].id], None, 5, 0)
    async with pg_store.chat_turn("telegram", 9):  # the turns' pool gives its lock back
        pass
    async with AsyncExitStack() as held:
        connections = [
            await held.enter_async_context(pg_store.pool.acquire())
            for _ in range(pg_store.pool_size)
        ]
        for connection in connections:
            assert tuple(await connection.fetchrow(SESSION_STATE)) == (0, 0, None, None, False)
    async with pg_store._turns.acquire() as turn:
        assert tuple(await turn.fetchrow(SESSION_STATE)) == (0, 0, None, None, False)


# -- pledges under concurrency ---------------------------------------------------------------


async def test_200_concurrent_pledges_over_two_pools_never_over_commit_on_pg(
    pg_store: PgStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Two processes (pools of 10) take shares of one need while a third closes and
    reopens other needs and re-imports this one: the conditional UPDATE holds, and the
    lock order (version row first) leaves no deadlock to retry."""
    caplog.set_level("INFO", logger="bot.storage.postgres.base")
    need_id = await add_need(pg_store, target=100 * 7)
    others = [await add_need(pg_store) for _ in range(5)]
    for donor in range(1, 201):
        await pg_store.seen_account("telegram", donor, donor, "fa", NOW)
    async with PgStore(pg_store.dsn) as second:

        async def churn() -> None:
            for round_ in range(20):
                other = others[round_ % len(others)]
                await second.set_need_status(other, NeedStatus.CLOSED, NOW)
                await second.set_need_status(other, NeedStatus.OPEN, NOW)

        won, _ = await asyncio.gather(
            asyncio.gather(
                *(reserve(pg_store if d % 2 else second, need_id, d, 7) for d in range(1, 201))
            ),
            churn(),
        )
    need = await pg_store.need(need_id)
    assert sum(won) == 100
    assert (need.reserved, need.status) == (700, NeedStatus.FULLY_PLEDGED)
    rows = await pg_store._fetchall(
        "SELECT coalesce(sum(amount), 0), count(*) FROM pledges WHERE need_id = ?", (need_id,)
    )
    assert tuple(rows[0]) == (700, 100)
    assert "transaction retried" not in caplog.text


async def test_one_token_delivered_twice_at_once_makes_one_pledge_on_pg(pg_store: PgStore) -> None:
    need_id = await add_need(pg_store, target=1000)
    await pg_store.seen_account("telegram", 1, 1, "fa", NOW)

    async def confirm() -> object:
        pledge, _ = await pg_store.reserve_pledge(
            need_id=need_id, platform="telegram", donor_id=1, amount=100, token="same",
            reference=new_pledge_reference(), now=NOW, expires_at=NOW + 60,
        )  # fmt: skip
        return pledge

    pledges = await asyncio.gather(*(confirm() for _ in range(10)))
    assert len({p.reference for p in pledges}) == 1
    assert (await pg_store.need(need_id)).reserved == 100


async def test_a_deadlocked_transaction_runs_again_on_pg(pg_store: PgStore) -> None:
    """Two transactions lock two rows in opposite orders: PostgreSQL aborts one (40P01)
    and `_run` runs it again from the start, so both commit."""
    for user in (1, 2):
        await pg_store.seen_account("telegram", user, user, "fa", NOW)
    both_hold_one = asyncio.Barrier(2)
    attempts = {1: 0, 2: 0}

    def body(first: int, second: int):
        async def run(db) -> None:
            attempts[first] += 1
            lock = "SELECT 1 FROM users WHERE platform = 'telegram' AND user_id = $1 FOR UPDATE"
            await db.execute(lock, first)
            if attempts[first] == 1:
                await both_hold_one.wait()
            await db.execute(lock, second)

        return run

    await asyncio.gather(pg_store._run(body(1, 2)), pg_store._run(body(2, 1)))
    # At least one was aborted and run again. How often each ran is the server's choice:
    # on a loaded machine a retry can meet the other's retry again ([2, 2], [1, 3]).
    assert max(attempts.values()) >= 2


async def test_a_deadlocked_unit_of_work_runs_again_whole_on_pg(pg_store: PgStore) -> None:
    """Two staff actions (units of work, as @in_one_unit runs them), each writing an audit
    row and then locking two accounts in opposite orders: PostgreSQL aborts one unit
    (40P01); `run_unit` runs that one again from its start, so both commit, and the aborted
    attempt's audit row is gone with it (exactly one row per action)."""
    for user in (1, 2):
        await pg_store.seen_account("telegram", user, user, "fa", NOW)
    both_hold_one = asyncio.Barrier(2)
    attempts = {1: 0, 2: 0}
    lock = "SELECT 1 FROM users WHERE platform = 'telegram' AND user_id = ? FOR UPDATE"

    def action(first: int, second: int):
        async def body() -> int:
            attempts[first] += 1
            await pg_store.record_audit(
                at=NOW, action="test", subject_type="user", subject_id=str(first), details={}
            )
            await pg_store._fetchall(lock, (first,))
            if attempts[first] == 1:
                await both_hold_one.wait()
            await pg_store._fetchall(lock, (second,))
            return first

        return body

    done = await asyncio.gather(pg_store.run_unit(action(1, 2)), pg_store.run_unit(action(2, 1)))
    assert done == [1, 2]
    assert max(attempts.values()) >= 2  # one was aborted and run again (see above)
    rows = await pg_store._fetchall("SELECT subject_id FROM audit_log WHERE action = 'test'")
    assert sorted(row[0] for row in rows) == ["1", "2"]


async def test_a_refusal_inside_a_unit_is_not_run_again(store) -> None:
    """Only the database's own deadlock or serialization failure is retried: a domain
    refusal (or any other error) leaves the unit once, all of it rolled back."""
    runs = 0

    async def body() -> None:
        nonlocal runs
        runs += 1
        await store.seen_account("telegram", 7, 7, "fa", NOW)
        raise LookupError("refused")

    with pytest.raises(LookupError):
        await store.run_unit(body)
    assert runs == 1
    assert await store.account("telegram", 7) is None


# -- the outbox under several workers --------------------------------------------------------


async def test_two_pools_claiming_1000_due_rows_at_once_claim_each_once_on_pg(
    pg_store: PgStore,
) -> None:
    """Two workers (pools of 10), each with eight senders claiming batches of 7 as fast as
    they can: SKIP LOCKED hands every row to exactly one of them, and all rows go out."""
    await pg_store.pool.executemany(
        "INSERT INTO outbox (platform, user_id, message_id, args, due_at, created_at) "
        "VALUES ('telegram', $1, 'aid-news-published', '{}', $2, 0)",
        [(user_id, NOW - user_id % 50) for user_id in range(1, 1001)],
    )
    all_ids = {row[0] for row in await pg_store._fetchall("SELECT id FROM outbox")}
    async with PgStore(pg_store.dsn) as second:

        async def sender(store: PgStore) -> list[int]:
            claimed: list[int] = []
            while batch := await store.claim_outbox("telegram", NOW, 7):
                claimed += [item.id for item in batch]
                await asyncio.sleep(0)
            return claimed

        claims = await asyncio.gather(*(sender(pg_store if n % 2 else second) for n in range(16)))
    claimed = [item_id for batch in claims for item_id in batch]
    assert len(claimed) == len(set(claimed)) == 1000
    assert set(claimed) == all_ids
    assert sum(1 for batch in claims if batch) > 2  # the senders really shared the work
    assert await pg_store.outbox_statuses("telegram") == {"sending": 1000}
    rows = await pg_store._fetchall("SELECT max(attempts) FROM outbox")
    assert rows[0][0] == 1


# -- one-time tokens and broadcasts under several workers -------------------------------------


async def test_a_confirm_token_spent_from_two_pools_at_once_is_spent_once_on_pg(
    pg_store: PgStore,
) -> None:
    """Two workers each get the confirm press of one cancel several times at once (a
    double press, redelivered): the broadcast is cancelled by exactly one of them, and the
    token's "no" button, pressed meanwhile, finds it spent. Likewise one invite code
    redeemed from both pools makes one person staff."""
    await pg_store.seen_account("telegram", 1, 1, "fa", NOW)
    broadcast, _ = await pg_store.create_broadcast(
        platform="telegram", creator_id=1, chat_id=1, text="x", photo_file_id=None,
        audience=Audience.EVERYONE, place_id=None, token="b", now=NOW,
    )  # fmt: skip
    await pg_store.create_confirmation(
        "c", "telegram", 1, "cancel_broadcast", str(broadcast.id), None, NOW
    )
    await pg_store.create_invite("S-ONCE", "telegram", 1, NOW, NOW + 3600)
    for user_id in range(10, 20):
        await pg_store.seen_account("telegram", user_id, user_id, "fa", NOW)
    async with PgStore(pg_store.dsn) as second:

        async def cancel(store: PgStore) -> bool:
            changed = await store.change_broadcast_status(
                broadcast.id, "telegram", BroadcastStatus.CANCELLED,
                allowed_from=[BroadcastStatus.RUNNING, BroadcastStatus.PAUSED], now=NOW,
                token="c",
            )  # fmt: skip
            return changed is not None

        stores = [pg_store, second] * 5
        spent = await asyncio.gather(
            *(cancel(store) for store in stores),
            *(store.use_confirmation("c", NOW) for store in stores),
        )
        joined = await asyncio.gather(
            *(store.redeem_invite("S-ONCE", "telegram", 10 + n, NOW) for n, store in
              enumerate(stores))
        )  # fmt: skip
    assert spent.count(True) == 1
    assert (await pg_store.confirmation("c")).used_at == NOW  # type: ignore[union-attr]
    cancelled = (await pg_store.broadcast(broadcast.id)).status is BroadcastStatus.CANCELLED  # type: ignore[union-attr]
    assert cancelled == any(spent[:10])  # cancelled exactly when a cancel won the token
    assert joined.count(True) == 1
    staff = await pg_store._fetchall("SELECT count(*) FROM users WHERE staff_role = 'staff'")
    assert staff[0][0] == 1


async def test_two_pools_sending_one_broadcast_reach_each_person_once_with_exact_counts_on_pg(
    pg_store: PgStore,
) -> None:
    """Two workers queue one 600-person broadcast in small chunks at once, then eight
    senders over both claim and finish its rows: every person's row is queued once and
    claimed once, the trigger-kept counts equal the rows' statuses, and of the two workers
    finishing the run one does."""
    await pg_store.pool.executemany(
        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
        "VALUES ('telegram', $1, $1, 'fa', 0, 0)",
        [(user_id,) for user_id in range(1, 601)],
    )
    broadcast, _ = await pg_store.create_broadcast(
        platform="telegram", creator_id=1, chat_id=1, text="x", photo_file_id=None,
        audience=Audience.EVERYONE, place_id=None, token="b", now=NOW,
    )  # fmt: skip
    ending = {0: OutboxStatus.SENT, 1: OutboxStatus.BLOCKED, 2: OutboxStatus.FAILED}
    async with PgStore(pg_store.dsn) as second:
        stores = [pg_store, second] * 4

        async def queue(store: PgStore) -> None:
            while await store.queue_broadcast_chunk(broadcast.id, 25):
                pass  # each chunk is a transaction of its own: the others' chunks go between

        async def sender(store: PgStore) -> list[int]:
            claimed: list[int] = []
            while batch := await store.claim_outbox("telegram", NOW, 7):
                for item in batch:
                    claimed.append(item.user_id)
                    await store.finish_outbox(item.id, ending[item.user_id % 3], NOW)
            return claimed

        await asyncio.gather(*(queue(store) for store in stores))
        claims = await asyncio.gather(*(sender(store) for store in stores))
        finished = await asyncio.gather(
            *(store.finish_broadcast_if_complete(broadcast.id, NOW) for store in stores)
        )
    claimed = [user_id for batch in claims for user_id in batch]
    assert sorted(claimed) == list(range(1, 601))
    assert sum(1 for batch in claims if batch) > 2  # the senders really shared the work
    done = await pg_store.broadcast(broadcast.id)
    assert done is not None
    assert (done.total, done.sent, done.blocked, done.failed, done.unknown) == (
        600, 200, 200, 200, 0,
    )  # fmt: skip
    assert await pg_store.broadcast_statuses(broadcast.id) == {
        "sent": 200, "blocked": 200, "failed": 200,
    }  # fmt: skip
    assert [b is not None for b in finished].count(True) == 1
    assert done.status is BroadcastStatus.DONE


# -- the unit of work ------------------------------------------------------------------------


async def _users(store: PgStore) -> list[int]:
    return [row[0] for row in await store._fetchall("SELECT user_id FROM users ORDER BY 1")]


async def test_a_unit_of_work_commits_all_or_nothing_on_pg(pg_store: PgStore) -> None:
    """Its own statements, a repository's transaction (a savepoint) and an outbox row
    commit together; an exception takes all of them back, and the account cache too."""

    async def unit(fail: bool, user_id: int) -> None:
        async with pg_store.unit_of_work():
            await pg_store.seen_account("telegram", user_id, user_id, "fa", NOW)
            await pg_store.open_ticket("telegram", user_id, NOW)
            await pg_store.save_flow_data("telegram", user_id, {"a": 1}, NOW)
            if fail:
                raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await unit(True, 1)
    assert await _users(pg_store) == []
    assert await pg_store.account("telegram", 1) is None
    assert await pg_store.flow_data("telegram", 1) is None
    await unit(False, 2)
    assert await _users(pg_store) == [2]
    assert await pg_store.flow_data("telegram", 2) == {"a": 1}


async def test_a_spent_token_in_a_unit_undoes_only_its_own_savepoint_on_pg(
    pg_store: PgStore,
) -> None:
    async def confirmed(db) -> bool:
        await db.execute("UPDATE users SET language = 'en' WHERE user_id = 1")
        return True

    await pg_store.seen_account("telegram", 1, 1, "fa", NOW)
    await pg_store._write(
        "INSERT INTO staff_confirmations (token, platform, user_id, action, subject, "
        "created_at, used_at) VALUES ('spent', 'telegram', 1, 'close', 'N', 0, 0)"
    )
    async with pg_store.unit_of_work():
        await pg_store.open_ticket("telegram", 1, NOW)
        assert await pg_store._run_confirmed("spent", NOW, confirmed) is None
    rows = await pg_store._fetchall("SELECT count(*) FROM support_tickets")
    assert rows[0][0] == 1
    assert (await pg_store._fetchall("SELECT language FROM users"))[0][0] == "fa"


async def test_other_tasks_write_beside_an_open_unit_not_inside_it_on_pg(
    pg_store: PgStore,
) -> None:
    inside = asyncio.Event()
    outside_done = asyncio.Event()

    async def unit() -> None:
        async with pg_store.unit_of_work():
            await pg_store.seen_account("telegram", 1, 1, "fa", NOW)
            inside.set()
            await outside_done.wait()
            raise RuntimeError("rolled back")

    async def beside() -> None:
        await inside.wait()
        await pg_store.seen_account("telegram", 2, 2, "fa", NOW)
        outside_done.set()

    failed, _ = await asyncio.gather(unit(), beside(), return_exceptions=True)
    assert isinstance(failed, RuntimeError)
    assert await _users(pg_store) == [2]


# -- payments ----------------------------------------------------------------------------------


async def test_a_payment_meeting_its_uncommitted_twin_at_the_charge_key_counts_once_on_pg(
    pg_store: PgStore,
) -> None:
    """The charge id's unique key is the last guard against counting money twice. Every
    recording takes the needs version row first, so two recordings never get this far;
    here a bare connection (which takes no such lock) holds the same charge id
    uncommitted: `record_payment` waits at the key, and when the twin commits it runs again
    from the start and finds the money counted."""
    made = await money.pledge(pg_store, await money.add_need(pg_store))
    payment = money.paid(made, await money.invoice(pg_store, made))
    twin = await asyncpg.connect(pg_store.dsn)
    try:
        held = twin.transaction()
        await held.start()
        await twin.execute(
            "INSERT INTO payments (platform, donor_id, invoice_payload, amount, currency, "
            "allocated, unallocated, telegram_payment_charge_id, paid_at) "
            "VALUES ($1, $2, $3, $4, 'IRR', 0, $4, $5, $6)",
            payment.platform, payment.donor_id, payment.payload, payment.amount,
            payment.charge_id, NOW,
        )  # fmt: skip
        recording = asyncio.create_task(
            pg_store.record_payment(
                payment, NOW, tell_paid=TellDonor("paid"), tell_unallocated=TellDonor("no")
            )
        )
        await asyncio.sleep(0.3)
        assert not recording.done()  # waiting at the unique key
        await held.commit()
        result = await recording
    finally:
        await twin.close()
    assert result.outcome is PaymentOutcome.DUPLICATE
    assert await pg_store.ledger() == (money.AMOUNT, 0, money.AMOUNT)
    assert (await pg_store.pledge(made.reference)).status is PledgeStatus.AWAITING_PAYMENT
    assert await pg_store._fetchall("SELECT 1 FROM outbox WHERE message_id = 'paid'") == []
