"""Paying in the chat: "💳 Pay now" sends an invoice, pre-checkout is answered, payments land.

Order matters here (the handler groups: bot/handlers/common.Group). A pre_checkout_query
has no chat, so the account loader (group ACCOUNT) would drop it: it is answered in group
NOT_PRIVATE, before anything else, from one indexed read. A successful_payment is a
message, and an open conversation (a half-typed amount) would otherwise take it as an
answer: it is handled in group FIRST, right after the account loads, and stops there.
Neither may ever be lost to another handler: money has moved.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain import payments, reconcile
from bot.domain.pledges import PledgeRefused
from bot.handlers.common import Group, Route, answer_button, chat_of, payment_of, pre_checkout_of
from bot.handlers.guards import guarded, to_donor_menu
from bot.i18n import Translator, translator
from bot.models import Checkout, CheckoutState, IncomingPayment
from bot.views import payments as views

log = logging.getLogger(__name__)


@guarded(to_donor_menu)
async def pay_now(update: Update, context: HamdeliContext) -> None:
    """The donor's own unpaid money pledge: a fresh invoice, stored, then sent."""
    token = context.settings.provider_token
    if not token:
        raise PledgeRefused("payment-not-offered")
    invoice = await payments.offer_invoice(
        context.store,
        reference=context.pressed.arg,
        platform=context.services.platform,
        donor_id=context.me.user_id,
        currency=context.settings.payment_currency,
        now=context.now(),
    )
    await answer_button(update)
    await context.bot.send_invoice(
        chat_id=chat_of(update).id,
        payload=invoice.payload,
        provider_token=token,
        currency=invoice.currency,
        **views.invoice_fields(context.t, invoice),
    )


async def pre_checkout(update: Update, context: HamdeliContext) -> None:
    """Yes, or no with the reason the payment sheet shows (then the same in the chat, with
    the donor's pledges to go on from)."""
    query = pre_checkout_of(update)
    reason = await payments.pre_checkout(
        context.store,
        payload=query.invoice_payload,
        amount=query.total_amount,
        currency=query.currency,
        now=context.now(),
    )
    if reason is None:
        approved = Checkout(
            transaction_id=query.id, platform=context.services.platform,
            donor_id=query.from_user.id, payload=query.invoice_payload,
            amount=query.total_amount, currency=query.currency, approved_at=context.now(),
            state=CheckoutState.AWAITING, inquiries=0, next_inquiry_at=None,
        )  # fmt: skip
        await reconcile.remember_approval(
            context.store, approved, reconcile.rules_of(context.settings)
        )
        await query.answer(ok=True)
        raise ApplicationHandlerStop
    t = await _translator_of(context, query.from_user.id)
    await query.answer(ok=False, error_message=t(reason))
    screen = views.refused_screen(t, reason)
    await context.bot.send_message(query.from_user.id, screen.text, reply_markup=screen.markup)
    raise ApplicationHandlerStop


async def payment_arrived(update: Update, context: HamdeliContext) -> None:
    """Money arrived: recorded, allocated and announced in one transaction; the thanks (or
    the word that the money is safe) come through the outbox, once, even if redelivered."""
    paid = payment_of(update)
    result = await payments.receive_payment(
        context.store,
        IncomingPayment(
            platform=context.services.platform,
            donor_id=context.me.user_id,
            payload=paid.invoice_payload,
            amount=paid.total_amount,
            currency=paid.currency,
            charge_id=paid.telegram_payment_charge_id,
            provider_charge_id=paid.provider_payment_charge_id,
        ),
        context.now(),
    )
    log.info("payment %s: %s", paid.telegram_payment_charge_id, result.outcome.value)
    raise ApplicationHandlerStop


async def _translator_of(context: HamdeliContext, user_id: int) -> Translator:
    account = await context.store.account(context.services.platform, user_id)
    return translator(account.language if account else context.settings.default_language)


def register(application: Application) -> None:
    application.add_handler(PreCheckoutQueryHandler(pre_checkout), group=Group.NOT_PRIVATE)
    application.add_handler(
        MessageHandler(filters.SUCCESSFUL_PAYMENT, payment_arrived), group=Group.FIRST
    )


def routes() -> dict[Button, Route]:
    return {Button.PAY: pay_now}
