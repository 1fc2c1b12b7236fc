"""Accounts: who people are on each platform, their persona, language and role."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import Enum
from typing import Any

from bot.models import (
    Account,
    Persona,
    StaffRole,
)
from bot.storage.records import from_row
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _ACCOUNT_COLUMNS,
    _UPDATABLE_ACCOUNT_FIELDS,
    ACCOUNT_CACHE_SIZE,
    LAST_SEEN_RESOLUTION_S,
    _listed,
)


class AccountsRepository(StoreBase):
    """Accounts: who people are on each platform, their persona, language and role."""

    async def seen_account(
        self, platform: str, user_id: int, chat_id: int, language: str, now: int
    ) -> Account:
        """The account of someone who just wrote to the bot, created on first contact.

        Costs no query when the account is cached and was seen recently. `language` only
        applies to a new account: a returning user keeps the language they chose.
        """
        key = (platform, user_id)
        cached = self._accounts.get(key)
        if cached and cached.chat_id == chat_id and now - cached.last_seen < LAST_SEEN_RESOLUTION_S:
            self._accounts.move_to_end(key)
            return cached
        async with self._connection() as db:
            rows = await db.execute_fetchall(
                "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, user_id) DO UPDATE SET "
                "chat_id = excluded.chat_id, last_seen = excluded.last_seen, blocked = 0 "
                f"RETURNING {_ACCOUNT_COLUMNS}",
                (platform, user_id, chat_id, language, now, now),
            )
        return self._remember(from_row(Account, next(iter(rows))))

    async def account(self, platform: str, user_id: int) -> Account | None:
        """Read through (no cache): for checks that must see other processes' writes."""
        rows = await self._fetchall(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return from_row(Account, rows[0]) if rows else None

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
        await self._write(
            f"UPDATE users SET {field} = ? WHERE platform = ? AND user_id = ?",
            (stored, account.platform, account.user_id),
        )
        return self._remember(replace(account, **{field: value}))

    async def forget_donor(
        self, platform: str, user_id: int, language: str, now: int
    ) -> tuple[int, int]:
        """Erase a person's account, keeping their pledges under a pseudonymous donor number.

        One transaction: the pledges (what the welfare office must account for: reference,
        need, amount, status, payment) move to a new pseudonym, the row `users(platform, -N)`
        that never receives a message (blocked, no language of theirs, no city, no
        settings); their message history in the outbox moves too and what was still to be
        sent is dropped; their account row (language, settings, persona), conversation
        state, flow data, support tickets, verification failures and household link are
        deleted. Audited under the pseudonym only: nothing links N back to the person.
        Returns (N, pledges kept).
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT coalesce(max(-user_id), 0) + 1 FROM users "
                "WHERE platform = ? AND user_id < 0",
                (platform,),
            )
            number = int(next(iter(rows))[0])
            await db.execute(
                "INSERT INTO users (platform, user_id, chat_id, persona, language, first_seen, "
                "last_seen, blocked, announcements_opt_out) "
                "VALUES (?, ?, ?, 'donor', ?, ?, ?, 1, 1)",
                (platform, -number, -number, language, now, now),
            )
            moved = await db.execute_fetchall(
                "UPDATE pledges SET donor_id = ? WHERE platform = ? AND donor_id = ? RETURNING id",
                (-number, platform, user_id),
            )
            for table in ("payments", "credits"):  # the money goes with its pledges
                await db.execute(
                    f"UPDATE {table} SET donor_id = ? WHERE platform = ? AND donor_id = ?",
                    (-number, platform, user_id),
                )
            await db.execute(
                "UPDATE outbox SET user_id = ?, status = CASE WHEN status = 'pending' "
                "THEN 'blocked' ELSE status END WHERE platform = ? AND user_id = ?",
                (-number, platform, user_id),
            )
            await db.execute(  # a standing monthly gift ends with the account
                "UPDATE monthly_gifts SET donor_id = ?, status = 'stopped', create_token = NULL "
                "WHERE platform = ? AND donor_id = ?",
                (-number, platform, user_id),
            )
            for table in ("support_tickets", "verification_failures", "beneficiary_links",
                          "flow_data", "staff_confirmations"):  # fmt: skip
                await db.execute(
                    f"DELETE FROM {table} WHERE platform = ? AND user_id = ?", (platform, user_id)
                )
            await db.execute(
                "DELETE FROM conversation_states WHERE platform = ? AND key = ?",
                (platform, json.dumps([user_id, user_id])),
            )
            await db.execute(
                "DELETE FROM users WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
            await db.execute(
                "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, "
                "subject_id, details) VALUES (?, ?, NULL, 'forget_donor', 'donor', ?, ?)",
                (now, platform, f"D-{number}", json.dumps({"pledges_kept": len(_listed(moved))})),
            )
        self._accounts.pop((platform, user_id), None)
        return number, len(_listed(moved))

    async def count_accounts(self, platform: str | None = None) -> int:
        sql = "SELECT count(*) FROM users"
        params: tuple[Any, ...] = ()
        if platform:
            sql, params = sql + " WHERE platform = ?", (platform,)
        return int((await self._fetchall(sql, params))[0][0])

    def _remember(self, account: Account) -> Account:
        key = (account.platform, account.user_id)
        if self._in_unit():  # forgotten if the transaction rolls back
            self._uncommitted.add(key)
        self._accounts[key] = account
        self._accounts.move_to_end(key)
        if len(self._accounts) > ACCOUNT_CACHE_SIZE:
            self._accounts.popitem(last=False)
        return account
