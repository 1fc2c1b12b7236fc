"""Pull the plug in the middle of an announcement: after a restart the rest get it, and
nobody gets it twice. A real `hamdeli run` process over HTTP, killed with SIGKILL right
after the emulator counted the K-th delivered announcement (not after a sleep)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter

from bot.emulator import ApiCall, BotApiEmulator, serve_http
from bot.i18n import translator
from tests.commands import Person, hamdeli, start_bot_process, stop_bot_process

fa = translator("fa")
TOKEN = "123456:kill-test-token-abcdefghijklmnopq"
ADMIN = 900_001
RECIPIENTS = 300
KILL_AFTER = 100
FIRST_ID = 8_000_000
TEXT = "اطلاعیهٔ آزمون قطع برق"


def add_donors(database: str) -> None:
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO users (platform, user_id, chat_id, persona, language, first_seen, "
            "last_seen) VALUES ('telegram', ?, ?, 'donor', 'fa', 0, 0)",
            [(FIRST_ID + i, FIRST_ID + i) for i in range(RECIPIENTS)],
        )


def outbox_statuses(database: str) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT status, count(*) FROM outbox WHERE broadcast_id IS NOT NULL GROUP BY status"
        )
        return dict(rows.fetchall())


async def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_bot_killed_mid_broadcast_finishes_after_restart_and_nobody_gets_it_twice(
    tmp_path,
) -> None:
    database = tmp_path / "kill.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "ADMIN_IDS": str(ADMIN),
           "BROADCAST_RATE": "150"}  # fmt: skip
    assert hamdeli("migrate", cwd=tmp_path, **env).returncode == 0
    add_donors(str(database))
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    delivered: Counter[int] = Counter()

    def count_and_kill(call: ApiCall) -> None:
        chat_id = int(call.params.get("chat_id", 0))
        if call.method == "sendMessage" and chat_id >= FIRST_ID:
            delivered[chat_id] += 1
            if sum(delivered.values()) == KILL_AFTER:
                first.kill()  # SIGKILL: no shutdown, no last commit

    emulator.observe(count_and_kill)
    first = await start_bot_process(emulator, tmp_path, TOKEN, **env)
    try:
        admin = Person(emulator, ADMIN, "Reza")
        await admin.send("/broadcast")
        await admin.send(TEXT)
        await admin.click(fa("broadcast-audience-donors"))
        await admin.click(fa("broadcast-send-button", count=RECIPIENTS))
        await asyncio.wait_for(first.wait(), timeout=60)
        assert first.returncode == -9
        assert sum(delivered.values()) < RECIPIENTS, "killed too late to test anything"
        second = await start_bot_process(emulator, tmp_path, TOKEN, **env)
        try:
            await wait_for(lambda: "pending" not in outbox_statuses(str(database))
                           and "sending" not in outbox_statuses(str(database)))  # fmt: skip
        finally:
            log = await stop_bot_process(second)
    finally:
        server.close()
        await server.wait_closed()
    statuses = outbox_statuses(str(database))
    assert max(delivered.values()) == 1, "someone got the announcement twice"
    assert statuses.get("sent", 0) + statuses.get("unknown", 0) == RECIPIENTS
    assert len(delivered) >= statuses["sent"]  # every row marked sent arrived
    missing = RECIPIENTS - len(delivered)  # only sends cut off by the kill may be missing
    assert missing <= statuses.get("unknown", 0)
    assert "Traceback" not in log
