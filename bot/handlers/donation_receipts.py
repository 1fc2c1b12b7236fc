""" "🧾 Receipt (PDF)": the donor's receipt of a paid pledge, made on demand and sent as a
document.

Made from the store on every press (nothing is kept, so nothing goes stale and a restart
changes nothing); a pledge that is not, or no longer, paid is answered with the reason and
the donor's menu ("My pledges" shows where it stands).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain.donation_receipts import donation_receipt
from bot.handlers.common import Route, answer_button, chat_of
from bot.handlers.guards import guarded, to_donor_menu
from bot.views import donation_receipt as views

log = logging.getLogger(__name__)


@guarded(to_donor_menu)
async def send_receipt(update: Update, context: HamdeliContext) -> None:
    """The donor's own paid pledge: its receipt, as a PDF document in their language."""
    receipt = await donation_receipt(
        context.store,
        reference=context.pressed.arg,
        platform=context.services.platform,
        donor_id=context.me.user_id,
    )
    await answer_button(update)
    settings = context.settings
    pdf = await asyncio.to_thread(
        views.receipt_pdf,
        context.t,
        receipt,
        views.issuer(context.t, settings.organization_name, settings.office_phone),
        settings.tz,
        context.now(),
    )
    await chat_of(update).send_document(
        pdf,
        filename=views.file_name(receipt),
        caption=context.t("donation-receipt-caption", reference=receipt.reference),
    )


def routes() -> dict[Button, Route]:
    return {Button.DONATION_RECEIPT: send_receipt}
