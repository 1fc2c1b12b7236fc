"""Conversation state and flow data on PostgreSQL: what PTB's persistence keeps between
updates. The same rows as SQLite's (JSON as text), so `copy-store` moves them unchanged."""

from __future__ import annotations

import json
from typing import Any

from bot.storage.postgres.base import PgStoreBase


class PgConversationsRepository(PgStoreBase):
    """Conversation state and flow data: what PTB's persistence keeps between updates."""

    async def conversation_states(self, platform: str, name: str) -> dict[str, Any]:
        rows = await self.pool.fetch(
            "SELECT key, state FROM conversation_states WHERE platform = $1 AND name = $2",
            platform,
            name,
        )
        return {key: json.loads(state) for key, state in rows}

    async def conversation_times(self, platform: str, name: str) -> dict[str, int]:
        """When each conversation's state was last written (see StorePersistence)."""
        rows = await self.pool.fetch(
            "SELECT key, updated_at FROM conversation_states WHERE platform = $1 AND name = $2",
            platform,
            name,
        )
        return {key: int(updated_at) for key, updated_at in rows}

    async def conversation_state(
        self, platform: str, name: str, key: str
    ) -> tuple[Any, int] | None:
        row = await self.pool.fetchrow(
            "SELECT state, updated_at FROM conversation_states "
            "WHERE platform = $1 AND name = $2 AND key = $3",
            platform, name, key,
        )  # fmt: skip
        return (json.loads(row[0]), int(row[1])) if row else None

    async def save_conversation_state(
        self, platform: str, name: str, key: str, state: Any, now: int
    ) -> None:
        """Write one conversation's state; `None` means the conversation ended."""
        if state is None:
            await self.pool.execute(
                "DELETE FROM conversation_states WHERE platform = $1 AND name = $2 AND key = $3",
                platform,
                name,
                key,
            )
            return
        await self.pool.execute(
            "INSERT INTO conversation_states (platform, name, key, state, updated_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, name, key) DO UPDATE SET "
            "state = excluded.state, updated_at = excluded.updated_at",
            platform, name, key, json.dumps(state), now,
        )  # fmt: skip

    async def flow_data(self, platform: str, user_id: int) -> dict[str, Any] | None:
        data = await self.pool.fetchval(
            "SELECT data FROM flow_data WHERE platform = $1 AND user_id = $2", platform, user_id
        )
        return json.loads(data) if data is not None else None

    async def save_flow_data(
        self, platform: str, user_id: int, data: dict[str, Any] | None, now: int
    ) -> None:
        """Store what a flow has collected; empty or `None` removes the row."""
        if not data:
            await self.pool.execute(
                "DELETE FROM flow_data WHERE platform = $1 AND user_id = $2", platform, user_id
            )
            return
        await self.pool.execute(
            "INSERT INTO flow_data (platform, user_id, data, updated_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at",
            platform, user_id, json.dumps(data, ensure_ascii=False), now,
        )  # fmt: skip

    async def drop_flow_data_holding(
        self,
        platform: str,
        field: str,
        *,
        user_id: int | None = None,
        updated_before: int | None = None,
    ) -> None:
        """Remove flow data that holds `field` (one person's, or everyone's not touched since
        `updated_before`): what must not outlive its flow, such as a shared phone.

        "Holds" as SQLite's json_extract(data, '$.field') IS NOT NULL: a JSON null does
        not count, so the value is compared with 'null' as well.
        """
        sql = (
            "DELETE FROM flow_data WHERE platform = $1 "
            "AND nullif(data::jsonb #> $2::text[], 'null'::jsonb) IS NOT NULL"
        )
        params: list[Any] = [platform, field.split(".")]
        if user_id is not None:
            params.append(user_id)
            sql += f" AND user_id = ${len(params)}"
        if updated_before is not None:
            params.append(updated_before)
            sql += f" AND updated_at < ${len(params)}"
        await self.pool.execute(sql, *params)
