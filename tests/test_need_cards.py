"""Need cards and browse pages (issue #9): what a card's buttons and lines say, pages that
always fit one message, page numbers that cannot be forged, and k-anonymity against forged
browse buttons."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from bot import callbacks
from bot.domain import pledges
from bot.domain.browse import page_within
from bot.i18n import translator
from bot.models import NeedCategory, NeedDraft, NeedKind
from tests.test_donor_journey import draft as journey_draft

fa, en = translator("fa"), translator("en")
TOMAN = 10


def draft(city, province, external_id: str, **fields) -> NeedDraft:
    """A dowry need of 10,000,000 toman (the donor journey's), linked to no household."""
    fields.setdefault("beneficiary_national_code", None)
    return journey_draft(city, province, external_id=external_id, **fields)


async def tehran(chat):
    return next(p for p in await chat.store.provinces() if p.name_en == "Tehran")


async def add(chat, *drafts: NeedDraft) -> dict[str, str]:
    await chat.store.upsert_needs(list(drafts), now=int(chat.application.services.clock()))
    rows = await chat.store._fetchall("SELECT external_id, code FROM needs")
    return dict(rows)


async def donor(chat, lang: str = "fa"):
    person = chat.user(lang=lang)
    await person.send("/start")
    await person.click((fa if lang == "fa" else en)("role-donor-button"))
    return person


def data_of(screen) -> list[str]:
    return [b.get("callback_data", "") for row in screen.button_rows for b in row]


def sent_text(chat) -> str:
    return json.dumps([call.params for call in chat.emulator.calls], ensure_ascii=False)


# -- what a card says -------------------------------------------------------------------------


async def test_help_buttons_name_the_need_not_its_code(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    codes = await add(
        chat,
        draft(city, province, "dowry", urgent=True),
        draft(city, province, "tools", category=NeedCategory.WORK_TOOLS, kind=NeedKind.ITEMS,
              target=3, item_name="چرخ خیاطی"),
        draft(city, province, "medical", category=NeedCategory.MEDICAL),
    )  # fmt: skip
    sara = await donor(chat)
    await sara.click_data(callbacks.city_page(city.id))
    page = sara.last_reply
    assert page.buttons[:3] == [
        [fa("card-help-button", name="جهیزیه")],
        [fa("card-help-button", name="چرخ خیاطی")],  # an item need is named by its item
        [fa("card-help-button", name="درمان")],
    ]
    assert all(code not in str(page.buttons) for code in codes.values())
    assert page.text.index("۱. ") < page.text.index("۲. ") < page.text.index("۳. ")
    await sara.click(fa("card-help-button", name="چرخ خیاطی"))
    assert sara.last_reply.text == fa(
        "pledge-ask-quantity", code=codes["tools"], item="چرخ خیاطی", remaining=3
    )


async def test_two_cards_with_the_same_name_get_their_numbers(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    await add(chat, *(draft(city, province, f"d{i}") for i in range(3)))
    sara = await donor(chat, "en")
    await sara.click_data(callbacks.city_page(city.id))
    labels = [row[0] for row in sara.last_reply.buttons[:3]]
    assert labels == [en("card-help-button-numbered", number=n, name="Dowry") for n in (1, 2, 3)]


async def test_a_long_item_name_is_shortened_on_its_button(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    long_item = "یخچال فریزر دو درب بزرگ با ضمانت سه ساله"
    codes = await add(chat, draft(city, province, "i", kind=NeedKind.ITEMS, target=2,
                                  item_name=long_item))  # fmt: skip
    sara = await donor(chat)
    await sara.send(codes["i"])
    [label] = [b for row in sara.last_reply.buttons for b in row if b.startswith("🤝")]
    assert label.endswith("…")
    assert len(label) <= len("🤝 ") + 24
    assert long_item.startswith(label.removeprefix("🤝 ").removesuffix("…"))


async def test_a_card_from_a_hidden_town_says_province_not_a_bare_name(chat) -> None:
    province = await tehran(chat)
    town = province.cities[1]  # one open need: below K, never named
    codes = await add(chat, draft(town, province, "s"))
    sara, john = await donor(chat), await donor(chat, "en")
    await sara.send(codes["s"])
    assert fa("need-place", place="استان تهران") in sara.last_reply.text
    await john.send(codes["s"])
    assert en("need-place", place="Tehran province") in john.last_reply.text
    await sara.click_data(callbacks.other_page(province.id))
    assert fa("need-place", place="استان تهران") in sara.last_reply.text
    assert town.name_fa not in sent_text(chat)
    assert town.name_en not in sent_text(chat)


async def test_a_fully_pledged_card_has_no_help_button_and_says_so(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    codes = await add(chat, draft(city, province, "small", target=1_000_000 * TOMAN))
    sara, reza = await donor(chat), await donor(chat)
    await sara.send(codes["small"])
    await sara.click(fa("card-help-button", name="جهیزیه"))
    await sara.send("۱ میلیون")
    await sara.click(fa("pledge-confirm-button"))
    await reza.send(codes["small"])
    card = reza.last_reply
    assert fa("card-fully-pledged") in card.text
    assert callbacks.help_need(codes["small"]) not in data_of(card)
    assert not any(label.startswith("🤝") for row in card.buttons for label in row)


async def test_the_bar_shows_paid_and_promised_apart_with_a_legend(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    codes = await add(chat, draft(city, province, "n", target=10_000_000 * TOMAN))
    paid_by, promised_by, reader = await donor(chat), await donor(chat), await donor(chat, "en")
    for person, typed in ((paid_by, "3 میلیون"), (promised_by, "2 میلیون")):
        await person.send(codes["n"])
        await person.click(fa("card-help-button", name="جهیزیه"))
        await person.send(typed)
        await person.click(fa("pledge-confirm-button"))
    first = re.search(r"P-[2-9A-HJ-NP-Z]{6}", paid_by.last_reply.text).group(0)
    now = int(chat.application.services.clock())
    await pledges.confirm_payment(chat.store, reference=first, bank_reference="123", now=now)
    await reader.send(codes["n"])
    text = reader.last_reply.text
    assert "\u200e▓▓▓▒▒░░░░░ 50%" in text  # 3 of 10 paid, 2 promised, 5 open
    legend = en("card-amounts", paid_mark="▓", paid="3,000,000 toman", promised_mark="▒",
                promised="2,000,000 toman", open_mark="░", remaining="5,000,000 toman")  # fmt: skip
    assert legend in text
    assert "Promised" in legend


# -- k-anonymity against forged buttons -------------------------------------------------------


@pytest.fixture
async def towns(chat):
    """Tehran city has 4 open needs (named); one town has 1 (hidden), another has none."""
    province = await tehran(chat)
    capital, small, empty = province.cities[0], province.cities[1], province.cities[2]
    await add(
        chat,
        *(draft(capital, province, f"c{i}") for i in range(4)),
        draft(small, province, "hidden", category=NeedCategory.MEDICAL),
    )
    return province, capital, small, empty


def forged_buttons(city_id: int) -> list[str]:
    return [
        f"d:f:c:{city_id}",
        f"d:c:{city_id}:all:0",
        f"d:c:{city_id}:medical:0",
        f"d:c:{city_id}:dowry:3",
        f"d:c:{city_id}:all:9999",
    ]


async def test_forged_buttons_for_a_small_town_reveal_nothing(chat, towns) -> None:
    _, _, small, empty = towns
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click(fa("browse-place-count", place="تهران", count=5))
    await sara.click(fa("browse-other-cities", province="تهران", count=1))
    province_level = sara.last_reply  # what any donor may see: the province's rest
    replies: dict[int, list] = {}
    for town in (small, empty):
        replies[town.id] = []
        for data in forged_buttons(town.id):
            await sara.click_data(data)
            replies[town.id].append((sara.last_reply.text, sara.last_reply.buttons))
    # A town with a hidden need answers exactly like a town with none, whatever the button,
    # and that answer is the province's level, counted the same.
    assert replies[small.id] == replies[empty.id]
    stale = fa("browse-place-stale", province="تهران")
    for text, buttons in replies[small.id]:
        assert text == stale + "\n\n" + province_level.text
        assert buttons == province_level.buttons
    sent = sent_text(chat)
    for name in (small.name_fa, small.name_en, empty.name_fa, empty.name_en):
        assert name not in sent
    # No reply ever counted the hidden town's needs by category.
    chips = fa("category-chip", icon=fa("category-icon-medical"), name="درمان", count=1)
    assert chips not in sent


async def test_the_filter_of_a_named_city_still_counts_its_categories(chat, towns) -> None:
    _, capital, _, _ = towns
    sara = await donor(chat)
    await sara.click_data(f"d:f:c:{capital.id}")
    assert fa("browse-categories", place="تهران") == sara.last_reply.text
    assert fa("category-all", count=4) in sara.last_reply.buttons[0]


# -- paging -----------------------------------------------------------------------------------


def test_page_within_keeps_forged_numbers_on_real_pages() -> None:
    assert page_within(9999, 12, 5) == (2, 3)
    assert page_within(-4, 12, 5) == (0, 3)
    assert page_within(1, 12, 5) == (1, 3)
    assert page_within(7, 0, 5) == (0, 1)


async def test_a_forged_page_number_shows_the_last_real_page(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    await add(chat, *(draft(city, province, f"n{i}") for i in range(12)))
    sara = await donor(chat)
    await sara.click_data(f"d:c:{city.id}:all:9999")
    text = sara.last_reply.text
    assert fa("browse-page-header", place="تهران", page=3, pages=3) in text
    assert fa("browse-page-header", place="تهران", page=10000, pages=10000) not in text
    assert sara.last_reply.button_data(fa("button-previous")) == f"d:c:{city.id}:all:1"
    assert fa("button-next") not in str(sara.last_reply.buttons)


async def test_a_forged_page_of_my_pledges_shows_the_last_real_page(chat) -> None:
    province = await tehran(chat)
    codes = await add(chat, draft(province.cities[0], province, "p"))
    sara = await donor(chat)
    await sara.send(codes["p"])
    await sara.click(fa("card-help-button", name="جهیزیه"))
    await sara.send("۱ میلیون")
    await sara.click(fa("pledge-confirm-button"))
    await sara.click_data(callbacks.my_pledges(9999))
    text = sara.last_reply.text
    assert text.startswith(fa("my-pledges-header", page=1, pages=1))
    assert codes["p"] in text


# -- long descriptions: a page always fits one message ----------------------------------------


@pytest.mark.parametrize("platform", ["telegram", "bale"])
async def test_five_long_descriptions_fit_one_page_with_more_buttons(start_app, platform) -> None:
    chat = await start_app(platform)
    province = await tehran(chat)
    city = province.cities[0]
    longs = [f"{i} " + ("خانواده‌ای با سه فرزند که " * 60)[:998] for i in range(5)]
    codes = await add(
        chat, *(draft(city, province, f"l{i}", description_fa=d) for i, d in enumerate(longs))
    )
    sara = await donor(chat)
    await sara.click(fa("button-browse"))
    await sara.click(fa("browse-place-count", place="تهران", count=5))
    await sara.click(fa("browse-place-count", place="تهران", count=5))
    page = sara.last_reply
    assert fa("browse-page-header", place="تهران", page=1, pages=1) in page.text
    assert len(page.text.encode("utf-16-le")) // 2 <= 4096
    assert all(code in page.text for code in codes.values())
    assert "…" in page.text
    more = fa("card-more-button", number=2)
    assert page.button_data(more) == callbacks.need(codes["l1"])
    await sara.click(more)
    assert longs[1] in sara.last_reply.text  # the whole card, as written
    assert callbacks.help_need(codes["l1"]) in data_of(sara.last_reply)


async def test_short_descriptions_need_no_more_button(chat) -> None:
    province = await tehran(chat)
    city = province.cities[0]
    await add(chat, *(draft(city, province, f"s{i}") for i in range(5)))
    sara = await donor(chat)
    await sara.click_data(callbacks.city_page(city.id))
    assert "📖" not in str(sara.last_reply.buttons)
    assert "…" not in sara.last_reply.text


async def test_a_deadline_still_shows_on_an_open_card(chat) -> None:
    province = await tehran(chat)
    codes = await add(chat, draft(province.cities[0], province, "d", deadline=dt.date(2031, 1, 1)))
    sara = await donor(chat)
    await sara.send(codes["d"])
    assert "⏳" in sara.last_reply.text
    assert fa("card-fully-pledged") not in sara.last_reply.text
