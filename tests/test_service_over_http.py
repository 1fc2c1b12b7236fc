"""One real `hamdeli run` process serving Telegram and Bale over webhooks, as deployed:
the emulators (this process) post updates to its webhook server over HTTP, the bot answers
through each platform's own API address, and /metrics and /readyz are read as Prometheus
and the process supervisor would."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.emulator import BotApiEmulator, EmulatedUserInfo, serve_http
from bot.i18n import translator
from tests.commands import free_port, start_service_process

SECRET = "over-http_secret-42"
TOKENS = {"telegram": "111111:telegram-over-http-token", "bale": "222222:bale-over-http-token"}
WELCOME = translator("fa")("welcome")


@dataclass
class RunningService:
    process: asyncio.subprocess.Process
    emulators: dict[str, BotApiEmulator]
    base: str  # the service's own address (webhooks, health, metrics)
    database: Path
    log: list[str] = field(default_factory=list)


@asynccontextmanager
async def service_process(tmp_path: Path) -> AsyncIterator[RunningService]:
    emulators = {platform: BotApiEmulator(platform=platform) for platform in TOKENS}
    server = await serve_http(emulators)
    port, api = free_port(), next(iter(emulators.values())).http_port
    database = tmp_path / "service.db"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "WEBHOOK_SECRET": SECRET,
        "LISTEN": f"127.0.0.1:{port}",
        "READY_API_SECONDS": "600",
    }
    for platform, token in TOKENS.items():
        prefix = platform.upper()
        env[f"{prefix}_BOT_TOKEN"] = token
        env[f"{prefix}_BOT_API_BASE_URL"] = f"http://127.0.0.1:{api}/{platform}/bot"
    process = await start_service_process(tmp_path, **env)
    running = RunningService(process, emulators, f"http://127.0.0.1:{port}", database)
    try:
        await wait_for(lambda: all(e.webhook_url for e in emulators.values()), 60)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        running.log.append(stderr.decode())
        server.close()
        await server.wait_closed()


async def wait_for(condition: Callable[[], object], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample of metric `name` (parsed by prometheus-client), by its sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def total(text: str, name: str, **labels: str) -> float:
    return sum(
        value for key, value in samples(text, name).items() if set(labels.items()) <= set(key)
    )


async def test_one_process_serves_both_platforms_over_webhooks(tmp_path) -> None:
    sent = {"telegram": 5, "bale": 3}
    async with (
        service_process(tmp_path) as running,
        httpx.AsyncClient(base_url=running.base) as client,
    ):
        before = (await client.get("/metrics")).text
        people = {
            platform: [EmulatedUserInfo(first + n, f"P{n}", "fa") for n in range(count)]
            for (platform, count), first in zip(sent.items(), (9000, 9500), strict=True)
        }
        for platform, emulator in running.emulators.items():
            for person in people[platform]:
                emulator.push_update(emulator.make_message_update(person, "/start"))
        for platform, emulator in running.emulators.items():
            for person in people[platform]:
                await wait_for(lambda e=emulator, p=person: e.messages_in(p.id))
                assert WELCOME in emulator.messages_in(person.id)[0].text
            other = running.emulators["bale" if platform == "telegram" else "telegram"]
            assert not any(other.messages_in(p.id) for p in people[platform]), (
                "each bot answers through its own API address"
            )

        # A stranger who guessed the address but not the secret.
        update = running.emulators["telegram"].make_message_update(people["telegram"][0], "hi")
        refused = await client.post(
            "/webhook/telegram/not-the-secret", json=update | {"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"},
        )  # fmt: skip
        assert refused.status_code == 403
        assert (await client.post("/webhook/eitaa/x", json={"update_id": 1})).status_code == 404

        after = (await client.get("/metrics")).text
        for platform, count in sent.items():
            moved = total(after, "hamdeli_updates_total", platform=platform) - total(
                before, "hamdeli_updates_total", platform=platform
            )
            assert moved == count, (platform, moved)
            handled = total(after, "hamdeli_handler_seconds_count", platform=platform) - total(
                before, "hamdeli_handler_seconds_count", platform=platform
            )
            assert handled >= count
        assert total(after, "hamdeli_webhook_refused_total", platform="telegram") == 1
        assert total(after, "hamdeli_bot_up", platform="bale") == 1

        # Readiness follows the database file: away, then back.
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        away = running.database.with_name("moved-away.db")
        os.rename(running.database, away)
        try:
            unready = await client.get("/readyz")
        finally:
            os.rename(away, running.database)
        assert unready.status_code == 503
        assert unready.json()["failed"] == ["store"]
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/healthz")).status_code == 200

        running.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(running.process.wait(), 30) == 0
    log = running.log[0]
    assert "Traceback" not in log
    for secret in (*TOKENS.values(), *(t.split(":")[1] for t in TOKENS.values()), SECRET):
        assert secret not in log
    for emulator in running.emulators.values():
        assert not emulator.calls_to("deleteWebhook")
