"""Reconciliation on Bale, through the real Application and the emulator: an approved
pre-checkout whose successful_payment never came is asked about (inquireTransaction) and
what Bale answers is recorded; "paid" becomes money through the same path as the update,
so nothing is ever counted twice; "failed" and unknown transactions never become money.
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from telegram import Bot

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain.reconcile import ReconcileRules
from bot.emulator import BotApiEmulator, serve_http
from bot.handlers import reconcile as reconcile_handlers
from bot.i18n import translator
from bot.models import (
    Checkout,
    CheckoutState,
    NeedCategory,
    NeedDraft,
    NeedKind,
    PledgeStatus,
    TransactionAnswer,
)
from bot.reconcile import inquire_transaction, parse_transaction
from bot.views.staff import audit_screen
from tests.test_donor_journey import TOMAN, donor, fa, needs
from tests.test_payments import CARD, assert_ledger, pledge_and_invoice, thanks_sent

AFTER = 5 * 60  # RECONCILE_AFTER_MINUTES' default, in seconds
STAFF_CHAT = -100_777
NEED = "need-on-telegram"


@pytest.fixture
async def chat(start_app):
    """The bot on Bale, paying to a card, with a staff group to hear of give-ups."""
    return await start_app(
        "bale", payment_provider_token=CARD, staff_chat_id=STAFF_CHAT, reconcile_max_inquiries=3
    )


async def seed_one_need(chat) -> str:
    """One open money need (the journey's `needs` fixture is bound to this module's chat);
    returns its public code."""
    tehran = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    draft = NeedDraft(
        city_id=tehran.cities[0].id, province_id=tehran.id, category=NeedCategory.MEDICAL,
        kind=NeedKind.MONEY, target=5_000_000 * TOMAN, description_fa="دارو", external_id=NEED,
    )  # fmt: skip
    await chat.store.upsert_needs([draft], now=int(chat.application.services.clock()))
    [(code,)] = await chat.store._fetchall("SELECT code FROM needs WHERE external_id = ?", (NEED,))
    return code


async def run_job(chat) -> None:
    """One tick of the reconciliation clock, then the outbox sends what it queued."""
    context = HamdeliContext(chat.application)
    await reconcile_handlers.reconcile_clock(context)
    await deliver_outbox(context)


def inquiries_sent(chat) -> list[str]:
    return [call.params["transaction_id"] for call in chat.emulator.calls_to("inquireTransaction")]


async def lost_payment(chat, needs, typed: str = "1000000"):
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], typed)
    checkout = await sara.pay(lose_update=True)
    assert checkout.approved
    return sara, reference, checkout


async def test_a_lost_update_is_caught_by_the_job_and_the_pledge_ends_paid(
    chat, needs, clock
) -> None:
    sara, reference, checkout = await lost_payment(chat, needs)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    await run_job(chat)
    assert inquiries_sent(chat) == []  # not yet: the update may still come
    clock.advance(AFTER)
    await run_job(chat)
    assert inquiries_sent(chat) == [checkout.transaction_id]
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    [payment] = await chat.store.payments_of_pledge(reference)
    assert (payment.amount, payment.allocated) == (1_000_000 * TOMAN, 1_000_000 * TOMAN)
    assert payment.charge_id == checkout.transaction_id
    stored = await chat.store.checkout(checkout.transaction_id)
    assert (stored.state, stored.next_inquiry_at) == (CheckoutState.RECONCILED, None)
    [heard] = await chat.store.inquiries_of(checkout.transaction_id)
    assert (heard.answer, heard.amount) == ("paid", 1_000_000 * TOMAN)
    audit = (await chat.store.latest_audit(1))[0]
    assert (audit.action, audit.actor_id) == ("payment_received", None)
    assert json.loads(audit.details)["via"] == "inquiry"
    assert await thanks_sent(chat, sara) == 1
    clock.advance(24 * 3600)
    await run_job(chat)
    assert inquiries_sent(chat) == [checkout.transaction_id]  # settled: never asked again
    await assert_ledger(chat.store)


async def test_an_update_arriving_after_the_job_recorded_the_payment_counts_once(
    chat, needs, clock
) -> None:
    sara, reference, checkout = await lost_payment(chat, needs)
    clock.advance(AFTER)
    await run_job(chat)
    need = await chat.store.need_by_code(needs["codes"]["t2"])
    audits = len(await chat.store.latest_audit(100))
    await sara.redeliver(checkout.update)  # the lost update turns up after all
    await sara.redeliver(checkout.update)  # and again
    assert await chat.store.need_by_code(needs["codes"]["t2"]) == need
    assert len(await chat.store.payments_of_pledge(reference)) == 1
    assert len(await chat.store.latest_audit(100)) == audits
    assert await chat.store.ledger() == (1_000_000 * TOMAN, 1_000_000 * TOMAN, 0)
    assert await thanks_sent(chat, sara) == 1
    await assert_ledger(chat.store)


async def test_a_payment_whose_update_came_is_never_asked_about(chat, needs, clock) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.pay()
    stored = await chat.store.checkout(checkout.transaction_id)
    assert (stored.state, stored.next_inquiry_at) == (CheckoutState.PAID, None)
    clock.advance(AFTER * 10)
    await run_job(chat)
    assert inquiries_sent(chat) == []
    assert len(await chat.store.payments_of_pledge(reference)) == 1
    await assert_ledger(chat.store)


async def test_a_declined_transaction_is_recorded_and_never_becomes_money(
    chat, needs, clock
) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.pay(bank_declines=True)
    clock.advance(AFTER)
    await run_job(chat)
    assert inquiries_sent(chat) == [checkout.transaction_id]
    stored = await chat.store.checkout(checkout.transaction_id)
    assert (stored.state, stored.next_inquiry_at) == (CheckoutState.DECLINED, None)
    assert [row.answer for row in await chat.store.inquiries_of(checkout.transaction_id)] == [
        "failed"
    ]
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    assert await chat.store.ledger() == (0, 0, 0)
    assert await thanks_sent(chat, sara) == 0
    clock.advance(24 * 3600)
    await run_job(chat)
    assert len(inquiries_sent(chat)) == 1  # a declined transaction is not asked about again
    # The donor can still pay: a new invoice goes through as usual.
    await sara.click(fa("payment-pay-button", reference=reference))
    assert (await sara.pay()).approved
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await assert_ledger(chat.store)


async def test_an_unknown_transaction_is_asked_with_growing_waits_then_staff_are_told(
    chat, needs, clock
) -> None:
    _, reference, checkout = await lost_payment(chat, needs)
    del chat.emulator.transactions[checkout.transaction_id]  # Bale does not know this id
    asked_at = []
    for wait in (AFTER, 2 * AFTER, 4 * AFTER):
        clock.advance(wait - 1)
        await run_job(chat)
        assert len(inquiries_sent(chat)) == len(asked_at)  # not due yet
        clock.advance(1)
        await run_job(chat)
        asked_at.append(int(clock.now))
        assert len(inquiries_sent(chat)) == len(asked_at)
    heard = await chat.store.inquiries_of(checkout.transaction_id)
    assert [(row.asked_at, row.answer) for row in heard] == [(at, "unknown") for at in asked_at]
    assert "transaction not found" in heard[0].detail.lower()
    stored = await chat.store.checkout(checkout.transaction_id)
    assert (stored.state, stored.inquiries, stored.next_inquiry_at) == (
        CheckoutState.GIVEN_UP, 3, None,
    )  # fmt: skip
    audit = (await chat.store.latest_audit(1))[0]
    assert (audit.action, audit.actor_id, audit.subject_id) == (
        "payment_inquiry_given_up", None, reference,
    )  # fmt: skip
    [note] = chat.emulator.messages_in(STAFF_CHAT)
    assert reference in note.text
    assert checkout.transaction_id in note.text
    assert fa("reconcile-answer-unknown") in note.text
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    assert await chat.store.ledger() == (0, 0, 0)
    clock.advance(24 * 3600)
    await run_job(chat)
    assert len(inquiries_sent(chat)) == 3  # bounded: given up means no more questions
    # Staff see it in /audit, in their language.
    screen = audit_screen(
        fa, await chat.store.latest_audit(5), chat.application.services.settings.tz
    )
    assert fa("audit-action-payment_inquiry_given_up") in screen.text


async def test_a_pending_transaction_is_asked_again_and_paid_once_it_is(chat, needs, clock) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.check_out()  # approved; the bank has not finished yet
    clock.advance(AFTER)
    await run_job(chat)
    assert (await chat.store.checkout(checkout.transaction_id)).state is CheckoutState.AWAITING
    update = await sara.complete_payment(checkout, lose_update=True)  # paid, update lost
    clock.advance(2 * AFTER)
    await run_job(chat)
    answers = [row.answer for row in await chat.store.inquiries_of(checkout.transaction_id)]
    assert answers == ["pending", "paid"]
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await sara.redeliver(update)
    assert len(await chat.store.payments_of_pledge(reference)) == 1
    await assert_ledger(chat.store)


async def test_two_approved_checkouts_of_one_invoice_count_only_the_money_that_moved(
    chat, needs, clock
) -> None:
    """Two payment sheets open on one invoice: only the second is paid, and its update
    cannot tell which checkout it settles. The job asks about both: the first stays
    pending, the second's "paid" takes the update's payment instead of counting anew."""
    sara = await donor(chat)
    reference, invoice = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    first = await sara.check_out(invoice)
    second = await sara.check_out(invoice)
    assert first.approved
    assert second.approved
    await sara.complete_payment(second)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    clock.advance(AFTER)
    await run_job(chat)
    assert sorted(inquiries_sent(chat)) == sorted([first.transaction_id, second.transaction_id])
    assert (await chat.store.checkout(second.transaction_id)).state is CheckoutState.PAID
    assert (await chat.store.checkout(first.transaction_id)).state is CheckoutState.AWAITING
    assert len(await chat.store.payments_of_pledge(reference)) == 1
    assert await chat.store.ledger() == (1_000_000 * TOMAN, 1_000_000 * TOMAN, 0)
    await assert_ledger(chat.store)


async def test_the_job_runs_on_bale_only(start_app) -> None:
    telegram = await start_app(payment_provider_token="284685063:TEST:hamdeli-provider-token")
    reconcile_handlers.schedule_reconcile_clock(telegram.application)
    assert not telegram.application.job_queue.jobs()
    # Telegram has no inquireTransaction (404): no answer is ever taken for money.
    inquiry = await inquire_transaction(telegram.application.bot, "pc1")
    assert inquiry.answer is TransactionAnswer.ERROR
    bale = await start_app("bale", payment_provider_token=CARD)
    reconcile_handlers.schedule_reconcile_clock(bale.application)
    assert [job.name for job in bale.application.job_queue.jobs()] == ["reconcile_clock"]


def test_bale_transactions_are_read_strictly() -> None:
    """Only a clear "paid" is money; an odd shape is asked about again, never counted."""
    paid = parse_transaction({"id": "t", "status": "paid", "amount": 10_000, "userID": 1})
    assert (paid.answer, paid.amount) == (TransactionAnswer.PAID, 10_000)
    assert parse_transaction({"status": "PENDING"}).answer is TransactionAnswer.PENDING
    assert parse_transaction({"status": "rejected"}).answer is TransactionAnswer.REJECTED
    assert parse_transaction({"status": "done?"}).answer is TransactionAnswer.UNKNOWN
    assert parse_transaction(True).answer is TransactionAnswer.UNKNOWN
    assert parse_transaction({"status": "paid", "amount": "9"}).amount is None


def test_waits_double_and_are_capped() -> None:
    rules = ReconcileRules(after_s=300, max_inquiries=8)
    assert [rules.next_at(n, 0) for n in (1, 2, 3)] == [600, 1200, 2400]
    assert rules.next_at(20, 0) == 6 * 3600


async def test_inquire_transaction_over_http_reads_what_bale_answers() -> None:
    """The one function, over real HTTP (form-encoded, as PTB sends it), against the
    emulator served like Bale's API: a paid transaction, and one Bale does not know."""
    emulator = BotApiEmulator(platform="bale")
    emulator.transactions["pc42000001"] = {
        "id": "pc42000001", "status": "paid", "userID": 42, "amount": 20_000_000,
        "createdAt": 1_764_000_000,
    }  # fmt: skip
    server = await serve_http(emulator)
    bot = Bot("123456:inquiry-over-http", base_url=f"http://127.0.0.1:{emulator.http_port}/bot")
    try:
        async with bot:
            paid = await inquire_transaction(bot, "pc42000001")
            unknown = await inquire_transaction(bot, "pc42000002")
    finally:
        server.close()
        await server.wait_closed()
    assert (paid.answer, paid.amount, paid.detail) == (TransactionAnswer.PAID, 20_000_000, "paid")
    assert unknown.answer is TransactionAnswer.UNKNOWN
    assert [call.params for call in emulator.calls_to("inquireTransaction")] == [
        {"transaction_id": "pc42000001"}, {"transaction_id": "pc42000002"},
    ]  # fmt: skip


async def test_two_lost_payments_of_one_invoice_are_both_counted_once(chat, needs, clock) -> None:
    """Two sheets on one invoice, both paid, both updates lost: the job records each
    transaction once (the second is unallocated: the pledge was already paid), and the late
    updates are matched to them and change nothing."""
    sara = await donor(chat)
    reference, invoice = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    first, second = await sara.check_out(invoice), await sara.check_out(invoice)
    updates = [await sara.complete_payment(c, lose_update=True) for c in (first, second)]
    clock.advance(AFTER)
    await run_job(chat)
    amount = 1_000_000 * TOMAN
    assert await chat.store.ledger() == (2 * amount, amount, amount)
    for update in updates:
        await sara.redeliver(update)
    assert await chat.store.ledger() == (2 * amount, amount, amount)
    assert len(await chat.store.payments_of_pledge(reference)) == 2
    states = {(await chat.store.checkout(c.transaction_id)).state for c in (first, second)}
    assert states == {CheckoutState.RECONCILED}
    await assert_ledger(chat.store)


@pytest.mark.sqlite_only
async def test_on_sqlite_checkouts_arriving_together_share_one_commit_and_its_failure(
    store,
) -> None:
    """Hundreds of pre-checkouts at once: their rows are committed together, each writer
    returning once its row is stored; when that commit fails, every writer hears it.
    SQLite only: the group commit exists because SQLite has one writer at a time
    (PostgreSQL commits the rows side by side: tests/test_money_store.py)."""
    rows = [
        Checkout(f"pc{n}", "bale", n, f"P-AAAAAA:{n:08d}", 10_000, "IRR", 1,
                 CheckoutState.AWAITING, 0, 301)
        for n in range(50)
    ]  # fmt: skip
    await asyncio.gather(*(store.record_checkout(row) for row in rows))
    assert len(await store.due_checkouts("bale", 301, 100)) == 50
    await store._write("DROP INDEX checkouts_due")
    await store._write("ALTER TABLE checkouts RENAME TO gone")
    results = await asyncio.gather(
        *(store.record_checkout(row) for row in rows[:3]), return_exceptions=True
    )
    assert all(isinstance(result, sqlite3.OperationalError) for result in results)


async def test_on_telegram_an_approval_is_recorded_but_never_asked_about(start_app) -> None:
    chat = await start_app(payment_provider_token="284685063:TEST:hamdeli-provider-token")
    code = await seed_one_need(chat)
    sara = await donor(chat)
    await pledge_and_invoice(chat, sara, code, "1000000")
    checkout = await sara.check_out()
    stored = await chat.store.checkout(checkout.transaction_id)
    assert (stored.state, stored.next_inquiry_at) == (CheckoutState.AWAITING, None)


@pytest.mark.sqlite_only
async def test_pre_checkout_still_answers_when_sqlites_quick_read_is_refused(chat, needs) -> None:
    """The lock-free read may meet a busy database: the answer then comes the ordinary way."""
    sara = await donor(chat)
    await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    chat.store._version_probe.close()
    chat.store._version_probe = sqlite3.connect(":memory:")  # every read there fails
    assert (await sara.check_out()).approved
