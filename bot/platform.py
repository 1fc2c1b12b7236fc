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

Outgoing text is made safe here too, for every sender at once (replies, the outbox,
broadcasts, support relays): a message's text is kept within 4,096 characters and a
caption within 1,024 (counted as the platforms count, in UTF-16 units), cut with "…"
rather than refused; and on Bale, which renders Markdown markers in every message and
has no parse_mode to turn that off, every marker is escaped with a backslash (a Markdown
escape), so a share link `ble.ir/hamdeli_bot?start=need_…`, a masked `***948` or a
description with `*` and `_` reads exactly as on Telegram. Hamdeli sends plain text on
both platforms, so nothing it writes is meant as Markdown.

Wrapping the request object, not the Bot, keeps this working for the real HTTP client and
for the in-process emulator alike.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Final

from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot import metrics
from bot.i18n import ELLIPSIS

EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "editMessageMedia"}
)
TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
# The parameter that carries what people read, and its limit, by method.
SHOWN_TEXT: Final = {
    "sendMessage": ("text", TEXT_LIMIT),
    "editMessageText": ("text", TEXT_LIMIT),
    "sendPhoto": ("caption", CAPTION_LIMIT),
    "sendDocument": ("caption", CAPTION_LIMIT),
    "editMessageCaption": ("caption", CAPTION_LIMIT),
}
# Bale's Markdown markers (and the escape character itself).
BALE_MARKDOWN: Final = re.compile(r"([\\*_`\[\]~|>])")


def utf16_length(text: str) -> int:
    """Length as the platforms count it (UTF-16 code units: an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int) -> str:
    """`text` within `limit` UTF-16 units, cut with "…" (never inside a surrogate pair)."""
    if len(text) * 2 <= limit or utf16_length(text) <= limit:  # no character is over two
        return text
    room = limit - utf16_length(ELLIPSIS)
    kept = text.encode("utf-16-le")[: room * 2]
    return kept.decode("utf-16-le", errors="ignore") + ELLIPSIS


def escape_bale(text: str) -> str:
    """Text Bale shows as written: each Markdown marker escaped with a backslash."""
    return BALE_MARKDOWN.sub(r"\\\1", text)


def shown_text(text: str, limit: int, platform: str) -> str:
    """What to send for text people read: within the limit, and escaped on Bale."""
    text = fit(text, limit)
    return escape_bale(text) if platform == "bale" else text


class PlatformRequest(BaseRequest):
    """Forwards to another BaseRequest and normalises platform-specific answers."""

    def __init__(self, inner: BaseRequest, platform: str = "telegram") -> None:
        self.inner = inner
        self.platform = platform
        # The bot's health as its own calls see it (time.monotonic()): /readyz reads these.
        # A call that reached the API and got any HTTP answer but a 5xx counts as success
        # (a 400 or a blocked user is the API working); a 5xx or no answer is a failure.
        self.last_ok_at: float | None = None
        self.last_failure_at: float | None = None
        self.last_failure: str | None = None

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(  # type: ignore[override]  # PTB's four timeouts, passed on as **timeouts
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        **timeouts: Any,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if request_data is not None and api_method in SHOWN_TEXT:
            request_data = self._safe_text(request_data, *SHOWN_TEXT[api_method])
        try:
            code, payload = await self.inner.do_request(url, method, request_data, **timeouts)
        except Exception as exc:  # PTB's NetworkError, TimedOut…: re-raised unchanged
            self._failed(type(exc).__name__)
            metrics.count_api_call(self.platform, url, None, metrics.error_kind(exc))
            raise
        metrics.count_api_call(self.platform, url, code, None)
        if code >= 500:
            self._failed(f"HTTP {code}")
        else:
            self.last_ok_at = time.monotonic()
        if code != 200:
            return code, payload
        if api_method in EDIT_METHODS:
            return code, EDIT_DONE
        return code, payload

    def _failed(self, why: str) -> None:
        self.last_failure_at = time.monotonic()
        self.last_failure = why

    def _safe_text(self, data: RequestData, name: str, limit: int) -> RequestData:
        """The request with its text (or caption) fitted and, on Bale, escaped; the same
        object when nothing changes (the common case costs one scan of the text)."""
        params = data._parameters  # PTB builds these per request; we replace one of them
        for index, param in enumerate(params):
            if param.name != name or not isinstance(param.value, str):
                continue
            safe = shown_text(param.value, limit, self.platform)
            if safe == param.value:
                return data
            changed = [*params]
            changed[index] = RequestParameter(name, safe, param.input_files)
            return RequestData(changed)
        return data

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
