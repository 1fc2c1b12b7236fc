"""What paying in the chat looks like: the "💳 Pay now" button and the invoice's words.

The invoice is built from the need's public fields only (category, code) and the amount:
it is shown by the platform's payment sheet and may be forwarded, so nothing about the
family is ever in it.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import InlineKeyboardButton, LabeledPrice

from bot.callbacks import Button
from bot.domain.payments import Invoice
from bot.i18n import Translator
from bot.models import Persona
from bot.text import format_toman
from bot.views.screen import Screen, button, keyboard

TITLE_LIMIT, DESCRIPTION_LIMIT = 32, 255  # the Bot API's limits for sendInvoice


def pay_button(t: Translator, reference: str) -> InlineKeyboardButton:
    return button(t("payment-pay-button", reference=reference), Button.PAY(reference))


class InvoiceFields(TypedDict):
    """sendInvoice's arguments that are words, typed as sendInvoice takes them."""

    title: str
    description: str
    prices: list[LabeledPrice]


def invoice_fields(t: Translator, invoice: Invoice) -> InvoiceFields:
    """sendInvoice's title, description and price for this invoice, in the donor's language."""
    need = invoice.need
    category = t(f"category-{need.category.value}")
    amount = t("amount-toman", amount=format_toman(invoice.amount, t.language))
    return {
        "title": t("payment-invoice-title", code=need.code)[:TITLE_LIMIT],
        "description": t(
            "payment-invoice-description",
            category=category,
            code=need.code,
            reference=invoice.reference,
            amount=amount,
        )[:DESCRIPTION_LIMIT],
        "prices": [LabeledPrice(t("payment-invoice-label", category=category), invoice.amount)],
    }


def refused_screen(t: Translator, message_id: str) -> Screen:
    """After the payment sheet said no: the same reason in the chat, and a way forward."""
    return Screen(
        t(message_id),
        keyboard(
            [button(t("button-my-pledges"), Button.MY_PLEDGES())],
            [button(t("button-back"), Button.ROLE(Persona.DONOR))],
        ),
    )
