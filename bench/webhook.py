"""`make bench`: updates per second through the webhook over loopback HTTP, Hamdeli next to
a bare PTB webhook echo in the same run; and both again through long polling.

Every bot under test is a process of its own: a real `hamdeli run`, or bench/echo_bot.py
(PTB's custom-webhook pattern as bot/web.py uses it). This process is the platform: the
emulator served over HTTP is the Bot API both bots call, and a bounded client POSTs update
JSON to the webhook over 40 connections at once, as Telegram does (its default
`max_connections`; the emulator's own delivery is one POST at a time, which would measure
loopback latency rather than the bot). For polling, the same updates are queued in the
emulator all at once and the bot fetches them with getUpdates.

The clock starts when the first update is sent and stops when the emulator has answered
the last reply (one sendMessage per update: the echo, or Hamdeli's welcome to /start).
Each run is a fresh process on a fresh database, warmed with a few updates first. Machines
here are shared and noisy, so what counts is the ratio of runs measured back to back, best
of several rounds each.

    python bench/webhook.py [--updates 1500] [--users 150] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from bot.emulator import SECRET_HEADER, ApiCall, BotApiEmulator, EmulatedUserInfo, serve_http

TOKEN = "123456:bench-webhook-token-abcdefghijklmnop"
SECRET = "bench_webhook_secret"
CONNECTIONS = 40  # Telegram's default max_connections for a webhook
WARMUP = 20  # updates (from people not measured) before the clock starts
START_SECONDS = 60  # a process that is not taking updates by then has failed
ECHO_BOT = Path(__file__).with_name("echo_bot.py")
# Only what a Python process needs from ours: a developer's .env-style variables
# (BOT_TOKEN, PLATFORM...) must not change what is measured.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")

Mode = Literal["webhook", "polling"]


@dataclass(frozen=True)
class Target:
    """One system under test: which bot, fed how, and what each person sends it."""

    bot: Literal["echo", "echo-ptb-defaults", "hamdeli"]
    mode: Mode
    text: str

    @property
    def label(self) -> str:
        return f"{self.bot} {self.mode}"


TARGETS = tuple(
    Target(bot, mode, "/start" if bot == "hamdeli" else "hello")
    for mode in ("webhook", "polling")
    for bot in ("echo", "hamdeli", "echo-ptb-defaults")
)
ROWS = {
    "echo": "bare PTB echo",
    "hamdeli": "Hamdeli /start",
    "echo-ptb-defaults": "echo, PTB's defaults",
}


def free_port() -> int:
    """A port nothing listens on now (the bot binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(folder: Path) -> str:
    """The store of one measured `hamdeli run`: a fresh SQLite file. The place for a
    `--backend postgres` (bench/backends.py gives a fresh database) once `hamdeli run`
    accepts DATABASE_URL=postgresql://."""
    return f"sqlite:///{folder / 'hamdeli.db'}"


def command(target: Target, api_port: int, port: int, folder: Path) -> tuple[list[str], dict]:
    """argv and environment of the bot process; it answers webhooks on `port`."""
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    if target.bot != "hamdeli":
        argv = [sys.executable, str(ECHO_BOT), target.mode,
                "--api", f"http://127.0.0.1:{api_port}/bot", "--listen", f"127.0.0.1:{port}",
                "--url", f"http://127.0.0.1:{port}", "--secret", SECRET]  # fmt: skip
        return argv + ["--ptb-defaults"] * (target.bot == "echo-ptb-defaults"), env
    env |= {
        "DATABASE_URL": database_url(folder),
        "LOG_LEVEL": "WARNING",
        # Telegram's 30 messages/s would cap the run; the bench measures processing cost.
        "RATE_LIMIT_PER_SECOND": "1000000000",
    }
    if target.mode == "webhook":
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BOT_API_BASE_URL": f"http://127.0.0.1:{api_port}/telegram/bot",
            "WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "WEBHOOK_SECRET": SECRET,
            "LISTEN": f"127.0.0.1:{port}",
        }
    else:
        env |= {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": f"http://127.0.0.1:{api_port}/bot"}
    return [sys.executable, "-m", "bot", "run"], env


class Replies:
    """Counts the bot's sendMessage calls as the emulator answers them."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.count = 0
        self._target = 0
        self._reached = asyncio.Event()
        emulator.observe(self._seen)

    def _seen(self, call: ApiCall) -> None:
        if call.method == "sendMessage":
            self.count += 1
            if self.count >= self._target:
                self._reached.set()

    async def reach(self, target: int, seconds: float) -> None:
        """Until `target` replies in all; TimeoutError after `seconds`."""
        self._target = target
        if self.count < target:
            self._reached.clear()
            await asyncio.wait_for(self._reached.wait(), seconds)


class BotProcess:
    """The bot under test as a child process, its stderr kept in a file for errors."""

    def __init__(self, target: Target, api_port: int, folder: Path) -> None:
        self.target = target
        self.port = free_port()
        self.argv, self.env = command(target, api_port, self.port, folder)
        self.folder = folder
        self.log = folder / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, cwd=self.folder,  # cwd: no .env is read
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def failure(self, what: str) -> RuntimeError:
        """An error naming the target, with the end of the bot's log."""
        tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        return RuntimeError(f"{self.target.label}: {what}\n--- bot log ---\n{tail}")

    async def until(self, condition: Callable[[], Awaitable[bool]], what: str) -> None:
        """Poll `condition` until true; fails if the process exits or START_SECONDS pass."""
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        while not await condition():
            if self.process.returncode is not None:
                raise self.failure(f"exited ({self.process.returncode}) before {what}")
            if time.monotonic() > deadline:
                raise self.failure(f"no {what} after {START_SECONDS} s")
            await asyncio.sleep(0.02)


class Platform:
    """The platform's side of one run: the emulator over HTTP and the webhook client."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.replies = Replies(emulator)
        self.people = 10_000

    def updates(self, users: int, count: int, text: str) -> list[dict]:
        """`count` message updates from `users` new people in turn."""
        people = [
            EmulatedUserInfo(id=self.people + n, first_name="U", language_code="fa")
            for n in range(users)
        ]
        self.people += users
        return [self.emulator.make_message_update(people[i % users], text) for i in range(count)]

    async def ready(self, bot: BotProcess) -> None:
        """Until the bot takes updates: it asked for them (setWebhook or getUpdates), and
        in webhook mode its server answers /healthz."""
        if bot.target.mode == "polling":

            async def polling() -> bool:
                return bool(self.emulator.calls_to("getUpdates"))

            await bot.until(polling, "getUpdates")
            return

        async def serving() -> bool:
            if not self.emulator.webhook_url:
                return False
            try:
                connection = await Connection.open(bot.port)
            except OSError:
                return False
            try:
                return await connection.request("GET", "/healthz") == 200
            finally:
                await connection.close()

        await bot.until(serving, "setWebhook and /healthz")

    async def send(self, mode: Mode, updates: list[dict]) -> None:
        """Hand `updates` to the bot as the platform would in `mode`."""
        if mode == "polling":
            for update in updates:
                self.emulator.push_update(update)
            return
        url = urlsplit(self.emulator.webhook_url or "")
        assert url.port is not None
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        bodies = iter([json.dumps(update).encode() for update in updates])

        async def connection() -> None:
            connection = await Connection.open(url.port or 0)
            try:
                for body in bodies:  # one shared iterator: each body is posted once
                    status = await connection.request("POST", url.path, body, headers)
                    if status != 200:
                        raise RuntimeError(f"the webhook answered {status}")
            finally:
                await connection.close()

        await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))


class Connection:
    """One keep-alive HTTP/1.1 connection of the load generator, as lean as wrk's: httpx
    here would cost this process more CPU per request than the echo bot spends, and on
    two cores the generator would slow down the bot it measures."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def request(
        self, verb: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> int:
        """Send one request, read its whole answer; returns the status code."""
        head = f"{verb} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self.writer.write(head.encode("latin-1") + b"\r\n" + body)
        status_line = await self.reader.readline()
        length = None
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"an answer without Content-Length: {status_line!r}")
        await self.reader.readexactly(length)
        return int(status_line.split()[1])

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


async def measure(target: Target, updates: int, users: int) -> float:
    """Updates per second for one fresh bot process fed `updates` from `users` people."""
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    folder = Path(tempfile.mkdtemp(prefix="hamdeli-webhook-bench-"))
    bot = BotProcess(target, emulator.http_port or 0, folder)
    try:
        platform = Platform(emulator)
        await bot.start()
        await platform.ready(bot)
        warmup = platform.updates(WARMUP, WARMUP, target.text)
        measured = platform.updates(users, updates, target.text)
        await _timed_send(bot, platform, warmup)
        return updates / await _timed_send(bot, platform, measured)
    finally:
        await bot.stop()
        server.close()
        await server.wait_closed()


async def _timed_send(bot: BotProcess, platform: Platform, updates: list[dict]) -> float:
    """Seconds from the first update sent to the last reply answered."""
    wanted = platform.replies.count + len(updates)
    started = time.perf_counter()
    try:
        await asyncio.gather(
            platform.send(bot.target.mode, updates),
            platform.replies.reach(wanted, seconds=max(60.0, len(updates) / 20)),
        )
    except TimeoutError:
        got = len(updates) - (wanted - platform.replies.count)
        raise bot.failure(f"only {got} of {len(updates)} replies") from None
    elapsed = time.perf_counter() - started
    if platform.replies.count != wanted:  # an update handled twice (a getUpdates retried)
        raise bot.failure(f"{platform.replies.count - wanted} replies more than updates")
    return elapsed


async def bench(updates: int, users: int, rounds: int) -> dict[Target, float]:
    """Best of `rounds` for every target, the targets interleaved within each round."""
    best = dict.fromkeys(TARGETS, 0.0)
    for _ in range(rounds):
        for target in TARGETS:
            best[target] = max(best[target], await measure(target, updates, users))
    return best


def report(best: dict[Target, float], updates: int, users: int, rounds: int) -> str:
    by = {(t.bot, t.mode): rate for t, rate in best.items()}
    lines = [
        f"updates per run: {updates:,} from {users:,} people, best of {rounds}; "
        f"webhook POSTs over {CONNECTIONS} connections",
        f"{'':26}{'webhook':>10}  {'polling':>10}",
    ]
    for bot, name in ROWS.items():
        rates = [by[(bot, mode)] for mode in ("webhook", "polling")]
        note = "  (1 update at a time)" if bot == "echo-ptb-defaults" else ""
        lines.append(f"{name + ':':26}{rates[0]:10,.0f}  {rates[1]:10,.0f}  updates/s{note}")
    ratios = [by[("hamdeli", mode)] / by[("echo", mode)] for mode in ("webhook", "polling")]
    lines.append(f"{'ratio Hamdeli/echo:':26}{ratios[0]:10.2f}  {ratios[1]:10.2f}  (goal >= 0.60)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1_500)
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best = asyncio.run(bench(args.updates, args.users, args.rounds))
    print(report(best, args.updates, args.users, args.rounds))


if __name__ == "__main__":
    main()
