"""The service (`hamdeli run`'s insides, bot/service.py) in this process: Telegram and Bale
bots on one store behind one web server, each talking HTTP to its own emulator.

Every update crosses a real socket: the emulators are served over HTTP and post webhooks
to the service's own uvicorn server, as the platforms would.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.emulator import BotApiEmulator, EmulatedUserInfo, serve_http
from bot.i18n import translator
from bot.service import Service, webhook_url

SECRET = "service-test_secret"
TOKENS = {"telegram": "111:telegram-service-token", "bale": "222:bale-service-token"}
SARA = EmulatedUserInfo(4242, "Sara", "fa")
WELCOME = translator("fa")("welcome")


def service_settings(
    tmp_path: Path, emulators: dict[str, BotApiEmulator], *, webhooks: bool, **shared: object
) -> tuple[Settings, list[Settings]]:
    """Shared settings and one Settings per bot, as `bot_settings` would make them."""
    values: dict[str, object] = {
        "_env_file": None,
        "database_url": f"sqlite:///{tmp_path / 'service.db'}",
        "listen": "127.0.0.1:0",
        "rate_limit_per_second": 100_000,
        **shared,
    }
    if webhooks:  # the public base is this machine's, as behind a proxy on loopback
        port = free_port()
        values |= {
            "listen": f"127.0.0.1:{port}",
            "webhook_url": f"http://127.0.0.1:{port}",
            "webhook_secret": SECRET,
        }
    base = Settings(**values)  # type: ignore[arg-type]
    bots = [
        Settings(
            **values,  # type: ignore[arg-type]
            platform=platform,
            bot_token=TOKENS[platform],
            bot_api_base_url=f"http://127.0.0.1:{emulator.http_port}/{platform}/bot",
        )
        for platform, emulator in emulators.items()
    ]
    return base, bots


@asynccontextmanager
async def running_service(
    tmp_path: Path,
    platforms: tuple[str, ...] = ("telegram", "bale"),
    *,
    webhooks: bool = True,
    before_start: Callable[[dict[str, BotApiEmulator]], None] | None = None,
    **shared: object,
) -> AsyncIterator[tuple[Service, dict[str, BotApiEmulator], asyncio.Task[int]]]:
    """Emulators over HTTP, and the service running against them until the block ends."""
    emulators = {platform: BotApiEmulator(platform=platform) for platform in platforms}
    server = await serve_http(emulators)
    if before_start is not None:
        before_start(emulators)
    base, bots = service_settings(tmp_path, emulators, webhooks=webhooks, **shared)
    service = Service.build(base, bots, backoff_cap=0.2)
    task = asyncio.create_task(service.run())
    try:
        await wait_until(lambda: service.port is not None or task.done())
        yield service, emulators, task
    finally:
        service.stopping.set()
        await asyncio.wait_for(asyncio.shield(task), 30)
        server.close()
        await server.wait_closed()


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; closed again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until(condition: Callable[[], object], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def answer_to(emulator: BotApiEmulator, text: str, user: EmulatedUserInfo = SARA) -> str:
    mark = emulator.change_mark()
    emulator.push_update(emulator.make_message_update(user, text))
    await wait_until(lambda: emulator.changed_since(user.id, mark))
    return emulator.changed_since(user.id, mark)[-1].text or ""


async def test_both_platforms_answer_through_their_own_api_over_webhooks(tmp_path) -> None:
    async with running_service(tmp_path) as (service, emulators, task):
        await wait_until(lambda: all(r.running for r in service.runners.values()))
        # The webhook went in after the server listened, with the update types and secret.
        await wait_until(lambda: all(e.webhook_url for e in emulators.values()))
        for platform, emulator in emulators.items():
            (call,) = emulator.calls_to("setWebhook")
            assert emulator.webhook_url == webhook_url(
                f"http://127.0.0.1:{service.port}", platform, SECRET
            )
            assert set(call.params["allowed_updates"]) == {
                "message", "callback_query", "pre_checkout_query",
            }  # fmt: skip
        assert emulators["telegram"].webhook_secret == SECRET
        assert emulators["bale"].webhook_secret is None  # the path carries it on Bale

        telegram, bale = emulators["telegram"], emulators["bale"]
        assert WELCOME in await answer_to(telegram, "/start")
        assert not bale.messages_in(SARA.id), "each bot answers through its own API only"
        assert WELCOME in await answer_to(bale, "/start")
        for emulator in emulators.values():
            assert [d.status for d in emulator.webhook_deliveries] == [200]
    assert task.result() == 0
    for emulator in emulators.values():
        assert not emulator.calls_to("deleteWebhook"), "updates queue at the platform"


async def test_the_webhook_refuses_strangers(tmp_path) -> None:
    async with running_service(tmp_path) as (service, emulators, _):
        await wait_until(lambda: all(r.running for r in service.runners.values()))
        base = f"http://127.0.0.1:{service.port}"
        update = emulators["telegram"].make_message_update(SARA, "/start") | {"update_id": 9}
        header = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient(base_url=base) as client:
            wrong_path = await client.post("/webhook/telegram/guess", json=update, headers=header)
            wrong_header = await client.post(
                f"/webhook/telegram/{SECRET}", json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )  # fmt: skip
            no_header = await client.post(f"/webhook/telegram/{SECRET}", json=update)
            unknown = await client.post(f"/webhook/eitaa/{SECRET}", json=update, headers=header)
            health = await client.get("/healthz")
        assert [wrong_path.status_code, wrong_header.status_code, no_header.status_code] == [
            403, 403, 403,
        ]  # fmt: skip
        assert unknown.status_code == 404
        assert health.status_code == 200
        assert not emulators["telegram"].messages_in(SARA.id), "no refused update was handled"


async def test_a_refused_bale_token_leaves_telegram_serving_and_is_logged_once(
    tmp_path, caplog
) -> None:
    """Bale refuses the token at every start: it is retried with backoff, reported in
    /readyz and the metrics, and the log hears of it once; Telegram serves throughout."""

    def refuse_bale(emulators: dict[str, BotApiEmulator]) -> None:
        emulators["bale"].fail_next("getMe", kind="404", times=1_000)

    caplog.set_level(logging.INFO, logger="bot.service")
    async with running_service(tmp_path, webhooks=False, before_start=refuse_bale) as (
        service, emulators, task,
    ):  # fmt: skip
        bale = service.runners["bale"]
        await wait_until(lambda: bale.attempts >= 4)
        assert service.runners["telegram"].running
        assert WELCOME in await answer_to(emulators["telegram"], "/start")
        await wait_until(lambda: bale.state == "refused")  # between two of its retries
        assert not bale.running
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}") as client:
            ready = await client.get("/readyz")
            scraped = (await client.get("/metrics")).text
        assert ready.status_code == 503
        assert ready.json()["failed"] == ["api.bale"]
        assert 'hamdeli_bot_up{platform="bale"} 0.0' in scraped
        assert 'hamdeli_bot_up{platform="telegram"} 1.0' in scraped
        assert 'hamdeli_bot_start_failures_total{platform="bale",reason="token_refused"}' in (
            scraped
        )
    assert task.result() == 0, "with two bots a refused token is not fatal"
    refusals = [r for r in caplog.records if "bale bot refused" in r.getMessage()]
    assert len(refusals) == 1, [r.getMessage() for r in caplog.records]
    assert TOKENS["bale"] not in caplog.text


async def test_a_single_bot_whose_token_is_refused_ends_with_exit_code_2(tmp_path) -> None:
    def refuse(emulators: dict[str, BotApiEmulator]) -> None:
        emulators["telegram"].fail_next("getMe", kind="401", times=10)

    async with running_service(
        tmp_path, ("telegram",), webhooks=False, before_start=refuse
    ) as (service, _, task):  # fmt: skip
        await asyncio.wait_for(asyncio.shield(task), 20)
    assert task.result() == 2
    assert service.refused_tokens == ["telegram"]


async def test_an_unreachable_platform_is_retried_until_it_answers(tmp_path) -> None:
    """Bale's API down at start (502): retried with backoff; once it answers, Bale serves."""

    def bale_down(emulators: dict[str, BotApiEmulator]) -> None:
        emulators["bale"].fail_next("getMe", kind="5xx", times=3)

    async with running_service(tmp_path, before_start=bale_down) as (service, emulators, _):
        bale = service.runners["bale"]
        await wait_until(lambda: bale.running, seconds=30)
        assert bale.attempts == 4
        assert WELCOME in await answer_to(emulators["bale"], "/start")


@pytest.mark.parametrize("platforms", [("telegram", "bale")])
async def test_polling_serves_both_platforms(tmp_path, platforms) -> None:
    async with running_service(tmp_path, platforms, webhooks=False) as (_, emulators, task):
        for emulator in emulators.values():
            assert WELCOME in await answer_to(emulator, "/start")
            assert emulator.calls_to("getUpdates")
            assert not emulator.calls_to("setWebhook")
    assert task.result() == 0


async def test_every_due_row_is_handled_once_by_two_bots_and_a_second_process(tmp_path) -> None:
    """Telegram and Bale on one store, plus a second process (its own Store on the same
    file) running both platforms' clocks too: every clock of every bot ticks at once,
    several times, and each due pledge is reminded once and expired once, on its own
    platform."""
    from bot.app import build_application
    from bot.codes import new_confirm_token
    from bot.context import HamdeliContext
    from bot.domain import pledges
    from bot.handlers import donor
    from bot.storage import Store
    from tests.test_pledges import NOW, RULES, add_need

    now = [float(NOW)]
    shared, second = Store(tmp_path / "clock.db"), Store(tmp_path / "clock.db")
    applications = []
    for store in (shared, second):
        for platform in ("telegram", "bale"):
            settings = Settings(
                _env_file=None, platform=platform, database_url=f"sqlite:///{store.path}",
                pledge_ttl_hours=RULES.ttl_seconds // 3600,
            )  # fmt: skip
            application = build_application(
                settings, request=BotApiEmulator(platform=platform), store=store,
                clock=lambda: now[0], owns_store=False,
            )  # fmt: skip
            await application.initialize()
            applications.append(application)
    try:
        code = await add_need(shared)
        made = []
        for n in range(30):
            platform = ("telegram", "bale")[n % 2]
            await shared.seen_account(platform, 500 + n, 500 + n, "fa", NOW)
            made.append(await pledges.pledge_help(
                shared, need_code=code, platform=platform, donor_id=500 + n,
                amount=100_000 * 10, token=new_confirm_token(), now=NOW, rules=RULES,
            ))  # fmt: skip
        contexts = [HamdeliContext(application) for application in applications]
        for hours in (25, 49):  # past half time (reminders), then past the end (expiry)
            now[0] = NOW + hours * 3600
            for _ in range(3):
                await asyncio.gather(*(donor.pledge_clock(context) for context in contexts))
        rows = await shared._fetchall(
            "SELECT platform, user_id, message_id FROM outbox ORDER BY user_id, message_id"
        )
    finally:
        for application in applications:
            await application.shutdown()
        await shared.close()
        await second.close()
    expected = sorted(
        (pledge.platform, pledge.donor_id, notice)
        for pledge in made
        for notice in ("pledge-expired-notice", "pledge-reminder")
    )
    assert sorted(rows) == expected


async def test_polling_that_gives_up_on_a_refused_token_is_started_again(tmp_path) -> None:
    """Telegram refuses the token while the bot polls (revoked, then restored): PTB's
    polling stops for good; the supervisor notices, retries, and the bot answers again."""
    async with running_service(tmp_path, ("telegram",), webhooks=False) as (
        service, emulators, _,
    ):  # fmt: skip
        telegram, runner = emulators["telegram"], service.runners["telegram"]
        await wait_until(lambda: runner.running)
        telegram.fail_next("getUpdates", kind="401", times=1)
        telegram.fail_next("getMe", kind="401", times=2)
        await wait_until(lambda: runner.attempts >= 2, seconds=30)
        await wait_until(lambda: runner.running, seconds=30)
        assert runner.attempts == 4  # polling stopped; two refused starts; then up
        assert WELCOME in await answer_to(telegram, "/start")
