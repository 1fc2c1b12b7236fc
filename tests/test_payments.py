"""Paying inside the chat, through the real Application and the emulator: pledge → 💳 Pay
now → invoice → pre-checkout → successful payment, and every way it can race or repeat.

After every scenario the ledger holds: the sum of payments equals what is allocated plus
what is unallocated, the allocated money is exactly the paid pledges', and no need holds
more than its target (`assert_ledger`).
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import json

import pytest

from bot.config import SettingsProblem, load_settings, luhn_valid
from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.emulator import BotApiEmulator
from bot.models import NeedCategory, NeedDraft, NeedKind, PledgeStatus
from tests.test_donor_journey import (  # `needs`: the journey's fixture, on this `chat`
    PRIVATE_CODES,
    TOMAN,
    assert_no_private_data,
    donor,
    fa,
    needs,
    pledge_on,
    run_clocks,
)

TELEGRAM_TOKEN = "284685063:TEST:hamdeli-provider-token"
CARD = "6037-9975-9912-3453"  # a Luhn-valid test card (Bank Melli's 6037 prefix)
PAY_NOW = "💳 پرداخت همین حالا"
TTL = 48 * 3600


@pytest.fixture
async def chat(start_app):
    """The bot with in-chat payment on (Telegram, IRR)."""
    return await start_app(payment_provider_token=TELEGRAM_TOKEN)


async def assert_ledger(store) -> None:
    """Every toman has a home: payments = allocated + unallocated; allocated = the amounts of
    the pledges paid in the chat; no need over its target, and its `paid` is its pledges'."""
    total, allocated, unallocated = await store.ledger()
    assert total == allocated + unallocated
    paid_in_chat = await store._fetchall(
        "SELECT coalesce(sum(p.amount), 0) FROM pledges p WHERE p.id IN "
        "(SELECT pledge_id FROM payments WHERE allocated > 0)"
    )
    assert allocated == paid_in_chat[0][0]
    assert await store.ledger_problems() == []  # per donor: paid = allocated + credit
    for target, reserved, paid, need_id in await store._fetchall(
        "SELECT target, reserved, paid, id FROM needs"
    ):
        assert reserved + paid <= target
        pledged = await store._fetchall(
            "SELECT coalesce(sum(amount), 0) FROM pledges WHERE need_id = ? AND status IN "
            "('paid', 'delivered')",
            (need_id,),
        )
        assert paid == pledged[0][0]


async def thanks_sent(chat, person, message_id: str = "pledge-paid-notice") -> int:
    """Send what the outbox holds; how many rows of this notice this person ever got."""
    await deliver_outbox(HamdeliContext(chat.application))
    rows = await chat.store._fetchall(
        "SELECT count(*) FROM outbox WHERE user_id = ? AND message_id = ? AND status = 'sent'",
        (person.id, message_id),
    )
    return rows[0][0]


async def pledge_and_invoice(chat, person, code: str, typed: str):
    reference = await pledge_on(person, code, typed)
    await person.click(PAY_NOW)
    return reference, person.last_invoice


async def test_pledge_pay_now_invoice_pre_checkout_and_payment_end_paid(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference = await pledge_on(sara, code, "۲ میلیون")
    assert sara.last_reply.buttons[0] == [fa("payment-pay-button", reference=reference)]
    await sara.click(PAY_NOW)
    invoice = sara.last_invoice
    sent = chat.emulator.calls_to("sendInvoice")[-1].params
    assert (sent["provider_token"], sent["currency"]) == (TELEGRAM_TOKEN, "IRR")
    assert invoice.invoice["total_amount"] == 2_000_000 * TOMAN  # rials, the smallest unit
    assert invoice.invoice["payload"].startswith(reference + ":")
    assert code in invoice.invoice["title"]
    assert fa("category-medical") in invoice.invoice["description"]

    checkout = await sara.pay()
    assert checkout.approved
    assert checkout.update is not None
    pledge = await chat.store.pledge(reference)
    assert pledge.status is PledgeStatus.PAID
    [payment] = await chat.store.payments_of_pledge(reference)
    assert (
        payment.charge_id
        == checkout.update["message"]["successful_payment"]["telegram_payment_charge_id"]
    )
    assert payment.provider_charge_id.startswith("provider-")
    assert (payment.amount, payment.allocated, payment.unallocated) == (
        2_000_000 * TOMAN, 2_000_000 * TOMAN, 0,
    )  # fmt: skip
    need = await chat.store.need_by_code(code)
    assert (need.reserved, need.paid) == (0, 2_000_000 * TOMAN)
    audit = (await chat.store.latest_audit(1))[0]
    assert (audit.action, audit.actor_id) == ("payment_received", None)
    assert json.loads(audit.details)["actor"] == "payment"
    assert await thanks_sent(chat, sara) == 1
    assert reference in sara.last_reply.text
    await assert_ledger(chat.store)


async def test_a_redelivered_payment_changes_nothing_and_thanks_once(chat, needs) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.pay()
    assert await thanks_sent(chat, sara) == 1
    before = await chat.store.need_by_code(needs["codes"]["t2"])
    audits = len(await chat.store.latest_audit(100))
    await sara.redeliver(checkout.update)
    await sara.redeliver(checkout.update)
    assert await chat.store.need_by_code(needs["codes"]["t2"]) == before
    assert len(await chat.store.payments_of_pledge(reference)) == 1
    assert len(await chat.store.latest_audit(100)) == audits
    assert await thanks_sent(chat, sara) == 1
    await assert_ledger(chat.store)


async def test_pre_checkout_refuses_an_expired_pledge_with_a_reason_and_a_way_on(
    chat, needs, clock
) -> None:
    sara = await donor(chat)
    await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    clock.advance(TTL + 60)  # the clock has not run yet: the pledge is still "awaiting"
    checkout = await sara.check_out()
    assert not checkout.approved
    assert checkout.error_message == fa("payment-refused-expired")
    assert sara.last_reply.text == fa("payment-refused-expired")
    assert fa("button-my-pledges") in sara.last_reply.buttons[0]
    await run_clocks(HamdeliContext(chat.application))
    assert (await sara.check_out()).error_message == fa("payment-refused-expired")
    assert await chat.store.ledger() == (0, 0, 0)
    await assert_ledger(chat.store)


async def test_pre_checkout_refuses_a_changed_amount_and_a_declined_card_changes_nothing(
    chat, needs
) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.check_out(total_amount=10)
    assert not checkout.approved
    assert checkout.error_message == fa("payment-refused-amount")
    declined = await sara.pay(bank_declines=True)  # the bot said yes; the bank said no
    assert declined.approved
    assert declined.update is None
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    assert await chat.store.ledger() == (0, 0, 0)
    await assert_ledger(chat.store)


async def test_a_lost_payment_update_changes_nothing_until_it_is_delivered_again(
    chat, needs
) -> None:
    sara = await donor(chat)
    reference, _ = await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    checkout = await sara.pay(lose_update=True)
    assert chat.emulator.payments
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    await sara.redeliver(checkout.update)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await assert_ledger(chat.store)


@pytest.mark.parametrize("ending", ["expired", "cancelled"])
async def test_a_payment_racing_the_end_of_its_pledge_is_reserved_again_when_there_is_room(
    chat, needs, clock, ending
) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference, _ = await pledge_and_invoice(chat, sara, code, "2000000")
    checkout = await sara.check_out()
    assert checkout.approved
    if ending == "expired":
        clock.advance(TTL + 60)
        await run_clocks(HamdeliContext(chat.application))
    else:
        await sara.click(fa("button-my-pledges"))
        await sara.click(fa("my-pledge-cancel-button", reference=reference))
        await sara.click(fa("pledge-cancel-yes"))
    assert (await chat.store.need_by_code(code)).reserved == 0
    await sara.complete_payment(checkout)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    need = await chat.store.need_by_code(code)
    assert (need.reserved, need.paid) == (0, 2_000_000 * TOMAN)
    [payment] = await chat.store.payments_of_pledge(reference)
    assert payment.unallocated == 0
    assert await thanks_sent(chat, sara) == 1
    await assert_ledger(chat.store)


async def test_a_payment_racing_an_expiry_stays_unallocated_when_the_need_is_full(
    chat, needs, clock
) -> None:
    sara, omid = await donor(chat), await donor(chat)
    code = needs["codes"]["t4"]  # 1,000,000 toman in all
    reference, _ = await pledge_and_invoice(chat, sara, code, "1000000")
    checkout = await sara.check_out()
    clock.advance(TTL + 60)
    await run_clocks(HamdeliContext(chat.application))
    await pledge_on(omid, code, "1000000")  # the whole need, taken meanwhile
    await sara.complete_payment(checkout)
    pledge = await chat.store.pledge(reference)
    assert pledge.status is PledgeStatus.EXPIRED
    need = await chat.store.need_by_code(code)
    assert (need.reserved, need.paid) == (1_000_000 * TOMAN, 0)  # never over-funded
    [payment] = await chat.store.payments_of_pledge(reference)
    assert (payment.allocated, payment.unallocated) == (0, 1_000_000 * TOMAN)
    assert await thanks_sent(chat, sara, "payment-unallocated-notice") == 1
    assert await thanks_sent(chat, sara) == 0
    assert "۱٬۰۰۰٬۰۰۰ تومان" in sara.last_reply.text
    assert reference in sara.last_reply.text
    await assert_ledger(chat.store)


async def test_a_second_payment_of_a_paid_pledge_becomes_unallocated(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference, first = await pledge_and_invoice(chat, sara, code, "1000000")
    await sara.click(fa("button-my-pledges"))
    await sara.click(PAY_NOW)  # an old invoice and a new one, both still open in the chat
    second = sara.last_invoice
    assert first.invoice["payload"] != second.invoice["payload"]  # a fresh nonce each
    checkouts = [await sara.check_out(first), await sara.check_out(second)]
    for checkout in checkouts:
        await sara.complete_payment(checkout)
    payments = await chat.store.payments_of_pledge(reference)
    assert [p.unallocated for p in payments] == [0, 1_000_000 * TOMAN]
    assert (await chat.store.need_by_code(code)).paid == 1_000_000 * TOMAN
    assert (await sara.check_out(first)).error_message == fa("payment-refused-paid")
    assert await thanks_sent(chat, sara) == 1
    assert await thanks_sent(chat, sara, "payment-unallocated-notice") == 1
    await assert_ledger(chat.store)


async def test_an_item_pledge_is_never_offered_a_pay_button(chat, needs) -> None:
    sara = await donor(chat)
    await pledge_on(sara, needs["codes"]["t3"], "1")  # a sewing machine
    assert not any("💳 پرداخت همین" in label for row in sara.last_reply.buttons for label in row)
    await pledge_on(sara, needs["codes"]["t2"], "1000000")
    await sara.click(fa("button-my-pledges"))
    labels = [label for row in sara.last_reply.buttons for label in row]
    assert sum(PAY_NOW in label for label in labels) == 1  # the money pledge only
    await assert_ledger(chat.store)


async def test_without_a_provider_token_nothing_offers_paying_in_the_chat(start_app) -> None:
    chat = await start_app()
    need = await seed_need(chat)
    sara = await donor(chat)
    await pledge_on(sara, need.code, "1000000")
    await sara.click(fa("button-my-pledges"))
    assert not any(PAY_NOW in label for row in sara.last_reply.buttons for label in row)


async def test_on_bale_a_card_number_is_the_provider_token_and_amounts_are_rials(
    start_app,
) -> None:
    chat = await start_app("bale", payment_provider_token=CARD)
    need = await seed_need(chat)
    sara = await donor(chat)
    reference = await pledge_on(sara, need.code, "1000000")
    await sara.click(PAY_NOW)
    sent = chat.emulator.calls_to("sendInvoice")[-1].params
    assert (sent["provider_token"], sent["currency"]) == (CARD, "IRR")
    assert (await sara.pay()).approved
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await assert_ledger(chat.store)


async def test_the_invoice_carries_no_beneficiary_data(chat, needs) -> None:
    sara = await donor(chat)
    await pledge_and_invoice(chat, sara, needs["codes"]["t1"], "1000000")
    invoice = json.dumps(sara.last_invoice.invoice, ensure_ascii=False)
    assert all(code not in invoice for code in PRIVATE_CODES)
    assert needs["capital"].name_fa not in invoice  # not even the city
    assert_no_private_data(chat)


async def seed_need(chat):
    provinces = await chat.store.provinces()
    tehran = provinces[0]
    draft = NeedDraft(
        city_id=tehran.cities[0].id, province_id=tehran.id, category=NeedCategory.HOUSING,
        kind=NeedKind.MONEY, target=5_000_000 * TOMAN, description_fa="تعمیر سقف",
        external_id="pay-1",
    )  # fmt: skip
    await chat.store.upsert_needs([draft], now=int(chat.application.services.clock()))
    rows = await chat.store._fetchall("SELECT code FROM needs WHERE external_id = 'pay-1'")
    return await chat.store.need_by_code(rows[0][0])


# -- settings: what the platform cannot take stops the bot at start --------------------


@pytest.fixture
def clean_environment(monkeypatch, tmp_path) -> None:
    for name in ("PLATFORM", "PAYMENT_PROVIDER_TOKEN", "PAYMENT_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("platform", "token", "currency", "setting"),
    [
        ("bale", "6037-9975-9912-3456", "IRR", "PAYMENT_PROVIDER_TOKEN"),  # fails Luhn
        ("bale", "6037997599", "IRR", "PAYMENT_PROVIDER_TOKEN"),  # too short for a card
        ("telegram", "not-a-provider-token", "IRR", "PAYMENT_PROVIDER_TOKEN"),
        ("telegram", TELEGRAM_TOKEN, "XYZ", "PAYMENT_CURRENCY"),
        ("telegram", TELEGRAM_TOKEN, "USD", "PAYMENT_CURRENCY"),  # listed, but not rials
    ],
)
def test_a_provider_token_or_currency_the_platform_cannot_take_stops_the_bot(
    monkeypatch, clean_environment, platform, token, currency, setting
) -> None:
    monkeypatch.setenv("PLATFORM", platform)
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", token)
    monkeypatch.setenv("PAYMENT_CURRENCY", currency)
    with pytest.raises(SettingsProblem) as problem:
        load_settings()
    assert str(problem.value).startswith(f"{setting}:")
    assert "\n" not in str(problem.value)


@pytest.mark.parametrize(
    ("platform", "token"),
    [("bale", CARD), ("bale", "۶۰۳۷۹۹۷۵۹۹۱۲۳۴۵۳"), ("bale", "wallet-token-abc"),
     ("telegram", TELEGRAM_TOKEN), ("telegram", "")],
)  # fmt: skip
def test_what_each_platform_takes_as_a_provider_token(
    monkeypatch, clean_environment, platform, token
) -> None:
    monkeypatch.setenv("PLATFORM", platform)
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", token)
    settings = load_settings()
    assert settings.provider_token == token
    assert settings.payment_currency == "IRR"


def test_luhn() -> None:
    assert luhn_valid("6037997599123453")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("6037997599123456")


async def test_the_emulator_refuses_invoices_the_platform_would_refuse() -> None:
    invoice = {"chat_id": 5, "title": "t", "description": "d", "payload": "p",
               "prices": [{"label": "x", "amount": 1000}]}  # fmt: skip
    bale, telegram = BotApiEmulator("bale"), BotApiEmulator("telegram")
    bad_card = {**invoice, "provider_token": "6037997599123456", "currency": "IRR"}
    assert (await bale.call("sendInvoice", bad_card))[0] == 400
    assert (await bale.call("sendInvoice", {**bad_card, "provider_token": CARD}))[0] == 200
    dollars = {**invoice, "provider_token": CARD, "currency": "USD"}
    assert (await bale.call("sendInvoice", dollars))[0] == 400
    unknown = {**invoice, "provider_token": TELEGRAM_TOKEN, "currency": "XYZ"}
    assert (await telegram.call("sendInvoice", unknown))[0] == 400


async def test_with_only_in_chat_payment_the_pledge_says_pay_here_not_ask_staff(chat, needs):
    """The only way configured is the payment sheet: the pledge says so, offers Pay now and
    no "I've paid" (a payment in the chat reports itself), and never "ask the office"."""
    sara = await donor(chat)
    await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    text, labels = sara.last_reply.text, str(sara.last_reply.buttons)
    assert fa("pledge-pay-in-chat") in text
    assert fa("pledge-no-way-to-pay") not in text
    assert PAY_NOW in labels
    assert fa("pledge-paid-button") not in labels
