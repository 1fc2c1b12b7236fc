"""Persian screens show Persian digits: every persona's main screens are walked in fa and
no Latin digit may appear, except in what people copy into other apps as it is."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from bot import demo
from bot.codes import ALPHABET
from bot.context import HamdeliContext
from bot.handlers import beneficiary as beneficiary_handlers
from bot.i18n import translator
from bot.views.charts import axis_tick
from tests.conftest import ADMIN_ID

fa = translator("fa")
DEMO_SETTINGS = json.loads(
    resources.files("bot").joinpath("data", "demo_settings.json").read_text("utf-8")
)
HOUSEHOLD_CODE = "0041234561"  # the demo household (bot/data/demo_households.csv)
LATIN_DIGIT = re.compile(r"[0-9]")
# What may keep Latin digits, because people copy it as it is: links, need codes and pledge
# codes (typed back to the bot and written on bank transfers), the card number and IBAN
# (pasted into banking apps). Nothing else.
COPIED_AS_IS = [
    re.compile(r"https?://\S+"),
    re.compile(rf"\bP-[{ALPHABET}]{{6}}\b"),
    re.compile(rf"(?<![\w-])[{ALPHABET}]{{6}}(?!\w)"),
    re.compile(re.escape(DEMO_SETTINGS["payment_card"])),
    re.compile(re.escape(DEMO_SETTINGS["payment_sheba"])),
]


def shown_texts(chat) -> list[str]:
    """Every text, caption, button label and alert the bot sent."""
    shown = []
    for call in chat.emulator.calls:
        params = call.params
        shown += [params[key] for key in ("text", "caption") if isinstance(params.get(key), str)]
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []) + (markup or {}).get("keyboard", []):
            shown += [b["text"] if isinstance(b, dict) else str(b) for b in row]
    return shown


def latin_digits_in(text: str) -> list[str]:
    for allowed in COPIED_AS_IS:
        text = allowed.sub("", text)
    return [line for line in text.splitlines() if LATIN_DIGIT.search(line)]


@pytest.fixture
async def demo_chat(start_app):
    telegram_token = DEMO_SETTINGS["payment_provider_token"]["telegram"]
    chat = await start_app(
        **{**DEMO_SETTINGS, "payment_provider_token": telegram_token}, k_anonymity=1
    )
    await demo.seed_demo(chat.application, "fa")
    return chat


async def walk_donor(chat) -> None:
    donor = chat.user(user_id=demo.DONOR_ID)
    await donor.send("/start")
    await donor.click(fa("role-donor-button"))
    await donor.click(fa("button-browse"))
    await donor.click(donor.last_reply.buttons[0][0])  # a province
    await donor.click(donor.last_reply.buttons[0][0])  # a city
    await donor.click(donor.last_reply.buttons[0][0])  # help on the first need
    await donor.send("۱ میلیون")
    await donor.click(fa("pledge-confirm-button"))
    await donor.send("/start")
    await donor.click(fa("role-donor-button"))
    await donor.click(fa("button-my-pledges"))
    for command in ("/help", "/language", "/settings"):
        await donor.send(command)


async def walk_household(chat) -> None:
    household = chat.user(user_id=demo.BENEFICIARY_ID)
    await household.send("/start")
    await household.click(fa("role-beneficiary-button"))
    await household.share_contact("+989121234567")
    await household.send(HOUSEHOLD_CODE)
    assert "***" in household.last_reply.text  # the status screen, with the masked code
    await household.click(fa("button-history"))
    await household.send("/sms")
    stranger = chat.user()
    await stranger.send("/start")
    await stranger.click(fa("role-beneficiary-button"))
    for _ in range(5):  # five wrong codes lock verification: the lockout says until when
        await stranger.share_contact("+989351112233")
        await stranger.send("0012345679")
    assert any("بسته" in m.text for m in stranger.replies)  # the lockout was shown


async def walk_staff(chat) -> None:
    staff = chat.user(user_id=ADMIN_ID)
    await chat.store.seen_account("telegram", ADMIN_ID, ADMIN_ID, "fa", 0)
    await staff.send("/start")
    await staff.click(fa("role-staff-button"))
    await staff.send("/queue")
    reference = re.search(rf"P-[{ALPHABET}]{{6}}", "\n".join(shown_texts(chat))).group(0)
    await staff.send("/pledge")
    await staff.send(reference)
    await staff.send(f"/household {HOUSEHOLD_CODE}")
    for command in ("/stats", "/audit", "/help"):
        await staff.send(command)
    await beneficiary_handlers.voucher_clock(HamdeliContext(chat.application))


async def test_no_latin_digit_in_any_persian_screen_of_any_persona(demo_chat) -> None:
    await walk_donor(demo_chat)
    await walk_household(demo_chat)
    await walk_staff(demo_chat)
    shown = shown_texts(demo_chat)
    assert len(shown) > 60  # the walk really went through the screens
    latin = [line for text in shown for line in latin_digits_in(text)]
    assert latin == []


def test_the_whitelist_keeps_codes_and_card_numbers_but_nothing_else() -> None:
    assert latin_digits_in("کد تعهد: P-8F3K2Q · نیاز H7K2QD · کارت 6037-9975-9912-3456") == []
    assert latin_digits_in("https://t.me/hamdeli_bot?start=need_H7K2QD") == []
    assert latin_digits_in("کد ملی: ***948") == ["کد ملی: ***948"]
    assert latin_digits_in("تا 24 ساعت") == ["تا 24 ساعت"]


@pytest.mark.parametrize(
    ("value", "fa_tick", "en_tick"),
    [(0, "۰", "0"), (2.5, "۲٫۵", "2.5"), (1500, "۱٬۵۰۰", "1,500")],
)
def test_chart_ticks_use_the_readers_digits(value, fa_tick, en_tick) -> None:
    assert axis_tick(value, "fa") == fa_tick
    assert axis_tick(value, "en") == en_tick
