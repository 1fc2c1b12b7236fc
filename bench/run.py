"""`make bench`: Hamdeli's update throughput against a bare PTB echo, in one run.

Both bots run the same way: updates built from Bot API JSON, decoded as polling decodes a
`getUpdates` answer (by the bot's own request layer, then `Update.de_list`), fed one at a
time through `Application.process_update`, every outgoing call answered by the in-process
emulator.
Machines here are shared and noisy, so the result that counts is the ratio of the two
measured back to back (best of several rounds each), plus the cold start of a real
`hamdeli run` process against the emulator served over HTTP.

    python bench/run.py [--updates 20000] [--users 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bot.app import build_application
from bot.callbacks import Button
from bot.config import Settings
from bot.emulator import BotApiEmulator, EmulatedUserInfo, serve_http
from bot.models import NeedCategory, NeedDraft, NeedKind, Persona

DONOR_BUTTON = Button.ROLE(Persona.DONOR)


def _polled(application: Application, data: dict) -> Update:
    """`data` as `run_polling` hands it to the bot: the JSON of a `getUpdates` answer,
    decoded by the bot's request layer (PTB's own for the echo, `PlatformRequest` for
    Hamdeli; the getUpdates request is of the same kind as `bot.request`), then parsed."""
    payload = json.dumps({"ok": True, "result": [data]}).encode()
    result = application.bot.request.parse_json_payload(payload)["result"]
    return Update.de_list(result, application.bot)[0]


async def _echo(update: Update, context: object) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


def _bare_echo(emulator: BotApiEmulator) -> Application:
    application = (
        ApplicationBuilder()
        .token("1:bench")
        .request(emulator)
        .get_updates_request(emulator)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    return application


async def _drive_echo(
    application: Application, emulator: BotApiEmulator, users: list[EmulatedUserInfo], updates: int
) -> None:
    for i in range(updates):
        data = emulator.make_message_update(users[i % len(users)], "hello")
        await application.process_update(_polled(application, data))


async def _drive_hamdeli(
    application: Application, emulator: BotApiEmulator, users: list[EmulatedUserInfo], updates: int
) -> None:
    """Each person alternates /start and the "I want to help" button on the welcome."""
    for i in range(updates):
        user = users[(i // 2) % len(users)]
        if i % 2 == 0:
            data = emulator.make_message_update(user, "/start")
        else:
            welcome = emulator.last_message_in(user.id, snapshot=False)
            data = emulator.make_callback_update(user, welcome, DONOR_BUTTON)
        await application.process_update(_polled(application, data))


async def _seed_browse(
    application: Application, emulator: BotApiEmulator, users: list[EmulatedUserInfo]
) -> list[str]:
    """200 open needs in Tehran, every person past /start: returns the browse loop's buttons
    (provinces, Tehran's cities, two pages of Tehran's needs)."""
    store = application.services.store
    province = next(p for p in await store.provinces() if p.name_en == "Tehran")
    city = province.cities[0]
    categories = list(NeedCategory)
    drafts = [
        NeedDraft(
            city_id=city.id, province_id=province.id, category=categories[n % len(categories)],
            kind=NeedKind.MONEY, target=(n + 1) * 1_000_000, external_id=f"b{n}",
            description_fa="bench need", urgent=n % 10 == 0,
        )
        for n in range(200)
    ]  # fmt: skip
    await store.upsert_needs(drafts, now=0)
    for user in users:
        data = emulator.make_message_update(user, "/start")
        await application.process_update(_polled(application, data))
    return [
        Button.PROVINCES(),
        Button.CITIES(province.id),
        Button.CITY_PAGE(city.id, "all", 0),
        Button.CITY_PAGE(city.id, "all", 1),
    ]


async def _drive_browse(
    application: Application,
    emulator: BotApiEmulator,
    users: list[EmulatedUserInfo],
    updates: int,
    steps: list[str],
) -> None:
    """Each person presses the next browse button on the message the bot last showed them."""
    for i in range(updates):
        user = users[i % len(users)]
        step = steps[(i // len(users)) % len(steps)]
        data = emulator.make_callback_update(
            user, emulator.last_message_in(user.id, snapshot=False), step
        )
        await application.process_update(_polled(application, data))


async def _timed(
    build: Callable[[BotApiEmulator], Application],
    drive: Callable,
    updates: int,
    users: int,
    prepare: Callable | None = None,
) -> float:
    """Updates per second for one fresh application (`prepare` runs before the clock)."""
    emulator = BotApiEmulator()
    application = build(emulator)
    people = [
        EmulatedUserInfo(id=10_000 + n, first_name="U", language_code="fa") for n in range(users)
    ]
    await application.initialize()
    try:
        extra = [await prepare(application, emulator, people)] if prepare else []
        started = time.perf_counter()
        await drive(application, emulator, people, updates, *extra)
        elapsed = time.perf_counter() - started
    finally:
        await application.shutdown()
    return updates / elapsed


async def throughput(updates: int, users: int, rounds: int) -> tuple[float, float, float]:
    """Best of `rounds` for the echo, the /start flow and donor browsing, interleaved."""
    folder = Path(tempfile.mkdtemp(prefix="hamdeli-bench-"))
    best = [0.0, 0.0, 0.0]
    for n in range(rounds):
        # The rate limiter would cap Hamdeli at Telegram's 30 messages/s; the bench measures
        # processing cost, so it is lifted (the echo bot has none at all).
        def hamdeli(emulator: BotApiEmulator, name: str = f"bench{n}") -> Application:
            settings = Settings(database_url=f"sqlite:///{folder / name}.db",
                                rate_limit_per_second=1e9, _env_file=None)  # fmt: skip
            return build_application(settings, request=emulator)

        runs = [
            await _timed(_bare_echo, _drive_echo, updates, users),
            await _timed(hamdeli, _drive_hamdeli, updates, users),
            await _timed(lambda emu, name=f"browse{n}": hamdeli(emu, name), _drive_browse,
                         updates, users, _seed_browse),
        ]  # fmt: skip
        best = [max(b, r) for b, r in zip(best, runs, strict=True)]
    return best[0], best[1], best[2]


async def cold_start() -> float:
    """Seconds from starting `hamdeli run` to its first getUpdates, over real HTTP."""
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    folder = tempfile.mkdtemp(prefix="hamdeli-cold-")
    env = {
        **os.environ,
        "BOT_TOKEN": "123456:cold-start-token-abcdefghijklmnop",
        "BOT_API_BASE_URL": f"http://127.0.0.1:{emulator.http_port}/bot",
        "DATABASE_URL": f"sqlite:///{folder}/cold.db",
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: ASYNC220 - the clock starts before the process does
        [sys.executable, "-m", "bot", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not emulator.calls_to("getUpdates"):
            if process.poll() is not None or time.perf_counter() - started > 60:
                raise RuntimeError("hamdeli run did not start polling")
            await asyncio.sleep(0.005)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
        server.close()
        await server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    echo, hamdeli, browsing = asyncio.run(throughput(args.updates, args.users, args.rounds))
    startup = asyncio.run(cold_start())
    print(f"updates per run: {args.updates:,} from {args.users:,} people, best of {args.rounds}")
    print(f"bare PTB echo:          {echo:8,.0f} updates/s")
    print(f"Hamdeli /start -> menu: {hamdeli:8,.0f} updates/s")
    print(f"ratio Hamdeli/echo:     {hamdeli / echo:8.2f}  (goal >= 0.60)")
    print(f"Hamdeli donor browsing: {browsing:8,.0f} updates/s")
    print(f"ratio browsing/echo:    {browsing / echo:8.2f}  (goal >= 0.60; pages of 5 cards)")
    print(f"cold start (process start -> first getUpdates): {startup:.2f} s")


if __name__ == "__main__":
    main()
