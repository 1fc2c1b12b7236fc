"""Safety first, through the real Application: the emergency lines come first and alone, in
any state of any flow, and what the person was doing goes on afterwards."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.i18n import translator
from tests.conftest import ADMIN_ID
from tests.test_beneficiary_journey import CODE, PERSIAN_CODE, beneficiary, household  # noqa: F401
from tests.test_donor_journey import UNTIL_48H, donor, needs, open_help  # noqa: F401

fa, en = translator("fa"), translator("en")
STAFF_CHAT = -100777
COLLOQUIAL = [
    "شوهرم منو کتک میزنه",
    "پدرم منو میزنه",
    "تهدید به قتل شدم",
    "بچمو اذیت میکنن",
    "someone is hurting my kids",
]


def assert_safety_answer_alone(replies, t=fa) -> None:
    """One message, the emergency lines, a way to carry on; nothing else answered."""
    assert [m.text for m in replies] == [t("safety-answer")]
    assert replies[0].buttons[0] == [t("safety-continue-button")]


@pytest.mark.parametrize("platform", ["telegram", "bale"])
@pytest.mark.parametrize("text", COLLOQUIAL)
async def test_each_colloquial_disclosure_gets_the_lines_first_and_alone(
    start_app, platform, text
) -> None:
    chat = await start_app(platform)
    sara = chat.user()
    await sara.send("/start")
    replies = await sara.send(text)
    assert_safety_answer_alone(replies)
    for number in ("۱۲۳", "۱۱۰", "۱۱۵", "۱۴۸۰"):
        assert number in replies[0].text
    assert replies[0].text.index("۱۲۳") < replies[0].text.index("۱۱۰")  # 123 first
    await sara.click(fa("safety-continue-button"))  # not in a flow: the menu
    assert sara.last_reply.text.endswith(fa("welcome-choose"))


async def test_a_brand_new_persons_first_message_in_english(chat) -> None:
    newcomer = chat.user(lang="en")
    replies = await newcomer.send("my husband beats me and I am scared")
    assert_safety_answer_alone(replies, en)
    for number in ("123", "110", "115", "1480"):
        assert number in replies[0].text
    assert "\u06f1" not in replies[0].text  # Latin digits in English
    await newcomer.click(en("safety-continue-button"))
    assert newcomer.last_reply.text.endswith(en("welcome-choose"))  # and now the way in


async def test_mid_verification_the_household_stays_and_then_gets_verified(
    start_app,
    chat,
    household,  # noqa: F811
) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))
    assert maryam.last_reply.text == fa("verify-ask-national-code")
    states = await chat.store.conversation_states("telegram", "flows")
    flow_data = await chat.store.flow_data("telegram", maryam.id)
    assert flow_data is not None  # the shared phone, waiting for the code

    assert_safety_answer_alone(await maryam.send("شوهرم منو کتک میزنه"))
    assert await chat.store.conversation_states("telegram", "flows") == states
    assert await chat.store.flow_data("telegram", maryam.id) == flow_data
    await maryam.click(fa("safety-continue-button"))
    assert maryam.last_reply.text == fa("safety-carry-on")
    assert await chat.store.conversation_states("telegram", "flows") == states

    # Even across a crash: the state on disk is the one she was in.
    second = await start_app(emulator=chat.emulator)
    again = second.user(user_id=maryam.id)
    await again.send(PERSIAN_CODE)
    status = fa("voucher-status-charged")
    assert fa("status-voucher", tranche=2, status=status) in again.last_reply.text
    assert await second.store.beneficiary_link("telegram", maryam.id) == CODE


async def test_mid_amount_the_donor_goes_on_with_the_amount(chat, needs) -> None:  # noqa: F811
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    await open_help(sara, code)
    flow_data = await chat.store.flow_data("telegram", sara.id)
    assert_safety_answer_alone(await sara.send("پدرم منو میزنه"))
    assert await chat.store.flow_data("telegram", sara.id) == flow_data
    await sara.click(fa("safety-continue-button"))
    assert sara.last_reply.text == fa("safety-carry-on")
    await sara.send("۵۰۰ هزار")
    assert sara.last_reply.text == fa(
        "pledge-confirm", code=code, amount="۵۰۰٬۰۰۰ تومان", **UNTIL_48H
    )


async def test_a_staff_member_composing_gets_the_lines_and_keeps_the_draft(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send("/broadcast")
    states = await chat.store.conversation_states("telegram", "flows")
    assert states  # composing
    assert_safety_answer_alone(await admin.send("someone is hurting my kids"))
    assert await chat.store.conversation_states("telegram", "flows") == states
    await admin.send("جلسهٔ فردا در دفتر بهزیستی برگزار می‌شود")  # the draft goes on
    assert admin.last_reply.text == fa("broadcast-ask-audience")
    assert not await chat.store.conversation_states("telegram", "flows")  # composed


def _rows_about(database: str, user_id: int) -> list[str]:
    """Every stored row that mentions this person, with their id blanked out."""
    with sqlite3.connect(database) as db:
        dump = list(db.iterdump())
    return sorted(line.replace(str(user_id), "<id>") for line in dump if str(user_id) in line)


async def test_nothing_is_kept_logged_or_sent_to_staff(start_app, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    disclosure = "شوهرم منو کتک میزنه"
    sara, neda = chat.user(user_id=5001), chat.user(user_id=5002)
    replies = await sara.send(disclosure)
    await neda.send("سلام")  # an ordinary first message, for comparison
    assert replies[0].buttons[1] == [fa("safety-support-button")]
    assert chat.emulator.messages_in(STAFF_CHAT) == []
    database = str(tmp_path / "hamdeli.db")
    assert _rows_about(database, sara.id) == _rows_about(database, neda.id)
    with sqlite3.connect(database) as db:
        assert not any("کتک" in line for line in db.iterdump())
    assert "کتک" not in caplog.text

    await sara.click(fa("safety-support-button"))  # only when she asks
    assert sara.last_reply.text == fa("support-ask")
    await sara.send("لطفاً با من تماس بگیرید")
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    assert "کتک" not in posted.text


async def test_writing_to_support_the_lines_come_first_and_the_words_reach_support(
    start_app,
) -> None:
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    sara = chat.user()
    await sara.send("شوهرم منو کتک میزنه")
    await sara.click(fa("safety-support-button"))
    assert sara.last_reply.text == fa("support-ask")
    replies = await sara.send("شوهرم منو کتک میزنه، لطفاً کمکم کنید")
    assert [m.text for m in replies] == [fa("safety-answer"), fa("support-sent", ticket=1)]
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    assert "لطفاً کمکم کنید" in posted.text


async def test_a_photo_whose_caption_speaks_of_danger_gets_the_lines(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    assert_safety_answer_alone(await sara.send_photo(caption="جونم در خطره"))
    replies = await sara.send_photo(caption="رسید واریز")
    assert replies[0].text != fa("safety-answer")
