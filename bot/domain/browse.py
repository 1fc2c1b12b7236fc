"""Browsing needs with k-anonymity: which places donors may see, and under what name.

A city with fewer than K open needs is never named: its needs are shown under its province
as "other cities", and a card from such a city names only the province. The decision is
made from the store's live counts on every request (no cache an import could make stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from bot.models import City, Need, NeedCategory, Province
from bot.storage.protocols import Storage

V = TypeVar("V")


@dataclass(frozen=True)
class Geography:
    """Provinces and cities by id (reference data, built once per store)."""

    provinces: tuple[Province, ...]
    province_by_id: dict[int, Province]
    city_by_id: dict[int, City]

    @classmethod
    def of(cls, provinces: tuple[Province, ...]) -> Geography:
        return cls(
            provinces=provinces,
            province_by_id={p.id: p for p in provinces},
            city_by_id={c.id: c for p in provinces for c in p.cities},
        )


_geography: tuple[tuple[Province, ...], Geography] | None = None


async def geography(store: Storage) -> Geography:
    """The lookup tables, rebuilt only if the store hands out new reference data."""
    global _geography
    provinces = await store.provinces()
    if _geography is None or _geography[0] is not provinces:
        _geography = (provinces, Geography.of(provinces))
    return _geography[1]


@dataclass(frozen=True)
class Cities:
    """A province's cities as donors may see them."""

    named: tuple[tuple[City, int], ...]  # (city, open needs); views sort them by name
    small_ids: tuple[int, ...]  # cities with fewer than K open needs: never named
    small_count: int


class Same(Generic[V]):
    """A cache key part compared by identity, for reference data (provinces): hashing a
    province with all its cities on every lookup would cost more than what is cached."""

    __slots__ = ("value",)

    def __init__(self, value: V) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value


async def cities_of(store: Storage, province: Province, k: int) -> Cities:
    counts = await store.open_counts_by_city(province.id)
    return _split_cities(Same(province), k, tuple(counts.items()))


@lru_cache(maxsize=1024)
def _split_cities(
    same: Same[Province], k: int, counts_items: tuple[tuple[int, int], ...]
) -> Cities:
    """Named and small cities, from live counts (cached by value: the counts are the key)."""
    province = same.value
    counts = dict(counts_items)
    named = [(c, counts[c.id]) for c in province.cities if counts.get(c.id, 0) >= k]
    small = tuple(c.id for c in province.cities if 0 < counts.get(c.id, 0) < k)
    return Cities(tuple(named), small, sum(counts[i] for i in small))


@dataclass(frozen=True)
class CityLookup:
    """A city a button names, as donors may see it.

    `named` is None when the city may not be named (fewer than K open needs, or none):
    the caller then shows the province's level, the same answer for every such city, so
    forged buttons that probe town after town learn nothing about where a need is.
    """

    province: Province
    cities: Cities
    named: City | None
    count: int  # the named city's open needs (0 when not named)


async def look_up_city(store: Storage, city_id: int, k: int) -> CityLookup | None:
    """The city behind a browse button, or None when no such city exists."""
    geo = await geography(store)
    city = geo.city_by_id.get(city_id)
    if city is None:
        return None
    province = geo.province_by_id[city.province_id]
    found = await cities_of(store, province, k)
    count = dict(found.named).get(city, 0)
    return CityLookup(province, found, city if count else None, count)


@dataclass(frozen=True)
class PlaceName:
    """How a card names a need's place: the city, or only its province (k-anonymity)."""

    name: str
    is_province: bool


async def place_of(store: Storage, need: Need, k: int, language: str) -> PlaceName:
    """A need's city if it may be named, else its province (never the small town)."""
    geo = await geography(store)
    counts = await store.open_counts_by_city(need.province_id)
    city = geo.city_by_id[need.city_id]
    if counts.get(city.id, 0) >= k:
        return PlaceName(city.name(language), is_province=False)
    return PlaceName(geo.province_by_id[need.province_id].name(language), is_province=True)


def page_within(page: int, total: int, size: int) -> tuple[int, int]:
    """The page to show and how many pages there are.

    Page numbers come back in buttons, which can be old or forged: a page past the end
    shows the last real page and a negative one the first, never "page 10,000 of 10,000".
    """
    pages = max(1, -(-total // size))
    return min(max(page, 0), pages - 1), pages


def category_or_none(value: str) -> NeedCategory | None:
    return None if value == "all" else NeedCategory(value)
