"""What the emulator hands back to a test: the records of what the bot did, and the errors.

Tests assert on these rather than on the emulator's insides: `ApiCall` (a call as the bot
made it), `SentMessage` (a message as the user sees it now, with its keyboard),
`WebhookDelivery` (one POST of an update), `Upload` (a file's bytes), `EmulatedUserInfo` (a
person) and `Checkout` (a press of Pay). `ApiError` is how every part of the emulator refuses
a call: raised where the check fails, turned into the Bot API's error JSON by
`BotApiEmulator.call`. The error texts shared by several parts live here too; each part keeps
its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final

JSONDict = dict[str, Any]

PLATFORMS: Final = ("telegram", "bale")

NOT_FOUND: Final = "Not Found"
QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


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


class ApiError(Exception):
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


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
