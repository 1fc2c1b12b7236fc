"""Lists people read are in their alphabet's order: Persian in fa, A–Z in English."""

from __future__ import annotations

import re

import pytest

from bot.i18n import translator
from bot.models import NeedCategory, NeedDraft, NeedKind

fa, en = translator("fa"), translator("en")

# Written out by hand from the Persian alphabet (آ ا ب پ ت ث ج چ … ک گ ل م ن و ه ی), not
# computed with the key under test.
PROVINCES_FA = [
    "آذربایجان شرقی",
    "آذربایجان غربی",
    "اردبیل",
    "اصفهان",
    "البرز",
    "ایلام",
    "بوشهر",
    "تهران",
    "چهارمحال و بختیاری",
    "خراسان جنوبی",
    "خراسان رضوی",
    "خراسان شمالی",
    "خوزستان",
    "زنجان",
    "سمنان",
    "سیستان و بلوچستان",
    "فارس",
    "قزوین",
    "قم",
    "کردستان",
    "کرمان",
    "کرمانشاه",
    "کهگیلویه و بویراحمد",
    "گلستان",
    "گیلان",
    "لرستان",
    "مازندران",
    "مرکزی",
    "هرمزگان",
    "همدان",
    "یزد",
]
TEHRAN_CITIES_FA = [
    "اسلامشهر",
    "پاکدشت",
    "پردیس",
    "پیشوا",
    "تجریش",
    "تهران",
    "دماوند",
    "رباط\u200cکریم",
    "ری",
    "شهریار",
    "فیروزکوه",
    "قدس",
    "قرچک",
    "ملارد",
    "نسیم\u200cشهر",
    "ورامین",
]


@pytest.fixture
async def everywhere(start_app):
    """One open need in every province's capital and in every city of Tehran province
    (k = 1, so every place with a need is named)."""
    chat = await start_app(k_anonymity=1)
    drafts = []
    for province in await chat.store.provinces():
        cities = province.cities if province.name_en == "Tehran" else province.cities[:1]
        drafts += [
            NeedDraft(
                city_id=city.id,
                province_id=province.id,
                category=NeedCategory.OTHER,
                kind=NeedKind.ITEMS,
                target=2,
                item_name="blanket",
                description_fa="پتو برای زمستان",
                description_en="Blankets for the winter",
                external_id=f"c{city.id}",
            )
            for city in cities
        ]
    await chat.store.upsert_needs(drafts, now=int(chat.application.services.clock()))
    return chat


def place_names(reply) -> list[str]:
    """The place buttons of a browse screen, without their counts and the back button."""
    labels = [label for row in reply.buttons for label in row]
    return [re.sub(r" \([0-9۰-۹٬,]+\)$", "", label) for label in labels[:-1]]


async def browse(chat, lang: str):
    t = fa if lang == "fa" else en
    person = chat.user(lang=lang)
    await person.send("/start")
    await person.click(t("role-donor-button"))
    await person.click(t("button-browse"))
    return person


async def test_provinces_and_cities_are_in_persian_alphabetical_order_in_fa(everywhere) -> None:
    sara = await browse(everywhere, "fa")
    assert place_names(sara.last_reply) == PROVINCES_FA
    await sara.click(fa("browse-place-count", place="تهران", count=len(TEHRAN_CITIES_FA)))
    assert place_names(sara.last_reply) == TEHRAN_CITIES_FA


async def test_provinces_and_cities_are_a_to_z_by_english_name_in_en(everywhere) -> None:
    provinces = await everywhere.store.provinces()
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    john = await browse(everywhere, "en")
    assert place_names(john.last_reply) == sorted((p.name_en for p in provinces), key=str.lower)
    await john.click(en("browse-place-count", place="Tehran", count=len(tehran.cities)))
    assert place_names(john.last_reply) == sorted((c.name_en for c in tehran.cities), key=str.lower)
