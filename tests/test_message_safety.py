"""Messages survive what people and data put in them (issue #9): long text is cut, never
turned into `{???}` or refused for length, and on Bale nothing is mangled by Markdown."""

from __future__ import annotations

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.emulator import BotApiEmulator
from bot.i18n import available_languages, translator
from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.platform import escape_bale, fit, utf16_length
from bot.views.screen import user_text
from tests.conftest import ADMIN_ID
from tests.test_broadcasts import compose
from tests.test_locales import _messages
from tests.test_staff_pledges import pledged  # noqa: F401 (a fixture)
from tests.test_support import STAFF_CHAT, staff_reply

fa = translator("fa")
LONG = ("سلام، " + "کالابرگ من هنوز شارژ نشده و نگرانم. ") * 80  # over 3,000 characters
TRICKY = "جهیزیه_کامل برای *خانوادهٔ* رضایی_نیا [فوری](x) `کد` ~۲~ \\ پایان"


def test_the_long_input_is_long_enough() -> None:
    assert len(LONG) > 3000


# -- long user text inside translated messages ------------------------------------------------


@pytest.mark.parametrize("language", available_languages())
def test_no_message_breaks_with_3000_characters_in_any_placeholder(language) -> None:
    t = translator(language)
    for message_id, names in _messages(language).items():
        text = t(message_id, **dict.fromkeys(names, LONG))
        assert "{???}" not in text, message_id
        if names:
            assert "…" in text or LONG not in text, message_id


async def test_a_3000_character_support_ticket_reaches_staff_cut_not_broken(start_app) -> None:
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    sara = chat.user()
    await sara.send("/start")
    await sara.send("/support")
    await sara.send(LONG)
    assert "{???}" not in sara.last_reply.text
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    assert "{???}" not in posted.text
    assert LONG[:500] in posted.text
    assert "…" in posted.text
    assert utf16_length(posted.text) <= 4096
    await staff_reply(chat, ADMIN_ID, posted.message_id, LONG)  # a long answer back
    await deliver_outbox(HamdeliContext(chat.application))  # the outbox sends the answer
    assert sara.last_reply.text.startswith("💬")
    assert "{???}" not in sara.last_reply.text
    assert "…" in sara.last_reply.text


async def test_a_3000_character_announcement_previews_in_full(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await compose(admin, "donors", text=LONG[:3000])
    preview = admin.replies[-2]
    assert preview.text == f"{fa('broadcast-header')}\n\n{LONG[:3000]}"


async def test_a_3000_character_rejection_reason_reaches_the_donor_readable(chat, pledged) -> None:  # noqa: F811
    donor, reference = pledged
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send("/pledge")
    await admin.send(reference)
    await admin.click(fa("staff-reject-button"))
    await admin.send(LONG)
    assert "{???}" not in admin.last_reply.text
    await deliver_outbox(HamdeliContext(chat.application))
    notice = donor.last_reply.text
    assert reference in notice
    assert "{???}" not in notice


async def test_every_message_is_kept_within_the_platform_limits(chat) -> None:
    """The last guard, for every sender: a text over 4,096 or a caption over 1,024 (in
    UTF-16 units, as the platforms count) is cut with "…" instead of being refused."""
    sara = chat.user()
    await sara.send("/start")
    bot = chat.application.bot
    await bot.send_message(sara.id, "😀" + "ب" * 5000)
    assert utf16_length(sara.last_reply.text) <= 4096
    assert sara.last_reply.text.endswith("…")
    await bot.send_photo(sara.id, "photo-id", caption="ب" * 2000)
    assert len(sara.last_reply.text) == 1024
    assert sara.last_reply.text.endswith("…")


def test_fit_never_splits_an_emoji() -> None:
    text = fit("😀" * 3000, 4096)
    assert utf16_length(text) <= 4096
    assert text.endswith("😀…")
    assert user_text("x" * 5000) == "x" * 999 + "…"


# -- Bale renders Markdown: nothing people or data provide may be mangled ---------------------


async def test_the_bale_emulator_shows_what_bale_shows() -> None:
    emulator = BotApiEmulator(platform="bale")
    link = "https://ble.ir/x_bot?start=need_AB *b*"
    await emulator.call("sendMessage", {"chat_id": 7, "text": link})
    assert emulator.messages_in(7)[-1].text == "https://ble.ir/xbot?start=needAB b"  # mangled
    escaped = escape_bale(link + " ***948")
    await emulator.call("sendMessage", {"chat_id": 7, "text": escaped})
    assert emulator.messages_in(7)[-1].text == link + " ***948"
    telegram = BotApiEmulator(platform="telegram")
    await telegram.call("sendMessage", {"chat_id": 7, "text": link})
    assert telegram.messages_in(7)[-1].text == link  # Telegram without parse_mode: as sent


@pytest.mark.parametrize("platform", ["telegram", "bale"])
async def test_a_need_and_its_share_link_survive_markdown(start_app, platform) -> None:
    chat = await start_app(platform)
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.DOWRY, kind=NeedKind.MONEY, target=50_000_000,
                   description_fa=TRICKY, external_id="m1")],
        now=0,
    )  # fmt: skip
    code = (await chat.store._fetchall("SELECT code FROM needs"))[0][0]
    sara = chat.user()
    await sara.send("/start")
    await sara.send(code)
    text = sara.last_reply.text
    assert TRICKY in text
    host = "ble.ir" if platform == "bale" else "t.me"
    assert f"https://{host}/hamdeli_bot?start=need_{code}" in text
    await sara.send(f"/start need_{code}")  # the link still opens the need
    assert TRICKY in sara.last_reply.text


async def test_on_bale_a_support_ticket_reaches_staff_as_written(start_app) -> None:
    chat = await start_app("bale", staff_chat_id=STAFF_CHAT)
    sara = chat.user()
    await sara.send("/start")
    await sara.send("/support")
    await sara.send(TRICKY)
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    assert TRICKY in posted.text


async def test_on_bale_a_screen_with_markers_in_its_own_words_reads_as_on_telegram(
    start_app,
) -> None:
    """Not only people's text: the bot's own words (a masked `***948`) are escaped too."""
    shown = {}
    for platform in ("telegram", "bale"):
        chat = await start_app(platform)
        sara = chat.user()
        await sara.send("/start")
        await chat.application.bot.send_message(sara.id, "کد ملی: ***948 · snake_case_word")
        shown[platform] = sara.last_reply.text
    assert shown["bale"] == shown["telegram"] == "کد ملی: ***948 · snake_case_word"
