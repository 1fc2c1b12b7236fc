"""Pledges on PostgreSQL: reserving a share of a need, paying, confirming, delivering."""

from __future__ import annotations

import asyncpg

from bot.models import MonthlyClaim, Need, NeedStatus, Pledge, PledgeStatus
from bot.storage.postgres.base import Connection
from bot.storage.postgres.needs import PgNeedsRepository
from bot.storage.records import (
    NO_NEWS,
    CodeTaken,
    DonorNotice,
    MonthlyClaimLost,
    NeedNews,
    TrackingNumberUsed,
    from_row,
)
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _NothingDone,
)


class PgPledgesRepository(PgNeedsRepository):
    """Pledges: reserving a share of a need, paying, confirming, delivering, expiring.

    Built on the needs repository because pledges and needs share their transactions'
    helpers (returning a share, cancelling what is unpaid)."""

    async def reserve_pledge(
        self,
        *,
        need_id: int,
        platform: str,
        donor_id: int,
        amount: int,
        token: str,
        reference: str,
        now: int,
        expires_at: int,
        monthly: MonthlyClaim | None = None,
        tell: DonorNotice | None = None,
    ) -> tuple[Pledge | None, int]:
        """Reserve `amount` of a need for a donor, atomically; returns (pledge, remaining).

        The conditional UPDATE (`_take_share`) is what keeps a need from over-committing,
        and it is safe under READ COMMITTED by itself: a second donor's UPDATE waits for
        the first's row lock, then PostgreSQL re-reads the committed row and re-checks the
        WHERE against it. (The needs version row taken first, see `_run`, orders the locks;
        it does not carry the guarantee.) A token seen before returns that pledge
        unchanged; two deliveries of one token at once meet at its unique index, and the
        loser, run again, finds the winner's pledge. A lost race returns (None, what
        remains now). `monthly` and `tell` as on SQLite.
        """

        async def reserve(db: Connection) -> tuple[Pledge | None, int]:
            row = await db.fetchrow(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE confirm_token = $1", token
            )
            if row is not None:
                if monthly is not None:  # that month was pledged by an earlier run
                    raise MonthlyClaimLost(monthly.gift_id)
                pledge = from_row(Pledge, row)
                return pledge, await self._remaining(db, pledge.need_id)
            taken = await self._take_share(db, need_id, amount, now)
            if taken is None:
                return None, await self._remaining(db, need_id)
            if await db.fetchval("SELECT 1 FROM pledges WHERE reference = $1", reference):
                raise CodeTaken(reference)  # rolls back the reservation above
            row = await db.fetchrow(
                "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
                "confirm_token, created_at, expires_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                f"RETURNING {_PLEDGE_COLUMNS}",
                reference, need_id, platform, donor_id, amount,
                PledgeStatus.AWAITING_PAYMENT.value, token, now, expires_at,
            )  # fmt: skip
            pledge = from_row(Pledge, row)
            if monthly is not None:
                await self._claim_month(db, monthly, "pledged", pledge.id, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge, taken

        try:
            return await self._run(reserve, writes_needs=True)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "pledges_reference_key":
                raise CodeTaken(reference) from exc
            if exc.constraint_name != "pledges_confirm_token_key":
                raise
            # The same token raced in: its pledge is the answer.
            return await self._run(reserve, writes_needs=True)

    @staticmethod
    async def _take_share(db: Connection, need_id: int, amount: int, now: int) -> int | None:
        """Reserve `amount` of an open need if it still fits; returns what remains after,
        or None. The one conditional UPDATE that keeps every need from over-pledging."""
        found: int | None = await db.fetchval(
            "UPDATE needs SET reserved = reserved + $1, updated_at = $2, "
            "status = CASE WHEN reserved + paid + $1 >= target "
            "THEN 'fully_pledged' ELSE status END "
            "WHERE id = $3 AND status = 'open' AND reserved + paid + $1 <= target "
            "RETURNING target - reserved - paid",
            amount,
            now,
            need_id,
        )
        return found

    @staticmethod
    async def _remaining(db: Connection, need_id: int) -> int:
        remaining = await db.fetchval(
            "SELECT CASE WHEN status = 'open' THEN target - reserved - paid ELSE 0 END "
            "FROM needs WHERE id = $1",
            need_id,
        )
        return remaining or 0

    async def release_pledge(
        self, reference: str, to_status: PledgeStatus, now: int, tell: DonorNotice | None = None
    ) -> Pledge | None:
        """Cancel or expire an awaiting pledge and give its share back to the need."""

        async def release(db: Connection) -> Pledge | None:
            row = await db.fetchrow(
                "UPDATE pledges SET status = $1 WHERE reference = $2 AND status = $3 "
                f"RETURNING {_PLEDGE_COLUMNS}",
                to_status.value, reference, PledgeStatus.AWAITING_PAYMENT.value,
            )  # fmt: skip
            if row is None:
                return None
            pledge = from_row(Pledge, row)
            await self._return_share(db, pledge, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

        return await self._run(release, writes_needs=True)

    async def reject_pledge(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """Staff found no payment: the pledge is rejected, its share returns to the need,
        and the donor's message (the domain's, with the reason) is queued in the same
        transaction."""

        async def reject(db: Connection) -> Pledge | None:
            row = await db.fetchrow(
                "UPDATE pledges SET status = $1, expires_at = NULL WHERE reference = $2 "
                f"AND status IN ($3, $4) RETURNING {_PLEDGE_COLUMNS}",
                PledgeStatus.REJECTED.value, reference, PledgeStatus.AWAITING_PAYMENT.value,
                PledgeStatus.PAYMENT_REPORTED.value,
            )  # fmt: skip
            if row is None:
                return None
            pledge = from_row(Pledge, row)
            await self._return_share(db, pledge, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

        return await self._run(reject, writes_needs=True)

    async def report_rejected_pledge_again(self, reference: str, now: int) -> Pledge | None:
        """The donor insists a rejected payment was made: the pledge takes its share back
        (only if it still fits) and waits for staff again. None when it is not rejected or
        the need has no room for it any more. The pledge row is locked first, so two
        insistences at once take the share once."""

        async def again(db: Connection) -> Pledge | None:
            row = await db.fetchrow(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE reference = $1 AND status = $2 "
                "FOR UPDATE",
                reference,
                PledgeStatus.REJECTED.value,
            )
            if row is None:
                return None
            pledge = from_row(Pledge, row)
            if await self._take_share(db, pledge.need_id, pledge.amount, now) is None:
                return None
            row = await db.fetchrow(
                "UPDATE pledges SET status = $1, expires_at = NULL WHERE id = $2 "
                f"RETURNING {_PLEDGE_COLUMNS}",
                PledgeStatus.PAYMENT_REPORTED.value,
                pledge.id,
            )
            return from_row(Pledge, row)

        return await self._run(again, writes_needs=True)

    async def report_pledge_paid(
        self, reference: str, receipt_file_id: str | None, now: int
    ) -> Pledge | None:
        """The donor says they paid: expiry stops until staff confirm or reject."""
        row = await self._fetchrow(
            "UPDATE pledges SET status = $1, expires_at = NULL, "
            "receipt_file_id = coalesce($2, receipt_file_id) "
            f"WHERE reference = $3 AND status = $4 RETURNING {_PLEDGE_COLUMNS}",
            PledgeStatus.PAYMENT_REPORTED.value, receipt_file_id, reference,
            PledgeStatus.AWAITING_PAYMENT.value,
        )  # fmt: skip
        return from_row(Pledge, row) if row else None

    async def attach_receipt(
        self,
        reference: str,
        platform: str,
        donor_id: int,
        *,
        file_id: str | None = None,
        tracking: str | None = None,
        now: int,
    ) -> Pledge | None:
        """Keep a receipt on the donor's own pledge, whatever its status; an awaiting pledge
        counts as reported paid from now on. None: not the donor's."""
        row = await self._fetchrow(
            "UPDATE pledges SET receipt_file_id = coalesce($1, receipt_file_id), "
            "donor_tracking = coalesce($2, donor_tracking), "
            "expires_at = CASE WHEN status = $3 THEN NULL ELSE expires_at END, "
            "status = CASE WHEN status = $3 THEN $4 ELSE status END "
            "WHERE reference = $5 AND platform = $6 AND donor_id = $7 "
            f"RETURNING {_PLEDGE_COLUMNS}",
            file_id, tracking, PledgeStatus.AWAITING_PAYMENT.value,
            PledgeStatus.PAYMENT_REPORTED.value, reference, platform, donor_id,
        )  # fmt: skip
        return from_row(Pledge, row) if row else None

    async def pending_pledges_of_donor(self, platform: str, donor_id: int) -> list[Pledge]:
        """The donor's pledges a receipt may be for: awaiting payment or reported paid."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE platform = $1 AND donor_id = $2 "
            "AND status IN ($3, $4) ORDER BY created_at DESC, id DESC",
            (platform, donor_id, PledgeStatus.AWAITING_PAYMENT.value,
             PledgeStatus.PAYMENT_REPORTED.value),
        )  # fmt: skip
        return [from_row(Pledge, row) for row in rows]

    async def confirm_pledge_payment(
        self, reference: str, bank_reference: str | None, now: int,
        tell: DonorNotice | None = None, *, news: NeedNews = NO_NEWS,
    ) -> tuple[Pledge, Need] | None:  # fmt: skip
        """Staff saw the money: the reserved share becomes paid; a need paid in full is funded.
        A tracking number that already confirmed another pledge raises TrackingNumberUsed.
        Two staff typing one number at once cannot both find it unused: the body runs after
        the needs version row is locked (`writes_needs`), which every writer of needs takes
        first, so the second reads after the first committed."""

        async def confirm(db: Connection) -> tuple[Pledge, Need] | None:
            if bank_reference is not None:
                taken = await db.fetchval(
                    "SELECT reference FROM pledges WHERE bank_reference = $1 AND reference != $2 "
                    "LIMIT 1",
                    bank_reference,
                    reference,
                )
                if taken is not None:
                    raise TrackingNumberUsed(str(taken))
            paid = await self._pay_reserved_pledge(db, reference, bank_reference, now)
            if paid is None:
                return None
            pledge, need = paid
            if need.status is NeedStatus.CLOSED:  # paid after the need closed: a credit
                await self._credit_paid_pledges(db, [pledge], news.closed_credit, now)
                return pledge, need
            await self._tell_donors(db, [pledge], tell, now)
            if need.status is NeedStatus.FUNDED:
                await self._tell_households(db, [need.id], news.funded, now)
            return pledge, need

        return await self._run(confirm, writes_needs=True)

    @staticmethod
    async def _pay_reserved_pledge(
        db: Connection, reference: str, bank_reference: str | None, now: int
    ) -> tuple[Pledge, Need] | None:
        """An awaiting (or reported) pledge becomes paid and its reserved share moves to paid,
        inside the caller's transaction."""
        row = await db.fetchrow(
            "UPDATE pledges SET status = $1, paid_at = $2, bank_reference = $3, "
            f"expires_at = NULL WHERE reference = $4 AND status IN ($5, $6) "
            f"RETURNING {_PLEDGE_COLUMNS}",
            PledgeStatus.PAID.value, now, bank_reference, reference,
            PledgeStatus.AWAITING_PAYMENT.value, PledgeStatus.PAYMENT_REPORTED.value,
        )  # fmt: skip
        if row is None:
            return None
        pledge = from_row(Pledge, row)
        need = await db.fetchrow(
            "UPDATE needs SET reserved = reserved - $1, paid = paid + $1, updated_at = $2, "
            "status = CASE WHEN status = 'closed' THEN status "
            "WHEN paid + $1 >= target THEN 'funded' ELSE status END "
            f"WHERE id = $3 RETURNING {_NEED_COLUMNS}",
            pledge.amount,
            now,
            pledge.need_id,
        )
        return pledge, from_row(Need, need)

    async def mark_need_delivered(
        self,
        need_id: int,
        now: int,
        tell: DonorNotice | None = None,
        *,
        tell_unpaid: DonorNotice | None = None,
        token: str | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[list[Pledge], list[Pledge]] | None:
        """The help reached the family, in one transaction (see the SQLite twin). Returns
        (delivered, cancelled), or None when nothing was done."""

        async def deliver(db: Connection) -> tuple[list[Pledge], list[Pledge]]:
            updated = await db.fetchrow(
                "UPDATE needs SET status = 'delivered', updated_at = $1 WHERE id = $2 "
                "AND status NOT IN ('closed', 'delivered') AND paid > 0 RETURNING id",
                now,
                need_id,
            )
            if updated is None:
                raise _NothingDone
            rows = await db.fetch(
                "UPDATE pledges SET status = $1 WHERE need_id = $2 AND status = $3 "
                f"RETURNING {_PLEDGE_COLUMNS}",
                PledgeStatus.DELIVERED.value, need_id, PledgeStatus.PAID.value,
            )  # fmt: skip
            delivered = sorted((from_row(Pledge, row) for row in rows), key=lambda p: p.id)
            await self._tell_donors(db, delivered, tell, now)
            cancelled = await self._cancel_unpaid(db, need_id, tell_unpaid, now)
            await self._tell_households(db, [need_id], news.delivered, now)
            return delivered, cancelled

        return await self._run_confirmed(token, now, deliver)

    async def pledge_counts(self, need_id: int) -> dict[PledgeStatus, int]:
        """How many of a need's pledges are in each status: what an ending will tell whom."""
        rows = await self._fetchall(
            "SELECT status, count(*) FROM pledges WHERE need_id = $1 GROUP BY status", (need_id,)
        )
        return {PledgeStatus(status): count for status, count in rows}

    async def households_linked_to_need(self, need_id: int) -> int:
        """How many verified people would hear news of this need (its household's links)."""
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM needs n JOIN beneficiary_links l "
                "ON l.national_code = n.beneficiary_national_code WHERE n.id = $1",
                need_id,
            )
        )
