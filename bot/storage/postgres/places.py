"""Places and browsing on PostgreSQL: provinces and cities, and the need pages donors browse."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from bot.models import City, Need, NeedCategory, Province
from bot.storage.postgres.base import PgStoreBase
from bot.storage.records import from_row
from bot.storage.sqlite.common import _NEED_COLUMNS


class PgPlacesRepository(PgStoreBase):
    """Places and browsing: provinces and cities, and the anonymized need pages donors browse."""

    async def provinces(self) -> tuple[Province, ...]:
        """All provinces with their cities, read once per process (reference data).

        Ordered by name in code (Python's code-point order, which is SQLite's BINARY
        collation), not by the server: a cluster's collation may sort Persian differently.
        """
        if self._provinces is None:
            rows = await self._fetchall(
                "SELECT id, province_id, name_fa, name_en, is_capital FROM cities"
            )
            cities = sorted(
                (City(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows),
                key=lambda c: (not c.is_capital, c.name_fa),
            )
            provinces = sorted(
                await self._fetchall("SELECT id, name_fa, name_en FROM provinces"),
                key=lambda r: r[1],
            )
            self._provinces = tuple(
                Province(
                    id=pid,
                    name_fa=name_fa,
                    name_en=name_en,
                    cities=tuple(c for c in cities if c.province_id == pid),
                )
                for pid, name_fa, name_en in provinces
            )
        return self._provinces

    # Counts come from open_need_counts (kept exact by triggers, see 0004). sum() of a
    # BIGINT is NUMERIC in PostgreSQL, hence the casts back to bigint.

    async def open_counts_by_province(self) -> dict[int, int]:
        """Open needs per province (only provinces that have some): the donor's first screen."""
        rows = await self._cached_fetchall(
            "SELECT c.province_id, sum(o.n)::bigint FROM open_need_counts o "
            "JOIN cities c ON c.id = o.city_id WHERE o.n > 0 GROUP BY c.province_id"
        )
        return dict(rows)

    async def open_counts_by_city(self, province_id: int) -> dict[int, int]:
        """Open needs per city of a province (only cities that have some)."""
        rows = await self._cached_fetchall(
            "SELECT o.city_id, sum(o.n)::bigint FROM cities c "
            "JOIN open_need_counts o ON o.city_id = c.id "
            "WHERE c.province_id = $1 AND o.n > 0 GROUP BY o.city_id",
            (province_id,),
        )
        return dict(rows)

    async def open_counts_by_category(self, city_ids: Sequence[int]) -> dict[NeedCategory, int]:
        """Open needs per category in these cities (only categories that have some)."""
        where, params = self._browse_filter(city_ids, None)
        rows = await self._cached_fetchall(
            f"SELECT category, sum(n)::bigint FROM open_need_counts WHERE {where} AND n > 0 "
            "GROUP BY category",
            params,
        )
        return {NeedCategory(category): n for category, n in rows}

    async def open_need_count(self, city_ids: Sequence[int], category: NeedCategory | None) -> int:
        """How many needs `open_needs_page` pages through: for "page X of Y"."""
        where, params = self._browse_filter(city_ids, category)
        rows = await self._cached_fetchall(
            f"SELECT coalesce(sum(n), 0)::bigint FROM open_need_counts WHERE {where}", params
        )
        return int(rows[0][0])

    async def open_needs_page(
        self, city_ids: Sequence[int], category: NeedCategory | None, limit: int, offset: int
    ) -> list[Need]:
        """Open needs in browse order: urgent first, then nearest deadline (none last), then id.

        Each city's first offset + limit needs come straight from its index (needs_browse,
        or needs_browse_category), in order: PostgreSQL only sorts the few needs that share
        an urgency and a deadline by id, and a small sort merges the cities, so a page costs
        cities x pages, not needs, as on SQLite. Asked as one `city_id = ANY(...)` with the
        ORDER BY outside, PostgreSQL read and sorted every open need of the city instead:
        ~300 ms for a big city at a million needs (bench/browse_query.py), as it did when
        the ORDER BY named a collation the index does not have. `deadline` is ISO text
        (YYYY-MM-DD), which every collation sorts as dates, so the index's own collation
        gives SQLite's order. A city named twice is read once, as SQLite's `IN` does.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if not city_ids:
            return []
        in_category = "" if category is None else "AND category = $4"
        params: tuple[Any, ...] = (list(city_ids), limit, offset)
        return await self._cached_fetchall(
            "SELECT p.* FROM (SELECT DISTINCT unnest($1::bigint[])) AS c(id) CROSS JOIN LATERAL ("
            f"SELECT {_NEED_COLUMNS} FROM needs "
            f"WHERE status = 'open' AND city_id = c.id {in_category} "
            "ORDER BY urgent DESC, deadline NULLS LAST, id LIMIT $2::bigint + $3::bigint) p "
            "ORDER BY p.urgent DESC, p.deadline NULLS LAST, p.id LIMIT $2 OFFSET $3",
            params if category is None else (*params, category.value),
            convert=functools.partial(from_row, Need),
        )

    @staticmethod
    def _browse_filter(
        city_ids: Sequence[int], category: NeedCategory | None
    ) -> tuple[str, tuple[Any, ...]]:
        """The WHERE terms shared by the counts and the page, so both count the same needs."""
        where = "city_id = ANY($1::bigint[])"
        params: tuple[Any, ...] = (list(city_ids),)
        if category is not None:
            where, params = where + " AND category = $2", (*params, category.value)
        return where, params
