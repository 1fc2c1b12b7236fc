"""Updates from different people in parallel, each person's updates in order.

A slow person (a big query, a retried send) must not stall everyone else, and one person's
two quick taps must not race each other through a conversation. PTB's built-in
`SimpleUpdateProcessor` gives the first but not the second; this processor keeps one lock
per chat (or per user, for updates without a chat).

Several `hamdeli run` processes may serve one bot (#12): inside the chat's lock, the update
also waits for the chat's turn in the store (`chat_turn`: PostgreSQL's advisory lock, held
while it is handled), so one chat's updates are handled one at a time across processes too,
in the order they asked for their turn. The in-process lock comes first: a chat's second
update waits here, holding nothing of the store's, until the first is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` at once; one at a time per chat, in arrival order
    (across processes too, with the store's `turn`)."""

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        turn: Callable[[int], AbstractAsyncContextManager[object]] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._turn = turn or (lambda _key: contextlib.nullcontext())
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[object]) -> None:  # type: ignore[misc]  # PTB marks it final, but only here can the chat's turn come before the shared slot
        """Wait for this chat's turn first, then for a free slot.

        Taking the chat lock before the shared semaphore means a flood from one chat waits
        on its own lock instead of filling every slot and starving other people.
        """
        key = _ordering_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._turn(key):
                await super().process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats so the dict does not grow forever
                del self._waiting[key]
                del self._locks[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _ordering_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None
