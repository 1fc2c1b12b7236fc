"""Several `hamdeli run` processes (workers) on one store (#12), piece by piece:

- Outbox claims record their worker: a worker starting again marks only its own interrupted
  sends 'unknown' (and those of workers silent for long), never another live worker's sends
  in flight, and the broadcast's counts stay exact.
- One send rate per bot, shared: two workers taking send tokens together never exceed it.
- One chat's updates one at a time across processes (PostgreSQL's advisory lock), while
  different chats run in parallel.

Real stores, real Applications on the emulator; "a process" is a store (its own connection
or pool) and an Application of its own, as a second `hamdeli run` would have.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.ext import MessageHandler, filters

from bot.app import build_application
from bot.context import HamdeliContext
from bot.delivery import WORKER_SILENT_S, Pacer, outbox_of, recover_outbox, worker_clock
from bot.emulator import BotApiEmulator, EmulatedUserInfo
from bot.models import BroadcastStatus, OutboxStatus
from bot.storage.postgres.store import PgStore
from bot.storage.postgres.workers import _chat_key
from bot.storage.protocols import Workers
from bot.storage.records import Notice
from bot.storage.sqlite.workers import WorkersRepository
from tests.conftest import ADMIN_ID, another_process, make_settings
from tests.test_broadcasts import compose, people, received

NOW = 1_800_000_000


@pytest.fixture
def store(any_store):
    return any_store


async def queue(store, count: int, first_user: int = 1) -> None:
    for user_id in range(first_user, first_user + count):
        await store.queue_notice(
            Notice("telegram", user_id, "aid-news-published", {}, f"n:{user_id}"), NOW
        )


async def claimed_by(store) -> dict[str | None, list[str]]:
    rows = await store._fetchall("SELECT claimed_by, status FROM outbox ORDER BY status")
    by_worker: dict[str | None, list[str]] = {}
    for worker, status in rows:
        by_worker.setdefault(worker, []).append(status)
    return by_worker


# -- whose sends a recovery marks ------------------------------------------------------------


async def test_a_starting_worker_marks_only_its_own_and_silent_workers_sends(store) -> None:
    await queue(store, 8)
    await store.worker_seen("w1", NOW, starting=True)
    await store.worker_seen("w2", NOW)
    await store.worker_seen("w3", NOW - WORKER_SILENT_S - 1)  # gone for long
    assert len(await store.claim_outbox("telegram", NOW, 2, "w1")) == 2
    assert len(await store.claim_outbox("telegram", NOW, 2, "w2")) == 2
    assert len(await store.claim_outbox("telegram", NOW, 1, "w3")) == 1
    assert len(await store.claim_outbox("telegram", NOW, 1, "w4")) == 1  # never seen
    assert len(await store.claim_outbox("telegram", NOW, 1)) == 1  # before claims were named

    # w1 restarted (a SIGKILL; the same WORKER_ID): its own, the nameless, w3's and w4's.
    abandoned = await store.abandon_unfinished_sends(
        "telegram", "w1", silent_before=NOW - WORKER_SILENT_S
    )
    assert abandoned == 5
    assert await claimed_by(store) == {
        "w1": ["unknown", "unknown"], "w2": ["sending", "sending"], "w3": ["unknown"],
        "w4": ["unknown"], None: ["pending", "unknown"],
    }  # fmt: skip
    # Any worker's clock: w2 is alive, so nothing; once w2 is silent for long, its rows.
    assert await store.abandon_unfinished_sends("telegram", silent_before=NOW - 60) == 0
    later = NOW + WORKER_SILENT_S + 1
    await store.worker_seen("w1", later)
    assert await store.abandon_unfinished_sends("telegram", silent_before=later - 300) == 2
    assert (await claimed_by(store))["w2"] == ["unknown", "unknown"]
    # One process on its own (no worker named): every send in flight, as before #12.
    await store.claim_outbox("telegram", NOW, 5, "w2")
    assert await store.abandon_unfinished_sends("telegram") == 1
    assert await store.abandon_unfinished_sends("bale", "w1") == 0


async def test_the_workers_table_says_who_started_when_and_was_seen_last(store) -> None:
    await store.worker_seen("w1", NOW, starting=True)
    await store.worker_seen("w1", NOW + 30)
    assert await store._fetchall("SELECT worker, started_at, last_seen FROM workers") == [
        ("w1", NOW, NOW + 30)
    ]
    await store.worker_seen("w1", NOW + 90, starting=True)  # restarted
    rows = await store._fetchall("SELECT started_at, last_seen FROM workers")
    assert [tuple(row) for row in rows] == [(NOW + 90, NOW + 90)]


def test_the_worker_id_is_the_setting_else_the_hostname(tmp_path) -> None:
    assert make_settings(tmp_path).worker == socket.gethostname()
    assert make_settings(tmp_path, worker_id="").worker == socket.gethostname()
    assert make_settings(tmp_path, worker_id="w2").worker == "w2"
    with pytest.raises(ValueError, match="worker_id"):
        make_settings(tmp_path, worker_id="w 2; drop")


# -- two workers, one broadcast (the real Applications) ----------------------------------------


async def test_a_restarted_worker_leaves_the_other_workers_sends_alone(start_app) -> None:
    """w1 and w2 each claim two rows of a broadcast, then w1 is killed and restarts: its two
    become 'unknown' (never sent again); w2's two are still on their way and are recorded
    when w2 finishes them; the counts add up to the rows at every step."""
    w1 = await start_app(worker_id="w1")
    w2 = await start_app(emulator=w1.emulator, worker_id="w2")
    for worker in (w1, w2):  # as each starts (on_start)
        await recover_outbox(worker.application)
    admin = w1.user(user_id=ADMIN_ID)
    await admin.send("/start")
    crowd = await people(w1, 6)
    await compose(admin, "donors")
    await admin.click("✅")
    await outbox_of(w1.application)._queue_broadcast_rows()
    first = await w1.store.claim_outbox("telegram", 10**10, 2, "w1")  # then w1 dies
    second = await w2.store.claim_outbox("telegram", 10**10, 2, "w2")  # w2 sends on

    restarted = await start_app(emulator=w1.emulator, worker_id="w1")
    await recover_outbox(restarted.application)
    await outbox_of(restarted.application).drain()
    assert await restarted.store.broadcast_statuses(1) == {"sent": 2, "unknown": 2, "sending": 2}
    broadcast = await restarted.store.broadcast(1)
    assert (broadcast.sent, broadcast.unknown, broadcast.status) == (2, 2, BroadcastStatus.RUNNING)

    for item in second:  # w2's sends went out, and w2 records them
        await w2.store.finish_outbox(item.id, OutboxStatus.SENT, 10**10)
    await outbox_of(restarted.application).drain()
    broadcast = await restarted.store.broadcast(1)
    assert (broadcast.sent, broadcast.unknown) == (4, 2)
    assert broadcast.status is BroadcastStatus.DONE
    never = {item.user_id for item in first}
    assert [received(p) for p in crowd if p.id in never] == [0, 0]  # at most once


async def test_any_worker_marks_the_sends_of_a_worker_gone_for_long(start_app, clock) -> None:
    w1 = await start_app(worker_id="w1")
    await queue(w1.store, 3, first_user=50)
    await w1.store.worker_seen("w2", int(clock()))
    await w1.store.claim_outbox("telegram", 10**10, 2, "w2")
    context = HamdeliContext(w1.application)
    await worker_clock(context)  # w2 was just seen: its sends are its own
    assert (await claimed_by(w1.store))["w2"] == ["sending", "sending"]
    clock.advance(WORKER_SILENT_S + 1)  # w2's host is gone; w1's clock beats on
    await worker_clock(context)
    assert (await claimed_by(w1.store))["w2"] == ["unknown", "unknown"]
    rows = await w1.store._fetchall("SELECT last_seen FROM workers WHERE worker = 'w1'")
    assert rows[0][0] == int(clock())


# -- one send rate for every worker ------------------------------------------------------------


def most_in_any_window(stamps: list[tuple[float, int]], seconds: float) -> int:
    """The most tokens granted within any `seconds` (a window starting at each grant)."""
    best = 0
    for start, _ in stamps:
        best = max(best, sum(n for at, n in stamps if start <= at < start + seconds))
    return best


async def test_two_stores_taking_send_tokens_together_never_exceed_the_rate(store) -> None:
    """Two processes' pacers (two stores on one database) take tokens as fast as they can
    for 2 s at 200 a second: in any 1-second window they got at most the rate plus one
    burst (the bucket's capacity), and together they used most of it."""
    rate, seconds = 200.0, 2.0
    async with another_process(store) as other:
        pacers = [Pacer(rate, store, "telegram"), Pacer(rate, other, "telegram")]
        stamps: list[tuple[float, int]] = []
        shares = [0, 0]
        began = time.monotonic()

        async def sender(number: int) -> None:
            while time.monotonic() - began < seconds:
                granted = await pacers[number].take(32)
                stamps.append((time.monotonic(), granted))
                shares[number] += granted

        await asyncio.gather(*(sender(n % 2) for n in range(6)))
    burst = pacers[0].capacity
    slack = rate * 0.05  # the grant's time is read after its round trip
    assert most_in_any_window(stamps, 1.0) <= rate + burst + slack
    assert sum(shares) <= rate * (stamps[-1][0] - began) + burst + slack
    assert sum(shares) >= 0.6 * rate * seconds  # the rate is used, not starved
    assert min(shares) >= 0.15 * sum(shares)  # both workers sent


async def test_tokens_given_back_are_there_for_the_next_take(store) -> None:
    granted, _ = await store.take_send_tokens("telegram", 1.0, 10.0, 1, 10)
    assert granted == 0  # the bucket starts empty
    await store._write("UPDATE send_pacing SET tokens = 0, updated_at = updated_at + 3600")
    assert (await store.take_send_tokens("telegram", 1.0, 10.0, 1, 10))[0] == 0
    await store.give_back_send_tokens("telegram", 10.0, 4)
    assert (await store.take_send_tokens("telegram", 1.0, 10.0, 1, 10))[0] == 4
    await store.give_back_send_tokens("telegram", 10.0, 40)  # never above the capacity
    assert (await store.take_send_tokens("telegram", 1.0, 10.0, 1, 100))[0] == 10
    assert (await store.take_send_tokens("bale", 1.0, 10.0, 1, 10))[0] == 0  # its own bucket


async def test_a_429_at_one_worker_pauses_the_others_sends_too(store) -> None:
    """The platform's 429 is about the whole bot: the worker that got it leaves the shared
    bucket in debt, and the other worker's next token comes only after the pause."""
    async with another_process(store) as other:
        told, other_worker = Pacer(100.0, store, "telegram"), Pacer(100.0, other, "telegram")
        assert await other_worker.take(1) == 1
        told.pause(0.5)
        await asyncio.gather(*told._pausing)
        began = time.monotonic()
        assert await other_worker.take(1) == 1
        assert time.monotonic() - began >= 0.45


async def test_two_workers_outboxes_share_one_broadcast_rate(start_app) -> None:
    """Two Applications (w1, w2) on one file deliver one broadcast at BROADCAST_RATE=40
    together: every person gets it once, both worked, and the sends of any second are at
    most 40 plus a burst of 2."""
    w1 = await start_app(worker_id="w1", broadcast_rate=40)
    w2 = await start_app(emulator=w1.emulator, worker_id="w2", broadcast_rate=40)
    admin = w1.user(user_id=ADMIN_ID)
    await admin.send("/start")
    crowd = await people(w1, 60)
    await compose(admin, "donors")
    await admin.click("✅")
    outboxes = [outbox_of(w1.application), outbox_of(w2.application)]
    await outboxes[0]._queue_broadcast_rows()
    w1.emulator.clear_calls()
    await asyncio.gather(*(outbox.drain() for outbox in outboxes))
    assert [received(p) for p in crowd] == [1] * 60
    assert all(outbox.sent > 5 for outbox in outboxes)
    sends = [(call.time, 1) for call in w1.emulator.calls_to("sendMessage")]
    assert most_in_any_window(sends, 1.0) <= 40 + 2 + 2  # + a send's own round trip


# -- one chat's updates one at a time across processes ------------------------------------------


def test_both_stores_offer_the_workers_protocol() -> None:
    import inspect

    for implementation in (WorkersRepository, PgStore):
        for name in (n for n in vars(Workers) if not n.startswith("_")):
            wanted = inspect.signature(getattr(Workers, name)).parameters
            actual = inspect.signature(getattr(implementation, name)).parameters
            assert list(actual.values()) == list(wanted.values()), name


def test_chat_keys_fit_the_advisory_locks_32_bits() -> None:
    for chat_id in (1, -1, 2**31, -(10**12) - 1234, 7_000_000_000, -1001234567890):
        assert -(2**31) <= _chat_key(chat_id) < 2**31
    assert _chat_key(5) != _chat_key(6)


@pytest.fixture
async def pg_workers(pg_dsn: str, tmp_path) -> AsyncIterator[list]:
    """Two workers of one bot on one PostgreSQL: each its own store (pool) and Application,
    one emulated platform; handling a text takes 0.3 s and is recorded."""
    emulator = BotApiEmulator()
    spans: list[tuple[str, int, float, float]] = []
    applications = []
    stores = []
    for worker in ("w1", "w2"):
        store = PgStore(pg_dsn, pool_size=4)
        await store.open()
        stores.append(store)

        async def slow(update: telegram.Update, context: object, worker: str = worker) -> None:
            began = time.monotonic()
            await asyncio.sleep(0.3)
            spans.append((worker, update.effective_chat.id, began, time.monotonic()))

        settings = make_settings(tmp_path, worker_id=worker)
        application = build_application(
            settings, request=emulator, store=store, owns_store=False,
            flows=[MessageHandler(filters.TEXT, slow)],
        )  # fmt: skip
        await application.initialize()
        applications.append(application)
    yield [emulator, applications, spans]
    for application in applications:
        await application.shutdown()
    for store in stores:
        await store.close()


async def handle(emulator: BotApiEmulator, application, user_id: int, text: str) -> None:
    """As PTB's update fetcher hands an update to the Application (webhook or polling):
    through its update processor, so the chat's turn is taken."""
    raw = emulator.make_message_update(EmulatedUserInfo(user_id, "Sara", "fa"), text)
    update = telegram.Update.de_json(raw, application.bot)
    await application.update_processor.process_update(update, application.process_update(update))


@pytest.mark.pg
async def test_one_chats_updates_take_turns_across_workers_and_chats_run_in_parallel(
    pg_workers,
) -> None:
    emulator, (w1, w2), spans = pg_workers
    sara, reza = 501, 502
    await asyncio.gather(
        handle(emulator, w1, sara, "1"), handle(emulator, w2, sara, "2"),
        handle(emulator, w1, reza, "3"), handle(emulator, w2, reza, "4"),
    )  # fmt: skip
    by_chat: dict[int, list[tuple[float, float, str]]] = {}
    for worker, chat_id, start, end in spans:
        by_chat.setdefault(chat_id, []).append((start, end, worker))
    for chat_id, handled in by_chat.items():
        (_, first_end, a), (second_start, _, b) = sorted(handled)
        assert {a, b} == {"w1", "w2"}, chat_id
        assert second_start >= first_end, chat_id  # one at a time across the two workers
    # Sara's and Reza's first updates were handled at the same time (their spans overlap).
    (sara_start, sara_end, _), (reza_start, reza_end, _) = min(by_chat[sara]), min(by_chat[reza])
    assert reza_start < sara_end
    assert sara_start < reza_end


@pytest.mark.pg
async def test_a_chats_updates_keep_their_order_across_workers(pg_workers) -> None:
    """Each update asks for its turn as it arrives, alternately at the two workers: the
    server hands turns out in the order asked, so they are handled in arrival order."""
    emulator, (w1, w2), spans = pg_workers
    tasks = []
    for number in range(4):
        application = (w1, w2)[number % 2]
        tasks.append(asyncio.create_task(handle(emulator, application, 777, str(number))))
        await asyncio.sleep(0.1)  # the next arrives while this one is handled or waits
    await asyncio.gather(*tasks)
    order = [worker for worker, _chat, _start, _end in sorted(spans, key=lambda s: s[2])]
    assert order == ["w1", "w2", "w1", "w2"]
    ends = sorted(spans, key=lambda s: s[2])
    assert all(later[2] >= earlier[3] for earlier, later in itertools.pairwise(ends))


@pytest.mark.pg
async def test_a_killed_worker_loses_its_turns_at_once(pg_dsn: str) -> None:
    """A worker that dies mid-update (its connections drop) releases its chat's turn: the
    other worker is not stuck behind it."""
    first = PgStore(pg_dsn, pool_size=2)
    await first.open()
    async with PgStore(pg_dsn, pool_size=2) as second:
        entered = asyncio.Event()

        async def hold() -> None:
            async with first.chat_turn("telegram", 9):
                entered.set()
                await asyncio.sleep(30)

        holder = asyncio.create_task(hold())
        await entered.wait()
        first._turns.terminate()  # type: ignore[union-attr]  # as a SIGKILL drops them
        async with asyncio.timeout(5):
            async with second.chat_turn("telegram", 9):
                pass
        holder.cancel()
        await asyncio.gather(holder, return_exceptions=True)
    await first.close()
