"""The outbox: every message the bot sends on its own, claimed and recorded at most once."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.models import (
    OutboxItem,
    OutboxStatus,
)
from bot.storage.notices import NoticeWrites, outbox_args
from bot.storage.records import HouseholdNotice, NeedLink, Notice
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import _unfinished_sends_sql


class OutboxRepository(NoticeWrites, StoreBase):
    """The outbox: every message the bot sends on its own, claimed and recorded at most once."""

    async def _insert_notices(
        self, db: aiosqlite.Connection, notices: Sequence[Notice], now: int
    ) -> None:
        """The domain's notices as outbox rows due now; a dedupe key already queued is
        skipped, so the same event is told once (see bot/storage/notices.py)."""
        await db.executemany(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(n.platform, n.user_id, n.message_id, outbox_args(n), now, now, n.dedupe_key)
             for n in notices],
        )  # fmt: skip

    async def _needs_named(
        self, db: aiosqlite.Connection, need_ids: Iterable[int]
    ) -> list[Sequence[Any]]:
        """(id, code, kind, item_name, item_name_en) of each need: what a donor is told."""
        ids = list(need_ids)
        return list(
            await db.execute_fetchall(
                "SELECT id, code, kind, item_name, item_name_en FROM needs WHERE id IN "
                f"({','.join('?' * len(ids))})",
                ids,
            )
        )

    async def _linked_to_needs(
        self, db: aiosqlite.Connection, need_ids: Sequence[int]
    ) -> list[NeedLink]:
        """The people linked to each need's household, with the need's category."""
        rows = await db.execute_fetchall(
            "SELECT n.id, n.category, l.platform, l.user_id FROM needs n "
            "JOIN beneficiary_links l ON l.national_code = n.beneficiary_national_code "
            "WHERE n.id IN (SELECT value FROM json_each(?)) ORDER BY n.id, l.platform, l.user_id",
            (json.dumps(list(need_ids)),),
        )
        return [NeedLink(*row) for row in rows]

    async def _queue_published_news(
        self, db: aiosqlite.Connection, now: int, tell: HouseholdNotice | None
    ) -> None:
        """Needs just added (created in this transaction) for a linked household: published."""
        if tell is None:
            return
        rows = await db.execute_fetchall(
            "SELECT id FROM needs WHERE created_at = ? AND status = 'open' "
            "AND beneficiary_national_code IS NOT NULL",
            (now,),
        )
        if rows:
            await self._tell_households(db, [row[0] for row in rows], tell, now)

    async def claim_outbox(
        self, platform: str, now: int, limit: int, worker: str | None = None
    ) -> list[OutboxItem]:
        """Mark the next due messages 'sending' (committed before any is sent) and return them
        with the recipient's chat and language: notices first, then running broadcasts.
        Each claimed row records `worker` (claimed_by), whose recovery it is after a crash.

        Two round trips per batch: SQLite cannot use an index for a subquery in RETURNING
        (it would scan every user per row), so the recipients are read right after.
        """
        rows = await self._fetchall(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?4 "
            "WHERE id IN ("
            " SELECT id FROM (SELECT id FROM outbox WHERE platform = ?1 AND status = 'pending'"
            "  AND broadcast_id IS NULL AND due_at <= ?2 ORDER BY due_at LIMIT ?3)"
            " UNION ALL"
            " SELECT id FROM (SELECT o.id FROM broadcasts b JOIN outbox o"
            "  ON o.broadcast_id = b.id AND o.status = 'pending' AND o.due_at <= ?2"
            "  WHERE b.platform = ?1 AND b.status = 'running' ORDER BY b.id, o.id LIMIT ?3)"
            " LIMIT ?3) "
            "RETURNING id, user_id, message_id, args, attempts, broadcast_id",
            (platform, now, limit, worker),
        )
        if not rows:
            return []
        try:
            people = {
                user_id: (chat_id, language)
                for user_id, chat_id, language in await self._fetchall(
                    "SELECT user_id, chat_id, language FROM users WHERE platform = ? "
                    "AND user_id IN (SELECT value FROM json_each(?))",
                    (platform, json.dumps([row[1] for row in rows])),
                )
            }
        except BaseException:  # nothing was sent: put them back rather than strand them
            await self._write(
                "UPDATE outbox SET status = 'pending', attempts = attempts - 1 "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([row[0] for row in rows]),),
            )
            raise
        items = []
        for item_id, user_id, message_id, args, attempts, broadcast_id in rows:
            values = json.loads(args) if args else {}
            # A chat that is no user (the staff group) is addressed by its id, in the
            # language its notice was queued with.
            chat_id, language = people.get(user_id) or (user_id, values.get("language", "fa"))
            items.append(
                OutboxItem(
                    id=item_id, platform=platform, user_id=user_id, chat_id=chat_id,
                    language=language, message_id=message_id, args=values,
                    attempts=attempts, broadcast_id=broadcast_id,
                )
            )  # fmt: skip
        return sorted(items, key=lambda item: (item.broadcast_id is not None, item.id))

    async def finish_outbox(
        self, item_id: int, status: OutboxStatus, now: int, retry_at: int | None = None
    ) -> None:
        """Record how a send ended; `retry_at` puts it back as pending for later."""
        if retry_at is not None:
            await self._write(
                "UPDATE outbox SET status = 'pending', due_at = ? WHERE id = ?",
                (retry_at, item_id),
            )
            return
        await self._write(
            "UPDATE outbox SET status = ?, sent_at = ? WHERE id = ?",
            (status.value, now if status is OutboxStatus.SENT else None, item_id),
        )

    async def abandon_unfinished_sends(
        self, platform: str, worker: str | None = None, *, silent_before: int | None = None
    ) -> int:
        """At start: sends a crash interrupted may or may not have arrived. They become
        'unknown' and are not repeated: a person must never get the same message twice.
        Which ones (`worker`, `silent_before`): see `_unfinished_sends_sql`."""
        sql, params = _unfinished_sends_sql(platform, worker, silent_before)
        return len(await self._fetchall(sql, params))

    async def mark_blocked(self, platform: str, user_id: int) -> None:
        """They blocked the bot: later messages skip them until they write again."""
        await self._write(
            "UPDATE users SET blocked = 1 WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        self._accounts.pop((platform, user_id), None)

    async def outbox_backlog(self, platform: str) -> int:
        """Messages still to send: notices, and rows of broadcasts that are running (a paused
        or cancelled one's rows wait for nobody)."""
        rows = await self._fetchall(
            "SELECT count(*) FROM outbox o LEFT JOIN broadcasts b ON b.id = o.broadcast_id "
            "WHERE o.platform = ? AND o.status IN ('pending', 'sending') "
            "AND (o.broadcast_id IS NULL OR b.status = 'running')",
            (platform,),
        )
        return int(rows[0][0])

    async def outbox_statuses(self, platform: str) -> dict[str, int]:
        rows = await self._fetchall(
            "SELECT status, count(*) FROM outbox WHERE platform = ? GROUP BY status", (platform,)
        )
        return dict(rows)

    async def outbox_stuck(self, platform: str, due_before: int, sent_since: int) -> bool:
        """Readiness: a message of this platform was due before `due_before` and is still
        waiting, and nothing of this platform was sent since `sent_since`.

        The first question rides the due indexes; the second (no index on sent_at) is only
        asked when something is overdue, which a healthy outbox never is.
        """
        overdue = await self._fetchall(
            "SELECT 1 FROM outbox WHERE platform = ?1 AND status = 'pending' "
            "AND broadcast_id IS NULL AND due_at < ?2 "
            "UNION ALL SELECT 1 FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id "
            "AND o.status = 'pending' AND o.due_at < ?2 "
            "WHERE b.platform = ?1 AND b.status = 'running' LIMIT 1",
            (platform, due_before),
        )
        if not overdue:
            return False
        sent = await self._fetchall(
            "SELECT 1 FROM outbox WHERE platform = ? AND status = 'sent' AND sent_at >= ? LIMIT 1",
            (platform, sent_since),
        )
        return not sent
