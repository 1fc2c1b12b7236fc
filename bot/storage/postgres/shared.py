"""What the PostgreSQL repositories write inside their transactions on behalf of other
aggregates (the outbox, credits, audit, monthly runs): the same statements as SQLite's, in
PostgreSQL's dialect. SQLite keeps each in the repository that owns its table, a base of
the one store class; here they sit in one base below every repository that calls them
(needs, pledges, staff, monthly), so none of those depends on another."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.models import CreditSource, MonthlyClaim, Pledge, PledgeStatus
from bot.storage.notices import NoticeWrites, outbox_args
from bot.storage.postgres.base import Connection, PgStoreBase
from bot.storage.records import (
    DonorNotice,
    HouseholdNotice,
    MonthlyClaimLost,
    NeedLink,
    Notice,
    from_row,
)
from bot.storage.sqlite.common import _PLEDGE_COLUMNS

_P_PLEDGE_COLUMNS = ", ".join("p." + c for c in _PLEDGE_COLUMNS.split(", "))


class PgSharedWrites(NoticeWrites, PgStoreBase):
    """Writes shared by several repositories, each inside the caller's transaction."""

    async def _insert_notices(self, db: Connection, notices: Sequence[Notice], now: int) -> None:
        """The domain's notices as outbox rows due now; a dedupe key already queued is
        skipped, so the same event is told once (see bot/storage/notices.py)."""
        await db.executemany(
            "INSERT INTO outbox (platform, user_id, message_id, args, due_at, created_at, "
            "dedupe_key) VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT DO NOTHING",
            [(n.platform, n.user_id, n.message_id, outbox_args(n), now, n.dedupe_key)
             for n in notices],
        )  # fmt: skip

    async def _needs_named(self, db: Connection, need_ids: Iterable[int]) -> list[Sequence[Any]]:
        """(id, code, kind, item_name, item_name_en) of each need: what a donor is told."""
        return list(
            await db.fetch(
                "SELECT id, code, kind, item_name, item_name_en FROM needs "
                "WHERE id = ANY($1::bigint[])",
                list(need_ids),
            )
        )

    async def _linked_to_needs(self, db: Connection, need_ids: Sequence[int]) -> list[NeedLink]:
        """The people linked to each need's household, with the need's category."""
        rows = await db.fetch(
            "SELECT n.id, n.category, l.platform, l.user_id FROM needs n "
            "JOIN beneficiary_links l ON l.national_code = n.beneficiary_national_code "
            "WHERE n.id = ANY($1::bigint[]) ORDER BY n.id, l.platform, l.user_id",
            list(need_ids),
        )
        return [NeedLink(*row) for row in rows]

    async def _queue_published_news(
        self, db: Connection, now: int, tell: HouseholdNotice | None
    ) -> None:
        """Needs just added (created in this transaction) for a linked household: published."""
        if tell is None:
            return
        rows = await db.fetch(
            "SELECT id FROM needs WHERE created_at = $1 AND status = 'open' "
            "AND beneficiary_national_code IS NOT NULL",
            now,
        )
        if rows:
            await self._tell_households(db, [row[0] for row in rows], tell, now)

    @staticmethod
    async def _insert_audit(
        db: Any,
        *,
        at: int,
        action: str,
        platform: str | None,
        actor_id: int | None,
        subject_type: str | None,
        subject_id: str | None,
        details: dict[str, Any] | None,
    ) -> None:
        """One audit row, on its own (the pool) or inside the caller's transaction."""
        await db.execute(
            "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, subject_id, "
            "details) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            at, platform, actor_id, action, subject_type, subject_id,
            json.dumps(details, ensure_ascii=False) if details else None,
        )  # fmt: skip

    async def _open_credit(
        self, db: Connection, *, platform: str, donor_id: int, amount: int,
        source: CreditSource, pledge: Pledge | None, payment_id: int | None, now: int,
    ) -> int:  # fmt: skip
        """A credit in the donor's name, inside the caller's transaction, audited."""
        credit_id: int = await db.fetchval(
            "INSERT INTO credits (platform, donor_id, amount, unallocated, source, need_id, "
            "pledge_id, payment_id, created_at) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8) "
            "RETURNING id",
            platform, donor_id, amount, source.value, pledge.need_id if pledge else None,
            pledge.id if pledge else None, payment_id, now,
        )  # fmt: skip
        await self._insert_audit(
            db, at=now, action="credit_opened", platform=platform, actor_id=None,
            subject_type="credit", subject_id=str(credit_id),
            details={"source": source.value, "amount": amount,
                     "pledge": pledge.reference if pledge else None},
        )  # fmt: skip
        return credit_id

    async def _credit_paid_pledges(
        self, db: Connection, pledges: Sequence[Pledge], tell: DonorNotice | None, now: int
    ) -> None:
        """Paid money pledges of a need that ended without them (closed): each one's money
        becomes its donor's credit and the donor is asked where it goes."""
        for pledge in pledges:
            await db.execute(
                "UPDATE pledges SET status = $1 WHERE id = $2",
                PledgeStatus.CANCELLED.value,
                pledge.id,
            )
            await db.execute(
                "UPDATE needs SET paid = paid - $1, updated_at = $2 WHERE id = $3",
                pledge.amount,
                now,
                pledge.need_id,
            )
            credit_id = await self._open_credit(
                db, platform=pledge.platform, donor_id=pledge.donor_id, amount=pledge.amount,
                source=CreditSource.NEED_CLOSED, pledge=pledge, payment_id=None, now=now,
            )  # fmt: skip
            await self._tell_donors(db, [pledge], tell, now, credit_id=credit_id)

    @staticmethod
    async def _paid_money_pledges(db: Connection, need_id: int) -> list[Pledge]:
        rows = await db.fetch(
            f"SELECT {_P_PLEDGE_COLUMNS} FROM pledges p JOIN needs n ON n.id = p.need_id "
            "WHERE p.need_id = $1 AND p.status = $2 AND n.kind = 'money' ORDER BY p.id",
            need_id,
            PledgeStatus.PAID.value,
        )
        return [from_row(Pledge, row) for row in rows]

    @staticmethod
    async def _claim_month(
        db: Connection, claim: MonthlyClaim, outcome: str, pledge_id: int | None, now: int
    ) -> None:
        """Move the gift on to its next month, if this month is still the one to handle."""
        claimed = await db.fetchrow(
            "UPDATE monthly_gifts SET next_period = $1, next_due_at = $2, version = version + 1, "
            "updated_at = $3 WHERE id = $4 AND next_period = $5 AND status = 'active' "
            "RETURNING id",
            claim.next_period, claim.next_due_at, now, claim.gift_id, claim.period,
        )  # fmt: skip
        if claimed is None:
            raise MonthlyClaimLost(claim.gift_id)
        await db.execute(
            "INSERT INTO monthly_runs (gift_id, period, outcome, pledge_id, at) "
            "VALUES ($1, $2, $3, $4, $5)",
            claim.gift_id, claim.period, outcome, pledge_id, now,
        )  # fmt: skip
