"""Broadcasts: announcements to an audience, their rows, progress and reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.models import (
    Audience,
    Broadcast,
    BroadcastStatus,
)
from bot.storage.notices import outbox_args
from bot.storage.records import Notice, from_row
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _BROADCAST_COLUMNS,
    _PAUSE_CLOCK,
    _audience_filter,
    _listed,
)


class BroadcastQueries:
    """Broadcast statements both backends run as written (`?` placeholders, no dialect), so
    the SQLite and the PostgreSQL store share them: each brings its own `_fetchall`."""

    if TYPE_CHECKING:  # the backend's own, found by the MRO

        async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...

    async def audience_size(self, platform: str, audience: Audience, place_id: int | None) -> int:
        """How many people a broadcast to this audience would reach now (for the preview)."""
        where, params = _audience_filter(audience, place_id)
        rows = await self._fetchall(
            f"SELECT count(*) FROM users u WHERE u.platform = ? AND {where}", (platform, *params)
        )
        return int(rows[0][0])

    async def finish_broadcast_if_complete(self, broadcast_id: int, now: int) -> Broadcast | None:
        """Mark a running or paused broadcast done once every recipient's row has ended (a
        run paused after its last send has nothing left to wait for); else None."""
        rows = await self._fetchall(
            f"UPDATE broadcasts SET status = 'done', finished_at = ?, {_PAUSE_CLOCK} "
            "WHERE id = ? AND status IN ('running', 'paused') AND built_upto >= users_upto "
            "AND sent + blocked + failed + unknown >= total "
            f"RETURNING {_BROADCAST_COLUMNS}",
            (now, "done", now, now, now, broadcast_id),
        )
        return from_row(Broadcast, rows[0]) if rows else None

    async def unfinished_broadcasts(self, platform: str) -> list[Broadcast]:
        """What the outbox looks after: running and paused broadcasts of this platform, and
        cancelled ones whose final report is still to come."""
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE platform = ? "
            "AND (status IN ('running', 'paused') OR reported_at IS NULL) "
            "AND status <> 'done' ORDER BY id",
            (platform,),
        )
        return [from_row(Broadcast, row) for row in rows]

    async def broadcasts_to_queue(self, platform: str) -> list[int]:
        rows = await self._fetchall(
            "SELECT id FROM broadcasts WHERE platform = ? AND status IN ('running', 'paused') "
            "AND built_upto < users_upto ORDER BY id",
            (platform,),
        )
        return [row[0] for row in rows]

    async def broadcast_statuses(self, broadcast_id: int) -> dict[str, int]:
        """Recipients by outbox status, counted row by row (tests and reports check the
        trigger-kept counts against this)."""
        rows = await self._fetchall(
            "SELECT status, count(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        return dict(rows)


class BroadcastsRepository(BroadcastQueries, StoreBase):
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

        The audience is fixed now as "users up to the newest one"; the outbox queues them
        in short chunks (`queue_broadcast_chunk`), so even a million never hold the store.
        """
        rows = await self._fetchall(
            "INSERT INTO broadcasts (platform, creator_id, chat_id, text, photo_file_id, "
            "audience, place_id, token, status, users_upto, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', "
            "(SELECT coalesce(max(rowid), 0) FROM users), ?) "
            "ON CONFLICT (token) DO NOTHING RETURNING id",
            (platform, creator_id, chat_id, text, photo_file_id, audience.value, place_id,
             token, now),
        )  # fmt: skip
        created = bool(rows)
        found = await (self.broadcast(rows[0][0]) if created else self.broadcast_by_token(token))
        assert found is not None  # written just now, or earlier under this token
        return found, created

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        return from_row(Broadcast, rows[0]) if rows else None

    async def broadcast_by_token(self, token: str) -> Broadcast | None:
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE token = ?", (token,)
        )
        return from_row(Broadcast, rows[0]) if rows else None

    async def broadcast_in_flight(self, broadcast_id: int) -> bool:
        """Whether a send of this broadcast is under way (claimed, not finished)."""
        rows = await self._fetchall(
            "SELECT 1 FROM outbox WHERE broadcast_id = ? AND status = 'sending' LIMIT 1",
            (broadcast_id,),
        )
        return bool(rows)

    async def mark_broadcast_reported(self, broadcast_id: int, now: int) -> None:
        await self._write("UPDATE broadcasts SET reported_at = ? WHERE id = ?", (now, broadcast_id))

    async def retry_broadcast_now(self, broadcast_id: int, now: int) -> None:
        """A resumed run: rows put off after a refusal (a revoked token?) are due again."""
        await self._write(
            "UPDATE outbox SET due_at = ? WHERE broadcast_id = ? AND status = 'pending' "
            "AND due_at > ?",
            (now, broadcast_id, now),
        )

    async def queue_broadcast_chunk(self, broadcast_id: int, users: int) -> bool:
        """Queue the next `users` users' rows (those in the audience) in one short
        transaction; returns whether more remain.

        Moving `built_upto` only from the value read makes two processes doing this at once
        queue each chunk once.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT platform, audience, place_id, built_upto, users_upto, created_at "
                "FROM broadcasts WHERE id = ?",
                (broadcast_id,),
            )
            platform, audience, place_id, built, upto, created = next(iter(rows))
            if built >= upto:
                return False
            end = min(upto, built + users)
            where, params = _audience_filter(Audience(audience), place_id)
            cursor = await db.execute(
                "INSERT INTO outbox (platform, user_id, broadcast_id, due_at, created_at) "
                f"SELECT u.platform, u.user_id, ?, ?, ? FROM users u WHERE u.platform = ? "
                f"AND u.rowid > ? AND u.rowid <= ? AND {where} ORDER BY u.rowid",
                (broadcast_id, created, created, platform, built, end, *params),
            )
            await db.execute(
                "UPDATE broadcasts SET built_upto = ?, total = total + ? WHERE id = ?",
                (end, cursor.rowcount, broadcast_id),
            )
        more: bool = end < upto  # the row's values are Any to the checker
        return more

    async def set_broadcast_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._write(
            "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id)
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
        rows = []
        async with self._confirmed(token, now) as db:
            if db is None:  # the confirmation was spent
                return None
            rows = _listed(await db.execute_fetchall(
                "UPDATE broadcasts SET status = ?, pause_reason = ?, finished_at = ?, "
                f"{_PAUSE_CLOCK} WHERE id = ? AND platform = ? "
                f"AND status IN ({','.join('?' * len(allowed_from))}) "
                f"RETURNING {_BROADCAST_COLUMNS}",
                (to.value, reason, finished, to.value, now, now, now, broadcast_id, platform,
                 *(s.value for s in allowed_from)),
            ))  # fmt: skip
        return from_row(Broadcast, rows[0]) if rows else None

    async def broadcast_sending_seconds(self, broadcast_id: int, now: int) -> int:
        """How long a broadcast has been sending: from its confirmation to its end (or now),
        its pauses left out. The final report's rate is measured over this."""
        rows = await self._fetchall(
            "SELECT coalesce(finished_at, ?) - created_at - paused_s "
            "- coalesce(? - paused_at, 0) FROM broadcasts WHERE id = ?",
            (now, now, broadcast_id),
        )
        return max(0, int(rows[0][0])) if rows else 0

    async def queue_notice(self, notice: Notice, now: int) -> bool:
        """One notice for one person (a report, an alert, a support answer), queued once per
        its dedupe key: False when that key was queued before (a redelivered update), so
        the caller can do what goes with it once too."""
        rows = await self._fetchall(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (notice.platform, notice.user_id, notice.message_id, outbox_args(notice), now, now,
             notice.dedupe_key),
        )  # fmt: skip
        return bool(rows)

    async def set_announcements_opt_out(self, platform: str, user_id: int, off: bool) -> None:
        await self._write(
            "UPDATE users SET announcements_opt_out = ? WHERE platform = ? AND user_id = ?",
            (int(off), platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)

    async def set_home_city(self, platform: str, user_id: int, city_id: int | None) -> None:
        await self._write(
            "UPDATE users SET home_city_id = ? WHERE platform = ? AND user_id = ?",
            (city_id, platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)
