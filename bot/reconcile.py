"""Asking Bale what became of a payment: `inquireTransaction`, behind one function.

What Bale's bot API says (docs.bale.ai, the Bot API reference at https://docs.bale.ai,
indexed at https://context7.com/websites/bale_ai/llms.txt; the request and answer below are
as Bale's own clients use them, since the reference page itself was not reachable from here):

- Request: ``POST https://tapi.bale.ai/bot<TOKEN>/inquireTransaction`` with one parameter,
  ``transaction_id`` (string): the id of the payment's transaction, which is the id of the
  ``pre_checkout_query`` the bot approved (the PHP client "BaleBot::inquireTransaction",
  the Go client ``methods.InquireTransaction{TransactionID string `json:"transaction_id"`}``,
  and a payments survey's flow "sendInvoice -> pre_checkout_query (answer ok within ~10 s)
  -> confirm with inquireTransaction(transaction_id = pre_checkout_query.id) until status in
  {paid, failed, rejected} -> successful_payment").
- Answer: the usual envelope ``{"ok": true, "result": Transaction}`` where ``Transaction``
  is ``{"id": str, "status": "pending" | "paid" | "failed" | "rejected", "userID": int,
  "amount": int, "createdAt": int}`` (amount in rials, like the invoice's prices). An id
  Bale does not know is answered ``ok: false`` with a 400 (PTB's ``BadRequest``).

Bale shops call it both to catch a payment whose ``successful_payment`` never arrived and
to confirm one before crediting it. Telegram has no such method: the job that uses this
runs on Bale only (`bot.handlers.reconcile`). The emulator implements the same method
(`bot.emulator.BotApiEmulator._inquire_transaction`), so tests and the bench exercise this
very function.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.models import Inquiry, TransactionAnswer

log = logging.getLogger(__name__)

METHOD = "inquireTransaction"
_STATUSES = {
    "paid": TransactionAnswer.PAID,
    "pending": TransactionAnswer.PENDING,
    "failed": TransactionAnswer.FAILED,
    "rejected": TransactionAnswer.REJECTED,
}


async def inquire_transaction(bot: Bot, transaction_id: str) -> Inquiry:
    """What Bale says of `transaction_id`, never raising: an id Bale does not know is
    UNKNOWN, no answer at all (network, 5xx, 429 after retries) is ERROR. The caller asks
    again later for both; only PAID turns into money, FAILED and REJECTED end it."""
    try:
        result = await bot.do_api_request(METHOD, api_kwargs={"transaction_id": transaction_id})
    except BadRequest as refused:
        return Inquiry(TransactionAnswer.UNKNOWN, detail=refused.message)
    except TelegramError as failed:
        log.info("inquireTransaction %s: no answer (%s)", transaction_id, failed)
        return Inquiry(TransactionAnswer.ERROR, detail=str(failed))
    return parse_transaction(result)


def parse_transaction(result: Any) -> Inquiry:
    """Bale's Transaction object as an `Inquiry`; a shape we do not know is UNKNOWN (asked
    again later), never PAID: money is only counted on a clear "paid"."""
    if not isinstance(result, dict):
        return Inquiry(TransactionAnswer.UNKNOWN, detail=str(result)[:200])
    status = str(result.get("status") or "").strip().lower()
    amount = result.get("amount")
    amount = amount if isinstance(amount, int) and amount > 0 else None
    return Inquiry(_STATUSES.get(status, TransactionAnswer.UNKNOWN), amount, status)
