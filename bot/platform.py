"""Telegram and Bale behind one interface: the quirks are smoothed at the request layer.

Bale speaks the Telegram Bot API at its own URL, with differences PTB notices:
- edits answer a stub `{"message_id": 0}`; PTB would raise `KeyError: 'date'` after the
  edit was applied. `PlatformRequest` turns every successful edit's result into `true`,
  which PTB already accepts (it is what edits of inline messages return), so callers get
  the same answer on both platforms. Hamdeli never reads an edited message back, and not
  parsing it (with its keyboard) on every page turn is also measurably cheaper;
- setMyCommands answers 404 (PTB: `InvalidToken`); command registration is best effort
  (see `bot.app.register_commands`);
- 429 may come without `retry_after` (see `bot.ratelimit`).

One more normalisation, for speed: Telegram echoes a message's keyboard back in the result
of every send. Hamdeli never reads it (it knows what it sent), and PTB's parsing of a
five-button keyboard costs about a third of a whole echo update, so `parse_json_payload`
drops it while decoding (one decode, no re-encoding). Everything else in the result
(message_id, date, chat) stays. For the same reason the keyboard of the message a button
sits on is dropped from polled callback queries: every click carries the whole previous
screen, and parsing its buttons into PTB objects was about a third of a browse click's
parsing. Handlers read the pressed button's `data` and the message's chat and id (to
edit it), never the keyboard; arbitrary callback data, the one PTB feature that reads it,
is off (`bot.app`).

Wrapping the request object, not the Bot, keeps this working for the real HTTP client and
for the in-process emulator alike.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "editMessageMedia"}
)


class PlatformRequest(BaseRequest):
    """Forwards to another BaseRequest and normalises platform-specific answers."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        **timeouts: Any,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(url, method, request_data, **timeouts)
        if code != 200:
            return code, payload
        if url.rsplit("/", 1)[-1] in EDIT_METHODS:
            return code, EDIT_DONE
        return code, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """PTB's JSON parsing, minus the keyboards Hamdeli never reads: the one echoed in a
        returned message, and the one on the message a polled callback query comes from."""
        answer = BaseRequest.parse_json_payload(payload)
        result = answer.get("result")
        if isinstance(result, dict):
            result.pop("reply_markup", None)
        elif isinstance(result, list):  # getUpdates
            for update in result:
                query = update.get("callback_query") if isinstance(update, dict) else None
                if query and isinstance(query.get("message"), dict):
                    query["message"].pop("reply_markup", None)
        return answer


EDIT_DONE = json.dumps({"ok": True, "result": True}).encode()
