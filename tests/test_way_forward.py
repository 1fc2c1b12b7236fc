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
from bot.codes import new_need_code, typed_need_code
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


def labels(message) -> list[str]:
    return [label for row in message.buttons for label in row]


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
    assert fa("staff-commands") in text
    assert "/support" in text
    assert [fa("button-support")] in admin.last_reply.buttons

    await chat.store.set_staff_role_by_id("telegram", sara.id, StaffRole.STAFF)
    sara_staff = chat.user(user_id=sara.id)
    await sara_staff.send("/help")
    text = sara_staff.last_reply.text
    assert fa("staff-commands") in text
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
    edits = len(chat.emulator.calls_to("editMessageText"))
    await maryam.click(fa("button-refresh"))
    assert maryam.last_answer == fa("status-nothing-new")
    assert len(chat.emulator.calls_to("editMessageText")) == edits  # not re-edited
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


# -- typed text: codes, places, greetings ----------------------------------------------------


@pytest.mark.parametrize("word", ["thanks", "status", "salam", "Thanks", "okay"])
def test_words_are_not_need_codes(word) -> None:
    assert typed_need_code(word) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [("H7K2QD", "H7K2QD"), ("h۷k۲qd", "H7K2QD"), ("H٧K٢QD", "H7K2QD"), ("#thanks", "THANKS")],
)
def test_code_shaped_text_is_a_code_in_any_digits(typed, code) -> None:
    assert typed_need_code(typed) == code


def test_new_need_codes_always_have_a_digit_so_no_code_is_a_word() -> None:
    assert all(set(new_need_code()) & set("23456789") for _ in range(5000))


async def test_thanks_and_status_are_answered_as_text_not_as_codes(chat) -> None:
    sara = await donor(chat)
    for word in ("thanks", "status"):
        await sara.send(word)
        assert sara.last_reply.text == fa("unknown-text")
        assert sara.last_reply.buttons == [[fa("button-menu")]]
        assert fa("need-not-found") not in sara.last_reply.text


@pytest.mark.parametrize("digits", ["persian", "arabic"])
async def test_a_need_code_in_persian_or_arabic_digits_opens_the_need(chat, digits) -> None:
    [code] = await seed(chat, "Tehran", 0, 1, "d")
    table = "۰۱۲۳۴۵۶۷۸۹" if digits == "persian" else "٠١٢٣٤٥٦٧٨٩"
    typed = code.lower().translate(str.maketrans("0123456789", table))
    sara = await donor(chat)
    await sara.send(code)
    latin = sara.last_reply.text
    await sara.send(typed)
    assert sara.last_reply.text == latin
    assert code in latin


@pytest.mark.parametrize("greeting", ["سلام", "سلام!", "درود", "hi", "Salam 👋", "سلام علیکم"])
async def test_a_greeting_is_greeted_with_the_menu_button_not_the_whole_menu(
    chat, greeting
) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send(greeting)
    assert sara.last_reply.text == fa("greeting-reply")
    assert sara.last_reply.buttons == [[fa("button-menu")]]
    await sara.click(fa("button-menu"))
    assert [fa("role-donor-button")] in sara.last_reply.buttons


@pytest.mark.parametrize(
    "typed", ["تهران", "استان تهران", "  استان   تهران؟", "Tehran", "tehran province"]
)
async def test_a_typed_province_opens_its_cities(chat, typed) -> None:
    await seed(chat, "Tehran", 0, 3, "t")
    tehran, _ = await place(chat, "Tehran")
    sara = await donor(chat)
    await sara.send(typed)
    assert sara.last_reply.text.startswith(fa("typed-place-province", province=tehran.name_fa))
    await sara.click(sara.last_reply.buttons[0][0])  # the city it lists opens its needs
    assert fa("button-filter") in labels(sara.last_reply)


@pytest.mark.parametrize("typed", ["شهر تهران", "tehran CITY", "Tehran city"])
async def test_a_typed_city_with_enough_needs_opens_its_page(chat, typed) -> None:
    codes = await seed(chat, "Tehran", 0, 3, "t")
    sara = await donor(chat)
    await sara.send(typed)
    assert sara.last_reply.text.count(fa("category-medical")) >= len(codes)  # the cards
    assert fa("button-filter") in labels(sara.last_reply)


async def test_a_typed_city_in_any_letters_with_kaf_and_yeh_forms(chat) -> None:
    _, city = await place(chat, "Alborz")  # Karaj: کرج
    await seed(chat, "Alborz", 0, 3, "k")
    sara = await donor(chat)
    await sara.send(city.name_fa.replace("ک", "ك").replace("ی", "ي"))
    assert fa("button-filter") in labels(sara.last_reply)
    await sara.send(city.name_en.upper())
    assert fa("button-filter") in labels(sara.last_reply)


async def test_a_typed_small_town_is_never_named_and_answers_like_an_empty_one(chat) -> None:
    """k-anonymity: a town below K_ANONYMITY (1 need) and an empty town answer the same,
    with their province, and neither is named."""
    tehran, small = await place(chat, "Tehran", 1)
    _, empty = await place(chat, "Tehran", 2)
    await seed(chat, "Tehran", 0, 3, "t")  # the capital is named
    await seed(chat, "Tehran", 1, 1, "s")  # one need: below K=3
    sara = await donor(chat)
    await sara.send(small.name_fa)
    with_need = sara.last_reply
    await sara.send(empty.name_fa)
    without = sara.last_reply
    assert with_need.text == without.text
    assert with_need.buttons == without.buttons
    assert with_need.text.startswith(fa("typed-place-province", province=tehran.name_fa))
    assert small.name_fa not in with_need.text
    assert small.name_fa not in str(with_need.buttons)


async def test_a_typed_place_with_nothing_open_shows_the_provinces_that_have_needs(chat) -> None:
    await seed(chat, "Tehran", 0, 3, "t")
    fars, _ = await place(chat, "Fars")
    sara = await donor(chat)
    await sara.send("استان فارس")
    assert sara.last_reply.text.startswith(fa("typed-place-nothing", province=fars.name_fa))


# -- a new amount on the confirm screen --------------------------------------------------------


async def on_confirm_screen(chat):
    """A donor who typed 1,000,000 toman for a need and sees the confirm screen."""
    [code] = await seed(chat, "Tehran", 0, 1, "a")
    sara = await donor(chat)
    await sara.send(code)
    await sara.click(fa("card-help-button", name=fa("category-medical")))
    await sara.send("۱ میلیون")
    return sara


async def test_a_new_amount_on_the_confirm_screen_replaces_the_amount(chat) -> None:
    sara = await on_confirm_screen(chat)
    first = sara.last_reply
    assert "۱٬۰۰۰٬۰۰۰" in first.text
    await sara.send("2000000")  # changed their mind: a fresh confirm screen, a fresh token
    second = sara.last_reply
    assert second.message_id != first.message_id
    assert "۲٬۰۰۰٬۰۰۰" in second.text
    old_data = first.button_data(fa("pledge-confirm-button"))
    assert second.button_data(fa("pledge-confirm-button")) != old_data
    await sara.click(fa("pledge-confirm-button"), message_id=first.message_id)
    assert sara.last_answer == fa("pledge-amount-replaced")  # the replaced one counts no more
    await sara.click(fa("pledge-confirm-button"), message_id=second.message_id)
    [pledge] = await chat.store.pledges_of_donor("telegram", sara.id, 10, 0)
    assert pledge.amount == 2_000_000 * TOMAN
    await sara.send("thanks")  # the flow is over: ordinary text again
    assert sara.last_reply.text == fa("unknown-text")


async def test_text_that_is_not_an_amount_on_the_confirm_screen_is_read_as_text(chat) -> None:
    sara = await on_confirm_screen(chat)
    await sara.send("سلام")
    assert sara.last_reply.text == fa("greeting-reply")
    assert await chat.store.flow_data("telegram", sara.id) is None
