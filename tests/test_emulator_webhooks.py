"""The emulator as the platforms' side of a production service: both platforms behind one
HTTP server, and webhooks POSTed to a real HTTP receiver as Telegram and Bale do.

The receiver is a starlette app under uvicorn on a free port, the client is PTB's own Bot
over HTTP, so every byte crosses a real socket.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot as PtbBot
from telegram.error import BadRequest, Conflict, InvalidToken

from bot.emulator import SECRET_HEADER, BotApiEmulator, EmulatedUserInfo, serve_http

TOKEN = "123:ABC"
SECRET = "s3cret_-token"
USER = EmulatedUserInfo(1001, "Alice", "fa")


@dataclass
class Receiver:
    """What a bot's webhook endpoint saw: per path, each update and its secret header; it
    answers 200, or the statuses queued in `answers` first, or 403 for a wrong secret."""

    port: int = 0
    got: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    answers: dict[str, list[int]] = field(default_factory=dict)
    expected_secret: dict[str, str] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/hook/{name}"

    def update_ids(self, name: str) -> list[int]:
        return [update_id for update_id, _ in self.got.get(name, [])]

    async def hook(self, request: Request) -> Response:
        name = request.path_params["name"]
        secret = request.headers.get(SECRET_HEADER)
        if name in self.expected_secret and secret != self.expected_secret[name]:
            return Response(status_code=403)
        queued = self.answers.get(name)
        if queued:
            return Response(status_code=queued.pop(0))
        body = await request.json()
        self.got.setdefault(name, []).append((body["update_id"], secret))
        return Response(status_code=200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiving = Receiver()
    app = Starlette(routes=[Route("/hook/{name}", receiving.hook, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    listening = socket.create_server(("127.0.0.1", 0))  # connections queue until served
    receiving.port = listening.getsockname()[1]
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    yield receiving
    server.should_exit = True
    await serving


@pytest.fixture
async def emulators() -> AsyncIterator[dict[str, BotApiEmulator]]:
    both = {name: BotApiEmulator(platform=name) for name in ("telegram", "bale")}
    server = await serve_http(both)
    yield both
    for emu in both.values():
        await emu.call("deleteWebhook", {})  # no delivery left retrying
    server.close()
    await server.wait_closed()


@pytest.fixture
async def bots(emulators: dict[str, BotApiEmulator]) -> AsyncIterator[dict[str, PtbBot]]:
    port = emulators["telegram"].http_port
    bots = {
        name: PtbBot(TOKEN, base_url=f"http://127.0.0.1:{port}/{name}/bot") for name in emulators
    }
    for bot in bots.values():
        await bot.initialize()
    yield bots
    for bot in bots.values():
        await bot.shutdown()


def push_messages(emu: BotApiEmulator, *texts: str) -> list[int]:
    return [emu.push_update(emu.make_message_update(USER, text))["update_id"] for text in texts]


# --------------------------------------------------------------------------- one server


async def test_two_emulators_behind_one_server_answer_at_their_own_paths(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot]
) -> None:
    telegram, bale = emulators["telegram"], emulators["bale"]
    await bots["telegram"].send_message(42, "to telegram")
    await bots["bale"].send_message(42, "to bale")
    plain = f"http://127.0.0.1:{telegram.http_port}/bot{TOKEN}/getMe"
    async with httpx.AsyncClient() as client:
        unrouted = await client.post(plain)

    assert telegram.http_port == bale.http_port
    assert [m.text for m in telegram.messages_in(42)] == ["to telegram"]
    assert [m.text for m in bale.messages_in(42)] == ["to bale"]
    assert unrouted.status_code == 404  # two emulators: the plain path names neither
    with pytest.raises(InvalidToken):  # Bale has no setMyCommands: 404, which PTB names so
        await bots["bale"].set_my_commands([("start", "start")])
    assert await bots["telegram"].set_my_commands([("start", "start")])


async def test_a_single_emulator_answers_at_the_plain_path_and_at_its_platform() -> None:
    emu = BotApiEmulator(platform="bale")
    server = await serve_http(emu)
    try:
        async with httpx.AsyncClient() as client:
            base = f"http://127.0.0.1:{emu.http_port}"
            plain = await client.post(f"{base}/bot{TOKEN}/getMe")
            named = await client.post(f"{base}/bale/bot{TOKEN}/getMe")
            other = await client.post(f"{base}/telegram/bot{TOKEN}/getMe")
    finally:
        server.close()
        await server.wait_closed()

    assert (plain.status_code, named.status_code, other.status_code) == (200, 200, 404)


def test_serve_http_refuses_an_emulator_under_another_platform_name() -> None:
    with pytest.raises(ValueError, match="platform"):
        asyncio.run(serve_http({"telegram": BotApiEmulator(platform="bale")}))


# --------------------------------------------------------------------------- webhooks


async def test_updates_reach_each_webhook_in_order_with_the_secret_only_on_telegram(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    for name, bot in bots.items():
        await bot.set_webhook(receiver.url(name), secret_token=SECRET)
    sent = {name: push_messages(emu, "one", "two", "three") for name, emu in emulators.items()}
    for emu in emulators.values():
        await emu.webhook_idle()

    assert receiver.update_ids("telegram") == sent["telegram"]
    assert receiver.update_ids("bale") == sent["bale"]
    assert {secret for _, secret in receiver.got["telegram"]} == {SECRET}
    assert {secret for _, secret in receiver.got["bale"]} == {None}  # Bale sends no header
    info = await bots["telegram"].get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_date) == (
        receiver.url("telegram"), 0, None
    )  # fmt: skip


async def test_get_updates_is_a_conflict_while_a_webhook_is_set(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    bot = bots["telegram"]
    await bot.set_webhook(receiver.url("telegram"))

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_a_failing_webhook_is_retried_and_reported_in_webhook_info(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    emu, bot = emulators["telegram"], bots["telegram"]
    receiver.answers["telegram"] = [500, 502]
    await bot.set_webhook(receiver.url("telegram"))
    first, second = push_messages(emu, "first", "second")
    await emu.webhook_idle()
    info = await bot.get_webhook_info()

    assert [(d.update_id, d.status) for d in emu.webhook_deliveries] == [
        (first, 500), (first, 502), (first, 200), (second, 200)
    ]  # fmt: skip
    assert receiver.update_ids("telegram") == [first, second]  # nothing skipped or doubled
    assert info.pending_update_count == 0
    assert info.last_error_date is not None
    assert "502" in (info.last_error_message or "")


async def test_a_wrong_secret_is_refused_until_the_webhook_is_deleted(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    """The bot's endpoint answers 403 to the wrong secret; the platform keeps retrying and
    reports it, and deleteWebhook stops delivery with the update still waiting."""
    emu, bot = emulators["telegram"], bots["telegram"]
    receiver.expected_secret["telegram"] = SECRET
    await bot.set_webhook(receiver.url("telegram"), secret_token="not_the_secret")
    (update_id,) = push_messages(emu, "hello")
    with pytest.raises(TimeoutError, match="403"):
        await emu.webhook_idle(seconds=0.5)
    info = await bot.get_webhook_info()
    await bot.delete_webhook()
    attempts = len(emu.webhook_deliveries)
    await asyncio.sleep(0.3)

    assert {d.status for d in emu.webhook_deliveries} == {403}
    assert attempts >= 2  # retried, with a short backoff
    assert len(emu.webhook_deliveries) == attempts  # deleted: no more attempts
    assert info.pending_update_count == 1
    assert "403" in (info.last_error_message or "")
    assert [u.update_id for u in await bot.get_updates()] == [update_id]
    assert receiver.got == {}


async def test_a_connection_error_is_retried_until_the_receiver_is_up(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    emu, bot = emulators["bale"], bots["bale"]
    await bot.set_webhook(f"http://127.0.0.1:{receiver.port}/nowhere")  # 404: not taken
    (update_id,) = push_messages(emu, "hello")
    with pytest.raises(TimeoutError):
        await emu.webhook_idle(seconds=0.2)
    await bot.set_webhook(receiver.url("bale"))
    await emu.webhook_idle()

    assert receiver.update_ids("bale") == [update_id]
    assert emu.webhook_deliveries[0].status == 404


async def test_allowed_updates_filter_what_the_webhook_gets(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], receiver: Receiver
) -> None:
    emu, bot = emulators["telegram"], bots["telegram"]
    await bot.set_webhook(receiver.url("telegram"), allowed_updates=["callback_query"])
    sent = await bot.send_message(USER.id, "pick")
    push_messages(emu, "ignored")
    message = emu.messages_in(USER.id)[sent.message_id - 1]
    clicked = emu.push_update(emu.make_callback_update(USER, message, "x"))
    await emu.webhook_idle()

    assert receiver.update_ids("telegram") == [clicked["update_id"]]
    assert (await bot.get_webhook_info()).allowed_updates == ("callback_query",)


@pytest.mark.parametrize("secret", ["has space", "ü", "x" * 257, ""])
async def test_a_malformed_secret_token_is_refused(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot], secret: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bots["telegram"].set_webhook("http://127.0.0.1:1/x", secret_token=secret)
    assert emulators["telegram"].webhook_url is None


# --------------------------------------------------------------------------- several workers


@dataclass
class HeldReceiver:
    """A webhook endpoint that answers each update only when the test releases it, so the
    test sees which updates the emulator has in flight at once."""

    port: int = 0
    hold: bool = True  # False: answer at once
    arrived: list[tuple[int, str]] = field(default_factory=list)  # (update_id, text)
    released: dict[int, asyncio.Event] = field(default_factory=dict)

    async def hook(self, request: Request) -> Response:
        body = await request.json()
        update_id = body["update_id"]
        self.arrived.append((update_id, body["message"]["text"]))
        if self.hold:
            await self.released.setdefault(update_id, asyncio.Event()).wait()
        return Response(status_code=200)

    def release(self, update_id: int) -> None:
        self.released.setdefault(update_id, asyncio.Event()).set()

    def texts(self) -> list[str]:
        return [text for _, text in self.arrived]


async def serve(receiver: HeldReceiver) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    listening = socket.create_server(("127.0.0.1", 0))
    receiver.port = listening.getsockname()[1]
    return server, asyncio.create_task(server.serve(sockets=[listening]))


async def until(condition, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_one_chat_waits_for_its_previous_update_while_other_chats_go_meanwhile(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot]
) -> None:
    """As Telegram with max_connections: many POSTs at once, but a person's next message
    only after the previous one was answered, so several workers keep each chat in order."""
    receiver = HeldReceiver()
    server, serving = await serve(receiver)
    emu = emulators["telegram"]
    try:
        await bots["telegram"].set_webhook(f"http://127.0.0.1:{receiver.port}/hook")
        alice, bob = USER, EmulatedUserInfo(1002, "Bob", "fa")
        first = emu.push_update(emu.make_message_update(alice, "alice 1"))["update_id"]
        emu.push_update(emu.make_message_update(alice, "alice 2"))
        bobs = emu.push_update(emu.make_message_update(bob, "bob 1"))["update_id"]
        await until(lambda: set(receiver.texts()) == {"alice 1", "bob 1"})
        await asyncio.sleep(0.2)
        assert "alice 2" not in receiver.texts(), "a chat's next update went out too soon"
        receiver.release(bobs)
        receiver.release(first)
        await until(lambda: "alice 2" in receiver.texts())
        receiver.release(receiver.arrived[-1][0])
        await emu.webhook_idle(5)
        assert receiver.texts().index("alice 1") < receiver.texts().index("alice 2")
    finally:
        for event in receiver.released.values():
            event.set()
        await emu.stop_webhook()
        server.should_exit = True
        await serving


async def test_a_balanced_webhook_spreads_over_workers_and_passes_over_one_that_is_down(
    emulators: dict[str, BotApiEmulator], bots: dict[str, PtbBot]
) -> None:
    """`balance_webhook` stands in for the load balancer: POSTs go round the workers, and
    a worker that is down (nothing listening) only delays its update to the next one."""
    workers = [HeldReceiver(hold=False), HeldReceiver(hold=False)]
    served = [await serve(worker) for worker in workers]
    down = socket.create_server(("127.0.0.1", 0))
    down_port = down.getsockname()[1]
    down.close()  # a worker killed: its port refuses connections
    emu = emulators["telegram"]
    try:
        await bots["telegram"].set_webhook("http://balancer.invalid/hook")
        emu.balance_webhook(
            [
                f"127.0.0.1:{workers[0].port}",
                f"127.0.0.1:{down_port}",
                f"127.0.0.1:{workers[1].port}",
            ]
        )
        people = [EmulatedUserInfo(2000 + n, f"P{n}", "fa") for n in range(12)]
        for person in people:
            emu.push_update(emu.make_message_update(person, f"hello {person.id}"))
        await emu.webhook_idle(10)
        got = [text for worker in workers for text in worker.texts()]
        assert sorted(got) == sorted(f"hello {p.id}" for p in people)  # each exactly once
        assert all(worker.arrived for worker in workers), "one worker got everything"
    finally:
        await emu.stop_webhook()
        for server, serving in served:
            server.should_exit = True
            await serving
