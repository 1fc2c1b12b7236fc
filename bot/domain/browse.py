"""Browsing needs with k-anonymity: which places donors may see, and under what name.

A city with fewer than K open needs is never named: its needs are shown under its province
as "other cities", and a card from such a city names only the province. The decision is
made from the store's live counts on every request (no cache an import could make stale).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import City, Need, NeedCategory, Province
from bot.storage import Store


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


async def geography(store: Store) -> Geography:
    """The lookup tables, rebuilt only if the store hands out new reference data."""
    global _geography
    provinces = await store.provinces()
    if _geography is None or _geography[0] is not provinces:
        _geography = (provinces, Geography.of(provinces))
    return _geography[1]


@dataclass(frozen=True)
class Cities:
    """A province's cities as donors may see them."""

    named: list[tuple[City, int]]  # (city, open needs), most needs first
    small_ids: list[int]  # cities with fewer than K open needs: never named
    small_count: int


async def cities_of(store: Store, province: Province, k: int) -> Cities:
    counts = await store.open_counts_by_city(province.id)
    named = [(c, counts[c.id]) for c in province.cities if counts.get(c.id, 0) >= k]
    named.sort(key=lambda pair: -pair[1])
    small = [c.id for c in province.cities if 0 < counts.get(c.id, 0) < k]
    return Cities(named, small, sum(counts[i] for i in small))


async def place_of(store: Store, need: Need, k: int, language: str) -> str:
    """How a card names a need's place: its city if named, else "other cities" of its province."""
    geo = await geography(store)
    counts = await store.open_counts_by_city(need.province_id)
    city = geo.city_by_id[need.city_id]
    if counts.get(city.id, 0) >= k:
        return city.name(language)
    return geo.province_by_id[need.province_id].name(language)


def category_or_none(value: str) -> NeedCategory | None:
    return None if value == "all" else NeedCategory(value)
