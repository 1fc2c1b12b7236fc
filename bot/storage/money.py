"""What recording a payment and moving a credit do, step by step: the same on every backend.

Why it is its own module: the order of the steps is where the money rules live (a
duplicate counts nothing; a payment pays its pledge, or takes a fresh share only if the
need has room, or becomes the donor's credit; every move of credit is audited once and
its donor told once), and two copies of it, one per backend, would drift. Each backend
mixes `PaymentFlows` and `CreditFlows` into its repositories and supplies the statements
they call (the `_` methods documented below) in its own SQL dialect, and the transaction
each flow runs in (SQLite's `_transaction`, PostgreSQL's `_run`). `db` is that backend's
connection inside the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bot.models import (
    Checkout,
    Credit,
    CreditMove,
    CreditSource,
    IncomingPayment,
    Inquiry,
    Need,
    NeedStatus,
    PaymentOutcome,
    PaymentResult,
    Pledge,
    PledgeStatus,
)
from bot.storage.records import (
    NO_NEWS,
    CreditExport,
    CreditNotice,
    DonorNotice,
    HouseholdNotice,
    NeedNews,
    Notice,
    from_row,
)
from bot.storage.sqlite.common import _NothingDone

CREDIT_COLUMNS = (
    "id, platform, donor_id, amount, unallocated, office, source, need_id, pledge_id, "
    "created_at, decided_at, decided_by"
)


Rows = Sequence[Sequence[Any]]


def ledger_words(donors: Rows, credits: Rows, needs: Rows) -> list[str]:
    """The rows `ledger_problems` found, in words: (platform, donor, received, housed) per
    donor, (id, amount, accounted) per credit, (code, target, reserved, paid, pledged) per
    need."""
    return [
        *(f"donor {p}:{d} paid {r} but {h} has a home" for p, d, r, h in donors),
        *(f"credit {i} of {a} accounts for {s}" for i, a, s in credits),
        *(f"need {c}: target {t}, reserved {r}, paid {p}, pledges paid {s}"
          for c, t, r, p, s in needs),
    ]  # fmt: skip


class BackendSteps:
    """The statements the flows below call, each backend's own (the `_` methods its
    repositories define). Declared for the type checker only: at run time the backend's
    definitions are found through the MRO, and mypy checks each against these. `db` is the
    backend's connection inside the flow's transaction."""

    if TYPE_CHECKING:

        async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...

        @staticmethod
        async def _charge_seen(db: Any, payment: IncomingPayment) -> list[Any]: ...

        @staticmethod
        async def _claim_update_payment(db: Any, payment: IncomingPayment, now: int) -> bool: ...

        @staticmethod
        async def _link_checkout(db: Any, transaction_id: str, charge: str) -> None: ...

        @staticmethod
        async def _invoiced_pledge(db: Any, payload: str) -> Pledge | None: ...

        @staticmethod
        async def _pledge_by_id(db: Any, pledge_id: int) -> Pledge: ...

        @staticmethod
        async def _pay_reserved_pledge(
            db: Any, reference: str, bank_reference: str | None, now: int
        ) -> tuple[Pledge, Need] | None: ...

        @staticmethod
        async def _pay_into_need(db: Any, need_id: int, amount: int, now: int) -> Need | None: ...

        @staticmethod
        async def _repay_pledge(db: Any, pledge_id: int, charge_id: str, now: int) -> None: ...

        @staticmethod
        async def _insert_payment(
            db: Any, payment: IncomingPayment, pledge: Pledge | None, allocated: int, now: int
        ) -> int: ...

        @staticmethod
        async def _settle_checkout(
            db: Any, payment: IncomingPayment, payment_id: int, now: int
        ) -> None: ...

        @staticmethod
        async def _mark_invoice_paid(db: Any, payload: str, now: int) -> None: ...

        async def _open_credit(
            self, db: Any, *, platform: str, donor_id: int, amount: int,
            source: CreditSource, pledge: Pledge | None, payment_id: int | None, now: int,
        ) -> int: ...  # fmt: skip

        async def _credit_paid_pledges(
            self, db: Any, pledges: Sequence[Pledge], tell: DonorNotice | None, now: int
        ) -> None: ...

        async def _tell_donors(
            self,
            db: Any,
            pledges: Sequence[Pledge],
            tell: DonorNotice | None,
            now: int,
            *,
            credit_id: int | None = None,
        ) -> None: ...

        async def _tell_households(
            self, db: Any, need_ids: Sequence[int], tell: HouseholdNotice | None, now: int
        ) -> None: ...

        async def _queue_notices(
            self, db: Any, notices: Iterable[Notice | None], now: int
        ) -> None: ...

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
        ) -> None: ...

        @staticmethod
        async def _undecided_credit(db: Any, credit_id: int) -> Credit | None: ...

        @staticmethod
        async def _spend_credit(
            db: Any, credit_id: int, amount: int, to_office: int, now: int, by: str
        ) -> Credit: ...

        @staticmethod
        async def _room_in_need(db: Any, need_id: int, most: int) -> int: ...

        @staticmethod
        async def _insert_credit_pledge(
            db: Any, credit: Credit, need_id: int, amount: int, now: int
        ) -> Pledge: ...

        @staticmethod
        async def _need_in(db: Any, need_id: int) -> Need | None: ...

        @staticmethod
        async def _office_credits(db: Any) -> list[Credit]: ...

        @staticmethod
        async def _take_office_share(db: Any, credit_id: int, amount: int) -> None: ...


class PaymentFlows(BackendSteps):
    """Recording a payment (see `record_payment` in each backend). The backend supplies
    `_charge_seen`, `_claim_update_payment`, `_link_checkout`, `_invoiced_pledge`,
    `_pledge_by_id`, `_pay_reserved_pledge`, `_pay_into_need`, `_repay_pledge`,
    `_insert_payment`, `_settle_checkout`, `_mark_invoice_paid`, `_open_credit`,
    `_credit_paid_pledges` and `_insert_audit`; who is told what is the domain's rules
    (`tell_paid`, `tell_unallocated`, `news`), applied by `NoticeWrites`."""

    async def _record_payment_in(
        self, db: Any, payment: IncomingPayment, now: int, tell_paid: DonorNotice,
        tell_unallocated: DonorNotice, news: NeedNews = NO_NEWS,
    ) -> PaymentResult:  # fmt: skip
        """The whole of recording one payment, inside the caller's transaction."""
        if await self._payment_known(db, payment, now):
            return PaymentResult(PaymentOutcome.DUPLICATE, 0, 0)
        pledge = await self._invoiced_pledge(db, payment.payload)
        outcome, need = await self._allocate(db, payment, pledge, now, news)
        if outcome is not PaymentOutcome.UNALLOCATED:
            assert pledge is not None  # only an invoiced pledge takes money (_allocate)
            pledge = await self._pledge_by_id(db, pledge.id)
        allocated = 0 if outcome is PaymentOutcome.UNALLOCATED else payment.amount
        payment_id = await self._insert_payment(db, payment, pledge, allocated, now)
        await self._settle_checkout(db, payment, payment_id, now)
        credit_id = None
        if allocated < payment.amount:  # no toman without a home: the donor's credit
            credit_id = await self._open_credit(
                db, platform=payment.platform, donor_id=payment.donor_id,
                amount=payment.amount - allocated, source=CreditSource.PAYMENT,
                pledge=pledge, payment_id=payment_id, now=now,
            )  # fmt: skip
        await self._mark_invoice_paid(db, payment.payload, now)
        result = PaymentResult(outcome, allocated, payment.amount - allocated, pledge)
        await self._announce_payment(db, result, need, now, tell_paid, tell_unallocated,
                                     news, credit_id)  # fmt: skip
        await self._insert_audit(
            db, at=now, action="payment_received", platform=payment.platform,
            actor_id=None, subject_type="payment", subject_id=payment.charge_id,
            details={"actor": "payment", "pledge": pledge.reference if pledge else None,
                     "outcome": outcome.value, "amount": payment.amount,
                     "allocated": allocated, "unallocated": payment.amount - allocated,
                     "currency": payment.currency,
                     "provider_charge_id": payment.provider_charge_id,
                     "via": "inquiry" if payment.transaction_id else "update"},
        )  # fmt: skip
        return result

    async def _payment_known(self, db: Any, payment: IncomingPayment, now: int) -> bool:
        """Whether this money is already counted, so recording it again would count it twice.

        A charge id seen before is a redelivery. An inquiry's answer counts nothing for a
        checkout no longer awaiting, and takes an update's payment for the same invoice that
        no checkout claimed yet (the update came first). An update for an invoice whose
        payment reconciliation already recorded is that payment: it is linked, nothing more.
        """
        found = await self._charge_seen(db, payment)
        if None in found:  # None: this charge id is known
            return True
        if payment.transaction_id is not None:
            return await self._claim_update_payment(db, payment, now)
        if not found:
            return False
        # the update of money reconciliation recorded: linked, no more
        await self._link_checkout(db, found[0], payment.charge_id)
        return True

    async def _audit_given_up(
        self, db: Any, checkout: Checkout, inquiry: Inquiry, inquiries: int, now: int
    ) -> None:
        """Reconciliation gave up on a checkout: audited with the payment as the actor."""
        await self._insert_audit(
            db, at=now, action="payment_inquiry_given_up", platform=checkout.platform,
            actor_id=None, subject_type="payment", subject_id=checkout.payload.split(":", 1)[0],
            details={"actor": "payment", "transaction": checkout.transaction_id,
                     "inquiries": inquiries, "last_answer": inquiry.answer.value,
                     "amount": checkout.amount},
        )  # fmt: skip

    async def _allocate(
        self, db: Any, payment: IncomingPayment, pledge: Pledge | None, now: int,
        news: NeedNews,
    ) -> tuple[PaymentOutcome, Need | None]:  # fmt: skip
        """Give the payment its pledge's share: the reserved one, or a fresh one if the need
        still has room; else nothing (UNALLOCATED)."""
        if pledge is None or payment.amount != pledge.amount:
            return PaymentOutcome.UNALLOCATED, None
        if pledge.status in (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED):
            paid = await self._pay_reserved_pledge(db, pledge.reference, payment.charge_id, now)
            if paid is not None and paid[1].status is NeedStatus.CLOSED:
                await self._credit_paid_pledges(db, [paid[0]], news.closed_credit, now)
            if paid is not None:
                return PaymentOutcome.PAID, paid[1]
        if pledge.status not in (
            PledgeStatus.EXPIRED, PledgeStatus.CANCELLED, PledgeStatus.REJECTED
        ):  # fmt: skip
            return PaymentOutcome.UNALLOCATED, None
        taken = await self._pay_into_need(db, pledge.need_id, pledge.amount, now)
        if taken is None:
            return PaymentOutcome.UNALLOCATED, None
        await self._repay_pledge(db, pledge.id, payment.charge_id, now)
        return PaymentOutcome.RESERVED_AGAIN, taken

    async def _announce_payment(
        self,
        db: Any,
        result: PaymentResult,
        need: Need | None,
        now: int,
        tell_paid: DonorNotice,
        tell_unallocated: DonorNotice,
        news: NeedNews,
        credit_id: int | None = None,
    ) -> None:
        """The donor's thanks (or the word that the money is safe), and the household's news
        when the need is now funded: queued with the payment, so each goes out once."""
        if result.pledge is None:
            return  # no pledge to name (an invoice this bot never made): staff see the row
        if result.outcome is PaymentOutcome.UNALLOCATED:
            await self._tell_donors(db, [result.pledge], tell_unallocated, now, credit_id=credit_id)
            return
        await self._tell_donors(db, [result.pledge], tell_paid, now)
        if need is not None and need.status is NeedStatus.FUNDED:
            await self._tell_households(db, [need.id], news.funded, now)


class CreditFlows(BackendSteps):
    """Moving credit (see `move_credit` and `place_office_share` in each backend). The
    backend supplies `_undecided_credit`, `_spend_credit`, `_office_credits`,
    `_take_office_share`, `_room_in_need`, `_pay_into_need`, `_need_in`,
    `_insert_credit_pledge` and `_insert_audit`; the domain's rules (`tell`, `news`) are
    applied by `NoticeWrites`."""

    async def credits_for_export(self) -> list[CreditExport]:
        """Every credit with its origin and where its money is now, oldest first. The
        statement has no parameters and means the same on every backend: one copy."""
        rows = await self._fetchall(
            "SELECT c.id, c.source, p.reference, n.code, c.amount, c.unallocated, c.office, "
            "c.amount - c.unallocated - c.office, c.created_at, c.decided_by FROM credits c "
            "LEFT JOIN pledges p ON p.id = c.pledge_id LEFT JOIN needs n ON n.id = c.need_id "
            "ORDER BY c.id"
        )
        return [from_row(CreditExport, row) for row in rows]

    async def _move_credit_in(
        self, db: Any, credit_id: int, need_id: int | None, now: int, *, by: str,
        platform: str | None, donor_id: int | None, office_rest: bool, tell: CreditNotice | None,
        due_before: int | None, news: NeedNews = NO_NEWS,
    ) -> CreditMove | None:  # fmt: skip
        """The whole of one move of credit, inside the caller's transaction."""
        credit = await self._undecided_credit(db, credit_id)
        if credit is None:
            return None
        if donor_id is not None and (credit.platform, credit.donor_id) != (platform, donor_id):
            return None
        if due_before is not None and credit.created_at > due_before:
            return None
        moved, need, pledge = 0, None, None
        if need_id is not None:
            need, pledge = await self._fund_from_credit(db, credit, credit.unallocated,
                                                        need_id, now, news)  # fmt: skip
            moved = pledge.amount if pledge else 0
        to_office = credit.unallocated - moved if office_rest else 0
        if not moved and not to_office:
            return CreditMove(credit, need=need)  # the need was full: nothing changed
        after = await self._spend_credit(db, credit.id, moved + to_office, to_office, now, by)
        done = CreditMove(after, moved, to_office, need, pledge)
        await self._insert_audit(
            db, at=now, action="credit_decided" if due_before else "credit_moved",
            platform=credit.platform, actor_id=None,  # never a donor's id: see /forget
            subject_type="credit", subject_id=str(credit.id),
            details={"by": by, "need": need.code if need and moved else None,
                     "pledge": pledge.reference if pledge else None, "moved": moved,
                     "office": to_office, "left": done.credit.unallocated},
        )  # fmt: skip
        if tell is not None:  # the domain's rule: whether and how the donor hears of it
            await self._queue_notices(db, [tell(done)], now)
        return done

    async def _fund_from_credit(
        self, db: Any, credit: Credit, most: int, need_id: int, now: int, news: NeedNews
    ) -> tuple[Need | None, Pledge | None]:
        """Up to `most` of a credit goes to an open money need, as much as it has room for
        (one conditional UPDATE, as pledging): a new paid pledge in the credit's donor's
        name, and the household's news if the need is now funded."""
        amount = await self._room_in_need(db, need_id, most)
        if amount <= 0:
            return await self._need_in(db, need_id), None
        need = await self._pay_into_need(db, need_id, amount, now)
        if need is None:  # the room was taken meanwhile: never over-commit
            return await self._need_in(db, need_id), None
        pledge = await self._insert_credit_pledge(db, credit, need_id, amount, now)
        if need.status is NeedStatus.FUNDED:
            await self._tell_households(db, [need.id], news.funded, now)
        return need, pledge

    async def _place_office_share_in(
        self, db: Any, need_id: int, now: int, platform: str, actor_id: int,
        news: NeedNews = NO_NEWS,
    ) -> tuple[Need, int]:  # fmt: skip
        """The office's share onto a need, oldest credits first, inside the caller's
        transaction; raises _NothingDone (rolling it back) when nothing was placed."""
        total, need, pledges = 0, None, []
        for credit in await self._office_credits(db):
            need, pledge = await self._fund_from_credit(
                db, credit, credit.office, need_id, now, news
            )
            if pledge is None:
                break
            await self._take_office_share(db, credit.id, pledge.amount)
            total += pledge.amount
            pledges.append(pledge.reference)
        if not total or need is None:
            raise _NothingDone
        await self._insert_audit(
            db, at=now, action="office_share_placed", platform=platform, actor_id=actor_id,
            subject_type="need", subject_id=need.code,
            details={"amount": total, "pledges": pledges},
        )  # fmt: skip
        return need, total
