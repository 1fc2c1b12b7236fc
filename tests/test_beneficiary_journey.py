"""A beneficiary proves who they are once, then sees their household's kalabarg."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain import pledges
from bot.domain.notices import NEED_NEWS, voucher_notices
from bot.handlers import beneficiary as beneficiary_handlers
from bot.i18n import translator
from bot.models import (
    Beneficiary,
    Need,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    Voucher,
    VoucherStatus,
)
from bot.text import national_code_check_digit
from bot.views import beneficiary as beneficiary_views
from bot.views.beneficiary import aid_progress
from tests.conftest import another_process

fa, en = translator("fa"), translator("en")
CODE = "001234567" + str(national_code_check_digit("001234567"))
OTHER_CODE = "002345678" + str(national_code_check_digit("002345678"))
PHONE = "+989121234567"
PERSIAN_CODE = CODE.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


@pytest.fixture
async def household(chat):
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    city = province.cities[0]
    homes = [
        Beneficiary(CODE, "Maryam Ahmadi-Test", PHONE, province.id, city.id, 4, 2),
        Beneficiary(OTHER_CODE, "Other Family-Test", "+989351112233", province.id, city.id, 3, 1),
    ]
    await chat.store.upsert_beneficiaries(homes, now=0)
    await chat.store.upsert_vouchers(
        [
            Voucher(CODE, 1, 5_000_000, 20_000_000, VoucherStatus.EXPIRED,
                    dt.date(2025, 9, 1), dt.date(2025, 10, 1)),
            Voucher(CODE, 2, 5_000_000, 20_000_000, VoucherStatus.CHARGED,
                    dt.date(2025, 11, 20), dt.date(2031, 1, 1)),
            Voucher(OTHER_CODE, 2, 5_000_000, 15_000_000, VoucherStatus.CHARGED,
                    dt.date(2025, 11, 20), dt.date(2031, 1, 1)),  # amounts in rials
        ],
        now=0,
    )  # fmt: skip


async def beneficiary(chat, **kwargs):
    person = chat.user(**kwargs)
    await person.send("/start")
    await person.click(fa("role-beneficiary-button"))
    return person


async def test_the_right_person_verifies_and_sees_the_tranche_in_jalali(chat, household):
    maryam = await beneficiary(chat)
    assert maryam.last_reply.text == fa("verify-why")
    await maryam.click(fa("verify-share-contact-button"))  # shares her own contact
    assert maryam.last_reply.text == fa("verify-ask-national-code")
    await maryam.send(PERSIAN_CODE)
    status = maryam.last_reply.text
    assert fa("status-household", last3=PERSIAN_CODE[-3:], size=4, decile=2) in status
    assert fa("status-voucher", tranche=2, status=fa("voucher-status-charged")) in status
    assert fa("status-credit", per_person="۵۰۰٬۰۰۰ تومان", total="۲٬۰۰۰٬۰۰۰ تومان") in status
    assert "\u200f" not in CODE
    assert CODE not in status
    assert "Maryam" not in status
    assert await chat.store.beneficiary_link("telegram", maryam.id) == CODE
    assert await chat.store.flow_data("telegram", maryam.id) is None  # the phone is not kept
    await maryam.click(fa("button-history"))
    assert fa("history-title") in maryam.last_reply.text


async def test_once_linked_my_status_goes_straight_to_the_status(chat, household) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    await maryam.send("/start")
    await maryam.click(fa("role-beneficiary-button"))
    assert maryam.last_reply.text.startswith(fa("status-title"))


async def test_someone_elses_contact_is_refused_with_the_reason(chat, household) -> None:
    sara = await beneficiary(chat)
    await sara.share_contact(PHONE, user_id=99)
    assert sara.last_reply.text == fa("verify-contact-not-yours")
    await sara.share_contact(PHONE, forwarded=True)
    assert sara.last_reply.text == fa("verify-contact-forwarded")


async def test_text_where_a_contact_was_expected_explains_the_button(chat, household) -> None:
    sara = await beneficiary(chat)
    await sara.send("09121234567")
    assert sara.last_reply.text == fa("verify-contact-expected")
    await sara.send_sticker()
    assert sara.last_reply.text == fa("verify-contact-expected")
    await sara.click(fa("verify-cancel-button"))
    assert fa("verify-cancelled") in [m.text for m in sara.replies]


WRONG_CHECK_DIGIT = CODE[:-1] + str((int(CODE[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "typed", ["123456780", "12345678901", "abcdefghij", "۱۲۳", WRONG_CHECK_DIGIT]
)
async def test_malformed_codes_are_explained_and_not_counted(chat, household, typed) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(typed)
    assert maryam.last_reply.text != fa("error-generic")
    assert await chat.store.verification_failures("telegram", maryam.id, since=0) == []


async def test_the_same_answer_whether_or_not_the_code_exists(chat, household) -> None:
    stranger = await beneficiary(chat)
    await stranger.click(fa("verify-share-contact-button"))  # +989121234567, not theirs on file
    await stranger.send(OTHER_CODE)  # exists, other phone
    exists = stranger.last_reply.text
    unknown = "003456789" + str(national_code_check_digit("003456789"))
    await stranger.click(fa("verify-share-contact-button"))  # a checked code drops the phone
    await stranger.send(unknown)  # does not exist
    assert stranger.last_reply.text.split(".")[0] == exists.split(".")[0]
    assert "Other Family" not in json.dumps([c.params for c in chat.emulator.calls])


async def test_five_failures_lock_for_a_day_and_the_lock_ends(chat, household, clock) -> None:
    other = await beneficiary(chat)
    await other.click(fa("verify-share-contact-button"))
    for _ in range(5):
        await other.send(OTHER_CODE)  # the code exists, but this is not its phone
        if _ < 4:
            await other.click(fa("verify-share-contact-button"))  # each try shares anew
    opens_at = dt.datetime.fromtimestamp(clock() + 24 * 3600, ZoneInfo("Asia/Tehran"))
    locked = beneficiary_views.locked_screen(fa, opens_at)
    assert other.last_reply.text == locked.text  # a Jalali date and a time of day
    assert [fa("button-support")] in other.last_reply.buttons
    assert "mobile" not in str(await chat.store.flow_data("telegram", other.id))  # phone gone
    await other.send("/start")
    await other.click(fa("role-beneficiary-button"))
    assert fa("verify-share-contact-button") not in str(other.last_reply.buttons)
    clock.advance(24 * 3600 + 1)
    await other.send("/start")
    await other.click(fa("role-beneficiary-button"))
    assert other.last_reply.text == fa("verify-why")


async def test_forget_removes_the_link_after_a_confirmation(chat, household) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    await maryam.click(fa("button-forget"))
    assert maryam.last_reply.text == fa("forget-ask")
    await maryam.click(fa("forget-yes"))
    assert await chat.store.beneficiary_link("telegram", maryam.id) is None


@pytest.mark.parametrize("data", [f"b:status:{OTHER_CODE}", f"b:history:{OTHER_CODE}", "b:x"])
async def test_forged_buttons_never_show_another_household(chat, household, data) -> None:
    sara = await beneficiary(chat)
    await sara.click_data(data)
    assert sara.last_answer == fa("button-expired")
    await sara.click_data("b:history")  # a real button, but she is not linked
    sent = json.dumps([c.params for c in chat.emulator.calls], ensure_ascii=False)
    assert "۱٬۵۰۰٬۰۰۰" not in sent  # the other household's total
    assert OTHER_CODE[-3:] not in sent.replace(str(sara.id), "")


async def test_a_changed_tranche_is_told_to_the_linked_person_once(chat, household) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    context = HamdeliContext(chat.application)
    tranche_3 = Voucher(CODE, 3, 6_000_000, 24_000_000, VoucherStatus.CHARGED,
                        dt.date(2026, 11, 1), dt.date(2031, 2, 1))  # fmt: skip
    async with another_process(chat.store) as importer:  # the import runs in its own process
        await importer.upsert_vouchers([tranche_3], now=5, tell=voucher_notices)
        await importer.upsert_vouchers([tranche_3], now=6, tell=voucher_notices)  # again
    await deliver_outbox(context)
    notice = fa("voucher-notice", tranche=3, status=fa("voucher-status-charged"),
                per_person="۶۰۰٬۰۰۰ تومان", total="۲٬۴۰۰٬۰۰۰ تومان",
                date=dt.date(2031, 2, 1))  # fmt: skip
    assert [m.text for m in maryam.replies].count(notice) == 1
    async with another_process(chat.store) as importer:
        changed = Voucher(CODE, 3, 7_000_000, 28_000_000, VoucherStatus.CHARGED,
                          dt.date(2026, 11, 1), dt.date(2031, 2, 1))  # fmt: skip
        await importer.upsert_vouchers([changed], now=7, tell=voucher_notices)
    await deliver_outbox(context)
    assert maryam.last_reply.text.startswith("🛒")
    assert "۷۰۰٬۰۰۰" in maryam.last_reply.text
    # Other households' people hear nothing.
    assert await chat.store.outbox_statuses("telegram") == {"sent": 2}


async def aid_request(chat) -> None:
    """A medical aid request of 1,000,000 toman for the household, open to donors."""
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=10_000_000,
                   description_fa="دارو", external_id="aid-1", beneficiary_national_code=CODE)],
        now=0,
    )  # fmt: skip


async def promise(chat, rials: int) -> None:
    """A donor promises (reserves) part of the household's request as reference P-ABCDEF."""
    need = (await chat.store.needs_of_household(CODE))[0]
    await chat.store.seen_account("telegram", 1, 1, "fa", 0)  # a donor
    await chat.store.reserve_pledge(
        need_id=need.id, platform="telegram", donor_id=1, amount=rials, token="t" * 12,
        reference="P-ABCDEF", now=0, expires_at=10**10,
    )  # fmt: skip


async def test_the_status_shows_the_households_aid_requests_without_donors(chat, household):
    await aid_request(chat)
    await promise(chat, 3_000_000)
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    line = fa("status-aid-line", icon=fa("category-icon-medical"),
              category=fa("category-medical"),
              status=fa("aid-status-pledged", percent="۳۰٪"))  # fmt: skip
    assert line in maryam.last_reply.text
    assert "P-ABCDEF" not in maryam.last_reply.text


async def test_expiry_reminders_come_once_and_can_be_turned_off(chat, household, clock) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    context = HamdeliContext(chat.application)
    async with another_process(chat.store) as importer:
        soon = Voucher(CODE, 3, 5_000_000, 20_000_000, VoucherStatus.CHARGED,
                       dt.date(2025, 11, 1), dt.date(2025, 11, 28))  # fmt: skip
        await importer.upsert_vouchers([soon], now=0, tell=voucher_notices)
    await deliver_outbox(context)  # the news of the new tranche
    clock.now = dt.datetime(2025, 11, 22, 12, tzinfo=dt.UTC).timestamp()  # 6 days before
    await beneficiary_handlers.voucher_clock(context)
    await beneficiary_handlers.voucher_clock(context)  # still once
    await deliver_outbox(context)
    reminders = [m.text for m in maryam.replies if m.text.startswith("⏰")]
    assert len(reminders) == 1
    assert "۶ روز" in reminders[0]

    await maryam.click(fa("button-refresh"))
    await maryam.click(fa("button-reminders-off"))
    assert maryam.last_answer == fa("reminders-now-off")
    async with another_process(chat.store) as importer:
        later = Voucher(CODE, 4, 5_000_000, 20_000_000, VoucherStatus.CHARGED,
                        dt.date(2025, 11, 1), dt.date(2025, 11, 25))  # fmt: skip
        await importer.upsert_vouchers([later], now=0, tell=voucher_notices)
    await beneficiary_handlers.voucher_clock(context)
    await deliver_outbox(context)
    assert len([m for m in maryam.replies if m.text.startswith("⏰")]) == 1
    assert maryam.last_reply.text.startswith("🛒")  # the news still came


async def test_the_household_hears_when_its_need_is_published_funded_and_delivered(
    chat, household
) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    context = HamdeliContext(chat.application)
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    async with another_process(chat.store) as importer:
        await importer.upsert_needs(
            [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                       category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=1_000_000,
                       description_fa="دارو", external_id="news-1",
                       beneficiary_national_code=CODE)],
            now=100, news=NEED_NEWS,  # as `hamdeli import needs` tells the household
        )  # fmt: skip
    await deliver_outbox(context)
    medical = fa("category-medical")
    assert maryam.last_reply.text == fa("aid-news-published", category=medical)

    need = (await chat.store.needs_of_household(CODE))[0]
    await chat.store.seen_account("telegram", 1, 1, "fa", 0)
    pledge, _ = await chat.store.reserve_pledge(
        need_id=need.id, platform="telegram", donor_id=1, amount=1_000_000, token="u" * 12,
        reference="P-ABCDEF", now=0, expires_at=10**10,
    )  # fmt: skip
    await pledges.confirm_payment(chat.store, reference=pledge.reference, bank_reference="1",
                                  now=200)  # fmt: skip
    await pledges.mark_delivered(chat.store, need_code=need.code, now=300)
    await deliver_outbox(context)
    texts = [m.text for m in maryam.replies]
    assert fa("aid-news-funded", category=medical) in texts
    assert texts[-1] == fa("aid-news-delivered", category=medical)


async def test_the_status_shows_the_shopping_days_of_the_households_digit(start_app, household):
    """The office writes the days once, in Persian; each household reads them in its own
    language (an English screen showed the Persian "شنبه")."""
    chat = await start_app(kalabarg_shopping_schedule=f"{CODE[-1]}=شنبه و دوشنبه")
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    days = "شنبه، دوشنبه"
    assert fa("status-schedule", digit=PERSIAN_CODE[-1], days=days) in maryam.last_reply.text
    await maryam.send("/language")
    await maryam.click("English")
    await maryam.send("/status")
    assert en("status-schedule", digit=CODE[-1], days="Saturday, Monday") in maryam.last_reply.text
    assert "شنبه" not in maryam.last_reply.text


async def test_on_telegram_a_contact_without_user_id_is_refused_like_a_foreign_one(chat, household):
    """Telegram's contact button always carries the sender's id: a card without one was
    attached by hand and may be anyone's number, so it is turned away like someone else's."""
    sara = await beneficiary(chat)
    await sara.share_contact(PHONE, user_id=99)
    foreign = sara.last_reply.text
    await sara.share_contact(PHONE, user_id=None)
    assert sara.last_reply.text == foreign == fa("verify-contact-not-yours")
    assert fa("verify-share-contact-button") in str(sara.last_reply.buttons)  # a way forward
    assert await chat.store.flow_data("telegram", sara.id) is None  # no phone kept
    await sara.send(CODE)  # the code alone links nothing
    assert await chat.store.beneficiary_link("telegram", sara.id) is None
    assert sara.last_reply.text == fa("verify-contact-expected")


async def test_on_bale_a_contact_without_user_id_links_with_weaker_ownership(start_app):
    chat = await start_app("bale")
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    await chat.store.upsert_beneficiaries(
        [Beneficiary(CODE, "X", PHONE, province.id, province.cities[0].id, 4, 2)], now=0
    )
    maryam = await beneficiary(chat)
    await maryam.share_contact(PHONE, user_id=None, forwarded=True)
    assert maryam.last_reply.text == fa("verify-contact-forwarded")
    await maryam.share_contact(PHONE, user_id=None)
    assert maryam.last_reply.text == fa("verify-ask-national-code")
    await maryam.send(CODE)
    rows = await chat.store._fetchall(
        "SELECT weak_ownership FROM beneficiary_links WHERE user_id = ?", (maryam.id,)
    )
    assert rows == [(1,)]


# -- the shared phone is never kept -----------------------------------------------------------


async def test_a_checked_code_drops_the_shared_phone_and_a_new_try_shares_it_again(
    chat, household
) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    assert (await chat.store.flow_data("telegram", maryam.id))["mobile"] == PHONE
    await maryam.send(OTHER_CODE)  # checked, and it does not match
    assert await chat.store.flow_data("telegram", maryam.id) is None
    assert maryam.last_reply.text == (
        fa("verify-failed", left=4) + "\n\n" + fa("verify-share-again")
    )
    await maryam.send(CODE)  # the right code, but the phone is gone: share it first
    assert maryam.last_reply.text == fa("verify-contact-expected")
    assert await chat.store.beneficiary_link("telegram", maryam.id) is None
    await maryam.click(fa("verify-share-contact-button"))
    await maryam.send(CODE)
    assert await chat.store.beneficiary_link("telegram", maryam.id) == CODE
    assert await chat.store.flow_data("telegram", maryam.id) is None


async def _leave_by_command(person, command: str = "/cancel") -> None:
    await person.send(command)


async def _leave_by_old_menu_button(person) -> None:
    await person.click_data("menu:donor")


@pytest.mark.parametrize(
    "leave",
    [
        _leave_by_command,
        lambda person: _leave_by_command(person, "/menu"),
        lambda person: _leave_by_command(person, "/sms"),  # another flow begins
        lambda person: _leave_by_command(person, "/status"),  # verification begins anew
        _leave_by_old_menu_button,
    ],
    ids=["/cancel", "/menu", "/sms", "/status", "menu button"],
)
async def test_the_shared_phone_goes_when_the_flow_ends_in_any_way(chat, household, leave):
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    assert (await chat.store.flow_data("telegram", maryam.id))["mobile"] == PHONE
    await leave(maryam)
    assert await chat.store.flow_data("telegram", maryam.id) is None


async def test_a_shared_phone_left_behind_is_swept_after_a_day_even_across_a_restart(
    start_app, chat, household, clock
) -> None:
    walked_away = await beneficiary(chat)
    await walked_away.click(fa("verify-share-contact-button"))
    clock.advance(23 * 3600)
    still_here = await beneficiary(chat)
    await still_here.click(fa("verify-share-contact-button"))
    await beneficiary_handlers.voucher_clock(HamdeliContext(chat.application))
    assert await chat.store.flow_data("telegram", walked_away.id) is not None  # not a day yet
    clock.advance(2 * 3600)
    restarted = await start_app(emulator=chat.emulator)  # the bot restarted meanwhile
    await beneficiary_handlers.voucher_clock(HamdeliContext(restarted.application))
    assert await restarted.store.flow_data("telegram", walked_away.id) is None
    assert await restarted.store.flow_data("telegram", still_here.id) is not None
    again = restarted.user(user_id=walked_away.id)
    await again.send(CODE)  # the phone is gone (and the idle flow is over): nothing links
    assert await restarted.store.beneficiary_link("telegram", walked_away.id) is None


# -- aid requests in plain words --------------------------------------------------------------


def test_every_aid_request_state_reads_as_plain_distinct_words() -> None:
    for t in (fa, en):
        said = {}
        for status in NeedStatus:
            need = Need(1, "H7K2QD", 1, 1, NeedCategory.MEDICAL, NeedKind.MONEY, 100, 0, 0,
                        "دارو", None, status)  # fmt: skip
            said[status] = aid_progress(t, need)
        half = Need(1, "H7K2QD", 1, 1, NeedCategory.MEDICAL, NeedKind.MONEY, 100, 30, 20,
                    "دارو", None, NeedStatus.OPEN)  # fmt: skip
        said["half"] = aid_progress(t, half)
        assert len(set(said.values())) == len(said)
        for words in said.values():
            assert not any(code in words for code in ("_", "published", "pledged", "منتشر"))
    assert en("aid-status-open").startswith("it is open to donors")
    assert aid_progress(en, half) == "donors have promised 50% of it"
    assert aid_progress(fa, half) == "خیّران ۵۰٪ آن را قول داده‌اند"


async def test_a_household_reads_its_request_is_open_then_promised_in_plain_words(
    chat, household
) -> None:
    await aid_request(chat)
    maryam = chat.user(lang="en")
    await maryam.send("/start")
    await maryam.click(en("role-beneficiary-button"))
    await maryam.click(en("verify-share-contact-button"))
    await maryam.send(CODE)
    medical = {"icon": en("category-icon-medical"), "category": en("category-medical")}
    assert en("status-aid-line", **medical, status=en("aid-status-open")) in maryam.last_reply.text
    await promise(chat, 10_000_000)
    await maryam.send("/status")
    status = maryam.last_reply.text
    assert en("status-aid-line", **medical, status=en("aid-status-fully_pledged")) in status
    assert "donors have promised all of it" in status
