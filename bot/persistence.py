"""PTB persistence backed by the store, so conversations survive restarts.

Only conversation states are kept here. Writes are skipped when a state did not change, so
calling `Application.update_persistence()` after every update a flow handled (the handler
group after the flows, `bot.handlers.common.write_flow_state`) costs a store round trip
only when a person's state really moved, or when an unchanged state was last written more
than `TOUCH_S` ago: its time then says the flow is still in use, which is how an idle flow
is recognised after a restart (`FLOW_IDLE_MINUTES`).

PTB's user_data, chat_data and bot_data are deliberately *not* persisted, and Hamdeli does
not use them: what a flow collects is written to the store by the step that collects it
(`Store.save_flow_data`, or the domain's own rows such as a pledge), so nothing that
matters lives only in memory. Persisting user_data through PTB would also cost every
update a deep copy and a comparison, a tenth of the bot's whole budget per update.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.storage.protocols import Storage

TOUCH_S = 60  # an unchanged state's time is refreshed at most this often


class StorePersistence(BasePersistence[dict, dict, dict]):
    """Conversation states and flow data in the store, keyed by platform."""

    def __init__(self, store: Storage, platform: str, clock: Callable[[], float]) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=60,
        )
        self.store = store
        self.platform = platform
        self.clock = clock
        self._written_states: dict[tuple[str, str], str] = {}
        self._written_at: dict[tuple[str, str], int] = {}

    async def get_conversations(self, name: str) -> ConversationDict:
        states = await self.store.conversation_states(self.platform, name)
        times = await self.store.conversation_times(self.platform, name)
        for key, state in states.items():
            self._written_states[(name, key)] = json.dumps(state)
            self._written_at[(name, key)] = times.get(key, 0)
        return {_key_from_json(key): state for key, state in states.items()}

    async def reload_conversation(
        self, name: str, key: ConversationKey
    ) -> tuple[object | None, int | None]:
        """One conversation's state and its time as the store has them now: with several
        workers, another may have moved it since this process last wrote it (then the
        write-skip below compares against what is really stored)."""
        key_json = json.dumps(list(key))
        found = await self.store.conversation_state(self.platform, name, key_json)
        if found is None:
            self._written_states.pop((name, key_json), None)
            self._written_at.pop((name, key_json), None)
            return None, None
        state, written_at = found
        self._written_states[(name, key_json)] = json.dumps(state)
        self._written_at[(name, key_json)] = written_at
        return state, written_at

    def last_written(self, name: str, key: ConversationKey) -> int | None:
        """When this conversation's state was last written (None: it has none)."""
        return self._written_at.get((name, json.dumps(list(key))))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        key_json, now = json.dumps(list(key)), int(self.clock())
        state_json = json.dumps(new_state)
        if self._written_states.get((name, key_json)) == state_json and (
            now - self._written_at.get((name, key_json), now) < TOUCH_S
        ):
            return
        await self.store.save_conversation_state(self.platform, name, key_json, new_state, now)
        if new_state is None:
            self._written_states.pop((name, key_json), None)
            self._written_at.pop((name, key_json), None)
        else:
            self._written_states[(name, key_json)] = state_json
            self._written_at[(name, key_json)] = now

    # User, chat, bot and callback data are not used by Hamdeli (see the module docstring).
    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def update_user_data(self, user_id: int, data: dict) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        return None

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        return None

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        """Nothing is buffered: every change was written when it happened."""


def _key_from_json(key_json: str) -> tuple[int | str, ...]:
    return tuple(json.loads(key_json))
