"""Running the `hamdeli` command in a subprocess, as an operator would."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import BotApiEmulator, serve_http

# Settings a developer may have exported that must not leak into a test's process.
PRIVATE_SETTINGS = {"BOT_TOKEN", "ADMIN_IDS", "PLATFORM", "DATABASE_URL"}


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


@asynccontextmanager
async def bot_over_http(cwd: Path, token: str, **env: str) -> AsyncIterator[RunningBot]:
    """Start the emulator's HTTP server and a real bot process against it; stop both."""
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd,
        env=clean_env(BOT_TOKEN=token,
                      BOT_API_BASE_URL=f"http://127.0.0.1:{emulator.http_port}/bot", **env),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    running = RunningBot(emulator)
    try:
        yield running
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        running.log.append(stderr.decode())
        server.close()
        await server.wait_closed()
