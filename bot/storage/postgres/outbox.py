"""The outbox on PostgreSQL: every message the bot sends on its own, claimed and recorded at
most once, by any number of workers sharing the database.

A claim is one short transaction that moves rows from 'pending' to 'sending' and commits
before anything is sent; the send's outcome is written after. The rows are chosen with
`FOR UPDATE SKIP LOCKED`: a row another worker's claim holds is skipped, not waited for,
and a row it has already claimed is no longer 'pending' when the lock is released
(READ COMMITTED re-checks the condition on the newest row), so each row goes to one
worker only.
"""

from __future__ import annotations

import json
from typing import Any

from bot.models import OutboxItem, OutboxStatus
from bot.storage.postgres.base import Connection, PgStoreBase
from bot.storage.sqlite.common import _unfinished_sends_sql

_RETURNING = "RETURNING id, user_id, message_id, args, attempts, broadcast_id"
_CLAIMED = "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = $4 "
_CLAIM_NOTICES = (
    _CLAIMED + "WHERE id IN ("
    "SELECT id FROM outbox WHERE platform = $1 AND status = 'pending' "
    "AND broadcast_id IS NULL AND due_at <= $2 ORDER BY due_at LIMIT $3 "
    "FOR UPDATE SKIP LOCKED) AND status = 'pending' " + _RETURNING
)
_CLAIM_BROADCAST_ROWS = (
    _CLAIMED + "WHERE id IN ("
    "SELECT o.id FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id "
    "AND o.status = 'pending' AND o.due_at <= $2 WHERE b.platform = $1 "
    "AND b.status = 'running' ORDER BY b.id, o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED) "
    "AND status = 'pending' " + _RETURNING
)


class PgOutboxRepository(PgStoreBase):
    """The outbox: every message the bot sends on its own, claimed and recorded at most once."""

    async def claim_outbox(
        self, platform: str, now: int, limit: int, worker: str | None = None
    ) -> list[OutboxItem]:
        """Mark the next due messages 'sending' (committed before any is sent) and return them
        with the recipient's chat and language: notices first, then running broadcasts.
        Each claimed row records `worker` (claimed_by), whose recovery it is after a crash.

        One transaction: the notices, then (when the batch has room) broadcast rows, then
        the recipients. Anything failing rolls the whole claim back, so no row is stranded
        in 'sending' without having been handed out.
        """

        async def claim(db: Connection) -> list[OutboxItem]:
            rows = list(await db.fetch(_CLAIM_NOTICES, platform, now, limit, worker))
            if len(rows) < limit:
                rows += await db.fetch(
                    _CLAIM_BROADCAST_ROWS, platform, now, limit - len(rows), worker
                )
            if not rows:
                return []
            people = {
                user_id: (chat_id, language)
                for user_id, chat_id, language in await db.fetch(
                    "SELECT user_id, chat_id, language FROM users WHERE platform = $1 "
                    "AND user_id = ANY($2::bigint[])",
                    platform,
                    list({row[1] for row in rows}),
                )
            }
            return [self._item(platform, row, people) for row in rows]

        items = await self._run(claim)
        return sorted(items, key=lambda item: (item.broadcast_id is not None, item.id))

    @staticmethod
    def _item(
        platform: str, row: tuple[Any, ...], people: dict[int, tuple[int, str]]
    ) -> OutboxItem:
        item_id, user_id, message_id, args, attempts, broadcast_id = row
        values = json.loads(args) if args else {}
        # A chat that is no user (the staff group) is addressed by its id, in the language
        # its notice was queued with.
        chat_id, language = people.get(user_id) or (user_id, values.get("language", "fa"))
        return OutboxItem(
            id=item_id, platform=platform, user_id=user_id, chat_id=chat_id,
            language=language, message_id=message_id, args=values, attempts=attempts,
            broadcast_id=broadcast_id,
        )  # fmt: skip

    async def finish_outbox(
        self, item_id: int, status: OutboxStatus, now: int, retry_at: int | None = None
    ) -> None:
        """Record how a send ended; `retry_at` puts it back as pending for later."""
        if retry_at is not None:
            await self.pool.execute(
                "UPDATE outbox SET status = 'pending', due_at = $1 WHERE id = $2",
                retry_at,
                item_id,
            )
            return
        await self.pool.execute(
            "UPDATE outbox SET status = $1, sent_at = $2 WHERE id = $3",
            status.value,
            now if status is OutboxStatus.SENT else None,
            item_id,
        )

    async def abandon_unfinished_sends(
        self, platform: str, worker: str | None = None, *, silent_before: int | None = None
    ) -> int:
        """At start: sends a crash interrupted may or may not have arrived. They become
        'unknown' and are not repeated: a person must never get the same message twice.

        With several workers, a worker starting marks only its own rows (`worker`) and those
        of workers silent since `silent_before`; another worker's sends in flight are left
        alone (`_unfinished_sends_sql`, shared with SQLite).
        """
        sql, params = _unfinished_sends_sql(platform, worker, silent_before)
        return len(await self._fetchall(sql, params))

    async def mark_blocked(self, platform: str, user_id: int) -> None:
        """They blocked the bot: later messages skip them until they write again."""
        await self.pool.execute(
            "UPDATE users SET blocked = 1 WHERE platform = $1 AND user_id = $2", platform, user_id
        )
        self._accounts.pop((platform, user_id), None)

    async def outbox_backlog(self, platform: str) -> int:
        """Messages still to send: notices, and rows of broadcasts that are running (a paused
        or cancelled one's rows wait for nobody)."""
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM outbox o LEFT JOIN broadcasts b ON b.id = o.broadcast_id "
                "WHERE o.platform = $1 AND o.status IN ('pending', 'sending') "
                "AND (o.broadcast_id IS NULL OR b.status = 'running')",
                platform,
            )
        )

    async def outbox_statuses(self, platform: str) -> dict[str, int]:
        rows = await self.pool.fetch(
            "SELECT status, count(*) FROM outbox WHERE platform = $1 GROUP BY status", platform
        )
        return {status: int(count) for status, count in rows}

    async def outbox_stuck(self, platform: str, due_before: int, sent_since: int) -> bool:
        """Readiness: a message of this platform was due before `due_before` and is still
        waiting, and nothing of this platform was sent since `sent_since` (the second
        question only asked when something is overdue)."""
        overdue = await self.pool.fetchval(
            "SELECT 1 FROM outbox WHERE platform = $1 AND status = 'pending' "
            "AND broadcast_id IS NULL AND due_at < $2 "
            "UNION ALL SELECT 1 FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id "
            "AND o.status = 'pending' AND o.due_at < $2 "
            "WHERE b.platform = $1 AND b.status = 'running' LIMIT 1",
            platform,
            due_before,
        )
        if overdue is None:
            return False
        sent = await self.pool.fetchval(
            "SELECT 1 FROM outbox WHERE platform = $1 AND status = 'sent' AND sent_at >= $2 "
            "LIMIT 1",
            platform,
            sent_since,
        )
        return sent is None
