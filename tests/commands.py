"""Running the `hamdeli` command in a subprocess, as an operator would."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import BotApiEmulator, EmulatedUserInfo, SentMessage, serve_http

# Settings a developer may have exported that must not leak into a test's process.
PRIVATE_SETTINGS = {
    "BOT_TOKEN", "ADMIN_IDS", "PLATFORM", "DATABASE_URL", "TELEGRAM_BOT_TOKEN", "BALE_BOT_TOKEN",
    "WEBHOOK_URL", "WEBHOOK_SECRET", "LISTEN",
}  # fmt: skip


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in PRIVATE_SETTINGS}
    return {**kept, "PYTHONIOENCODING": "utf-8", **env}


def hamdeli(
    *args: str, cwd: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@dataclass
class RunningBot:
    """`hamdeli run` in its own process, talking HTTP to the emulator on 127.0.0.1."""

    emulator: BotApiEmulator
    log: list[str] = field(default_factory=list)  # its stderr, once it has stopped


async def start_bot_process(
    emulator: BotApiEmulator, cwd: Path, token: str, **env: str
) -> asyncio.subprocess.Process:
    """`hamdeli run` in its own process, pointed at the emulator's HTTP server."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd,
        env=clean_env(**{"BOT_TOKEN": token, "LISTEN": "127.0.0.1:0",
                         "BOT_API_BASE_URL": f"http://127.0.0.1:{emulator.http_port}/bot",
                         **env}),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


async def stop_bot_process(process: asyncio.subprocess.Process) -> str:
    """Stop it as an operator would (SIGTERM) and return what it logged."""
    if process.returncode is None:
        process.terminate()
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    return stderr.decode()


@asynccontextmanager
async def bot_over_http(cwd: Path, token: str, **env: str) -> AsyncIterator[RunningBot]:
    """Start the emulator's HTTP server and a real bot process against it; stop both."""
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    process = await start_bot_process(emulator, cwd, token, **env)
    running = RunningBot(emulator)
    try:
        yield running
    finally:
        running.log.append(await stop_bot_process(process))
        server.close()
        await server.wait_closed()


class Person:
    """Someone clicking and typing through the emulator while the bot runs elsewhere."""

    def __init__(self, emulator: BotApiEmulator, user_id: int, name: str = "Donya") -> None:
        self.emulator = emulator
        self.info = EmulatedUserInfo(id=user_id, first_name=name, language_code="fa")

    async def _wait_for_change(self, push, seconds: float = 20) -> str:
        mark = self.emulator.change_mark()
        push()
        return await self.wait_for_message(mark, seconds)

    async def wait_for_message(self, mark: int, seconds: float = 20) -> str:
        """The text of the latest message the bot sent or edited in this chat after `mark`."""
        deadline = time.monotonic() + seconds
        while not self.emulator.changed_since(self.info.id, mark):
            assert time.monotonic() < deadline, "the bot did not answer"
            await asyncio.sleep(0.02)
        return self.emulator.changed_since(self.info.id, mark)[-1].text

    async def send(self, text: str, *, until: str | None = None, seconds: float = 20) -> str:
        """Type `text`; the latest answer, or (with `until`) every message the bot sent or
        edited since, once one contains `until`: a screen may come in several messages."""
        update = self.emulator.make_message_update(self.info, text)
        if until is None:
            return await self._wait_for_change(lambda: self.emulator.push_update(update), seconds)
        mark = self.emulator.change_mark()
        self.emulator.push_update(update)
        deadline = time.monotonic() + seconds
        while True:
            texts = [m.text or "" for m in self.emulator.changed_since(self.info.id, mark)]
            if any(until in t for t in texts):
                return "\n".join(texts)
            assert time.monotonic() < deadline, f"no answer containing {until!r}: {texts}"
            await asyncio.sleep(0.02)

    async def share_contact(self, phone: str, user_id: int | None) -> str:
        contact = {"phone_number": phone, "first_name": self.info.first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        update = self.emulator.make_message_update(self.info, contact=contact)
        return await self._wait_for_change(lambda: self.emulator.push_update(update))

    async def click(self, label: str, seconds: float = 20) -> str:
        """Press the latest button labelled `label`, waiting for it to appear: a screen may
        come in several messages, and the bot runs in another process."""
        deadline = time.monotonic() + seconds
        while (message := self._latest_with(label)) is None:
            assert time.monotonic() < deadline, f"no button {label!r} appeared"
            await asyncio.sleep(0.02)
        update = self.emulator.make_callback_update(self.info, message, message.button_data(label))
        return await self._wait_for_change(lambda: self.emulator.push_update(update), seconds)

    def _latest_with(self, label: str) -> SentMessage | None:
        return next(
            (m for m in reversed(self.emulator.messages_in(self.info.id))
             if any(label in row for row in m.buttons)),
            None,
        )  # fmt: skip


def migrated(path: Path) -> Path:
    """A database file created and migrated, as `hamdeli migrate` leaves it: every command
    but `run` and `migrate` refuses a database that does not exist.

    Runs in its own thread and event loop, so sync and async tests alike can call it."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.storage import Store

    async def create() -> None:
        async with Store(path):
            pass

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, create()).result()
    return path


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; closed again at once)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_service_process(cwd: Path, **env: str) -> asyncio.subprocess.Process:
    """`hamdeli run` with exactly the settings given (per-platform names and all)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=clean_env(**env),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
