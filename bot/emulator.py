"""An in-process Bot API emulator for tests, benchmarks and the terminal demo.

Mocking `telegram.Bot` would skip exactly the code that breaks in production: PTB's
serialization of keyboards, its parsing of the answers and its mapping of HTTP errors to
exceptions. The emulator instead plugs in *below* PTB, as a `telegram.request.BaseRequest`,
and answers with the JSON the Bot API answers, so all of PTB's real code runs.

Three entry points share one state machine (`BotApiEmulator.call`):

* `BotApiEmulator` used directly as PTB's request object (in-process, fastest);
* `serve_http` for a real bot process that talks HTTP to ``http://127.0.0.1:PORT/bot`` (or,
  one emulator per platform, ``…/telegram/bot`` and ``…/bale/bot``);
* `EmulatedUser`, which feeds updates to an `Application` so tests read like conversations.

Deliberate realism (each of these has bitten real bots): per-chat message ids shared by the
user and the bot, reply keyboards that Telegram does not echo, editing without a keyboard
removes it, "message is not modified", HTML parse errors (``<br>`` is rejected), 4096/1024
character limits, 64-byte callback data, blocked and deactivated users, 429 with and without
``retry_after``, and Bale's edit answers that PTB cannot parse.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import logging
import re
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import httpx
import telegram
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

__all__ = [
    "ApiCall",
    "BotApiEmulator",
    "Checkout",
    "EmulatedUser",
    "EmulatedUserInfo",
    "SentMessage",
    "WebhookDelivery",
    "serve_http",
]

JSONDict = dict[str, Any]

_LOGGER = logging.getLogger(__name__)

PLATFORMS: Final = ("telegram", "bale")
FAULT_KINDS: Final = ("429", "403", "401", "404", "5xx", "timeout", "network", "lost-answer")

NOT_FOUND: Final = "Not Found"
BLOCKED: Final = "Forbidden: bot was blocked by the user"
DEACTIVATED: Final = "Forbidden: user is deactivated"
EDIT_NOT_FOUND: Final = "Bad Request: message to edit not found"
DELETE_NOT_FOUND: Final = "Bad Request: message to delete not found"
CANT_EDIT: Final = "Bad Request: message can't be edited"
NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
BAD_MARKUP: Final = "Bad Request: can't parse reply keyboard markup JSON object"
WEBHOOK_CONFLICT: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)

TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
CALLBACK_DATA_LIMIT: Final = 64  # bytes, UTF-8
_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")

# Methods whose chat_id is checked against blocked/deactivated chats.
_CHAT_SCOPED: Final = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "sendInvoice",
    }
)
_COMMAND_METHODS: Final = frozenset({"setMyCommands", "getMyCommands", "deleteMyCommands"})

# Bot API method -> handler attribute. getUpdates is async and dispatched separately.
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
# Webhooks, as Telegram has them: the secret's alphabet, the header carrying it (Bale sends
# none), the update types sent when allowed_updates is empty, and a short retry backoff.
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BAD_SECRET: Final = "Bad Request: secret token contains unallowed characters"
BAD_WEBHOOK_URL: Final = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
_NOT_BY_DEFAULT: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
WEBHOOK_TIMEOUT_S: Final = 30.0
WEBHOOK_MAX_BACKOFF_S: Final = 1.0
WEBHOOK_MAX_CONNECTIONS: Final = 40  # Telegram's default for setWebhook's max_connections

# Bale's own methods: Telegram answers them 404 like any method it does not have.
_BALE_ONLY: Final = frozenset({"inquireTransaction"})
TRANSACTION_NOT_FOUND: Final = "Bad Request: transaction not found"

# Tags Telegram's HTML parse mode accepts; anything else (notably <br>) is a 400.
_HTML_TAGS: Final = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
        "tg-spoiler", "span", "blockquote", "tg-emoji",
    }
)  # fmt: skip

_OWN_ID: Final = object()  # sentinel: "the user's own id" for share_contact
_FORWARDER: Final = {"id": 555000555, "is_bot": False, "first_name": "Other"}


# --------------------------------------------------------------------------- data types


@dataclass
class ApiCall:
    """One Bot API call as the bot made it, so tests can assert on what was *sent*."""

    method: str
    params: JSONDict
    time: float
    files: dict[str, str] = field(default_factory=dict)  # part name -> uploaded file name
    status: int | None = None  # HTTP status answered; None when the call raised instead


@dataclass
class WebhookDelivery:
    """One POST of an update to the webhook: its HTTP status (None: no answer at all, see
    `error`) and the headers sent, so a test sees a 403 for a wrong secret or a retry."""

    update_id: int
    url: str
    status: int | None
    headers: dict[str, str]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (sendDocument, sendPhoto): its name and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class EmulatedUserInfo:
    """The Telegram user behind a private chat (chat id == user id, as in Telegram)."""

    id: int
    first_name: str
    language_code: str | None = "fa"
    username: str | None = None
    last_name: str | None = None

    def to_api(self) -> JSONDict:
        """The Bot API `User` object for this person."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class SentMessage:
    """A message the bot sent, as the user would see it now (text after HTML parsing)."""

    message_id: int
    chat_id: int
    text: str | None  # the text, or the caption of a photo/document
    reply_markup: JSONDict | None = None
    date: int = 0
    edit_date: int | None = None
    edited: bool = False
    deleted: bool = False
    has_photo: bool = False
    has_document: bool = False
    file_id: str | None = None
    file_name: str | None = None
    uploaded: bool = False  # True when the bot uploaded bytes rather than sending a file_id
    raw_text: str | None = None  # exactly what the bot sent, before parse_mode was applied
    invoice: JSONDict | None = None  # sendInvoice: title, description, payload, prices…
    parse_mode: str | None = None
    seq: int = field(default=0, repr=False, compare=False)  # order of the last change

    @property
    def has_inline_keyboard(self) -> bool:
        """Whether the message carries an inline keyboard (the only kind Telegram echoes)."""
        return bool(self.reply_markup and "inline_keyboard" in self.reply_markup)

    @property
    def has_reply_keyboard(self) -> bool:
        """Whether the message installed a reply (custom) keyboard in the chat."""
        return bool(self.reply_markup and "keyboard" in self.reply_markup)

    @property
    def removes_keyboard(self) -> bool:
        """Whether the message removed the chat's reply keyboard."""
        return bool(self.reply_markup and self.reply_markup.get("remove_keyboard"))

    @property
    def button_rows(self) -> list[list[JSONDict]]:
        """The raw button dicts of the inline or reply keyboard (plain strings become dicts)."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or self.reply_markup.get("keyboard") or []
        return [[{"text": b} if isinstance(b, str) else b for b in row] for row in rows]

    @property
    def buttons(self) -> list[list[str]]:
        """Button labels row by row, so tests can compare layouts with a plain list."""
        return [[button["text"] for button in row] for row in self.button_rows]

    def find_button(self, label: str) -> JSONDict | None:
        """The button labelled exactly `label`, else the only one containing it."""
        flat = [button for row in self.button_rows for button in row]
        exact = [b for b in flat if b["text"] == label]
        if exact:
            return exact[0]
        partial = [b for b in flat if label in b["text"]]
        if len(partial) > 1:
            labels = [b["text"] for b in partial]
            raise AssertionError(f"button label {label!r} is ambiguous: {labels}")
        return partial[0] if partial else None

    def button_data(self, label: str) -> str:
        """The callback_data behind an inline button, to check what a click would send."""
        button = self.find_button(label) if self.has_inline_keyboard else None
        if button is None:
            raise AssertionError(f"no inline button {label!r} in {self.buttons}")
        if "callback_data" not in button:
            raise AssertionError(f"inline button {label!r} has no callback_data: {button}")
        return str(button["callback_data"])


@dataclass
class Checkout:
    """A press of Pay on an invoice: whether the bot's pre-checkout said yes, and why not."""

    invoice: SentMessage
    approved: bool
    error_message: str | None = None
    update: JSONDict | None = None  # the successful_payment update, once the money moved
    transaction_id: str | None = None  # the pre-checkout query id (Bale's transaction id)


class _ApiError(Exception):
    """A Bot API error answer; raised inside handlers, turned into JSON by `call`."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        data: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


@dataclass
class _Fault:
    """A queued injected failure (see `BotApiEmulator.fail_next`)."""

    method: str | None
    remaining: int
    kind: str
    retry_after: int | None
    description: str

    def matches(self, method: str) -> bool:
        # method=None must never break long polling, or every test would see polling noise.
        return method == self.method if self.method else method != "getUpdates"

    def fire(self) -> _ApiError:
        """Raise transport faults directly; return the API error for the others."""
        if self.kind == "lost-answer":  # the call was carried out; its answer never came
            raise TimedOut("Timed out (emulated, after the call)") from httpx.ReadTimeout(
                "emulated read timeout"
            )
        if self.kind == "timeout":
            raise TimedOut("Timed out (emulated)")
        if self.kind == "network":
            raise NetworkError("Emulated network failure")
        if self.kind == "403":
            return _ApiError(403, self.description)
        if self.kind == "401":  # what a revoked or mistyped token gets
            return _ApiError(401, "Unauthorized")
        if self.kind == "404":  # what Bale answers a token it does not know
            return _ApiError(404, NOT_FOUND)
        if self.kind == "5xx":
            return _ApiError(502, "Bad Gateway")
        if self.retry_after is None:
            return _ApiError(429, "Too Many Requests")
        return _ApiError(
            429,
            f"Too Many Requests: retry after {self.retry_after}",
            {"retry_after": self.retry_after},
        )


# --------------------------------------------------------------------------- HTML parse mode


class _TelegramHtml(HTMLParser):
    """Strips Telegram HTML to the visible text and rejects what Telegram rejects."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self._source = source
        self._stack: list[str] = []
        self._parts: list[str] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self._source.split("\n")
        index = sum(len(text) + 1 for text in lines[: line - 1]) + column
        return len(self._source[:index].encode("utf-8"))

    def _fail(self, reason: str) -> None:
        raise _ApiError(400, f"Bad Request: can't parse entities: {reason}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1] != tag:
            expected = f'"</{self._stack[-1]}>"' if self._stack else "no end tag"
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def visible_text(self) -> str:
        self.feed(self._source)
        self.close()
        if self._stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._stack[-1]}"')
        return "".join(self._parts)


# --------------------------------------------------------------------------- Bale's Markdown

# Bale has no parse_mode: it renders Markdown markers in every message. A pair of markers
# on one line formats what is between them (the markers vanish: `_bot?start=need_` in a
# link becomes italic "bot?start=need"), a link `[text](url)` shows its text, and a
# backslash before a marker shows the marker itself. A marker without a partner stays.
_BALE_MARKERS: Final = "*_~`"
_BALE_ESCAPABLE: Final = frozenset("\\*_`[]~|>")
_BALE_LINK: Final = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")


def _bale_visible(raw: str) -> str:
    """What a Bale client shows for a message sent without parse_mode."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw) and raw[i + 1] in _BALE_ESCAPABLE:
            out.append(raw[i + 1])
            i += 2
            continue
        link = _BALE_LINK.match(raw, i) if char == "[" else None
        if link:
            out.append(_bale_visible(link.group(1)))
            i = link.end()
            continue
        end = _bale_closing(raw, i) if char in _BALE_MARKERS else -1
        if end > i:
            out.append(_bale_visible(raw[i + 1 : end]))
            i = end + 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _bale_closing(raw: str, start: int) -> int:
    """Where the marker at `start` closes on its line (unescaped), or -1."""
    marker, i = raw[start], start + 1
    while i < len(raw) and raw[i] != "\n":
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in _BALE_ESCAPABLE:
            i += 2
            continue
        if raw[i] == marker:
            return i
        i += 1
    return -1


def _visible_text(raw: str, parse_mode: str | None, platform: str = "telegram") -> str:
    """What the user sees. Telegram parses only HTML here (Markdown modes pass through);
    Bale renders Markdown in every message, whatever parse_mode says."""
    if platform == "bale":
        return _bale_visible(raw)
    if parse_mode and parse_mode.upper() == "HTML":
        return _TelegramHtml(raw).visible_text()
    return raw


# --------------------------------------------------------------------------- the emulator


def _update_chat(update: JSONDict) -> int | None:
    """The chat an update belongs to (its sender's, for those without a chat): the unit
    whose updates a webhook receives one at a time and in order; None: no order needed."""
    body = next((value for key, value in update.items() if key != "update_id"), None)
    if not isinstance(body, dict):
        return None
    for holder in (body, body.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return int(holder["chat"]["id"])
    sender = body.get("from")
    return int(sender["id"]) if isinstance(sender, dict) else None


class BotApiEmulator(BaseRequest):
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
        self.platform = platform
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self._now = now
        self.calls: list[ApiCall] = []
        self.callback_answers: list[JSONDict] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_allowed_updates: list[str] = []  # empty: every type sent by default
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_retry_s = 0.05  # the first retry's wait; it doubles up to 1 s
        self._webhook_error: tuple[int, str] | None = None  # (date, message) of the last
        self.webhook_max_connections = WEBHOOK_MAX_CONNECTIONS
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_loop: asyncio.AbstractEventLoop | None = None
        self._webhook_wakeup: asyncio.Event | None = None  # a new update to consider
        self._balanced: itertools.cycle[str] | None = None  # see balance_webhook
        self.initialized = False
        self.http_port: int | None = None
        self._messages: dict[int, dict[int, SentMessage]] = {}
        self._user_messages: dict[int, set[int]] = {}
        self._next_message_id: dict[int, int] = {}
        self._users: dict[int, EmulatedUserInfo] = {}
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._waiters: set[asyncio.Future[None]] = set()
        self._faults: list[_Fault] = []
        self._closed_chats: dict[int, str] = {}
        self._commands: dict[str, list[JSONDict]] = {}
        self._callback_owner: dict[str, int] = {}
        self._observers: list[Callable[[ApiCall], None]] = []
        self.pre_checkout_answers: dict[str, JSONDict] = {}  # query id -> the bot's answer
        self._pre_checkouts: dict[str, JSONDict] = {}  # query id -> the query, until answered
        self.payments: list[JSONDict] = []  # every successful_payment made (lost ones too)
        # Bale's view of each pre-checkout, for inquireTransaction: query id -> Transaction.
        self.transactions: dict[str, JSONDict] = {}
        self._charge_ids = itertools.count(1)
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
            self._keep_uploads(json.loads(body)["result"], request_data)  # type: ignore[arg-type]
        return status, body

    def _keep_uploads(self, result: Any, request_data: RequestData) -> None:
        """The bytes of what a message carries (a PDF, a chart), kept by message, so a test
        can open the document the donor got (and the demo can save it)."""
        if not isinstance(result, dict) or "message_id" not in result:
            return
        where = (result["chat"]["id"], result["message_id"])
        for name, content, *_ in request_data.multipart_data.values():
            self._keep_upload(where, Upload(str(name or "file"), bytes(content)))

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
        except _ApiError as error:
            record.status = error.code
            return error.code, _dumps(error.payload())
        record.status = 200
        for observer in self._observers:
            observer(record)
        return 200, _dumps({"ok": True, "result": result})

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
            raise _ApiError(404, NOT_FOUND)
        if method in _CHAT_SCOPED:
            self._check_chat_open(params)
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

    # ---- fault injection

    def fail_next(
        self,
        method: str | None = None,
        *,
        kind: str,
        times: int = 1,
        retry_after: int | None = 1,
        description: str = BLOCKED,
    ) -> None:
        """Make the next `times` calls of `method` (None: anything but getUpdates) fail.

        kind: "429" (`retry_after` seconds in `parameters`; None sends a bare 429 as Bale
        may), "403" (`description`), "401"/"404" (a bad token), "5xx" (502 Bad Gateway),
        "timeout" (PTB's TimedOut), "network" (PTB's NetworkError), "lost-answer" (the call
        is carried out, then PTB's TimedOut from a read timeout: did it arrive?). Faults
        queue in order; the first matching one fires.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {kind!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(_Fault(method, times, kind, retry_after, description))

    def clear_faults(self) -> None:
        """The API is healthy again: faults queued by `fail_next` and not yet fired are
        dropped (an outage is `fail_next(kind="5xx", times=<many>)`, then this)."""
        self._faults.clear()

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: later sends/edits to the chat answer 403."""
        self._closed_chats[chat_id] = BLOCKED

    def deactivate_chat(self, chat_id: int) -> None:
        """The user deleted their account: later sends/edits answer 403 "deactivated"."""
        self._closed_chats[chat_id] = DEACTIVATED

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocked the bot (e.g. pressed /start again)."""
        self._closed_chats.pop(chat_id, None)

    def _check_chat_open(self, params: JSONDict) -> None:
        description = self._closed_chats.get(self._chat_id(params))
        if description:
            raise _ApiError(403, description)

    # ---- updates

    def register_user(self, user: EmulatedUserInfo) -> None:
        """Remember a user so their private chat carries their name, as Telegram's does."""
        self._users[user.id] = user

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue an update for getUpdates under a fresh update_id; wakes a long poll."""
        queued = copy.deepcopy(update)
        queued["update_id"] = next(self._update_ids)
        self._updates.append(queued)
        self._wake_pollers()
        if self.webhook_url:
            self._schedule_webhook()
        return queued

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def make_message_update(
        self,
        user: EmulatedUserInfo,
        text: str | None = None,
        *,
        sticker: bool = False,
        photo: bool = False,
        voice: bool = False,
        contact: JSONDict | None = None,
        forward_from: EmulatedUserInfo | JSONDict | None = None,
        caption: str | None = None,
        document: str | None = None,
    ) -> JSONDict:
        """A Bot API `message` update from `user` in their private chat."""
        self.register_user(user)
        message_id = self._allocate_message_id(user.id)
        self._user_messages.setdefault(user.id, set()).add(message_id)
        message: JSONDict = {
            "message_id": message_id,
            "from": user.to_api(),
            "chat": self._chat_json(user.id),
            "date": int(self._now()),
        }
        message.update(self._message_content(text, sticker, photo, voice, contact))
        if document is not None:  # a file sent as a document; its MIME type from its name
            mime = "application/pdf" if document.lower().endswith(".pdf") else "image/jpeg"
            message["document"] = {**self._new_file("document"), "file_name": document,
                                   "mime_type": mime}  # fmt: skip
        if caption is not None:
            message["caption"] = caption
        if forward_from is not None:
            sender = (
                forward_from.to_api()
                if isinstance(forward_from, EmulatedUserInfo)
                else forward_from
            )
            message["forward_origin"] = {
                "type": "user",
                "date": int(self._now()) - 60,
                "sender_user": dict(sender),
            }
        return {"update_id": next(self._update_ids), "message": message}

    def _message_content(
        self, text: str | None, sticker: bool, photo: bool, voice: bool, contact: JSONDict | None
    ) -> JSONDict:
        content: JSONDict = {}
        if text is not None:
            content["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if sticker:
            content["sticker"] = {
                **self._new_file("sticker"), "type": "regular", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "emoji": "\U0001f642",
            }  # fmt: skip
        if photo:
            content["photo"] = self._photo_sizes(None)
        if voice:
            content["voice"] = {**self._new_file("voice"), "duration": 3, "mime_type": "audio/ogg"}
        if contact is not None:
            content["contact"] = dict(contact)
        return content

    def make_callback_update(
        self, user: EmulatedUserInfo, message: SentMessage | JSONDict, data: str
    ) -> JSONDict:
        """A `callback_query` update for a click on `message`; its id becomes answerable."""
        self.register_user(user)
        query_id = f"{user.id}{next(self._callback_ids):06d}"
        self._callback_owner[query_id] = user.id
        message_json = self.message_json(message) if isinstance(message, SentMessage) else message
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": json.loads(json.dumps(message_json)),  # a copy, as over the wire
            "chat_instance": f"ci{user.id}",
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def make_group_reply_update(
        self, user: EmulatedUserInfo, chat_id: int, reply_to: SentMessage, text: str
    ) -> JSONDict:
        """A `message` update from `user` in the group `chat_id` that replies to one of the
        bot's messages there: how staff answer a support ticket in their group."""
        update = self.make_message_update(user, text)
        update["message"]["chat"] = self._chat_json(chat_id)
        update["message"]["reply_to_message"] = self.message_json(reply_to)
        return update

    def _wake_pollers(self) -> None:
        # call_soon_threadsafe so a demo thread may push while the bot loop polls.
        for waiter in list(self._waiters):
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                waiter.get_loop().call_soon_threadsafe(_resolve, waiter)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(409, WEBHOOK_CONFLICT)
        self._confirm(params.get("offset"))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            await self._wait_for_update(timeout)
        return copy.deepcopy(self._updates[:limit])

    def _confirm(self, offset: Any) -> None:
        """Telegram forgets updates below a positive offset; a negative one keeps the tail."""
        if not offset:
            return
        offset = int(offset)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    async def _wait_for_update(self, seconds: float) -> None:
        """Sleep until push_update (or shutdown) wakes us: long polling without spinning."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait([waiter], timeout=seconds)
        finally:
            self._waiters.discard(waiter)
            waiter.cancel()

    # ---- inspection

    def messages_in(self, chat_id: int) -> list[SentMessage]:
        """Snapshots of every message the bot sent to the chat, in chat order (with deleted)."""
        return [copy.deepcopy(m) for m in self._messages.get(chat_id, {}).values()]

    def last_message_in(self, chat_id: int, *, snapshot: bool = True) -> SentMessage:
        """The newest message in the chat: a snapshot, or (`snapshot=False`, for drivers
        that only build a click from it, like the benchmarks) the live stored message."""
        messages = self._messages.get(chat_id)
        if not messages:
            raise AssertionError(f"no message in chat {chat_id}")
        latest = next(reversed(messages.values()))
        return copy.deepcopy(latest) if snapshot else latest

    def change_mark(self) -> int:
        """An opaque position in the change history, for `changed_since`."""
        return self._last_seq

    def changed_since(self, chat_id: int, mark: int) -> list[SentMessage]:
        """Snapshots of messages sent or edited after `mark` (not deleted), by time of change."""
        changed = [
            m for m in self._messages.get(chat_id, {}).values() if m.seq > mark and not m.deleted
        ]
        return [copy.deepcopy(m) for m in sorted(changed, key=lambda m: m.seq)]

    def callback_owner(self, callback_query_id: str) -> int | None:
        """Which user's click produced a callback query id."""
        return self._callback_owner.get(str(callback_query_id))

    def message_json(self, message: SentMessage) -> JSONDict:
        """The Bot API `Message` Telegram would return for a stored bot message.

        The keyboard is shared with the stored message: serialise or copy before changing it.
        """
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self._bot_json(),
            "chat": self._chat_json(message.chat_id),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        data.update(self._media_json(message))
        if message.has_inline_keyboard:  # Telegram never echoes reply keyboards
            data["reply_markup"] = message.reply_markup  # callers serialise or copy it
        return data

    def _media_json(self, message: SentMessage) -> JSONDict:
        if message.invoice is not None:
            invoice = message.invoice
            return {
                "invoice": {
                    "title": invoice["title"],
                    "description": invoice["description"],
                    "start_parameter": invoice.get("start_parameter") or "",
                    "currency": invoice["currency"],
                    "total_amount": invoice["total_amount"],
                }
            }
        if message.has_photo:
            data: JSONDict = {"photo": self._photo_sizes(message.file_id)}
        elif message.has_document:
            data = {
                "document": {
                    "file_id": message.file_id,
                    "file_unique_id": _unique_id(message.file_id or ""),
                    "file_name": message.file_name or "document",
                }
            }
        else:
            return {"text": message.text}
        if message.text is not None:
            data["caption"] = message.text
        return data

    # ---- JSON building blocks

    def _bot_json(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_json(self, chat_id: int) -> JSONDict:
        if chat_id < 0:  # Telegram's group and channel ids are negative
            return {"id": chat_id, "type": "supergroup", "title": "group"}
        user = self._users.get(chat_id)
        chat: JSONDict = {"id": chat_id, "type": "private"}
        chat["first_name"] = user.first_name if user else "User"
        if user and user.last_name:
            chat["last_name"] = user.last_name
        if user and user.username:
            chat["username"] = user.username
        return chat

    def _new_file(self, prefix: str) -> JSONDict:
        file_id = f"emu-{prefix}-{next(self._file_ids)}"
        return {"file_id": file_id, "file_unique_id": _unique_id(file_id)}

    def _photo_sizes(self, file_id: str | None) -> list[JSONDict]:
        base = file_id or self._new_file("photo")["file_id"]
        return [
            {"file_id": f"{base}", "file_unique_id": _unique_id(base), "width": 90, "height": 90},
            {
                "file_id": f"{base}-l",
                "file_unique_id": _unique_id(f"{base}-l"),
                "width": 800,
                "height": 800,
            },
        ]

    # ---- message store

    def _allocate_message_id(self, chat_id: int) -> int:
        """Private chats number user and bot messages in one sequence, as Telegram does."""
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _touch(self, message: SentMessage) -> None:
        self._last_seq = next(self._seq)
        message.seq = self._last_seq

    def _store(self, chat_id: int, **fields: Any) -> SentMessage:
        message = SentMessage(
            message_id=self._allocate_message_id(chat_id),
            chat_id=chat_id,
            date=int(self._now()),
            **fields,
        )
        self._touch(message)
        self._messages.setdefault(chat_id, {})[message.message_id] = message
        return message

    def _find_for_edit(self, params: JSONDict) -> SentMessage:
        chat_id = self._chat_id(params)
        message_id = _int_param(params, "message_id")
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            if message_id in self._user_messages.get(chat_id, set()):
                raise _ApiError(400, CANT_EDIT)
            raise _ApiError(400, EDIT_NOT_FOUND)
        return message

    # ---- parameter helpers

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _ApiError(400, "Bad Request: chat not found") from None

    def _markup(self, params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            try:
                markup = json.loads(markup)
            except ValueError:
                raise _ApiError(400, BAD_MARKUP) from None
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, BAD_MARKUP)
        if "inline_keyboard" in markup and not any(markup["inline_keyboard"]):
            return None  # an empty inline keyboard means "no keyboard" to Telegram
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(str(data).encode()) > CALLBACK_DATA_LIMIT:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        # Kept as given: PTB builds it for this request (or hands out a serialised keyboard
        # it never changes), edits replace it whole, and inspection returns deep copies. No
        # copy here keeps the emulator as cheap for the benchmarks as a remote server.
        return markup

    def _text(self, params: JSONDict) -> tuple[str, str]:
        raw = params.get("text")
        if raw is None or str(raw) == "":
            raise _ApiError(400, "Bad Request: message text is empty")
        visible = _visible_text(str(raw), params.get("parse_mode"), self.platform)
        if not visible.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(visible) > TEXT_LIMIT:
            raise _ApiError(400, "Bad Request: message is too long")
        return str(raw), visible

    def _caption(self, params: JSONDict) -> tuple[str | None, str | None]:
        raw = params.get("caption")
        if raw is None:
            return None, None
        visible = _visible_text(str(raw), params.get("parse_mode"), self.platform)
        if len(visible) > CAPTION_LIMIT:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return str(raw), visible

    def _file(self, params: JSONDict, files: dict[str, str], kind: str) -> JSONDict:
        if kind in files:
            file_id = self._new_file(kind)["file_id"]
            return {"file_id": file_id, "file_name": files[kind], "uploaded": True}
        if params.get(kind):
            reference = str(params[kind])
            sent_as = next((k for k in ("photo", "document") if reference.startswith(f"emu-{k}-")),
                           kind)  # fmt: skip
            if sent_as != kind:  # Telegram does not turn a document's id into a photo
                raise _ApiError(400, "Bad Request: type of file mismatch")
            return {"file_id": reference, "file_name": reference.rsplit("/", 1)[-1]}
        raise _ApiError(400, f"Bad Request: there is no {kind} in the request")

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

    def _set_webhook(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Remember where to POST updates; an empty url removes the webhook, as on Telegram.
        Updates already queued are delivered there too."""
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params, files)
        if urlsplit(url).scheme not in ("http", "https"):  # plain http: tests on loopback
            raise _ApiError(400, BAD_WEBHOOK_URL)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise _ApiError(400, BAD_SECRET)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        allowed = _allowed_updates(params.get("allowed_updates"))
        if allowed is not None:  # absent: the previous setting stays, as on Telegram
            self.webhook_allowed_updates = allowed
        self.webhook_url, self.webhook_secret = url, None if secret is None else str(secret)
        self.webhook_max_connections = int(params.get("max_connections") or WEBHOOK_MAX_CONNECTIONS)
        self._webhook_error = None
        self._webhook_loop = asyncio.get_running_loop()
        self._schedule_webhook()
        return True

    def _delete_webhook(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Stop delivering at once (a POST under way is abandoned; its update stays queued
        for getUpdates)."""
        self.webhook_url = self.webhook_secret = None
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.webhook_allowed_updates:
                info["allowed_updates"] = list(self.webhook_allowed_updates)
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # ---- webhook delivery

    async def webhook_idle(self, seconds: float = 10.0) -> None:
        """Until every queued update has been delivered to the webhook (returns at once
        without one); TimeoutError if the webhook keeps failing for `seconds`."""
        deadline = asyncio.get_running_loop().time() + seconds
        while self.webhook_url and self._updates:
            self._start_webhook_delivery()
            assert self._webhook_task is not None
            remaining = deadline - asyncio.get_running_loop().time()
            done, _ = await asyncio.wait({self._webhook_task}, timeout=max(remaining, 0))
            if not done:
                error = self._webhook_error[1] if self._webhook_error else "no answer yet"
                raise TimeoutError(f"{len(self._updates)} updates undelivered: {error}")

    def _schedule_webhook(self) -> None:
        """Start delivering on the loop that set the webhook (push_update may come from
        another thread, as the demo's may)."""
        loop = self._webhook_loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._start_webhook_delivery()
        else:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(self._start_webhook_delivery)

    async def stop_webhook(self) -> None:
        """Delete the webhook and wait until its deliveries have stopped and their
        connections are closed (deleteWebhook alone only asks them to stop)."""
        task = self._webhook_task
        self._delete_webhook({}, {})
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def balance_webhook(self, addresses: Sequence[str]) -> None:
        """Stand in for a load balancer in front of several workers: each POST goes to the
        next of `addresses` ("host:port") in turn, keeping the webhook URL's path (and its
        secret), and a POST that finds no one there is retried at the next address."""
        self._balanced = itertools.cycle(list(addresses))

    def _start_webhook_delivery(self) -> None:
        if self._webhook_wakeup is not None:
            self._webhook_wakeup.set()
        if self.webhook_url and (self._webhook_task is None or self._webhook_task.done()):
            assert self._webhook_loop is not None
            self._webhook_task = self._webhook_loop.create_task(self._deliver_webhooks())

    async def _deliver_webhooks(self) -> None:
        """Up to `max_connections` POSTs at once, as Telegram makes them, but one chat's
        updates one at a time and in order: a chat's next update goes out only once the
        previous one was taken, so a person's messages reach the bot in the order sent, and
        other people's meanwhile. A failure is retried (short backoff, doubling) until it
        is taken: an update is never skipped while the webhook stays set, and it leaves
        the queue only when taken (a deleted webhook leaves it for getUpdates)."""
        posting: dict[asyncio.Task[None], JSONDict] = {}
        self._webhook_wakeup = wakeup = asyncio.Event()
        limits = httpx.Limits(max_connections=self.webhook_max_connections)
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S, limits=limits) as client:
            try:
                while self.webhook_url and self._updates:
                    wakeup.clear()
                    for update in self._next_to_post(list(posting.values())):
                        posting[asyncio.create_task(self._post_until_taken(client, update))] = (
                            update
                        )
                    woken = asyncio.ensure_future(wakeup.wait())
                    done, _ = await asyncio.wait(
                        {*posting, woken}, return_when=asyncio.FIRST_COMPLETED
                    )
                    woken.cancel()
                    for task in done & posting.keys():
                        del posting[task]
            finally:
                for task in posting:
                    task.cancel()
                await asyncio.gather(*posting, return_exceptions=True)

    def _next_to_post(self, posting: list[JSONDict]) -> list[JSONDict]:
        """Queued updates that may go out now: not already being posted, their chat free
        (and no earlier update of it waiting), within the connection limit. Updates of a
        type the webhook did not ask for leave the queue."""
        busy = {_update_chat(update) for update in posting}
        flying = {id(update) for update in posting}
        chosen: list[JSONDict] = []
        for update in list(self._updates):
            if len(posting) + len(chosen) >= self.webhook_max_connections:
                break
            if not self._webhook_wants(update):
                self._updates.remove(update)
                continue
            chat = _update_chat(update)
            if id(update) in flying or (chat is not None and chat in busy):
                busy.add(chat)
                continue
            busy.add(chat)
            chosen.append(update)
        return chosen

    async def _post_until_taken(self, client: httpx.AsyncClient, update: JSONDict) -> None:
        failures = 0
        while self.webhook_url:
            if await self._post_update(client, self._delivery_url(self.webhook_url), update):
                with contextlib.suppress(ValueError):  # gone already (getUpdates, a drop)
                    self._updates.remove(update)
                return
            failures += 1
            backoff = self.webhook_retry_s * 2 ** (failures - 1)
            await asyncio.sleep(min(backoff, WEBHOOK_MAX_BACKOFF_S))

    def _delivery_url(self, url: str) -> str:
        if self._balanced is None:
            return url
        return urlsplit(url)._replace(netloc=next(self._balanced)).geturl()

    def _webhook_wants(self, update: JSONDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        allowed = self.webhook_allowed_updates
        return kind in allowed if allowed else kind not in _NOT_BY_DEFAULT

    async def _post_update(self, client: httpx.AsyncClient, url: str, update: JSONDict) -> bool:
        """POST one update; True when the webhook took it (any 2xx)."""
        headers = {}
        if self.platform == "telegram" and self.webhook_secret:
            headers[SECRET_HEADER] = self.webhook_secret
        delivery = WebhookDelivery(update["update_id"], url, None, headers)
        try:
            response = await client.post(url, json=update, headers=headers)
        except httpx.HTTPError as error:
            delivery.error = f"Connection failed: {type(error).__name__}"
        else:
            delivery.status = response.status_code
            if not delivery.ok:
                delivery.error = (
                    f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
        self.webhook_deliveries.append(delivery)
        if delivery.error is not None:
            self._webhook_error = (int(self._now()), delivery.error)
        return delivery.ok

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
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _edit_text(self, params: JSONDict, files: dict[str, str]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._find_for_edit(params)
        if message.has_photo or message.has_document:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, visible = self._text(params)
        return self._apply_edit(message, params, raw, visible)

    def _edit_caption(self, params: JSONDict, files: dict[str, str]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._find_for_edit(params)
        if not (message.has_photo or message.has_document):
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
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
            raise _ApiError(400, NOT_MODIFIED)
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

    # ---- payments: sendInvoice, pre-checkout, successful payment

    def _send_invoice(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        """An invoice message, checked as the platform checks it (see `_check_invoice`); its
        text is what a payment sheet would show, so the demo can print it."""
        chat_id = self._chat_id(params)
        invoice = _check_invoice(self.platform, params)
        text = "\n".join(
            [f"🧾 {invoice['title']}", invoice["description"],
             *(f"{p['label']}: {p['amount']} {invoice['currency']}" for p in invoice["prices"]),
             f"= {invoice['total_amount']} {invoice['currency']}"]
        )  # fmt: skip
        message = self._store(
            chat_id, text=text, raw_text=text, reply_markup=self._markup(params), invoice=invoice
        )
        return self.message_json(message)

    def _answer_pre_checkout(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Once per query, as on Telegram; a "no" must say why (the sheet shows it)."""
        query_id = str(params.get("pre_checkout_query_id") or "")
        if query_id not in self._pre_checkouts:
            raise _ApiError(400, QUERY_INVALID)
        ok = params.get("ok")
        ok = ok if isinstance(ok, bool) else str(ok).lower() == "true"
        if not ok and not params.get("error_message"):
            raise _ApiError(400, "Bad Request: ERROR_MESSAGE_EMPTY")
        query = self._pre_checkouts.pop(query_id)
        self.pre_checkout_answers[query_id] = {
            "ok": ok,
            "error_message": params.get("error_message"),
        }
        self.transactions[query_id] = {
            "id": query_id,
            "status": "pending" if ok else "rejected",  # approved: the bank has it now
            "userID": query["from"]["id"],
            "amount": query["total_amount"],
            "createdAt": int(self._now()),
        }
        return True

    def _inquire_transaction(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        """Bale's inquireTransaction: what became of the payment a pre-checkout began,
        whether or not its successful_payment update ever reached the bot (see
        `bot.reconcile` for the request and answer as Bale documents them)."""
        transaction = self.transactions.get(str(params.get("transaction_id") or ""))
        if transaction is None:
            raise _ApiError(400, TRANSACTION_NOT_FOUND)
        return dict(transaction)

    def decline_payment(self, transaction_id: str) -> None:
        """The bank refused the card after the bot approved: no money, no update."""
        self.transactions[transaction_id]["status"] = "failed"

    def make_pre_checkout_update(
        self, user: EmulatedUserInfo, invoice_message: SentMessage, total_amount: int | None = None
    ) -> JSONDict:
        """The donor pressed Pay on an invoice: the query the bot must answer within 10 s.
        `total_amount` overrides the invoice's (a tampered or changed amount)."""
        invoice = _invoice_of(invoice_message)
        query_id = f"pc{user.id}{next(self._callback_ids):06d}"
        query = {
            "id": query_id,
            "from": user.to_api(),
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"] if total_amount is None else total_amount,
            "invoice_payload": invoice["payload"],
        }
        self._pre_checkouts[query_id] = query
        return {"update_id": next(self._update_ids), "pre_checkout_query": query}

    def make_successful_payment_update(
        self,
        user: EmulatedUserInfo,
        invoice_message: SentMessage,
        transaction_id: str | None = None,
    ) -> JSONDict:
        """The money moved: the service message the platform sends to the bot, with fresh
        charge ids (Telegram's and the provider's). Kept in `payments` even if never
        delivered, so a test can lose the update and redeliver it; the transaction of the
        pre-checkout (`transaction_id`) is "paid" from now on, update or not."""
        invoice = _invoice_of(invoice_message)
        if transaction_id is not None and transaction_id in self.transactions:
            self.transactions[transaction_id]["status"] = "paid"
        number = next(self._charge_ids)
        paid = {
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
            "invoice_payload": invoice["payload"],
            "telegram_payment_charge_id": f"{self.platform[:2]}-charge-{number:08d}",
            "provider_payment_charge_id": f"provider-{number:08d}",
        }
        self.payments.append(paid)
        update = self.make_message_update(user)
        update["message"]["successful_payment"] = paid
        return update

    def _answer_callback(self, params: JSONDict, files: dict[str, str]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_owner:
            raise _ApiError(400, QUERY_INVALID)
        self.callback_answers.append(copy.deepcopy(params))
        return True

    def _delete_message(self, params: JSONDict, files: dict[str, str]) -> bool:
        chat_id = self._chat_id(params)
        message_id = _int_param(params, "message_id")
        user_messages = self._user_messages.get(chat_id, set())
        if message_id in user_messages:
            user_messages.discard(message_id)
            return True
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            raise _ApiError(400, DELETE_NOT_FOUND)
        message.deleted = True
        return True

    def _set_commands(self, params: JSONDict, files: dict[str, str]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: command description is empty")
        self._commands[_commands_key(params)] = copy.deepcopy(commands)
        return True

    def _get_commands(self, params: JSONDict, files: dict[str, str]) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(_commands_key(params), []))

    def _delete_commands(self, params: JSONDict, files: dict[str, str]) -> bool:
        self._commands.pop(_commands_key(params), None)
        return True


# --------------------------------------------------------------------------- small helpers


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _unique_id(file_id: str) -> str:
    """Stable across runs (unlike hash()), so recorded outputs stay comparable."""
    return f"u{zlib.crc32(file_id.encode()):08x}"


# Currencies Telegram's payments page lists (a sample); Bale takes IRR only.
_TELEGRAM_CURRENCIES: Final = frozenset({"IRR", "USD", "EUR", "GBP", "AED", "TRY", "RUB", "INR"})


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _check_invoice(platform: str, params: JSONDict) -> JSONDict:
    """sendInvoice's parameters as the platform checks them.

    Telegram: a provider token from BotFather and a listed currency. Bale: the provider
    token is the destination card number (16 digits passing Luhn) or a wallet token, and
    the currency is IRR, amounts in rials (Bale's sendInvoice, as described for the n8n
    Bale node: "the token representing the payment provider or card number", prices "in
    smallest currency unit").
    """
    title, description = str(params.get("title") or ""), str(params.get("description") or "")
    payload, currency = str(params.get("payload") or ""), str(params.get("currency") or "")
    token = str(params.get("provider_token") or "").strip()
    if not 1 <= len(title) <= 32 or not 1 <= len(description) <= 255:
        raise _ApiError(400, "Bad Request: invoice title or description is invalid")
    if not 1 <= len(payload.encode()) <= 128:
        raise _ApiError(400, "Bad Request: INVOICE_PAYLOAD_INVALID")
    if not token:
        raise _ApiError(400, "Bad Request: PAYMENT_PROVIDER_INVALID")
    compact = token.replace(" ", "").replace("-", "")
    if platform == "bale":
        if compact.isdigit() and (len(compact) != 16 or not _luhn_valid(compact)):
            raise _ApiError(400, "Bad Request: PAYMENT_PROVIDER_INVALID")
        if currency != "IRR":
            raise _ApiError(400, "Bad Request: CURRENCY_INVALID")
    elif currency not in _TELEGRAM_CURRENCIES:
        raise _ApiError(400, "Bad Request: CURRENCY_INVALID")
    prices = params.get("prices")
    if isinstance(prices, str):
        prices = json.loads(prices)
    if not prices or not all(
        isinstance(p, dict) and isinstance(p.get("amount"), int) and p["amount"] > 0 for p in prices
    ):
        raise _ApiError(400, "Bad Request: prices must be positive integers")
    return {
        "title": title, "description": description, "payload": payload, "currency": currency,
        "provider_token": token, "prices": [dict(p) for p in prices],
        "total_amount": sum(p["amount"] for p in prices),
        "start_parameter": params.get("start_parameter") or "",
    }  # fmt: skip


def _invoice_of(message: SentMessage) -> JSONDict:
    if message.invoice is None:
        raise AssertionError(f"message {message.message_id} is not an invoice")
    return message.invoice


def _allowed_updates(value: Any) -> list[str] | None:
    """allowed_updates as sent (a list, or its JSON text over a form); None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except ValueError:
            raise _ApiError(400, "Bad Request: can't parse allowed updates") from None
    if not isinstance(value, list) or not all(isinstance(kind, str) for kind in value):
        raise _ApiError(400, "Bad Request: can't parse allowed updates")
    return list(value)


def _int_param(params: JSONDict, name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: {name} is empty") from None


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


# --------------------------------------------------------------------------- HTTP front end

# Parameters whose form values must stay strings even when they look like JSON ("123").
_STRING_PARAMS: Final = frozenset(
    {
        "text", "caption", "callback_query_id", "inline_message_id", "url", "parse_mode",
        "action", "language_code", "photo", "document", "sticker", "voice", "audio", "video",
        "animation", "emoji", "description", "short_description", "name", "title",
        "secret_token", "ip_address", "query_id", "file_id", "business_connection_id",
        "payload", "provider_token", "currency", "error_message", "pre_checkout_query_id",
        "start_parameter", "transaction_id",
    }
)  # fmt: skip
_MAX_BODY: Final = 20 * 1024 * 1024
_MAX_HEADERS: Final = 100
_PATH_RE: Final = re.compile(r"^(?:/([a-z]+))?/bot[^/]+/([A-Za-z]+)/?$")


class _HttpError(Exception):
    """A malformed request: answered with `status` and the connection closed."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class _HttpRequest:
    verb: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


async def serve_http(
    emu: BotApiEmulator | Mapping[str, BotApiEmulator], host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Serve one emulator, or one per platform, over HTTP/1.1 so a real bot process can use
    it as its Bot API.

    Each emulator answers at ``http://127.0.0.1:PORT/<platform>/bot<token>/<method>`` (one
    process running both bots points TELEGRAM_BOT_API_BASE_URL and BALE_BOT_API_BASE_URL
    there); a single emulator also answers at the plain ``/bot…`` path. The bound port is
    stored on each emulator's `http_port` (port=0 picks a free one). Injected "timeout"
    faults leave the request unanswered until the client gives up; "network" faults drop
    the connection.
    """
    routes = _routes(emu)
    server = await asyncio.start_server(
        lambda reader, writer: _serve_connection(routes, reader, writer), host, port
    )
    for one in routes.values():
        one.http_port = server.sockets[0].getsockname()[1]
    return server


def _routes(emu: BotApiEmulator | Mapping[str, BotApiEmulator]) -> dict[str, BotApiEmulator]:
    """Path prefix ("telegram", "bale"; "" for the plain path) -> the emulator answering it."""
    given = {emu.platform: emu} if isinstance(emu, BotApiEmulator) else dict(emu)
    for platform, one in given.items():
        if platform not in PLATFORMS or one.platform != platform:
            raise ValueError(f"serve_http: {platform!r} must name its emulator's platform")
    if not given:
        raise ValueError("serve_http needs at least one emulator")
    plain = {"": next(iter(given.values()))} if len(given) == 1 else {}
    return {**given, **plain}


async def _serve_connection(
    routes: dict[str, BotApiEmulator], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer requests on one keep-alive connection; any failure only closes it."""
    try:
        while True:
            try:
                request = await _read_request(reader)
            except _HttpError as error:
                await _write_response(writer, error.status, _error_body(error), keep_alive=False)
                break
            if request is None or not await _respond(routes, request, reader, writer):
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    except asyncio.CancelledError:
        # The event loop is shutting down with a client still connected (a long poll).
        # Python 3.11's stream callback calls task.exception() on a cancelled task and logs
        # a spurious traceback, so the cancellation ends this connection quietly instead.
        pass
    except Exception:
        _LOGGER.exception("emulator HTTP connection failed")
    finally:
        writer.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> _HttpRequest | None:
    """Parse one request; None on a clean end of the connection."""
    line = await _read_line(reader)
    if not line:
        return None
    parts = line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _HttpError(400, "Bad Request: malformed request line")
    headers = await _read_headers(reader)
    body = await _read_body(reader, headers)
    return _HttpRequest(parts[0].upper(), parts[1], parts[2], headers, body)


async def _read_line(reader: asyncio.StreamReader) -> str:
    try:
        raw = await reader.readline()
    except (ValueError, asyncio.LimitOverrunError):
        raise _HttpError(400, "Bad Request: line too long") from None
    return raw.decode("latin-1").rstrip("\r\n")


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(_MAX_HEADERS):
        line = await _read_line(reader)
        if not line:
            return headers
        name, sep, value = line.partition(":")
        if not sep:
            raise _HttpError(400, "Bad Request: malformed header")
        headers[name.strip().lower()] = value.strip()
    raise _HttpError(400, "Bad Request: too many headers")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _HttpError(400, "Bad Request: bad Content-Length") from None
    if length < 0 or length > _MAX_BODY:
        raise _HttpError(413, "Request Entity Too Large")
    return await reader.readexactly(length)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        try:
            size = int((await _read_line(reader)).split(";")[0], 16)
        except ValueError:
            raise _HttpError(400, "Bad Request: bad chunk size") from None
        if size == 0:
            await _read_headers(reader)  # trailers
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
        if len(body) > _MAX_BODY:
            raise _HttpError(413, "Request Entity Too Large")


async def _respond(
    routes: dict[str, BotApiEmulator],
    request: _HttpRequest,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> bool:
    """Answer one request; returns whether to keep the connection open."""
    match = _PATH_RE.match(urlsplit(request.target).path)
    emu = routes.get(match.group(1) or "") if match else None
    if request.verb not in ("GET", "POST") or match is None or emu is None:
        body = _dumps({"ok": False, "error_code": 404, "description": NOT_FOUND})
        await _write_response(writer, 404, body, request.keep_alive)
        return request.keep_alive
    try:
        params, files = _request_params(request)
    except _HttpError as error:
        await _write_response(writer, error.status, _error_body(error), keep_alive=False)
        return False
    try:
        status, body = await emu.call(match.group(2), params, files)
    except TimedOut:
        with contextlib.suppress(TimeoutError):  # stay silent until the client gives up
            await asyncio.wait_for(reader.read(), timeout=120)
        return False
    except NetworkError:
        return False  # drop the connection without an answer
    await _write_response(writer, status, body, request.keep_alive)
    return request.keep_alive


def _error_body(error: _HttpError) -> bytes:
    return _dumps({"ok": False, "error_code": error.status, "description": error.description})


async def _write_response(
    writer: asyncio.StreamWriter, status: int, body: bytes, keep_alive: bool
) -> None:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    head = (
        f"HTTP/1.1 {status} {phrase}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()


def _request_params(request: _HttpRequest) -> tuple[JSONDict, dict[str, str]]:
    """Query string plus body (form, JSON or multipart) -> (params, uploaded file names)."""
    params: JSONDict = {
        name: _form_value(name, value)
        for name, value in parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
    }
    files: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not request.body:
        return params, files
    if media_type == "application/x-www-form-urlencoded":
        text = _decode_utf8(request.body)
        params.update({n: _form_value(n, v) for n, v in parse_qsl(text, keep_blank_values=True)})
    elif media_type == "application/json":
        params.update(_json_body(request.body))
    elif media_type == "multipart/form-data":
        fields, files = _multipart(content_type, request.body)
        params.update(fields)
    else:
        raise _HttpError(400, f"Bad Request: unsupported Content-Type {media_type!r}")
    return params, files


def _decode_utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _HttpError(400, "Bad Request: body is not UTF-8") from None


def _json_body(body: bytes) -> JSONDict:
    try:
        data = json.loads(_decode_utf8(body))
    except ValueError:
        raise _HttpError(400, "Bad Request: invalid JSON body") from None
    if not isinstance(data, dict):
        raise _HttpError(400, "Bad Request: JSON body must be an object")
    return data


def _multipart(content_type: str, body: bytes) -> tuple[JSONDict, dict[str, str]]:
    """Text fields become parameters; file parts are only recorded by name."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _HttpError(400, "Bad Request: malformed multipart body")
    fields: JSONDict = {}
    files: dict[str, str] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = str(filename)
            continue
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = _form_value(str(name), payload.decode("utf-8", "replace"))
    return fields, files


def _form_value(name: str, value: str) -> Any:
    """PTB JSON-encodes non-string values into form fields; undo that, keep real strings."""
    if name in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if isinstance(decoded, dict | list | bool | int | float):
        return decoded
    return value


# --------------------------------------------------------------------------- conversation driver


class EmulatedUser:
    """A person chatting with the bot, so tests read like conversations.

    Updates go straight to `Application.process_update` (the Application must be
    initialized); each action returns snapshots of the messages the bot sent or edited in
    this chat while handling it. Handlers registered with ``block=False`` run as background
    tasks and may finish after the action returns.
    """

    def __init__(
        self,
        emu: BotApiEmulator,
        application: Application[Any, Any, Any, Any, Any, Any],
        user_id: int,
        first_name: str = "Sara",
        language_code: str | None = "fa",
        *,
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        request = application.bot.request
        # The bot may wrap the emulator (bot.platform.PlatformRequest keeps it as `.inner`).
        if request is not emu and getattr(request, "inner", None) is not emu:
            raise ValueError("the Application must be built with .request(emu)")
        self.emu = emu
        self.application = application
        self.info = EmulatedUserInfo(user_id, first_name, language_code, username, last_name)
        emu.register_user(self.info)

    @property
    def id(self) -> int:
        """The user id, which is also the private chat id."""
        return self.info.id

    # ---- actions

    async def send(self, text: str) -> list[SentMessage]:
        """Type `text` (a leading "/" makes it a command, as in the Telegram client)."""
        return await self._deliver(self.emu.make_message_update(self.info, text))

    async def send_sticker(self) -> list[SentMessage]:
        """Send a sticker, which a text-only flow must survive."""
        return await self._deliver(self.emu.make_message_update(self.info, sticker=True))

    async def send_photo(self, caption: str | None = None) -> list[SentMessage]:
        """Send a photo, with a caption or without."""
        return await self._deliver(
            self.emu.make_message_update(self.info, photo=True, caption=caption)
        )

    async def send_document(self, file_name: str = "receipt.pdf") -> list[SentMessage]:
        """Send a file as a document (a PDF receipt, or a photo sent "as a file")."""
        return await self._deliver(self.emu.make_message_update(self.info, document=file_name))

    async def send_voice(self) -> list[SentMessage]:
        """Send a voice note."""
        return await self._deliver(self.emu.make_message_update(self.info, voice=True))

    async def share_contact(
        self,
        phone: str = "+989121234567",
        *,
        user_id: Any = _OWN_ID,
        forwarded: bool = False,
    ) -> list[SentMessage]:
        """Share a contact: by default one's own; `user_id` another id or None, or forwarded."""
        owner = self.id if user_id is _OWN_ID else user_id
        contact: JSONDict = {
            "phone_number": phone,
            "first_name": self.info.first_name if owner == self.id else "Friend",
        }
        if owner is not None:
            contact["user_id"] = owner
        forward_from = _FORWARDER if forwarded else None
        update = self.emu.make_message_update(self.info, contact=contact, forward_from=forward_from)
        return await self._deliver(update)

    async def click(self, label: str, *, message_id: int | None = None) -> list[SentMessage]:
        """Press a button by exact label (or the only label containing it).

        Looks in the latest inline keyboard and the chat's current reply keyboard, newest
        first (or only in `message_id`'s keyboard). An inline button sends its callback query;
        a reply button sends its label as text, or the user's own contact if it requests one.
        """
        for keyboard in self._keyboards(message_id):
            button = keyboard.find_button(label)
            if button is None:
                continue
            if keyboard.has_inline_keyboard:
                return await self._press_inline(keyboard, button)
            if button.get("request_contact"):
                return await self.share_contact()
            return await self.send(button["text"])
        shown = [keyboard.buttons for keyboard in self._keyboards(message_id)]
        raise AssertionError(f"no button {label!r} on screen; keyboards: {shown}")

    async def check_out(
        self, invoice: SentMessage | None = None, *, total_amount: int | None = None
    ) -> Checkout:
        """Press Pay on an invoice (default: the newest one here): the bot answers the
        pre-checkout query, yes or no (with the reason the payment sheet would show)."""
        invoice = invoice or self.last_invoice
        update = self.emu.make_pre_checkout_update(self.info, invoice, total_amount)
        await self._deliver(update)
        query_id = update["pre_checkout_query"]["id"]
        answer = self.emu.pre_checkout_answers.get(query_id)
        if answer is None:
            raise AssertionError("the bot did not answer the pre-checkout query")
        return Checkout(
            invoice, bool(answer["ok"]), answer.get("error_message"), transaction_id=query_id
        )

    async def complete_payment(self, checkout: Checkout, *, lose_update: bool = False) -> JSONDict:
        """The bank takes the money after an approved pre-checkout; the platform tells the
        bot with successful_payment (unless `lose_update`: it never arrives). Returns the
        update, so a test can deliver it again (`redeliver`)."""
        if not checkout.approved:
            raise AssertionError(f"pre-checkout was refused: {checkout.error_message}")
        update = self.emu.make_successful_payment_update(
            self.info, checkout.invoice, checkout.transaction_id
        )
        if not lose_update:
            await self._deliver(update)
        return update

    async def pay(
        self,
        invoice: SentMessage | None = None,
        *,
        bank_declines: bool = False,
        lose_update: bool = False,
    ) -> Checkout:
        """Pay an invoice the whole way: pre-checkout, then (if the bot said yes and the bank
        does not decline the card) the successful payment."""
        checkout = await self.check_out(invoice)
        if checkout.approved and bank_declines:
            self.emu.decline_payment(checkout.transaction_id)  # type: ignore[arg-type]
        elif checkout.approved:
            checkout.update = await self.complete_payment(checkout, lose_update=lose_update)
        return checkout

    async def redeliver(self, update: JSONDict) -> list[SentMessage]:
        """The platform sends the same update again (a retry after a lost answer)."""
        return await self._deliver(copy.deepcopy(update))

    @property
    def last_invoice(self) -> SentMessage:
        for message in reversed(self.replies):
            if message.invoice is not None:
                return message
        raise AssertionError(f"no invoice in chat {self.id}")

    async def click_data(self, data: str, *, message_id: int | None = None) -> list[SentMessage]:
        """Send arbitrary (possibly forged) callback data, as a hostile client could."""
        message = self._message(message_id) if message_id else self._latest_message()
        return await self._deliver(self.emu.make_callback_update(self.info, message, data))

    # ---- what the user sees

    @property
    def replies(self) -> list[SentMessage]:
        """Every message the bot sent here and did not delete, in chat order."""
        return [m for m in self.emu.messages_in(self.id) if not m.deleted]

    @property
    def last_reply(self) -> SentMessage:
        """The message the bot most recently sent or edited here."""
        changed = self.emu.changed_since(self.id, 0)
        if not changed:
            raise AssertionError(f"the bot has not sent anything to user {self.id}")
        return changed[-1]

    @property
    def last_answer(self) -> str | None:
        """Text of the latest answerCallbackQuery for this user's clicks (None: no text)."""
        for answer in reversed(self.emu.callback_answers):
            if self.emu.callback_owner(answer.get("callback_query_id", "")) == self.id:
                text = answer.get("text")
                return None if text is None else str(text)
        return None

    # ---- internals

    async def _deliver(self, update_json: JSONDict) -> list[SentMessage]:
        mark = self.emu.change_mark()
        update = telegram.Update.de_json(update_json, self.application.bot)
        await self.application.process_update(update)
        return self.emu.changed_since(self.id, mark)

    async def _press_inline(self, message: SentMessage, button: JSONDict) -> list[SentMessage]:
        if "callback_data" not in button:
            raise AssertionError(f"button {button['text']!r} is not a callback button: {button}")
        update = self.emu.make_callback_update(self.info, message, str(button["callback_data"]))
        return await self._deliver(update)

    def _message(self, message_id: int) -> SentMessage:
        for message in self.replies:
            if message.message_id == message_id:
                return message
        raise AssertionError(f"no bot message {message_id} in chat {self.id}")

    def _latest_message(self) -> SentMessage:
        if not self.replies:
            raise AssertionError(f"the bot has not sent anything to user {self.id}")
        return self.replies[-1]

    def _keyboards(self, message_id: int | None) -> list[SentMessage]:
        """Messages whose keyboards are on screen, newest first."""
        if message_id is not None:
            return [self._message(message_id)]
        found: list[SentMessage] = []
        inline_seen = reply_seen = False
        for message in reversed(self.replies):
            if message.has_inline_keyboard and not inline_seen:
                found.append(message)
                inline_seen = True
            elif (message.has_reply_keyboard or message.removes_keyboard) and not reply_seen:
                reply_seen = True  # the newest reply markup decides; removal hides older ones
                if message.has_reply_keyboard:
                    found.append(message)
        return found
