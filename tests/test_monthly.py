"""Monthly kindness through the real Application and the emulator: set it up in the chat,
the due day pledges (as a hand pledge would, with 💳 Pay now), nothing in scope, every change
asked once, stale buttons, /stats, and a restart on the due day that pledges exactly once.

The clock starts on 3 Azar 1404 (19:30 in Tehran); gifts in these tests fall on the 5th.
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import asyncio
import datetime as dt
import zoneinfo

import pytest

from bot import app as app_module
from bot import callbacks
from bot.callbacks import Button, NewGift, Place
from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain import monthly
from bot.domain.pledges import PledgeRules
from bot.handlers import monthly as monthly_handlers
from bot.models import MonthlyStatus, NeedCategory, NeedStatus, PledgeStatus
from bot.views import donor as donor_views
from tests.test_donor_journey import (  # `needs`: the journey's fixture, on this `chat`
    TOMAN,
    assert_no_private_data,
    donor,
    draft,
    fa,
    needs,
    pledge_on,
)
from tests.test_payments import PAY_NOW, TELEGRAM_TOKEN, assert_ledger

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
AZAR = 140409  # the month the clock starts in (3 Azar 1404)
DEY = 140410


@pytest.fixture
async def chat(start_app):
    """The bot with in-chat payment on, as in the payment tests."""
    return await start_app(payment_provider_token=TELEGRAM_TOKEN)


def due(period: int, day: int = 5) -> int:
    return monthly.due_at(period, day, TEHRAN)


async def set_up(person, amount: str = "۵۰۰ هزار", *, day: str = "۵", category: str | None = None,
                 counts: tuple[int, int] = (5, 4)) -> None:  # fmt: skip
    """The whole setup in the chat: amount typed, Tehran city (with `counts` open needs in
    the province and the city), any category or `category`, the `day`, start."""
    await person.click(fa("monthly-button"))
    await person.click(fa("monthly-setup-button"))
    await person.send(amount)
    await person.click(fa("browse-place-count", place="تهران", count=counts[0]))
    await person.click(fa("browse-place-count", place="تهران", count=counts[1]))
    await person.click(category or fa("monthly-any-category"))
    await person.click(day)
    await person.click(fa("monthly-start-button"))


async def tick(chat) -> None:
    """One tick of the monthly clock, then the outbox sends what it queued."""
    context = HamdeliContext(chat.application)
    await monthly_handlers.monthly_clock(context)
    await deliver_outbox(context)


async def hand_pledge_text(chat, reference: str) -> str:
    """What a donor who pledged this by hand would read right after confirming."""
    pledge = await chat.store.pledge(reference)
    need = await chat.store.need(pledge.need_id)
    settings = chat.application.services.settings
    return donor_views.pledge_done_screen(fa, need, pledge, settings).text


async def pledges_of(chat, person) -> list[tuple]:
    return await chat.store._fetchall(
        "SELECT reference, need_id, amount, status FROM pledges WHERE donor_id = ?", (person.id,)
    )


async def test_setting_it_up_in_the_chat_confirms_before_it_starts(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("monthly-button"))
    assert sara.last_reply.text == fa("monthly-intro")
    await sara.click(fa("monthly-setup-button"))
    assert fa("amount-toman", amount="۵۰۰٬۰۰۰") in sara.last_reply.buttons[0]  # presets
    await sara.send("۵۰ هزار")  # below the smallest pledge: said, and asked again
    assert sara.last_reply.text == fa("monthly-amount-too-small", minimum="۱۰۰٬۰۰۰ تومان")
    await sara.send("۱۰۰۰ میلیارد")
    assert sara.last_reply.text == fa("monthly-amount-too-large", maximum="۱۰۰٬۰۰۰٬۰۰۰ تومان")
    await sara.send("۷۵۰ هزار")
    assert sara.last_reply.text == fa("monthly-ask-province")
    await sara.click("تهران (۵)")
    labels = [label for row in sara.last_reply.buttons for label in row]
    assert fa("monthly-whole-province", province="تهران", count=5) in labels
    assert fa("browse-place-count", place="تهران", count=4) in labels
    assert all(needs["town"].name_fa not in label for label in labels)  # never named
    await sara.click("تهران (۴)")
    await sara.click(f"{fa('category-icon-medical')} {fa('category-medical')}")
    assert sara.last_reply.text == fa("monthly-ask-day")
    assert len([b for row in sara.last_reply.buttons for b in row]) == 28 + 1  # and back
    await sara.click("۵")
    scope = fa("monthly-scope-category", place=fa("monthly-scope-city", city="تهران",
               province="تهران"), category=fa("category-medical"))  # fmt: skip
    first = dt.date(2025, 11, 26)  # 5 Azar 1404
    assert sara.last_reply.text == fa("monthly-confirm", amount="۷۵۰٬۰۰۰ تومان", scope=scope,
                                      day=5, first=first)  # fmt: skip
    assert await chat.store.monthly_of_donor("telegram", sara.id) is None  # not yet
    await sara.click(fa("monthly-start-button"))
    assert sara.last_reply.text.startswith(fa("monthly-started"))
    assert fa("monthly-next", date=first) in sara.last_reply.text
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert (gift.amount, gift.city_id, gift.category, gift.day) == (
        750_000 * TOMAN, needs["capital"].id, NeedCategory.MEDICAL, 5,
    )  # fmt: skip
    assert (gift.status, gift.next_period, gift.next_due_at) == (MonthlyStatus.ACTIVE, AZAR,
                                                                 due(AZAR))  # fmt: skip
    assert_no_private_data(chat, [needs["town"].name_fa, needs["town"].name_en])


async def test_a_double_pressed_start_makes_one_gift(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("monthly-button"))
    await sara.click(fa("monthly-setup-button"))
    await sara.click(fa("amount-toman", amount="۵۰۰٬۰۰۰"))  # a preset
    await sara.click("تهران (۵)")
    await sara.click(fa("monthly-whole-province", province="تهران", count=5))
    await sara.click(fa("monthly-any-category"))
    await sara.click("۲۸")
    start = sara.last_reply.button_data(fa("monthly-start-button"))
    await sara.click_data(start)
    await sara.click_data(start, message_id=sara.last_reply.message_id)
    assert sara.last_reply.text.startswith(fa("monthly-already"))
    rows = await chat.store._fetchall(
        "SELECT count(*), day, city_id FROM monthly_gifts GROUP BY day, city_id"
    )
    assert rows[0] == (1, 28, None)  # the whole province


async def test_on_its_day_it_pledges_like_a_hand_pledge_and_the_invoice_pays_it(
    chat, needs, clock
) -> None:
    sara = await donor(chat)
    await set_up(sara)
    await tick(chat)  # 3 Azar: not yet
    assert await pledges_of(chat, sara) == []
    clock.now = due(AZAR) - 60
    await tick(chat)
    assert await pledges_of(chat, sara) == []
    clock.now = due(AZAR)
    await tick(chat)
    [(reference, need_id, amount, status)] = await pledges_of(chat, sara)
    urgent = await chat.store.need_by_code(needs["codes"]["t1"])  # the most urgent need
    assert (need_id, amount, status) == (urgent.id, 500_000 * TOMAN, "awaiting_payment")
    assert urgent.reserved == 500_000 * TOMAN
    news = sara.last_reply
    city = fa("monthly-scope-city", city="تهران", province="تهران")
    head = fa("monthly-pledged-notice", date=dt.date(2025, 11, 26), amount="۵۰۰٬۰۰۰ تومان",
              scope=fa("monthly-scope-any", place=city))  # fmt: skip
    assert news.text.startswith(head)
    assert needs["codes"]["t1"] in news.text
    assert reference in news.text
    assert (await hand_pledge_text(chat, reference)) in news.text  # as a hand pledge says
    assert news.buttons[0] == [fa("payment-pay-button", reference=reference)]
    assert [fa("monthly-button")] in news.buttons
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert (gift.next_period, gift.next_due_at) == (DEY, due(DEY))  # moved on to Dey
    await tick(chat)  # later the same day: nothing more
    assert len(await pledges_of(chat, sara)) == 1

    await sara.click(PAY_NOW)
    assert sara.last_invoice.invoice["total_amount"] == 500_000 * TOMAN
    checkout = await sara.pay()
    assert checkout.approved
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await assert_ledger(chat.store)
    assert_no_private_data(chat)

    admin = chat.user(user_id=900_001)
    await admin.send("/stats")
    stats = next(m.text for m in reversed(admin.replies) if m.text and "📊" in m.text)
    assert fa("stats-monthly", active=1, paused=0, raised="۵۰۰٬۰۰۰ تومان", paid=1) in stats


async def test_without_in_chat_payment_the_month_brings_the_manual_instructions(
    start_app, clock
) -> None:
    chat = await start_app(payment_card="6037-9975-9912-3453")
    provinces = await chat.store.provinces()
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    await chat.store.upsert_needs(
        [draft(tehran.cities[0], tehran, external_id=f"n{i}") for i in range(3)], now=0
    )
    sara = await donor(chat)
    await set_up(sara, "1000000", counts=(3, 3))
    clock.now = due(AZAR) + 3600
    await tick(chat)
    [(reference, _, amount, _)] = await pledges_of(chat, sara)
    assert amount == 1_000_000 * TOMAN
    assert fa("pledge-pay-card-after") in sara.last_reply.text  # the card, as by hand
    assert (await hand_pledge_text(chat, reference)) in sara.last_reply.text
    assert [fa("payment-pay-button", reference=reference)] not in sara.last_reply.buttons
    assert [fa("pledge-paid-button")] in sara.last_reply.buttons


async def test_a_gift_larger_than_any_need_finishes_the_most_urgent_one(chat, needs, clock):
    sara = await donor(chat)
    await set_up(sara, "۲۰ میلیون")  # every Tehran money need lacks 10 million or less
    clock.now = due(AZAR)
    await tick(chat)
    [(_reference, need_id, amount, _)] = await pledges_of(chat, sara)
    urgent = await chat.store.need_by_code(needs["codes"]["t1"])
    assert (need_id, amount) == (urgent.id, 10_000_000 * TOMAN)
    assert urgent.remaining == 0  # covered, never over
    assert fa("monthly-pledged-partial", amount="۱۰٬۰۰۰٬۰۰۰ تومان") in sara.last_reply.text


async def test_when_nothing_in_scope_needs_money_the_donor_is_told_and_nothing_is_pledged(
    chat, needs, clock
) -> None:
    sara = await donor(chat)
    education = f"{fa('category-icon-education')} {fa('category-education')}"
    await set_up(sara, category=education)
    clock.now = due(AZAR)
    await tick(chat)
    assert await pledges_of(chat, sara) == []
    scope = fa("monthly-scope-category", place=fa("monthly-scope-city", city="تهران",
               province="تهران"), category=fa("category-education"))  # fmt: skip
    assert sara.last_reply.text == fa("monthly-nothing-notice", date=dt.date(2025, 11, 26),
                                      scope=scope, next=dt.date(2025, 12, 26))  # fmt: skip
    assert [fa("monthly-button")] in sara.last_reply.buttons
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert gift.next_period == DEY
    assert await chat.store.monthly_run(gift.id, AZAR) == ("nothing", None)
    await tick(chat)
    told = await chat.store._fetchall(
        "SELECT count(*) FROM outbox WHERE user_id = ? AND message_id = ?",
        (sara.id, "monthly-nothing-notice"),
    )
    assert told[0][0] == 1  # once


async def test_skip_pause_resume_change_and_stop_each_ask_once(chat, needs, clock) -> None:
    sara = await donor(chat)
    await set_up(sara)
    azar5, dey5, bahman5 = dt.date(2025, 11, 26), dt.date(2025, 12, 26), dt.date(2026, 1, 25)
    # Skip: asked, then done; the 5th of Azar passes without a pledge.
    await sara.click(fa("monthly-skip-button", date=azar5))
    assert sara.last_reply.text == fa("monthly-ask-skip", date=azar5, next=dey5)
    await sara.click(fa("monthly-yes-skip"))
    assert sara.last_reply.text.startswith(fa("monthly-done-skip", date=azar5))
    assert fa("monthly-next", date=dey5) in sara.last_reply.text
    clock.now = due(AZAR) + 60
    await tick(chat)
    assert await pledges_of(chat, sara) == []
    # Pause: asked, then done; Dey's day passes without a pledge.
    await sara.click(fa("monthly-pause-button"))
    assert sara.last_reply.text == fa("monthly-ask-pause")
    await sara.click(fa("monthly-yes-pause"))
    assert sara.last_reply.text.startswith(fa("monthly-done-pause"))
    assert fa("monthly-status-paused") in sara.last_reply.text
    clock.now = due(DEY) + 60
    await tick(chat)
    assert await pledges_of(chat, sara) == []
    # Resume the day after Dey's day: the next gift is Bahman's, Dey is not made up.
    clock.advance(24 * 3600)
    await sara.click(fa("monthly-resume-button"))
    assert sara.last_reply.text == fa("monthly-ask-resume", date=bahman5)
    await sara.click(fa("monthly-yes-resume"))
    assert fa("monthly-next", date=bahman5) in sara.last_reply.text
    # Change the amount: typed, asked, done.
    await sara.click(fa("monthly-amount-button"))
    await sara.send("۲ میلیون")
    assert sara.last_reply.text == fa("monthly-confirm-amount", old="۵۰۰٬۰۰۰ تومان",
                                      amount="۲٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
    await sara.click(fa("monthly-yes-change"))
    assert sara.last_reply.text.startswith(fa("monthly-done-amount", amount="۲٬۰۰۰٬۰۰۰ تومان"))
    # Change the place: the whole province, medical needs; asked, done.
    await sara.click(fa("monthly-place-button"))
    await sara.click("تهران (۵)")
    await sara.click(fa("monthly-whole-province", province="تهران", count=5))
    await sara.click(f"{fa('category-icon-medical')} {fa('category-medical')}")
    new_scope = fa("monthly-scope-category", place=fa("monthly-scope-province",
                   province="تهران"), category=fa("category-medical"))  # fmt: skip
    assert sara.last_reply.text.startswith(fa("monthly-confirm-place", scope=new_scope,
                                              old=fa("monthly-scope-any", place=fa(
                                                  "monthly-scope-city", city="تهران",
                                                  province="تهران"))))  # fmt: skip
    await sara.click(fa("monthly-yes-change"))
    assert sara.last_reply.text.startswith(fa("monthly-done-place", scope=new_scope))
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert (gift.amount, gift.city_id, gift.category) == (2_000_000 * TOMAN, None,
                                                          NeedCategory.MEDICAL)  # fmt: skip
    clock.now = due(140411)  # Bahman's day: the new amount, to the medical need
    await tick(chat)
    [(_, need_id, amount, _)] = await pledges_of(chat, sara)
    medical = await chat.store.need_by_code(needs["codes"]["t2"])
    assert (need_id, amount) == (medical.id, 2_000_000 * TOMAN)
    runs = await chat.store._fetchall(
        "SELECT period, outcome FROM monthly_runs WHERE gift_id = ? ORDER BY period", (gift.id,)
    )
    assert runs == [(AZAR, "skipped"), (140411, "pledged")]
    # Stop: asked, done; the donor menu shows again, and no more gifts.
    await sara.click(fa("monthly-button"))
    await sara.click(fa("monthly-stop-button"))
    assert sara.last_reply.text == fa("monthly-ask-stop")
    await sara.click(fa("monthly-yes-stop"))
    assert sara.last_reply.text.startswith(fa("monthly-done-stop"))
    assert await chat.store.monthly_of_donor("telegram", sara.id) is None
    clock.now = due(140412) + 60
    await tick(chat)
    assert len(await pledges_of(chat, sara)) == 1
    await sara.click(fa("monthly-button"))  # and it can be set up again
    assert sara.last_reply.text == fa("monthly-intro")


async def test_an_older_button_is_answered_as_stale_and_changes_nothing(chat, needs) -> None:
    sara = await donor(chat)
    await set_up(sara)
    manage = sara.last_reply
    await sara.click(fa("monthly-pause-button"))
    old_yes = sara.last_reply.button_data(fa("monthly-yes-pause"))
    await sara.click(fa("monthly-yes-pause"))
    # The old manage screen's skip, and the pause confirmation pressed again.
    skip = manage.button_data(fa("monthly-skip-button", date=dt.date(2025, 11, 26)))
    for data in (skip, old_yes, callbacks.mk_do("stop", 99, 1)):
        await sara.click_data(data)
        assert sara.last_answer == fa("monthly-stale")
        assert sara.last_reply.text.startswith(fa("monthly-stale"))
        assert fa("monthly-status-paused") in sara.last_reply.text
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert gift.status is MonthlyStatus.PAUSED
    assert gift.next_period == AZAR
    # Someone else's gift cannot be touched with a forged button.
    other = await donor(chat)
    await other.click_data(callbacks.mk_do("stop", gift.id, gift.version))
    assert other.last_answer == fa("monthly-stale")
    assert (await chat.store.monthly_of_donor("telegram", sara.id)).status is MonthlyStatus.PAUSED
    # A forged city below K (the small town) is not accepted as a place.
    town = Button.MK_CHOSEN_PLACE(NewGift(5_000_000), Place.city(needs["town"].id))
    await other.click_data(town)
    assert other.last_answer == fa("monthly-stale")
    assert_no_private_data(chat, [needs["town"].name_fa, needs["town"].name_en])


async def test_a_paid_pledge_thanks_offers_monthly_kindness(chat, needs) -> None:
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "1000000")
    await sara.click(PAY_NOW)
    await sara.pay()
    await deliver_outbox(HamdeliContext(chat.application))
    assert reference in sara.last_reply.text
    await sara.click(fa("monthly-give-monthly-button"))
    assert sara.last_reply.text == fa("monthly-intro")


async def test_monthly_kindness_across_a_restart_on_its_due_day(start_app, chat, needs, clock):
    """The bot pledged on the day, then restarted the same day: no second pledge. And a
    bot that was down when the day came pledges once at its first tick after the start."""
    sara, omid = await donor(chat), await donor(chat)
    await set_up(sara)
    await set_up(omid, "۳۰۰ هزار", day="۶")
    clock.now = due(AZAR) + 10
    await tick(chat)
    assert len(await pledges_of(chat, sara)) == 1
    await chat.application.shutdown()  # the bot restarts on the due day
    clock.now = due(AZAR, 6) + 3600  # and on Omid's day too, which came while it was down
    second = await start_app(emulator=chat.emulator, payment_provider_token=TELEGRAM_TOKEN)
    await app_module.on_start(second.application)  # as run_polling does, then start
    await second.application.start()
    try:
        for _ in range(100):  # the clock's first tick comes two seconds after start
            if await pledges_of(second, omid):
                break
            await asyncio.sleep(0.05)
        await tick(second)  # and another tick, for good measure
    finally:
        await second.application.stop()
        await app_module.on_stop(second.application)
    assert len(await pledges_of(second, sara)) == 1
    assert len(await pledges_of(second, omid)) == 1
    notices = await second.store._fetchall(
        "SELECT user_id, count(*) FROM outbox WHERE message_id = 'monthly-pledged-notice' "
        "GROUP BY 1 ORDER BY 1"
    )
    assert notices == [(sara.id, 1), (omid.id, 1)]
    for person in (sara, omid):
        gift = await second.store.monthly_of_donor("telegram", person.id)
        assert gift.next_period == DEY


async def test_two_runs_at_once_pledge_once(chat, needs, clock) -> None:
    """Two processes' clocks on the same store at the same moment: one pledge, one notice."""
    sara = await donor(chat)
    await set_up(sara)
    clock.now = due(AZAR)
    rules = PledgeRules.from_settings(chat.application.services.settings)
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    results = await asyncio.gather(
        *(monthly.give(chat.store, gift, int(clock.now), rules, TEHRAN) for _ in range(5))
    )
    assert len([r for r in results if r is not None]) == 1
    assert len(await pledges_of(chat, sara)) == 1
    need = await chat.store.need_by_code(needs["codes"]["t1"])
    assert need.reserved == 500_000 * TOMAN


def test_jalali_months_roll_over_the_year_and_keep_the_day() -> None:
    assert monthly.following(140412) == 140501
    assert monthly.following(140409) == 140410
    esfand = monthly.due_at(140412, 28, TEHRAN)  # Esfand 1404 (a common year) has a 28th
    assert dt.datetime.fromtimestamp(esfand, TEHRAN).isoformat() == "2026-03-19T09:00:00+03:30"
    now = monthly.due_at(AZAR, 3, TEHRAN)  # 3 Azar, 09:00
    assert monthly.first_month(3, now, TEHRAN) == (AZAR, now)  # today counts
    assert monthly.first_month(2, now, TEHRAN)[0] == DEY  # yesterday: next month
    assert monthly.first_month(3, now, TEHRAN, not_before=DEY)[0] == DEY


async def test_a_donor_who_blocked_the_bot_holds_no_share_that_month(chat, needs, clock):
    sara = await donor(chat)
    await set_up(sara)
    await chat.store.mark_blocked("telegram", sara.id)
    clock.now = due(AZAR)
    await tick(chat)
    assert await pledges_of(chat, sara) == []
    assert (await chat.store.need_by_code(needs["codes"]["t1"])).reserved == 0
    gift = await chat.store.monthly_of_donor("telegram", sara.id)
    assert await chat.store.monthly_run(gift.id, AZAR) == ("skipped", None)
    assert gift.next_period == DEY


async def test_forget_ends_the_monthly_gift_and_keeps_its_pledges(chat, needs, clock) -> None:
    sara = await donor(chat)
    await set_up(sara)
    clock.now = due(AZAR)
    await tick(chat)
    [(reference, *_)] = await pledges_of(chat, sara)
    await sara.send("/forget")
    await sara.click(fa("forget-donor-yes"))
    assert await chat.store.monthly_of_donor("telegram", sara.id) is None
    [(donor_id, status)] = await chat.store._fetchall("SELECT donor_id, status FROM monthly_gifts")
    assert (donor_id, status) == (-1, "stopped")
    assert (await chat.store.pledge(reference)).donor_id == -1
    clock.now = due(DEY)
    await tick(chat)
    assert len(await chat.store._fetchall("SELECT id FROM pledges")) == 1


async def test_a_chosen_city_now_below_k_is_not_named_with_its_need(chat, needs, clock) -> None:
    sara = await donor(chat)
    await set_up(sara)  # Tehran city had 4 open needs
    for external_id in ("t2", "t3"):  # now 2, below K = 3
        need = await chat.store.need_by_code(needs["codes"][external_id])
        await chat.store.set_need_status(need.id, NeedStatus.CLOSED, 0)
    clock.now = due(AZAR)
    await tick(chat)
    assert len(await pledges_of(chat, sara)) == 1
    province = fa("monthly-scope-any", place=fa("monthly-scope-province", province="تهران"))
    assert province in sara.last_reply.text
    assert fa("monthly-scope-city", city="تهران", province="تهران") not in sara.last_reply.text
    assert fa("need-place", place=fa("card-place-province", province="تهران")) in (
        sara.last_reply.text
    )


async def test_one_tick_gives_every_due_gift_once_and_a_long_outage_one_month_a_tick(
    chat, needs, clock, monkeypatch
) -> None:
    monkeypatch.setattr(monthly, "DUE_BATCH", 2)  # three donors: two batches in one tick
    donors = [await donor(chat) for _ in range(3)]
    for person in donors:
        await set_up(person, "۱۰۰ هزار")
    clock.now = due(DEY) + 60  # the bot was down through Azar's and Dey's days
    await tick(chat)
    assert [len(await pledges_of(chat, person)) for person in donors] == [1, 1, 1]  # Azar's
    await tick(chat)
    assert [len(await pledges_of(chat, person)) for person in donors] == [2, 2, 2]  # Dey's
    await tick(chat)
    assert [len(await pledges_of(chat, person)) for person in donors] == [2, 2, 2]
    gift = await chat.store.monthly_of_donor("telegram", donors[0].id)
    assert gift.next_period == 140411
