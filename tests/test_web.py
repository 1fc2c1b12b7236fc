"""The built-in HTTP server (bot/web.py) and the readiness checks (bot/health.py).

Two real bots (Telegram and Bale) on one store, each on its own emulator, behind the
Starlette app: over real HTTP on a uvicorn server bound to port 0, and through httpx's
ASGI transport for the quick refusals.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot import health
from bot.app import build_application
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.emulator import BotApiEmulator, EmulatedUserInfo
from bot.models import OutboxStatus
from bot.storage import Store
from bot.storage.factory import store_for
from bot.storage.records import Notice
from bot.web import SECRET_HEADER, build_web_app, parse_listen, web_server
from tests.conftest import FakeClock, make_settings

SECRET = "w3bh00k-s3cret-for-tests"
PLATFORMS = ("telegram", "bale")


@dataclass
class RunningBot:
    """A BotView: one started Application and the emulator it talks to."""

    platform: str
    application: HamdeliApplication
    emulator: BotApiEmulator

    @property
    def running(self) -> bool:
        return bool(self.application.running)

    async def handle(self, update: Update) -> None:
        await self.application.handle_now(update)


@dataclass
class Service:
    """A ServiceView: the shared settings and store, and the bots by platform."""

    settings: Settings
    store: Store
    bots: dict[str, RunningBot] = field(default_factory=dict)


@pytest.fixture
async def service(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Service]:
    settings = make_settings(tmp_path, webhook_secret=SECRET)
    store = store_for(settings.database_url)
    view = Service(settings, store)
    for platform in PLATFORMS:
        emulator = BotApiEmulator(platform=platform)
        application = build_application(
            make_settings(tmp_path, platform=platform, webhook_secret=SECRET),
            request=emulator,
            store=store,
            clock=clock,
        )
        await application.initialize()
        await application.start()
        view.bots[platform] = RunningBot(platform, application, emulator)
    yield view
    for bot in view.bots.values():
        if bot.application.running:
            await bot.application.stop()
    for bot in view.bots.values():
        await bot.application.shutdown()


@pytest.fixture
async def base_url(service: Service) -> AsyncIterator[str]:
    """The app on a real uvicorn server, 127.0.0.1 and a port the OS picks."""
    server = web_server(build_web_app(service), "127.0.0.1:0")
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started or task.done(), 10)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{server.port}"
    server.should_exit = True
    await asyncio.wait_for(task, 10)


@pytest.fixture
async def asgi(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """The same app without a socket, for the quick checks."""
    transport = httpx.ASGITransport(app=build_web_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        yield client


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(0.02)


def start_update(bot: RunningBot, user_id: int, text: str = "/start") -> dict[str, object]:
    person = EmulatedUserInfo(user_id, "Sara", "en")
    return bot.emulator.make_message_update(person, text)


def telegram_header(secret: str = SECRET) -> dict[str, str]:
    return {SECRET_HEADER: secret}


def refused(scrape: str) -> dict[str, float]:
    """hamdeli_webhook_refused by platform, read with prometheus-client's own parser."""
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(scrape):
        if family.name == "hamdeli_webhook_refused":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    counts[sample.labels["platform"]] = sample.value
    return counts


async def test_updates_reach_each_bot_over_http_and_each_answers_through_its_own_api(
    service: Service, base_url: str
) -> None:
    telegram, bale = service.bots["telegram"], service.bots["bale"]
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.post(
            f"/webhook/telegram/{SECRET}", json=start_update(telegram, 7001),
            headers=telegram_header(),
        )  # fmt: skip
        assert answer.status_code == 200
        # Bale sends no secret header: the path's secret is enough.
        answer = await client.post(f"/webhook/bale/{SECRET}", json=start_update(bale, 7002))
        assert answer.status_code == 200
    await wait_until(
        lambda: telegram.emulator.messages_in(7001) and bale.emulator.messages_in(7002)
    )
    assert telegram.emulator.messages_in(7001), "the Telegram bot did not answer /start"
    assert bale.emulator.messages_in(7002), "the Bale bot did not answer /start"
    # Each answered through its own API: neither emulator saw the other's chat.
    assert not telegram.emulator.messages_in(7002)
    assert not bale.emulator.messages_in(7001)


async def test_wrong_secrets_are_refused_with_403_and_counted(
    service: Service, base_url: str
) -> None:
    telegram, bale = service.bots["telegram"], service.bots["bale"]
    async with httpx.AsyncClient(base_url=base_url) as client:
        before = refused((await client.get("/metrics")).text)
        attempts = [
            ("telegram", "wrong-secret", telegram_header()),  # the path's secret
            ("telegram", SECRET, {}),  # Telegram's header missing
            ("telegram", SECRET, telegram_header("wrong-secret")),  # the header wrong
            ("bale", "wrong-secret", {}),
            ("bale", SECRET, {SECRET_HEADER: "wrong-secret"}),  # sent, so it must match
        ]
        for number, (platform, secret, headers) in enumerate(attempts):
            bot = service.bots[platform]
            answer = await client.post(
                f"/webhook/{platform}/{secret}", json=start_update(bot, 7100 + number),
                headers=headers,
            )  # fmt: skip
            assert answer.status_code == 403, (platform, secret, headers)
        scrape = await client.get("/metrics")
    assert scrape.headers["content-type"].startswith("text/plain")
    after = refused(scrape.text)
    assert after["telegram"] - before.get("telegram", 0) == 3
    assert after["bale"] - before.get("bale", 0) == 2
    await asyncio.sleep(0.2)  # a refused update must never reach the bot
    for number in range(len(attempts)):
        assert not telegram.emulator.messages_in(7100 + number)
        assert not bale.emulator.messages_in(7100 + number)


async def test_the_secret_is_never_logged(
    service: Service, base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    async with httpx.AsyncClient(base_url=base_url) as client:
        update = start_update(service.bots["telegram"], 7201)
        await client.post(f"/webhook/telegram/{SECRET}", json=update, headers=telegram_header())
        await client.post(f"/webhook/bale/{SECRET[:-1]}x", json={"update_id": 1})
        await client.post(f"/webhook/viber/{SECRET}", json={"update_id": 1})
    await wait_until(lambda: service.bots["telegram"].emulator.messages_in(7201))
    # The bot's side only: the test's own HTTP client logs the URLs it calls.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert server_side, "nothing was logged at all: the check would prove nothing"
    logged = "\n".join(r.getMessage() for r in server_side)
    assert "refused" in logged
    assert SECRET[:-1] not in logged


async def test_unknown_or_unconfigured_platform_is_404(
    service: Service, asgi: httpx.AsyncClient
) -> None:
    assert (await asgi.post(f"/webhook/viber/{SECRET}", json={"update_id": 1})).status_code == 404
    del service.bots["bale"]  # a process serving Telegram only
    answer = await asgi.post(f"/webhook/bale/{SECRET}", json={"update_id": 1})
    assert answer.status_code == 404
    # Only POST: a browser's GET on the webhook is not an update.
    assert (await asgi.get(f"/webhook/telegram/{SECRET}")).status_code == 405


async def test_without_a_webhook_secret_no_webhook_exists(tmp_path: Path, service: Service) -> None:
    service.settings = make_settings(tmp_path)
    for bot in service.bots.values():
        bot.application.services.settings = make_settings(tmp_path, platform=bot.platform)
    transport = httpx.ASGITransport(app=build_web_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        answer = await client.post("/webhook/bale/None", json={"update_id": 1})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b"\xff\xfe",
        b'{"update_id": 7, "message": "x"}',
        b'{"update_id": 7, "message": {"chat": 5}}',
    ],
)
async def test_a_body_that_is_not_an_update_is_400(asgi: httpx.AsyncClient, body: bytes) -> None:
    answer = await asgi.post(f"/webhook/bale/{SECRET}", content=body)
    assert answer.status_code == 400


async def test_a_bot_not_running_answers_503_so_the_platform_resends(
    service: Service, asgi: httpx.AsyncClient
) -> None:
    bale = service.bots["bale"]
    await bale.application.stop()
    answer = await asgi.post(f"/webhook/bale/{SECRET}", json=start_update(bale, 7301))
    assert answer.status_code == 503
    # A wrong secret is still refused first: strangers learn nothing of the bot's state.
    answer = await asgi.post("/webhook/bale/wrong", json=start_update(bale, 7302))
    assert answer.status_code == 403
    ready = await asgi.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["api.bale"]
    assert ready.json()["checks"]["api.bale"]["detail"] == "the bot is not running"


async def busy_handler(service: Service) -> tuple[asyncio.Event, asyncio.Event]:
    """A handler on Telegram's bot that signals it started, then waits to be released."""
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        started.set()
        await asyncio.wait_for(release.wait(), 10)

    service.bots["telegram"].application.add_handler(TypeHandler(Update, slow), group=-5)
    return started, release


async def test_the_200_comes_once_the_update_was_handled(service: Service, base_url: str) -> None:
    """The webhook acknowledges an update only after handling it: a worker killed while
    handling never said 200, so the platform delivers the update again (issue #12)."""
    started, release = await busy_handler(service)
    telegram = service.bots["telegram"]
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = asyncio.create_task(client.post(
            f"/webhook/telegram/{SECRET}", json=start_update(telegram, 7401),
            headers=telegram_header(),
        ))  # fmt: skip
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.sleep(0.3)
        assert not answer.done(), "answered while the handler was still busy"
        release.set()
        assert (await asyncio.wait_for(answer, 5)).status_code == 200


async def test_a_handler_busy_too_long_is_answered_anyway(service: Service) -> None:
    """A handler still busy after `answer_within` (one waiting out a 429) gets its 200 then,
    before the platform's own timeout would make it deliver the update twice."""
    started, release = await busy_handler(service)
    server = web_server(build_web_app(service, answer_within=0.5), "127.0.0.1:0")
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started or task.done(), 10)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            began = time.monotonic()
            answer = await client.post(
                f"/webhook/telegram/{SECRET}", json=start_update(service.bots["telegram"], 7402),
                headers=telegram_header(),
            )  # fmt: skip
            took = time.monotonic() - began
        assert answer.status_code == 200
        assert 0.4 < took < 3.0, f"answered after {took:.1f} s"
        assert started.is_set()
        assert not release.is_set()  # still handling when answered
    finally:
        release.set()
        server.should_exit = True
        await task


async def test_healthz_answers_while_the_loop_runs(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


async def test_ready_names_every_check(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.get("/readyz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready"
    assert body["failed"] == []
    assert set(body["checks"]) == {
        "store", "api.bale", "api.telegram", "outbox.bale", "outbox.telegram"
    }  # fmt: skip


async def test_stale_api_makes_the_bot_unready_and_a_quiet_one_is_probed(
    service: Service,
) -> None:
    later = time.monotonic() + service.settings.ready_api_seconds + 60

    def monotonic() -> float:
        return later

    telegram = service.bots["telegram"]
    # Quiet for longer than READY_API_SECONDS: readiness asks the API itself, and it answers.
    telegram.emulator.clear_calls()
    verdict = await health.readiness(service, monotonic=monotonic)
    assert verdict.ready, verdict.to_json()
    assert len(telegram.emulator.calls_to("getMe")) == 1
    # Now the API fails (502): no success within the window, and the probe fails too.
    telegram.emulator.fail_next("getMe", kind="5xx")
    verdict = await health.readiness(service, monotonic=monotonic)
    assert not verdict.ready
    assert verdict.failed == ["api.telegram"]
    assert "Bot API failing" in verdict.to_json()["checks"]["api.telegram"]["detail"]
    # The failed probe is the latest call, so a success within the window no longer
    # vouches for the API: the next check asks again, and the API answers.
    telegram.emulator.clear_calls()
    verdict = await health.readiness(service)
    assert verdict.ready
    assert len(telegram.emulator.calls_to("getMe")) == 1
    # Recent success needs no probe.
    telegram.emulator.clear_calls()
    verdict = await health.readiness(service)
    assert verdict.ready
    assert not telegram.emulator.calls_to("getMe")


async def test_a_stuck_outbox_makes_the_service_unready(
    service: Service, clock: FakeClock, base_url: str
) -> None:
    store, stuck = service.store, service.settings.outbox_stuck_seconds
    due = int(clock()) + 10_000  # later than the bots' clock: their outbox leaves it alone
    for number in (1, 2):
        await store.queue_notice(
            Notice("bale", number, "broadcast-report", {"id": number}, f"web-test-{number}"), due
        )

    async def failed_at(now: int) -> list[str]:
        return (await health.readiness(service, now=lambda: now)).failed

    assert await failed_at(due + stuck - 1) == []  # due, but not for long
    assert await failed_at(due + stuck + 1) == ["outbox.bale"]
    # Over HTTP (real time, long after `due`) the body names the failed check.
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["failed"] == ["outbox.bale"]
    assert answer.json()["checks"]["outbox.bale"]["ok"] is False
    # Something sent meanwhile: slow, not stuck.
    now = due + stuck + 1
    (item,) = await store.claim_outbox("bale", now, 1)
    await store.finish_outbox(item.id, OutboxStatus.SENT, now)
    assert await failed_at(now) == []


async def assert_unready_until_restored(
    base_url: str, break_it: Callable[[], object], restore: Callable[[], object]
) -> None:
    """/readyz is 200, then 503 naming the store while broken, then 200 once restored."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/readyz")).status_code == 200
        break_it()
        try:
            answer = await client.get("/readyz")
        finally:
            restore()
        assert answer.status_code == 503
        assert answer.json()["failed"] == ["store"]
        assert answer.json()["checks"]["store"]["ok"] is False
        assert (await client.get("/readyz")).status_code == 200


@pytest.mark.sqlite_only
@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads a file whatever its mode, so chmod 000 cannot make it unreadable",
)
async def test_an_unreadable_sqlite_file_makes_the_service_unready_until_restored(
    service: Service, base_url: str
) -> None:
    path = service.store.path
    mode = path.stat().st_mode
    await assert_unready_until_restored(base_url, lambda: path.chmod(0), lambda: path.chmod(mode))


@pytest.mark.sqlite_only
async def test_a_sqlite_file_gone_makes_the_service_unready_until_restored(
    service: Service, base_url: str
) -> None:
    """The same as chmod 000, and checked even as root: the connection kept open would go
    on answering from its descriptor, the readiness check opens the file afresh."""
    path = service.store.path
    away = path.with_name("moved-away.db")
    await assert_unready_until_restored(
        base_url, lambda: path.rename(away), lambda: away.rename(path)
    )


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("[::1]:9000", ("::1", 9000)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
    ],
)
def test_listen_is_host_and_port(listen: str, expected: tuple[str, int]) -> None:
    assert parse_listen(listen) == expected


@pytest.mark.parametrize("listen", ["8080", "localhost", "host:http", ":8080", "h:70000"])
def test_a_listen_without_a_port_is_refused(listen: str) -> None:
    with pytest.raises(ValueError, match="LISTEN"):
        parse_listen(listen)
