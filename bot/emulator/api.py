"""The Bot API surface: `BotApiEmulator`, the object PTB talks to, and the methods it answers.

Mocking `telegram.Bot` would skip exactly the code that breaks in production: PTB's
serialization of keyboards, its parsing of the answers and its mapping of HTTP errors to
exceptions. `BotApiEmulator` instead plugs in *below* PTB, as a `telegram.request.BaseRequest`,
and answers with the JSON the Bot API answers, so all of PTB's real code runs. Every way in
(PTB in-process through `do_request`, HTTP through `bot.emulator.server`) goes through one
entry point, `call`: record the call, fire an injected fault, look the method up in
`_HANDLERS`, answer.

This module holds that dispatch and the message methods (send, edit, delete, answer a
callback query, bot commands), with the platform differences in which methods exist: Bale
has no bot-command methods and its own `inquireTransaction`, and answers an edit with a
message PTB cannot parse. The class is assembled from parts, one module each, so a reader
finds a behaviour by its name: the shared state and message store (`state`), the update
queue and getUpdates (`updates`), webhooks (`webhooks`), payments (`payments`) and fault
injection (`faults`).
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit

from telegram.request import BaseRequest, RequestData

from bot.emulator.faults import FaultInjection
from bot.emulator.payments import Payments
from bot.emulator.records import (
    NOT_FOUND,
    PLATFORMS,
    QUERY_INVALID,
    ApiCall,
    ApiError,
    JSONDict,
    SentMessage,
    Upload,
    dumps,
)
from bot.emulator.state import int_param
from bot.emulator.webhooks import Webhook

DELETE_NOT_FOUND: Final = "Bad Request: message to delete not found"
NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")
_COMMAND_METHODS: Final = frozenset({"setMyCommands", "getMyCommands", "deleteMyCommands"})

# Bot API method -> handler attribute, defined here or in the part that owns the method
# (webhooks, payments). getUpdates is async and dispatched separately (updates).
_HANDLERS: Final = {
    "getMe": "_get_me",
    "setWebhook": "_set_webhook",
    "deleteWebhook": "_delete_webhook",
    "getWebhookInfo": "_get_webhook_info",
    "close": "_true",
    "logOut": "_true",
    "sendMessage": "_send_message",
    "sendPhoto": "_send_photo",
    "sendDocument": "_send_document",
    "sendChatAction": "_send_chat_action",
    "editMessageText": "_edit_text",
    "editMessageCaption": "_edit_caption",
    "editMessageReplyMarkup": "_edit_markup",
    "answerCallbackQuery": "_answer_callback",
    "deleteMessage": "_delete_message",
    "setMyCommands": "_set_commands",
    "getMyCommands": "_get_commands",
    "deleteMyCommands": "_delete_commands",
    "sendInvoice": "_send_invoice",
    "answerPreCheckoutQuery": "_answer_pre_checkout",
    "inquireTransaction": "_inquire_transaction",
}
# Bale's own methods: Telegram answers them 404 like any method it does not have.
_BALE_ONLY: Final = frozenset({"inquireTransaction"})


class BotApiEmulator(Webhook, Payments, FaultInjection, BaseRequest):
    """A fake Bot API server living inside PTB's request layer.

    One instance can be both ``request`` and ``get_updates_request`` of an Application: PTB
    calls `initialize`/`shutdown` once per slot (concurrently), so both are idempotent and
    no ``for_updates()`` companion is needed.

    Dates come from the injectable clock `now`; getUpdates long polling waits in real
    (event loop) time, because that is what PTB's Updater measures.
    """

    def __init__(
        self,
        platform: str = "telegram",
        bot_id: int = 777000111,
        bot_username: str = "hamdeli_bot",
        now: Callable[[], float] = time.time,
        *,
        bot_first_name: str = "Hamdeli",
    ) -> None:
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}, not {platform!r}")
        super().__init__(platform, bot_id, bot_username, now, bot_first_name=bot_first_name)
        self.calls: list[ApiCall] = []
        self.callback_answers: list[JSONDict] = []
        self.initialized = False
        self.http_port: int | None = None
        self._commands: dict[str, list[JSONDict]] = {}
        self._observers: list[Callable[[ApiCall], None]] = []
        # (chat id, message id) -> what the bot uploaded there: a test reads the document.
        self.uploads: dict[tuple[int, int], Upload] = {}

    # ---- BaseRequest interface

    @property
    def read_timeout(self) -> float | None:
        """PTB adds this to getUpdates' `timeout`; nothing here ever times out by itself."""
        return 5.0

    async def initialize(self) -> None:
        """Idempotent, because PTB initializes the request and get_updates slots both."""
        self.initialized = True

    async def shutdown(self) -> None:
        """Idempotent for the same reason; wakes pollers so nothing is left waiting."""
        self.initialized = False
        self._wake_pollers()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route a PTB request to `call`: the API method is the URL's last segment."""
        api_method = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = _uploaded_file_names(request_data) if request_data else {}
        status, body = await self.call(api_method, params, files)
        if status == 200 and files:
            self._keep_uploads(json.loads(body)["result"], request_data)  # type: ignore[arg-type]  # files came from request_data: not None
        return status, body

    def _keep_uploads(self, result: Any, request_data: RequestData) -> None:
        """The bytes of what a message carries (a PDF, a chart), kept by message, so a test
        can open the document the donor got (and the demo can save it)."""
        if not isinstance(result, dict) or "message_id" not in result:
            return
        where = (result["chat"]["id"], result["message_id"])
        for name, content, *_ in request_data.multipart_data.values():
            self._keep_upload(where, Upload(str(name or "file"), bytes(content)))  # type: ignore[arg-type]  # PTB sends uploads as bytes here, never a file object

    def _keep_upload(self, where: tuple[int, int], upload: Upload) -> None:
        self.uploads[where] = upload

    def upload_of(self, message: SentMessage) -> Upload:
        """What the bot uploaded with `message` (AssertionError when it sent none)."""
        upload = self.uploads.get((message.chat_id, message.message_id))
        assert upload is not None, f"message {message.message_id} carries no uploaded file"
        return upload

    # ---- transport-independent entry point

    async def call(
        self, method: str, params: JSONDict, files: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Record the call, apply injected faults, answer like the Bot API would."""
        # PTB builds fresh parameters for every request, so a shallow copy keeps the record
        # intact; deep copies here would make the emulator, not the bot, dominate benchmarks.
        record = ApiCall(method, dict(params), self._now(), dict(files or {}))
        self.calls.append(record)
        try:
            result = await self._answer(method, params, files or {})
        except ApiError as error:
            record.status = error.code
            return error.code, dumps(error.payload())
        record.status = 200
        for observer in self._observers:
            observer(record)
        return 200, dumps({"ok": True, "result": result})

    async def _answer(self, method: str, params: JSONDict, files: dict[str, str]) -> Any:
        fault = self._take_fault(method)
        if fault is not None and fault.kind != "lost-answer":
            raise fault.fire()
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = _HANDLERS.get(method)
        if (
            handler is None
            or (self.platform == "bale" and method in _COMMAND_METHODS)
            or (self.platform != "bale" and method in _BALE_ONLY)
        ):
            raise ApiError(404, NOT_FOUND)
        self._check_chat_open(method, params)
        result = getattr(self, handler)(params, files)
        if fault is not None:
            raise fault.fire()
        return result

    # ---- call log

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one Bot API method, in order."""
        return [call for call in self.calls if call.method == method]

    def observe(self, observer: Callable[[ApiCall], None]) -> None:
        """Call `observer` with each call answered successfully, as soon as it is counted
        (tests act at an exact point, e.g. kill the bot after the K-th send)."""
        self._observers.append(observer)

    def clear_calls(self) -> None:
        """Forget recorded calls (e.g. the getMe of initialize) before the part under test."""
        self.calls.clear()

    # ---- method handlers (params, files) -> result

    def _true(self, params: JSONDict, files: dict[str, str]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ---- messages: send, edit

    def _send_message(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        chat_id = self._chat_id(params)
        raw, visible = self._text(params)
        message = self._store(
            chat_id,
            text=visible,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params),
        )
        return self.message_json(message)

    def _send_media(self, params: JSONDict, files: dict[str, str], kind: str) -> JSONDict:
        chat_id = self._chat_id(params)
        file = self._file(params, files, kind)
        raw, visible = self._caption(params)
        message = self._store(
            chat_id,
            text=visible,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params),
            has_photo=kind == "photo",
            has_document=kind == "document",
            file_id=file["file_id"],
            file_name=file["file_name"],
            uploaded=file.get("uploaded", False),
        )
        return self.message_json(message)

    def _send_photo(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        return self._send_media(params, files, "photo")

    def _send_document(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        return self._send_media(params, files, "document")

    def _send_chat_action(self, params: JSONDict, files: dict[str, str]) -> bool:
        if not params.get("action"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _edit_text(self, params: JSONDict, files: dict[str, str]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._find_for_edit(params)
        if message.has_photo or message.has_document:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, visible = self._text(params)
        return self._apply_edit(message, params, raw, visible)

    def _edit_caption(self, params: JSONDict, files: dict[str, str]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._find_for_edit(params)
        if not (message.has_photo or message.has_document):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        raw, visible = self._caption(params)
        return self._apply_edit(message, params, raw, visible)

    def _edit_markup(self, params: JSONDict, files: dict[str, str]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._find_for_edit(params)
        return self._apply_edit(message, params, message.raw_text, message.text)

    def _apply_edit(
        self, message: SentMessage, params: JSONDict, raw: str | None, visible: str | None
    ) -> JSONDict:
        """Omitting reply_markup in an edit removes the inline keyboard, as on Telegram."""
        markup = self._markup(params)
        current = message.reply_markup if message.has_inline_keyboard else None
        if visible == message.text and markup == current:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.raw_text = visible, raw
        if "parse_mode" in params:
            message.parse_mode = params["parse_mode"]
        if markup is not None or message.has_inline_keyboard:
            message.reply_markup = markup  # a reply keyboard stays: it belongs to the chat
        message.edited = True
        message.edit_date = int(self._now())
        self._touch(message)
        if self.platform == "bale":
            return {"message_id": 0}
        return self.message_json(message)

    # ---- callbacks, deletions, bot commands

    def _answer_callback(self, params: JSONDict, files: dict[str, str]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_owner:
            raise ApiError(400, QUERY_INVALID)
        self.callback_answers.append(copy.deepcopy(params))
        return True

    def _delete_message(self, params: JSONDict, files: dict[str, str]) -> bool:
        chat_id = self._chat_id(params)
        message_id = int_param(params, "message_id")
        user_messages = self._user_messages.get(chat_id, set())
        if message_id in user_messages:
            user_messages.discard(message_id)
            return True
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            raise ApiError(400, DELETE_NOT_FOUND)
        message.deleted = True
        return True

    def _set_commands(self, params: JSONDict, files: dict[str, str]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is empty")
        self._commands[_commands_key(params)] = copy.deepcopy(commands)
        return True

    def _get_commands(self, params: JSONDict, files: dict[str, str]) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(_commands_key(params), []))

    def _delete_commands(self, params: JSONDict, files: dict[str, str]) -> bool:
        self._commands.pop(_commands_key(params), None)
        return True


def _commands_key(params: JSONDict) -> str:
    scope = params.get("scope") or {"type": "default"}
    if isinstance(scope, str):
        scope = json.loads(scope)
    return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)


def _uploaded_file_names(request_data: RequestData) -> dict[str, str]:
    """Part name -> file name of uploads; the bytes do not matter to any test."""
    names: dict[str, str] = {}
    for part, field_tuple in request_data.multipart_data.items():
        names[part] = str(field_tuple[0] or part)
    return names
