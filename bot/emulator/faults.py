"""Fault injection: the failures a real Bot API gives, on demand, so tests can prove recovery.

A bot that only ever sees 200 OK is untested where it matters. `FaultInjection` lets a test
queue the next failures of a method (`fail_next`): 429 with and without ``retry_after`` (Bale
may send a bare one), 403, a bad token (401; Bale answers 404), 502, PTB's TimedOut, a
network error, and the worst one, "lost-answer": the call is carried out but its answer
never comes, so the bot cannot know whether its message arrived. And people: a chat that
blocked the bot or whose account is gone answers 403 to everything addressed to it.

Over HTTP (`bot.emulator.server`) a "timeout" leaves the request unanswered until the client
gives up and a "network" fault drops the connection, so PTB's own transport sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import httpx
from telegram.error import NetworkError, TimedOut

from bot.emulator.records import NOT_FOUND, ApiError, JSONDict
from bot.emulator.state import EmulatorState

FAULT_KINDS: Final = ("429", "403", "401", "404", "5xx", "timeout", "network", "lost-answer")
BLOCKED: Final = "Forbidden: bot was blocked by the user"
DEACTIVATED: Final = "Forbidden: user is deactivated"

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

    def fire(self) -> ApiError:
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
            return ApiError(403, self.description)
        if self.kind == "401":  # what a revoked or mistyped token gets
            return ApiError(401, "Unauthorized")
        if self.kind == "404":  # what Bale answers a token it does not know
            return ApiError(404, NOT_FOUND)
        if self.kind == "5xx":
            return ApiError(502, "Bad Gateway")
        if self.retry_after is None:
            return ApiError(429, "Too Many Requests")
        return ApiError(
            429,
            f"Too Many Requests: retry after {self.retry_after}",
            {"retry_after": self.retry_after},
        )


class FaultInjection(EmulatorState):
    """Injected failures (`fail_next`) and closed chats (`block_chat`, `deactivate_chat`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._faults: list[_Fault] = []
        self._closed_chats: dict[int, str] = {}

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

    def _check_chat_open(self, method: str, params: JSONDict) -> None:
        """403 for a call addressed to a chat that blocked the bot or was deactivated."""
        if method not in _CHAT_SCOPED:
            return
        description = self._closed_chats.get(self._chat_id(params))
        if description:
            raise ApiError(403, description)
