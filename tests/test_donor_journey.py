"""A donor's journey through the real Application: browse, open a need, pledge, manage."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re

import pytest
from telegram import Update

from bot import app as app_module
from bot import callbacks
from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.handlers import donor as donor_handlers
from bot.i18n import translator
from bot.models import Beneficiary, NeedCategory, NeedDraft, NeedKind, NeedStatus
from bot.text import national_code_check_digit

fa, en = translator("fa"), translator("en")
TOMAN = 10
# A pledge's deadline is an exact moment: 48 hours after the test clock's 19:30 on
# 3 Azar 1404 in Tehran.
UNTIL_48H = {"date": dt.date(2025, 11, 26), "time": "۱۹:۳۰"}
# The households behind the needs, with distinctive names and phones: no outgoing text or
# button in any donor test may ever carry them (checked after every test, see `needs`).
PRIVATE_NAMES = ["Zarrindokht Privatename", "Khorshid Secretfamily", "Golbahar Hiddenhome"]
PRIVATE_PHONES = ["+989121110001", "+989121110002", "+989121110003"]
PRIVATE_CODES = [
    nine + str(national_code_check_digit(nine)) for nine in ("001234567", "002345678", "003456789")
]


def draft(city, province, **fields) -> NeedDraft:
    values = {
        "city_id": city.id,
        "province_id": province.id,
        "category": NeedCategory.DOWRY,
        "kind": NeedKind.MONEY,
        "target": 10_000_000 * TOMAN,
        "description_fa": "یک سرویس جهیزیه برای یک زوج جوان",
        "description_en": "A dowry set for a young couple",
        "beneficiary_national_code": PRIVATE_CODES[0],
    }
    values.update(fields)
    return NeedDraft(**values)


@pytest.fixture
async def needs(chat):
    """Tehran city has 4 open needs (named); a small Tehran town has 1 (never named)."""
    provinces = await chat.store.provinces()
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    capital, town = tehran.cities[0], tehran.cities[1]
    deadline = dt.date(2031, 1, 1)
    drafts = [
        draft(capital, tehran, external_id="t1", urgent=True, deadline=deadline),
        draft(
            capital,
            tehran,
            external_id="t2",
            category=NeedCategory.MEDICAL,
            beneficiary_national_code=PRIVATE_CODES[1],
        ),
        draft(
            capital,
            tehran,
            external_id="t3",
            kind=NeedKind.ITEMS,
            target=3,
            item_name="چرخ خیاطی",
            category=NeedCategory.WORK_TOOLS,
        ),
        draft(capital, tehran, external_id="t4", target=1_000_000 * TOMAN),
        draft(town, tehran, external_id="s1", beneficiary_national_code=PRIVATE_CODES[2]),
    ]
    await chat.store.upsert_beneficiaries(
        [Beneficiary(code, name, phone, tehran.id, town.id, 5, 1)
         for code, name, phone in zip(PRIVATE_CODES, PRIVATE_NAMES, PRIVATE_PHONES, strict=True)],
        now=0,
    )  # fmt: skip
    await chat.store.upsert_needs(drafts, now=int(chat.application.services.clock()))
    codes = {
        row[0]: row[1] for row in await chat.store._fetchall("SELECT external_id, code FROM needs")
    }
    yield {"tehran": tehran, "capital": capital, "town": town, "codes": codes}
    assert_no_private_data(chat)


async def run_clocks(context: HamdeliContext) -> None:
    """One tick of the pledge clock, then the outbox delivers what it queued."""
    await donor_handlers.pledge_clock(context)
    await deliver_outbox(context)


def assert_no_private_data(chat, town_names=()) -> None:
    """No outgoing text or button ever carries a national code or an unnamed town."""
    sent = json.dumps([call.params for call in chat.emulator.calls], ensure_ascii=False)
    for secret in (
        *PRIVATE_CODES,
        *PRIVATE_NAMES,
        *PRIVATE_PHONES,
        *(p[3:] for p in PRIVATE_PHONES),
    ):
        assert secret not in sent
    for name in town_names:
        assert name not in sent


def help_label(screen, code: str) -> str:
    """The label of the help button for need `code` on a screen (it names the need)."""
    data = callbacks.help_need(code)
    return next(b["text"] for row in screen.button_rows for b in row if b["callback_data"] == data)


async def open_help(person, code: str) -> None:
    """Type a need's code and press its Help button: the amount question follows."""
    await person.send(code)
    await person.click(help_label(person.last_reply, code))


async def pledge_on(person, code: str, typed: str) -> str:
    """Pledge by typing an amount and confirming; returns the pledge reference."""
    await open_help(person, code)
    await person.send(typed)
    await person.click(fa("pledge-confirm-button"))
    return re.search(r"P-[2-9A-HJ-NP-Z]{6}", person.last_reply.text).group(0)


async def donor(chat, lang="fa"):
    person = chat.user(lang=lang)
    await person.send("/start")
    await person.click((fa if lang == "fa" else en)("role-donor-button"))
    return person


async def test_browsing_names_big_cities_and_hides_small_ones(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    assert fa("browse-place-count", place="تهران", count=5) in sara.last_reply.buttons[0]
    await sara.click("تهران (۵)")
    labels = [label for row in sara.last_reply.buttons for label in row]
    assert fa("browse-place-count", place="تهران", count=4) in labels
    assert fa("browse-other-cities", province="تهران", count=1) in labels
    assert_no_private_data(chat, [needs["town"].name_fa, needs["town"].name_en])


async def test_a_city_page_shows_cards_urgent_first_with_help_buttons(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click("تهران (۵)")
    await sara.click(fa("browse-place-count", place="تهران", count=4))
    page = sara.last_reply
    urgent = needs["codes"]["t1"]
    assert page.text.index(urgent) < page.text.index(needs["codes"]["t2"])
    # The buttons name the need; the two dowry cards are told apart by their numbers.
    assert page.buttons[0] == [fa("card-help-button-numbered", number=1, name="جهیزیه")]
    assert "\u200f░░░░░░░░░░ ۰٪" in page.text
    amounts = fa("card-amounts", paid_mark="▓", paid="۰ تومان", promised_mark="▒",
                 promised="۰ تومان", open_mark="░", remaining="۱۰٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
    assert "\u200f" + amounts in page.text
    assert_no_private_data(chat)


async def test_the_unnamed_town_is_shown_under_its_province_only(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click("تهران (۵)")
    await sara.click(fa("browse-other-cities", province="تهران", count=1))
    assert needs["codes"]["s1"] in sara.last_reply.text
    assert_no_private_data(chat, [needs["town"].name_fa, needs["town"].name_en])


async def test_typing_a_code_or_opening_a_shared_link_shows_the_need(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await sara.send(code.lower())
    assert code in sara.last_reply.text
    assert f"?start=need_{code}" in sara.last_reply.text
    await sara.send(f"/start need_{needs['codes']['s1']}")
    assert fa("need-place", place="استان تهران") in sara.last_reply.text  # the town is hidden
    await sara.send("/start need_ZZZZZZ")
    assert sara.last_reply.text.startswith(fa("need-not-found"))


async def test_pledging_by_typing_persian_digits_then_seeing_and_cancelling_it(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    assert fa("pledge-whole-remaining", amount="۱۰٬۰۰۰٬۰۰۰ تومان") in sara.last_reply.buttons[0]
    await sara.send("۲ میلیون")
    assert fa("pledge-confirm", code=code, amount="۲٬۰۰۰٬۰۰۰ تومان", **UNTIL_48H) == (
        sara.last_reply.text
    )
    await sara.click(fa("pledge-confirm-button"))
    done = sara.last_reply.text
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", done).group(0)
    assert done.startswith(fa("pledge-done", reference=reference, amount="۲٬۰۰۰٬۰۰۰ تومان"))
    need = await chat.store.need_by_code(code)
    assert need.reserved == 2_000_000 * TOMAN
    await sara.click(fa("button-my-pledges"))
    assert code in sara.last_reply.text
    assert fa("pledge-status-awaiting_payment") in sara.last_reply.text
    assert reference in sara.last_reply.text
    await sara.click(fa("my-pledge-cancel-button", reference=reference))
    await sara.click(fa("pledge-cancel-yes"))
    assert (await chat.store.need_by_code(code)).reserved == 0
    assert fa("pledge-status-cancelled") in sara.last_reply.text
    assert_no_private_data(chat)


async def test_a_confirmation_delivered_twice_creates_one_pledge(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    await sara.send("۱ میلیون")
    confirm = sara.last_reply
    data = confirm.button_data(fa("pledge-confirm-button"))
    await sara.click(fa("pledge-confirm-button"))
    await sara.click_data(data, message_id=confirm.message_id)  # redelivered after a crash
    assert (await chat.store._fetchall("SELECT count(*) FROM pledges"))[0][0] == 1
    assert (await chat.store.need_by_code(code)).reserved == 1_000_000 * TOMAN


async def test_a_second_donor_cannot_exceed_the_target(chat, needs) -> None:
    code = needs["codes"]["t4"]
    first, second = await donor(chat), await donor(chat)
    for person in (first, second):
        await person.send(code)
        await person.click(help_label(person.last_reply, code))
    await first.send("1000000")
    await second.send("۱۰۰۰۰۰۰")
    await first.click(fa("pledge-confirm-button"))
    await second.click(fa("pledge-confirm-button"))
    assert second.last_answer == fa("pledge-need-unavailable")
    need = await chat.store.need_by_code(code)
    assert need.reserved == need.target


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("دو میلیون", "input-money-words"),
        ("-5", None),
        ("0", "input-money-not-positive"),
        ("1" + "0" * 30, "input-money-too-large"),
        ("🎁", "input-money-no-digits"),
        ("50000", "pledge-below-minimum"),
        ("20 میلیون", "pledge-above-remaining"),
    ],
)
async def test_bad_amounts_get_an_explanation_and_a_second_chance(chat, needs, typed, message):
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    await sara.send(typed)
    assert fa("pledge-confirm-button") not in str(sara.last_reply.buttons)
    if message == "pledge-below-minimum":
        assert sara.last_reply.text == fa(message, minimum="۱۰۰٬۰۰۰ تومان")
    elif message == "pledge-above-remaining":
        assert sara.last_reply.text == fa(message, remaining="۱۰٬۰۰۰٬۰۰۰ تومان")
    await sara.send("۳۰۰ هزار")
    assert fa("pledge-confirm-button") in str(sara.last_reply.buttons)


async def test_a_photo_while_asked_for_an_amount_gets_a_hint(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    await sara.send_photo()
    assert sara.last_reply.text == fa("pledge-not-understood")


async def test_a_menu_button_while_asked_for_an_amount_leaves_the_flow(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    await sara.send("/menu")
    assert sara.last_reply.text == fa("donor-home")
    await sara.send("2000000")  # no longer an amount
    assert sara.last_reply.text.startswith(fa("unknown-text"))


async def test_the_amount_flow_survives_a_crash(start_app, needs, chat) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    # No shutdown: the process just dies. A new one starts on the same database.
    second = await start_app(emulator=chat.emulator)
    again = second.user(user_id=sara.id)
    await again.send("۵۰۰ هزار")
    assert fa("pledge-confirm", code=code, amount="۵۰۰٬۰۰۰ تومان", **UNTIL_48H) == (
        again.last_reply.text
    )


@pytest.mark.parametrize(
    "data",
    [
        "d:c:999999:all:0",
        "d:pv:999",
        "d:n:ZZZZZZ",
        "d:h:ZZZZZZ",
        "d:x:P-ZZZZZZ",
        "d:X:P-ZZZZZZ",
        "d:r:P-ZZZZZZ",
    ],
)
async def test_stale_or_forged_donor_buttons_change_nothing(chat, needs, data) -> None:
    sara = await donor(chat)
    before = await chat.store._fetchall("SELECT reserved, status FROM needs ORDER BY id")
    await sara.click_data(data)
    assert sara.last_answer is not None
    assert await chat.store._fetchall("SELECT reserved, status FROM needs ORDER BY id") == before


async def test_a_page_out_of_range_shows_the_last_real_page(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click_data(f"d:c:{needs['capital'].id}:all:7")
    assert sara.last_answer == fa("button-expired")
    assert fa("browse-page-header", place="تهران", page=1, pages=1) in sara.last_reply.text


async def test_privacy_note_is_one_tap_away(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-privacy"))
    assert sara.last_reply.text == fa("privacy")
    await sara.send("/privacy")
    assert sara.last_reply.text == fa("privacy")


async def test_the_pledge_clock_reminds_at_half_time_then_expires_once(chat, needs, clock):
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await pledge_on(sara, code, "۱ میلیون")
    tick = HamdeliContext(chat.application)

    clock.advance(23 * 3600)
    await run_clocks(tick)
    assert not sara.last_reply.text.startswith("⏰")
    clock.advance(2 * 3600)  # past half of 48 hours
    await run_clocks(tick)
    assert sara.last_reply.text.startswith("⏰")
    await run_clocks(tick)  # nothing new: reminded once
    assert len([m for m in sara.replies if m.text.startswith("⏰")]) == 1

    clock.advance(24 * 3600)
    await run_clocks(tick)
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", sara.last_reply.text).group(0)
    assert sara.last_reply.text == fa(
        "pledge-expired-notice", reference=reference, amount="۱٬۰۰۰٬۰۰۰ تومان", code=code
    )
    assert (await chat.store.need_by_code(code)).reserved == 0
    await run_clocks(tick)
    assert len([m for m in sara.replies if reference in m.text]) == 3  # done, reminder, expiry


async def test_200_donors_confirming_at_once_never_over_pledge(chat, needs) -> None:
    code = needs["codes"]["t4"]  # 1,000,000 toman: room for 10 pledges of 100,000
    people = [chat.user() for _ in range(200)]
    confirms = []
    for person in people:
        await person.send(code)
        await person.click(help_label(person.last_reply, code))
        await person.send("۱۰۰ هزار")
        confirms.append(person.last_reply)
    application, emulator = chat.application, chat.emulator

    async def press(person, message) -> None:
        data = emulator.make_callback_update(
            person.info, message, message.button_data(fa("pledge-confirm-button"))
        )
        await application.process_update(Update.de_json(data, application.bot))

    await asyncio.gather(*(press(p, m) for p, m in zip(people, confirms, strict=True)))
    need = await chat.store.need_by_code(code)
    assert need.reserved == need.target
    pledged = await chat.store._fetchall("SELECT count(*) FROM pledges")
    assert pledged[0][0] == 10
    answers = [p.last_answer for p in people]
    assert answers.count(fa("error-generic")) == 0
    assert sum(a == fa("pledge-need-unavailable") for a in answers) == 190


async def test_a_need_closed_while_confirming_gets_a_polite_answer(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    await sara.send("۱ میلیون")
    need = await chat.store.need_by_code(code)
    await chat.store.set_need_status(need.id, NeedStatus.CLOSED, 0)
    await sara.click(fa("pledge-confirm-button"))
    assert sara.last_answer == fa("pledge-need-unavailable")
    assert (await chat.store.need_by_code(code)).reserved == 0


async def test_ive_paid_stops_expiry_and_takes_an_optional_receipt_photo(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference = await pledge_on(sara, code, "۱ میلیون")
    await sara.click(fa("pledge-paid-button"))
    assert sara.last_reply.text.startswith(fa("pledge-reported"))
    await sara.send("here it is")  # neither a tracking number nor a receipt
    assert sara.last_reply.text == fa("receipt-tracking-invalid")
    await sara.send_photo()
    assert sara.last_reply.text.startswith(fa("pledge-receipt-saved", reference=reference))
    assert fa("pledge-status-payment_reported") in sara.last_reply.text
    rows = await chat.store._fetchall(
        "SELECT status, receipt_file_id, expires_at FROM pledges WHERE reference = ?",
        (reference,),
    )
    status, receipt, expires_at = rows[0]
    assert status == "payment_reported"
    assert receipt
    assert expires_at is None


async def test_the_receipt_is_optional(chat, needs) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t4"]
    await pledge_on(sara, code, "۱۰۰ هزار")
    await sara.click(fa("pledge-paid-button"))
    await sara.click(fa("pledge-receipt-skip"))
    assert fa("pledge-status-payment_reported") in sara.last_reply.text
    await sara.send("okay")  # the flow is over: ordinary text again
    assert sara.last_reply.text.startswith(fa("unknown-text"))


async def test_an_old_button_for_a_small_town_never_names_it(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click_data(f"d:c:{needs['town'].id}:all:0")
    assert needs["codes"]["s1"] in sara.last_reply.text
    assert_no_private_data(chat, [needs["town"].name_fa, needs["town"].name_en])


async def test_a_city_with_nothing_left_offers_its_province(chat, needs) -> None:
    # Changed by issue #9: the empty city is no longer named, because naming only empty
    # cities told a prober which unnamed town held the hidden need.
    sara = await donor(chat)
    empty_city = needs["tehran"].cities[2]
    await sara.click_data(f"d:c:{empty_city.id}:all:0")
    assert sara.last_reply.text.startswith(fa("browse-place-stale", province="تهران"))
    assert needs["codes"]["s1"] in sara.last_reply.text
    assert_no_private_data(chat, [empty_city.name_fa, empty_city.name_en])


@pytest.mark.parametrize("typed", ["۲", "2", "٢"])
async def test_item_quantities_can_be_typed_in_any_digits(chat, needs, typed) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t3"]  # 3 sewing machines
    await open_help(sara, code)
    await sara.send(typed)
    assert fa("pledge-confirm-button") in str(sara.last_reply.buttons)


@pytest.mark.parametrize("typed", ["9" * 5000, "²", "many", "-1", "0"])
async def test_bad_quantities_get_an_explanation(chat, needs, typed) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t3"]
    await open_help(sara, code)
    await sara.send(typed)
    assert fa("pledge-confirm-button") not in str(sara.last_reply.buttons)
    assert sara.last_reply.text != fa("error-generic")


def chip(category: str, count: int) -> str:
    return fa("category-chip", icon=fa(f"category-icon-{category}"),
              name=fa(f"category-{category}"), count=count)  # fmt: skip


async def test_category_chips_show_counts_and_filter_the_page(chat, needs) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click("تهران (۵)")
    await sara.click(fa("browse-place-count", place="تهران", count=4))
    await sara.click(fa("button-filter"))
    labels = [label for row in sara.last_reply.buttons for label in row]
    assert fa("category-all", count=4) in labels
    assert {chip("dowry", 2), chip("medical", 1), chip("work_tools", 1)} <= set(labels)
    await sara.click(chip("medical", 1))
    page = sara.last_reply.text
    assert needs["codes"]["t2"] in page
    assert needs["codes"]["t1"] not in page


async def test_paging_edits_the_same_message_instead_of_sending_new_ones(chat, needs) -> None:
    provinces = await chat.store.provinces()
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    await chat.store.upsert_needs(
        [draft(needs["capital"], tehran, external_id=f"more{i}") for i in range(4)],
        now=int(chat.application.services.clock()),
    )  # eight in the city: two pages of five
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click("تهران (۹)")
    await sara.click(fa("browse-place-count", place="تهران", count=8))
    first = sara.last_reply
    messages = len(sara.replies)
    await sara.click(fa("button-next"))
    assert len(sara.replies) == messages
    assert sara.last_reply.message_id == first.message_id
    assert sara.last_reply.edited
    assert sara.last_reply.text != first.text


async def test_a_restart_processes_what_fell_due_while_the_bot_was_down(
    start_app, chat, needs, clock
) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference = await pledge_on(sara, code, "۱ میلیون")
    await chat.application.shutdown()  # the bot is down for three days
    clock.advance(72 * 3600)
    second = await start_app(emulator=chat.emulator)
    await app_module.on_start(second.application)  # as run_polling does, then start
    await second.application.start()
    try:
        expired = fa("pledge-expired-notice", reference=reference, amount="۱٬۰۰۰٬۰۰۰ تومان",
                     code=code)  # fmt: skip
        for _ in range(100):  # the clock's first tick comes a second after start
            if expired in [m.text for m in sara.replies]:
                break
            await asyncio.sleep(0.05)
        assert expired in [m.text for m in sara.replies]
        assert (await second.store.need_by_code(code)).reserved == 0
    finally:
        await second.application.stop()
        await app_module.on_stop(second.application)


async def test_a_pledge_reference_that_is_taken_is_drawn_again(chat, needs, monkeypatch):
    """A collision of the random reference is retried: the donor never sees an error."""
    first = await pledge_on(chat.user(), needs["codes"]["t1"], "1000000")
    drawn = iter([first.removeprefix("P-"), "ZZZZZZ"])
    monkeypatch.setattr("bot.codes.random_code", lambda length=6: next(drawn))
    second_donor = chat.user()
    second = await pledge_on(second_donor, needs["codes"]["t2"], "1000000")
    assert second == "P-ZZZZZZ"
    assert next(drawn, None) is None  # the taken reference was really drawn first
    pledges = await chat.store._fetchall("SELECT reference, amount FROM pledges ORDER BY id")
    assert pledges == [(first, 10_000_000), ("P-ZZZZZZ", 10_000_000)]
    need = await chat.store.need_by_code(needs["codes"]["t2"])
    assert need.reserved == 10_000_000  # the rolled-back attempt reserved nothing


# -- flows left open expire (FLOW_IDLE_MINUTES) -----------------------------------------------


async def test_an_amount_question_left_for_weeks_does_not_swallow_a_need_code(
    start_app, chat, needs, clock
) -> None:
    sara = await donor(chat)
    await open_help(sara, needs["codes"]["t2"])
    clock.advance(59 * 60)  # within the hour the question still waits
    await sara.send_photo()
    assert sara.last_reply.text == fa("pledge-not-understood")
    clock.advance(3 * 7 * 24 * 3600)  # three weeks later, after a restart
    restarted = await start_app(emulator=chat.emulator)
    again = restarted.user(user_id=sara.id)
    code = needs["codes"]["t4"]
    await again.send(code)
    assert code in again.last_reply.text  # the need's card, not "that is not an amount"
    assert help_label(again.last_reply, code)
    await again.send("۳۰۰ هزار")  # the old question is over
    assert again.last_reply.text.startswith(fa("unknown-text"))


async def test_an_expired_flow_answers_what_was_typed_as_anywhere_else(
    start_app, chat, needs, clock
) -> None:
    short = await start_app(emulator=chat.emulator, flow_idle_minutes=5)
    sara, fresh = short.user(), short.user()
    for person in (sara, fresh):
        await person.send("/start")
        await person.click(fa("role-donor-button"))
    await open_help(sara, needs["codes"]["t2"])
    clock.advance(5 * 60 + 1)
    await sara.send("سلام")
    await fresh.send("سلام")
    assert sara.last_reply.text == fresh.last_reply.text  # no word about the old flow
    assert sara.last_reply.buttons == fresh.last_reply.buttons
    assert await short.store.flow_data("telegram", sara.id) is None


async def test_a_receipt_photo_sent_later_attaches_to_the_pending_pledge(chat, needs) -> None:
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    await sara.send("/menu")
    await sara.send_photo()  # outside any flow, long after the pledge
    assert sara.last_reply.text.startswith(fa("pledge-receipt-saved", reference=reference))
    pledge = await chat.store.pledge(reference)
    assert pledge.receipt_file_id
    assert pledge.expires_at is None
    assert fa("my-pledge-receipt-button", reference=reference) in str(sara.last_reply.buttons)


async def test_a_typed_tracking_number_in_persian_digits_attaches(chat, needs) -> None:
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    await sara.click(fa("button-my-pledges"))
    await sara.click(fa("my-pledge-receipt-button", reference=reference))
    await sara.send("۱۲۳")  # too short for a bank tracking number
    assert sara.last_reply.text == fa("receipt-tracking-invalid")
    await sara.send("۱۲۳۴-۵۶۷۸")
    assert (await chat.store.pledge(reference)).donor_tracking == "12345678"


async def test_the_deadline_and_card_details_are_exact(start_app, chat, needs) -> None:
    chat = await start_app(
        payment_card="6037 9911 2222 3333", payment_card_holder="Hamdeli Charity",
        payment_bank="Bank Melli",
    )  # fmt: skip
    sara = await donor(chat)
    await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    text = sara.last_reply.text
    for shown in ("۶۰۳۷۹۹۱۱۲۲۲۲۳۳۳۳", "Hamdeli Charity", "Bank Melli"):
        assert shown in text
    assert "۱۹:۳۰" in text
    assert fa("pledge-pay-card-after") in text


async def test_with_no_way_to_pay_the_donor_is_pointed_to_support(chat, needs) -> None:
    sara = await donor(chat)
    await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    assert fa("pledge-no-way-to-pay") in sara.last_reply.text
    assert fa("button-support") in str(sara.last_reply.buttons)
