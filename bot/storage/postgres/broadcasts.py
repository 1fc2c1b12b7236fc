"""Broadcasts on PostgreSQL: announcements to an audience, their rows, progress and reports.

Several workers share one broadcast. What keeps it exact:
- Its recipients' rows are claimed by the outbox with `FOR UPDATE SKIP LOCKED`
  (postgres/outbox.py), so each row goes to one worker; the progress counts are kept by the
  outbox trigger, which adds to the broadcast row's newest values under its row lock.
- Queuing the next chunk of recipients locks the broadcast row first (`FOR UPDATE`), where
  SQLite's single writer made reading `built_upto` and moving it one step: a second worker
  waits the chunk's few milliseconds and then queues the next chunk, never the same one.
- Status changes are conditional UPDATEs, re-checked by PostgreSQL against the newest row,
  so of two workers finishing (or two staff pausing) one run, one does it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Audience, Broadcast, BroadcastStatus
from bot.storage.notices import outbox_args
from bot.storage.postgres.base import Connection, PgStoreBase, _native
from bot.storage.records import Notice, from_row
from bot.storage.sqlite.broadcasts import BroadcastQueries
from bot.storage.sqlite.common import (
    _BROADCAST_COLUMNS,
    _PAUSE_CLOCK,
    _audience_filter,
)


class PgBroadcastsRepository(BroadcastQueries, PgStoreBase):
    """Broadcasts: announcements to an audience, their rows, progress and reports."""

    async def create_broadcast(
        self,
        *,
        platform: str,
        creator_id: int,
        chat_id: int,
        text: str,
        photo_file_id: str | None,
        audience: Audience,
        place_id: int | None,
        token: str,
        now: int,
    ) -> tuple[Broadcast, bool]:
        """The broadcast of this confirm token, created on first use: (broadcast, created).

        The audience is fixed now as "users up to the newest one" (users.rowid, see 0002);
        two presses at once meet at the token's unique index, and the second gets the
        first's broadcast."""
        broadcast_id = await self.pool.fetchval(
            "INSERT INTO broadcasts (platform, creator_id, chat_id, text, photo_file_id, "
            "audience, place_id, token, status, users_upto, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', "
            "(SELECT coalesce(max(rowid), 0) FROM users), $9) "
            "ON CONFLICT (token) DO NOTHING RETURNING id",
            platform, creator_id, chat_id, text, photo_file_id, audience.value, place_id,
            token, now,
        )  # fmt: skip
        created = broadcast_id is not None
        found = await (self.broadcast(broadcast_id) if created else self.broadcast_by_token(token))
        assert found is not None  # written just now, or earlier under this token
        return found, created

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self._fetchrow(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE id = $1", broadcast_id
        )
        return from_row(Broadcast, row) if row else None

    async def broadcast_by_token(self, token: str) -> Broadcast | None:
        row = await self._fetchrow(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE token = $1", token
        )
        return from_row(Broadcast, row) if row else None

    async def broadcast_in_flight(self, broadcast_id: int) -> bool:
        """Whether a send of this broadcast is under way (claimed, not finished)."""
        row = await self._fetchrow(
            "SELECT 1 FROM outbox WHERE broadcast_id = $1 AND status = 'sending' LIMIT 1",
            broadcast_id,
        )
        return row is not None

    async def mark_broadcast_reported(self, broadcast_id: int, now: int) -> None:
        await self.pool.execute(
            "UPDATE broadcasts SET reported_at = $1 WHERE id = $2", now, broadcast_id
        )

    async def retry_broadcast_now(self, broadcast_id: int, now: int) -> None:
        """A resumed run: rows put off after a refusal (a revoked token?) are due again."""
        await self.pool.execute(
            "UPDATE outbox SET due_at = $1 WHERE broadcast_id = $2 AND status = 'pending' "
            "AND due_at > $1",
            now,
            broadcast_id,
        )

    async def queue_broadcast_chunk(self, broadcast_id: int, users: int) -> bool:
        """Queue the next `users` users' rows (those in the audience) in one short
        transaction; returns whether more remain.

        The broadcast row is locked before `built_upto` is read, so two workers doing this
        at once queue consecutive chunks, each once (the second waits for the first's
        commit and reads the moved value)."""

        async def queue(db: Connection) -> bool:
            platform, audience, place_id, built, upto, created = await db.fetchrow(
                "SELECT platform, audience, place_id, built_upto, users_upto, created_at "
                "FROM broadcasts WHERE id = $1 FOR UPDATE",
                broadcast_id,
            )
            if built >= upto:
                return False
            end = min(upto, built + users)
            where, params = _audience_filter(Audience(audience), place_id)
            status = await db.execute(
                _native(
                    "INSERT INTO outbox (platform, user_id, broadcast_id, due_at, created_at) "
                    "SELECT u.platform, u.user_id, ?, ?, ? FROM users u WHERE u.platform = ? "
                    f"AND u.rowid > ? AND u.rowid <= ? AND {where} ORDER BY u.rowid"
                ),
                broadcast_id, created, created, platform, built, end, *params,
            )  # fmt: skip
            await db.execute(
                "UPDATE broadcasts SET built_upto = $1, total = total + $2 WHERE id = $3",
                end,
                int(status.split()[-1]),  # "INSERT 0 <rows>"
                broadcast_id,
            )
            more: bool = end < upto  # the row's values are Any to the checker (asyncpg)
            return more

        return await self._run(queue)

    async def set_broadcast_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self.pool.execute(
            "UPDATE broadcasts SET progress_message_id = $1 WHERE id = $2",
            message_id,
            broadcast_id,
        )

    async def change_broadcast_status(
        self,
        broadcast_id: int,
        platform: str,
        to: BroadcastStatus,
        *,
        allowed_from: Sequence[BroadcastStatus],
        now: int,
        reason: str | None = None,
        token: str | None = None,
    ) -> Broadcast | None:
        """Move this platform's broadcast to `to` if it is in one of `allowed_from`; None if
        it was not, or if the confirmation `token` was already used."""
        finished = now if to in (BroadcastStatus.CANCELLED, BroadcastStatus.DONE) else None

        async def change(db: Connection) -> Broadcast | None:
            row = await db.fetchrow(
                _native(
                    "UPDATE broadcasts SET status = ?, pause_reason = ?, finished_at = ?, "
                    f"{_PAUSE_CLOCK} WHERE id = ? AND platform = ? "
                    f"AND status = ANY(?::text[]) RETURNING {_BROADCAST_COLUMNS}"
                ),
                to.value, reason, finished, to.value, now, now, now, broadcast_id, platform,
                [s.value for s in allowed_from],
            )  # fmt: skip
            return from_row(Broadcast, row) if row else None

        return await self._run_confirmed(token, now, change, writes_needs=False)

    async def broadcast_sending_seconds(self, broadcast_id: int, now: int) -> int:
        """How long a broadcast has been sending: from its confirmation to its end (or now),
        its pauses left out. The final report's rate is measured over this."""
        seconds = await self.pool.fetchval(
            "SELECT coalesce(finished_at, $1) - created_at - paused_s "
            "- coalesce($1 - paused_at, 0) FROM broadcasts WHERE id = $2",
            now,
            broadcast_id,
        )
        return max(0, int(seconds)) if seconds is not None else 0

    async def set_announcements_opt_out(self, platform: str, user_id: int, off: bool) -> None:
        await self.pool.execute(
            "UPDATE users SET announcements_opt_out = $1 WHERE platform = $2 AND user_id = $3",
            int(off),
            platform,
            user_id,
        )
        self._accounts.pop((platform, user_id), None)

    async def set_home_city(self, platform: str, user_id: int, city_id: int | None) -> None:
        await self.pool.execute(
            "UPDATE users SET home_city_id = $1 WHERE platform = $2 AND user_id = $3",
            city_id,
            platform,
            user_id,
        )
        self._accounts.pop((platform, user_id), None)

    async def queue_notice(self, notice: Notice, now: int) -> bool:
        """One notice for one person, queued once per its dedupe key: False when that key
        was queued before (see the SQLite twin)."""
        queued = await self.pool.fetchval(
            "INSERT INTO outbox (platform, user_id, message_id, args, due_at, created_at, "
            "dedupe_key) VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
            notice.platform, notice.user_id, notice.message_id, outbox_args(notice), now,
            notice.dedupe_key,
        )  # fmt: skip
        return queued is not None
