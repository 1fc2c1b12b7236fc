"""`hamdeli run` as deployed: a real process, real HTTP, long polling, against a local
Telegram-compatible Bot API server on 127.0.0.1 (the emulator served over HTTP)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from bot.emulator import BotApiEmulator, EmulatedUserInfo, serve_http
from bot.i18n import translator

TOKEN = "123456:run-over-http-token-abcdefghijklmnop"


async def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_hamdeli_run_answers_start_over_http_with_polling(tmp_path) -> None:
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"ADMIN_IDS", "PLATFORM"}},
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": f"http://127.0.0.1:{emulator.http_port}/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await wait_for(lambda: emulator.calls_to("getUpdates"))
        sara = EmulatedUserInfo(id=4242, first_name="Sara", language_code="fa")
        emulator.push_update(emulator.make_message_update(sara, "/start"))
        await wait_for(lambda: emulator.messages_in(sara.id))
        assert translator("fa")("welcome") in emulator.messages_in(sara.id)[-1].text
        assert emulator.calls_to("setMyCommands"), "commands are registered at start"
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        server.close()
        await server.wait_closed()
    log = stderr.decode()
    assert "Traceback" not in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    assert "Sara" not in log  # PTB logs whole updates at DEBUG: names are redacted
