"""Payments in the chat, and the reconciliation of checkouts whose outcome is unknown."""

from __future__ import annotations

from typing import Any

import aiosqlite

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
from bot.storage.records import (
    NO_NEWS,
    DonorNotice,
    InquiryRecord,
    NeedNews,
    PaymentRecord,
    from_row,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _CHECKOUT_COLUMNS,
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _listed,
)


class PaymentsRepository(StoreBase, PaymentFlows):
    """Payments in the chat, and the reconciliation of checkouts whose outcome is unknown."""

    # An invoice is offered once per "Pay now" (its payload names the pledge and a nonce);
    # pre-checkout reads it with its pledge in one indexed query; a successful payment is
    # recorded, allocated (or not), announced and audited in one transaction.

    async def create_invoice(
        self, pledge_id: int, payload: str, amount: int, currency: str, now: int
    ) -> None:
        await self._write(
            "INSERT INTO invoices (payload, pledge_id, amount, currency, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (payload, pledge_id, amount, currency, now),
        )

    async def invoice_check(self, payload: str) -> InvoiceCheck | None:
        """The invoice and its pledge's state, by the payload's unique index: pre-checkout
        must answer within seconds, so this is its only read."""
        rows = await self._read_in_loop(
            "SELECT p.reference, i.amount, i.currency, i.paid_at IS NOT NULL, p.status, "
            "p.expires_at FROM invoices i JOIN pledges p ON p.id = i.pledge_id "
            "WHERE i.payload = ?",
            (payload,),
        )
        if not rows:
            return None
        reference, amount, currency, used, status, expires_at = rows[0]
        return InvoiceCheck(
            reference, amount, currency, bool(used), PledgeStatus(status), expires_at
        )

    async def record_payment(
        self, payment: IncomingPayment, now: int, *, tell_paid: DonorNotice,
        tell_unallocated: DonorNotice, news: NeedNews = NO_NEWS,
    ) -> PaymentResult:  # fmt: skip
        """Money arrived: in ONE transaction record it, pay its pledge (or keep it
        unallocated), queue the donor's thanks and the household's news, and audit it with
        the payment as the actor. Never refuses: the money has left the donor's account.

        A redelivered update (same charge id) returns DUPLICATE and changes nothing. A pledge
        that expired or was cancelled after its pre-checkout takes its share again only if
        the need still has room (one conditional UPDATE, so no race over-funds it); a pledge
        already paid, or no room, leaves the amount unallocated for the donor's choice. The
        steps are `PaymentFlows._record_payment_in` (bot/storage/money.py).
        """
        async with self._transaction() as db:
            return await self._record_payment_in(
                db, payment, now, tell_paid, tell_unallocated, news
            )

    @staticmethod
    async def _insert_payment(
        db: aiosqlite.Connection, payment: IncomingPayment, pledge: Pledge | None,
        allocated: int, now: int,
    ) -> int:  # fmt: skip
        rows = await db.execute_fetchall(
            "INSERT INTO payments (platform, donor_id, pledge_id, invoice_payload, amount, "
            "currency, allocated, unallocated, telegram_payment_charge_id, "
            "provider_payment_charge_id, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (payment.platform, payment.donor_id, pledge.id if pledge else None,
             payment.payload, payment.amount, payment.currency, allocated,
             payment.amount - allocated, payment.charge_id,
             payment.provider_charge_id or None, now),
        )  # fmt: skip
        return int(next(iter(rows))[0])

    @staticmethod
    async def _mark_invoice_paid(db: aiosqlite.Connection, payload: str, now: int) -> None:
        await db.execute(
            "UPDATE invoices SET paid_at = coalesce(paid_at, ?) WHERE payload = ?",
            (now, payload),
        )

    @staticmethod
    async def _invoiced_pledge(db: aiosqlite.Connection, payload: str) -> Pledge | None:
        rows = await db.execute_fetchall(
            f"SELECT {', '.join('p.' + c for c in _PLEDGE_COLUMNS.split(', '))} "
            "FROM invoices i JOIN pledges p ON p.id = i.pledge_id WHERE i.payload = ?",
            (payload,),
        )
        return from_row(Pledge, next(iter(rows))) if rows else None

    @staticmethod
    async def _pledge_by_id(db: aiosqlite.Connection, pledge_id: int) -> Pledge:
        rows = await db.execute_fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE id = ?", (pledge_id,)
        )
        return from_row(Pledge, next(iter(rows)))

    @staticmethod
    async def _repay_pledge(
        db: aiosqlite.Connection, pledge_id: int, charge_id: str, now: int
    ) -> None:
        """An ended pledge whose money arrived and found room again: paid after all."""
        await db.execute(
            "UPDATE pledges SET status = ?, paid_at = ?, bank_reference = ?, expires_at = NULL "
            "WHERE id = ?",
            (PledgeStatus.PAID.value, now, charge_id, pledge_id),
        )

    @staticmethod
    async def _pay_into_need(
        db: aiosqlite.Connection, need_id: int, amount: int, now: int
    ) -> Need | None:
        """Money already paid goes straight into an open need if it still fits (one
        conditional UPDATE, as pledging): the need after, or None when it has no room."""
        taken = await db.execute_fetchall(
            "UPDATE needs SET paid = paid + :amount, updated_at = :now, status = CASE "
            "WHEN paid + :amount >= target THEN 'funded' "
            "WHEN reserved + paid + :amount >= target THEN 'fully_pledged' ELSE status END "
            "WHERE id = :need AND status = 'open' AND reserved + paid + :amount <= target "
            f"RETURNING {_NEED_COLUMNS}",
            {"amount": amount, "now": now, "need": need_id},
        )
        return from_row(Need, next(iter(taken))) if taken else None

    async def ledger(self) -> tuple[int, int, int]:
        """(sum of payments, allocated, unallocated) over every payment: the first is always
        the sum of the other two."""
        rows = await self._fetchall(
            "SELECT coalesce(sum(amount), 0), coalesce(sum(allocated), 0), "
            "coalesce(sum(unallocated), 0) FROM payments"
        )
        return tuple(rows[0])

    async def payments_of_pledge(self, reference: str) -> list[PaymentRecord]:
        """Every payment recorded for a pledge, oldest first (for staff and tests)."""
        rows = await self._fetchall(
            "SELECT y.amount, y.currency, y.allocated, y.unallocated, "
            "y.telegram_payment_charge_id, y.provider_payment_charge_id, y.paid_at "
            "FROM payments y JOIN pledges p ON p.id = y.pledge_id WHERE p.reference = ? "
            "ORDER BY y.id",
            (reference,),
        )
        return [from_row(PaymentRecord, row) for row in rows]

    # Every approved pre-checkout is a checkout. Payments for one invoice are interchangeable
    # (same pledge, same amount), so what must hold is a count: each transaction Bale calls
    # paid has exactly one payment row, whichever arrives first, the successful_payment
    # update or the inquiry's answer. Both go through `record_payment` (one transaction).

    async def record_checkout(self, checkout: Checkout) -> None:
        """An approved pre-checkout, written before the approval is sent: if the money then
        moves and its update is lost, the reconciliation job still knows to ask."""
        await self._checkouts.write(
            (checkout.transaction_id, checkout.platform, checkout.donor_id, checkout.payload,
             checkout.amount, checkout.currency, checkout.approved_at,
             checkout.next_inquiry_at)
        )  # fmt: skip

    @staticmethod
    async def _charge_seen(db: aiosqlite.Connection, payment: IncomingPayment) -> list[Any]:
        """None for each row that knows this charge id; else the reconciled checkout of the
        invoice whose update has not come yet (see `PaymentFlows._payment_known`)."""
        seen = await db.execute_fetchall(
            "SELECT NULL FROM payments WHERE telegram_payment_charge_id = :charge "
            "UNION ALL SELECT NULL FROM checkouts WHERE charge_id = :charge "
            "UNION ALL SELECT * FROM (SELECT transaction_id FROM checkouts "
            "WHERE invoice_payload = :payload AND state = 'reconciled' AND charge_id IS NULL "
            "ORDER BY approved_at, transaction_id LIMIT 1)",
            {"charge": payment.charge_id, "payload": payment.payload},
        )
        return [row[0] for row in seen]

    @staticmethod
    async def _link_checkout(db: aiosqlite.Connection, transaction_id: str, charge: str) -> None:
        await db.execute(
            "UPDATE checkouts SET charge_id = ? WHERE transaction_id = ?", (charge, transaction_id)
        )

    @staticmethod
    async def _claim_update_payment(
        db: aiosqlite.Connection, payment: IncomingPayment, now: int
    ) -> bool:
        """For an inquiry's "paid": True (nothing to count) when its checkout is settled, or
        when an update's payment for the invoice is not yet claimed by any checkout (it is
        this transaction's money: the checkout takes it)."""
        state = _listed(
            await db.execute_fetchall(
                "SELECT state FROM checkouts WHERE transaction_id = ?", (payment.transaction_id,)
            )
        )
        if not state or state[0][0] != "awaiting":
            return True
        unclaimed = await db.execute_fetchall(
            "SELECT id, telegram_payment_charge_id FROM payments WHERE invoice_payload = ? "
            "AND id NOT IN (SELECT payment_id FROM checkouts WHERE payment_id IS NOT NULL) "
            "ORDER BY id LIMIT 1",
            (payment.payload,),
        )
        if not unclaimed:
            return False
        payment_id, charge_id = next(iter(unclaimed))
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = ?, payment_id = ?, "
            "next_inquiry_at = NULL, settled_at = ? WHERE transaction_id = ?",
            (charge_id, payment_id, now, payment.transaction_id),
        )
        return True

    @staticmethod
    async def _settle_checkout(
        db: aiosqlite.Connection, payment: IncomingPayment, payment_id: int, now: int
    ) -> None:
        """The checkout this new payment settles: the inquired one (reconciled), or the one
        awaiting checkout of its invoice when there is exactly one (paid). With several
        awaiting, which one paid is not known: they stay for the job, which asks Bale."""
        if payment.transaction_id is not None:
            await db.execute(
                "UPDATE checkouts SET state = 'reconciled', payment_id = ?, "
                "next_inquiry_at = NULL, settled_at = ? WHERE transaction_id = ?",
                (payment_id, now, payment.transaction_id),
            )
            return
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = :charge, payment_id = :payment, "
            "next_inquiry_at = NULL, settled_at = :now WHERE invoice_payload = :payload "
            "AND state = 'awaiting' AND (SELECT count(*) FROM checkouts "
            "WHERE invoice_payload = :payload AND state = 'awaiting') = 1",
            {"charge": payment.charge_id, "payment": payment_id, "now": now,
             "payload": payment.payload},
        )  # fmt: skip

    async def due_checkouts(self, platform: str, now: int, limit: int) -> list[Checkout]:
        """Approved checkouts still awaiting their money whose next question is due."""
        rows = await self._fetchall(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE platform = ? "
            "AND next_inquiry_at IS NOT NULL AND next_inquiry_at <= ? "
            "ORDER BY next_inquiry_at LIMIT ?",
            (platform, now, limit),
        )
        return [from_row(Checkout, row) for row in rows]

    async def checkout(self, transaction_id: str) -> Checkout | None:
        rows = await self._fetchall(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE transaction_id = ?",
            (transaction_id,),
        )
        return from_row(Checkout, rows[0]) if rows else None

    async def record_inquiry(
        self,
        checkout: Checkout,
        inquiry: Inquiry,
        now: int,
        *,
        state: CheckoutState,
        next_at: int | None,
    ) -> bool:
        """What Bale answered, as a row, and the checkout's next step, in one transaction:
        its next question (`next_at`), or settled as declined or given up (then NULL). A
        give-up is audited with the payment as the actor, for staff. False (nothing written)
        when the checkout was settled meanwhile (its update arrived)."""
        async with self._transaction() as db:
            moved = await db.execute_fetchall(
                "UPDATE checkouts SET inquiries = inquiries + 1, state = ?, next_inquiry_at = ?, "
                "settled_at = CASE WHEN ? IS NULL THEN ? END "
                "WHERE transaction_id = ? AND state = 'awaiting' RETURNING inquiries",
                (state.value, next_at, next_at, now, checkout.transaction_id),
            )
            if not moved:
                return False
            await db.execute(
                "INSERT INTO checkout_inquiries (transaction_id, asked_at, answer, amount, "
                "detail) VALUES (?, ?, ?, ?, ?)",
                (checkout.transaction_id, now, inquiry.answer.value, inquiry.amount,
                 inquiry.detail[:200] or None),
            )  # fmt: skip
            if state is CheckoutState.GIVEN_UP:
                await self._audit_given_up(db, checkout, inquiry, next(iter(moved))[0], now)
            return True

    async def inquiries_of(self, transaction_id: str) -> list[InquiryRecord]:
        """Every question asked about a checkout and what was heard, oldest first."""
        rows = await self._fetchall(
            "SELECT asked_at, answer, amount, detail FROM checkout_inquiries "
            "WHERE transaction_id = ? ORDER BY id",
            (transaction_id,),
        )
        return [from_row(InquiryRecord, row) for row in rows]
