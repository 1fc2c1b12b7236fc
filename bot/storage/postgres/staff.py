"""Staff on PostgreSQL: roles, invites, one-time confirmations, the audit log, statistics,
exports, and the pledge reads staff and the pledge clock use.

One-time things stay one-time across workers without locks of their own: spending an
invite or a confirmation is one conditional UPDATE (`... AND used_at IS NULL`), and under
READ COMMITTED a second UPDATE of the same row waits for the first to commit, re-reads the
row and finds its condition false, so of two pools spending one token at once one wins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.models import Pledge, PledgeStatus, StaffRole
from bot.storage.postgres.base import Connection, _native
from bot.storage.postgres.shared import PgSharedWrites
from bot.storage.records import Confirmation, DonorNotice, Statistics, from_row
from bot.storage.sqlite.common import (
    _CONFIRMATION_COLUMNS,
    _OPEN_INVITE,
    _PLEDGE_COLUMNS,
    _statistics,
)
from bot.storage.sqlite.staff import StaffQueries

_STATISTICS = (
    # Each takes the platform and `active_since`, as many of them as it has placeholders.
    "SELECT coalesce(persona, 'new'), count(*) FROM users WHERE platform = $1 "
    "AND user_id > 0 GROUP BY 1",  # not the pseudonyms of erased donors
    "SELECT count(*) FROM users WHERE platform = $1 AND staff_role != 'none'",
    "SELECT count(*) FROM users WHERE platform = $1 AND last_seen >= $2",
    "SELECT status, count(*) FROM needs GROUP BY 1",
    "SELECT status, count(*) FROM pledges GROUP BY 1",
    "SELECT p.name_fa, p.name_en, sum(n.paid)::bigint, sum(n.target)::bigint FROM needs n "
    "JOIN provinces p ON p.id = n.province_id WHERE n.kind = 'money' "
    "AND n.status NOT IN ('draft', 'closed') GROUP BY p.id",
    "SELECT coalesce(sum(unallocated), 0)::bigint, coalesce(sum(office), 0)::bigint FROM credits",
)


class PgStaffRepository(StaffQueries, PgSharedWrites):
    """Staff: roles, invites, one-time confirmations, the audit log, statistics and exports."""

    async def set_staff_role_by_id(self, platform: str, user_id: int, role: StaffRole) -> bool:
        """Change someone's staff role by id (an admin's command); False if unknown to us."""
        row = await self._fetchrow(
            "UPDATE users SET staff_role = $1 WHERE platform = $2 AND user_id = $3 "
            "RETURNING user_id",
            role.value,
            platform,
            user_id,
        )
        self._accounts.pop((platform, user_id), None)
        return row is not None

    async def create_invite(
        self, code: str, platform: str, created_by: int, now: int, expires_at: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO staff_invites (code, platform, created_by, created_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            code, platform, created_by, now, expires_at,
        )  # fmt: skip

    async def redeem_invite(self, code: str, platform: str, user_id: int, now: int) -> bool:
        """Use a one-time code: the person becomes staff, atomically, at most once, and only
        while the code is unexpired and not revoked."""

        async def redeem(db: Connection) -> bool:
            used = await db.fetchrow(
                _native(
                    "UPDATE staff_invites SET used_by = ?, used_at = ? WHERE code = ? "
                    f"AND platform = ? AND {_OPEN_INVITE} RETURNING code"
                ),
                user_id, now, code, platform, now,
            )  # fmt: skip
            if used is None:
                return False
            await db.execute(
                "UPDATE users SET staff_role = 'staff' WHERE platform = $1 AND user_id = $2 "
                "AND staff_role = 'none'",
                platform,
                user_id,
            )
            return True

        redeemed = await self._run(redeem)
        if redeemed:
            self._accounts.pop((platform, user_id), None)
        return redeemed

    async def statistics(self, platform: str, active_since: int) -> Statistics:
        """The numbers of /stats, from one snapshot so they agree with each other: READ
        COMMITTED would give each query its own, where SQLite's transaction gives one."""

        async def read(db: Connection) -> Statistics:
            personas, staff, active, needs, pledges, money, credit = [
                await db.fetch(sql, *(platform, active_since)[: sql.count("$")])
                for sql in _STATISTICS
            ]
            return _statistics(
                personas, staff[0][0], active[0][0], needs, pledges, money, credit[0]
            )

        unit = self._unit()
        if unit is not None:  # inside a unit of work: its transaction is the snapshot
            return await read(unit)
        async with (
            self.pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            return await read(connection)

    async def create_confirmation(
        self, token: str, platform: str, user_id: int, action: str, subject: str,
        details: dict[str, object] | None, now: int,
    ) -> None:  # fmt: skip
        await self.pool.execute(
            "INSERT INTO staff_confirmations (token, platform, user_id, action, subject, "
            "details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            token, platform, user_id, action, subject,
            json.dumps(details, ensure_ascii=False) if details else None, now,
        )  # fmt: skip

    async def confirmation(self, token: str) -> Confirmation | None:
        row = await self._fetchrow(
            f"SELECT {_CONFIRMATION_COLUMNS} FROM staff_confirmations WHERE token = $1", token
        )
        return from_row(Confirmation, row) if row else None

    async def use_confirmation(self, token: str, now: int) -> bool:
        """Spend a confirmation without acting (its "no" button); False if already spent."""
        return await self._run(lambda db: self._use_confirmation(db, token, now))

    async def count_pledges_awaiting_confirmation(self, need_id: int | None = None) -> int:
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM pledges WHERE status IN ($1, $2) "
                "AND ($3::bigint IS NULL OR need_id = $3)",
                PledgeStatus.PAYMENT_REPORTED.value,
                PledgeStatus.AWAITING_PAYMENT.value,
                need_id,
            )
        )

    async def pledges_awaiting_confirmation(
        self, limit: int, offset: int = 0, need_id: int | None = None
    ) -> list[Pledge]:
        """Pledges staff must check: reported payments (receipts first), then awaiting ones;
        all of them, or one need's."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE status IN ($1, $2) "
            "AND ($3::bigint IS NULL OR need_id = $3) ORDER BY status = $1 DESC, "
            "receipt_file_id IS NOT NULL DESC, created_at, id LIMIT $4 OFFSET $5",
            (PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.AWAITING_PAYMENT.value, need_id,
             limit, offset),
        )  # fmt: skip
        return [from_row(Pledge, row) for row in rows]

    async def undo_confirmation(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """A wrong confirmation: paid becomes payment-reported again, the amount moves back
        from paid to reserved (a funded need reopens as fully pledged), the donor is told."""

        async def undo(db: Connection) -> Pledge | None:
            row = await db.fetchrow(
                "UPDATE pledges SET status = $1, paid_at = NULL, bank_reference = NULL "
                f"WHERE reference = $2 AND status = $3 RETURNING {_PLEDGE_COLUMNS}",
                PledgeStatus.PAYMENT_REPORTED.value, reference, PledgeStatus.PAID.value,
            )  # fmt: skip
            if row is None:
                return None
            pledge = from_row(Pledge, row)
            await db.execute(
                "UPDATE needs SET paid = paid - $1, reserved = reserved + $1, updated_at = $2, "
                "status = CASE WHEN status = 'funded' THEN 'fully_pledged' ELSE status END "
                "WHERE id = $3",
                pledge.amount, now, pledge.need_id,
            )  # fmt: skip
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

        return await self._run(undo, writes_needs=True)

    async def remind_pledges(self, now: int, platform: str, tell: DonorNotice) -> list[Pledge]:
        """Queue a reminder for awaiting pledges past half their time, once, in one
        transaction with the mark."""

        async def remind(db: Connection) -> list[Pledge]:
            rows = await db.fetch(
                "UPDATE pledges SET reminded = 1 WHERE status = $1 AND reminded = 0 "
                "AND expires_at IS NOT NULL AND created_at + (expires_at - created_at) / 2 <= $2 "
                f"AND platform = $3 RETURNING {_PLEDGE_COLUMNS}",
                PledgeStatus.AWAITING_PAYMENT.value, now, platform,
            )  # fmt: skip
            reminded = [from_row(Pledge, row) for row in rows]
            await self._tell_donors(db, reminded, tell, now)
            return reminded

        return await self._run(remind)

    async def record_audit(
        self,
        *,
        at: int,
        action: str,
        platform: str | None = None,
        actor_id: int | None = None,
        subject_type: str | None = None,
        subject_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        await self._insert_audit(
            self.pool, at=at, action=action, platform=platform, actor_id=actor_id,
            subject_type=subject_type, subject_id=subject_id, details=details,
        )  # fmt: skip

    async def void_invites_not_from(
        self, platform: str, admins: Sequence[int], now: int
    ) -> list[tuple[str, int]]:
        """Open invites whose creator is no longer an admin die with them: (code, creator)
        of each one voided now (the accounts domain runs it when an admin is demoted)."""
        rows = await self._fetchall(
            "UPDATE staff_invites SET revoked_at = $1 WHERE platform = $2 "
            "AND used_by IS NULL AND revoked_at IS NULL AND expires_at > $1 "
            "AND NOT (created_by = ANY($3::bigint[])) RETURNING code, created_by",
            (now, platform, list(admins)),
        )
        return [(str(code), int(creator)) for code, creator in rows]
