"""No toman without a home, through the real Application and the emulator: money paid with no
need to go to becomes the donor's credit; the donor moves it to a similar need or gives it
to the office; unanswered, the office decides after REDIRECT_DECISION_DAYS; staff place the
office's share. The ledger identity is checked after every scenario (`assert_ledger`).
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import json

import pytest

from bot import callbacks
from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.handlers import credits as credit_handlers
from bot.models import NeedStatus, PledgeStatus
from bot.text import format_toman
from tests.test_donor_journey import TOMAN, donor, en, fa, needs, pledge_on, run_clocks
from tests.test_payments import TTL, assert_ledger, pledge_and_invoice, thanks_sent
from tests.test_staff_console import admin_of, audited

TELEGRAM_TOKEN = "284685063:TEST:hamdeli-provider-token"
DAY = 86_400
MILLION = 1_000_000 * TOMAN


@pytest.fixture
async def chat(start_app):
    return await start_app(payment_provider_token=TELEGRAM_TOKEN)


def money(amount_toman: int, t=fa) -> str:
    return t("amount-toman", amount=format_toman(amount_toman * TOMAN, t.language))


async def credit_from_a_race(chat, needs, clock):
    """Sara's payment for need t4 arrives after it expired and Omid took the whole need:
    1,000,000 toman of credit in her name, and the notice that asks her where it goes."""
    sara, omid = await donor(chat), await donor(chat)
    code = needs["codes"]["t4"]
    reference, _ = await pledge_and_invoice(chat, sara, code, "1000000")
    checkout = await sara.check_out()
    clock.advance(TTL + 60)
    await run_clocks(HamdeliContext(chat.application))
    await pledge_on(omid, code, "1000000")
    await sara.complete_payment(checkout)
    assert await thanks_sent(chat, sara, "payment-unallocated-notice") == 1
    [credit] = await chat.store.credits_of_donor("telegram", sara.id)
    return sara, credit, reference


async def test_a_payment_with_no_room_asks_the_donor_and_moves_to_a_similar_need(
    chat, needs, clock
) -> None:
    sara, credit, reference = await credit_from_a_race(chat, needs, clock)
    assert (credit.amount, credit.unallocated, credit.office) == (MILLION, MILLION, 0)
    notice = sara.last_reply
    assert reference in notice.text
    assert money(1_000_000) in notice.text
    assert "تماس می‌گیرد" not in notice.text  # no more "the office will contact you"
    t1 = needs["codes"]["t1"]  # the only other dowry need in Tehran city, with room
    assert t1 in notice.text  # shown as a card
    assert fa("category-dowry") in notice.text
    assert fa("credit-office-button") in notice.buttons[-3]
    moves = [label for row in notice.buttons for label in row if label.startswith("➡️")]
    assert moves == [fa("credit-move-button", number=1, name=fa("category-dowry"), code=t1)]
    await assert_ledger(chat.store)

    stale = notice.button_data(moves[0])
    await sara.click(moves[0])
    need = await chat.store.need_by_code(t1)
    assert need.paid == MILLION
    [moved] = [p for p in await chat.store.pledges_of_donor("telegram", sara.id, 10)
               if p.need_id == need.id]  # fmt: skip
    assert moved.status is PledgeStatus.PAID
    assert fa("credit-moved", amount=money(1_000_000), code=t1, reference=moved.reference) in (
        sara.last_reply.text
    )
    assert (await chat.store.credit(credit.id)).unallocated == 0
    [entry] = audited(await chat.store.latest_audit(50), "credit_moved")
    assert json.loads(entry.details)["moved"] == MILLION
    await assert_ledger(chat.store)

    # The same button again (a double press, a forwarded copy): already placed.
    await sara.click_data(stale)
    assert sara.last_answer == fa("credit-already-decided")
    assert fa("button-my-pledges") in sara.last_reply.buttons[0]
    assert (await chat.store.need_by_code(t1)).paid == MILLION  # never twice
    await assert_ledger(chat.store)


async def test_the_donor_gives_the_credit_to_the_office_and_staff_place_it(
    chat, needs, clock
) -> None:
    sara, credit, _ = await credit_from_a_race(chat, needs, clock)
    await sara.click(fa("credit-office-button"))
    assert fa("credit-office-thanks", amount=money(1_000_000)) in sara.last_reply.text
    credit = await chat.store.credit(credit.id)
    assert (credit.unallocated, credit.office, credit.decided_by) == (0, MILLION, "donor")
    await assert_ledger(chat.store)

    admin = await admin_of(chat)
    await admin.send("/stats")
    stats = fa("stats-credit", unallocated=money(0), office=money(1_000_000))
    assert any(stats in m.text for m in admin.replies[-3:])
    await admin.send("/office")
    assert fa("credit-office-share", amount=money(1_000_000)) in admin.last_reply.text

    t2 = needs["codes"]["t2"]  # any open money need: the office uses it where most needed
    await admin.send(f"/place {t2}")
    ask = admin.last_reply
    assert ask.text == fa("credit-place-ask", amount=money(1_000_000),
                          share=money(1_000_000), code=t2)  # fmt: skip
    assert (await chat.store.need_by_code(t2)).paid == 0  # asked, not done
    yes = ask.button_data(fa("credit-place-yes-button"))
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_reply.text == fa("credit-placed", amount=money(1_000_000), code=t2)
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_answer == fa("staff-confirm-used")
    assert (await chat.store.need_by_code(t2)).paid == MILLION
    assert (await chat.store.credit(credit.id)).office == 0
    [entry] = audited(await chat.store.latest_audit(50), "office_share_placed")
    assert entry.actor_id == admin.id
    await assert_ledger(chat.store)

    await admin.send(f"/place {t2}")  # nothing left to place: says so, with a way on
    assert admin.last_reply.text == fa("credit-office-empty")


async def test_only_staff_may_place_the_office_share(chat, needs, clock) -> None:
    sara, _, _ = await credit_from_a_race(chat, needs, clock)
    await sara.click(fa("credit-office-button"))
    await sara.send(f"/place {needs['codes']['t2']}")
    assert sara.last_reply.text == fa("staff-only")
    assert (await chat.store.need_by_code(needs["codes"]["t2"])).paid == 0
    await assert_ledger(chat.store)


async def test_unanswered_the_office_decides_after_the_deadline_once(chat, needs, clock) -> None:
    sara, credit, _ = await credit_from_a_race(chat, needs, clock)
    context = HamdeliContext(chat.application)
    clock.advance(7 * DAY - 3600)  # not yet due: nothing happens
    await credit_handlers.credit_clock(context)
    assert (await chat.store.credit(credit.id)).unallocated == MILLION
    clock.advance(3600 + 60)
    await credit_handlers.credit_clock(context)
    await deliver_outbox(context)
    t1 = needs["codes"]["t1"]  # the most urgent similar need with room
    assert (await chat.store.need_by_code(t1)).paid == MILLION
    assert fa("credit-decided-need", amount=money(1_000_000), code=t1) in sara.last_reply.text
    credit = await chat.store.credit(credit.id)
    assert (credit.unallocated, credit.office, credit.decided_by) == (0, 0, "office")
    await assert_ledger(chat.store)

    # A restart on the same database, and more ticks: decided once, told once.
    again = await chat.application.services.store.due_credits("telegram", clock.now, 10)
    assert again == []
    await credit_handlers.credit_clock(context)
    assert await thanks_sent(chat, sara, "credit-decided-notice") == 1
    assert len(audited(await chat.store.latest_audit(80), "credit_decided")) == 1
    await assert_ledger(chat.store)


async def test_unanswered_with_no_similar_need_the_office_takes_it(chat, needs, clock) -> None:
    sara, credit, _ = await credit_from_a_race(chat, needs, clock)
    admin = await admin_of(chat)
    for similar in ("t1", "s1"):  # every other dowry need in Tehran is gone
        await admin.send(f"/close {needs['codes'][similar]} the family moved")
        await admin.click(fa("staff-close-yes-button"))
    clock.advance(7 * DAY + 60)
    await credit_handlers.credit_clock(HamdeliContext(chat.application))
    await deliver_outbox(HamdeliContext(chat.application))
    assert fa("credit-decided-office", amount=money(1_000_000)) in sara.last_reply.text
    assert (await chat.store.credit(credit.id)).office == MILLION
    await assert_ledger(chat.store)


async def test_a_need_closed_after_the_donor_paid_becomes_their_credit(chat, needs) -> None:
    sara = await donor(chat)
    t1, t4 = needs["codes"]["t1"], needs["codes"]["t4"]
    reference, _ = await pledge_and_invoice(chat, sara, t1, "2000000")
    await sara.pay()
    assert (await chat.store.need_by_code(t1)).paid == 2 * MILLION
    admin = await admin_of(chat)
    await admin.send(f"/close {t1} the family moved")
    await admin.click(fa("staff-close-yes-button"))
    assert admin.last_reply.text == fa("staff-closed", code=t1, donors=0, paid=1)
    closed = await chat.store.need_by_code(t1)
    assert (closed.status, closed.paid) == (NeedStatus.CLOSED, 0)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED
    [credit] = await chat.store.credits_of_donor("telegram", sara.id)
    assert (credit.amount, credit.source.value) == (2 * MILLION, "need_closed")
    await assert_ledger(chat.store)

    assert await thanks_sent(chat, sara, "credit-need-closed-notice") == 1
    notice = sara.last_reply
    assert fa("credit-need-closed-notice", amount=money(2_000_000), code=t1,
              reference=reference) in notice.text  # fmt: skip
    assert t4 in notice.text  # the similar need, as a card
    # t4 has room for 1,000,000 only: that much moves, the rest stays hers to place.
    await sara.click(fa("credit-move-button", number=1, name=fa("category-dowry"), code=t4))
    assert (await chat.store.need_by_code(t4)).paid == MILLION
    assert fa("credit-left", amount=money(1_000_000)) in sara.last_reply.text
    assert (await chat.store.credit(credit.id)).unallocated == MILLION
    # t4 is full now, and Tehran city has too few open needs to be named: the province's
    # dowry need (in a small town) is offered, under the province's name only.
    moves = [b for row in sara.last_reply.buttons for b in row if b.startswith("➡️")]
    assert moves == [fa("credit-move-button", number=1, name=fa("category-dowry"),
                        code=needs["codes"]["s1"])]  # fmt: skip
    assert needs["town"].name_fa not in sara.last_reply.text
    await assert_ledger(chat.store)
    await sara.click(fa("credit-office-button"))
    assert (await chat.store.credit(credit.id)).office == MILLION
    await assert_ledger(chat.store)


async def test_a_need_that_filled_meanwhile_says_so_and_offers_the_choice_again(
    chat, needs, clock
) -> None:
    sara, credit, _ = await credit_from_a_race(chat, needs, clock)
    notice = sara.last_reply
    t1 = needs["codes"]["t1"]
    omid = await donor(chat)
    await pledge_on(omid, t1, "10000000")  # the whole need, before Sara chooses
    await sara.click(
        fa("credit-move-button", number=1, name=fa("category-dowry"), code=t1),
        message_id=notice.message_id,
    )
    assert sara.last_answer == fa("credit-need-full", code=t1)
    assert fa("credit-need-full", code=t1) in sara.last_reply.text
    assert fa("credit-office-button") in [b for row in sara.last_reply.buttons for b in row]
    assert (await chat.store.credit(credit.id)).unallocated == MILLION
    await assert_ledger(chat.store)


async def test_a_small_town_credit_is_offered_needs_of_its_province(chat, needs) -> None:
    """s1 is in a town with fewer than K open needs: similar needs come from the province,
    and its town is never named."""
    sara = await donor(chat)
    s1 = needs["codes"]["s1"]
    await pledge_and_invoice(chat, sara, s1, "1000000")
    await sara.pay()
    admin = await admin_of(chat)
    await admin.send(f"/close {s1} moved away")
    await admin.click(fa("staff-close-yes-button"))
    await deliver_outbox(HamdeliContext(chat.application))
    text = sara.last_reply.text
    assert needs["codes"]["t1"] in text
    assert needs["codes"]["t4"] in text
    assert needs["town"].name_fa not in text
    await assert_ledger(chat.store)


async def test_someone_elses_credit_button_changes_nothing(chat, needs, clock) -> None:
    _, credit, _ = await credit_from_a_race(chat, needs, clock)
    mallory = await donor(chat)
    await mallory.click_data(callbacks.credit_office(credit.id))
    assert mallory.last_answer == fa("credit-not-found")
    await mallory.click_data(callbacks.credit_move(credit.id, needs["codes"]["t1"]))
    assert (await chat.store.credit(credit.id)).unallocated == MILLION
    await assert_ledger(chat.store)


async def test_the_choice_speaks_the_donors_language(chat, needs, clock) -> None:
    sara, omid = await donor(chat), await donor(chat)
    code = needs["codes"]["t4"]
    await pledge_and_invoice(chat, sara, code, "1000000")
    checkout = await sara.check_out()
    clock.advance(TTL + 60)
    await run_clocks(HamdeliContext(chat.application))
    await pledge_on(omid, code, "1000000")
    account = await chat.store.account("telegram", sara.id)
    await chat.store.set_language(account, "en")  # rendered at send time, in her language
    await sara.complete_payment(checkout)
    await deliver_outbox(HamdeliContext(chat.application))
    assert en("credit-office-button") in [b for row in sara.last_reply.buttons for b in row]
    assert en("category-dowry") in sara.last_reply.text
    await assert_ledger(chat.store)


async def test_the_export_lists_credit_and_the_office_share(chat, needs, clock) -> None:
    await credit_from_a_race(chat, needs, clock)
    admin = await admin_of(chat)
    await admin.click_data(callbacks.STAFF_EXPORT)
    pledges, credits = chat.emulator.calls_to("sendDocument")[-2:]
    assert credits.params["caption"] == fa(
        "stats-credit", unallocated=money(1_000_000), office=money(0)
    )
    assert (pledges.files, credits.files) == ({"document": "pledges.csv"},
                                              {"document": "credits.csv"})  # fmt: skip
    [entry] = audited(await chat.store.latest_audit(20), "export_credits")
    assert entry.actor_id == admin.id


async def test_my_pledges_shows_waiting_credit_and_opens_its_choice(chat, needs, clock) -> None:
    sara, _, _ = await credit_from_a_race(chat, needs, clock)
    await sara.send("/mypledges")  # the notice scrolled away: her pledges say it is waiting
    assert fa("credit-waiting", amount=money(1_000_000)) in sara.last_reply.text
    await sara.click(fa("credit-waiting-button", amount=money(1_000_000)))
    assert fa("credit-choice-title", amount=money(1_000_000)) in sara.last_reply.text
    assert needs["codes"]["t1"] in sara.last_reply.text
    await sara.click(fa("credit-office-button"))
    await sara.send("/mypledges")
    assert fa("credit-waiting", amount=money(1_000_000)) not in sara.last_reply.text
    await assert_ledger(chat.store)


async def test_a_reported_payment_confirmed_after_the_need_closed_becomes_credit(
    chat, needs
) -> None:
    from bot.domain import pledges as pledges_domain

    sara = await donor(chat)
    t1 = needs["codes"]["t1"]
    reference = await pledge_on(sara, t1, "1000000")
    await chat.store.report_pledge_paid(reference, None, int(clock_now(chat)))
    admin = await admin_of(chat)
    await admin.send(f"/close {t1} the family moved")
    await admin.click(fa("staff-close-yes-button"))
    assert await chat.store.credits_of_donor("telegram", sara.id) == []  # not paid yet
    await pledges_domain.confirm_payment(
        chat.store, reference=reference, bank_reference="774411", now=int(clock_now(chat))
    )
    need = await chat.store.need_by_code(t1)
    assert (need.status, need.paid, need.reserved) == (NeedStatus.CLOSED, 0, 0)
    [credit] = await chat.store.credits_of_donor("telegram", sara.id)
    assert credit.amount == MILLION
    assert await thanks_sent(chat, sara, "credit-need-closed-notice") == 1
    assert await thanks_sent(chat, sara, "pledge-paid-notice") == 0
    await assert_ledger(chat.store)


async def test_the_office_decides_after_a_restart_once(start_app, needs, chat, clock) -> None:
    """The bot was down when the credit came due: the next process decides it at its first
    tick, and a third process finds nothing left to decide."""
    sara, _, _ = await credit_from_a_race(chat, needs, clock)
    await chat.application.shutdown()
    clock.advance(30 * DAY)
    for _ in range(2):
        again = await start_app(payment_provider_token=TELEGRAM_TOKEN, emulator=chat.emulator)
        await credit_handlers.credit_clock(HamdeliContext(again.application))
        await deliver_outbox(HamdeliContext(again.application))
        assert (await again.store.need_by_code(needs["codes"]["t1"])).paid == MILLION
        assert len(audited(await again.store.latest_audit(80), "credit_decided")) == 1
        await assert_ledger(again.store)
        await again.application.shutdown()
    assert [m.text for m in sara.replies].count(sara.last_reply.text) == 1
    assert fa("credit-decided-title") in sara.last_reply.text


async def test_an_erased_donors_credit_stays_accounted_and_the_office_decides_it(
    chat, needs, clock
) -> None:
    sara, credit, _ = await credit_from_a_race(chat, needs, clock)
    await sara.send("/forget")
    await sara.click(fa("forget-donor-yes"))
    moved = await chat.store.credit(credit.id)
    assert moved.donor_id < 0  # under the pseudonym, with the pledges and payments
    await assert_ledger(chat.store)
    clock.advance(7 * DAY + 60)
    await credit_handlers.credit_clock(HamdeliContext(chat.application))
    assert (await chat.store.credit(credit.id)).unallocated == 0
    await assert_ledger(chat.store)


def clock_now(chat) -> float:
    return chat.application.services.clock()


async def test_credit_audit_rows_never_carry_a_donors_id(chat, needs, clock) -> None:
    """/forget promises nothing links the pseudonym back to the person: credit rows name
    who acted in words ("donor", "office"), never by the donor's id."""
    sara, _, _ = await credit_from_a_race(chat, needs, clock)
    await sara.click(fa("credit-office-button"))
    entries = [e for e in await chat.store.latest_audit(80) if e.subject_type == "credit"]
    assert {e.action for e in entries} == {"credit_opened", "credit_moved"}
    assert all(e.actor_id is None for e in entries)
    assert all(str(sara.id) not in str(e.details) for e in entries)
