"""The Bot API emulator, driven through a real PTB Application and PTB's real HTTP client.

These tests pin down both the emulator and the PTB behaviours the bot has to live with
(what PTB raises for each Bot API answer, and Bale's unparsable edit answers).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest, RequestData

from bot.emulator import BotApiEmulator, EmulatedUser, EmulatedUserInfo, serve_http

NOW = 1_700_000_000.0
TOKEN = "123:ABC"
# PTB strips "Bad Request: " and then str.capitalize()s the rest (BOT_COMMAND_INVALID arrives
# as "Bot_command_invalid"), so BadRequest messages must be matched case-insensitively.
CI = "(?i)"
App = Application  # the generic parameters are irrelevant here


# --------------------------------------------------------------------------- a tiny bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes please", callback_data="answer:yes"),
                InlineKeyboardButton("No", callback_data="answer:no"),
            ],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )
    await update.effective_message.reply_text("Welcome", reply_markup=keyboard)


async def phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share my number", request_contact=True)], ["Cancel"]]
    )
    await update.effective_message.reply_text("Your number?", reply_markup=keyboard)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Noted")
    await query.edit_message_text(f"You chose {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text
    await update.effective_message.reply_text(f"echo: {text}", reply_markup=ReplyKeyboardRemove())


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    forwarded = message.forward_origin is not None
    await message.reply_text(
        f"contact {message.contact.phone_number} {message.contact.user_id} {forwarded}"
    )


async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    attachment = update.effective_message.effective_attachment
    kind = "photo" if isinstance(attachment, tuple) else type(attachment).__name__.lower()
    await update.effective_message.reply_text(f"got {kind}")


def build_app(emu: BotApiEmulator) -> App:
    app = ApplicationBuilder().token(TOKEN).request(emu).get_updates_request(emu).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("phone", phone))
    app.add_handler(CallbackQueryHandler(choose))
    app.add_handler(MessageHandler(filters.CONTACT, contact))
    app.add_handler(MessageHandler(filters.Sticker.ALL | filters.PHOTO | filters.VOICE, media))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@pytest.fixture
def emu() -> BotApiEmulator:
    return BotApiEmulator(now=lambda: NOW)


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[App]:
    application = build_app(emu)
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
async def bale_app() -> AsyncIterator[App]:
    application = build_app(BotApiEmulator(platform="bale", now=lambda: NOW))
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
def alice(emu: BotApiEmulator, app: App) -> EmulatedUser:
    return EmulatedUser(emu, app, 1001, first_name="Alice")


@pytest.fixture
def timedelta_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PTB_TIMEDELTA, building a RetryAfter emits a deprecation warning (an error here)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def wait_until(condition: Callable[[], object], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- conversations


async def test_start_replies_with_inline_buttons_and_records_the_call(
    emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    replies = await alice.send("/start")

    assert [r.text for r in replies] == ["Welcome"]
    assert replies[0].buttons == [["Yes please", "No"], ["Website"]]
    assert replies[0].button_data("Yes please") == "answer:yes"
    assert replies[0].message_id == 2  # the user's /start was message 1 of the chat
    assert replies[0].date == int(NOW)
    sent = emu.calls_to("sendMessage")[-1]
    assert sent.params["chat_id"] == alice.id
    assert sent.status == 200
    assert sent.time == NOW


async def test_text_round_trip_echoes_and_message_ids_increase_per_chat(
    emu: BotApiEmulator, app: App, alice: EmulatedUser
) -> None:
    bob = EmulatedUser(emu, app, 2002, first_name="Bob")

    first = await alice.send("hello")
    second = await alice.send("again")
    bobs = await bob.send("hi")

    assert [first[0].text, second[0].text, bobs[0].text] == [
        "echo: hello",
        "echo: again",
        "echo: hi",
    ]
    assert [first[0].message_id, second[0].message_id, bobs[0].message_id] == [2, 4, 2]
    assert alice.last_reply.text == "echo: again"
    assert [r.text for r in alice.replies] == ["echo: hello", "echo: again"]


async def test_click_answers_the_query_and_edits_the_message_in_place(
    emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    welcome = (await alice.send("/start"))[0]

    replies = await alice.click("Yes please")

    assert len(replies) == 1
    assert replies[0].message_id == welcome.message_id
    assert replies[0].text == "You chose answer:yes"
    assert replies[0].edited
    assert replies[0].buttons == []  # an edit without reply_markup drops the keyboard
    assert alice.last_answer == "Noted"
    assert len(emu.messages_in(alice.id)) == 1
    assert welcome.text == "Welcome"  # returned messages are snapshots


async def test_click_matches_a_partial_label_and_rejects_unknown_ones(alice: EmulatedUser) -> None:
    await alice.send("/start")

    replies = await alice.click("please")

    assert replies[0].text == "You chose answer:yes"
    await alice.send("/start")
    with pytest.raises(AssertionError, match="no button 'Maybe'"):
        await alice.click("Maybe")
    with pytest.raises(AssertionError, match="not a callback button"):
        await alice.click("Website")


async def test_forged_callback_data_reaches_the_handler(alice: EmulatedUser) -> None:
    await alice.send("/start")

    replies = await alice.click_data("menu:bogus")

    assert replies[0].text == "You chose menu:bogus"


async def test_reply_keyboard_is_stored_but_not_echoed_and_clicks_send_text(
    emu: BotApiEmulator, app: App, alice: EmulatedUser
) -> None:
    replies = await alice.send("/phone")
    sent = await app.bot.send_message(alice.id, "plain", reply_markup=ReplyKeyboardMarkup([["A"]]))

    assert replies[0].buttons == [["Share my number"], ["Cancel"]]
    assert sent.reply_markup is None  # Telegram does not echo reply keyboards
    assert emu.messages_in(alice.id)[-1].buttons == [["A"]]
    assert (await alice.click("A"))[0].text == "echo: A"
    with pytest.raises(AssertionError, match="no button"):
        await alice.click("A")  # the echo removed the reply keyboard


async def test_request_contact_button_shares_the_users_own_contact(alice: EmulatedUser) -> None:
    await alice.send("/phone")

    replies = await alice.click("Share my number")

    assert replies[0].text == f"contact +989121234567 {alice.id} False"


async def test_contacts_can_belong_to_someone_else_or_be_forwarded(alice: EmulatedUser) -> None:
    other = await alice.share_contact("+989350000000", user_id=42)
    anonymous = await alice.share_contact(user_id=None)
    forwarded = await alice.share_contact(forwarded=True)

    assert other[0].text == "contact +989350000000 42 False"
    assert anonymous[0].text == "contact +989121234567 None False"
    assert forwarded[0].text == f"contact +989121234567 {alice.id} True"


async def test_sticker_photo_and_voice_reach_media_handlers(alice: EmulatedUser) -> None:
    assert (await alice.send_sticker())[0].text == "got sticker"
    assert (await alice.send_photo())[0].text == "got photo"
    assert (await alice.send_voice())[0].text == "got voice"


async def test_last_reply_without_any_message_is_a_clear_assertion(alice: EmulatedUser) -> None:
    with pytest.raises(AssertionError, match="has not sent anything"):
        _ = alice.last_reply
    assert alice.last_answer is None


# --------------------------------------------------------------------------- Bot API realism


async def test_editing_with_identical_content_is_not_modified(
    app: App, alice: EmulatedUser
) -> None:
    welcome = (await alice.send("/start"))[0]
    markup = InlineKeyboardMarkup.de_json(welcome.reply_markup, app.bot)

    with pytest.raises(BadRequest, match=CI + "message is not modified"):
        await app.bot.edit_message_text(
            "Welcome", chat_id=alice.id, message_id=welcome.message_id, reply_markup=markup
        )


async def test_editing_a_missing_or_deleted_message_is_rejected(
    app: App, alice: EmulatedUser
) -> None:
    welcome = (await alice.send("/start"))[0]
    await app.bot.delete_message(alice.id, welcome.message_id)

    with pytest.raises(BadRequest, match=CI + "message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=alice.id, message_id=welcome.message_id)
    with pytest.raises(BadRequest, match=CI + "message to delete not found"):
        await app.bot.delete_message(alice.id, welcome.message_id)
    with pytest.raises(BadRequest, match=CI + "message can't be edited"):
        await app.bot.edit_message_text("x", chat_id=alice.id, message_id=1)  # the user's
    assert alice.replies == []


async def test_html_is_parsed_and_unsupported_tags_are_rejected(
    emu: BotApiEmulator, app: App
) -> None:
    sent = await app.bot.send_message(7, "<b>Hi</b> &amp; bye", parse_mode="HTML")

    assert sent.text == "Hi & bye"
    assert emu.messages_in(7)[0].raw_text == "<b>Hi</b> &amp; bye"
    with pytest.raises(BadRequest, match=CI + 'Unsupported start tag "br"'):
        await app.bot.send_message(7, "line<br>line", parse_mode="HTML")
    with pytest.raises(BadRequest, match=CI + "Can't find end tag"):
        await app.bot.send_message(7, "<b>open", parse_mode="HTML")


async def test_length_and_callback_data_limits_are_enforced(app: App) -> None:
    with pytest.raises(BadRequest, match=CI + "message is too long"):
        await app.bot.send_message(7, "x" * 4097)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=CI + "BUTTON_DATA_INVALID"):
        await app.bot.send_message(7, "x", reply_markup=too_long)


async def test_photos_and_documents_record_file_ids_and_uploads(
    emu: BotApiEmulator, app: App
) -> None:
    photo = await app.bot.send_photo(7, "AgACfileid", caption="look")
    document = await app.bot.send_document(7, b"report", filename="report.csv")
    await app.bot.edit_message_caption(chat_id=7, message_id=photo.message_id, caption="new")

    stored = emu.messages_in(7)
    assert photo.caption == "look"
    assert photo.photo[0].file_id == "AgACfileid"
    assert document.document.file_name == "report.csv"
    assert (stored[0].has_photo, stored[0].uploaded, stored[0].text) == (True, False, "new")
    assert (stored[1].has_document, stored[1].uploaded) == (True, True)
    assert emu.calls_to("sendDocument")[0].files == {"document": "report.csv"}


async def test_command_menu_round_trip_on_telegram(app: App) -> None:
    assert await app.bot.set_my_commands([BotCommand("start", "Begin")], language_code="fa")

    assert await app.bot.get_my_commands(language_code="fa") == (BotCommand("start", "Begin"),)
    assert await app.bot.get_my_commands() == ()
    assert await app.bot.delete_my_commands(language_code="fa")
    with pytest.raises(BadRequest, match=CI + "BOT_COMMAND_INVALID"):
        await app.bot.set_my_commands([BotCommand("Start", "Begin")])


async def test_chat_action_and_webhook_methods_answer_true(emu: BotApiEmulator, app: App) -> None:
    assert await app.bot.send_chat_action(7, "typing")
    assert await app.bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await app.bot.get_updates()
    assert (await app.bot.get_webhook_info()).url == "https://example.org/hook"
    assert await app.bot.delete_webhook()
    assert emu.webhook_url is None


async def test_answering_an_unknown_callback_query_is_rejected(app: App) -> None:
    with pytest.raises(BadRequest, match=CI + "query is too old"):
        await app.bot.answer_callback_query("999")


async def test_unknown_method_is_404_which_ptb_maps_to_invalid_token(
    emu: BotApiEmulator, app: App
) -> None:
    status, body = await emu.do_request(f"https://api.telegram.org/bot{TOKEN}/fooBar", "POST")

    assert status == 404
    assert json.loads(body) == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(InvalidToken, match="Not Found"):
        await emu.post(f"https://api.telegram.org/bot{TOKEN}/fooBar", RequestData())
    # Bot.do_api_request turns it into EndPointNotFound once the bot is initialized.
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("fooBar")


async def test_clear_calls_forgets_the_history(emu: BotApiEmulator, app: App) -> None:
    assert [call.method for call in emu.calls] == ["getMe"]  # from initialize()

    emu.clear_calls()

    assert emu.calls == []


# --------------------------------------------------------------------------- Bale


async def test_bale_edits_apply_but_answer_a_stub_ptb_cannot_parse(bale_app: App) -> None:
    emu = bale_app.bot.request
    assert isinstance(emu, BotApiEmulator)
    sent = await bale_app.bot.send_message(7, "before")

    with pytest.raises(KeyError, match="date"):
        await bale_app.bot.edit_message_text("after", chat_id=7, message_id=sent.message_id)

    assert emu.messages_in(7)[0].text == "after"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    status, body = await emu.call(
        "editMessageReplyMarkup",
        {"chat_id": 7, "message_id": sent.message_id, "reply_markup": markup},
    )
    assert status == 200
    assert json.loads(body) == {"ok": True, "result": {"message_id": 0}}


async def test_bale_has_no_command_menu_which_ptb_reports_as_invalid_token(
    bale_app: App,
) -> None:
    with pytest.raises(InvalidToken):
        await bale_app.bot.set_my_commands([BotCommand("start", "Begin")])
    with pytest.raises(InvalidToken):
        await bale_app.bot.get_my_commands()


# --------------------------------------------------------------------------- faults


@pytest.mark.usefixtures("timedelta_mode")
async def test_429_with_retry_after_raises_retry_after_once(emu: BotApiEmulator, app: App) -> None:
    emu.fail_next("sendMessage", kind="429", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(7, "x")

    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert (await app.bot.send_message(7, "x")).text == "x"
    assert [call.status for call in emu.calls_to("sendMessage")] == [429, 200]


async def test_429_without_retry_after_is_only_a_network_error(
    emu: BotApiEmulator, app: App
) -> None:
    emu.fail_next(kind="429", retry_after=None)

    with pytest.raises(NetworkError, match="Too Many Requests") as caught:
        await app.bot.send_message(7, "x")

    assert not isinstance(caught.value, RetryAfter)


async def test_injected_403_5xx_timeout_and_network_faults_map_to_ptb_errors(
    emu: BotApiEmulator, app: App
) -> None:
    emu.fail_next(kind="403")
    emu.fail_next(kind="5xx")
    emu.fail_next(kind="timeout")
    emu.fail_next("sendChatAction", kind="network", times=2)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(7, "x")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await app.bot.send_message(7, "x")
    with pytest.raises(TimedOut):
        await app.bot.send_message(7, "x")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Emulated network failure"):
            await app.bot.send_chat_action(7, "typing")
    assert await app.bot.send_chat_action(7, "typing")


async def test_faults_for_any_method_spare_get_updates(emu: BotApiEmulator, app: App) -> None:
    emu.fail_next(kind="5xx")

    assert await app.bot.get_updates() == ()
    with pytest.raises(NetworkError):
        await app.bot.send_message(7, "x")


async def test_blocked_and_deactivated_chats_answer_403(
    emu: BotApiEmulator, app: App, alice: EmulatedUser
) -> None:
    await alice.send("/start")
    emu.block_chat(alice.id)
    emu.deactivate_chat(8)

    assert await alice.send("hello") == []  # PTB logs the handler's Forbidden, no raise
    assert emu.calls_to("sendMessage")[-1].status == 403
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(alice.id, "x")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await app.bot.send_chat_action(8, "typing")
    emu.unblock_chat(alice.id)
    assert (await app.bot.send_message(alice.id, "back")).text == "back"


# --------------------------------------------------------------------------- long polling


async def test_get_updates_returns_a_pushed_update_promptly(emu: BotApiEmulator, app: App) -> None:
    user = EmulatedUserInfo(1001, "Alice", "fa")
    poll = asyncio.create_task(app.bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = time.monotonic()

    emu.push_update(emu.make_message_update(user, "/start"))
    updates = await poll

    assert time.monotonic() - started < 0.5
    assert [u.message.text for u in updates] == ["/start"]
    assert updates[0].message.entities[0].type == "bot_command"
    assert len(emu.calls_to("getUpdates")) == 1


async def test_get_updates_waits_out_the_timeout_without_busy_looping(
    emu: BotApiEmulator, app: App
) -> None:
    started = time.monotonic()

    updates = await app.bot.get_updates(timeout=0.3)

    assert updates == ()
    assert time.monotonic() - started >= 0.29
    assert len(emu.calls_to("getUpdates")) == 1


async def test_get_updates_offset_confirms_and_limit_caps(emu: BotApiEmulator, app: App) -> None:
    user = EmulatedUserInfo(1001, "Alice", "fa")
    ids = [emu.push_update(emu.make_message_update(user, f"m{i}"))["update_id"] for i in range(3)]

    first = await app.bot.get_updates(limit=2)
    rest = await app.bot.get_updates(offset=ids[1] + 1)

    assert [u.update_id for u in first] == ids[:2]
    assert [u.update_id for u in rest] == [ids[2]]
    assert [u["update_id"] for u in emu.pending_updates] == [ids[2]]


async def test_updater_polling_delivers_pushed_updates_to_handlers(
    emu: BotApiEmulator, app: App
) -> None:
    user = EmulatedUserInfo(1001, "Alice", "fa")
    await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=10))
    await app.start()
    try:
        emu.push_update(emu.make_message_update(user, "hello"))
        await wait_until(lambda: emu.messages_in(user.id))
    finally:
        await app.updater.stop()
        await app.stop()

    assert emu.messages_in(user.id)[0].text == "echo: hello"
    assert emu.pending_updates == []  # the Updater confirmed it on stop
    assert len(emu.calls_to("getUpdates")) <= 4


# --------------------------------------------------------------------------- HTTP front end


@pytest.fixture
async def http_emu(emu: BotApiEmulator) -> AsyncIterator[BotApiEmulator]:
    server = await serve_http(emu)
    yield emu
    server.close()
    await server.wait_closed()


@pytest.fixture
async def http_bot(http_emu: BotApiEmulator) -> AsyncIterator[PtbBot]:
    bot = PtbBot(TOKEN, base_url=f"http://127.0.0.1:{http_emu.http_port}/bot")
    async with bot:
        yield bot


@pytest.mark.usefixtures("timedelta_mode")
async def test_http_server_serves_ptb_httpx_client(
    http_emu: BotApiEmulator, http_bot: PtbBot
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("123", callback_data="7")]])
    sent = await http_bot.send_message(42, "123", reply_markup=keyboard)
    photo = await http_bot.send_photo(42, b"\x89PNG fake", caption="true", filename="p.png")
    http_emu.fail_next("sendMessage", kind="429", retry_after=3)
    with pytest.raises(RetryAfter):
        await http_bot.send_message(42, "x")

    assert http_bot.bot.username == "hamdeli_bot"
    assert sent.text == "123"  # stays a string although it looks like JSON
    assert sent.reply_markup == keyboard
    assert photo.caption == "true"
    assert http_emu.calls_to("sendPhoto")[0].files == {"photo": "p.png"}
    assert http_emu.calls_to("sendMessage")[0].params["chat_id"] == 42


async def test_http_long_polling_and_errors_pass_through(
    http_emu: BotApiEmulator, http_bot: PtbBot
) -> None:
    user = EmulatedUserInfo(1001, "Alice", "fa")
    poll = asyncio.create_task(http_bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    http_emu.push_update(emu_update := http_emu.make_message_update(user, "hi"))

    updates = await poll

    assert updates[0].message.text == emu_update["message"]["text"]
    with pytest.raises(BadRequest, match=CI + "message to edit not found"):
        await http_bot.edit_message_text("x", chat_id=1, message_id=99)


async def test_http_server_answers_garbage_with_400_and_keeps_serving(
    http_emu: BotApiEmulator, http_bot: PtbBot
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", http_emu.http_port)
    writer.write(b"NONSENSE\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert (await http_bot.get_me()).username == "hamdeli_bot"


async def test_http_timeout_and_network_faults_surface_as_ptb_errors(
    http_emu: BotApiEmulator,
) -> None:
    request = HTTPXRequest(read_timeout=0.2)
    bot = PtbBot(TOKEN, base_url=f"http://127.0.0.1:{http_emu.http_port}/bot", request=request)
    async with bot:
        http_emu.fail_next("sendMessage", kind="timeout")
        http_emu.fail_next("sendMessage", kind="network")

        with pytest.raises(TimedOut):
            await bot.send_message(42, "x")
        with pytest.raises(NetworkError):
            await bot.send_message(42, "x")
        assert (await bot.send_message(42, "x")).text == "x"
