"""Places and browsing: provinces and cities, and the anonymized need pages donors browse."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from bot.models import (
    City,
    Need,
    NeedCategory,
    Province,
)
from bot.storage.records import from_row
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
)


class PlacesRepository(StoreBase):
    """Places and browsing: provinces and cities, and the anonymized need pages donors browse."""

    async def provinces(self) -> tuple[Province, ...]:
        """All provinces with their cities, read once per process (reference data)."""
        if self._provinces is None:
            cities = [
                City(id=r[0], province_id=r[1], name_fa=r[2], name_en=r[3], is_capital=bool(r[4]))
                for r in await self._fetchall(
                    "SELECT id, province_id, name_fa, name_en, is_capital FROM cities "
                    "ORDER BY is_capital DESC, name_fa"
                )
            ]
            self._provinces = tuple(
                Province(
                    id=pid,
                    name_fa=name_fa,
                    name_en=name_en,
                    cities=tuple(c for c in cities if c.province_id == pid),
                )
                for pid, name_fa, name_en in await self._fetchall(
                    "SELECT id, name_fa, name_en FROM provinces ORDER BY name_fa"
                )
            )
        return self._provinces

    # Counts come from open_need_counts (kept exact by triggers, see 0004), never from
    # counting needs. Every method is one round trip, and none when its answer is cached
    # (see _cached_fetchall: the cache is dropped on every change to needs).

    async def open_counts_by_province(self) -> dict[int, int]:
        """Open needs per province (only provinces that have some): the donor's first screen."""
        rows = await self._cached_fetchall(
            "SELECT c.province_id, sum(o.n) FROM open_need_counts o "
            "JOIN cities c ON c.id = o.city_id WHERE o.n > 0 GROUP BY c.province_id"
        )
        return dict(rows)

    async def open_counts_by_city(self, province_id: int) -> dict[int, int]:
        """Open needs per city of a province (only cities that have some)."""
        rows = await self._cached_fetchall(
            "SELECT o.city_id, sum(o.n) FROM cities c "
            "JOIN open_need_counts o ON o.city_id = c.id "
            "WHERE c.province_id = ? AND o.n > 0 GROUP BY o.city_id",
            (province_id,),
        )
        return dict(rows)

    async def open_counts_by_category(self, city_ids: Sequence[int]) -> dict[NeedCategory, int]:
        """Open needs per category in these cities (only categories that have some)."""
        where, params = self._browse_filter(city_ids, None)
        rows = await self._cached_fetchall(
            f"SELECT category, sum(n) FROM open_need_counts WHERE {where} AND n > 0 "
            "GROUP BY category",
            params,
        )
        return {NeedCategory(category): n for category, n in rows}

    async def open_need_count(self, city_ids: Sequence[int], category: NeedCategory | None) -> int:
        """How many needs `open_needs_page` pages through: for "page X of Y"."""
        where, params = self._browse_filter(city_ids, category)
        rows = await self._cached_fetchall(
            f"SELECT coalesce(sum(n), 0) FROM open_need_counts WHERE {where}", params
        )
        return int(rows[0][0])

    async def open_needs_page(
        self, city_ids: Sequence[int], category: NeedCategory | None, limit: int, offset: int
    ) -> list[Need]:
        """Open needs in browse order: urgent first, then nearest deadline (none last), then id.

        `urgent IN (1, 0)` changes nothing (urgent is 0 or 1) but lets SQLite walk the index
        once per urgency and take `deadline NULLS LAST` straight from it, so one city's page
        reads a handful of index entries and sorts nothing, however big the city. Several
        cities are merged by a small sort: SQLite takes at most offset + limit entries per
        city and urgency from the index, so the cost grows with cities x pages, not needs.
        The index is named: for several cities and a category SQLite would otherwise pick
        needs_browse and, for a category a big city lacks, read the whole city (~100 ms).
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if not city_ids:  # `IN ()` is valid SQLite, but planned as a scan of every need
            return []
        index = "needs_browse" if category is None else "needs_browse_category"
        where, params = self._browse_filter(city_ids, category)
        return await self._cached_fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs INDEXED BY {index} "
            f"WHERE status = 'open' AND {where} "
            "AND urgent IN (1, 0) ORDER BY urgent DESC, deadline NULLS LAST, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
            convert=functools.partial(from_row, Need),
        )

    @staticmethod
    def _browse_filter(
        city_ids: Sequence[int], category: NeedCategory | None
    ) -> tuple[str, tuple[Any, ...]]:
        """The WHERE terms shared by the counts and the page, so both count the same needs.

        One city becomes `city_id IN (?)`, which SQLite treats as `city_id = ?`.
        """
        where = f"city_id IN ({','.join('?' * len(city_ids))})"
        params: tuple[Any, ...] = tuple(city_ids)
        if category is not None:
            where, params = where + " AND category = ?", (*params, category.value)
        return where, params
