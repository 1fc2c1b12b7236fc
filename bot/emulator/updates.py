"""The updates the platform sends the bot, and getUpdates, the long poll that fetches them.

`UpdateQueue` builds updates as Telegram would send them (a person's message, command,
sticker, photo, document, voice note or contact; a click on an inline button; a reply in a
staff group), queues them under fresh update ids, and answers getUpdates from that queue:
offsets confirm, a long poll sleeps until `push_update` wakes it (from any thread: the demo
pushes from its terminal thread). The same queue feeds the webhook when one is set
(`bot.emulator.webhooks`); getUpdates then answers 409, as on Telegram.

Tests usually reach these through the scripted users (`bot.emulator.users.EmulatedUser`),
which hand the update straight to the Application; `push_update` is for a bot that polls or
takes webhooks, as in the over-HTTP tests and the benches.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
from typing import Any, Final

from bot.emulator.records import ApiError, EmulatedUserInfo, JSONDict, SentMessage
from bot.emulator.state import EmulatorState

WEBHOOK_CONFLICT: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class UpdateQueue(EmulatorState):
    """Making updates, queueing them, and getUpdates long polling over the queue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_url: str | None = None  # set: the queue goes to the webhook instead
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._callback_owner: dict[str, int] = {}
        self._waiters: set[asyncio.Future[None]] = set()

    # ---- the queue

    def _schedule_webhook(self) -> None:
        """Start delivering the queue to the webhook: `webhooks.Webhook` does it; the
        queue itself only calls this when a webhook is set."""

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

    # ---- what a person's actions become

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

    def callback_owner(self, callback_query_id: str) -> int | None:
        """Which user's click produced a callback query id."""
        return self._callback_owner.get(str(callback_query_id))

    def make_group_reply_update(
        self, user: EmulatedUserInfo, chat_id: int, reply_to: SentMessage, text: str
    ) -> JSONDict:
        """A `message` update from `user` in the group `chat_id` that replies to one of the
        bot's messages there: how staff answer a support ticket in their group."""
        update = self.make_message_update(user, text)
        update["message"]["chat"] = self._chat_json(chat_id)
        update["message"]["reply_to_message"] = self.message_json(reply_to)
        return update

    # ---- getUpdates long polling

    def _wake_pollers(self) -> None:
        # call_soon_threadsafe so a demo thread may push while the bot loop polls.
        for waiter in list(self._waiters):
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                waiter.get_loop().call_soon_threadsafe(_resolve, waiter)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
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


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
