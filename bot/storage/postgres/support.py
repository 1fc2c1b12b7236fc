"""Support tickets on PostgreSQL: a person's message relayed to the staff group and answered."""

from __future__ import annotations

from bot.models import Account
from bot.storage.postgres.base import PgStoreBase
from bot.storage.records import from_row
from bot.storage.sqlite.common import _ACCOUNT_COLUMNS

_U_ACCOUNT_COLUMNS = ", ".join("u." + c.strip() for c in _ACCOUNT_COLUMNS.split(","))


class PgSupportRepository(PgStoreBase):
    """Support tickets: a person's message relayed to the staff group and answered."""

    async def open_ticket(self, platform: str, user_id: int, now: int) -> int:
        return int(
            await self.pool.fetchval(
                "INSERT INTO support_tickets (platform, user_id, created_at) "
                "VALUES ($1, $2, $3) RETURNING id",
                platform,
                user_id,
                now,
            )
        )

    async def attach_ticket_message(self, ticket_id: int, staff_message_id: int) -> None:
        await self.pool.execute(
            "UPDATE support_tickets SET staff_message_id = $1 WHERE id = $2",
            staff_message_id,
            ticket_id,
        )

    async def ticket_for_staff_message(
        self, platform: str, staff_message_id: int
    ) -> tuple[int, Account] | None:
        """The ticket (and its person) a staff reply answers."""
        row = await self.pool.fetchrow(
            f"SELECT t.id, {_U_ACCOUNT_COLUMNS} FROM support_tickets t JOIN users u "
            "ON u.platform = t.platform AND u.user_id = t.user_id "
            "WHERE t.platform = $1 AND t.staff_message_id = $2 ORDER BY t.id LIMIT 1",
            platform,
            staff_message_id,
        )
        return (row[0], from_row(Account, tuple(row)[1:])) if row else None
