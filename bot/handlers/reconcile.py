"""The reconciliation clock (Bale only): approved pre-checkouts that never saw their money.

Every minute it asks Bale (`bot.reconcile.inquire_transaction`) about each checkout whose
next question is due and records the answers (`bot.domain.reconcile`). A payment Bale calls
paid is recorded as its successful_payment would have been; when the questions run out,
staff hear of it in STAFF_CHAT_ID (the audit row is written either way).
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import HamdeliContext, job_queue_of
from bot.domain import reconcile
from bot.i18n import translator
from bot.models import CheckoutState
from bot.reconcile import inquire_transaction
from bot.text import format_toman

log = logging.getLogger(__name__)

RECONCILE_CLOCK_SECONDS = 60


async def reconcile_clock(context: HamdeliContext) -> None:
    """Ask about what is due; tell staff of each checkout given up on."""
    settled = await reconcile.reconcile_due(
        context.store,
        platform=context.services.platform,
        now=context.now(),
        ask=lambda transaction_id: inquire_transaction(context.bot, transaction_id),
        rules=reconcile.rules_of(context.settings),
    )
    for done in settled:
        log.info(
            "inquireTransaction %s: %s -> %s",
            done.checkout.transaction_id, done.inquiry.answer.value, done.state.value,
        )  # fmt: skip
        if done.state is CheckoutState.GIVEN_UP:
            await _tell_staff(context, done)


async def _tell_staff(context: HamdeliContext, done: reconcile.Settled) -> None:
    """Best effort: the audit row already holds the note; the staff chat is the nudge."""
    chat_id = context.settings.staff_chat_id
    if chat_id is None:
        return
    t = translator(context.settings.default_language)
    checkout = done.checkout
    text = t(
        "reconcile-given-up-staff",
        reference=checkout.payload.split(":", 1)[0],
        amount=t("amount-toman", amount=format_toman(checkout.amount, t.language)),
        transaction=checkout.transaction_id,
        inquiries=checkout.inquiries + 1,
        answer=t(f"reconcile-answer-{done.inquiry.answer.value}"),
    )
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as failed:
        log.warning("staff not told of checkout %s: %s", checkout.transaction_id, failed)


def schedule_reconcile_clock(application: Application) -> None:
    """Only on Bale: Telegram has no inquireTransaction."""
    platform = application.services.settings.platform  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours
    if platform not in reconcile.INQUIRABLE_PLATFORMS:
        return
    job_queue_of(application).run_repeating(
        reconcile_clock, interval=RECONCILE_CLOCK_SECONDS, first=5
    )
