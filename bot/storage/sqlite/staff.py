"""Staff: roles, invites, one-time confirmations, the audit log, statistics and exports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.models import (
    Pledge,
    PledgeStatus,
    StaffRole,
)
from bot.storage.records import (
    AUDIT_COLUMNS,
    AuditEntry,
    Confirmation,
    DonorNotice,
    OpenInvite,
    PledgeExport,
    Statistics,
    from_row,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _CONFIRMATION_COLUMNS,
    _OPEN_INVITE,
    _PLEDGE_COLUMNS,
    _listed,
    _statistics,
)


class StaffQueries:
    """Staff statements both backends run as written (`?` placeholders, no dialect), so the
    SQLite and the PostgreSQL store share them: each brings its own `_fetchall`."""

    if TYPE_CHECKING:  # the backend's own, found by the MRO

        async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...

    async def open_invites(self, platform: str, now: int, limit: int) -> list[OpenInvite]:
        """Invites that can still be redeemed, newest first."""
        rows = await self._fetchall(
            "SELECT code, created_by, created_at, expires_at FROM staff_invites "
            f"WHERE platform = ? AND {_OPEN_INVITE} ORDER BY created_at DESC, code LIMIT ?",
            (platform, now, limit),
        )
        return [from_row(OpenInvite, row) for row in rows]

    async def revoke_invite(self, code: str, platform: str, by: int, now: int) -> bool:
        """An admin takes back an open invite; False if it was not open."""
        rows = await self._fetchall(
            "UPDATE staff_invites SET revoked_at = ?, revoked_by = ? WHERE code = ? "
            f"AND platform = ? AND {_OPEN_INVITE} RETURNING code",
            (now, by, code, platform, now),
        )
        return bool(rows)

    async def pledges_for_export(
        self, since: int, until: int, with_pii: bool
    ) -> list[PledgeExport]:
        """Pledges created in [since, until) with their need, oldest first. With `with_pii`,
        the linked household's national code, name and phone are added (staff only)."""
        pii = ", n.beneficiary_national_code, b.full_name, b.mobile" if with_pii else ""
        rows = await self._fetchall(
            "SELECT p.reference, n.code, n.kind, n.item_name, p.amount, p.status, "
            f"p.created_at, p.paid_at, p.bank_reference{pii} FROM pledges p "
            "JOIN needs n ON n.id = p.need_id "
            "LEFT JOIN beneficiaries b ON b.national_code = n.beneficiary_national_code "
            "WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.id",
            (since, until),
        )
        return [from_row(PledgeExport, row) for row in rows]

    async def pledge_by_token(self, token: str) -> Pledge | None:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE confirm_token = ?", (token,)
        )
        return from_row(Pledge, rows[0]) if rows else None

    async def pledge(self, reference: str) -> Pledge | None:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE reference = ?", (reference,)
        )
        return from_row(Pledge, rows[0]) if rows else None

    async def expired_pledges(self, now: int, platform: str) -> list[Pledge]:
        """Awaiting pledges whose time ran out (expiry is a row with a due time, not a timer).

        Per platform: each bot process expires the pledges of the donors it can tell.
        """
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE status = ? AND expires_at <= ? "
            "AND platform = ? ORDER BY id",
            (PledgeStatus.AWAITING_PAYMENT.value, now, platform),
        )
        return [from_row(Pledge, row) for row in rows]

    async def pledges_of_donor(
        self, platform: str, donor_id: int, limit: int, offset: int = 0
    ) -> list[Pledge]:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE platform = ? AND donor_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (platform, donor_id, limit, offset),
        )
        return [from_row(Pledge, row) for row in rows]

    async def count_pledges_of_donor(self, platform: str, donor_id: int) -> int:
        """How many pledges `pledges_of_donor` pages through: for "page X of Y"."""
        rows = await self._fetchall(
            "SELECT count(*) FROM pledges WHERE platform = ? AND donor_id = ?",
            (platform, donor_id),
        )
        return int(rows[0][0])

    async def latest_audit(self, limit: int = 20) -> list[AuditEntry]:
        """The newest rows of the audit log, newest first."""
        rows = await self._fetchall(
            f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [from_row(AuditEntry, row) for row in rows]


class StaffRepository(StaffQueries, StoreBase):
    """Staff: roles, invites, one-time confirmations, the audit log, statistics and exports."""

    async def set_staff_role_by_id(self, platform: str, user_id: int, role: StaffRole) -> bool:
        """Change someone's staff role by id (an admin's command); False if unknown to us."""
        rows = await self._fetchall(
            "UPDATE users SET staff_role = ? WHERE platform = ? AND user_id = ? RETURNING user_id",
            (role.value, platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)
        return bool(rows)

    async def create_invite(
        self, code: str, platform: str, created_by: int, now: int, expires_at: int
    ) -> None:
        await self._write(
            "INSERT INTO staff_invites (code, platform, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, platform, created_by, now, expires_at),
        )

    async def redeem_invite(self, code: str, platform: str, user_id: int, now: int) -> bool:
        """Use a one-time code: the person becomes staff, atomically, at most once, and only
        while the code is unexpired and not revoked."""
        async with self._transaction() as db:
            used = await db.execute_fetchall(
                "UPDATE staff_invites SET used_by = ?, used_at = ? WHERE code = ? "
                f"AND platform = ? AND {_OPEN_INVITE} RETURNING code",
                (user_id, now, code, platform, now),
            )
            if not used:
                return False
            await db.execute(
                "UPDATE users SET staff_role = 'staff' WHERE platform = ? AND user_id = ? "
                "AND staff_role = 'none'",
                (platform, user_id),
            )
        self._accounts.pop((platform, user_id), None)
        return True

    async def void_invites_not_from(
        self, platform: str, admins: Sequence[int], now: int
    ) -> list[tuple[str, int]]:
        """Open invites whose creator is no longer an admin die with them: (code, creator)
        of each one voided now."""
        return [
            (str(code), int(creator))
            for code, creator in await self._fetchall(
                "UPDATE staff_invites SET revoked_at = ? WHERE platform = ? "
                f"AND {_OPEN_INVITE} AND created_by NOT IN (SELECT value FROM json_each(?)) "
                "RETURNING code, created_by",
                (now, platform, now, json.dumps(list(admins))),
            )
        ]

    async def statistics(self, platform: str, active_since: int) -> Statistics:
        """The numbers of /stats, in one transaction so they agree with each other."""
        async with self._transaction() as db:
            personas = _listed(
                await db.execute_fetchall(
                    "SELECT coalesce(persona, 'new'), count(*) FROM users WHERE platform = ? "
                    "AND user_id > 0 GROUP BY 1",  # not the pseudonyms of erased donors
                    (platform,),
                )
            )
            staff = _listed(
                await db.execute_fetchall(
                    "SELECT count(*) FROM users WHERE platform = ? AND staff_role != 'none'",
                    (platform,),
                )
            )
            active = _listed(
                await db.execute_fetchall(
                    "SELECT count(*) FROM users WHERE platform = ? AND last_seen >= ?",
                    (platform, active_since),
                )
            )
            needs = _listed(
                await db.execute_fetchall("SELECT status, count(*) FROM needs GROUP BY 1")
            )
            pledges = _listed(
                await db.execute_fetchall("SELECT status, count(*) FROM pledges GROUP BY 1")
            )
            money = _listed(
                await db.execute_fetchall(
                    "SELECT p.name_fa, p.name_en, sum(n.paid), sum(n.target) FROM needs n "
                    "JOIN provinces p ON p.id = n.province_id WHERE n.kind = 'money' "
                    "AND n.status NOT IN ('draft', 'closed') GROUP BY p.id"
                )
            )
            credit = _listed(
                await db.execute_fetchall(
                    "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
                )
            )
        return _statistics(
            personas, staff[0][0], active[0][0], needs, pledges, money, next(iter(credit))
        )

    async def create_confirmation(
        self, token: str, platform: str, user_id: int, action: str, subject: str,
        details: dict[str, object] | None, now: int,
    ) -> None:  # fmt: skip
        await self._write(
            "INSERT INTO staff_confirmations (token, platform, user_id, action, subject, "
            "details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token, platform, user_id, action, subject,
             json.dumps(details, ensure_ascii=False) if details else None, now),
        )  # fmt: skip

    async def confirmation(self, token: str) -> Confirmation | None:
        rows = await self._fetchall(
            f"SELECT {_CONFIRMATION_COLUMNS} FROM staff_confirmations WHERE token = ?", (token,)
        )
        return from_row(Confirmation, rows[0]) if rows else None

    async def use_confirmation(self, token: str, now: int) -> bool:
        """Spend a confirmation without acting (its "no" button); False if already spent."""
        async with self._transaction() as db:
            return await self._use_confirmation(db, token, now)

    @staticmethod
    async def _use_confirmation(db: aiosqlite.Connection, token: str, now: int) -> bool:
        rows = await db.execute_fetchall(
            "UPDATE staff_confirmations SET used_at = ? WHERE token = ? AND used_at IS NULL "
            "RETURNING token",
            (now, token),
        )
        return bool(rows)

    async def count_pledges_awaiting_confirmation(self, need_id: int | None = None) -> int:
        rows = await self._fetchall(
            "SELECT count(*) FROM pledges WHERE status IN (?, ?) AND (?3 IS NULL OR need_id = ?3)",
            (PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.AWAITING_PAYMENT.value, need_id),
        )
        return int(rows[0][0])

    async def pledges_awaiting_confirmation(
        self, limit: int, offset: int = 0, need_id: int | None = None
    ) -> list[Pledge]:
        """Pledges staff must check: reported payments (receipts first), then awaiting ones;
        all of them, or one need's."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE status IN (:reported, :awaiting) "
            "AND (:need IS NULL OR need_id = :need) ORDER BY status = :reported DESC, "
            "receipt_file_id IS NOT NULL DESC, created_at, id LIMIT :limit OFFSET :offset",
            {
                "reported": PledgeStatus.PAYMENT_REPORTED.value,
                "awaiting": PledgeStatus.AWAITING_PAYMENT.value,
                "need": need_id,
                "limit": limit,
                "offset": offset,
            },
        )
        return [from_row(Pledge, row) for row in rows]

    async def undo_confirmation(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """A wrong confirmation: paid becomes payment-reported again, the amount moves back
        from paid to reserved (a funded need reopens as fully pledged), the donor is told."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, paid_at = NULL, bank_reference = NULL "
                f"WHERE reference = ? AND status = ? RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.PAYMENT_REPORTED.value, reference, PledgeStatus.PAID.value),
            )
            if not rows:
                return None
            pledge = from_row(Pledge, next(iter(rows)))
            await db.execute(
                "UPDATE needs SET paid = paid - :amount, reserved = reserved + :amount, "
                "updated_at = :now, status = CASE WHEN status = 'funded' THEN 'fully_pledged' "
                "ELSE status END WHERE id = :need",
                {"amount": pledge.amount, "now": now, "need": pledge.need_id},
            )
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

    async def remind_pledges(self, now: int, platform: str, tell: DonorNotice) -> list[Pledge]:
        """Queue a reminder for awaiting pledges past half their time, once: the pledge is
        marked and the message queued in one transaction, so no restart repeats or loses it."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET reminded = 1 WHERE status = ? AND reminded = 0 "
                "AND expires_at IS NOT NULL AND created_at + (expires_at - created_at) / 2 <= ? "
                f"AND platform = ? RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.AWAITING_PAYMENT.value, now, platform),
            )
            reminded = [from_row(Pledge, row) for row in rows]
            await self._tell_donors(db, reminded, tell, now)
            return reminded

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
        async with self._connection() as db:
            await self._insert_audit(
                db, at=at, action=action, platform=platform, actor_id=actor_id,
                subject_type=subject_type, subject_id=subject_id, details=details,
            )  # fmt: skip

    @staticmethod
    async def _insert_audit(
        db: aiosqlite.Connection,
        *,
        at: int,
        action: str,
        platform: str | None,
        actor_id: int | None,
        subject_type: str | None,
        subject_id: str | None,
        details: dict[str, Any] | None,
    ) -> None:
        """One audit row, on its own or inside the caller's transaction."""
        await db.execute(
            "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, subject_id, "
            "details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                platform,
                actor_id,
                action,
                subject_type,
                subject_id,
                json.dumps(details, ensure_ascii=False) if details else None,
            ),
        )
