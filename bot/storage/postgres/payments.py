"""Payments in the chat on PostgreSQL, and the reconciliation of checkouts whose outcome is
unknown (see the SQLite twin, bot/storage/sqlite/payments.py, for the rules)."""

from __future__ import annotations

from typing import Any

import asyncpg

from bot.models import (
    Checkout,
    CheckoutState,
    IncomingPayment,
    Inquiry,
    InvoiceCheck,
    Need,
    PaymentResult,
    Pledge,
    PledgeStatus,
)
from bot.storage.money import PaymentFlows
from bot.storage.postgres.base import Connection
from bot.storage.postgres.shared import _P_PLEDGE_COLUMNS, PgSharedWrites
from bot.storage.records import (
    NO_NEWS,
    DonorNotice,
    InquiryRecord,
    NeedNews,
    PaymentRecord,
    from_row,
)
from bot.storage.sqlite.common import (
    _CHECKOUT_COLUMNS,
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
)

# The unique keys that recognise money already counted: two workers recording one payment
# at once meet at one of them, and the loser, run again, finds the winner's row.
_SAME_MONEY = frozenset({"payments_telegram_payment_charge_id_key", "checkouts_charge_id_key"})


class PgPaymentsRepository(PgSharedWrites, PaymentFlows):
    """Payments in the chat, and the reconciliation of checkouts whose outcome is unknown."""

    async def create_invoice(
        self, pledge_id: int, payload: str, amount: int, currency: str, now: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO invoices (payload, pledge_id, amount, currency, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            payload, pledge_id, amount, currency, now,
        )  # fmt: skip

    async def invoice_check(self, payload: str) -> InvoiceCheck | None:
        """The invoice and its pledge's state, by the payload's unique index: one read on the
        pool, which never waits for writers (SQLite needs its lock-free read for that)."""
        row = await self._fetchrow(
            "SELECT p.reference, i.amount, i.currency, i.paid_at IS NOT NULL, p.status, "
            "p.expires_at FROM invoices i JOIN pledges p ON p.id = i.pledge_id "
            "WHERE i.payload = $1",
            payload,
        )
        if row is None:
            return None
        reference, amount, currency, used, status, expires_at = row
        return InvoiceCheck(
            reference, amount, currency, bool(used), PledgeStatus(status), expires_at
        )

    async def record_payment(
        self, payment: IncomingPayment, now: int, *, tell_paid: DonorNotice,
        tell_unallocated: DonorNotice, news: NeedNews = NO_NEWS,
    ) -> PaymentResult:  # fmt: skip
        """Money arrived: recorded, allocated (or kept as credit), announced and audited in
        one transaction (`PaymentFlows._record_payment_in`, the same steps as SQLite).

        It may change needs, so it takes the needs version row first (`writes_needs`), as
        every writer of needs does: two workers recording the same update at once are
        serialized there, and the second, reading after the first's commit (READ
        COMMITTED), finds the charge id and returns DUPLICATE. Should two ever meet at the
        unique charge id anyway, the loser runs again and finds the winner's row.
        """

        async def record(db: Connection) -> PaymentResult:
            return await self._record_payment_in(
                db, payment, now, tell_paid, tell_unallocated, news
            )

        try:
            return await self._run(record, writes_needs=True)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name not in _SAME_MONEY:
                raise
            return await self._run(record, writes_needs=True)

    @staticmethod
    async def _invoiced_pledge(db: Connection, payload: str) -> Pledge | None:
        row = await db.fetchrow(
            f"SELECT {_P_PLEDGE_COLUMNS} FROM invoices i JOIN pledges p ON p.id = i.pledge_id "
            "WHERE i.payload = $1",
            payload,
        )
        return from_row(Pledge, row) if row else None

    @staticmethod
    async def _pledge_by_id(db: Connection, pledge_id: int) -> Pledge:
        row = await db.fetchrow(f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE id = $1", pledge_id)
        return from_row(Pledge, row)

    @staticmethod
    async def _repay_pledge(db: Connection, pledge_id: int, charge_id: str, now: int) -> None:
        """An ended pledge whose money arrived and found room again: paid after all."""
        await db.execute(
            "UPDATE pledges SET status = $1, paid_at = $2, bank_reference = $3, "
            "expires_at = NULL WHERE id = $4",
            PledgeStatus.PAID.value, now, charge_id, pledge_id,
        )  # fmt: skip

    @staticmethod
    async def _pay_into_need(db: Connection, need_id: int, amount: int, now: int) -> Need | None:
        """Money already paid goes straight into an open need if it still fits (one
        conditional UPDATE, as pledging; under READ COMMITTED a concurrent writer's row is
        re-read and the WHERE re-checked): the need after, or None when it has no room."""
        row = await db.fetchrow(
            "UPDATE needs SET paid = paid + $1, updated_at = $2, status = CASE "
            "WHEN paid + $1 >= target THEN 'funded' "
            "WHEN reserved + paid + $1 >= target THEN 'fully_pledged' ELSE status END "
            "WHERE id = $3 AND status = 'open' AND reserved + paid + $1 <= target "
            f"RETURNING {_NEED_COLUMNS}",
            amount, now, need_id,
        )  # fmt: skip
        return from_row(Need, row) if row else None

    @staticmethod
    async def _insert_payment(
        db: Connection, payment: IncomingPayment, pledge: Pledge | None, allocated: int,
        now: int,
    ) -> int:  # fmt: skip
        found: int = await db.fetchval(
            "INSERT INTO payments (platform, donor_id, pledge_id, invoice_payload, amount, "
            "currency, allocated, unallocated, telegram_payment_charge_id, "
            "provider_payment_charge_id, paid_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            payment.platform, payment.donor_id, pledge.id if pledge else None,
            payment.payload, payment.amount, payment.currency, allocated,
            payment.amount - allocated, payment.charge_id,
            payment.provider_charge_id or None, now,
        )  # fmt: skip
        return found

    @staticmethod
    async def _mark_invoice_paid(db: Connection, payload: str, now: int) -> None:
        await db.execute(
            "UPDATE invoices SET paid_at = coalesce(paid_at, $1) WHERE payload = $2", now, payload
        )

    async def ledger(self) -> tuple[int, int, int]:
        """(sum of payments, allocated, unallocated) over every payment: the first is always
        the sum of the other two."""
        row = await self._fetchrow(
            "SELECT coalesce(sum(amount), 0)::bigint, coalesce(sum(allocated), 0)::bigint, "
            "coalesce(sum(unallocated), 0)::bigint FROM payments"
        )
        return tuple(row)

    async def payments_of_pledge(self, reference: str) -> list[PaymentRecord]:
        """Every payment recorded for a pledge, oldest first (for staff and tests)."""
        rows = await self._fetchall(
            "SELECT y.amount, y.currency, y.allocated, y.unallocated, "
            "y.telegram_payment_charge_id, y.provider_payment_charge_id, y.paid_at "
            "FROM payments y JOIN pledges p ON p.id = y.pledge_id WHERE p.reference = $1 "
            "ORDER BY y.id",
            (reference,),
        )
        return [from_row(PaymentRecord, row) for row in rows]

    async def record_checkout(self, checkout: Checkout) -> None:
        """An approved pre-checkout, written before the approval is sent. One short INSERT
        on the pool: PostgreSQL commits many at once, so SQLite's group commit has no twin."""
        await self.pool.execute(
            "INSERT INTO checkouts (transaction_id, platform, donor_id, invoice_payload, "
            "amount, currency, approved_at, next_inquiry_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            checkout.transaction_id, checkout.platform, checkout.donor_id, checkout.payload,
            checkout.amount, checkout.currency, checkout.approved_at, checkout.next_inquiry_at,
        )  # fmt: skip

    @staticmethod
    async def _charge_seen(db: Connection, payment: IncomingPayment) -> list[Any]:
        """None for each row that knows this charge id; else the reconciled checkout of the
        invoice whose update has not come yet (see `PaymentFlows._payment_known`)."""
        rows = await db.fetch(
            "SELECT NULL FROM payments WHERE telegram_payment_charge_id = $1 "
            "UNION ALL SELECT NULL FROM checkouts WHERE charge_id = $1 "
            "UNION ALL (SELECT transaction_id FROM checkouts "
            "WHERE invoice_payload = $2 AND state = 'reconciled' AND charge_id IS NULL "
            "ORDER BY approved_at, transaction_id LIMIT 1)",
            payment.charge_id,
            payment.payload,
        )
        return [row[0] for row in rows]

    @staticmethod
    async def _link_checkout(db: Connection, transaction_id: str, charge: str) -> None:
        await db.execute(
            "UPDATE checkouts SET charge_id = $1 WHERE transaction_id = $2", charge, transaction_id
        )

    @staticmethod
    async def _claim_update_payment(db: Connection, payment: IncomingPayment, now: int) -> bool:
        """For an inquiry's "paid" (see the SQLite twin). The checkout row is locked first,
        so an inquiry and an update of one transaction settle it one after the other."""
        state = await db.fetchval(
            "SELECT state FROM checkouts WHERE transaction_id = $1 FOR UPDATE",
            payment.transaction_id,
        )
        if state != "awaiting":
            return True
        unclaimed = await db.fetchrow(
            "SELECT id, telegram_payment_charge_id FROM payments WHERE invoice_payload = $1 "
            "AND id NOT IN (SELECT payment_id FROM checkouts WHERE payment_id IS NOT NULL) "
            "ORDER BY id LIMIT 1",
            payment.payload,
        )
        if unclaimed is None:
            return False
        payment_id, charge_id = unclaimed
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = $1, payment_id = $2, "
            "next_inquiry_at = NULL, settled_at = $3 WHERE transaction_id = $4",
            charge_id, payment_id, now, payment.transaction_id,
        )  # fmt: skip
        return True

    @staticmethod
    async def _settle_checkout(
        db: Connection, payment: IncomingPayment, payment_id: int, now: int
    ) -> None:
        """The checkout this new payment settles (see the SQLite twin)."""
        if payment.transaction_id is not None:
            await db.execute(
                "UPDATE checkouts SET state = 'reconciled', payment_id = $1, "
                "next_inquiry_at = NULL, settled_at = $2 WHERE transaction_id = $3",
                payment_id, now, payment.transaction_id,
            )  # fmt: skip
            return
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = $1, payment_id = $2, "
            "next_inquiry_at = NULL, settled_at = $3 WHERE invoice_payload = $4 "
            "AND state = 'awaiting' AND (SELECT count(*) FROM checkouts "
            "WHERE invoice_payload = $4 AND state = 'awaiting') = 1",
            payment.charge_id, payment_id, now, payment.payload,
        )  # fmt: skip

    async def due_checkouts(self, platform: str, now: int, limit: int) -> list[Checkout]:
        """Approved checkouts still awaiting their money whose next question is due."""
        rows = await self._fetchall(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE platform = $1 "
            "AND next_inquiry_at IS NOT NULL AND next_inquiry_at <= $2 "
            "ORDER BY next_inquiry_at LIMIT $3",
            (platform, now, limit),
        )
        return [from_row(Checkout, row) for row in rows]

    async def checkout(self, transaction_id: str) -> Checkout | None:
        row = await self._fetchrow(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE transaction_id = $1",
            transaction_id,
        )
        return from_row(Checkout, row) if row else None

    async def record_inquiry(
        self,
        checkout: Checkout,
        inquiry: Inquiry,
        now: int,
        *,
        state: CheckoutState,
        next_at: int | None,
    ) -> bool:
        """What Bale answered, as a row, and the checkout's next step, in one transaction
        (see the SQLite twin). False (nothing written) when the checkout was settled
        meanwhile: the conditional UPDATE waits for a concurrent settling and re-checks."""

        async def record(db: Connection) -> bool:
            inquiries = await db.fetchval(
                "UPDATE checkouts SET inquiries = inquiries + 1, state = $1, next_inquiry_at = $2, "
                "settled_at = CASE WHEN $2::bigint IS NULL THEN $3::bigint END "
                "WHERE transaction_id = $4 AND state = 'awaiting' RETURNING inquiries",
                state.value, next_at, now, checkout.transaction_id,
            )  # fmt: skip
            if inquiries is None:
                return False
            await db.execute(
                "INSERT INTO checkout_inquiries (transaction_id, asked_at, answer, amount, "
                "detail) VALUES ($1, $2, $3, $4, $5)",
                checkout.transaction_id, now, inquiry.answer.value, inquiry.amount,
                inquiry.detail[:200] or None,
            )  # fmt: skip
            if state is CheckoutState.GIVEN_UP:
                await self._audit_given_up(db, checkout, inquiry, inquiries, now)
            return True

        return await self._run(record)

    async def inquiries_of(self, transaction_id: str) -> list[InquiryRecord]:
        """Every question asked about a checkout and what was heard, oldest first."""
        rows = await self._fetchall(
            "SELECT asked_at, answer, amount, detail FROM checkout_inquiries "
            "WHERE transaction_id = $1 ORDER BY id",
            (transaction_id,),
        )
        return [from_row(InquiryRecord, row) for row in rows]
