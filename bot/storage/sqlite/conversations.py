"""Conversation state and flow data: what PTB's persistence keeps between updates."""

from __future__ import annotations

import json
from typing import Any

from bot.storage.sqlite.base import StoreBase


class ConversationsRepository(StoreBase):
    """Conversation state and flow data: what PTB's persistence keeps between updates."""

    async def conversation_states(self, platform: str, name: str) -> dict[str, Any]:
        rows = await self._fetchall(
            "SELECT key, state FROM conversation_states WHERE platform = ? AND name = ?",
            (platform, name),
        )
        return {key: json.loads(state) for key, state in rows}

    async def conversation_times(self, platform: str, name: str) -> dict[str, int]:
        """When each conversation's state was last written (see StorePersistence)."""
        rows = await self._fetchall(
            "SELECT key, updated_at FROM conversation_states WHERE platform = ? AND name = ?",
            (platform, name),
        )
        return {key: int(updated_at) for key, updated_at in rows}

    async def conversation_state(
        self, platform: str, name: str, key: str
    ) -> tuple[Any, int] | None:
        rows = await self._fetchall(
            "SELECT state, updated_at FROM conversation_states "
            "WHERE platform = ? AND name = ? AND key = ?",
            (platform, name, key),
        )
        return (json.loads(rows[0][0]), int(rows[0][1])) if rows else None

    async def save_conversation_state(
        self, platform: str, name: str, key: str, state: Any, now: int
    ) -> None:
        """Write one conversation's state; `None` means the conversation ended."""
        if state is None:
            await self._write(
                "DELETE FROM conversation_states WHERE platform = ? AND name = ? AND key = ?",
                (platform, name, key),
            )
            return
        await self._write(
            "INSERT INTO conversation_states (platform, name, key, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, name, key) DO UPDATE SET "
            "state = excluded.state, updated_at = excluded.updated_at",
            (platform, name, key, json.dumps(state), now),
        )

    async def flow_data(self, platform: str, user_id: int) -> dict[str, Any] | None:
        rows = await self._fetchall(
            "SELECT data FROM flow_data WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        return json.loads(rows[0][0]) if rows else None

    async def save_flow_data(
        self, platform: str, user_id: int, data: dict[str, Any] | None, now: int
    ) -> None:
        """Store what a flow has collected; empty or `None` removes the row."""
        if not data:
            await self._write(
                "DELETE FROM flow_data WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
            return
        await self._write(
            "INSERT INTO flow_data (platform, user_id, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, user_id) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at",
            (platform, user_id, json.dumps(data, ensure_ascii=False), now),
        )

    async def drop_flow_data_holding(
        self,
        platform: str,
        field: str,
        *,
        user_id: int | None = None,
        updated_before: int | None = None,
    ) -> None:
        """Remove flow data that holds `field` (one person's, or everyone's not touched since
        `updated_before`): what must not outlive its flow, such as a shared phone."""
        sql = "DELETE FROM flow_data WHERE platform = ? AND json_extract(data, ?) IS NOT NULL"
        params: list[Any] = [platform, f"$.{field}"]
        if user_id is not None:
            sql, params = sql + " AND user_id = ?", [*params, user_id]
        if updated_before is not None:
            sql, params = sql + " AND updated_at < ?", [*params, updated_before]
        await self._write(sql, tuple(params))
