"""Paying in the chat as deployed on Bale: a real `hamdeli run` process with PLATFORM=bale
and a card number as provider token, over real HTTP (long polling) against the emulator
served on 127.0.0.1. Pledge, 💳 Pay now, invoice, pre-checkout, payment: the pledge ends
paid, and the database holds the payment, its checkout and a balanced ledger."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.emulator import BotApiEmulator, SentMessage, serve_http
from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.storage import Store
from tests.commands import Person, migrated, start_bot_process, stop_bot_process
from tests.test_donor_journey import TOMAN, fa
from tests.test_payments import CARD
from tests.test_run_over_http import wait_for

TOKEN = "123456:payment-over-http-token-abcdefghij"
AMOUNT = 2_000_000 * TOMAN


def seed_need(path: Path) -> str:
    """One open money need in Tehran; returns its public code."""

    async def seed() -> str:
        async with Store(path) as store:
            tehran = next(p for p in await store.provinces() if p.name_en == "Tehran")
            draft = NeedDraft(
                city_id=tehran.cities[0].id, province_id=tehran.id,
                category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=5_000_000 * TOMAN,
                description_fa="داروی ماهانه", external_id="pay-over-http",
            )  # fmt: skip
            await store.upsert_needs([draft], now=int(time.time()))
            return (await store._fetchall("SELECT code FROM needs"))[0][0]

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, seed()).result()


def latest_invoice(emulator: BotApiEmulator, chat_id: int) -> SentMessage | None:
    invoices = [m for m in emulator.messages_in(chat_id) if m.invoice is not None]
    return invoices[-1] if invoices else None


async def test_a_real_bale_process_takes_a_payment_over_http(tmp_path) -> None:
    path = migrated(tmp_path / "pay.db")
    code = seed_need(path)
    emulator = BotApiEmulator(platform="bale")
    server = await serve_http(emulator)
    process = await start_bot_process(
        emulator, tmp_path, TOKEN, PLATFORM="bale", PAYMENT_PROVIDER_TOKEN=CARD,
        DATABASE_URL=f"sqlite:///{path}", LOG_LEVEL="DEBUG",
    )  # fmt: skip
    try:
        donya = Person(emulator, 7001)
        await donya.send(f"/start need_{code}", until=code)
        await donya.click(fa("card-help-button", name=fa("category-medical")))
        await donya.send("۲ میلیون")
        done = await donya.click(fa("pledge-confirm-button"))
        reference = done.split("P-")[1][:6]
        reference = f"P-{reference}"
        await donya.click(fa("payment-pay-button", reference=reference))
        await wait_for(lambda: latest_invoice(emulator, donya.info.id) is not None)
        invoice = latest_invoice(emulator, donya.info.id)
        assert invoice.invoice["provider_token"] == CARD
        assert (invoice.invoice["currency"], invoice.invoice["total_amount"]) == ("IRR", AMOUNT)

        query = emulator.make_pre_checkout_update(donya.info, invoice)
        emulator.push_update(query)
        transaction = query["pre_checkout_query"]["id"]
        await wait_for(lambda: transaction in emulator.pre_checkout_answers)
        assert emulator.pre_checkout_answers[transaction]["ok"] is True

        mark = emulator.change_mark()
        paid = emulator.make_successful_payment_update(donya.info, invoice, transaction)
        emulator.push_update(paid)
        thanks = await donya.wait_for_message(mark)
        assert reference in thanks
        assert "💚" in thanks
        emulator.push_update(paid)  # redelivered: nothing more happens
        await wait_for(lambda: len(emulator.calls_to("getUpdates")) > 3)
    finally:
        log = await stop_bot_process(process)
        server.close()
        await server.wait_closed()
    assert "Traceback" not in log, log

    db = sqlite3.connect(path)
    charge = paid["message"]["successful_payment"]
    assert db.execute(
        "SELECT status FROM pledges WHERE reference = ?", (reference,)
    ).fetchall() == [("paid",)]
    assert db.execute(
        "SELECT amount, allocated, unallocated, telegram_payment_charge_id, "
        "provider_payment_charge_id FROM payments"
    ).fetchall() == [
        (AMOUNT, AMOUNT, 0, charge["telegram_payment_charge_id"],
         charge["provider_payment_charge_id"])
    ]  # fmt: skip
    assert db.execute("SELECT reserved, paid FROM needs").fetchall() == [(0, AMOUNT)]
    assert db.execute("SELECT transaction_id, state, charge_id FROM checkouts").fetchall() == [
        (transaction, "paid", charge["telegram_payment_charge_id"])
    ]
    assert db.execute(
        "SELECT count(*) FROM outbox WHERE message_id = 'pledge-paid-notice' AND status = 'sent'"
    ).fetchall() == [(1,)]
    assert db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'payment_received'"
    ).fetchall() == [(1,)]
    db.close()
