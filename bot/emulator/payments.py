"""Payments: sendInvoice, the pre-checkout query, the successful payment, Bale's inquiry.

The platforms differ most here. Telegram takes a provider token from BotFather and a listed
currency; Bale takes a destination card number (16 digits passing Luhn) or a wallet token as
the provider token, and rials only. Bale also has `inquireTransaction`, which tells the bot
what became of a payment whose successful_payment update never arrived (`bot.reconcile`);
Telegram answers it 404 (see `bot.emulator.api`).

`Payments` keeps the pre-checkout answers, every payment made (lost ones too, so a test can
lose the update and redeliver it) and Bale's transactions. A person pays through
`EmulatedUser.pay` (`bot.emulator.users`).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Final

from bot.emulator.records import (
    QUERY_INVALID,
    ApiError,
    EmulatedUserInfo,
    JSONDict,
    SentMessage,
)
from bot.emulator.updates import UpdateQueue

TRANSACTION_NOT_FOUND: Final = "Bad Request: transaction not found"


class Payments(UpdateQueue):
    """Invoices, pre-checkout queries and payments, as the platform sees them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pre_checkout_answers: dict[str, JSONDict] = {}  # query id -> the bot's answer
        self._pre_checkouts: dict[str, JSONDict] = {}  # query id -> the query, until answered
        self.payments: list[JSONDict] = []  # every successful_payment made (lost ones too)
        # Bale's view of each pre-checkout, for inquireTransaction: query id -> Transaction.
        self.transactions: dict[str, JSONDict] = {}
        self._charge_ids = itertools.count(1)

    def _send_invoice(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        """An invoice message, checked as the platform checks it (see `_check_invoice`); its
        text is what a payment sheet would show, so the demo can print it."""
        chat_id = self._chat_id(params)
        invoice = _check_invoice(self.platform, params)
        text = "\n".join(
            [f"🧾 {invoice['title']}", invoice["description"],
             *(f"{p['label']}: {p['amount']} {invoice['currency']}" for p in invoice["prices"]),
             f"= {invoice['total_amount']} {invoice['currency']}"]
        )  # fmt: skip
        message = self._store(
            chat_id, text=text, raw_text=text, reply_markup=self._markup(params), invoice=invoice
        )
        return self.message_json(message)

    def _answer_pre_checkout(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Once per query, as on Telegram; a "no" must say why (the sheet shows it)."""
        query_id = str(params.get("pre_checkout_query_id") or "")
        if query_id not in self._pre_checkouts:
            raise ApiError(400, QUERY_INVALID)
        ok = params.get("ok")
        ok = ok if isinstance(ok, bool) else str(ok).lower() == "true"
        if not ok and not params.get("error_message"):
            raise ApiError(400, "Bad Request: ERROR_MESSAGE_EMPTY")
        query = self._pre_checkouts.pop(query_id)
        self.pre_checkout_answers[query_id] = {
            "ok": ok,
            "error_message": params.get("error_message"),
        }
        self.transactions[query_id] = {
            "id": query_id,
            "status": "pending" if ok else "rejected",  # approved: the bank has it now
            "userID": query["from"]["id"],
            "amount": query["total_amount"],
            "createdAt": int(self._now()),
        }
        return True

    def _inquire_transaction(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        """Bale's inquireTransaction: what became of the payment a pre-checkout began,
        whether or not its successful_payment update ever reached the bot (see
        `bot.reconcile` for the request and answer as Bale documents them)."""
        transaction = self.transactions.get(str(params.get("transaction_id") or ""))
        if transaction is None:
            raise ApiError(400, TRANSACTION_NOT_FOUND)
        return dict(transaction)

    def decline_payment(self, transaction_id: str) -> None:
        """The bank refused the card after the bot approved: no money, no update."""
        self.transactions[transaction_id]["status"] = "failed"

    def make_pre_checkout_update(
        self, user: EmulatedUserInfo, invoice_message: SentMessage, total_amount: int | None = None
    ) -> JSONDict:
        """The donor pressed Pay on an invoice: the query the bot must answer within 10 s.
        `total_amount` overrides the invoice's (a tampered or changed amount)."""
        invoice = _invoice_of(invoice_message)
        query_id = f"pc{user.id}{next(self._callback_ids):06d}"
        query = {
            "id": query_id,
            "from": user.to_api(),
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"] if total_amount is None else total_amount,
            "invoice_payload": invoice["payload"],
        }
        self._pre_checkouts[query_id] = query
        return {"update_id": next(self._update_ids), "pre_checkout_query": query}

    def make_successful_payment_update(
        self,
        user: EmulatedUserInfo,
        invoice_message: SentMessage,
        transaction_id: str | None = None,
    ) -> JSONDict:
        """The money moved: the service message the platform sends to the bot, with fresh
        charge ids (Telegram's and the provider's). Kept in `payments` even if never
        delivered, so a test can lose the update and redeliver it; the transaction of the
        pre-checkout (`transaction_id`) is "paid" from now on, update or not."""
        invoice = _invoice_of(invoice_message)
        if transaction_id is not None and transaction_id in self.transactions:
            self.transactions[transaction_id]["status"] = "paid"
        number = next(self._charge_ids)
        paid = {
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
            "invoice_payload": invoice["payload"],
            "telegram_payment_charge_id": f"{self.platform[:2]}-charge-{number:08d}",
            "provider_payment_charge_id": f"provider-{number:08d}",
        }
        self.payments.append(paid)
        update = self.make_message_update(user)
        update["message"]["successful_payment"] = paid
        return update


# Currencies Telegram's payments page lists (a sample); Bale takes IRR only.
_TELEGRAM_CURRENCIES: Final = frozenset({"IRR", "USD", "EUR", "GBP", "AED", "TRY", "RUB", "INR"})


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _check_invoice(platform: str, params: JSONDict) -> JSONDict:
    """sendInvoice's parameters as the platform checks them.

    Telegram: a provider token from BotFather and a listed currency. Bale: the provider
    token is the destination card number (16 digits passing Luhn) or a wallet token, and
    the currency is IRR, amounts in rials (Bale's sendInvoice, as described for the n8n
    Bale node: "the token representing the payment provider or card number", prices "in
    smallest currency unit").
    """
    title, description = str(params.get("title") or ""), str(params.get("description") or "")
    payload, currency = str(params.get("payload") or ""), str(params.get("currency") or "")
    token = str(params.get("provider_token") or "").strip()
    if not 1 <= len(title) <= 32 or not 1 <= len(description) <= 255:
        raise ApiError(400, "Bad Request: invoice title or description is invalid")
    if not 1 <= len(payload.encode()) <= 128:
        raise ApiError(400, "Bad Request: INVOICE_PAYLOAD_INVALID")
    if not token:
        raise ApiError(400, "Bad Request: PAYMENT_PROVIDER_INVALID")
    compact = token.replace(" ", "").replace("-", "")
    if platform == "bale":
        if compact.isdigit() and (len(compact) != 16 or not _luhn_valid(compact)):
            raise ApiError(400, "Bad Request: PAYMENT_PROVIDER_INVALID")
        if currency != "IRR":
            raise ApiError(400, "Bad Request: CURRENCY_INVALID")
    elif currency not in _TELEGRAM_CURRENCIES:
        raise ApiError(400, "Bad Request: CURRENCY_INVALID")
    prices = params.get("prices")
    if isinstance(prices, str):
        prices = json.loads(prices)
    if not prices or not all(
        isinstance(p, dict) and isinstance(p.get("amount"), int) and p["amount"] > 0 for p in prices
    ):
        raise ApiError(400, "Bad Request: prices must be positive integers")
    return {
        "title": title, "description": description, "payload": payload, "currency": currency,
        "provider_token": token, "prices": [dict(p) for p in prices],
        "total_amount": sum(p["amount"] for p in prices),
        "start_parameter": params.get("start_parameter") or "",
    }  # fmt: skip


def _invoice_of(message: SentMessage) -> JSONDict:
    if message.invoice is None:
        raise AssertionError(f"message {message.message_id} is not an invoice")
    return message.invoice
