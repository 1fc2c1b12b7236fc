"""Support tickets: a person's message relayed to the staff group and answered."""

from __future__ import annotations

from bot.models import Account
from bot.storage.records import from_row
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _ACCOUNT_COLUMNS,
)


class SupportRepository(StoreBase):
    """Support tickets: a person's message relayed to the staff group and answered."""

    async def open_ticket(self, platform: str, user_id: int, now: int) -> int:
        rows = await self._fetchall(
            "INSERT INTO support_tickets (platform, user_id, created_at) VALUES (?, ?, ?) "
            "RETURNING id",
            (platform, user_id, now),
        )
        return int(rows[0][0])

    async def attach_ticket_message(self, ticket_id: int, staff_message_id: int) -> None:
        await self._write(
            "UPDATE support_tickets SET staff_message_id = ? WHERE id = ?",
            (staff_message_id, ticket_id),
        )

    async def ticket_for_staff_message(
        self, platform: str, staff_message_id: int
    ) -> tuple[int, Account] | None:
        """The ticket (and its person) a staff reply answers."""
        rows = await self._fetchall(
            f"SELECT t.id, {', '.join('u.' + c.strip() for c in _ACCOUNT_COLUMNS.split(','))} "
            "FROM support_tickets t JOIN users u ON u.platform = t.platform "
            "AND u.user_id = t.user_id WHERE t.platform = ? AND t.staff_message_id = ?",
            (platform, staff_message_id),
        )
        return (rows[0][0], from_row(Account, rows[0][1:])) if rows else None
