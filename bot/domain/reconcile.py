"""Reconciliation: approved pre-checkouts that never saw their money are asked about.

A `successful_payment` update can be lost (a webhook that failed, a restart at the wrong
moment). Money is never refused once it has left the donor's account, so every approved
pre-checkout is remembered (`remember_approval`, before the approval is sent), and a job
asks the platform about each one still waiting after RECONCILE_AFTER_MINUTES. What it
hears is a row per question (staff can read the trail); it asks again later, each wait
twice the last, and gives up after RECONCILE_MAX_INQUIRIES with an audited note to staff.

"Paid" is recorded through `payments.receive_payment`, the very path a successful_payment
takes, in one transaction with the same idempotency: an update arriving afterwards is
recognised as the same money and changes nothing (see `Store._payment_known`).
"Failed" and "rejected" end the checkout and are never money.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.config import Settings
from bot.domain import payments
from bot.models import Checkout, CheckoutState, IncomingPayment, Inquiry, TransactionAnswer
from bot.storage.protocols import Storage

# Platforms that can be asked what became of a payment (Telegram has no such method): a
# checkout elsewhere is recorded for the audit trail but never comes due.
INQUIRABLE_PLATFORMS = frozenset({"bale"})
BATCH = 50  # checkouts asked about per tick: a backlog drains over a few ticks
MAX_WAIT_S = 6 * 3600  # the longest wait between two questions

Ask = Callable[[str], Awaitable[Inquiry]]


@dataclass(frozen=True)
class ReconcileRules:
    """When to ask first (after the approval), and how many times at most."""

    after_s: int
    max_inquiries: int

    def next_at(self, asked: int, now: int) -> int:
        """When to ask again after the `asked`-th question: the first came after_s after
        the approval; each wait after it is twice the one before (2×, 4×…), capped."""
        wait: int = self.after_s * 2 ** min(asked, 16)  # int ** int is Any to a checker
        return now + min(wait, MAX_WAIT_S)


def rules_of(settings: Settings) -> ReconcileRules:
    return ReconcileRules(
        after_s=settings.reconcile_after_minutes * 60,
        max_inquiries=settings.reconcile_max_inquiries,
    )


@dataclass(frozen=True)
class Settled:
    """One question and what came of it: the checkout's state afterwards."""

    checkout: Checkout
    inquiry: Inquiry
    state: CheckoutState


async def remember_approval(store: Storage, approved: Checkout, rules: ReconcileRules) -> None:
    """Written before pre-checkout says yes (from then on the money may move), with its
    first question due RECONCILE_AFTER_MINUTES after the approval where it can be asked."""
    if approved.platform in INQUIRABLE_PLATFORMS:
        approved = replace(approved, next_inquiry_at=approved.approved_at + rules.after_s)
    await store.record_checkout(approved)


async def reconcile_due(
    store: Storage, *, platform: str, now: int, ask: Ask, rules: ReconcileRules
) -> list[Settled]:
    """Ask about every checkout whose next question is due (a batch per tick) and record
    each answer. Due times are rows: a restart neither forgets a question nor repeats one
    that was recorded."""
    done = []
    for checkout in await store.due_checkouts(platform, now, BATCH):
        inquiry = await ask(checkout.transaction_id)
        state = await settle(store, checkout, inquiry, now, rules)
        if state is not None:
            done.append(Settled(checkout, inquiry, state))
    return done


async def settle(
    store: Storage, checkout: Checkout, inquiry: Inquiry, now: int, rules: ReconcileRules
) -> CheckoutState | None:
    """Record one answer; returns the checkout's state after it, or None when the checkout
    was settled meanwhile (its update arrived while the question was out)."""
    asked = checkout.inquiries + 1
    if inquiry.answer in (TransactionAnswer.FAILED, TransactionAnswer.REJECTED):
        state, next_at = CheckoutState.DECLINED, None
    elif inquiry.answer is TransactionAnswer.PAID or asked < rules.max_inquiries:
        # A "paid" keeps a next question too: should recording the payment fail, it is
        # asked again rather than forgotten.
        state, next_at = CheckoutState.AWAITING, rules.next_at(asked, now)
    else:
        state, next_at = CheckoutState.GIVEN_UP, None
    if not await store.record_inquiry(checkout, inquiry, now, state=state, next_at=next_at):
        return None
    if inquiry.answer is not TransactionAnswer.PAID:
        return state
    await payments.receive_payment(store, paid_by_inquiry(checkout, inquiry), now)
    settled = await store.checkout(checkout.transaction_id)
    return settled.state if settled else state


def paid_by_inquiry(checkout: Checkout, inquiry: Inquiry) -> IncomingPayment:
    """The payment Bale vouched for, as if its update had come: the amount Bale says moved
    (else the approved one), and the transaction id standing in for the charge id."""
    return IncomingPayment(
        platform=checkout.platform,
        donor_id=checkout.donor_id,
        payload=checkout.payload,
        amount=inquiry.amount or checkout.amount,
        currency=checkout.currency,
        charge_id=checkout.transaction_id,
        provider_charge_id=None,
        transaction_id=checkout.transaction_id,
    )
