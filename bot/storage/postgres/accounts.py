"""Accounts on PostgreSQL: who people are on each platform, their persona, language and role."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import Enum
from typing import Any

from bot.models import Account, Persona, StaffRole
from bot.storage.postgres.base import Connection, PgStoreBase
from bot.storage.records import from_row
from bot.storage.sqlite.common import (
    _ACCOUNT_COLUMNS,
    _UPDATABLE_ACCOUNT_FIELDS,
    ACCOUNT_CACHE_SIZE,
    LAST_SEEN_RESOLUTION_S,
)


class PgAccountsRepository(PgStoreBase):
    """Accounts: who people are on each platform, their persona, language and role."""

    async def seen_account(
        self, platform: str, user_id: int, chat_id: int, language: str, now: int
    ) -> Account:
        """The account of someone who just wrote to the bot, created on first contact.

        Seen recently, it costs a read instead of a write (last_seen moves at most once per
        LAST_SEEN_RESOLUTION_S). Unlike SQLite's, the cached account is never answered
        as it is: another worker may have changed the person's role, persona or language
        since, and the next handler must see that. `language` only applies to a new account.
        """
        key = (platform, user_id)
        cached = self._accounts.get(key)
        if cached and cached.chat_id == chat_id and now - cached.last_seen < LAST_SEEN_RESOLUTION_S:
            current = await self.account(platform, user_id)
            if current is not None:
                return self._remember(current)
        row = await self._fetchrow(
            "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
            "VALUES ($1, $2, $3, $4, $5, $5) "
            "ON CONFLICT (platform, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, last_seen = excluded.last_seen, blocked = 0 "
            f"RETURNING {_ACCOUNT_COLUMNS}",
            platform, user_id, chat_id, language, now,
        )  # fmt: skip
        return self._remember(from_row(Account, row))

    async def account(self, platform: str, user_id: int) -> Account | None:
        """Read through (no cache): for checks that must see other processes' writes."""
        row = await self._fetchrow(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE platform = $1 AND user_id = $2",
            platform,
            user_id,
        )
        return from_row(Account, row) if row else None

    async def set_persona(self, account: Account, persona: Persona) -> Account:
        return await self._update_account(account, "persona", persona)

    async def set_language(self, account: Account, language: str) -> Account:
        return await self._update_account(account, "language", language)

    async def set_staff_role(self, account: Account, role: StaffRole) -> Account:
        return await self._update_account(account, "staff_role", role)

    async def _update_account(self, account: Account, field: str, value: Any) -> Account:
        """Change one column of a person's row (none when unchanged) and the cached copy."""
        if getattr(account, field) == value:
            return account
        if field not in _UPDATABLE_ACCOUNT_FIELDS:
            raise ValueError(f"not an updatable account field: {field}")
        stored = value.value if isinstance(value, Enum) else value
        await self.pool.execute(
            f"UPDATE users SET {field} = $1 WHERE platform = $2 AND user_id = $3",
            stored,
            account.platform,
            account.user_id,
        )
        return self._remember(replace(account, **{field: value}))

    async def forget_donor(
        self, platform: str, user_id: int, language: str, now: int
    ) -> tuple[int, int]:
        """Erase a person's account, keeping their pledges under a pseudonymous donor number.

        The same steps as SQLite's, in one transaction. Two erasures at once on one platform
        would draw the same number; the transaction-level advisory lock on the platform
        makes them take turns (SQLite's single writer does that by itself).
        """

        async def erase(db: Connection) -> tuple[int, int]:
            await db.execute("SELECT pg_advisory_xact_lock(hashtext('forget:' || $1))", platform)
            number = int(
                await db.fetchval(
                    "SELECT coalesce(max(-user_id), 0) + 1 FROM users "
                    "WHERE platform = $1 AND user_id < 0",
                    platform,
                )
            )
            await db.execute(
                "INSERT INTO users (platform, user_id, chat_id, persona, language, first_seen, "
                "last_seen, blocked, announcements_opt_out) "
                "VALUES ($1, $2, $2, 'donor', $3, $4, $4, 1, 1)",
                platform, -number, language, now,
            )  # fmt: skip
            moved = await db.fetch(
                "UPDATE pledges SET donor_id = $1 WHERE platform = $2 AND donor_id = $3 "
                "RETURNING id",
                -number, platform, user_id,
            )  # fmt: skip
            for table in ("payments", "credits"):  # the money goes with its pledges
                await db.execute(
                    f"UPDATE {table} SET donor_id = $1 WHERE platform = $2 AND donor_id = $3",
                    -number, platform, user_id,
                )  # fmt: skip
            await db.execute(
                "UPDATE outbox SET user_id = $1, status = CASE WHEN status = 'pending' "
                "THEN 'blocked' ELSE status END WHERE platform = $2 AND user_id = $3",
                -number, platform, user_id,
            )  # fmt: skip
            await db.execute(  # a standing monthly gift ends with the account
                "UPDATE monthly_gifts SET donor_id = $1, status = 'stopped', "
                "create_token = NULL WHERE platform = $2 AND donor_id = $3",
                -number, platform, user_id,
            )  # fmt: skip
            for table in ("support_tickets", "verification_failures", "beneficiary_links",
                          "flow_data", "staff_confirmations"):  # fmt: skip
                await db.execute(
                    f"DELETE FROM {table} WHERE platform = $1 AND user_id = $2", platform, user_id
                )
            await db.execute(
                "DELETE FROM conversation_states WHERE platform = $1 AND key = $2",
                platform,
                json.dumps([user_id, user_id]),
            )
            await db.execute(
                "DELETE FROM users WHERE platform = $1 AND user_id = $2", platform, user_id
            )
            await db.execute(
                "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, "
                "subject_id, details) VALUES ($1, $2, NULL, 'forget_donor', 'donor', $3, $4)",
                now, platform, f"D-{number}", json.dumps({"pledges_kept": len(moved)}),
            )  # fmt: skip
            return number, len(moved)

        number, kept = await self._run(erase)
        self._accounts.pop((platform, user_id), None)
        return number, kept

    async def count_accounts(self, platform: str | None = None) -> int:
        if platform:
            return int(
                await self.pool.fetchval("SELECT count(*) FROM users WHERE platform = $1", platform)
            )
        return int(await self.pool.fetchval("SELECT count(*) FROM users"))

    def _remember(self, account: Account) -> Account:
        key = (account.platform, account.user_id)
        self._accounts[key] = account
        self._accounts.move_to_end(key)
        if len(self._accounts) > ACCOUNT_CACHE_SIZE:
            self._accounts.popitem(last=False)
        return account
