"""`hamdeli run` as deployed: a real process, real HTTP, long polling, against a local
Telegram-compatible Bot API server on 127.0.0.1 (the emulator served over HTTP)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import BotApiEmulator, EmulatedUserInfo, serve_http
from bot.i18n import translator
from tests.commands import bot_over_http, start_bot_process

TOKEN = "123456:run-over-http-token-abcdefghijklmnop"


async def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_hamdeli_run_answers_start_over_http_with_polling(tmp_path) -> None:
    database = f"sqlite:///{tmp_path / 'run.db'}"
    async with bot_over_http(tmp_path, TOKEN, DATABASE_URL=database, LOG_LEVEL="DEBUG") as bot:
        emulator = bot.emulator
        await wait_for(lambda: emulator.calls_to("getUpdates"))
        sara = EmulatedUserInfo(id=4242, first_name="Sara", language_code="fa")
        emulator.push_update(emulator.make_message_update(sara, "/start"))
        await wait_for(lambda: emulator.messages_in(sara.id))
        assert translator("fa")("welcome") in emulator.messages_in(sara.id)[-1].text
        assert emulator.calls_to("setMyCommands"), "commands are registered at start"
    log = bot.log[0]
    assert "Traceback" not in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    assert "Sara" not in log  # PTB logs whole updates at DEBUG: names are redacted


@pytest.mark.parametrize("status", ["401", "404"])
async def test_a_token_the_platform_refuses_is_one_line_naming_the_setting(tmp_path, status):
    """Telegram answers a bad token 401, Bale 404: one line naming BOT_TOKEN, exit code 2,
    and the token itself appears nowhere (PTB's own message would quote it)."""
    emulator = BotApiEmulator()
    emulator.fail_next("getMe", kind=status, times=10)
    server = await serve_http(emulator)
    try:
        process = await start_bot_process(
            emulator, tmp_path, TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
            LOG_LEVEL="DEBUG",
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        server.close()
        await server.wait_closed()
    log = stderr.decode()
    assert process.returncode == 2, log
    assert emulator.calls_to("getMe")
    assert "Traceback" not in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    problems = [line for line in log.splitlines() if "BOT_TOKEN" in line]
    assert len(problems) == 1
    assert problems[0].startswith("BOT_TOKEN was refused by telegram")
