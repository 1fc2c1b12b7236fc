"""Verification: linking a chat to a household, its failures and locks."""

from __future__ import annotations

import datetime as dt

from bot.storage.sqlite.base import StoreBase


class VerificationRepository(StoreBase):
    """Verification: linking a chat to a household, its failures and locks."""

    async def verification_failures(self, platform: str, user_id: int, since: int) -> list[int]:
        """Times of this person's failed verifications since `since`, oldest first."""
        rows = await self._fetchall(
            "SELECT at FROM verification_failures WHERE platform = ? AND user_id = ? "
            "AND at >= ? ORDER BY at",
            (platform, user_id, since),
        )
        return [row[0] for row in rows]

    async def record_verification_failure(self, platform: str, user_id: int, now: int) -> None:
        await self._write(
            "INSERT INTO verification_failures (platform, user_id, at) VALUES (?, ?, ?)",
            (platform, user_id, now),
        )

    async def link_beneficiary(
        self, platform: str, user_id: int, national_code: str, weak_ownership: bool, now: int
    ) -> None:
        await self._write(
            "INSERT INTO beneficiary_links (platform, user_id, national_code, weak_ownership, "
            "linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "national_code = excluded.national_code, weak_ownership = excluded.weak_ownership, "
            "linked_at = excluded.linked_at",
            (platform, user_id, national_code, int(weak_ownership), now),
        )

    async def beneficiary_link(self, platform: str, user_id: int) -> str | None:
        """The national code this person proved they belong to, or None."""
        rows = await self._fetchall(
            "SELECT national_code FROM beneficiary_links WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return rows[0][0] if rows else None

    async def unlink_beneficiary(self, platform: str, user_id: int) -> None:
        await self._write(
            "DELETE FROM beneficiary_links WHERE platform = ? AND user_id = ?", (platform, user_id)
        )

    async def queue_voucher_reminders(
        self, platform: str, today: dt.date, days_ahead: int, now: int
    ) -> int:
        """Queue one reminder per linked person for charged tranches expiring within
        `days_ahead` days, once (dedupe key), skipping people who turned reminders off."""
        rows = await self._fetchall(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) "
            "SELECT l.platform, l.user_id, 'voucher-reminder', json_object('tranche', "
            "v.tranche, 'per_person', v.amount_per_person, 'total', v.total, 'status', "
            "v.status, 'expires_on', v.expires_on), ?, ?, 'voucher-reminder:' || "
            "v.national_code || ':' || v.tranche || ':' || l.platform || ':' || l.user_id "
            "FROM vouchers v JOIN beneficiary_links l ON l.national_code = v.national_code "
            "JOIN users u ON u.platform = l.platform AND u.user_id = l.user_id "
            "WHERE l.platform = ? AND v.status = 'charged' AND v.expires_on > ? "
            "AND v.expires_on <= ? AND u.reminders_off = 0 RETURNING id",
            (
                now,
                now,
                platform,
                today.isoformat(),
                (today + dt.timedelta(days=days_ahead)).isoformat(),
            ),
        )
        return len(rows)

    async def reminders_off(self, platform: str, user_id: int) -> bool:
        rows = await self._fetchall(
            "SELECT reminders_off FROM users WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return bool(rows and rows[0][0])

    async def set_reminders_off(self, platform: str, user_id: int, off: bool) -> None:
        await self._write(
            "UPDATE users SET reminders_off = ? WHERE platform = ? AND user_id = ?",
            (int(off), platform, user_id),
        )
