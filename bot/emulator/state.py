"""The fake platform's memory: its chats and the messages in them, as every method needs them.

`EmulatorState` is the base of `BotApiEmulator` (see `bot.emulator.api` for how the parts
combine): it holds who the bot is, the injectable clock, the people it has met and every
message the bot sent, and the pieces each Bot API method shares: building the JSON the Bot
API answers (`message_json`), storing a sent message under the next id of its chat, and
checking the parameters every method takes the same way (chat_id, reply_markup, text and
caption against the platform's limits, files). Tests read the chats through the inspection
methods here (`messages_in`, `last_message_in`, `changed_since`).

Realism kept here: private chats number the user's and the bot's messages in one sequence,
an empty inline keyboard means none, callback data over 64 bytes is refused, a message the
user sent cannot be edited by the bot.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
import zlib
from collections.abc import Callable
from typing import Any, Final

from bot.emulator.records import ApiError, EmulatedUserInfo, JSONDict, SentMessage
from bot.emulator.rendering import visible_text

EDIT_NOT_FOUND: Final = "Bad Request: message to edit not found"
CANT_EDIT: Final = "Bad Request: message can't be edited"
BAD_MARKUP: Final = "Bad Request: can't parse reply keyboard markup JSON object"

TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
CALLBACK_DATA_LIMIT: Final = 64  # bytes, UTF-8


class EmulatorState:
    """Who the bot is, the clock, the people and the chats: the state every part shares.

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
        self.platform = platform
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self._now = now
        self._messages: dict[int, dict[int, SentMessage]] = {}
        self._user_messages: dict[int, set[int]] = {}
        self._next_message_id: dict[int, int] = {}
        self._users: dict[int, EmulatedUserInfo] = {}
        self._file_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._last_seq = 0

    # ---- people

    def register_user(self, user: EmulatedUserInfo) -> None:
        """Remember a user so their private chat carries their name, as Telegram's does."""
        self._users[user.id] = user

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
        message_id = int_param(params, "message_id")
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            if message_id in self._user_messages.get(chat_id, set()):
                raise ApiError(400, CANT_EDIT)
            raise ApiError(400, EDIT_NOT_FOUND)
        return message

    # ---- parameter helpers

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _markup(self, params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            try:
                markup = json.loads(markup)
            except ValueError:
                raise ApiError(400, BAD_MARKUP) from None
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, BAD_MARKUP)
        if "inline_keyboard" in markup and not any(markup["inline_keyboard"]):
            return None  # an empty inline keyboard means "no keyboard" to Telegram
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(str(data).encode()) > CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        # Kept as given: PTB builds it for this request (or hands out a serialised keyboard
        # it never changes), edits replace it whole, and inspection returns deep copies. No
        # copy here keeps the emulator as cheap for the benchmarks as a remote server.
        return markup

    def _text(self, params: JSONDict) -> tuple[str, str]:
        raw = params.get("text")
        if raw is None or str(raw) == "":
            raise ApiError(400, "Bad Request: message text is empty")
        visible = visible_text(str(raw), params.get("parse_mode"), self.platform)
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return str(raw), visible

    def _caption(self, params: JSONDict) -> tuple[str | None, str | None]:
        raw = params.get("caption")
        if raw is None:
            return None, None
        visible = visible_text(str(raw), params.get("parse_mode"), self.platform)
        if len(visible) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
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
                raise ApiError(400, "Bad Request: type of file mismatch")
            return {"file_id": reference, "file_name": reference.rsplit("/", 1)[-1]}
        raise ApiError(400, f"Bad Request: there is no {kind} in the request")


def _unique_id(file_id: str) -> str:
    """Stable across runs (unlike hash()), so recorded outputs stay comparable."""
    return f"u{zlib.crc32(file_id.encode()):08x}"


def int_param(params: JSONDict, name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, f"Bad Request: {name} is empty") from None
