"""Broadcast benches: sending to 100,000 at a 1,000/s limit, and queueing for 1,000,000.

`send`: a migrated store with N donors, a broadcast to all of them, and the real outbox
(`bot.delivery.Outbox`, the real Application and ExtBot) sending through a Bot API sink that
answers every sendMessage at once and keeps nothing (the emulator records every message,
which at 100,000 would measure the emulator, not us). Goals: the achieved rate is at least
95 % of BROADCAST_RATE, and the process's peak RSS stays under 150 MB.

`build`: the time and peak memory to queue the outbox rows of a broadcast to M people, in
the outbox's own short transactions, next to one plain `INSERT … SELECT` in sqlite3.

Each part runs in its own process, so peak RSS is that part's alone.

    python bench/broadcast.py [--recipients 100000] [--rate 1000] [--build 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.config import Settings
from bot.delivery import Outbox
from bot.domain import broadcasts
from bot.domain.broadcasts import QUEUE_CHUNK_USERS, Draft
from bot.models import Audience
from bot.storage import Store

ADMIN = 10**12  # the sender: an admin, not one of the numbered donors
GOAL_RATE_SHARE = 0.95
GOAL_RSS_MB = 150


class Sink(BaseRequest):
    """A Bot API that says yes to everything, at once, and remembers only how many."""

    def __init__(self) -> None:
        self.sent = 0
        self.first_at = self.last_at = 0.0

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "Hamdeli", "username": "h_bot"}
        elif endpoint == "sendMessage":
            now = time.perf_counter()
            self.first_at = self.first_at or now
            self.last_at, self.sent = now, self.sent + 1
            chat = request_data.parameters["chat_id"] if request_data else 0
            result = {"message_id": self.sent, "date": 0, "chat": {"id": chat, "type": "private"}}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def add_donors(path: Path, count: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO users (platform, user_id, chat_id, persona, staff_role, language, "
        "first_seen, last_seen) VALUES ('telegram', ?, ?, 'donor', ?, 'fa', 0, 0)",
        ((n, n, "admin" if n == ADMIN else "none") for n in (*range(1, count), ADMIN)),
    )
    db.execute("COMMIT")
    db.close()


async def start_broadcast(store: Store) -> None:
    admin = await store.account("telegram", ADMIN)
    await broadcasts.start(store, admin, Draft("اطلاعیه", audience=Audience.EVERYONE),
                           chat_id=ADMIN, token="bench-token-1", now=int(time.time()))  # fmt: skip


async def send(recipients: int, rate: float) -> dict[str, float]:
    directory = Path(tempfile.mkdtemp(prefix="hamdeli-bench-"))
    async with Store(directory / "b.db"):
        pass  # migrate
    add_donors(directory / "b.db", recipients)
    settings = Settings(database_url=f"sqlite:///{directory / 'b.db'}", broadcast_rate=rate,
                        _env_file=None)  # type: ignore[call-arg]  # fmt: skip
    sink = Sink()
    application = build_application(settings, request=sink)
    await application.initialize()
    try:
        await start_broadcast(application.services.store)
        cpu = time.process_time()
        await Outbox(application).drain()
        cpu = time.process_time() - cpu
    finally:
        await application.shutdown()
    elapsed = sink.last_at - sink.first_at
    return {
        "sent": sink.sent,
        "rate": (sink.sent - 1) / elapsed if elapsed else 0.0,
        "cpu_us_per_send": cpu / max(1, sink.sent) * 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def build(people: int) -> dict[str, float]:
    directory = Path(tempfile.mkdtemp(prefix="hamdeli-bench-"))
    path = directory / "b.db"
    async with Store(path):
        pass
    add_donors(path, people)
    async with Store(path) as store:
        await start_broadcast(store)
        started = time.perf_counter()
        chunks = 1
        while await store.queue_broadcast_chunk(1, QUEUE_CHUNK_USERS):
            chunks += 1
        ours = time.perf_counter() - started
        rows = (await store.broadcast(1)).total
    plain = sqlite3.connect(path, isolation_level=None)
    plain.execute("DELETE FROM outbox")
    started = time.perf_counter()
    plain.execute("INSERT INTO outbox (platform, user_id, broadcast_id, due_at, created_at) "
                  "SELECT platform, user_id, 1, 0, 0 FROM users")  # fmt: skip
    baseline = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": ours,
        "chunks": chunks,
        "plain_insert_seconds": baseline,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def part(*args: str) -> dict[str, float]:
    """Run one part in a fresh process and read its JSON result."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=1_000)
    parser.add_argument("--build", type=int, default=1_000_000)
    parser.add_argument("--part", choices=["send", "build"])
    args = parser.parse_args()
    if args.part == "send":
        print(json.dumps(asyncio.run(send(args.recipients, args.rate))))
        return 0
    if args.part == "build":
        print(json.dumps(asyncio.run(build(args.build))))
        return 0
    sent = part("--part", "send", "--recipients", str(args.recipients), "--rate", str(args.rate))
    share = sent["rate"] / args.rate
    print(f"broadcast to {sent['sent']:,} at BROADCAST_RATE={args.rate:,.0f}/s: "
          f"{sent['rate']:,.0f}/s achieved ({share:.1%}, goal {GOAL_RATE_SHARE:.0%}), "
          f"{sent['cpu_us_per_send']:.0f} µs CPU per send, peak RSS {sent['peak_rss_mb']:.0f} MB "
          f"(goal < {GOAL_RSS_MB} MB)")  # fmt: skip
    built = part("--part", "build", "--build", str(args.build))
    print(f"queueing a broadcast to {built['rows']:,.0f}: {built['seconds']:.1f} s in "
          f"{built['chunks']:.0f} transactions, peak RSS {built['peak_rss_mb']:.0f} MB "
          f"(one plain INSERT…SELECT: {built['plain_insert_seconds']:.1f} s)")  # fmt: skip
    ok = share >= GOAL_RATE_SHARE and sent["peak_rss_mb"] < GOAL_RSS_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
