"""Pledges: reserving a share of a need, paying, confirming, delivering, expiring."""

from __future__ import annotations

import aiosqlite

from bot.models import (
    MonthlyClaim,
    Need,
    NeedStatus,
    Pledge,
    PledgeStatus,
)
from bot.storage.records import (
    NO_NEWS,
    CodeTaken,
    DonorNotice,
    MonthlyClaimLost,
    NeedNews,
    TrackingNumberUsed,
    from_row,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _NothingDone,
)


class PledgesRepository(StoreBase):
    """Pledges: reserving a share of a need, paying, confirming, delivering, expiring."""

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

        The conditional UPDATE re-checks what remains in the same statement that takes it,
        and the transaction holds SQLite's write lock, so no interleaving of donors or
        processes can over-pledge. A token seen before returns that pledge unchanged (a
        redelivered confirmation). A lost race returns (None, what remains now).
        A `monthly` gift's month is claimed in the same transaction (MonthlyClaimLost, and
        nothing reserved, when another run already handled it); `tell` is the domain's
        notice of the new pledge to its donor (a monthly gift's), queued with it.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE confirm_token = ?", (token,)
            )
            if rows:
                if monthly is not None:  # that month was pledged by an earlier run
                    raise MonthlyClaimLost(monthly.gift_id)
                pledge = from_row(Pledge, next(iter(rows)))
                return pledge, await self._remaining(db, pledge.need_id)
            taken = await self._take_share(db, need_id, amount, now)
            if taken is None:
                return None, await self._remaining(db, need_id)
            if await db.execute_fetchall("SELECT 1 FROM pledges WHERE reference = ?", (reference,)):
                raise CodeTaken(reference)  # rolls back the reservation above
            rows = await db.execute_fetchall(
                "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
                "confirm_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (
                    reference,
                    need_id,
                    platform,
                    donor_id,
                    amount,
                    PledgeStatus.AWAITING_PAYMENT.value,
                    token,
                    now,
                    expires_at,
                ),
            )
            pledge = from_row(Pledge, next(iter(rows)))
            if monthly is not None:
                await self._claim_month(db, monthly, "pledged", pledge.id, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge, taken

    @staticmethod
    async def _take_share(
        db: aiosqlite.Connection, need_id: int, amount: int, now: int
    ) -> int | None:
        """Reserve `amount` of an open need if it still fits; returns what remains after,
        or None. The one conditional UPDATE that keeps every need from over-pledging."""
        taken = await db.execute_fetchall(
            "UPDATE needs SET reserved = reserved + :amount, updated_at = :now, "
            "status = CASE WHEN reserved + paid + :amount >= target "
            "THEN 'fully_pledged' ELSE status END "
            "WHERE id = :need AND status = 'open' AND reserved + paid + :amount <= target "
            "RETURNING target - reserved - paid",
            {"amount": amount, "now": now, "need": need_id},
        )
        return next(iter(taken))[0] if taken else None

    @staticmethod
    async def _remaining(db: aiosqlite.Connection, need_id: int) -> int:
        rows = await db.execute_fetchall(
            "SELECT CASE WHEN status = 'open' THEN target - reserved - paid ELSE 0 END "
            "FROM needs WHERE id = ?",
            (need_id,),
        )
        return next(iter(rows))[0] if rows else 0

    async def release_pledge(
        self, reference: str, to_status: PledgeStatus, now: int, tell: DonorNotice | None = None
    ) -> Pledge | None:
        """Cancel or expire an awaiting pledge and give its share back to the need."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ? WHERE reference = ? AND status = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (to_status.value, reference, PledgeStatus.AWAITING_PAYMENT.value),
            )
            if not rows:
                return None
            pledge = from_row(Pledge, next(iter(rows)))
            await self._return_share(db, pledge, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

    @staticmethod
    async def _return_share(db: aiosqlite.Connection, pledge: Pledge, now: int) -> None:
        """A released pledge's reserved share goes back; a fully pledged need reopens."""
        await db.execute(
            "UPDATE needs SET reserved = reserved - ?, updated_at = ?, "
            "status = CASE WHEN status = 'fully_pledged' THEN 'open' ELSE status END "
            "WHERE id = ?",
            (pledge.amount, now, pledge.need_id),
        )

    async def reject_pledge(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """Staff found no payment: the pledge is rejected, its share returns to the need,
        and the donor's message (the domain's, with the reason) is queued in the same
        transaction."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, expires_at = NULL WHERE reference = ? "
                f"AND status IN (?, ?) RETURNING {_PLEDGE_COLUMNS}",
                (
                    PledgeStatus.REJECTED.value,
                    reference,
                    PledgeStatus.AWAITING_PAYMENT.value,
                    PledgeStatus.PAYMENT_REPORTED.value,
                ),
            )
            if not rows:
                return None
            pledge = from_row(Pledge, next(iter(rows)))
            await self._return_share(db, pledge, now)
            await self._tell_donors(db, [pledge], tell, now)
            return pledge

    async def report_rejected_pledge_again(self, reference: str, now: int) -> Pledge | None:
        """The donor insists a rejected payment was made: the pledge takes its share of the
        need back (only if it still fits) and waits for staff again as a reported payment.
        None when the pledge is not rejected or the need has no room for it any more."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE reference = ? AND status = ?",
                (reference, PledgeStatus.REJECTED.value),
            )
            if not rows:
                return None
            pledge = from_row(Pledge, next(iter(rows)))
            if await self._take_share(db, pledge.need_id, pledge.amount, now) is None:
                return None
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, expires_at = NULL WHERE id = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.PAYMENT_REPORTED.value, pledge.id),
            )
            return from_row(Pledge, next(iter(rows)))

    async def report_pledge_paid(
        self, reference: str, receipt_file_id: str | None, now: int
    ) -> Pledge | None:
        """The donor says they paid: expiry stops until staff confirm or reject."""
        rows = await self._fetchall(
            "UPDATE pledges SET status = ?, expires_at = NULL, "
            "receipt_file_id = coalesce(?, receipt_file_id) "
            f"WHERE reference = ? AND status = ? RETURNING {_PLEDGE_COLUMNS}",
            (
                PledgeStatus.PAYMENT_REPORTED.value,
                receipt_file_id,
                reference,
                PledgeStatus.AWAITING_PAYMENT.value,
            ),
        )
        return from_row(Pledge, rows[0]) if rows else None

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
        """Keep a receipt (a photo or PDF's file id, or a typed tracking number) on the
        donor's own pledge, whatever its status: a receipt sent after staff decided is
        still kept (and staff told by the caller). A pledge still awaiting payment counts
        as reported paid from now on, so it no longer expires. None: not the donor's."""
        rows = await self._fetchall(
            "UPDATE pledges SET receipt_file_id = coalesce(?1, receipt_file_id), "
            "donor_tracking = coalesce(?2, donor_tracking), "
            "expires_at = CASE WHEN status = ?3 THEN NULL ELSE expires_at END, "
            "status = CASE WHEN status = ?3 THEN ?4 ELSE status END "
            "WHERE reference = ?5 AND platform = ?6 AND donor_id = ?7 "
            f"RETURNING {_PLEDGE_COLUMNS}",
            (file_id, tracking, PledgeStatus.AWAITING_PAYMENT.value,
             PledgeStatus.PAYMENT_REPORTED.value, reference, platform, donor_id),
        )  # fmt: skip
        return from_row(Pledge, rows[0]) if rows else None

    async def pending_pledges_of_donor(self, platform: str, donor_id: int) -> list[Pledge]:
        """The donor's pledges a receipt may be for: awaiting payment or reported paid."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE platform = ? AND donor_id = ? "
            "AND status IN (?, ?) ORDER BY created_at DESC, id DESC",
            (platform, donor_id, PledgeStatus.AWAITING_PAYMENT.value,
             PledgeStatus.PAYMENT_REPORTED.value),
        )  # fmt: skip
        return [from_row(Pledge, row) for row in rows]

    async def confirm_pledge_payment(
        self, reference: str, bank_reference: str | None, now: int,
        tell: DonorNotice | None = None, *, news: NeedNews = NO_NEWS,
    ) -> tuple[Pledge, Need] | None:  # fmt: skip
        """Staff saw the money: the reserved share becomes paid; a need paid in full is funded.
        A tracking number that already confirmed another pledge raises TrackingNumberUsed."""
        async with self._transaction() as db:
            if bank_reference is not None:
                taken = await db.execute_fetchall(
                    "SELECT reference FROM pledges WHERE bank_reference = ? AND reference != ? "
                    "LIMIT 1",
                    (bank_reference, reference),
                )
                if taken:
                    raise TrackingNumberUsed(str(next(iter(taken))[0]))
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

    @staticmethod
    async def _pay_reserved_pledge(
        db: aiosqlite.Connection, reference: str, bank_reference: str | None, now: int
    ) -> tuple[Pledge, Need] | None:
        """An awaiting (or reported) pledge becomes paid and its reserved share moves to paid,
        inside the caller's transaction: the one path for staff and in-chat payments."""
        rows = await db.execute_fetchall(
            "UPDATE pledges SET status = ?, paid_at = ?, bank_reference = ?, expires_at = NULL "
            f"WHERE reference = ? AND status IN (?, ?) RETURNING {_PLEDGE_COLUMNS}",
            (
                PledgeStatus.PAID.value,
                now,
                bank_reference,
                reference,
                PledgeStatus.AWAITING_PAYMENT.value,
                PledgeStatus.PAYMENT_REPORTED.value,
            ),
        )
        if not rows:
            return None
        pledge = from_row(Pledge, next(iter(rows)))
        needs = await db.execute_fetchall(
            "UPDATE needs SET reserved = reserved - :amount, paid = paid + :amount, "
            "updated_at = :now, status = CASE WHEN status = 'closed' THEN status "
            "WHEN paid + :amount >= target THEN 'funded' "
            f"ELSE status END WHERE id = :need RETURNING {_NEED_COLUMNS}",
            {"amount": pledge.amount, "now": now, "need": pledge.need_id},
        )
        return pledge, from_row(Need, next(iter(needs)))

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
        """The help reached the family, in one transaction: the need and its paid pledges
        become delivered (those donors told), pledges still awaiting payment are cancelled
        (shares returned, donors told not to pay), the household hears it. Reported payments
        stay for staff to confirm. Returns (delivered, cancelled), or None when nothing was
        done: the need is closed, already delivered or has no confirmed payment, or the
        confirmation `token` was already used."""
        done = None
        async with self._confirmed(token, now) as db:
            if db is None:  # the confirmation was spent
                return None
            updated = await db.execute_fetchall(
                "UPDATE needs SET status = 'delivered', updated_at = ? WHERE id = ? "
                "AND status NOT IN ('closed', 'delivered') AND paid > 0 RETURNING id",
                (now, need_id),
            )
            if not updated:
                raise _NothingDone
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ? WHERE need_id = ? AND status = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.DELIVERED.value, need_id, PledgeStatus.PAID.value),
            )
            delivered = [from_row(Pledge, row) for row in rows]
            await self._tell_donors(db, delivered, tell, now)
            cancelled = await self._cancel_unpaid(db, need_id, tell_unpaid, now)
            await self._tell_households(db, [need_id], news.delivered, now)
            done = delivered, cancelled
        return done

    async def _cancel_unpaid(
        self, db: aiosqlite.Connection, need_id: int, tell: DonorNotice | None, now: int
    ) -> list[Pledge]:
        """A need that ends (closed, delivered): pledges still awaiting payment are cancelled,
        their shares returned and their donors told not to pay (inside the caller's
        transaction)."""
        rows = await db.execute_fetchall(
            "UPDATE pledges SET status = ? WHERE need_id = ? AND status = ? "
            f"RETURNING {_PLEDGE_COLUMNS}",
            (PledgeStatus.CANCELLED.value, need_id, PledgeStatus.AWAITING_PAYMENT.value),
        )
        cancelled = [from_row(Pledge, row) for row in rows]
        for pledge in cancelled:
            await self._return_share(db, pledge, now)
        await self._tell_donors(db, cancelled, tell, now)
        return cancelled

    async def pledge_counts(self, need_id: int) -> dict[PledgeStatus, int]:
        """How many of a need's pledges are in each status: what an ending will tell whom."""
        rows = await self._fetchall(
            "SELECT status, count(*) FROM pledges WHERE need_id = ? GROUP BY status", (need_id,)
        )
        return {PledgeStatus(status): count for status, count in rows}

    async def households_linked_to_need(self, need_id: int) -> int:
        """How many verified people would hear news of this need (its household's links)."""
        rows = await self._fetchall(
            "SELECT count(*) FROM needs n JOIN beneficiary_links l "
            "ON l.national_code = n.beneficiary_national_code WHERE n.id = ?",
            (need_id,),
        )
        return int(rows[0][0])
