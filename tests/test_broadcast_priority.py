"""A big announcement never makes people wait: replies stay fast while 10,000 are sent."""

from __future__ import annotations

import asyncio
import time

from bot.delivery import outbox_of
from bot.i18n import translator
from bot.models import BroadcastStatus
from tests.conftest import ADMIN_ID

fa = translator("fa")
RECIPIENTS = 10_000
TEST_RATE = 2_500  # per second: high enough to keep CI fast, low enough to pace
FIRST_ID = 7_000_000


async def add_donors(store, count: int) -> None:
    """Many people at once (test setup: one transaction instead of 10,000 first visits)."""
    await store._write(  # one statement both backends speak: numbers from a recursive CTE
        "INSERT INTO users (platform, user_id, chat_id, persona, language, first_seen, "
        "last_seen) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
        "WHERE i + 1 < ?) SELECT 'telegram', ? + i, ? + i, 'donor', 'fa', 0, 0 FROM n",
        (count, FIRST_ID, FIRST_ID),
    )


async def test_replies_stay_within_a_second_during_a_10000_person_broadcast(start_app) -> None:
    chat = await start_app(broadcast_rate=TEST_RATE)
    await add_donors(chat.store, RECIPIENTS)
    admin, sara = chat.user(user_id=ADMIN_ID), chat.user()
    await sara.send("/start")
    await admin.send("/broadcast")
    await admin.send("اطلاعیهٔ بزرگ")
    await admin.click(fa("broadcast-audience-donors"))
    await admin.click("✅")
    outbox = outbox_of(chat.application)
    sending = asyncio.create_task(outbox.run())
    latencies: list[float] = []
    while (await chat.store.broadcast(1)).status is BroadcastStatus.RUNNING:
        started = time.perf_counter()
        await sara.send("/menu")
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)
    await outbox.stop()
    await sending
    broadcast = await chat.store.broadcast(1)
    assert (broadcast.status, broadcast.sent) == (BroadcastStatus.DONE, RECIPIENTS)
    assert len(latencies) >= 20, "the broadcast ended before replies could be measured"
    assert max(latencies) < 1.0, f"slowest reply {max(latencies):.2f}s"
    sent_to = [call.params["chat_id"] for call in chat.emulator.calls_to("sendMessage")]
    announced = [chat_id for chat_id in sent_to if chat_id >= FIRST_ID]
    assert len(announced) == len(set(announced)) == RECIPIENTS  # each exactly once
