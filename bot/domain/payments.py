"""Paying inside the chat: the invoice "💳 Pay now" sends, the pre-checkout answer, and what
a successful payment does.

Both platforms speak Telegram's payments API (sendInvoice, pre_checkout_query,
successful_payment). What differs is the provider token, checked at start in bot.config:

- Telegram: a provider token BotFather gives per payment provider; amounts are integers in
  the currency's smallest unit (core.telegram.org/bots/payments, "Bot Payments API").
- Bale: sendInvoice takes the same fields; its provider token is "the token representing
  the payment provider or card number", i.e. the destination card number (a Bank Melli card
  starts 6037…) or a Bale wallet token, and prices are "in smallest currency unit", which
  for Bale's IRR is the rial (Bale's API as described for the n8n Bale node, ncnodes.com
  ".../n8n-nodes-bale-messenger-beta.../Payment:Send Invoice"). Shops built on it re-check
  amount, currency, order status and expiry on pre_checkout_query (the "Melalweb Pay with
  Bale" WooCommerce plugin, wordpress.org), as `pre_checkout` does here.

Storage already keeps rials, so the invoice amount is the pledge's amount; only IRR is
accepted as PAYMENT_CURRENCY (bot.config), so no conversion exists to get wrong.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from bot import metrics
from bot.domain import pledges
from bot.domain.notices import NEED_NEWS, TellDonor
from bot.domain.pledges import PledgeRefused
from bot.models import (
    IncomingPayment,
    Need,
    NeedKind,
    PaymentOutcome,
    PaymentResult,
    PledgeStatus,
)
from bot.storage.protocols import Storage

NONCE_BYTES = 6  # 8 URL-safe characters: a fresh one per invoice, spent by its payment
PAYLOAD = re.compile(r"^(P-[2-9A-HJ-NP-Z]{6}):([A-Za-z0-9_-]{8})$")
PAID_NOTICE = "pledge-paid-notice"  # the same thanks staff confirmation sends
UNALLOCATED_NOTICE = "payment-unallocated-notice"


@dataclass(frozen=True)
class Invoice:
    """What the invoice shows and carries: the need's category and code and the amount,
    never anything about the family (the payload is the pledge reference and a nonce)."""

    payload: str
    reference: str
    amount: int  # the currency's smallest unit: rials for IRR
    currency: str
    need: Need


def can_pay_in_chat(provider_token: str, need: Need | None) -> bool:
    """Money pledges only, and only when a provider token is configured: a sewing machine
    is delivered, not paid."""
    return bool(provider_token) and need is not None and need.kind is NeedKind.MONEY


async def offer_invoice(
    store: Storage, *, reference: str, platform: str, donor_id: int, currency: str, now: int
) -> Invoice:
    """A new invoice for the donor's own unpaid money pledge, stored before it is sent so
    pre-checkout can find it; each press gets a fresh nonce."""
    pledge = await pledges._own_pledge(store, reference, platform, donor_id)
    need = await store.need(pledge.need_id)
    if need is None or need.kind is not NeedKind.MONEY:
        raise PledgeRefused("payment-items-not-paid")
    if pledge.status is not PledgeStatus.AWAITING_PAYMENT or _expired(pledge.expires_at, now):
        raise PledgeRefused("pledge-not-awaiting-payment")
    payload = f"{pledge.reference}:{secrets.token_urlsafe(NONCE_BYTES)}"
    await store.create_invoice(pledge.id, payload, pledge.amount, currency, now)
    return Invoice(payload, pledge.reference, pledge.amount, currency, need)


async def pre_checkout(
    store: Storage, *, payload: str, amount: int, currency: str, now: int
) -> str | None:
    """None when the payment may go ahead, else the locale id of the reason the payment
    sheet shows. One indexed read, so the answer comes well within the 10 seconds."""
    check = await store.invoice_check(payload)
    if check is None:
        return "payment-refused-unknown"
    status = check.pledge_status
    if check.used or status in (PledgeStatus.PAID, PledgeStatus.DELIVERED):
        return "payment-refused-paid"
    if status is PledgeStatus.PAYMENT_REPORTED:
        return "payment-refused-reported"
    if status is PledgeStatus.EXPIRED or (
        status is PledgeStatus.AWAITING_PAYMENT and _expired(check.expires_at, now)
    ):
        return "payment-refused-expired"
    if status is not PledgeStatus.AWAITING_PAYMENT:
        return "payment-refused-cancelled"
    if amount != check.amount or currency != check.currency:
        return "payment-refused-amount"
    return None


async def receive_payment(store: Storage, payment: IncomingPayment, now: int) -> PaymentResult:
    """Record what arrived (see `Store.record_payment`): paid, reserved again, unallocated,
    or a duplicate that changes nothing (and is not counted again in `/metrics`)."""
    result = await store.record_payment(
        payment, now,
        # the donor's thanks name the platform's charge id as the proof of payment
        tell_paid=TellDonor(PAID_NOTICE, paid=True, charge_id=payment.charge_id),
        # one pledge can meet several payments: each unallocated one is its own event
        tell_unallocated=TellDonor(UNALLOCATED_NOTICE, event=payment.charge_id),
        news=NEED_NEWS,
    )  # fmt: skip
    if result.outcome is not PaymentOutcome.DUPLICATE:
        metrics.count_payment(payment.platform, payment.amount)
    return result


def _expired(expires_at: int | None, now: int) -> bool:
    return expires_at is not None and expires_at <= now
