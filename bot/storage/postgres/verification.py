"""Verification on PostgreSQL: linking a chat to a household, its failures and locks."""

from __future__ import annotations

import datetime as dt

from bot.storage.postgres.base import PgStoreBase


class PgVerificationRepository(PgStoreBase):
    """Verification: linking a chat to a household, its failures and locks."""

    async def verification_failures(self, platform: str, user_id: int, since: int) -> list[int]:
        """Times of this person's failed verifications since `since`, oldest first."""
        rows = await self.pool.fetch(
            "SELECT at FROM verification_failures WHERE platform = $1 AND user_id = $2 "
            "AND at >= $3 ORDER BY at",
            platform,
            user_id,
            since,
        )
        return [row[0] for row in rows]

    async def record_verification_failure(self, platform: str, user_id: int, now: int) -> None:
        await self.pool.execute(
            "INSERT INTO verification_failures (platform, user_id, at) VALUES ($1, $2, $3)",
            platform,
            user_id,
            now,
        )

    async def link_beneficiary(
        self, platform: str, user_id: int, national_code: str, weak_ownership: bool, now: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO beneficiary_links (platform, user_id, national_code, weak_ownership, "
            "linked_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, user_id) DO UPDATE "
            "SET national_code = excluded.national_code, "
            "weak_ownership = excluded.weak_ownership, linked_at = excluded.linked_at",
            platform, user_id, national_code, int(weak_ownership), now,
        )  # fmt: skip

    async def beneficiary_link(self, platform: str, user_id: int) -> str | None:
        """The national code this person proved they belong to, or None."""
        found: str | None = await self.pool.fetchval(
            "SELECT national_code FROM beneficiary_links WHERE platform = $1 AND user_id = $2",
            platform,
            user_id,
        )
        return found

    async def unlink_beneficiary(self, platform: str, user_id: int) -> None:
        await self.pool.execute(
            "DELETE FROM beneficiary_links WHERE platform = $1 AND user_id = $2",
            platform,
            user_id,
        )

    async def queue_voucher_reminders(
        self, platform: str, today: dt.date, days_ahead: int, now: int
    ) -> int:
        """Queue one reminder per linked person for charged tranches expiring within
        `days_ahead` days, once (dedupe key), skipping people who turned reminders off.

        The args are the text SQLite's json_object writes (no spaces), so both backends
        store the same row; two workers queueing at once meet at the dedupe key.
        """
        rows = await self.pool.fetch(
            "INSERT INTO outbox (platform, user_id, message_id, args, due_at, created_at, "
            "dedupe_key) "
            "SELECT l.platform, l.user_id, 'voucher-reminder', "
            "'{\"tranche\":' || v.tranche || ',\"per_person\":' || v.amount_per_person "
            "|| ',\"total\":' || v.total || ',\"status\":' || to_json(v.status)::text "
            "|| ',\"expires_on\":' || to_json(v.expires_on)::text || '}', $1, $1, "
            "'voucher-reminder:' || v.national_code || ':' || v.tranche || ':' || l.platform "
            "|| ':' || l.user_id "
            "FROM vouchers v JOIN beneficiary_links l ON l.national_code = v.national_code "
            "JOIN users u ON u.platform = l.platform AND u.user_id = l.user_id "
            "WHERE l.platform = $2 AND v.status = 'charged' AND v.expires_on > $3 "
            "AND v.expires_on <= $4 AND u.reminders_off = 0 ON CONFLICT DO NOTHING RETURNING id",
            now, platform, today.isoformat(),
            (today + dt.timedelta(days=days_ahead)).isoformat(),
        )  # fmt: skip
        return len(rows)

    async def reminders_off(self, platform: str, user_id: int) -> bool:
        off = await self.pool.fetchval(
            "SELECT reminders_off FROM users WHERE platform = $1 AND user_id = $2",
            platform,
            user_id,
        )
        return bool(off)

    async def set_reminders_off(self, platform: str, user_id: int, off: bool) -> None:
        await self.pool.execute(
            "UPDATE users SET reminders_off = $1 WHERE platform = $2 AND user_id = $3",
            int(off),
            platform,
            user_id,
        )
