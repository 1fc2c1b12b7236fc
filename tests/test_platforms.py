"""Telegram and Bale: the same conversation works on both, and platform limits are respected."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.error import NetworkError, RetryAfter

from bot.app import register_commands
from bot.i18n import translator
from bot.platform import shown_text
from bot.processing import PerChatUpdateProcessor
from bot.ratelimit import HamdeliRateLimiter, is_bare_flood_error
from bot.views.screen import user_text

fa, en = translator("fa"), translator("en")


async def test_on_bale_menus_edit_in_place_despite_the_stub_edit_answer(start_app) -> None:
    chat = await start_app("bale")
    sara = chat.user()
    await sara.send("/start")
    welcome = sara.last_reply
    await sara.click(fa("role-donor-button"))
    assert sara.last_reply.message_id == welcome.message_id
    assert sara.last_reply.text == fa("donor-home")
    assert len(sara.replies) == 1  # no fallback message: the edit was accepted
    assert chat.emulator.calls_to("editMessageText")


async def test_commands_are_registered_per_language_on_telegram(chat) -> None:
    await register_commands(chat.application)
    calls = chat.emulator.calls_to("setMyCommands")
    by_language = {call.params.get("language_code"): call.params["commands"] for call in calls}
    assert set(by_language) == {None, "fa", "en"}
    assert by_language["en"][0] == {"command": "start", "description": en("command-start")}
    assert by_language[None] == by_language["fa"]


async def test_bale_answering_404_to_set_my_commands_does_not_stop_the_bot(start_app) -> None:
    chat = await start_app("bale")
    await register_commands(chat.application)  # must not raise
    sara = chat.user()
    await sara.send("/start")
    assert fa("welcome") in sara.last_reply.text


def test_text_from_people_is_bounded_and_escaped_for_bale_when_sent() -> None:
    assert shown_text("*bold* _x_ [a](b)", 4096, "bale") == r"\*bold\* \_x\_ \[a\](b)"
    assert shown_text("*bold*", 4096, "telegram") == "*bold*"
    assert len(user_text("x" * 5000)) == 1000


async def test_a_429_without_retry_after_backs_off_and_the_reply_still_arrives(chat) -> None:
    chat.application.bot.rate_limiter.backoff_base_s = 0.01
    chat.emulator.fail_next("sendMessage", kind="429", retry_after=None, times=2)
    sara = chat.user()
    await sara.send("/start")
    assert fa("welcome") in sara.last_reply.text
    statuses = [call.status for call in chat.emulator.calls_to("sendMessage")]
    assert statuses == [429, 429, 200]


async def test_a_429_with_retry_after_waits_that_long_then_retries(chat) -> None:
    chat.emulator.fail_next("sendMessage", kind="429", retry_after=1)
    sara = chat.user()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sara.send("/start")
    assert loop.time() - started >= 1
    assert fa("welcome") in sara.last_reply.text


async def test_bare_flood_errors_become_growing_backoffs() -> None:
    limiter = HamdeliRateLimiter(
        overall_max_rate=1000, group_max_rate=20, max_retries=3, backoff_base_s=0.01
    )
    attempts = []

    async def flaky() -> str:
        attempts.append(asyncio.get_running_loop().time())
        if len(attempts) < 3:
            raise NetworkError("Too Many Requests (429)")
        return "ok"

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None) == "ok"
    assert len(attempts) == 3
    assert attempts[2] - attempts[1] > attempts[1] - attempts[0]


def test_only_429s_count_as_flood_errors() -> None:
    assert is_bare_flood_error(NetworkError("Too Many Requests: retry later"))
    assert not is_bare_flood_error(NetworkError("Bad Gateway"))
    assert not is_bare_flood_error(RetryAfter(3))


async def test_a_network_error_reaches_the_error_handler_and_the_user_is_told(chat) -> None:
    chat.emulator.fail_next("sendMessage", kind="5xx")
    sara = chat.user()
    await sara.send("/start")
    assert sara.last_reply.text == fa("error-generic")


async def test_slow_person_does_not_stall_others_and_one_persons_updates_stay_in_order() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=4)
    order: list[str] = []
    slow_started = asyncio.Event()
    release_slow = asyncio.Event()

    def update(chat_id: int, update_id: int) -> Update:
        return Update.de_json(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "x",
                },
            },
            None,
        )

    async def work(name: str, slow: bool = False) -> None:
        if slow:
            slow_started.set()
            await release_slow.wait()
        order.append(name)

    first = asyncio.create_task(processor.process_update(update(1, 1), work("a1", slow=True)))
    await slow_started.wait()
    second = asyncio.create_task(processor.process_update(update(1, 2), work("a2")))
    other = asyncio.create_task(processor.process_update(update(2, 3), work("b1")))
    await other
    assert order == ["b1"]  # the other person was served while "a" waited
    release_slow.set()
    await asyncio.gather(first, second)
    assert order == ["b1", "a1", "a2"]


@pytest.mark.parametrize("platform", ["telegram", "bale"])
async def test_blocked_users_produce_no_error_message_loop(start_app, platform) -> None:
    chat = await start_app(platform)
    sara = chat.user()
    chat.emulator.block_chat(sara.id)
    await sara.send("/start")
    assert chat.emulator.calls_to("sendMessage")[-1].status == 403
    assert len(chat.emulator.calls_to("sendMessage")) == 1
