"""Always a way forward: no refusal, error or "contact the office" is a dead end.

Conversation tests through the emulator and the real Application, like a person would meet
them: a typed place or greeting, a new amount on the confirm screen, help by role, back
buttons, paging words, refresh, /cancel, and the reminders button before verifying.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot import callbacks
from bot.i18n import available_languages, resource_texts, translator
from bot.models import (
    Beneficiary,
    NeedCategory,
    NeedDraft,
    NeedKind,
    StaffRole,
    Voucher,
    VoucherStatus,
)
from bot.text import national_code_check_digit
from bot.views import staff as staff_views
from tests.conftest import ADMIN_ID

# "Contact the office" without the how (a phone, /support, an address) is a dead end.
DEAD_END_PHRASES = {
    "en": re.compile(r"(contact|ask) the welfare office|contact the office", re.IGNORECASE),
    "fa": re.compile("با (دفتر|ادارهٔ) بهزیستی تماس|از (دفتر|ادارهٔ) بهزیستی درخواست"),
}


@pytest.mark.parametrize("language", available_languages())
def test_no_message_sends_people_to_the_office_without_saying_how(language) -> None:
    texts = "\n".join(resource_texts(language).values())
    assert DEAD_END_PHRASES[language].findall(texts) == []


# -- shared setup -------------------------------------------------------------------------

fa, en = translator("fa"), translator("en")
TOMAN = 10  # rials
HOUSEHOLD_CODE = "001234567" + str(national_code_check_digit("001234567"))
HOUSEHOLD_PHONE = "+989121234567"


async def place(chat, province_en: str, city_index: int = 0):
    province = next(p for p in await chat.store.provinces() if p.name_en == province_en)
    return province, province.cities[city_index]


async def seed(chat, province_en: str, city_index: int, count: int, prefix: str) -> list[str]:
    """`count` open money needs in one city; returns their codes."""
    province, city = await place(chat, province_en, city_index)
    drafts = [
        NeedDraft(city_id=city.id, province_id=province.id, category=NeedCategory.MEDICAL,
                  kind=NeedKind.MONEY, target=5_000_000 * TOMAN, description_fa="دارو",
                  description_en="Medicine", external_id=f"{prefix}{n}")
        for n in range(count)
    ]  # fmt: skip
    await chat.store.upsert_needs(drafts, now=0)
    rows = await chat.store._fetchall(
        "SELECT code FROM needs WHERE external_id LIKE ? ORDER BY id", (f"{prefix}%",)
    )
    return [row[0] for row in rows]


async def donor(chat, lang: str = "fa"):
    person = chat.user(lang=lang)
    await person.send("/start")
    await person.click(translator(lang)("role-donor-button"))
    return person


# -- help by role -----------------------------------------------------------------------


async def test_help_shows_each_role_its_own_commands_and_support_to_everyone(chat) -> None:
    newcomer = chat.user()
    await newcomer.send("/help")  # has not chosen: both ways in, no staff commands
    text = newcomer.last_reply.text
    assert "/mypledges" in text
    assert "/status" in text
    assert "/support" in text
    assert "/pledge" not in text
    assert "/broadcast" not in text

    sara = await donor(chat)
    await sara.send("/help")
    text = sara.last_reply.text
    assert fa("help-donor") in text
    assert fa("help-everyone") in text
    assert "/status" not in text
    assert "/forget" not in text
    assert "/queue" not in text

    maryam = chat.user()
    await maryam.send("/start")
    await maryam.click(fa("role-beneficiary-button"))
    await maryam.send("/help")
    text = maryam.last_reply.text
    assert all(command in text for command in ("/status", "/sms", "/forget", "/support"))
    assert "/mypledges" not in text
    assert "/pledge " not in text

    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/help")
    text = admin.last_reply.text
    assert fa("help-staff") in text
    assert fa("help-admin") in text
    assert "/support" in text
    assert [fa("button-support")] in admin.last_reply.buttons

    await chat.store.set_staff_role_by_id("telegram", sara.id, StaffRole.STAFF)
    sara_staff = chat.user(user_id=sara.id)
    await sara_staff.send("/help")
    text = sara_staff.last_reply.text
    assert fa("help-staff") in text
    assert fa("help-admin") not in text
    assert fa("help-donor") in text


# -- back buttons, the ticked language, paging words ----------------------------------------


async def test_the_language_picker_ticks_the_current_language_and_goes_back(chat) -> None:
    sara = await donor(chat)
    await sara.click(fa("button-language"))
    assert sara.last_reply.buttons == [["فارسی ✓"], ["English"], [fa("button-back")]]
    await sara.click(fa("button-back"))
    assert sara.last_reply.text == fa("donor-home")
    assert (await chat.store.account("telegram", sara.id)).language == "fa"


async def test_the_category_screen_has_a_back_button_to_the_place(chat) -> None:
    await seed(chat, "Tehran", 0, 3, "c")
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click(sara.last_reply.buttons[0][0])  # Tehran province
    await sara.click(sara.last_reply.buttons[0][0])  # Tehran city
    page = sara.last_reply.text
    await sara.click(fa("button-filter"))
    assert sara.last_reply.buttons[-1] == [fa("button-back")]
    await sara.click(fa("button-back"))
    assert sara.last_reply.text == page


@pytest.mark.parametrize(
    ("lang", "previous", "following"), [("fa", "→ قبلی", "بعدی ←"), ("en", "‹ Previous", "Next ›")]
)
async def test_paging_buttons_say_previous_and_next_in_words(
    chat, lang, previous, following
) -> None:
    t = translator(lang)
    assert (t("button-previous"), t("button-next")) == (previous, following)
    await seed(chat, "Tehran", 0, 7, "p")
    person = await donor(chat, lang)
    await person.click(t("button-browse"))
    await person.click(person.last_reply.buttons[0][0])
    await person.click(person.last_reply.buttons[0][0])
    assert [following] in person.last_reply.buttons
    await person.click(following)
    assert [previous] in person.last_reply.buttons


def test_every_paged_screen_builds_its_buttons_in_one_place() -> None:
    views = Path(__file__).resolve().parent.parent / "bot" / "views"
    users = sorted(
        path.name
        for path in views.glob("*.py")
        if '"button-next"' in path.read_text(encoding="utf-8")
    )
    assert users == ["screen.py"]


# -- refresh, /cancel, reminders before verifying ------------------------------------------


async def test_refresh_says_when_nothing_changed_and_shows_what_did(chat) -> None:
    province, city = await place(chat, "Tehran")
    await chat.store.upsert_beneficiaries(
        [Beneficiary(HOUSEHOLD_CODE, "Test Household", HOUSEHOLD_PHONE, province.id, city.id,
                     4, 2)], now=0)  # fmt: skip
    maryam = chat.user()
    await maryam.send("/start")
    await maryam.click(fa("role-beneficiary-button"))
    await maryam.share_contact(HOUSEHOLD_PHONE)
    await maryam.send(HOUSEHOLD_CODE)
    status = maryam.last_reply
    await maryam.click(fa("button-refresh"))
    assert maryam.last_answer == fa("status-nothing-new")
    assert maryam.last_reply.text == status.text
    await chat.store.upsert_vouchers(
        [Voucher(HOUSEHOLD_CODE, 1, 5_000_000, 20_000_000, VoucherStatus.CHARGED,
                 dt.date(2025, 11, 20), dt.date(2031, 1, 1))], now=0)  # fmt: skip
    await maryam.click(fa("button-refresh"))
    assert maryam.last_answer != fa("status-nothing-new")
    assert maryam.last_reply.text != status.text


async def test_cancel_says_where_it_took_the_person_and_shows_that_menu(chat) -> None:
    sara = await donor(chat)
    await sara.send("/support")
    await sara.send("/cancel")
    assert sara.last_reply.text == f"{fa('cancelled-donor')}\n\n{fa('donor-home')}"
    assert [fa("button-browse")] in sara.last_reply.buttons

    john = chat.user(lang="en")
    await john.send("/cancel")
    assert john.last_reply.text.startswith("Cancelled. You are back at the main menu.")
    assert [en("role-donor-button")] in john.last_reply.buttons

    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/newneed")
    await admin.send("/cancel")
    expected = staff_views.staff_home(fa, StaffRole.ADMIN)
    assert admin.last_reply.text == f"{fa('cancelled-staff')}\n\n{expected.text}"


async def test_the_reminders_button_asks_someone_not_linked_to_verify_first(chat) -> None:
    stranger = chat.user()
    await stranger.send("/start")
    await stranger.click_data(callbacks.REMINDERS)  # an old status message, after /forget
    assert stranger.last_answer == fa("reminders-verify-first")
    assert stranger.last_reply.text == fa("reminders-verify-first")
    assert not any(m.has_reply_keyboard for m in stranger.replies)  # no contact keyboard
    assert not await chat.store.reminders_off("telegram", stranger.id)  # nothing turned off
    await stranger.click(fa("button-verify"))
    assert stranger.last_reply.text == fa("verify-why")  # verification starts properly
