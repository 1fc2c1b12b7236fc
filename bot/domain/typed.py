"""Text people type outside any flow: a greeting, or the name of a place.

The words live in bot/data/typed_words.json (Persian, English and Finglish forms), so no
Persian text sits in code and staff can extend the lists. Matching uses the same keys as
place names in imports (`matching_key`): any digits, ی/ک forms, spacing and case.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.domain.browse import Geography
from bot.models import City, Province
from bot.text import matching_key, normalize_text

MAX_TYPED_WORDS = 6  # longer messages are sentences, not a greeting or a place name


@cache
def _words() -> dict[str, list[str]]:
    text = resources.files("bot").joinpath("data", "typed_words.json").read_text("utf-8")
    words: dict[str, list[str]] = json.loads(text)
    return words


def _plain_words(text: str) -> list[str]:
    """The message's words: normalized, punctuation, symbols and emoji dropped."""
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LNM" or ch == "\u200c" else " "
        for ch in normalize_text(text).casefold()
    )
    return kept.split()


@cache
def _greetings() -> frozenset[str]:
    return frozenset(matching_key(" ".join(_plain_words(g))) for g in _words()["greetings"])


@cache
def _word_keys(kind: str) -> frozenset[str]:
    return frozenset(matching_key(word) for word in _words()[kind])


def is_greeting(text: str) -> bool:
    """ "سلام", "Salam!", "hi 👋", "درود بر شما": a message that is only a greeting."""
    words = _plain_words(text)
    return 0 < len(words) <= MAX_TYPED_WORDS and matching_key(" ".join(words)) in _greetings()


@dataclass(frozen=True)
class TypedPlace:
    """A place named in a message: a province, or a city (with its province)."""

    province: Province
    city: City | None = None


def find_place(geography: Geography, text: str) -> TypedPlace | None:
    """The province or city a message names, with or without "استان"/"شهر"/"province".

    When a province and a city share a name (Tehran), a city word ("شهر", "city") means
    the city; otherwise the province, whose screen lists that city first.
    """
    words = _plain_words(text)
    if not 0 < len(words) <= MAX_TYPED_WORDS:
        return None
    keys = [matching_key(word) for word in words]
    city_words, province_words = _word_keys("city_words"), _word_keys("province_words")
    ignored = city_words | province_words | _word_keys("filler_words")
    name = "".join(key for key in keys if key not in ignored)
    province, cities = _names(geography).get(name, (None, ())) if name else (None, ())
    if cities and (province is None or city_words & set(keys)):
        city = cities[0]
        return TypedPlace(geography.province_by_id[city.province_id], city)
    if province is not None:
        return TypedPlace(province)
    return None


_NAMES: dict[int, dict[str, tuple[Province | None, tuple[City, ...]]]] = {}


def _names(geography: Geography) -> dict[str, tuple[Province | None, tuple[City, ...]]]:
    """Every province and city name (fa and en) as a matching key without spaces."""
    found = _NAMES.get(id(geography))
    if found is not None:
        return found
    table: dict[str, tuple[Province | None, tuple[City, ...]]] = {}
    for province in geography.provinces:
        for name in (province.name_fa, province.name_en):
            key = _key(name)
            table[key] = (province, table.get(key, (None, ()))[1])
        for city in province.cities:
            for key in {_key(city.name_fa), _key(city.name_en)}:
                old_province, old_cities = table.get(key, (None, ()))
                table[key] = (old_province, (*old_cities, city))
    _NAMES.clear()  # reference data: one geography per store, rebuilt only if it changes
    _NAMES[id(geography)] = table
    return table


def _key(name: str) -> str:
    return re.sub(r"\s+", "", matching_key(" ".join(_plain_words(name))))
